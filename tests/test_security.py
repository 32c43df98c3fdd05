"""Hostile input and a hostile environment through the real CLI (`python -m pipeline run` in subprocesses).

Each case of issue 11 handled by discovery and the output writer: nothing
outside RAW is read (links to a sentinel secret and to the system's password
files), nothing outside OUT is written (a sentinel folder is snapshotted),
colliding lesson names are refused (exit 1) and never flip, links, FIFOs and
devices at output paths are replaced, never written through, and faults of
the output folder (a file where a folder should be, an immutable folder, a
full disk: tests/test_stages_faults.py) end in one ``Error:`` line, the documented exit code and no
traceback, with a rerun finishing the batch. The corpus is made at test time
(tests/badinput/hostile.py); nothing binary is committed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from badinput.hostile import SECRET_MARKER, make_hostile_raw, snapshot_tree
from badinput.runs import NEUTRAL_CWD

from pipeline.errors import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_USAGE


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], check=False, capture_output=True, text=True,
                          cwd=NEUTRAL_CWD, timeout=timeout, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


def skipped_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Skipped: ")]


def all_output_bytes(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and not p.is_symlink())


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[tuple[Path, Path, Path, dict[str, str]]]:
    """(raw, out, sentinel folder outside both, expectations) for the hostile corpus."""
    raw, out, sentinel = tmp_path / "raw", tmp_path / "out", tmp_path / "sentinel"
    expect = make_hostile_raw(raw, sentinel)
    yield raw, out, sentinel, expect


# --------------------------------------------------------------------------- reading: nothing outside RAW


def test_links_out_of_raw_are_skipped_and_never_read(hostile: tuple[Path, Path, Path, dict[str, str]]) -> None:
    raw, out, sentinel, expect = hostile
    before = snapshot_tree(sentinel)
    proc = cli("run", str(raw), str(out), "--json")
    report = json.loads(proc.stdout)
    skipped = {e["file"]: e["error"] for e in report["skipped"]}
    for rel, outcome in expect.items():
        if outcome == "skipped-link":
            assert "outside RAW; not read" in skipped[str(raw / rel)] or "not followed" in skipped[str(raw / rel)], rel
            assert not (out / "source" / Path(rel).with_suffix(".md")).exists(), rel
        if outcome == "ok":
            assert (out / "source" / Path(rel).with_suffix(".md")).is_file(), rel
    # nothing of the secret (nor of /etc/passwd) reached any output, the sidecars included
    data = all_output_bytes(out)
    assert SECRET_MARKER.encode() not in data
    assert b"root:x:0:0" not in data
    assert snapshot_tree(sentinel) == before  # and nothing was written there
    # the one-line notes, on stderr, in the text summary
    text = cli("run", str(raw), str(out))
    notes = skipped_lines(text.stderr)
    assert any(line.startswith(f"Skipped: {raw / 'passwd.txt'}: a link to /etc/passwd, outside RAW; not read;")
               for line in notes), notes
    assert proc.returncode == text.returncode == EXIT_FAILED  # the collisions in the corpus (below)


def test_collisions_are_refused_one_line_each_and_never_flip(hostile: tuple[Path, Path, Path, dict[str, str]]) -> None:
    raw, out, _, expect = hostile
    first = cli("run", str(raw), str(out))
    assert first.returncode == EXIT_FAILED
    refused = sorted(rel for rel, outcome in expect.items() if outcome == "collision")
    errors = error_lines(first.stderr)
    assert len(errors) == len(refused), errors
    for rel in refused:
        (line,) = [e for e in errors if e.startswith(f"Error: {raw / rel}: would be written as lesson ")]
        assert line.endswith("; rename one of them")
    kept = {rel for rel, outcome in expect.items() if outcome == "collision-kept"}
    for rel in kept:
        md = out / "source" / Path(rel).with_suffix(".md")
        assert f"kept:{rel}" in md.read_text("utf-8"), rel  # the first in sorted order, by content
    outputs = {p: p.read_bytes() for p in sorted(out.rglob("*.md"))}
    again = cli("run", str(raw), str(out), "--force")
    assert again.returncode == EXIT_FAILED and error_lines(again.stderr) == errors
    assert {p: p.read_bytes() for p in sorted(out.rglob("*.md"))} == outputs  # no flip between versions


def test_renaming_the_refused_file_lets_the_rerun_finish(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "dup.txt").write_text("Lección\n\nuno\n")
    (raw / "dup.TXT").write_text("Lección\n\ndos\n")
    assert cli("run", str(raw), str(out)).returncode == EXIT_FAILED
    (raw / "dup.txt").rename(raw / "dup-2.txt")
    proc = cli("run", str(raw), str(out), "--json")
    assert proc.returncode == EXIT_OK, proc.stderr
    assert sorted(p.name for p in (out / "source").iterdir()) == ["dup-2.md", "dup.md"]


# --------------------------------------------------------------------------- writing: nothing outside OUT


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "unit").mkdir(parents=True)
    for name in ("a", "b", "unit/c"):
        (raw / f"{name}.txt").write_text(f"Lección {name}\n\nLa relaci&oacute;n con los clientes {name}.\n")
    return raw


def test_links_fifos_and_devices_at_output_paths_are_replaced(small_raw: Path, tmp_path: Path) -> None:
    out, sentinel = tmp_path / "out", tmp_path / "sentinel"
    sentinel.mkdir()
    (sentinel / "keep.md").write_text("do not touch\n")
    (out / "source" / "unit").mkdir(parents=True)
    (out / "source" / "a.md").symlink_to("/dev/null")  # swallowed every translation
    (out / "source" / "b.md").symlink_to(sentinel / "keep.md")  # would write outside OUT
    os.mkfifo(out / "source" / "unit" / "c.md")  # hung the run forever
    before = snapshot_tree(sentinel)
    proc = cli("run", str(small_raw), str(out), timeout=60)
    assert proc.returncode == EXIT_OK, proc.stderr
    for name in ("a", "b", "unit/c"):
        md = out / "source" / f"{name}.md"
        assert not md.is_symlink() and md.is_file(), name
        assert f"clientes {name}." in md.read_text("utf-8")
    assert snapshot_tree(sentinel) == before
    assert Path("/dev/null").is_char_device()


def test_a_folder_link_in_out_leading_outside_is_refused(small_raw: Path, tmp_path: Path) -> None:
    out, sentinel = tmp_path / "out", tmp_path / "sentinel"
    sentinel.mkdir()
    out.mkdir()
    (out / "source").symlink_to(sentinel, target_is_directory=True)
    proc = cli("run", str(small_raw), str(out))
    assert proc.returncode == EXIT_FAILED
    assert error_lines(proc.stderr) and all("; " in e for e in error_lines(proc.stderr))
    assert snapshot_tree(sentinel) == {}


@pytest.mark.parametrize("where", ["source", "en"])
def test_a_file_where_an_output_folder_should_be(small_raw: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / where).write_text("a file in the way\n")
    args = ["run", str(small_raw), str(out)] + (["--to", "en"] if where == "en" else [])
    proc = cli(*args)
    assert proc.returncode == EXIT_FAILED, proc.stderr
    errors = error_lines(proc.stderr)
    assert errors and all(str(out / where) in e for e in errors), errors
    assert (out / where).read_text() == "a file in the way\n"
    (out / where).unlink()
    again = cli(*args)
    assert again.returncode == EXIT_OK, again.stderr
    assert (out / "source" / "unit" / "c.md").is_file()


def _chattr(flag: str, path: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode == 0


def test_an_immutable_output_folder_is_one_line_per_lesson_and_the_rest_goes_on(small_raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "source" / "unit").mkdir(parents=True)
    if not _chattr("+i", out / "source" / "unit"):
        pytest.skip("chattr +i is not available here")
    try:
        proc = cli("run", str(small_raw), str(out))
        assert proc.returncode == EXIT_FAILED
        errors = error_lines(proc.stderr)
        assert len(errors) == 1, errors
        assert errors[0].startswith(f"Error: {out / 'source' / 'unit'}: cannot write there (Operation not permitted); ")
        assert "chattr -i" in errors[0]
        assert (out / "source" / "a.md").is_file() and (out / "source" / "b.md").is_file()  # the rest went on
    finally:
        _chattr("-i", out / "source" / "unit")
    again = cli("run", str(small_raw), str(out))
    assert again.returncode == EXIT_OK, again.stderr
    assert (out / "source" / "unit" / "c.md").is_file()


# --------------------------------------------------------------------------- target codes are not paths


@pytest.mark.parametrize("code", ["../x", "/abs/path", ".pipeline", "source", "en/../../x", "en,../x"])
def test_target_codes_that_are_paths_are_refused(small_raw: Path, tmp_path: Path, code: str) -> None:
    # Language-code validation is pipeline/languages.py (another engineer's); this documents the behaviour.
    out = tmp_path / "out"
    proc = cli("run", str(small_raw), str(out), "--to", code)
    assert proc.returncode == EXIT_USAGE, proc.stderr
    assert not out.exists() or not any(out.iterdir())
    assert not (tmp_path / "x").exists() and not Path("/abs/path").exists()


@pytest.mark.parametrize("how", ["variable", "settings-file"])
def test_target_codes_that_are_paths_are_refused_from_settings_too(small_raw: Path, tmp_path: Path, how: str) -> None:
    out, work = tmp_path / "out", tmp_path / "work"
    work.mkdir()
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    if how == "variable":
        env["PIPELINE_RUN_TO"] = "../x"
    else:
        (work / "pipeline.toml").write_text('[run]\nto = ".pipeline"\n')
    proc = subprocess.run([sys.executable, "-m", "pipeline", "run", str(small_raw), str(out)], capture_output=True,
                          text=True, cwd=work, env=env, timeout=120, check=False)
    assert proc.returncode == EXIT_CONFIG, proc.stderr  # a bad setting: exit 3, naming where it came from
    (line,) = proc.stderr.splitlines()
    assert ("PIPELINE_RUN_TO" if how == "variable" else "pipeline.toml") in line and "not a language code" in line
    assert not out.exists() and not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- names on the terminal


def test_escape_sequences_in_names_never_reach_the_terminal(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    evil = "retitle\x1b]0;pwned\x07 \x1b[2J\u202eexe.txt"
    (raw / evil).write_text("Lección\n\nHola.\n")
    (raw / "bad\x1b[31m.bin").write_text("x")
    proc = cli("-v", "run", str(raw), str(out))
    assert proc.returncode == EXIT_OK, proc.stderr
    for stream in (proc.stdout, proc.stderr):
        assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream
    assert "wrote retitle\\x1b]0;pwned\\x07 \\x1b[2J\\u202eexe" in proc.stdout
    assert "bad\\x1b[31m.bin" in proc.stderr
    # the file is still written under its real name
    assert (out / "source" / (evil[:-4] + ".md")).is_file()


def test_nfc_and_nfd_spellings_are_one_lesson(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    nfc, nfd = unicodedata.normalize("NFC", "lección.txt"), unicodedata.normalize("NFD", "lección.txt")
    (raw / nfc).write_text("Lección\n\nuno\n")
    (raw / nfd).write_text("Lección\n\ndos\n")
    proc = cli("run", str(raw), str(out))
    assert proc.returncode == EXIT_FAILED and len(error_lines(proc.stderr)) == 1
    assert len(list((out / "source").iterdir())) == 1


def test_escape_sequences_in_lesson_names_never_reach_the_glossary_check_table(tmp_path: Path, echo_models: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    evil = "u\x1b]0;pwned\x07\u202ex"
    (raw / f"{evil}.txt").write_text("Lección\n\nLa relación con los clientes es importante.\n")
    used, changed = tmp_path / "used.csv", tmp_path / "changed.csv"
    used.write_text("es,en\nrelación,relationship\n")
    changed.write_text("es,en\nrelación,rapport\n")  # the run's output now lacks the term: a violation
    assert cli("run", str(raw), str(out), "--to", "en", "--glossary", str(used)).returncode == EXIT_OK
    proc = cli("glossary", "check", str(out), "--glossary", str(changed))
    assert proc.returncode == EXIT_FAILED, proc.stdout + proc.stderr
    assert "\x1b" not in proc.stdout + proc.stderr and "\x07" not in proc.stdout and "\u202e" not in proc.stdout
    assert "u\\x1b]0;pwned\\x07\\u202ex" in proc.stdout
