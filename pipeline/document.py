"""The data model every stage shares.

Plain dataclasses, picklable, so a process pool can ship them between workers.
Offsets are character offsets (Python ``str`` indices), end exclusive.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar, overload

from pipeline.utf8 import decoded_slices, str_slices, utf8_slices


_NO_SPANS: list[Span] = []  # the spans of every segment not yet labelled (see Segment.spans)


@dataclass(frozen=True, slots=True)
class Edit:
    """One repair edit.

    ``start``/``end`` index the text *given to* :func:`pipeline.repair.repair`
    (the decoded raw page), so the edit log can be laid over the page as it
    was scraped; ``offset`` is the same as ``start`` and is the public name in
    the edit log. ``before`` is the text the rule replaced *as it was then*.

    Chains: an edit made on the output of an earlier one (``Ã³;`` -> ``ó;`` ->
    ``ó``) is logged in raw offsets too, and every position inside an earlier
    replacement maps to that replacement's raw start. So a later edit's span
    covers the earlier one's, ``end - start`` may differ from ``len(before)``,
    and an edit on the tail of a replacement (``ñí``, then ``í;`` -> ``í``)
    gets the whole replacement's span. The edit log is sorted by
    ``(start, end)`` (stable: edits with one span keep the order they were
    made in). :func:`pipeline.report_data.chain_result` replays a chain to
    find what it left in the text.
    """

    start: int
    end: int
    before: str
    after: str
    rule: str
    confidence: float
    applied: bool = True  # False: a candidate below the threshold, reported for review

    @property
    def offset(self) -> int:
        return self.start

    def as_dict(self) -> dict[str, object]:
        return {
            "offset": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "rule": self.rule,
            "confidence": round(self.confidence, 4),
            "applied": self.applied,
        }


@dataclass
class Repaired:
    """What :func:`pipeline.repair.repair` returns: the text and how it got there."""

    text: str
    edits: list[Edit] = field(default_factory=list)  # applied, sorted by (start, end); see Edit
    flagged: list[Edit] = field(default_factory=list)  # below threshold, not applied


@dataclass(frozen=True, slots=True)  # one per language run of a lesson: no per-instance dict
class Span:
    """A run of one language inside a text."""

    start: int
    end: int
    lang: str  # ISO 639-1, or "und"
    confidence: float
    method: str  # how it was decided: "script", "langdetect", "words", "context", ...

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "lang": self.lang,
            "confidence": round(self.confidence, 4),
            "method": self.method,
        }


_Kept = Sequence[tuple[int, int, str]]
_NOT_KEPT: tuple[str, _Kept] = ("", ())  # (untranslated, kept) of every segment nothing was kept of


class _Fields:
    """Equality and repr of a slotted class that replaces a dataclass: by its
    fields' values (``_fields()``, named by ``_FIELD_NAMES``), unhashable as a
    mutable dataclass is."""

    __slots__ = ()
    _FIELD_NAMES: tuple[str, ...] = ()

    def _fields(self) -> tuple[object, ...]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, _Fields)
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        pairs = zip(self._FIELD_NAMES, self._fields())
        return f"{self.__class__.__name__}(" + ", ".join(f"{n}={v!r}" for n, v in pairs) + ")"


class Segment(_Fields):
    """One translatable piece of text: a heading, a paragraph, a list item, a table cell.

    Four slots, not five (one per heading, paragraph, item and cell; four are 64
    bytes with the object headers, five 80): ``untranslated`` and ``kept``, set
    on translated copies only, share one slot that holds one shared pair for
    every segment without kept runs.
    """

    __slots__ = ("_marks", "lang", "spans", "text")

    text: str
    # Replace, never change in place: equal lists are one object shared by the
    # segments of a lesson (pipeline.langid), and translated copies share theirs.
    # So the default is one empty list for all (a list per segment was 56 bytes a
    # line of a long list until the spans were set).
    spans: list[Span]
    lang: str  # the main language of the segment (most letters)
    _marks: tuple[str, _Kept]  # (untranslated, kept)

    def __init__(
        self,
        text: str,
        spans: list[Span] | None = None,
        lang: str = "und",
        untranslated: str = "",
        kept: _Kept = (),
    ) -> None:
        self.text = text
        self.spans = _NO_SPANS if spans is None else spans
        self.lang = lang
        self._marks = (untranslated, kept) if untranslated or kept else _NOT_KEPT

    @property
    def untranslated(self) -> str:
        """The languages (comma-separated) of the runs no model could translate, else ""."""
        return self._marks[0]

    @untranslated.setter
    def untranslated(self, value: str) -> None:
        self._marks = (value, self._marks[1])

    @property
    def kept(self) -> _Kept:
        """The runs no model could translate, as (start, end, lang) offsets into ``text`` (render marks them)."""
        return self._marks[1]

    @kept.setter
    def kept(self, value: _Kept) -> None:
        self._marks = (self._marks[0], value)

    def _fields(self) -> tuple[object, ...]:
        return (self.text, self.spans, self.lang, *self._marks)

    _FIELD_NAMES = ("text", "spans", "lang", "untranslated", "kept")


class BlockKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"
    SOURCE = "source"  # "Fuente: <url>" -> segments[0] is the label, url holds the link
    CREDIT = "credit"  # an image credit line ("tutor2u")
    BANNER = "banner"  # an HTML header row such as the Erasmus+ funding banner


# What a block is, apart from its kind, text and line: a few hundred distinct values in
# a lesson, so one shared tuple each (see _shared_shape) instead of six slots per block.
_Shape = tuple[int, int, int, bool, int, str]  # level, columns, header_rows, ordered, number, url
_SHAPES: dict[_Shape, _Shape] = {}
_T = TypeVar("_T")
_MAX_SHAPES = 4096  # a bound on the table, not on correctness (equal shapes need not be one object)


def _shared_shape(shape: _Shape) -> _Shape:
    found = _SHAPES.get(shape)
    if found is None:
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        found = _SHAPES[shape] = shape
    return found


class _ShapeField(Generic[_T]):
    """One field of a block's shared shape, read and set like an attribute."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    @overload
    def __get__(self, block: None, owner: type) -> _ShapeField[_T]: ...
    @overload
    def __get__(self, block: Block, owner: type) -> _T: ...
    def __get__(self, block: Block | None, owner: type) -> _T | _ShapeField[_T]:
        return self if block is None else block._shape[self.index]  # type: ignore[return-value]

    def __set__(self, block: Block, value: _T) -> None:
        shape = list(block._shape)
        shape[self.index] = value
        block._shape = _shared_shape(tuple(shape))  # type: ignore[arg-type]


class Block(_Fields):
    """One heading, paragraph, list item, table, source line, credit or banner.

    Four slots, not nine: a lesson of 100k short lines has 100k blocks. The
    fields other than the kind, the segments and the line are one shared tuple (``_shape``);
    a block of one segment holds it bare, and :attr:`segments` reads it as a new
    one-element list. So replace ``segments``, never change that list in place
    (as with :attr:`Segment.spans`); a list assigned is kept as it is.
    """

    # Four slots are 64 bytes with the object headers, as three are (memory
    # comes in 16-byte steps): the kind, read most, is a slot of its own.
    __slots__ = ("_segments", "_shape", "kind", "line")

    level = _ShapeField[int](0)  # heading level, or list nesting depth (1 = top level)
    columns = _ShapeField[int](1)  # tables: cells per row
    header_rows = _ShapeField[int](2)  # tables: rows that form the header (GFM allows exactly 1)
    ordered = _ShapeField[bool](3)  # list items: numbered
    number = _ShapeField[int](4)  # list items: the number written in the source, if ordered
    url = _ShapeField[str](5)  # source links
    kind: BlockKind
    line: int  # 1-based line of the block's first line in the repaired text
    _segments: Segment | list[Segment]
    _shape: _Shape

    def __init__(
        self,
        kind: BlockKind,
        segments: list[Segment],  # one for text blocks; row-major cells for tables
        level: int = 1,
        columns: int = 0,
        header_rows: int = 0,
        ordered: bool = False,
        number: int = 0,
        url: str = "",
        line: int = 0,
    ) -> None:
        # Inline, not through _shared_shape and the segments setter: one block a line.
        self.kind = kind
        shape = (level, columns, header_rows, ordered, number, url)
        self._shape = _SHAPES.get(shape) or _shared_shape(shape)
        self._segments = segments[0] if len(segments) == 1 and segments.__class__ is list else segments
        self.line = line

    @property
    def segments(self) -> list[Segment]:
        held = self._segments
        return [held] if isinstance(held, Segment) else held

    @segments.setter
    def segments(self, value: list[Segment]) -> None:
        # A one-element list is 80 bytes (object and item array) a block of a long list.
        self._segments = value[0] if len(value) == 1 and value.__class__ is list else value

    def _fields(self) -> tuple[object, ...]:
        return (self.kind, self.segments, *self._shape, self.line)

    _FIELD_NAMES = ("kind", "segments", "level", "columns", "header_rows", "ordered", "number", "url", "line")

    @property
    def rows(self) -> list[list[Segment]]:
        if self.kind is not BlockKind.TABLE or not self.columns:
            return [self.segments]
        c = self.columns
        return [self.segments[i : i + c] for i in range(0, len(self.segments), c)]


@dataclass(init=False)
class Lesson:
    """One lesson after decode, repair, structure and language detection."""

    name: str  # the input file's stem; output files are <name>.md
    source: str  # the input path as given (relative to the raw folder when run as a batch)
    encoding: str  # how the bytes were decoded ("utf-8", "utf-8-sig", "utf-16", "cp1252")
    # The repaired plain text (:attr:`text`), held as UTF-8 when that is smaller:
    # one Thai letter makes Python store a whole page at 2 bytes a character.
    _text: str | bytes
    title: str
    blocks: list[Block]
    edits: list[Edit]
    flagged: list[Edit]
    notes: list[str]  # decoding notes and the like

    def __init__(
        self,
        name: str,
        source: str,
        encoding: str,
        text: str,
        title: str,
        blocks: list[Block],
        edits: list[Edit] | None = None,
        flagged: list[Edit] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.name, self.source, self.encoding, self.title, self.blocks = name, source, encoding, title, blocks
        self.text = text
        self.edits = [] if edits is None else edits
        self.flagged = [] if flagged is None else flagged
        self.notes = [] if notes is None else notes

    @property
    def text(self) -> str:
        """The repaired plain text (a new string on each read when held as UTF-8)."""
        held = self._text
        return held if isinstance(held, str) else held.decode("utf-8", "surrogatepass")

    @text.setter
    def text(self, value: str) -> None:
        # One byte a character (ASCII or Latin-1: sized as a Latin-1 str of its length):
        # UTF-8 cannot be smaller, so no copy is made to find out (it was the last
        # peak of building a long lesson, a whole copy of its text).
        if value.isascii() or sys.getsizeof(value) <= sys.getsizeof("\xe9") + len(value) - 1:
            self._text = value
            return
        utf8 = b"".join(utf8_slices(value, "surrogatepass"))  # by slices: see pipeline.utf8
        # The characters' bytes in the str: its size less a one-character Latin-1 str's.
        self._text = utf8 if len(utf8) < sys.getsizeof(value) - sys.getsizeof("\xe9") else value

    def text_slices(self) -> Iterator[str]:
        """The text in slices, never whole (held as UTF-8, ``text`` would decode all of it)."""
        held = self._text
        if isinstance(held, bytes):
            return decoded_slices(held, "surrogatepass")  # as ``text`` decodes
        return str_slices(held)

    def segments(self) -> list[Segment]:
        return [s for b in self.blocks for s in b.segments]

    def language_shares(self) -> dict[str, float]:
        """Share of letters per language over all segments, largest first."""
        counts: dict[str, int] = {}
        for seg in self.segments():
            for sp in seg.spans:
                n = sum(ch.isalpha() for ch in seg.text[sp.start : sp.end])
                if n:
                    counts[sp.lang] = counts.get(sp.lang, 0) + n
        total = sum(counts.values()) or 1
        return {
            k: round(v / total, 4)
            for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        }
