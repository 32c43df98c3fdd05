"""The data model every stage shares.

Plain dataclasses, picklable, so a process pool can ship them between workers.
Offsets are character offsets (Python ``str`` indices), end exclusive.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum


_ENCODE_SLICE = 1 << 18  # characters of Lesson.text encoded at a time
_SHARED_TEXT = 64  # texts up to this length are interned (see Edit.__post_init__)
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

    def __post_init__(self) -> None:
        # A damaged page repeats a few dozen remnants ("ó;", "Ã©") thousands of
        # times: one string object per distinct short text, not one per edit
        # (a one-line page of 1 MB makes 68k edits).
        before, after = self.before, self.after
        if len(before) <= _SHARED_TEXT and (shared := sys.intern(before)) is not before:
            object.__setattr__(self, "before", shared)
        if 1 < len(after) <= _SHARED_TEXT and (shared := sys.intern(after)) is not after:
            object.__setattr__(self, "after", shared)

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


@dataclass(slots=True)  # one per heading, paragraph, item and cell: no per-instance dict
class Segment:
    """One translatable piece of text: a heading, a paragraph, a list item, a table cell."""

    text: str
    # Replace, never change in place: equal lists are one object shared by the
    # segments of a lesson (pipeline.langid), and translated copies share theirs.
    # So the default is one empty list for all (a list per segment was 56 bytes a
    # line of a long list until the spans were set).
    spans: list[Span] = field(default_factory=lambda: _NO_SPANS)
    lang: str = "und"  # the main language of the segment (most letters)
    # Set on translated copies only: the languages (comma-separated) of the runs
    # no model could translate, else ""; ``kept`` holds those runs as
    # (start, end, lang) offsets into ``text`` (render marks them).
    untranslated: str = ""
    # An empty tuple by default, not a list per segment: only translated copies
    # with kept runs get one (56 bytes per segment of a 100k-line lesson otherwise).
    kept: Sequence[tuple[int, int, str]] = ()


class BlockKind(str, Enum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE = "table"
    SOURCE = "source"  # "Fuente: <url>" -> segments[0] is the label, url holds the link
    CREDIT = "credit"  # an image credit line ("tutor2u")
    BANNER = "banner"  # an HTML header row such as the Erasmus+ funding banner


@dataclass(slots=True)
class Block:
    kind: BlockKind
    segments: list[Segment]  # one for text blocks; row-major cells for tables
    level: int = 1  # heading level, or list nesting depth (1 = top level)
    columns: int = 0  # tables: cells per row
    header_rows: int = 0  # tables: rows that form the header (GFM allows exactly 1)
    ordered: bool = False  # list items: numbered
    number: int = 0  # list items: the number written in the source, if ordered
    url: str = ""  # source links
    line: int = 0  # 1-based line of the block's first line in the repaired text

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
        if value.isascii():
            self._text = value
            return
        # By slices: the encoder reserves 3 bytes a character of what it is given.
        utf8 = b"".join(
            value[k : k + _ENCODE_SLICE].encode("utf-8", "surrogatepass") for k in range(0, len(value), _ENCODE_SLICE)
        )
        # The characters' bytes in the str: its size less a one-character Latin-1 str's.
        self._text = utf8 if len(utf8) < sys.getsizeof(value) - sys.getsizeof("\xe9") else value

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
