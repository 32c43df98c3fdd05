"""Repaired plain text -> blocks: title, headings, paragraphs, lists, tables, sources, credits.

Scraped lesson pages arrive as plain text that still carries the layout of the
HTML they came from: tab-separated tables (with or without a ``---<TAB>---``
separator row), bullets written as ``•``/``-``/``*`` or numbers with odd
indentation, "Fuente: <https://...>" lines, image credits ("tutor2u" under a
table), a funding banner row, runs of blank lines and leading spaces. This
module recognises those shapes and returns :class:`~pipeline.document.Block`
objects; :mod:`pipeline.render` turns them into Markdown.

Decisions (and why):

* The title is a ``HEADING`` block of level 1 *inside* the block list, so it is
  translated, checked and located (``segment_lines``) like every other segment.
  :func:`find_title` reads it back; it returns ``""`` when the page has no
  title-like line, and then the lesson has no title heading (none is made up
  from the file name).
* The title is a title-like line ("Lección 5 ...", "Lesson 2 ...", "Unidad 3",
  "บทที่ 4") near the top when there is one, else the first text line when it is
  short and does not read as a sentence. Heading-like lines *before* the title
  (template labels such as "PLANTILLA DE CONTENIDO") stay paragraphs, so the
  Markdown never has a ``##`` above its ``#``.
* The text is already repaired; this stage never changes words. It only drops
  layout (indentation, bullets, tabs, blank-line runs) and, defensively,
  ``<p>``/``<div>``/``<span>``/``<br>`` tags that the repair stage should have
  removed, because a banner row is recognised partly by them.
* Every rule is about shape, never about one page's wording, so it holds for
  pages we have not seen.

Each block records the 1-based line of its first line in the input text.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from pipeline.document import Block, BlockKind, Segment

__all__ = ["find_title", "parse_blocks"]

# --- line shapes -----------------------------------------------------------

# Blank: whitespace (str.isspace covers NBSP), zero-width spaces, BOMs, and the
# ";" an emptied "&nbsp;" paragraph leaves behind (damage class 1).
_BLANK = re.compile(r"[\s\u200b\ufeff;]*")

# Tags a scraper leaves around cells and paragraphs; removed here only as a
# safety net (pipeline.repair owns HTML remnants).
_BLOCK_TAGS = re.compile(r"</?(?:p|div|span)\b[^>]*>|<br\s*/?>", re.IGNORECASE)
_P_TAG = re.compile(r"</?p\b", re.IGNORECASE)

_BULLETS = "•●▪◦○·‣∙►▸➢✓✔■□◆◇–"
# A bullet glyph (• etc.) may touch its text; "-", "*", "+" and numbers need
# whitespace after them, else "-5 %" or "*nota*" would become list items.
_ITEM = re.compile(
    r"(?P<indent>[ \t\u00a0]*)"
    r"(?:(?P<glyph>[" + _BULLETS + r"])[ \t\u00a0]*"
    r"|(?P<ascii>[-*+])[ \t\u00a0]+"
    r"|(?P<num>\d{1,3})(?:[.)]|\.-)[ \t\u00a0]+"
    r"|(?P<alpha>(?:[a-zA-Z]|[ivx]{1,4})\))[ \t\u00a0]+)"
    r"(?P<text>\S.*)"
)
# A tab between two non-blank characters: a table row. Leading tabs alone are
# indentation.
_ROW = re.compile(r"\S\t+\S")
_SEP_CELL = re.compile(r":?-{2,}:?")

# "Fuente: <https://...>", "Source: https://...", "Fuente: [texto](https://...)"
_SOURCE_WORDS = (
    r"fuentes?|sources?|referencias?|references?|recuperado de|retrieved from|"
    r"disponible en|available at|adaptado de|adapted from|tomado de|taken from|"
    r"más información|more information|enlace|link|sitio web|website|ที่มา"
)
_SOURCE = re.compile(
    r"(?P<label>(?:" + _SOURCE_WORDS + r")\b(?:(?!https?://)[^<>\[\]\n]){0,120}?)[ \t]*"
    r"(?:<(?P<u1>https?://[^\s<>]+)>"
    r"|\[(?P<text>[^\]\n]*)\]\((?P<u2>https?://[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)\)"
    r"|(?P<u3>https?://[^\s<>]+?))[.,;]?[ \t]*",
    re.IGNORECASE,
)
# An image credit anywhere: "Imagen: Pixabay", "Image credit: ...", "© ...".
_CREDIT_PREFIX = re.compile(
    r"(?:(?:créditos?|credits?|image credit|crédito de (?:la )?imagen|imagen|image|"
    r"foto(?:grafía)?|photo(?:graph)?|ilustración|illustration|gráfico|figura|figure|"
    r"fuente(?: de la imagen)?|source|ภาพ|ที่มา)\s*:|©|\(c\)\s)",
    re.IGNORECASE,
)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|org|net|edu|gov|io|co|uk|es|eu|info)\b", re.IGNORECASE)
_TITLE_LIKE = re.compile(
    r"(?:lecci[oó]n|lesson|unidad|unit|m[oó]dulo|module|tema|topic|cap[ií]tulo|chapter|"
    r"sesi[oó]n|session|clase|class|semana|week|parte|part|บทที่|บทเรียนที่)\s*[0-9IVXivx]",
    re.IGNORECASE,
)
_LETTER_DIGIT = re.compile(r"[^\W\d_]\d|\d[^\W\d_]")
_TERMINAL = ".!?:;,…"
_CLOSERS = "\"'”’»)]"
_SPACES = re.compile(r"[ \t]+")
_INDENT_CHARS = " \t\u00a0"
_STRIP_CHARS = " \t\u00a0\u200b\ufeff"
_ITEM_FIRST = frozenset(_BULLETS + "-*+0123456789")

_MAX_HEADING_CHARS = 90
_MAX_HEADING_WORDS = 12
_MAX_TITLE_CHARS = 150
_TITLE_SEARCH_BLOCKS = 12


@dataclass(slots=True)  # one per input line: no per-instance dict
class _Line:
    no: int  # 1-based line number in the input
    kind: str  # "blank", "item", "row", "sep", "source", "text"
    text: str  # stripped text (for rows: the raw line, tags removed)
    indent: int = 0  # columns, tabs counted as 4
    had_p: bool = False
    match: re.Match[str] | None = None


@dataclass(frozen=True, slots=True)
class _Meta:
    """What later passes need to know about a block beyond the Block itself.

    Frozen and shared (see :func:`_meta`): there are only 16 of them, where one
    per block cost 64 bytes a line of a long list.
    """

    heading_like: bool = False  # single standalone line shaped like a heading
    single_row: bool = False  # a table made of one tab row and no separator
    had_p: bool = False  # a table whose cells came from <p> tags
    short: bool = False  # the block is one line of at most _MAX_TITLE_CHARS (its text: _short_line)


@functools.lru_cache(maxsize=None)
def _meta(heading_like: bool = False, single_row: bool = False, had_p: bool = False, short: bool = False) -> _Meta:
    return _Meta(heading_like, single_row, had_p, short)


def _short_line(block: Block, meta: _Meta) -> str:
    """The text of a block that is one short line, else ``""``."""
    return block.segments[0].text if meta.short else ""


class _Built:
    """The blocks made so far and, in a parallel list, their :class:`_Meta` (a
    ``(block, meta)`` tuple per block cost 64 bytes a line of a long list)."""

    __slots__ = ("blocks", "metas")

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.metas: list[_Meta] = []

    def add(self, block: Block, meta: _Meta) -> None:
        self.blocks.append(block)
        self.metas.append(meta)


_KEEP_LINES = 4096  # lines already grouped into blocks are dropped this many at a time
_BATCH_CHARS = 1 << 16  # lines are classified about this much text at a time


class _Lines(list[_Line]):
    """The classified lines of a text, a batch at a time: a list that
    :meth:`more` extends with the next lines, and whose front :func:`_build`
    deletes once grouped. So only a window of lines is alive (a lesson of 100k
    list items held every line, its raw text and its regex match before the
    first block was made). A list, not an object that classifies on indexing:
    indexing is most of the cost of this stage. Readers check
    ``i < len(lines) or lines.more()`` before ``lines[i]``.
    """

    __slots__ = ("_no", "_pos", "_text")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text
        self._pos = 0  # where the next unread line starts
        self._no = 0  # line number of the last line read

    def more(self) -> bool:
        """Classify the next batch of lines onto the end; False when none are left."""
        text, pos = self._text, self._pos
        if pos > len(text):
            return False
        end = text.find("\n", pos + _BATCH_CHARS)
        if end < 0:
            end = len(text)
        no = self._no
        for raw in text[pos:end].split("\n"):  # the last batch ends with the text, as str.split does
            no += 1
            self.append(_classify(no, raw))
        self._no, self._pos = no, end + 1
        return True


# --- public API --------------------------------------------------------------


def parse_blocks(text: str) -> list[Block]:
    """Split repaired plain text into blocks, in reading order.

    >>> [b.kind.value for b in parse_blocks("Lección 1 Clientes\\n\\n- Uno\\n- Dos\\n")]
    ['heading', 'list_item', 'list_item']
    >>> parse_blocks("")
    []
    """
    built = _build(_Lines(text))
    _choose_title(built)
    _detect_banner(built)
    _mark_credits(built)
    _demote_trailing_heading(built)
    blocks = built.blocks
    for k, meta in enumerate(built.metas):  # in place: no second list of every block
        blocks[k] = _finish(blocks[k], meta)
    return blocks


def find_title(blocks: list[Block]) -> str:
    """The lesson title: the text of the first level-1 heading, or ``""``.

    ``""`` means the page has no title-like line (the lesson gets no title
    heading). Works on translated copies of the blocks too.
    """
    for block in blocks:
        if block.kind is BlockKind.HEADING and block.level == 1 and block.segments:
            return block.segments[0].text
    return ""


# --- pass 1: one line at a time ---------------------------------------------


def _classify(no: int, raw: str) -> _Line:
    """Decide what one input line looks like, without context.

    Ordered cheapest first: most lines are prose, and each check runs only
    when the line's first character or a tab makes it possible.
    """
    body = raw.lstrip(_INDENT_CHARS)
    if not body or _BLANK.fullmatch(body):
        return _Line(no, "blank", "")
    had_p = False
    if "<" in body:
        had_p = bool(_P_TAG.search(body))
        raw = _BLOCK_TAGS.sub(lambda m: " " if m.group(0)[1:3].lower() == "br" else "", raw)
        body = raw.lstrip(_INDENT_CHARS)
        if not body or _BLANK.fullmatch(body):
            return _Line(no, "blank", "")
    indent = _indent_width(raw, len(raw) - len(body))
    tabbed = "\t" in body.rstrip(_INDENT_CHARS)
    if tabbed:
        cells = _split_cells(raw)
        if len(cells) >= 2 and any(cells) and all(_SEP_CELL.fullmatch(c) for c in cells if c):
            return _Line(no, "sep", raw, indent, had_p)
    if body[0] in _ITEM_FIRST or ")" in body[1:5]:
        item = _ITEM.fullmatch(raw)
        if item and not (tabbed and _ROW.search(item.group("text"))):
            return _Line(no, "item", _clean(item.group("text")), indent, had_p, item)
    if tabbed and _ROW.search(body):
        return _Line(no, "row", raw, indent, had_p)
    stripped = _clean(body)
    if "://" in stripped:
        source = _SOURCE.fullmatch(stripped)
        if source:
            return _Line(no, "source", stripped, indent, had_p, source)
    return _Line(no, "text", stripped, indent, had_p)


def _indent_width(raw: str, length: int) -> int:
    """Columns of indentation, a tab counting 4."""
    return length + 3 * raw.count("\t", 0, length)


def _clean(text: str) -> str:
    """Strip the ends and fold tabs and space runs into one space."""
    if "\t" in text or "  " in text:
        text = _SPACES.sub(" ", text)
    return text.strip(_STRIP_CHARS)


def _split_cells(raw: str) -> list[str]:
    """Tab-separated cells, trimmed, trailing empty cells dropped.

    A leading tab is kept as an empty first cell (a table's corner cell is
    often empty), but only when the row has text after it.
    """
    cells = [_clean(c) for c in raw.rstrip(" \u00a0").split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


# --- pass 2: group lines into blocks -------------------------------------------


def _build(lines: _Lines) -> _Built:
    out = _Built()
    stack: list[list[int]] = []  # [lo, hi] indentation band of each open list level
    i = 0
    while i < len(lines) or lines.more():
        if i >= _KEEP_LINES:  # grouped lines are never looked at again
            del lines[:i]
            i = 0
        line = lines[i]
        if line.kind == "blank":
            i += 1
            continue
        if line.kind in ("row", "sep"):
            stack = []
            i = _take_table(lines, i, out)
        elif line.kind == "item":
            i = _take_item(lines, i, out, stack)
        elif line.kind == "source":
            stack = []
            out.add(_source_block(line), _meta())
            i += 1
        else:
            stack = []
            i = _take_text(lines, i, out)
    return out


def _take_table(lines: _Lines, i: int, out: _Built) -> int:
    """Collect one table: consecutive tab rows, also across blank lines when
    the next row has the same number of cells (scrapers sometimes put a blank
    line between rows)."""
    rows: list[list[str]] = []
    seen_sep = had_p = False
    first = lines[i].no
    while i < len(lines) or lines.more():
        line = lines[i]
        if line.kind == "sep":
            seen_sep = True
            had_p = had_p or line.had_p
            i += 1
            continue
        if line.kind == "row":
            rows.append(_split_cells(line.text))
            had_p = had_p or line.had_p
            i += 1
            continue
        if line.kind == "blank" and rows:
            j = i
            while (j < len(lines) or lines.more()) and lines[j].kind == "blank":
                j += 1
            if (
                (j < len(lines) or lines.more())
                and lines[j].kind == "row"
                and len(_split_cells(lines[j].text)) == len(rows[0])
            ):
                i = j
                continue
        break
    if not rows:  # a lone separator row: nothing to show
        return i
    if all(len(r) > 1 and not r[0] for r in rows):  # the whole table indented by a tab
        rows = [r[1:] for r in rows]
    columns = max(len(r) for r in rows)
    cells = [Segment(c) for r in rows for c in r + [""] * (columns - len(r))]
    block = Block(BlockKind.TABLE, cells, columns=columns, header_rows=1, line=first)
    out.add(block, _meta(single_row=len(rows) == 1 and not seen_sep, had_p=had_p))
    return i


def _take_item(lines: _Lines, i: int, out: _Built, stack: list[list[int]]) -> int:
    """One list item plus its indented continuation lines.

    Nesting follows indentation. Each open level is a band of indentations
    [lo, hi] seen so far, because scraped bullets of one level are indented
    unevenly ("  1.", " 2)", "   3.-"); an item opens a deeper level only when
    it is at least two columns right of its level's band and, when it comes
    back out of a deeper level, nearer to that one than to its parent.
    """
    line = lines[i]
    assert line.match is not None
    indent = line.indent
    popped: list[int] | None = None
    while len(stack) > 1 and indent < stack[-1][0] - 1:
        popped = stack.pop()
    deeper = bool(stack) and indent >= stack[-1][1] + 2
    if not stack or (deeper and (popped is None or 2 * indent >= stack[-1][1] + popped[0])):
        stack.append([indent, indent])
    else:
        band = stack[-1]
        band[0], band[1] = min(band[0], indent), max(band[1], indent)
    parts = [line.text]
    i += 1
    while (i < len(lines) or lines.more()) and lines[i].kind == "text" and lines[i].indent > indent:
        parts.append(lines[i].text)
        i += 1
    m = line.match
    text = " ".join(parts)
    ordered = m.group("num") is not None
    if m.group("alpha"):
        text = m.group("alpha") + " " + text  # "a) ..." keeps its letter
    block = Block(
        BlockKind.LIST_ITEM,
        [Segment(text)],
        level=len(stack),
        ordered=ordered,
        number=int(m.group("num")) if ordered else 0,
        line=line.no,
    )
    out.add(block, _meta())
    return i


def _source_block(line: _Line) -> Block:
    m = line.match
    assert m is not None
    url = m.group("u1") or m.group("u2") or m.group("u3") or ""
    segments = [Segment(m.group("label").strip())]
    if m.group("text"):
        segments.append(Segment(m.group("text").strip()))
    return Block(BlockKind.SOURCE, segments, url=url, line=line.no)


def _take_text(lines: _Lines, i: int, out: _Built) -> int:
    """A run of plain text lines: split into paragraphs, mark heading candidates.

    Join wrapped lines, keep separate lines separate. A hard-wrapped paragraph
    has every line but the last of similar, longish length: join it all.
    Otherwise a line break is kept unless the line before does not end a
    sentence and either the next line starts in lowercase or the line before is
    long (a wrap, not a label).

    The run is read line by line: once a line that is not the last is outside
    the hard-wrap lengths, the run cannot be one paragraph, and each paragraph
    is made as soon as it ends (no copy of a run of 100k short lines, nor of its paragraphs).
    """
    pending: list[_Line] | None = []  # the run so far; None once it cannot be one paragraph
    chunk: list[_Line] = []  # then: the open paragraph
    made = 0  # paragraphs made from this run
    while (i < len(lines) or lines.more()) and lines[i].kind == "text":
        if i >= _KEEP_LINES:  # a long run: its lines are held below, the window need not
            del lines[:i]
            i = 0
        line = lines[i]
        i += 1
        if pending is not None:
            if not pending or 40 <= len(pending[-1].text) <= 100:
                pending.append(line)
                continue
            *done, chunk = _split_at_breaks(pending)  # a line before the last is no wrap
            for c in done:
                made = _paragraph(c, made, out)
            pending = None
        if _continues(chunk[-1].text, line.text):
            chunk.append(line)
        else:
            made = _paragraph(chunk, made, out)
            chunk = [line]
    if pending is None:
        _paragraph(chunk, made, out)
    elif len(pending) == 1 or len(pending[-1].text) <= 100:
        _paragraph(pending, made, out)  # one line, or a hard-wrapped paragraph
    else:
        for c in _split_at_breaks(pending):
            made = _paragraph(c, made, out)
    return i


def _split_at_breaks(group: list[_Line]) -> list[list[_Line]]:
    """The lines of a run that is not one hard-wrapped paragraph, cut where a break is kept."""
    chunks = [[group[0]]]
    for prev, line in itertools.pairwise(group):
        if _continues(prev.text, line.text):
            chunks[-1].append(line)
        else:
            chunks.append([line])
    return chunks


def _paragraph(chunk: list[_Line], made: int, out: _Built) -> int:
    """One paragraph (or heading) of a text run; ``made``: how many came before it in the run."""
    text = " ".join(line.text for line in chunk)
    heading_like = len(chunk) == 1 and made == 0 and _heading_shaped(text)
    meta = _meta(heading_like=heading_like, short=len(chunk) == 1 and len(text) <= _MAX_TITLE_CHARS)
    kind = BlockKind.HEADING if heading_like else BlockKind.PARAGRAPH
    out.add(Block(kind, [Segment(text)], level=2 if heading_like else 1, line=chunk[0].no), meta)
    return made + 1


def _continues(prev: str, nxt: str) -> bool:
    if _ends_sentence(prev):
        return False
    first = _first_letter(nxt)
    return (first is not None and first.islower()) or len(prev) >= 50


def _ends_sentence(text: str) -> bool:
    core = text.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _TERMINAL


def _first_letter(text: str) -> str | None:
    for ch in text:
        if ch.isalpha():
            return ch
        if ch.isdigit():
            return None
    return None


def _heading_shaped(text: str) -> bool:
    """Short, not a sentence, not starting in lowercase, has letters, no URL."""
    if len(text) > _MAX_HEADING_CHARS or len(text.split()) > _MAX_HEADING_WORDS:
        return False
    core = text.rstrip(_CLOSERS)
    if not core or core[-1] in ".:;,…" or "://" in text:
        return False
    first = next((ch for ch in text if ch.isalpha()), None)
    # "¿;;mo medimos?": a question that opens with "¿" starts a sentence even
    # when damage left its first letter lowercase (or lost); its siblings are headings.
    question = text[:1] in "¿¡" and core[-1:] in "?!"
    if first is None or (first.islower() and not text[0].isdigit() and not question):  # "3 claves del éxito"
        return False
    return sum(ch.isalpha() for ch in text) >= 2


# --- pass 3: whole-page decisions -------------------------------------------------


def _choose_title(built: _Built) -> None:
    """Promote one block to the level-1 title; demote headings above it."""
    text_kinds = (BlockKind.HEADING, BlockKind.PARAGRAPH)
    index = -1
    blocks = built.blocks
    for k, (block, meta) in enumerate(zip(blocks[:_TITLE_SEARCH_BLOCKS], built.metas)):
        short = _short_line(block, meta)
        if block.kind in text_kinds and short and _TITLE_LIKE.match(short):
            index = k
            break
    if index < 0:
        for k, (block, meta) in enumerate(zip(blocks, built.metas)):
            if block.kind in (BlockKind.TABLE, BlockKind.SOURCE):
                continue
            short = _short_line(block, meta)
            if block.kind in text_kinds and short and not _ends_sentence(short):
                index = k
            break
    if index < 0:
        return
    title = blocks[index]
    title.kind, title.level = BlockKind.HEADING, 1
    for block in blocks[:index]:
        if block.kind is BlockKind.HEADING:
            block.kind, block.level = BlockKind.PARAGRAPH, 1


def _detect_banner(built: _Built) -> None:
    """The first table, when it stands before the title (or its cells came
    from ``<p>`` tags) and its first row is a short name next to a long
    sentence, is a banner (a funding notice such as "Erasmus+ | Proyecto
    financiado por ..."), not data."""
    title_at = next(
        (k for k, b in enumerate(built.blocks) if b.kind is BlockKind.HEADING and b.level == 1),
        len(built.blocks),
    )
    for k, (block, meta) in enumerate(zip(built.blocks, built.metas)):
        if block.kind is not BlockKind.TABLE:
            continue
        if (k < title_at or meta.had_p) and block.columns >= 2:
            row = [s.text for s in block.segments[: block.columns]]
            cells = [c for c in row if c]
            pair = _banner_cells(cells) if len(cells) == 2 else None
            if pair:
                banner = Block(BlockKind.BANNER, [Segment(pair[0]), Segment(pair[1])], line=block.line)
                rest = block.segments[block.columns :]
                built.blocks[k], built.metas[k] = banner, _meta()
                if rest:
                    tail = Block(BlockKind.TABLE, rest, columns=block.columns, header_rows=1, line=block.line + 1)
                    built.blocks.insert(k + 1, tail)
                    built.metas.insert(k + 1, _meta())
        return


def _banner_cells(cells: list[str]) -> tuple[str, str] | None:
    def short(c: str) -> bool:
        return len(c) <= 40 and len(c.split()) <= 5

    def long(c: str) -> bool:
        return len(c) >= 50 or len(c.split()) >= 8

    a, b = cells
    if short(a) and long(b):
        return a, b
    if short(b) and long(a):
        return b, a
    return None


def _mark_credits(built: _Built) -> None:
    """Image credits: an explicit "Imagen: ..." line anywhere, or a short
    name-like line right under a table ("tutor2u", "bizlearn.com")."""
    blocks = built.blocks
    for k, (block, meta) in enumerate(zip(blocks, built.metas)):
        text = _short_line(block, meta)
        if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or not text:
            continue
        if block.kind is BlockKind.HEADING and block.level == 1:
            continue
        words = len(text.split())
        after_table = k > 0 and blocks[k - 1].kind is BlockKind.TABLE
        explicit = bool(_CREDIT_PREFIX.match(text)) and words <= 15 and "://" not in text
        name_like = after_table and words <= 5 and len(text) <= 60 and _looks_like_credit(text)
        bare = (
            after_table
            and words <= 3
            and len(text) <= 40
            and not _ends_sentence(text)
            and (k + 1 == len(blocks) or blocks[k + 1].kind in (BlockKind.SOURCE, BlockKind.TABLE))
        )
        if explicit or name_like or bare:
            block.kind, block.level = BlockKind.CREDIT, 1


def _demote_trailing_heading(built: _Built) -> None:
    """A heading with nothing after it but sources and credits heads nothing: a
    page's short last line (an image caption, a closing label) stays a paragraph."""
    for block in reversed(built.blocks):
        if block.kind in (BlockKind.SOURCE, BlockKind.CREDIT):
            continue
        if block.kind is BlockKind.HEADING and block.level == 2:
            block.kind, block.level = BlockKind.PARAGRAPH, 1
        return


def _looks_like_credit(text: str) -> bool:
    first = _first_letter(text)
    return (
        (first is not None and first.islower())
        or bool(_LETTER_DIGIT.search(text))
        or "©" in text
        or bool(_DOMAIN.search(text))
    )


def _finish(block: Block, meta: _Meta) -> Block:
    """A lone tab row that was neither a banner nor part of a table is text."""
    if block.kind is BlockKind.TABLE and meta.single_row:
        text = " ".join(s.text for s in block.segments if s.text)
        return Block(BlockKind.PARAGRAPH, [Segment(text)], line=block.line)
    return block
