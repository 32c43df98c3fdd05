"""Two runs on one output folder: a lock; the second exits 5 with a clear message, or waits with
--wait; nothing interleaves (the final tree equals a clean run's)."""

from __future__ import annotations

import fcntl
import json
import threading
import time
from pathlib import Path

import pytest
from badinput.lessons import make_lessons
from badinput.runs import install_echo_models, run, snapshot, start, temp_files, wait_for

from pipeline.errors import EXIT_LOCKED, EXIT_OK

Files = dict[str, dict[tuple[str, str], Path]]


@pytest.fixture(scope="module")
def setup(argos_package_files: Files, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("concurrency")
    models = install_echo_models(argos_package_files["echo"], base / "models")
    raw = base / "raw"
    make_lessons(raw, 40, per_folder=20)
    proc = run("run", str(raw), str(base / "clean"), "--to", "en", models_dir=models)
    assert proc.returncode == EXIT_OK, proc.stderr
    return raw, models, snapshot(base / "clean")


def locked_message(out: Path) -> str:
    return (f"Error: {out}: another pipeline run is writing to this folder; "
            "wait for it to finish, or pass --wait SECONDS to queue behind it\n")


def held_by_another_process(lock: Path) -> bool:
    """True when some other process holds the run's lock (flock), without taking it for long."""
    if not lock.exists():
        return False
    with open(lock, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def test_second_run_exits_5_then_a_waiting_run_queues_behind(setup: tuple[Path, Path, dict[str, bytes]], tmp_path: Path) -> None:
    raw, models, clean = setup
    out = tmp_path / "out"
    # --wait on the first run only so that the test's own probe of the lock cannot make it fail
    first = start("run", str(raw), str(out), "--to", "en", "--json", "--wait", "60", models_dir=models)
    try:
        assert wait_for(lambda: held_by_another_process(out / ".pipeline" / "lock"), first)
        second = run("run", str(raw), str(out), "--to", "en", models_dir=models)
        assert first.poll() is None, "the first run ended before the second tried the lock"
        third = start("run", str(raw), str(out), "--to", "en", "--json", "--wait", "120", models_dir=models)
        out1, err1 = first.communicate(timeout=300)
        out3, err3 = third.communicate(timeout=300)
    finally:
        for p in (first,):
            if p.poll() is None:
                p.kill()
    assert second.returncode == EXIT_LOCKED
    assert second.stderr == locked_message(out) and second.stdout == ""
    assert first.returncode == EXIT_OK, err1
    assert json.loads(out1)["written"] == 40
    # the waiting run started while the first held the folder; it ran after it, not alongside
    assert third.returncode == EXIT_OK, err3
    report = json.loads(out3)
    assert report["written"] == 0 and report["up_to_date"] == 40
    assert snapshot(out) == clean and temp_files(out) == []


def test_wait_gives_up_with_exit_5_or_gets_the_folder_when_freed(setup: tuple[Path, Path, dict[str, bytes]], tmp_path: Path) -> None:
    raw, models, clean = setup
    out = tmp_path / "out"
    (out / ".pipeline").mkdir(parents=True)
    # the lock as another run holds it (filelock uses flock on this file)
    held = open(out / ".pipeline" / "lock", "a")  # noqa: SIM115 - released from a timer thread
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        t0 = time.monotonic()
        timed_out = run("run", str(raw), str(out), "--to", "en", "--wait", "1.5", models_dir=models)
        assert time.monotonic() - t0 >= 1.5
        assert timed_out.returncode == EXIT_LOCKED and timed_out.stderr == locked_message(out)
        assert not (out / "en").exists() and not (out / "source").exists()  # nothing written while locked
        threading.Timer(1.0, held.close).start()  # the other run ends
        t0 = time.monotonic()
        waited = run("run", str(raw), str(out), "--to", "en", "--wait", "120", models_dir=models)
        assert time.monotonic() - t0 < 100
    finally:
        held.close()
    assert waited.returncode == EXIT_OK, waited.stderr
    assert snapshot(out) == clean


def test_two_runs_started_together_leave_one_clean_tree(setup: tuple[Path, Path, dict[str, bytes]], tmp_path: Path) -> None:
    raw, models, clean = setup
    out = tmp_path / "out"
    procs = [start("run", str(raw), str(out), "--to", "en", "--json", models_dir=models) for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    results = [(p.returncode, o, e) for p, (o, e) in zip(procs, outputs)]
    codes = sorted(r[0] for r in results)
    for code, stdout, stderr in results:
        assert "Traceback" not in stderr
        if code == EXIT_LOCKED:
            assert stderr == locked_message(out)
    # either they overlapped (one was refused) or one finished first (the other found all done)
    assert codes in ([EXIT_OK, EXIT_LOCKED], [EXIT_OK, EXIT_OK]), results
    if codes == [EXIT_OK, EXIT_OK]:
        assert sorted(json.loads(r[1])["written"] for r in results) == [0, 40]
    assert snapshot(out) == clean and temp_files(out) == []


def test_writability_probe_of_runs_starting_together_does_not_collide(tmp_path: Path) -> None:
    """The probe runs before the lock is taken: concurrent starts must not delete each other's
    probe file (a fixed probe name made one of them report "cannot write there")."""
    from pipeline.config import PipelineConfig
    from pipeline.errors import PipelineError
    from pipeline.runner import Runner

    (tmp_path / "raw").mkdir()
    errors: list[str] = []

    def starts() -> None:
        runner = Runner(PipelineConfig(), tmp_path / "raw", tmp_path / "out")
        for _ in range(500):
            try:
                runner._check_folders()
            except PipelineError as exc:
                errors.append(str(exc))
                return

    threads = [threading.Thread(target=starts) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert list((tmp_path / "out" / ".pipeline").iterdir()) == []
