"""Discovery and confined reads: no link out of RAW, collisions refused, streaming, printable names."""

from __future__ import annotations

import itertools
import os
import unicodedata
from pathlib import Path

import pytest

from pipeline.discover import FileProblem, LessonFile, NotRegular, discover, iter_lessons, lesson_key, read_lesson, shown
from pipeline.text import printable, printable_lines


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path, Path]:
    """RAW with a lesson, and a secret folder beside it (outside RAW)."""
    raw, out, secret = tmp_path / "raw", tmp_path / "out", tmp_path / "secret"
    raw.mkdir()
    secret.mkdir()
    (secret / "passwd.txt").write_text("root:x:0:0:SECRET-MARKER\n")
    (raw / "a.txt").write_text("Hola.\n")
    return raw, out, secret


def _split(raw: Path, out: Path) -> tuple[list[LessonFile], list[FileProblem], list[FileProblem]]:
    lessons, problems = discover(raw, out)
    return lessons, [p for p in problems if p.skipped], [p for p in problems if not p.skipped]


def test_file_link_out_of_raw_is_skipped_with_its_target(tree: tuple[Path, Path, Path]) -> None:
    raw, out, secret = tree
    (raw / "passwd.txt").symlink_to(secret / "passwd.txt")
    (raw / "etc-passwd.txt").symlink_to("/etc/passwd")
    (raw / "rel.txt").symlink_to(Path("..") / "secret" / "passwd.txt")
    lessons, skipped, errors = _split(raw, out)
    assert [x.rel for x in lessons] == ["a"]
    assert not errors
    lines = {p.path: p.line() for p in skipped}
    assert lines[str(raw / "passwd.txt")] == (f"{raw / 'passwd.txt'}: a link to {secret / 'passwd.txt'}, outside RAW; "
                                              f"not read; copy the file into RAW if it is a lesson")
    assert "a link to /etc/passwd, outside RAW" in lines[str(raw / "etc-passwd.txt")]
    assert "outside RAW" in lines[str(raw / "rel.txt")]


def test_link_inside_raw_is_read_and_read_through_its_target(tree: tuple[Path, Path, Path]) -> None:
    raw, out, _ = tree
    (raw / "unit").mkdir()
    (raw / "unit" / "b.txt").write_text("Adiós.\n")
    (raw / "alias.txt").symlink_to(Path("unit") / "b.txt")
    lessons, skipped, errors = _split(raw, out)
    assert [x.rel for x in lessons] == ["a", "alias", "unit/b"]
    alias = next(x for x in lessons if x.rel == "alias")
    assert alias.inner == "unit/b.txt" and read_lesson(alias) == b"Adi\xc3\xb3s.\n"
    assert not skipped and not errors


def test_folder_links_are_not_followed_either_way(tree: tuple[Path, Path, Path]) -> None:
    raw, out, secret = tree
    (raw / "out-link").symlink_to(secret, target_is_directory=True)
    (raw / "in-link").symlink_to(raw, target_is_directory=True)
    lessons, skipped, _ = _split(raw, out)
    assert [x.rel for x in lessons] == ["a"]
    by_path = {p.path: p.problem for p in skipped}
    assert by_path[str(raw / "out-link")] == "a folder link to outside RAW, not followed"
    assert by_path[str(raw / "in-link")] == "a folder link to a folder inside RAW, not followed"


def test_a_link_into_the_output_folder_is_not_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    out = raw / "out"
    (out / "source").mkdir(parents=True)
    (out / "source" / "x.txt").write_text("written by a run\n")
    (raw / "x.txt").symlink_to(out / "source" / "x.txt")
    lessons, skipped, _ = _split(raw, out)
    assert lessons == [] and skipped[0].problem == "a link into the output folder; not read"


def test_a_file_swapped_for_a_link_after_discovery_is_refused(tree: tuple[Path, Path, Path]) -> None:
    raw, out, secret = tree
    (raw / "unit").mkdir()
    (raw / "unit" / "b.txt").write_text("Adiós.\n")
    lessons, _, _ = _split(raw, out)
    a, b = lessons
    # the file itself becomes a link out of RAW
    (raw / "a.txt").unlink()
    (raw / "a.txt").symlink_to(secret / "passwd.txt")
    with pytest.raises(NotRegular, match="link"):
        read_lesson(a)
    # a folder on the way becomes a link out of RAW
    (raw / "unit" / "b.txt").unlink()
    (raw / "unit").rmdir()
    (secret / "b.txt").write_text("SECRET-MARKER\n")
    (raw / "unit").symlink_to(secret, target_is_directory=True)
    with pytest.raises(NotRegular):
        read_lesson(b)


@pytest.mark.parametrize("names", [
    ["dup.txt", "dup.TXT", "dup.Txt"],
    [unicodedata.normalize("NFC", "lección.txt"), unicodedata.normalize("NFD", "lección.txt")],
    ["Intro.txt", "intro.txt", "INTRO.txt"],
    ["straße.txt", "STRASSE.txt"],
], ids=["suffix-case", "nfc-nfd", "name-case", "casefold"])
def test_colliding_names_keep_the_first_and_refuse_the_rest(tmp_path: Path, names: list[str]) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, name in enumerate(names):
        (raw / name).write_text(f"Lección {i}.\n")
    lessons, _, errors = _split(raw, tmp_path / "out")
    first = sorted(names)[0]
    assert [x.path.name for x in lessons] == [first]
    assert sorted(Path(e.path).name for e in errors) == sorted(n for n in names if n != first)
    for e in errors:
        assert f"like {shown(raw / first)}, which is kept" in e.problem and e.hint == "rename one of them"
    # deterministic whatever order the files were created in
    for order in itertools.permutations(names):
        raw2 = tmp_path / ("raw-" + str(abs(hash(order))))
        raw2.mkdir()
        for name in order:
            (raw2 / name).write_text("x\n")
        assert [x.path.name for x in _split(raw2, tmp_path / "out")[0]] == [first]


def test_collision_across_folders_is_refused_too(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "Unit").mkdir(parents=True)
    (raw / "unit").mkdir()
    (raw / "Unit" / "a.txt").write_text("uno\n")
    (raw / "unit" / "a.txt").write_text("dos\n")
    lessons, _, errors = _split(raw, tmp_path / "out")
    assert [x.rel for x in lessons] == ["Unit/a"]
    (err,) = errors
    assert err.path == str(raw / "unit" / "a.txt") and "lesson unit/a" in err.problem


def test_lesson_key_is_canonical_caseless() -> None:
    assert lesson_key("Lección") == lesson_key(unicodedata.normalize("NFD", "LECCIÓN"))
    assert lesson_key("a/b") != lesson_key("a_b")


def test_iter_lessons_streams(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for i in range(30):
        (raw / f"p{i:02d}").mkdir(parents=True)
        (raw / f"p{i:02d}" / "x.txt").write_text("x\n")
    it = iter_lessons(raw, tmp_path / "out")
    first = next(it)
    assert isinstance(first, LessonFile) and first.rel == "p00/x"  # yielded before the walk is over
    assert len(list(it)) == 29


def test_unreadable_folder_is_an_error_not_silence(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "locked" / "x.txt").write_text("x\n")
    (raw / "locked").chmod(0)
    try:
        if os.access(raw / "locked", os.R_OK):
            pytest.skip("running as root: permission bits do not stop reads")
        _, _, errors = _split(raw, tmp_path / "out")
        assert errors and "folder cannot be read" in errors[0].problem
    finally:
        (raw / "locked").chmod(0o755)


def test_printable_escapes_what_a_terminal_would_obey() -> None:
    assert printable("a\x1b]0;pwned\x07b") == "a\\x1b]0;pwned\\x07b"
    assert printable("x\u202ey\u200bz\r\n") == "x\\u202ey\\u200bz\\r\\n"
    assert printable("ok ñ ไทย café") == "ok ñ ไทย café"
    assert printable(printable("\x1b[31m")) == printable("\x1b[31m")  # escaping twice changes nothing
    assert printable_lines("a\x1b\nb") == "a\\x1b\nb"
    assert shown(Path(os.fsdecode(b"caf\xe9\x1b.txt"))) == "caf\\xe9\\x1b.txt"


def test_order_is_a_sorted_top_down_walk(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    for rel in ["b.txt", "a.txt", "a/z.txt", "a/b/c.txt", "a b/x.txt", "a-b/x.txt", "Z/y.txt", "a/a.txt", "é/x.txt"]:
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text("x\n")
    expected = []
    for dirpath, dirs, files in os.walk(raw):
        dirs.sort()
        expected += [(Path(dirpath) / f).relative_to(raw).with_suffix("").as_posix() for f in sorted(files)]
    assert [x.rel for x in iter_lessons(raw, tmp_path / "out") if isinstance(x, LessonFile)] == expected
