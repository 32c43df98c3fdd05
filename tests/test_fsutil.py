"""Atomic writes: whole files or nothing; user-named devices written through; OUT's paths confined
and replaced (links, FIFOs, devices), never followed; one clear error per fault."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.errors import OutputError, PathEscape
from pipeline.fsutil import TEMP_PREFIX, atomic_write_text, inside, read_inside, sweep_temp_files, write_inside
from pipeline import utf8


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.md"
    atomic_write_text(target, "uno\n")
    atomic_write_text(target, "dos\n")
    assert target.read_text("utf-8") == "dos\n"
    assert [p.name for p in target.parent.iterdir()] == ["b.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "b.md"
    atomic_write_text(target, "old\n")

    def boom(*a: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new\n")
    assert target.read_text("utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["b.md"]


def test_a_link_inside_the_output_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.md").symlink_to(outside)
    atomic_write_text(out / "x.md", "new\n")
    assert outside.read_text("utf-8") == "keep me\n"
    assert not (out / "x.md").is_symlink() and (out / "x.md").read_text("utf-8") == "new\n"


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        atomic_write_text(fifo, "hola\n")
        assert os.read(reader, 100) == b"hola\n"
    finally:
        os.close(reader)
    assert fifo.is_fifo()


def test_sweep_removes_leftover_temp_files(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / f"{TEMP_PREFIX}abc").write_text("half", encoding="utf-8")
    (tmp_path / "en" / "keep.md").write_text("x", encoding="utf-8")
    assert sweep_temp_files(tmp_path) == 1
    assert [p.name for p in (tmp_path / "en").iterdir()] == ["keep.md"]


# --------------------------------------------------------------------------- confined to OUT


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail (instead of hanging the suite) if a write blocks on a FIFO."""
    import signal

    def boom(*_: object) -> None:
        raise TimeoutError("the write blocked")

    previous = signal.signal(signal.SIGALRM, boom)
    signal.alarm(10)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("rel", ["../x.md", "/abs/x.md", "", ".", "en/../../x.md", "en/../.."])
def test_inside_refuses_paths_that_leave_out(tmp_path: Path, rel: str) -> None:
    with pytest.raises(PathEscape):
        inside(tmp_path / "out", rel)
    with pytest.raises(PathEscape):
        write_inside(tmp_path / "out", rel, "x")
    assert not (tmp_path / "x.md").exists() and not Path("/abs/x.md").exists()


def test_inside_refuses_a_folder_link_leading_out_and_allows_one_inside(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "real").mkdir(parents=True)
    elsewhere.mkdir()
    (out / "en").symlink_to(elsewhere, target_is_directory=True)
    (out / "es").symlink_to(out / "real", target_is_directory=True)
    with pytest.raises(PathEscape, match="a folder on the way is a link"):
        write_inside(out, "en/a.md", "x")
    assert list(elsewhere.iterdir()) == []
    assert write_inside(out, "es/a.md", "hola\n") == out / "es" / "a.md"
    assert (out / "real" / "a.md").read_text("utf-8") == "hola\n"
    assert inside(out, out / "real" / "b.md") == out / "real" / "b.md"  # absolute, below OUT


def test_write_inside_replaces_links_fifos_and_devices(tmp_path: Path, no_hang: None) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside.md"
    out.mkdir()
    outside.write_text("keep\n")
    (out / "null.md").symlink_to("/dev/null")
    (out / "out.md").symlink_to(outside)
    os.mkfifo(out / "fifo.md")
    names = ["null.md", "out.md", "fifo.md"]
    try:
        os.mknod(out / "dev.md", stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null node (needs root)
        names.append("dev.md")
    except (OSError, AttributeError):
        pass
    for name in names:
        write_inside(out, name, f"text of {name}\n")
        assert (out / name).is_file() and not (out / name).is_symlink(), name
        assert (out / name).read_text("utf-8") == f"text of {name}\n"
    assert outside.read_text() == "keep\n" and Path("/dev/null").is_char_device()


def test_read_inside_reads_only_regular_files(tmp_path: Path, no_hang: None) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.md").write_text("a\n")
    (out / "link.md").symlink_to(out / "a.md")
    os.mkfifo(out / "fifo.md")
    assert read_inside(out, "a.md") == b"a\n"
    assert read_inside(out, "link.md") is None and read_inside(out, "fifo.md") is None
    assert read_inside(out, "../a.md") is None and read_inside(out, "missing.md") is None


# --------------------------------------------------------------------------- one clear line per fault


def test_disk_full_is_an_output_error(tmp_path: Path) -> None:
    # /dev/full: every write fails with ENOSPC (a real one, nothing patched). A user-named
    # device is written through, so the error comes from the device itself.
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    with pytest.raises(OutputError) as err:
        atomic_write_text("/dev/full", "x" * 10000)
    assert err.value.errno == errno.ENOSPC and err.value.exit_code == 1
    assert str(err.value) == ("/dev/full: disk full (No space left on device); free some space and run again "
                              "(what was written before is complete)")


def test_a_file_where_a_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "source").write_text("in the way\n")
    for rel in ("source/a.md", "source/unit/a.md"):
        with pytest.raises(OutputError) as err:
            write_inside(tmp_path, rel, "x")
        assert str(err.value) == (f"{tmp_path / 'source'}: a file is where a folder should be; "
                                  f"move or remove that file, or choose another output folder")
    assert (tmp_path / "source").read_text() == "in the way\n"


def test_a_folder_where_a_file_should_be(tmp_path: Path) -> None:
    (tmp_path / "a.md" / "x").mkdir(parents=True)
    with pytest.raises(OutputError, match="a folder is where a file should be"):
        write_inside(tmp_path, "a.md", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temp file left


def test_an_immutable_folder_says_what_to_do(tmp_path: Path) -> None:
    import shutil
    import subprocess

    folder = tmp_path / "en"
    folder.mkdir()
    if shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available here")
    try:
        with pytest.raises(OutputError) as err:
            write_inside(tmp_path, "en/a.md", "x")
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert err.value.errno == errno.EPERM and "chattr -i" in str(err.value)
    assert str(err.value).startswith(f"{folder}: cannot write there (Operation not permitted); ")


def test_sweep_does_not_follow_folder_links(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (elsewhere / f"{TEMP_PREFIX}not-ours").write_text("x")
    (out / "link").symlink_to(elsewhere, target_is_directory=True)
    assert sweep_temp_files(out) == 0
    assert (elsewhere / f"{TEMP_PREFIX}not-ours").exists()


# --------------------------------------------------------------------------- chunks, written as they come


def test_chunks_of_str_or_bytes_write_the_same_file_as_one_string(tmp_path: Path) -> None:
    from pipeline import fsutil

    # Longer than one encoding slice, with 2-, 3- and 4-byte characters across its edges.
    text = ("ñ" * (utf8.SLICE - 1) + "ความ😀" * 3 + "\n") * 3
    write_inside(tmp_path, "whole.md", text)
    write_inside(tmp_path, "str.md", (text[k : k + 1000] for k in range(0, len(text), 1000)))
    raw = text.encode("utf-8")
    write_inside(tmp_path, "bytes.md", iter([raw[:5], b"", raw[5:]]))
    assert (tmp_path / "whole.md").read_bytes() == raw
    assert (tmp_path / "str.md").read_bytes() == raw and (tmp_path / "bytes.md").read_bytes() == raw
    assert b"".join(fsutil.utf8_chunks(text)) == raw
    assert max(len(c) for c in fsutil.utf8_chunks(text)) <= 4 * utf8.SLICE  # never encoded whole
    assert write_inside(tmp_path, "empty.md", iter([])) == tmp_path / "empty.md"
    assert (tmp_path / "empty.md").read_bytes() == b""


def test_a_chunk_source_that_fails_part_way_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    write_inside(tmp_path, "en/a.md", "old\n")

    def chunks() -> Iterator[str]:
        yield "new, part one\n" * 10_000  # already in the temp file when the source fails
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError, match="the renderer failed"):
        write_inside(tmp_path, "en/a.md", chunks())
    assert (tmp_path / "en" / "a.md").read_text() == "old\n"
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == ["a.md"]

    with pytest.raises(UnicodeEncodeError):  # a lone surrogate: strict UTF-8, as for one string
        write_inside(tmp_path, "en/a.md", iter(["fine\n", "\ud800\n"]))
    assert (tmp_path / "en" / "a.md").read_text() == "old\n"
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == ["a.md"]
