"""Kept for importers: the batch lives in :mod:`pipeline.run` (stages, executors, state)."""

from pipeline.discover import FileProblem, discover
from pipeline.run import Progress, RunReport, Runner, run

__all__ = ["FileProblem", "Progress", "RunReport", "Runner", "discover", "run"]
