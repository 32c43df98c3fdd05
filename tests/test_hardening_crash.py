"""Crash safety: `pipeline run --to en` killed at several points, then run again.

After the rerun the output tree equals a clean run byte for byte (memory, state
and lock excluded), no ``.pipeline-tmp-*`` file is left and the translation
memory and the run's state pass ``PRAGMA integrity_check``. Whatever a killed run left visible must
already be final: every file it shows equals the clean run's.

Ctrl-C (SIGINT to the whole process group, as a terminal sends it) and SIGTERM
stop with the one-line message and exit 130, no traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from badinput.lessons import make_lessons
from badinput.runs import group_runs, install_echo_models, integrity, run, snapshot, start, temp_files, wait_for

from pipeline.errors import EXIT_INTERRUPTED, EXIT_OK

Files = dict[str, dict[tuple[str, str], Path]]
INTERRUPTED = ("Interrupted: what was written is complete, nothing half-written is left; "
               "run the same command again to finish.")


@pytest.fixture(scope="module")
def setup(argos_package_files: Files, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes], float]:
    """(raw, models, clean tree, seconds a clean run takes)."""
    base = tmp_path_factory.mktemp("crash")
    models = install_echo_models(argos_package_files["echo"], base / "models")
    raw = base / "raw"
    make_lessons(raw, 24, per_folder=8)
    t0 = time.monotonic()
    proc = run("run", str(raw), str(base / "clean"), "--to", "en", models_dir=models)
    took = time.monotonic() - t0
    assert proc.returncode == EXIT_OK, proc.stderr
    clean = snapshot(base / "clean")
    assert sum(k.startswith("en/") for k in clean) == 24
    return raw, models, clean, took


def _any_md(out: Path) -> bool:
    return (out / "source").is_dir() and any((out / "source").rglob("*.md"))


def _many_md(out: Path, n: int) -> bool:
    return (out / "en").is_dir() and sum(1 for _ in (out / "en").rglob("*.md")) >= n


TRIGGERS = {
    # a fraction of a clean run's time (start-up, discovery, building)
    "early": lambda out, took: _sleep(0.15 * took),
    # the translator is up: the memory exists, translation is under way
    "translating": lambda out, took: (out / ".pipeline" / "memory.sqlite").exists(),
    # the very first output file is visible: writing has begun
    "first-output": lambda out, took: _any_md(out),
    # part of the files are written, the manifest is not yet
    "mid-writing": lambda out, took: _many_md(out, 12),
}


# Only for Ctrl-C (a SIGKILL there finds nothing written): importing the command and its libraries.
STARTING = lambda out, took: _sleep(0.06 * took)  # noqa: E731 - one more entry of the table above


def _sleep(seconds: float) -> bool:
    time.sleep(seconds)
    return True


def _check_visible_files_are_final(out: Path, clean: dict[str, bytes]) -> None:
    for rel, data in snapshot(out).items():
        if Path(rel).name.startswith(".pipeline-tmp-"):
            continue  # a temp file is not visible under the final name; the rerun sweeps it
        assert rel in clean, rel
        assert data == clean[rel], f"{rel} is visible but not final after SIGKILL"


@pytest.mark.parametrize("point", list(TRIGGERS))
def test_sigkill_then_rerun_equals_a_clean_run(setup: tuple[Path, Path, dict[str, bytes], float], tmp_path: Path, point: str) -> None:
    raw, models, clean, took = setup
    out = tmp_path / "out"
    proc = start("run", str(raw), str(out), "--to", "en", models_dir=models)
    try:
        hit = wait_for(lambda: TRIGGERS[point](out, took), proc)
        os.killpg(proc.pid, signal.SIGKILL)  # the whole tree, like a CI runner being killed
    finally:
        proc.communicate(timeout=60)
    assert hit, f"the run ended before {point}"
    assert proc.returncode == -signal.SIGKILL
    _check_visible_files_are_final(out, clean)

    again = run("run", str(raw), str(out), "--to", "en", models_dir=models)
    assert again.returncode == EXIT_OK, again.stderr
    assert temp_files(out) == []
    assert snapshot(out) == clean
    assert integrity(out / ".pipeline" / "memory.sqlite") == "ok"
    assert integrity(out / ".pipeline" / "state.sqlite") == "ok"  # the run's state survived the kill too


def test_killed_twice_then_finished(setup: tuple[Path, Path, dict[str, bytes], float], tmp_path: Path) -> None:
    """A rerun that is itself killed (SIGKILL to the main process only: orphaned workers must not
    hold the lock or write anything) still ends in the clean tree."""
    raw, models, clean, took = setup
    out = tmp_path / "out"
    for point in ("translating", "first-output"):
        proc = start("run", str(raw), str(out), "--to", "en", models_dir=models)
        trigger = TRIGGERS[point]
        try:
            wait_for(lambda: trigger(out, took), proc)  # noqa: B023 - called before the loop moves on
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.communicate(timeout=60)
        _check_visible_files_are_final(out, clean)
    again = run("run", str(raw), str(out), "--to", "en", models_dir=models)
    assert again.returncode == EXIT_OK, again.stderr  # not 5: the lock died with its holder
    assert temp_files(out) == [] and snapshot(out) == clean
    assert integrity(out / ".pipeline" / "memory.sqlite") == "ok"


def _start_with_ctrl_c(*args: str, models_dir: Path) -> subprocess.Popen[str]:
    """``start``, with Ctrl-C not ignored in the child even where it is here.

    A background job (``make test &``) runs with SIGINT ignored, every child
    inherits that, and ``pipeline`` keeps an ignored SIGINT ignored, as Python
    does. A handled signal is reset to the default at exec, so handle it here
    while the child starts.
    """
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return start(*args, models_dir=models_dir)
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(("sig", "point"), [
    # Start-up is mostly imports, where Python mishandles a KeyboardInterrupt (it ended the
    # process by SIGINT, -2, right after the Interrupted line; or the Ctrl-C was lost): see
    # pipeline.stopping, and tests/test_stopping.py for each case on its own.
    (signal.SIGINT, "starting"), (signal.SIGINT, "early"), (signal.SIGTERM, "early"),
    (signal.SIGINT, "first-output"), (signal.SIGTERM, "translating"),
    pytest.param(signal.SIGINT, "pool-start", marks=pytest.mark.skipif(
        not Path("/proc/self/stat").exists(), reason="finds the forkserver through Linux /proc")),
])
def test_interrupt_stops_cleanly_with_exit_130(setup: tuple[Path, Path, dict[str, bytes], float], tmp_path: Path,
                                               sig: signal.Signals, point: str) -> None:
    raw, models, clean, took = setup
    out = tmp_path / "out"
    proc = _start_with_ctrl_c("run", str(raw), str(out), "--to", "en", models_dir=models)
    if point == "pool-start":  # the worker pool is starting: its forkserver process exists
        def trigger(out: Path, took: float) -> bool:
            return group_runs(proc.pid, "multiprocessing.forkserver")
    else:
        trigger = STARTING if point == "starting" else TRIGGERS[point]
    try:
        hit = wait_for(lambda: trigger(out, took), proc)
        os.killpg(proc.pid, sig)  # Ctrl-C reaches every process of the terminal's group
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert hit
    assert "Traceback" not in stderr, stderr
    assert proc.returncode == EXIT_INTERRUPTED, (proc.returncode, stderr)
    assert stderr.splitlines()[-1] == INTERRUPTED
    assert temp_files(out) == []  # stopped cleanly: the interrupted write removed its temp file
    _check_visible_files_are_final(out, clean)
    again = run("run", str(raw), str(out), "--to", "en", models_dir=models)
    assert again.returncode == EXIT_OK and snapshot(out) == clean
