"""Bad input through the real CLI (subprocesses): one clear line per problem, the documented
exit code, the good files still written, and never a traceback.

The corpus is generated into tmp_path by ``tests/badinput`` (nothing binary is committed).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from badinput import chmod_readable, make_archives, make_raw, root_can_read_anything
from badinput.runs import NEUTRAL_CWD, install_echo_models

from pipeline.errors import EXIT_CONFIG, EXIT_FAILED, EXIT_MODEL, EXIT_OK

Files = dict[str, dict[tuple[str, str], Path]]


def cli(*args: str, cwd: Path = NEUTRAL_CWD, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m pipeline ARGS`` in a fresh process, as a user would run it."""
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], check=False, capture_output=True, text=True,
                          cwd=cwd, timeout=timeout, env=dict(os.environ, PYTHONWARNINGS="ignore", **env))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    return proc


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


# --------------------------------------------------------------------------- the run


@pytest.fixture(scope="module")
def models(argos_package_files: Files, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_echo_models(argos_package_files["echo"], tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def corpus_run(models: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]:
    """One `pipeline run --to en` over the whole corpus, with the echo models."""
    base = tmp_path_factory.mktemp("badinput")
    raw, out = base / "raw", base / "raw" / "out"  # the output folder inside raw/, too
    expect = make_raw(raw)
    try:
        proc = cli("run", str(raw), str(out), "--to", "en", timeout=600, PIPELINE_MODELS_DIR=str(models))
    finally:
        chmod_readable(raw)
    return raw, out, expect, proc


def test_bad_files_fail_alone_with_exit_1(corpus_run: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]) -> None:
    raw, _, expect, proc = corpus_run
    assert proc.returncode == EXIT_FAILED, proc.stderr
    errors = error_lines(proc.stderr)
    bad = sorted(rel for rel, outcome in expect.items() if outcome == "error")
    # exactly one line per bad file, naming it, saying what is wrong and what to do
    assert len(errors) == len(bad), errors
    for rel in bad:
        mine = [e for e in errors if e.startswith(f"Error: {raw / rel}: ")]
        assert len(mine) == 1, (rel, errors)
        problem_and_hint = mine[0][len(f"Error: {raw / rel}: "):]
        problem, _, hint = problem_and_hint.partition("; ")
        assert problem and hint, mine[0]
    assert all("\n" not in e for e in errors)


def test_good_files_are_written_despite_the_bad_ones(corpus_run: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]) -> None:
    _, out, expect, _ = corpus_run
    for rel, outcome in expect.items():
        for folder in ("source", "en"):
            md = out / folder / Path(rel).with_suffix(".md")
            if outcome == "ok":
                assert md.is_file(), rel
                text = md.read_text("utf-8")
                assert text.startswith("---\n"), rel
            else:
                assert not md.exists(), rel
    # decoding was right, not merely survived
    assert "Lección 4 Segmentos" in (out / "source" / "utf16le-nobom.md").read_text("utf-8")
    assert "Lección 4 Segmentos" in (out / "source" / "utf16be-nobom.md").read_text("utf-8")
    assert "Lección 4 Segmentos" in (out / "source" / "utf16-bom.md").read_text("utf-8")
    assert "“directos”" in (out / "source" / "cp1252.md").read_text("utf-8")
    long = (out / "source" / "long-line.md").read_text("utf-8")
    assert len(long) > 400_000 and "relación" in long
    deep = out / "source" / "/".join(f"d{i:02d}" for i in range(50)) / "deep.md"
    assert "Relaciones con los clientes" in deep.read_text("utf-8")


def test_non_lessons_and_folder_links_are_named_as_skipped(corpus_run: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]) -> None:
    raw, out, expect, proc = corpus_run
    skipped = [line for line in proc.stderr.splitlines() if line.startswith("Skipped: ")]
    for rel, outcome in expect.items():
        if outcome == "skipped":
            assert any(line.startswith(f"Skipped: {raw / rel}: ") for line in skipped), (rel, skipped)
    # the output folder inside raw/ is neither read back nor reported
    assert not any(str(out) in line for line in skipped + error_lines(proc.stderr))


def test_output_inside_raw_is_stable_on_rerun(corpus_run: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]], models: Path) -> None:
    raw, out, expect, _ = corpus_run
    before = {p: p.read_bytes() for p in out.rglob("*.md")}
    again = cli("run", str(raw), str(out), "--json", "--to", "en", PIPELINE_MODELS_DIR=str(models))
    assert again.returncode == EXIT_FAILED
    import json

    report = json.loads(again.stdout)
    assert report["written"] == 0 and report["up_to_date"] == sum(v == "ok" for v in expect.values())
    assert {p: p.read_bytes() for p in out.rglob("*.md")} == before


def test_outputs_are_readable_by_others(corpus_run: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]) -> None:
    # temp-file-and-rename must not leave mkstemp's 0600 on the published files
    _, out, _, _ = corpus_run
    umask = os.umask(0o022)
    os.umask(umask)
    md = out / "source" / "good-es.md"
    assert md.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.skipif(not root_can_read_anything(), reason="needs root: checks the FIFO stand-in for chmod 000")
def test_root_gets_a_fifo_instead_of_an_unreadable_file(corpus_run: tuple[Path, Path, dict[str, str], subprocess.CompletedProcess[str]]) -> None:
    # As root chmod 000 does not stop reads; the FIFO is the file root cannot read
    # (a plain read would block the batch forever).
    raw, _, _, proc = corpus_run
    assert f"Error: {raw / 'fifo.txt'}: is a FIFO (named pipe), not a regular file; " in proc.stderr


# --------------------------------------------------------------------------- folders


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Lección 1\n\nLa relaci&oacute;n con los clientes.\n", encoding="utf-8")
    return raw


@pytest.mark.parametrize("how", ["out-is-a-file", "out-below-a-file"])
def test_unwritable_output_folder_is_one_line(small_raw: Path, tmp_path: Path, how: str) -> None:
    # Root ignores permission bits, so "unwritable" is made with a regular file in the way.
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    out = blocker if how == "out-is-a-file" else blocker / "out"
    proc = cli("run", str(small_raw), str(out))
    assert proc.returncode == EXIT_FAILED
    (line,) = proc.stderr.splitlines()
    # one line naming the output folder or the file in its way, what is wrong and what to do
    assert line.startswith((f"Error: {out}: ", f"Error: {blocker}: ")), line
    problem, _, hint = line.split(": ", 2)[-1].partition("; ")
    assert problem and hint, line
    assert blocker.read_text() == "not a folder"


def test_missing_raw_folder_is_one_line(tmp_path: Path) -> None:
    proc = cli("run", str(tmp_path / "nope"), str(tmp_path / "out"))
    assert proc.returncode == EXIT_FAILED
    assert proc.stderr.splitlines() == [
        f"Error: {tmp_path / 'nope'}: no such folder; give the folder that holds the raw .txt lessons"
    ]


def test_output_folder_equal_to_raw_does_not_read_its_own_output(small_raw: Path) -> None:
    first = cli("run", str(small_raw), str(small_raw), "--json")
    assert first.returncode == EXIT_OK, first.stderr
    second = cli("run", str(small_raw), str(small_raw), "--json")
    assert second.returncode == EXIT_OK, second.stderr
    import json

    assert json.loads(second.stdout)["files"] == 1  # source/a.md is not taken for a lesson


# --------------------------------------------------------------------------- glossary


@pytest.mark.parametrize("content", [
    b'term,es,en\n"broken,\n',                 # unknown column, open quote
    b"\xff\xfe\x00b\x00i\x00n",               # not UTF-8
    b"es,en\nrelaci\xc3\xb3n\n",               # a row with a missing column
    b"",                                       # empty
], ids=["columns", "not-utf8", "short-row", "empty"])
def test_malformed_glossary_exits_3_with_one_line(small_raw: Path, tmp_path: Path, models: Path, content: bytes) -> None:
    glossary = tmp_path / "glossary.csv"
    glossary.write_bytes(content)
    proc = cli("run", str(small_raw), str(tmp_path / "out"), "--to", "en", "--glossary", str(glossary),
               PIPELINE_MODELS_DIR=str(models))
    assert proc.returncode == EXIT_CONFIG, (proc.returncode, proc.stderr)
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {glossary}"), lines
    assert not (tmp_path / "out" / "en").exists()  # nothing translated with a broken glossary


def test_missing_glossary_exits_3(small_raw: Path, tmp_path: Path, models: Path) -> None:
    proc = cli("run", str(small_raw), str(tmp_path / "out"), "--to", "en", "--glossary", str(tmp_path / "no.csv"),
               PIPELINE_MODELS_DIR=str(models))
    assert proc.returncode == EXIT_CONFIG
    assert proc.stderr.startswith(f"Error: {tmp_path / 'no.csv'}: ") and proc.stderr.count("\n") == 1


# --------------------------------------------------------------------------- model archives


REFUSED = ["truncated", "not-a-zip", "empty-file", "dotdot", "absolute", "symlink", "two-folders",
           "no-model", "bad-metadata", "bomb", "bad-tokenizer"]


@pytest.fixture(scope="module")
def archives(argos_package_files: Files, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_archives(tmp_path_factory.mktemp("archives"), argos_package_files["echo"][("es", "en")])


@pytest.mark.parametrize("name", REFUSED)
def test_hostile_or_broken_archive_is_refused_with_exit_4(archives: dict[str, Path], tmp_path: Path, name: str) -> None:
    models = tmp_path / "models"
    proc = cli("models", "install", str(archives[name]), "--models-dir", str(models))
    assert proc.returncode == EXIT_MODEL, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {archives[name]}: "), lines
    assert "nothing was installed" in lines[0]
    assert not models.exists() or [p.name for p in models.iterdir()] in ([], [".pipeline-install.lock"])
    assert not Path("/tmp/pipeline-absolute-member.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()


def test_archive_with_damaged_member_data_is_refused(archives: dict[str, Path], tmp_path: Path) -> None:
    test_hostile_or_broken_archive_is_refused_with_exit_4(archives, tmp_path, "bad-crc")


def test_archive_into_another_packages_folder_is_refused(argos_package_files: Files, tmp_path: Path) -> None:
    models = tmp_path / "models"
    en_es = argos_package_files["echo"][("en", "es")]
    assert cli("models", "install", str(en_es), "--models-dir", str(models)).returncode == EXIT_OK
    before = sorted((p.relative_to(models), p.stat().st_size) for p in models.rglob("*"))
    # an es->en package whose single folder is the installed en->es package's folder
    hostile = tmp_path / "hostile.argosmodel"
    with zipfile.ZipFile(argos_package_files["echo"][("es", "en")]) as src, zipfile.ZipFile(hostile, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            info.filename = info.filename.replace("translate-es_en-1_0", "translate-en_es-1_0", 1)
            dst.writestr(info, data)
    proc = cli("models", "install", str(hostile), "--models-dir", str(models))
    assert proc.returncode == EXIT_MODEL
    assert "already exists (another installed package's folder)" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert sorted((p.relative_to(models), p.stat().st_size) for p in models.rglob("*")) == before


def test_oversized_archives_are_refused(argos_package_files: Files, tmp_path: Path) -> None:
    from pipeline.errors import ArchiveRejected
    from pipeline.translate.argos import ArchiveLimits, install_package

    good = argos_package_files["echo"][("es", "en")]
    # too many members
    many = tmp_path / "many.argosmodel"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(many, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        for i in range(2001):
            dst.writestr(f"translate-es_en-1_0/junk/{i}", b"")
    proc = cli("models", "install", str(many), "--models-dir", str(tmp_path / "m1"))
    assert proc.returncode == EXIT_MODEL and "more than the limit of 2000" in proc.stderr
    # bigger than the total limit (a small limit stands in for the 4 GB default)
    with pytest.raises(ArchiveRejected, match=r"expands to \d+ bytes, more than the limit of 1000000"):
        install_package(good, tmp_path / "m2", limits=ArchiveLimits(max_total_bytes=1_000_000))
    assert not (tmp_path / "m2").exists() or [p.name for p in (tmp_path / "m2").iterdir()] == [".pipeline-install.lock"]
