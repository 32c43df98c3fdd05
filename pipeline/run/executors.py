"""One small interface for where work runs: in this process, a process pool, or a Dask cluster.

The driver hands an executor calls of plain, picklable functions (build a
lesson from bytes; translate a chunk of sentences with one model) and reads the
results back in submission order, so the output never depends on which worker
did what or in which order they finished. Which executor a run uses is chosen
in one place, :func:`choose`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from pipeline.config import PipelineConfig

POOL_MIN_LESSONS = 8  # fewer lessons to build than this: a pool's start-up costs more than it saves

# Translate one hop, as the engine's run_hop: (models folder, package folder, texts, settings) -> outputs,
# in order. None: the engine runs it in this process.
HopRunner = Callable[[str, str, list[str], Any], list[str]]


class Executor(Protocol):
    name: str  # "inline", "process-pool", "dask"
    workers: int

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        """``fn(*args)`` for each call; results in the order of ``calls``, yielded as they are ready."""
        ...

    def hop_runner(self) -> HopRunner | None:
        """Where translation hops run; None: in the driver, as the engine does by default."""
        ...

    def close(self) -> None: ...


class Inline:
    """In this process: small batches (no start-up), and the fallback."""

    name = "inline"
    workers = 1

    def map(self, fn: Callable[..., Any], calls: Sequence[tuple[Any, ...]]) -> Iterator[Any]:
        return (fn(*args) for args in calls)  # lazily: Ctrl-C stays live between lessons

    def hop_runner(self) -> HopRunner | None:
        return None

    def close(self) -> None:
        return None


def pool_jobs(config: PipelineConfig) -> int:
    import os

    return config.jobs or os.cpu_count() or 1


def choose(config: PipelineConfig, n_lessons: int, current: Executor | None) -> Executor:
    """The executor for a chunk of ``n_lessons`` to build.

    A cluster when one is asked for (started once). Else a process pool once a
    chunk holds enough lessons to pay for it (kept for later chunks), else
    inline: a rerun after a small edit stays a sub-second job.
    """
    if current is not None and current.name != "inline":
        return current
    if config.cluster:
        from pipeline.run.cluster import DaskExecutor

        return DaskExecutor.start(config)
    if pool_jobs(config) > 1 and n_lessons >= POOL_MIN_LESSONS:
        from pipeline.run.pool import ProcessPool

        return ProcessPool(pool_jobs(config))
    return current or Inline()
