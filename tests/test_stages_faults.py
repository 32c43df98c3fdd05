"""Faults of the output folder end in one `Error:` line and a documented exit code, never a traceback.

Disk full (a real small tmpfs), an immutable subfolder (chattr +i), a sidecar
path that is a folder, the lock path a folder, OUT/source or OUT/<lang> that
are files. Nothing half-written is left, the batch goes on where it can, and a
rerun after the fault is fixed finishes it (the tree then equals a clean run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from badinput.lessons import make_lessons
from badinput.runs import run, snapshot, temp_files

from pipeline.errors import EXIT_FAILED, EXIT_OK


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    make_lessons(raw, 12, per_folder=6)
    return raw


def _errors(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("Error: ")]


def _clean(raw: Path, tmp_path: Path, *extra: str) -> dict[str, bytes]:
    proc = run("run", str(raw), str(tmp_path / "clean"), *extra)
    assert proc.returncode == EXIT_OK, proc.stderr
    return snapshot(tmp_path / "clean")


def test_a_sidecar_path_that_is_a_folder_fails_that_lesson_only(raw: Path, tmp_path: Path) -> None:
    clean = _clean(raw, tmp_path)
    out = tmp_path / "out"
    blocker = out / ".pipeline" / "lessons" / "part-000" / "lesson-00003.json"
    blocker.mkdir(parents=True)
    proc = run("run", str(raw), str(out), "--json")
    assert proc.returncode == EXIT_FAILED
    errors = _errors(proc.stderr)
    assert len(errors) == 1 and str(blocker) in errors[0] and "a folder is where a file should be" in errors[0]
    report = json.loads(proc.stdout)
    assert report["written"] == 11 and report["errors"] == 1
    assert temp_files(out) == []
    blocker.rmdir()
    again = run("run", str(raw), str(out), "--json")
    assert again.returncode == EXIT_OK, again.stderr
    assert json.loads(again.stdout)["written"] == 1
    assert snapshot(out) == clean


def test_the_lock_path_a_folder_is_one_line(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".pipeline" / "lock").mkdir(parents=True)
    proc = run("run", str(raw), str(out))
    assert proc.returncode == EXIT_FAILED
    assert _errors(proc.stderr) == [f"Error: {out / '.pipeline' / 'lock'}: is not a regular file (the run's lock); "
                                    "move it away, then run again"]
    assert not (out / "source").exists()


@pytest.mark.parametrize("folder", ["source", "en"])
def test_out_source_or_a_language_folder_that_is_a_file(raw: Path, tmp_path: Path, folder: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / folder).write_text("not a folder")
    proc = run("run", str(raw), str(out), "--to", "en")
    assert proc.returncode == EXIT_FAILED
    assert _errors(proc.stderr) == [f"Error: {out / folder}: is a file or link where the run writes a folder; "
                                    "move it away, then run again"]
    assert sorted(p.name for p in out.iterdir()) == [folder]  # nothing written
    (out / folder).unlink()
    assert run("run", str(raw), str(out), "--to", "en").returncode == EXIT_OK


def _chattr(path: Path, flag: str) -> bool:
    if shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", flag, str(path)], capture_output=True, check=False).returncode == 0


def test_an_immutable_subfolder_fails_its_lessons_and_the_rest_is_written(raw: Path, tmp_path: Path) -> None:
    clean = _clean(raw, tmp_path)
    out = tmp_path / "out"
    assert run("run", str(raw), str(out)).returncode == EXIT_OK
    sub = out / "source" / "part-001"
    for p in sorted(raw.rglob("*.txt")):  # every lesson changes: all must be rewritten
        p.write_text(p.read_text("utf-8") + "\nUna línea nueva.\n", encoding="utf-8")
    if not _chattr(sub, "+i"):
        pytest.skip("chattr +i is not available here")
    try:
        proc = run("run", str(raw), str(out), "--json")
    finally:
        _chattr(sub, "-i")
    assert proc.returncode == EXIT_FAILED
    errors = _errors(proc.stderr)
    assert len(errors) == 6 and all(str(sub) in e and "cannot write there" in e for e in errors), errors
    assert json.loads(proc.stdout)["written"] == 6
    assert temp_files(out) == []
    again = run("run", str(raw), str(out), "--json")
    assert again.returncode == EXIT_OK and json.loads(again.stdout)["written"] == 6
    clean_now = _clean(raw, tmp_path / "second")
    assert snapshot(out) == clean_now and clean_now != clean


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 96 KiB tmpfs (a real full disk: ENOSPC), mounted for the test; skipped where mount is refused."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mnt)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_stops_the_batch_with_one_line_and_a_rerun_finishes_it(tmp_path: Path, small_disk: Path) -> None:
    raw = tmp_path / "raw"
    make_lessons(raw, 60, per_folder=30)
    clean = _clean(raw, tmp_path)
    assert sum(len(v) for v in clean.values()) > 200 * 1024  # does not fit in 96 KiB
    out = small_disk / "out"
    proc = run("run", str(raw), str(out))
    assert proc.returncode == EXIT_FAILED
    errors = _errors(proc.stderr)
    assert len(errors) == 1, errors
    assert "disk full" in errors[0] or "the disk is full" in errors[0], errors[0]
    assert "free some space" in errors[0]
    assert temp_files(out) == []
    for rel, data in snapshot(out).items():  # what is visible is final
        assert clean.get(rel) == data, rel
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    again = run("run", str(raw), str(out))
    assert again.returncode == EXIT_OK, again.stderr
    assert snapshot(out) == clean
