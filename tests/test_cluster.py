"""`pipeline run --cluster local:2`: a real Dask LocalCluster with two worker processes (no mocks).

The same bytes as a local run (on the repository's raw/ and on a generated
batch, with swap models so translations are visible); a worker process killed
with SIGKILL during the run costs nothing (its tasks run again, the tree equals
a clean run); a scheduler that does not answer is one line and exit 1.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import time
from pathlib import Path

import pytest
from badinput.lessons import make_lessons
from badinput.runs import install_echo_models, run, snapshot, start, temp_files

from pipeline.errors import EXIT_FAILED, EXIT_OK

pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

ROOT = Path(__file__).resolve().parents[1]
Files = dict[str, dict[tuple[str, str], Path]]


@pytest.fixture(scope="module")
def swap(argos_package_files: Files, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_echo_models(argos_package_files["swap"], tmp_path_factory.mktemp("cluster") / "models")


def _records(out: Path) -> list[tuple[str, dict[str, object]]]:
    from pipeline.run.manifest import dump_state

    return dump_state(out / ".pipeline")


def _run(raw: Path, out: Path, models: Path, *extra: str) -> dict[str, object]:
    proc = run("run", str(raw), str(out), "--to", "en,th", "--json", *extra, models_dir=models, timeout=600)
    assert proc.returncode == EXIT_OK, proc.stderr
    report: dict[str, object] = json.loads(proc.stdout)
    return report


@pytest.mark.slow
def test_cluster_writes_the_bytes_a_local_run_writes(swap: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw / "repo")
    make_lessons(raw / "generated", 60, per_folder=30)
    (raw / "hola.txt").write_text("Hola mundo\n\nHola, cliente. El mundo del cliente.\n", encoding="utf-8")
    local = _run(raw, tmp_path / "local", swap)
    assert local["executor"] == "process-pool" or local["executor"] == "inline"
    cluster = _run(raw, tmp_path / "cluster", swap, "--cluster", "local:2")
    assert cluster["executor"] == "dask" and cluster["workers"] == 2
    assert cluster["written"] == local["written"] == 66 and cluster["errors"] == 0
    assert cluster["translated"] == local["translated"] and local["translated"]
    a, b = snapshot(tmp_path / "local"), snapshot(tmp_path / "cluster")
    assert a.keys() == b.keys()
    for rel in a:
        assert a[rel] == b[rel], rel
    assert any(b"customer" in v for k, v in b.items() if k.startswith("en/"))  # the swap models ran on the workers
    assert _records(tmp_path / "local") == _records(tmp_path / "cluster")
    # a rerun on the cluster finds everything up to date and starts no cluster at all
    again = _run(raw, tmp_path / "cluster", swap, "--cluster", "local:2")
    assert again["written"] == 0 and again["up_to_date"] == 66


def _workers(pid: int) -> list[object]:
    """The cluster's worker processes: those multiprocessing's forkserver forked for the run."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    out = []
    for c in children:
        try:
            parent = c.parent()
            if parent is not None and parent.pid != pid and "forkserver" in " ".join(parent.cmdline()):
                out.append(c)
        except psutil.Error:
            continue
    return out


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing(swap: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_lessons(raw, 400, per_folder=200)
    _run(raw, tmp_path / "clean", swap, "-j", "1")
    clean = snapshot(tmp_path / "clean")
    out = tmp_path / "out"
    proc = start("run", str(raw), str(out), "--to", "en,th", "--json", "--cluster", "local:2", models_dir=swap)
    killed = None
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            # Past start-up (about 1 s of CPU) and well before the end (a worker does about 4.3 s in
            # all here): a worker killed now is mid-build with the rest of the batch still to do.
            busy = [w for w in _workers(proc.pid) if w.cpu_times().user > 2.0]
            if busy:
                killed = busy[0].pid
                os.kill(killed, signal.SIGKILL)
                break
            time.sleep(0.05)
        assert killed is not None, "no worker got busy before the run ended"
        assert proc.poll() is None, "the run ended before the kill"
        stdout, stderr = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == EXIT_OK, stderr
    assert "Traceback" not in stderr
    report = json.loads(stdout)
    assert report["written"] == 400 and report["errors"] == 0 and report["executor"] == "dask"
    assert snapshot(out) == clean
    assert temp_files(out) == []


def test_a_scheduler_that_does_not_answer_is_one_line_and_exit_1(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_lessons(raw, 2)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run("run", str(raw), str(tmp_path / "out"), "--cluster", f"tcp://127.0.0.1:{port}")
    assert proc.returncode == EXIT_FAILED
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"Error: tcp://127.0.0.1:{port}: no Dask scheduler answers there")
    assert not (tmp_path / "out" / "source").exists()


def test_a_bad_cluster_address_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("run", str(tmp_path), str(tmp_path / "out"), "--cluster", "local:zero")
    assert proc.returncode == 2
    assert "not a cluster address; give local:N" in proc.stderr


@pytest.mark.slow
def test_ctrl_c_stops_a_cluster_run_cleanly_and_leaves_no_worker(swap: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    make_lessons(raw, 300, per_folder=150)
    _run(raw, tmp_path / "clean", swap, "-j", "1")
    out = tmp_path / "out"
    proc = start("run", str(raw), str(out), "--to", "en,th", "--cluster", "local:2", models_dir=swap)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and len(_workers(proc.pid)) < 2:
            time.sleep(0.05)
        time.sleep(1.0)  # the workers are at work
        assert proc.poll() is None, "the run ended before Ctrl-C"
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: workers get it too
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.splitlines()[-1].startswith("Interrupted: what was written is complete")
    assert _workers(proc.pid) == [] and temp_files(out) == []
    again = _run(raw, out, swap, "--cluster", "local:2")
    assert again["errors"] == 0
    assert snapshot(out) == snapshot(tmp_path / "clean")


def _dask_log_levels() -> dict[str, int]:
    import logging

    return {name: logging.getLogger(name).getEffectiveLevel() for name in ("distributed.worker", "distributed.nanny")}


def test_local_workers_keep_dask_log_records_off_stderr(tmp_path: Path) -> None:
    """A worker logs to the run's stderr: its Dask records below CRITICAL (a heartbeat that failed
    after another worker was killed: an ERROR with a traceback) must not reach it, on every worker."""
    import logging

    from pipeline.config import PipelineConfig
    from pipeline.run.cluster import DaskExecutor

    executor = DaskExecutor.start(PipelineConfig(cluster="local:2"))
    try:
        levels = executor._client.run(_dask_log_levels)
    finally:
        executor.close()
    assert len(levels) == 2
    assert all(level == {"distributed.worker": logging.CRITICAL, "distributed.nanny": logging.CRITICAL}
               for level in levels.values()), levels
