"""Ctrl-C and SIGTERM where Python mishandles a KeyboardInterrupt (pipeline.stopping).

Each case runs a small program as ``python -m probe`` (the way the crash tests
run ``python -m pipeline``) that sends itself the signal at the exact spot, so
no timing is involved. Every case needs a real interpreter exit: the -2 comes
from CPython's own exit path, after everything Python-level has finished.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.errors import EXIT_INTERRUPTED
from pipeline.stopping import INTERRUPTED_LINE

# Sends the signal to this process and gives the handler a moment of Python code to run in.
PRELUDE = """\
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, also under `make test &`
from pipeline import stopping

def stop(sig=signal.SIGINT):
    os.kill(os.getpid(), sig)
    for _ in range(1000):
        pass

def finish(work):
    code = 0
    try:
        stopping.run_interruptible(work)
    except SystemExit as exc:
        code = exc.code
    sys.exit(stopping.exit_code(code))
"""


def _probe(tmp_path: Path, body: str, *, install: bool = True, **modules: str) -> subprocess.CompletedProcess[str]:
    pkg = tmp_path / "probe"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, text in modules.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
    setup = "stopping.install()\n" if install else ""
    (pkg / "__main__.py").write_text(PRELUDE + setup + textwrap.dedent(body))
    env_path = f"{tmp_path}:{Path(__file__).resolve().parents[1]}"
    return subprocess.run([sys.executable, "-m", "probe"], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})


def _assert_interrupted(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == EXIT_INTERRUPTED, (proc.returncode, proc.stderr)
    assert proc.stderr.splitlines() == [INTERRUPTED_LINE], proc.stderr


EXEC_STRING = """\
def work():
    exec("stop()\\nprint('exec finished')", globals())  # how @dataclass and namedtuple build methods
    for _ in range(300):  # the deferred stop is asked again within milliseconds
        time.sleep(0.01)
    print("not reached")
finish(work)
"""


def test_plain_python_dies_by_sigint_after_a_caught_interrupt_in_exec(tmp_path: Path) -> None:
    """The CPython behaviour behind the start-up race: the control case, with Python's own handler."""
    proc = _probe(tmp_path, EXEC_STRING, install=False)
    assert "Interrupted" in proc.stderr  # the KeyboardInterrupt was caught and the line printed ...
    assert proc.returncode == -signal.SIGINT  # ... and yet the process ended by SIGINT, not 130


def test_a_stop_inside_exec_of_a_string_waits_for_it_and_exits_130(tmp_path: Path) -> None:
    proc = _probe(tmp_path, EXEC_STRING)
    _assert_interrupted(proc)
    assert proc.stdout.splitlines() == ["exec finished"]  # not raised inside the exec'd code


def test_a_stop_during_an_import_lets_the_module_finish_then_stops(tmp_path: Path) -> None:
    slow = """\
        import os, signal
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
        from dataclasses import dataclass

        @dataclass
        class Point:
            x: int
            y: int

        DONE = Point(1, 2)
    """
    proc = _probe(tmp_path, """\
        def work():
            import slowmod
            print("imported", slowmod.DONE)
            for _ in range(300):
                time.sleep(0.01)
            print("not reached")
        finish(work)
    """, slowmod=slow)
    _assert_interrupted(proc)
    assert proc.stdout.splitlines() == ["imported Point(x=1, y=2)"]


def test_a_stop_before_the_command_starts_means_it_never_runs(tmp_path: Path) -> None:
    proc = _probe(tmp_path, """\
        stop()  # while the command line is parsed: nothing is raised yet
        print("parsed")
        def work():
            print("ran")
        finish(work)
    """)
    _assert_interrupted(proc)
    assert proc.stdout.splitlines() == ["parsed"]


def test_a_stop_after_the_command_still_exits_130(tmp_path: Path) -> None:
    proc = _probe(tmp_path, """\
        def work():
            print("done")
        stopping.run_interruptible(work)
        stop()  # while Click and the entry wind up: nothing to raise into, the exit says it
        sys.exit(stopping.exit_code(0))
    """)
    _assert_interrupted(proc)
    assert proc.stdout.splitlines() == ["done"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_further_signals_do_not_cut_cleanup_short(tmp_path: Path, sig: signal.Signals) -> None:
    proc = _probe(tmp_path, f"""\
        def work():
            try:
                stop({int(sig)})
                print("not reached")
            finally:
                stop(signal.SIGINT)
                stop(signal.SIGTERM)
                time.sleep(0.05)
                print("cleanup done")
        finish(work)
    """)
    _assert_interrupted(proc)
    assert proc.stdout.splitlines() == ["cleanup done"]


def test_a_stop_swallowed_by_a_finalizer_is_raised_again(tmp_path: Path) -> None:
    """Python prints "Exception ignored" for a KeyboardInterrupt in ``__del__`` and goes on; the stop is asked again."""
    proc = _probe(tmp_path, """\
        class Handle:
            def __del__(self):
                stop()

        def work():
            Handle()  # finalized at once: the stop lands inside __del__
            print("after finalizer")
            for _ in range(200):
                time.sleep(0.01)
            print("not reached")
        finish(work)
    """)
    _assert_interrupted(proc)
    assert "Exception ignored" not in proc.stderr
    assert proc.stdout.splitlines() == ["after finalizer"]


def test_an_ignored_sigint_stays_ignored(tmp_path: Path) -> None:
    """``nohup`` and background jobs start with SIGINT ignored: install keeps it so."""
    proc = _probe(tmp_path, """\
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        stopping.install()
        def work():
            stop()
            print("still running")
        finish(work)
    """, install=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["still running"]


def test_a_stop_held_over_a_block_that_fails_is_not_lost(tmp_path: Path) -> None:
    """SIGTERM to the whole group ends the forkserver while a worker starts (signals held): EOFError, then the stop."""
    proc = _probe(tmp_path, """\
        from pipeline.run.pool import ctrl_c_held

        def work():
            with ctrl_c_held():
                stop(signal.SIGTERM)  # pending: blocked until the block ends
                raise EOFError("unexpected EOF")  # what multiprocessing says when the forkserver is gone
        finish(work)
    """)
    _assert_interrupted(proc)


DASK_SYNC = """
import asyncio, threading
from distributed.utils import LoopRunner, sync

runner = LoopRunner(asynchronous=False)
runner.start()
gate = threading.Event()
# The loop thread is busy, so sync()'s coroutine has not run yet and its future is unbound:
# the window where distributed's own Ctrl-C handling fails (a NameError traceback in `cancel`).
runner.loop.add_callback(gate.wait)

async def work():
    await asyncio.sleep(600)  # not cancelled: the probe times out

def command():
    threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()  # lands in sync(), in that window
    threading.Timer(0.5, gate.set).start()
    sync(runner.loop, work)

try:
    finish(command)
finally:
    gate.set()
    runner.stop()
"""


def test_a_stop_inside_dask_sync_before_its_future_exists_waits_for_it(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    proc = _probe(tmp_path, DASK_SYNC)
    _assert_interrupted(proc)
