"""Helpers for tests that run ``pipeline`` in real subprocesses and compare output trees."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.fsutil import TEMP_PREFIX

# Files that legitimately differ between runs: the memory keeps creation times,
# the lock file is the lock.
NOT_COMPARED = ("memory.sqlite", "memory.sqlite-wal", "memory.sqlite-shm", "memory.sqlite-journal", "lock",
                "state.sqlite", "state.sqlite-wal", "state.sqlite-shm")  # the run's state: compared by its records


# Runs start in an empty folder, so ./glossary.csv or ./pipeline.toml of the repo are not picked up.
NEUTRAL_CWD = Path(tempfile.mkdtemp(prefix="pipeline-hardening-cwd-"))


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipeline", *args]


def environment(models_dir: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore", **extra)
    if models_dir is not None:
        env["PIPELINE_MODELS_DIR"] = str(models_dir)
    return env


def run(*args: str, models_dir: Path | None = None, timeout: float = 300, **extra: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(command(*args), check=False, capture_output=True, text=True, timeout=timeout,
                          env=environment(models_dir, **extra), cwd=NEUTRAL_CWD)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def start(*args: str, models_dir: Path | None = None, **extra: str) -> subprocess.Popen[str]:
    """Start ``pipeline ARGS`` in its own process group (so the test can signal the whole tree)."""
    return subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment(models_dir, **extra), start_new_session=True, cwd=NEUTRAL_CWD)


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file below ``out`` (relative path -> bytes), except the memory and the lock."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in NOT_COMPARED
    }


def temp_files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob(TEMP_PREFIX + "*"))


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as con:
        return str(con.execute("PRAGMA integrity_check").fetchone()[0])


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 120) -> bool:
    """Poll ``condition`` every 2 ms until it holds (True) or ``proc`` ends first (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        if proc.poll() is not None:
            return condition()
        time.sleep(0.002)
    raise TimeoutError("condition never held")


def install_echo_models(files: dict[tuple[str, str], Path], models_dir: Path) -> Path:
    from pipeline.translate.argos import install_package

    models_dir.mkdir(parents=True, exist_ok=True)
    for path in files.values():
        install_package(path, models_dir)
    return models_dir


def group_runs(pgid: int, needle: str) -> bool:
    """True when a process of group ``pgid`` has ``needle`` in its command line (Linux /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[2]) == pgid and needle in (entry / "cmdline").read_bytes().decode("utf-8", "replace"):
                return True
        except (OSError, ValueError, IndexError):
            continue
    return False
