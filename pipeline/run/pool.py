"""The local process pool, and the signal handling that keeps Ctrl-C one clean message.

forkserver, not fork: by the second chunk the driver holds loaded CTranslate2
models and their threads, which must not be forked.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from pipeline.run.executors import HopRunner


class ProcessPool:
    name = "process-pool"

    def __init__(self, jobs: int) -> None:
        import multiprocessing

        self.workers = jobs
        _start_forkserver_ignoring_ctrl_c()
        self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("forkserver"),
                                         initializer=_worker_init)

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        # The first submits start the workers: hold Ctrl-C so none is left half started.
        with ctrl_c_held():
            futures = [self._pool.submit(fn, *args) for args in calls]
        return (f.result() for f in futures)

    def hop_runner(self) -> HopRunner | None:
        return None  # translation stays in the driver: CTranslate2 threads use the cores already

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def prepare() -> None:
    """Call while this process has one thread, before models load (see _start_forkserver_ignoring_ctrl_c)."""
    _start_forkserver_ignoring_ctrl_c()


def _worker_init() -> None:
    # Ctrl-C is the parent's to handle (one message, clean stop); workers just end.
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()


def _start_forkserver_ignoring_ctrl_c() -> None:
    """Start the pool's forkserver with SIGINT ignored, so that it and its workers ignore Ctrl-C.

    Left alone, the forkserver only ignores Ctrl-C once its imports are done, and
    its workers only from ``_worker_init``: a Ctrl-C in those windows killed the
    forkserver (the run then died with "Aborted!", exit 1) or printed a worker's
    KeyboardInterrupt traceback. An ignored signal survives exec, and the
    forkserver hands its old (ignored) disposition to every worker it forks.
    Meanwhile this thread blocks SIGINT, so a Ctrl-C in the window is held, not
    lost (Linux keeps a blocked signal pending even while it is ignored), and is
    delivered as KeyboardInterrupt when the normal handler is back.
    """
    import signal
    import threading
    from multiprocessing import forkserver, resource_tracker

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        forkserver.ensure_running()
        return
    # The forkserver starts the resource tracker first, and that *unblocks* SIGINT
    # when done; started beforehand, it does not reopen the window.
    resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@contextmanager
def ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then deliver them.

    For the few moments when an interruption leaves a mess: a worker half
    started (it then fails to find the pool's semaphores and prints a
    traceback). Processes started inside inherit the blocked signals.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM)
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending signal lands in `caught` here
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if caught:  # now, with the usual handler: KeyboardInterrupt. Also when the block failed:
            # SIGTERM to the whole group ends the forkserver too, and starting a worker then
            # fails (EOFError); dropped here, that stop was lost and Click printed "Aborted!".
            signal.raise_signal(caught[0])


def _exit_with_parent() -> None:
    """End this worker when the main process dies (SIGKILL, OOM killer).

    A pool worker waits on a queue whose write end it holds itself, so it never
    sees EOF: without this, workers of a killed run (and the forkserver they keep
    alive) would linger forever. The parent sentinel is a pipe only the main
    process writes to; it becomes readable when that process is gone.
    """
    import multiprocessing
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)
