"""Blocks -> Markdown (CommonMark + GFM tables), with YAML front matter.

The output is deterministic byte for byte: the same blocks and front matter
always give the same file, so re-running the batch changes nothing and a diff
of ``output/`` shows only real changes.

Layout: front matter between ``---`` lines, then one blank line between blocks,
except between the items of one list (a tight list). ``#`` for the title,
``##`` for section headings, ``-`` for bullets nested by their parent's content
width (2 spaces under ``-``), ``N.`` for numbered items (the number written in
the source), GFM tables with one header row, ``Fuente: [url](url)`` for source
lines, ``*credit*`` for image credits, a blockquote for a banner. The file ends
with exactly one newline and no line has trailing spaces.

Every segment stands on exactly one line (newlines inside a segment are folded
into spaces), so :attr:`RenderResult.segment_lines` can point reviewers and
``glossary check`` at the line of each segment.

Text is escaped only where Markdown would otherwise change its meaning (a
leading ``#``, ``>``, ``- ``, ``1. ``; ``|`` in table cells; ``*``/``_``/``~``
that could open emphasis; backticks; ``<`` before a tag; ``&`` before an
entity). Links are kept: Markdown links the repair stage made from ``<a>``
tags, ``<https://...>`` autolinks, and bare URLs (wrapped as autolinks so
their ``_`` and ``*`` are never read as emphasis).
"""

from __future__ import annotations

import functools
import math
import re
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.document import Block, BlockKind, Segment

__all__ = ["MarkdownStream", "RenderResult", "render_markdown", "render_stream", "untranslated_notice"]


@dataclass(frozen=True)
class RenderResult:
    markdown: str
    # For each segment of ``[s for b in blocks for s in b.segments]``, the
    # 1-based line of the Markdown file where its text stands.
    segment_lines: list[int] = field(default_factory=list)


# Links and URLs: a Markdown link or image, an autolink, a bare URL. Each is
# rebuilt by :func:`_link` (text escaped, target checked and percent-encoded),
# never copied verbatim: scraped link text and URLs are as hostile as any text.
_PROTECTED = re.compile(
    r"(?P<img>!?)\[(?P<text>[^\[\]\n]*)\]\((?:<(?P<pdest>[^<>\n]*)>|(?P<dest>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*))\)"
    r"|<(?P<auto>(?:https?|ftp|mailto):[^\s<>]*)>"
    r"|(?P<bare>(?:https?|ftp)://[^\s<>]+)"
)
_NEEDS_INLINE = re.compile(r"[\\`*_<&~]|://|\]\(")
# The only link targets written as links: anything else (javascript:, data:,
# file:, relative paths) is written as plain escaped text.
_SAFE_SCHEME = re.compile(r"(?:https?://[^\s]|mailto:[^\s])", re.IGNORECASE)
# Characters that are not valid in a URL (RFC 3986) or could end a link
# destination or an autolink early: percent-encoded wherever a URL is written.
_LABEL_URL = re.compile(r"(?<=[A-Za-z0-9]):(?=//)|(?<![\w.])www\.|(?<=[\w.+-])@(?=\w)", re.IGNORECASE)
_URL_UNSAFE = re.compile(r"[\x00-\x20\x7f<>\"\\^`{|}]")
_ENTITY = re.compile(r"&(?=#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~]|$)")
_URL_TRAIL = ".,;:!?\"'»”’"

_LINE_START = (
    (re.compile(r"^(#{1,6})(?=\s|$)"), r"\\\1"),
    (re.compile(r"^>"), r"\\>"),
    (re.compile(r"^([-+*])(?=\s|$)"), r"\\\1"),
    (re.compile(r"^(\d{1,9})([.)])(?=\s|$)"), r"\1\\\2"),
    (re.compile(r"^([-_*])(?=(?:\s*\1){2,}\s*$)"), r"\\\1"),
    (re.compile(r"^(~~~|```)"), r"\\\1"),
    (re.compile(r"^(\[[^\]]*\]:)"), r"\\\1"),
)
_HEADING_TAIL = re.compile(r"(\s)(#+)\s*$")
_DASHES = re.compile(r"-[-\s]*")
_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_LANG_CODE = re.compile(r"[^A-Za-z0-9_,-]")


def render_markdown(title: str, blocks: Sequence[Block], front_matter: dict[str, Any]) -> RenderResult:
    """Render one lesson to one string (tests, small outputs): :func:`render_stream`, joined.

    The run writes the chunks of :func:`render_stream` straight into the file
    instead, so a big lesson's Markdown is never held whole.
    """
    stream = render_stream(title, blocks, front_matter)
    text = "".join(stream)
    return RenderResult(text, stream.segment_lines.tolist())


class MarkdownStream:
    """The Markdown of one lesson as chunks of whole lines (each line ends with its newline).

    Iterate it once; :attr:`segment_lines` (see :class:`RenderResult`; an
    array of 8-byte ints here, not a list of int objects: their 36 bytes a
    segment were half of what writing a lesson of short lines added) is complete when
    the iteration is. Chunks are about :data:`_CHUNK_LINES` lines,
    and a line of :data:`_BIG_LINE` characters or more is a chunk of its own, so
    no chunk copies a huge line again.
    """

    def __init__(self, title: str, blocks: Sequence[Block], front_matter: dict[str, Any]) -> None:
        self._out = _Writer()
        self.segment_lines = self._out.segment_lines
        self._chunks = _render(self._out, title, blocks, front_matter)

    def __iter__(self) -> Iterator[str]:
        return self._chunks


def render_stream(title: str, blocks: Sequence[Block], front_matter: dict[str, Any]) -> MarkdownStream:
    """Render one lesson as chunks of Markdown.

    The title: :func:`pipeline.structure.parse_blocks` puts the lesson title in
    ``blocks`` as a ``HEADING`` of level 1 (so it is translated and located like
    any segment). ``title`` is rendered as ``# title`` at the top *only* when
    ``blocks`` hold no level-1 heading (a page without a title line, where the
    caller passes the file stem), so the title never appears twice. The front
    matter's ``title`` is the caller's business.

    ``front_matter`` is dumped as YAML in the caller's key order; an empty dict
    means no front matter.
    """
    return MarkdownStream(title, blocks, front_matter)


def _render(out: _Writer, title: str, blocks: Sequence[Block], front_matter: dict[str, Any]) -> Iterator[str]:
    if front_matter:
        out.put("---")
        for line in _yaml(front_matter).splitlines():
            out.put(line)
        out.put("---")
    notice = untranslated_notice(blocks, front_matter)
    has_title = any(b.kind is BlockKind.HEADING and b.level == 1 for b in blocks)
    if title.strip() and not has_title:
        out.separate()
        out.put("# " + _heading_text(_escape_inline(_fold(title))))
    if notice and not has_title:
        out.separate()
        out.put(notice)
        notice = ""
    lists = _ListState()
    for block in blocks:
        if out.ready:
            yield from out.take()
        if block.kind is BlockKind.LIST_ITEM:
            _render_item(out, block, lists)
            continue
        lists.reset()
        out.separate()
        _RENDERERS[block.kind](out, block)
        if notice and block.kind is BlockKind.HEADING and block.level == 1:
            out.separate()
            out.put(notice)  # right under the title, where a reader starts
            notice = ""
    yield from out.finish()


_LANG_NAMES = {"es": "Spanish", "en": "English", "th": "Thai", "und": "an undetermined language"}


def untranslated_notice(blocks: Sequence[Block], front_matter: dict[str, Any]) -> str:
    """A visible blockquote for a lesson some of whose text no model translated, or "".

    The per-segment ``<!-- untranslated -->`` comments vanish once rendered, so
    a reader of ``en/x.md`` would see Spanish and not know why. The notice says
    what is untranslated (segments, languages), why (the hops with no model:
    ``front_matter["missing"]``, e.g. ``["en>th"]``, else each kept language to
    the lesson's ``lang``) and the command that fixes it.
    """
    # Counted, not listed: the blocks may be made as they are read (a target's copies).
    segments = kept = 0
    found: dict[str, None] = {}  # the kept languages, in order of appearance
    for b in blocks:
        for s in b.segments:
            if s.text.strip():
                segments += 1
                if s.untranslated:
                    kept += 1
                    found.update((code, None) for code in _LANG_CODE.sub("", s.untranslated).split(",") if code)
    if not kept:
        return ""
    langs = list(found)
    target = _LANG_CODE.sub("", str(front_matter.get("lang", "")))
    hops: list[tuple[str, str]] = []
    missing = front_matter.get("missing")
    if isinstance(missing, (list, tuple)):
        for item in missing:
            src, sep, tgt = str(item).replace("-", ">").partition(">")
            src, tgt = _LANG_CODE.sub("", src), _LANG_CODE.sub("", tgt)
            if sep and src and tgt:
                hops.append((src, tgt))
    if not hops and target:
        hops = [(lang, target) for lang in langs if lang != target]
    names = ", ".join(f"{_LANG_NAMES.get(lang, lang)} ({lang})" for lang in langs)
    what = "All" if kept == segments else f"{kept} of"
    why = (" because no installed model translates " + ", ".join(f"{a}\u2192{b}" for a, b in hops)) if hops else ""
    demo = hops[0] if hops else (langs[0], target or "en")
    return (
        f"> **Not fully translated.** {what} {segments} segments keep text in {names}{why}. "
        "Install a model with `pipeline models install FILE.argosmodel` "
        f"(to try the flow, `python -m pipeline.testing.models demo {demo[0]} {demo[1]} --kind swap` builds a demo "
        "one and prints its file), then run `pipeline run` again."
    )


# --- writer -------------------------------------------------------------------


class _Writer:
    """Collects lines, as chunks to write, and the line number of each segment as it is placed.

    Lines are joined into chunks of :data:`_CHUNK_LINES` as they come (each line
    with its newline): a lesson of 100k short lines would otherwise hold 100k
    line objects (about 50 bytes each over their text). The renderer hands the
    finished chunks on (:meth:`take`) between blocks, so only the chunk being
    filled stays in memory.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []  # the current chunk
        self.chunks: list[str] = []  # finished, not yet taken
        self.count = 0  # lines so far, all chunks
        self.last: str | None = None  # the last line, None before the first
        self.segment_lines = array("q")

    @property
    def ready(self) -> bool:
        return bool(self.chunks)

    def put(self, line: str) -> None:
        self.count += 1
        self.last = line
        if len(line) >= _BIG_LINE:
            # Its own chunk, not copied into a joined one: a page scraped without line
            # breaks is one line of megabytes.
            self._close_chunk()
            self.chunks += [line, "\n"]
            return
        self.lines.append(line)
        if len(self.lines) >= _CHUNK_LINES:
            self._close_chunk()

    def separate(self) -> None:
        if self.last is not None and self.last != "":
            self.put("")

    def add(self, line: str, segments: int) -> None:
        self.put(line.rstrip())
        self.segment_lines.extend([self.count] * segments)

    def _close_chunk(self) -> None:
        if self.lines:
            self.lines.append("")  # every line ends with a newline, in the same join
            self.chunks.append("\n".join(self.lines))
            self.lines = []

    def take(self) -> list[str]:
        """The finished chunks, handed over once."""
        chunks, self.chunks = self.chunks, []
        return chunks

    def finish(self) -> list[str]:
        """The rest of the Markdown (the file ends with exactly one newline; an empty one is one newline)."""
        self._close_chunk()
        if self.count == 0:
            return ["\n"]
        return self.take()


_CHUNK_LINES = 1024
_BIG_LINE = 1 << 16  # characters


@dataclass
class _ListState:
    # Content column of each open level, and whether that level is numbered.
    indents: list[int] = field(default_factory=list)
    ordered: list[bool] = field(default_factory=list)

    def reset(self) -> None:
        self.indents.clear()
        self.ordered.clear()


# --- block renderers ------------------------------------------------------------


def _render_heading(out: _Writer, block: Block) -> None:
    level = max(1, min(block.level, 6))
    out.add("#" * level + " " + _heading_text(_seg(block.segments[0])), len(block.segments))


def _render_paragraph(out: _Writer, block: Block) -> None:
    text = " ".join(_seg(s) for s in block.segments)
    out.add(_escape_line_start(text), len(block.segments))


def _render_item(out: _Writer, block: Block, lists: _ListState) -> None:
    """A list item, nested under the open items by their content width.

    CommonMark lets a numbered item interrupt a line of text only when it is
    numbered 1, so a sub-list or a changed list kind starting at another
    number gets a blank line before it; otherwise the items stay tight.
    """
    follows_item = bool(lists.indents)
    level = max(1, min(block.level, len(lists.indents) + 1))
    starts_run = level > len(lists.indents) or lists.ordered[level - 1] != block.ordered
    del lists.indents[level - 1 :], lists.ordered[level - 1 :]
    indent = lists.indents[-1] if lists.indents else 0
    marker = f"{block.number}." if block.ordered else "-"
    if not follows_item or (starts_run and block.ordered and block.number != 1):
        out.separate()
    lists.indents.append(indent + len(marker) + 1)
    lists.ordered.append(block.ordered)
    text = _escape_line_start(" ".join(_seg(s) for s in block.segments))
    if not block.ordered and _DASHES.fullmatch(text):
        text = "\\" + text  # "- --" would be a thematic break, not an item
    out.add(" " * indent + marker + " " + text, len(block.segments))


def _render_table(out: _Writer, block: Block) -> None:
    columns = max(1, block.columns or len(block.segments))
    rows = [block.segments[i : i + columns] for i in range(0, len(block.segments), columns)] or [[]]
    for r, row in enumerate(rows):
        cells = [_cell(s) for s in row] + [""] * (columns - len(row))
        out.add("| " + " | ".join(cells) + " |", len(row))
        if r == 0:
            out.add("|" + "|".join([" --- "] * columns) + "|", 0)


def _render_source(out: _Writer, block: Block) -> None:
    label = _seg(block.segments[0]) if block.segments else ""
    if len(block.segments) > 1:
        seg = block.segments[1]
        link = _link(_fold(seg.text), block.url) if block.url else _escape_inline(_fold(seg.text))
        link += _untranslated(seg)
    else:
        link = _link(block.url, block.url)
    line = f"{_escape_line_start(label)} {link}" if label else _escape_line_start(link)
    out.add(line, len(block.segments))


def _render_credit(out: _Writer, block: Block) -> None:
    seg = block.segments[0]
    text = _escape_inline(_fold(seg.text))
    line = f"*{text}*" if text else ""
    out.add(line + _untranslated(seg), len(block.segments))


def _render_banner(out: _Writer, block: Block) -> None:
    name, *rest = block.segments
    body = " ".join(_seg(s) for s in rest)
    head = _escape_inline(_fold(name.text))
    line = f"> **{head}**{_untranslated(name)}" if head else ">"
    out.add(line + (" — " + body if body else ""), len(block.segments))


_RENDERERS = {
    BlockKind.HEADING: _render_heading,
    BlockKind.PARAGRAPH: _render_paragraph,
    BlockKind.TABLE: _render_table,
    BlockKind.SOURCE: _render_source,
    BlockKind.CREDIT: _render_credit,
    BlockKind.BANNER: _render_banner,
}


# --- text escaping ------------------------------------------------------------


def _fold(text: str) -> str:
    """One line: a segment must stand on one Markdown line. Only ASCII
    whitespace is folded: a no-break space inside text ("10\u00a0%") is meant."""
    if "\n" in text or "\r" in text or "\t" in text or "  " in text:
        text = _ASCII_SPACE.sub(" ", text)
    return text.strip()


def _seg(seg: Segment) -> str:
    return _escape_inline(_fold(seg.text)) + _untranslated(seg)


def _untranslated(seg: Segment) -> str:
    """Mark a segment no model could translate; empty text needs no mark."""
    if not seg.untranslated or not seg.text.strip():
        return ""
    return f" <!-- untranslated: {_LANG_CODE.sub('', seg.untranslated)} -->"


def _cell(seg: Segment) -> str:
    return _seg(seg).replace("|", "\\|")


def _heading_text(text: str) -> str:
    """A trailing `` #`` would close the heading and vanish."""
    return _HEADING_TAIL.sub(r"\1\\\2", _escape_line_start(text))


def _escape_line_start(text: str) -> str:
    """Escape what would turn a line into a heading, quote, list, rule or fence."""
    if not text or text[0] not in "#>-+*0123456789_~`\\[":
        return text
    for pattern, repl in _LINE_START:
        text = pattern.sub(repl, text, count=1)
    return text


def _escape_inline(text: str) -> str:
    """Escape inline Markdown in plain text; links and URLs are rebuilt safely."""
    if not _NEEDS_INLINE.search(text):
        return text
    parts: list[str] = []
    pos = 0
    for m in _PROTECTED.finditer(text):
        parts.append(_escape_plain(text[pos : m.start()]))
        if m.group("bare"):
            url, tail = _trim_url(m.group("bare"))
            parts.append(_link(url, url) + _escape_plain(tail))
        elif m.group("auto") is not None:
            parts.append(_link(m.group("auto"), m.group("auto")))
        else:
            dest = m.group("pdest") if m.group("pdest") is not None else m.group("dest")
            if dest.startswith("<") and dest.endswith(">"):
                dest = dest[1:-1]  # repair writes "(<URL>)" for a URL with "<" in it
            parts.append(_link(m.group("text"), dest, image=bool(m.group("img")), raw=m.group(0)))
        pos = m.end()
    parts.append(_escape_plain(text[pos:]))
    return "".join(parts)


def _link(text: str, url: str, *, image: bool = False, raw: str | None = None) -> str:
    """A link (or image) to ``url`` showing ``text``, safe in any renderer.

    Only http(s) and mailto targets become links (images: http(s) only);
    anything else is written as the plain escaped text it was (``raw``, or the
    text and URL). The text is escaped like all other text, brackets included,
    and the URL is percent-encoded where it could end the destination or
    smuggle markup. A link whose text is its URL becomes an autolink
    (``<URL>``): pandoc's GFM reader nests a link inside ``[URL](URL)``.
    """
    ok = _SAFE_SCHEME.match(url) is not None and not (image and url[:7].lower() == "mailto:")
    if not ok:
        if raw is None:
            raw = url if text == url else f"{text} {url}"
        return _escape_plain(raw, brackets=True)
    safe_url = _encode_url(url)
    if text == url and not image:
        return f"<{safe_url}>"
    # A URL in link text would be linked again inside the link by GFM's
    # autolink extension (pandoc, cmark-gfm): "\\:", "www\\." and "\\@" read the same
    # in CommonMark and are never autolinked.
    label = _LABEL_URL.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], _escape_plain(_fold(text), brackets=True))
    return f"{'!' if image else ''}[{label}]({_destination(safe_url)})"


def _encode_url(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode("utf-8")), url)


def _trim_url(url: str) -> tuple[str, str]:
    """Sentence punctuation after a bare URL is not part of it; nor is a ``)``
    that closes a parenthesis opened before the URL."""
    end = len(url)
    while end and (
        url[end - 1] in _URL_TRAIL or (url[end - 1] == ")" and url.count("(", 0, end) < url.count(")", 0, end))
    ):
        end -= 1
    return url[:end], url[end:]


def _escape_plain(text: str, *, brackets: bool = False) -> str:
    """Escape plain text. ``brackets``: every ``[``/``]`` too (link text, and
    link markup that was refused), else only a ``](`` that could open a link."""
    if not text or not (_NEEDS_INLINE.search(text) or (brackets and ("[" in text or "]" in text))):
        return text
    text = _BACKSLASH.sub(r"\\\\", text)
    text = text.replace("`", "\\`")
    text = _TAG_START.sub(r"\\<", text)
    text = _ENTITY.sub(r"\\&", text)
    if brackets:
        text = text.replace("[", "\\[").replace("]", "\\]")
    elif "](" in text:
        text = text.replace("](", "\\](")  # "[x](y)" that is not a kept link stays text
    if "*" in text or "_" in text or "~" in text:
        text = _escape_delimiters(text)
    if "\\" in text and ("://" in text or "www." in text.lower()):
        text = _URL_WORD.sub(_unlink_word, text)
    return text


# A word GFM's autolink extension would link (``www.x/``, ``ftp://x/``). cmark-gfm's
# autolink swallows the backslash of an escape inside it (``www.x/\<script>``
# becomes a link to ``www.x/\`` followed by a raw ``<script>``), so a word that
# holds an escape is kept from being autolinked: ``www\.`` and ``\://`` read the same.
_URL_WORD = re.compile(r"[^\s<>]*(?:://|[Ww][Ww][Ww]\.)[^\s<>]*")


def _unlink_word(m: re.Match[str]) -> str:
    word = m.group(0)
    return _LABEL_URL.sub(lambda u: u.group(0)[:-1] + "\\" + u.group(0)[-1], word) if "\\" in word else word


def _escape_delimiters(text: str) -> str:
    """``*``/``~`` next to a non-space and ``_`` at a word edge can open or
    close emphasis (or strikethrough on GitHub); ``_`` inside a word and a
    ``*`` between spaces cannot. Backslashes are already doubled, so a
    delimiter is never left after a lone escaping backslash."""
    out: list[str] = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch in "*_~":
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i < last else " "
            between_spaces = before.isspace() and after.isspace()
            inside_word = ch == "_" and before.isalnum() and after.isalnum()
            if not between_spaces and not inside_word:
                out.append("\\")
        out.append(ch)
    return "".join(out)


def _destination(url: str) -> str:
    """A link destination (already percent-encoded: no space, ``<`` or ``>``);
    the ``<...>`` form when parentheses are unbalanced; entity-like ``&`` escaped."""
    url = _ENTITY.sub(r"\\&", url)
    if url.count("(") != url.count(")"):
        return "<" + url + ">"
    return url


def _yaml(data: dict[str, Any]) -> str:
    """YAML for the front matter, in the caller's key order.

    Written by hand for the plain types front matter holds (str, int, float,
    bool, None, lists of those, nested dicts): PyYAML's pure-Python emitter
    costs about a millisecond per lesson, more than parsing the lesson, and
    its C emitter may differ byte for byte from machine to machine. Anything
    else falls back to ``yaml.safe_dump`` with the same settings. Strings are
    plain when plainly safe, else double-quoted with JSON escapes (valid YAML).
    """
    try:
        return "".join(_yaml_mapping(data, ""))
    except _NotPlain:
        import yaml  # lazy: only exotic front matter needs it

        dumped: str = yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000
        )
        if "<" in dumped or "](" in dumped:
            # Every scalar double-quoted, where "\x3c" reads back as "<" (see _YAML_JSON_UNSAFE).
            dumped = yaml.safe_dump(
                data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000,
                default_style='"',
            ).replace("<", "\\x3c").replace("](", "]\\x28")
        return dumped


class _NotPlain(Exception):
    pass


_YAML_PLAIN = re.compile(r"[^\W_][\w .,/()+@'-]*", re.UNICODE)
_YAML_PLAIN_FLOW = re.compile(r"[^\W_][\w ./()+@'-]*", re.UNICODE)
# JSON leaves these raw; YAML does not allow them raw (or reads them as line
# breaks). "<" too: a renderer that does not know front matter shows it as
# text, and "<script>" there would be raw HTML.
_YAML_JSON_UNSAFE = re.compile("[<\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


def _yaml_mapping(data: dict[Any, Any], pad: str) -> list[str]:
    lines: list[str] = []
    for key, value in data.items():
        head = f"{pad}{_yaml_scalar(key, _YAML_PLAIN)}:"
        if isinstance(value, dict):
            lines.append(head + (" {}\n" if not value else "\n"))
            lines.extend(_yaml_mapping(value, pad + "  "))
        elif isinstance(value, (list, tuple)):
            items = ", ".join(_yaml_scalar(v, _YAML_PLAIN_FLOW) for v in value)
            lines.append(f"{head} [{items}]\n")
        else:
            lines.append(f"{head} {_yaml_scalar(value, _YAML_PLAIN)}\n")
    return lines


def _yaml_scalar(value: Any, plain: re.Pattern[str]) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:  # YAML 1.1 floats need a dot: 5e-324 -> 5.0e-324
            text = text.replace("e", ".0e", 1)
        return text
    if not isinstance(value, str):
        raise _NotPlain
    if plain.fullmatch(value) and not value.endswith(" ") and _yaml_reads_as_str(value):
        return value
    import json

    quoted = json.dumps(value, ensure_ascii=False)
    # "](" too: front matter read as text must not hold a link ("[x](javascript:...)").
    return _YAML_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted).replace("](", "]\\u0028")


def _yaml_reads_as_str(value: str) -> bool:
    """Whether YAML (PyYAML's YAML 1.1 rules) reads this plain scalar back as
    a string, not as a bool, number, date or null ("yes", "1.5", "2024-01-02").
    Not cached: titles and file names differ per lesson, and a cache would
    grow with the batch."""
    tag: str = _yaml_resolver().resolve(_yaml_scalar_node(), value, (True, False))
    return tag == "tag:yaml.org,2002:str"


@functools.lru_cache(maxsize=1)
def _yaml_resolver() -> Any:
    import yaml  # lazy: only front matter needs it

    return yaml.resolver.Resolver()


@functools.lru_cache(maxsize=1)
def _yaml_scalar_node() -> Any:
    import yaml

    return yaml.ScalarNode
