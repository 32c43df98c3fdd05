"""The build stage: one lesson's bytes -> a :class:`Lesson` (decode, repair, structure, language).

A plain function of its arguments, so any executor can run it: inline, in a
pool worker, or on a Dask worker that never sees RAW (the driver read the
bytes). Problems come back as values, named by the path the user gave.
"""

from __future__ import annotations

from pipeline.config import PipelineConfig
from pipeline.discover import FileProblem
from pipeline.document import Lesson
from pipeline.errors import InputError


def build_one(data: bytes, name: str, source: str, shown: str, config: PipelineConfig) -> Lesson | FileProblem:
    """Build lesson ``name`` (its path below RAW, no suffix); ``source`` is the stable name written into outputs."""
    from pipeline.lesson import build_lesson

    try:
        return build_lesson(data, name, source, config)
    except InputError as exc:
        return FileProblem(shown, exc.problem, exc.hint)
    except RecursionError:
        return FileProblem(shown, "is too deeply nested to parse", "report this file as a bug")
