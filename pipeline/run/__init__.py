"""`pipeline run` as stages: plan, build, translate, write; executors: inline, process pool, Dask.

* :mod:`pipeline.run.driver`: the :class:`Runner` that drives the stages chunk by chunk.
* :mod:`pipeline.run.plan`, :mod:`~pipeline.run.build`, :mod:`~pipeline.run.translate`,
  :mod:`~pipeline.run.write`: the stages.
* :mod:`pipeline.run.executors` (the interface and the choice), :mod:`~pipeline.run.pool`,
  :mod:`~pipeline.run.cluster` (Dask, optional).
* :mod:`pipeline.run.manifest`: the state in SQLite; :mod:`pipeline.run.report`: the summary.
"""

from pipeline.run.driver import Progress, Runner, run
from pipeline.run.report import RunReport

__all__ = ["Progress", "RunReport", "Runner", "run"]
