"""A Dask cluster as an executor: ``--cluster local:N`` or ``--cluster tcp://HOST:PORT``.

Workers build lessons from bytes the driver read and translate chunks of
sentences with one model; the driver keeps discovery, the state, the
translation memory and every write, so workers need no access to RAW or OUT
(on other machines they need the same models folder path, and this package).

Why it is safe to kill a worker: every task is a pure function of its
arguments, submitted with retries, and results are read back in submission
order, so a task run twice, or elsewhere, gives the same bytes. Models are
loaded once per worker process (the engine's per-process cache) and reused by
every later task on that worker.

Dask is an optional extra (``pip install '.[cluster]'``): imported only here,
only when a run asks for a cluster.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.errors import EXIT_USAGE, PipelineError
from pipeline.run.executors import HopRunner
from pipeline.run.pool import ctrl_c_held

RETRIES = 3  # a task whose worker died runs again elsewhere, up to this many times
# Sentences per translation task: fixed (never derived from the cluster's size, so task contents do
# not depend on it), small enough to spread over the workers, and 16-example batches are what
# CTranslate2 runs fastest on CPU (bench/translate.py).
HOP_CHUNK = 16
LOCAL = re.compile(r"^local:(\d{1,3})$")
REMOTE = re.compile(r"^(tcp|tls)://[^\s/]+:\d{1,5}$")


class ClusterError(PipelineError):
    """No cluster: Dask missing, a scheduler that does not answer, workers that keep dying."""


class ClusterUsageError(ClusterError):
    exit_code = EXIT_USAGE


def check_address(value: str) -> str:
    """``local:N`` or ``tcp://HOST:PORT``; raises ClusterUsageError otherwise."""
    m = LOCAL.match(value)
    if m and int(m.group(1)) >= 1:
        return value
    if REMOTE.match(value):
        return value
    raise ClusterUsageError(f"--cluster {value}: not a cluster address; give local:N (N worker processes on this "
                            "machine) or tcp://HOST:PORT (a running Dask scheduler)")


class DaskExecutor:
    name = "dask"

    def __init__(self, client: Any, cluster: Any, config: PipelineConfig) -> None:
        self._client, self._cluster, self._config = client, cluster, config
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))
        # Local workers share this machine's cores; a remote worker uses all of its own (0: auto).
        # Local workers that get one core each run CTranslate2 on one thread; with more cores apiece
        # (or on a remote worker) the engine's own choice per machine stands (0: auto).
        local = LOCAL.match(config.cluster or "")
        self._threads = 1 if local and _threads_per_worker(int(local.group(1))) == 1 else 0

    @classmethod
    def start(cls, config: PipelineConfig) -> DaskExecutor:
        address = check_address(config.cluster or "")
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ClusterUsageError(f"--cluster {address}: Dask is not installed; install the extra with "
                                    "`pip install '.[cluster]'` (or `pip install 'dask[distributed]'`)") from None
        quiet_dask_logs()  # in the driver (scheduler, nannies, client); local workers below
        m = LOCAL.match(address)
        cluster = None
        try:
            if m:
                n = int(m.group(1))
                with _ctrl_c_blocked_for_workers(), ctrl_c_held():  # a Ctrl-C now lands after the start
                    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                           silence_logs=logging.CRITICAL, env=_worker_env(n))
                    client = Client(cluster)
                    client.register_worker_callbacks(setup=quiet_dask_logs)  # restarted workers too
            else:
                client = Client(address, timeout="5s")
        except BaseException as exc:
            if cluster is not None:
                cluster.close()  # Ctrl-C while it started, or a failure: no worker is left behind
            if not isinstance(exc, (OSError, TimeoutError)):
                raise
            raise ClusterError(f"{address}: no Dask scheduler answers there ({_reason(exc)}); start one with "
                               f"`dask scheduler` and workers with `dask worker {address}`, or use --cluster local:N"
                               ) from None
        executor = cls(client, cluster, config)
        if executor.workers == 0 or not client.scheduler_info().get("workers"):
            client.wait_for_workers(1, timeout=60)
            executor.workers = max(1, len(client.scheduler_info().get("workers", {})))
        return executor

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        futures = [self._client.submit(fn, *args, retries=RETRIES, pure=False) for args in calls]
        return self._results(futures)

    def _results(self, futures: list[Any]) -> Iterator[Any]:
        from distributed import KilledWorker

        try:
            for f in futures:
                yield f.result()
        except KilledWorker as exc:
            raise ClusterError(f"{self._config.cluster}: workers died {RETRIES + 1} times on one task ({exc}); "
                               "check the workers' memory and logs, then run again (what is written is kept)"
                               ) from None
        finally:
            for f in futures:
                f.release()

    def hop_runner(self) -> HopRunner | None:
        """Translation hops as tasks: each chunk of sentences goes to a worker, which keeps its models loaded.

        Chunks are cut the same way whatever the number of workers, and
        CTranslate2 decodes each sentence independently of its batch, so the
        outputs do not depend on the cluster's size.
        """
        import dataclasses

        from pipeline.translate.engine import run_hop

        threads = self._threads

        def hop(models_dir: str, package: str, texts: list[str], settings: Any) -> list[str]:
            if threads and getattr(settings, "threads", 0) == 0:
                settings = dataclasses.replace(settings, threads=threads)  # share the cores, do not fight over them
            calls = [(models_dir, package, texts[i : i + HOP_CHUNK], settings) for i in range(0, len(texts), HOP_CHUNK)]
            out: list[str] = []
            for part in self.map(run_hop, calls):
                out.extend(part)
            return out

        return hop

    def close(self) -> None:
        # Whole, even when a second Ctrl-C comes: a cluster left half closed makes Dask's own
        # exit hook print a traceback.
        with ctrl_c_held():
            try:
                self._client.close()
            except Exception:  # noqa: BLE001 - a scheduler already gone: nothing left to close
                pass
            if self._cluster is not None:
                try:
                    self._cluster.close()
                except Exception:  # noqa: BLE001
                    pass


def quiet_dask_logs() -> None:
    """Keep Dask's own log records (below CRITICAL) off the run's stderr.

    What matters to a run reaches the driver as an exception (a task's error,
    KilledWorker, a scheduler that does not answer) and is reported as one
    line; Dask logs transient trouble it recovers from as ERROR with a
    traceback. A local worker logs to the run's stderr, and its
    ``silence_logs`` sets only ``distributed.nanny``: a surviving worker's
    "Failed to communicate with scheduler during heartbeat" traceback, after
    another worker was killed, reached the terminal of a run that ended well.
    Workers of a remote cluster log on their own machines and are left alone.
    """
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    logging.getLogger("distributed.nanny").setLevel(logging.CRITICAL)


@contextmanager
def _ctrl_c_blocked_for_workers() -> Iterator[None]:
    """Local workers that never see Ctrl-C: only the driver handles it (one line, exit 130).

    A terminal's Ctrl-C reaches the whole process group; a worker that gets it
    prints a traceback, even while still importing. So workers are forked by
    multiprocessing's forkserver, started with SIGINT ignored (the same trick
    as the local pool, :func:`pipeline.run.pool.prepare`): every process it
    forks, restarts included, inherits the ignored disposition, and neither
    Python nor asyncio installs a handler over an ignored SIGINT.
    """
    import dask

    from pipeline.run.pool import prepare

    prepare()
    with dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"}):
        yield


def _threads_per_worker(n_workers: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // n_workers)


def _worker_env(n_workers: int) -> dict[str, str]:
    """Each local worker gets its share of the cores for the libraries under CTranslate2."""
    return {"OMP_NUM_THREADS": str(_threads_per_worker(n_workers))}


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
