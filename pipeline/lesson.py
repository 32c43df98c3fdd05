"""One lesson through the pure stages: bytes -> decode -> repair -> structure -> languages.

Kept apart from the runner so a worker process only needs this module, and so
tests and benches can build a lesson from bytes without a batch around it.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.config import PipelineConfig
from pipeline.decode import decode_lesson
from pipeline.document import Lesson


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a lesson is built.

    Building allocates one to a few objects per line and per sentence and frees
    almost none of them (they become the lesson), and they hold no cycles: every
    collection the allocations trigger scans a heap that only grows, which made a
    lesson of 100k lines 30-40% slower (and the cost grew faster than the input).
    Reference counting still frees everything that dies.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_lesson(data: bytes, name: str, source: str, config: PipelineConfig) -> Lesson:
    """Build a :class:`Lesson` from one file's bytes; raises InputError for bad input."""
    with _no_cyclic_gc():
        return _build_lesson(data, name, source, config)


def _build_lesson(data: bytes, name: str, source: str, config: PipelineConfig) -> Lesson:
    from pipeline.langid import detect_document, main_language
    from pipeline.repair import repair
    from pipeline.structure import find_title, parse_blocks

    decoded = decode_lesson(data, source)  # refuses lessons over the size limits
    encoding, notes = decoded.encoding, [decoded.note] if decoded.note else []
    repaired = repair(decoded.text, threshold=config.threshold)
    # The decoded text is a whole copy of the page (2-4 bytes a character when
    # it holds Thai): drop it before the later stages make their own objects.
    del decoded
    blocks = parse_blocks(repaired.text)
    segments = [s for b in blocks for s in b.segments]
    # Table cells share context. An array: a list held an int object per line (28 bytes past 256).
    block_ids = array("i", (i for i, b in enumerate(blocks) for _ in b.segments))
    spans_per_segment = detect_document([s.text for s in segments], languages=config.languages, blocks=block_ids)
    del block_ids
    for seg, spans in zip(segments, spans_per_segment):
        seg.spans = spans
        seg.lang = main_language(spans, seg.text)
    del segments, spans_per_segment
    return Lesson(
        name=name,
        source=source,
        encoding=encoding,
        text=repaired.text,
        title=find_title(blocks),  # "" without a title line: no heading made from the file name
        blocks=blocks,
        edits=repaired.edits,  # the lists themselves: Repaired is dropped here
        flagged=repaired.flagged,
        notes=notes,
    )
