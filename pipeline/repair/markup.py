"""HTML remnants: known tags are dropped (their text kept), links become Markdown.

Only names of real HTML elements count as tags, with well-formed attributes,
so prose comparisons (``a < b``, ``x<y``) and Markdown autolinks
(``<https://...>``) are left alone. A block-level tag between two words turns
into a space so the words do not run together; line structure never changes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from pipeline.repair.base import Candidate, PageContext

INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "big",
        "cite",
        "code",
        "del",
        "em",
        "font",
        "i",
        "ins",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "tt",
        "u",
        "var",
    ]
)
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "img",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_ATTR = r"""(?:\s+[A-Za-z_:][-\w:.]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)"""
# A tag, or the opening of an HTML comment ("<!--"), whose end is found with
# str.find: the lazy ``<!--.*?-->`` rescanned the rest of the line for every
# unclosed "<!--" (quadratic on hostile input). See _tags.
TAG_OPEN_RE = re.compile(rf"<(?:/?(?P<name>[A-Za-z][A-Za-z0-9]*){_ATTR}*\s*/?>|!--)")
# The opening tag of a link, up to its ">"; its "</a>" is looked up among the
# line's precomputed closers (``.*?</a>`` rescanned the rest of the line for
# every unclosed link). See _links.
LINK_OPEN_RE = re.compile(
    r"""<a\s(?:[^<>"']|"[^"]*"|'[^']*')*?\bhref\s*=\s*(?:"(?P<u1>[^"]*)"|'(?P<u2>[^']*)'|(?P<u3>[^\s"'<>]+))"""
    r"""(?:[^<>"']|"[^"]*"|'[^']*')*>""",
    re.IGNORECASE,
)
LINK_CLOSE_RE = re.compile(r"</a\s*>", re.IGNORECASE)
# The same opening tag without the "href": attribute text is a unique run of
# unquoted characters and quoted values, so every way LINK_OPEN_RE can match at
# a start ends at this pattern's ">". Found first (possessive: one pass), it
# bounds LINK_OPEN_RE, whose lazy prefix otherwise retried the whole rest of
# an opening tag without ">" once per "href" in it (quadratic).
LINK_SPAN_RE = re.compile(r"""<a\s(?:[^<>"']++|"[^"]*+"|'[^']*+')*+>""", re.IGNORECASE)


class _Tag(NamedTuple):
    start: int
    end: int
    name: str | None  # None: an HTML comment


class _Link(NamedTuple):
    start: int
    end: int
    url: str
    text: str


def _tags(text: str) -> Iterator[_Tag]:
    """Tags and comments left to right, never overlapping: what
    ``re.finditer`` of ``<(?:/?NAME ATTR* \\s* /?|!--.*?--)>`` (DOTALL) gives,
    in linear time. A "<!--" without a "-->" after it is no match there, and
    the search goes on one character later, as the regex's did."""
    pos = 0
    closed = True  # False once a "<!--" found no "-->": none after it can either
    while (m := TAG_OPEN_RE.search(text, pos)) is not None:
        start = m.start()
        if m["name"] is not None:
            yield _Tag(start, m.end(), m["name"])
            pos = m.end()
            continue
        close = text.find("-->", start + 4) if closed else -1
        if close < 0:
            closed = False
            pos = start + 1
            continue
        yield _Tag(start, close + 3, None)
        pos = close + 3


def _links(line: str) -> Iterator[_Link]:
    """What ``re.finditer`` of the whole link pattern (opening tag, lazy
    ``.*?`` text, ``</a\\s*>``; IGNORECASE, DOTALL) gives, in linear time.

    The opening tag's ">" does not depend on which "href" the lazy prefix
    picks (quoted values are tokens either way), so a match at a start exists
    iff a closer starts at or after that ">", and its text runs to the first
    such closer. Without one the search goes on one character later. The ">"
    is found first (LINK_SPAN_RE) and bounds the opening tag's match."""
    closers = [(c.start(), c.end()) for c in LINK_CLOSE_RE.finditer(line)]
    closer_starts = [a for a, _ in closers]
    pos = 0
    while (span := LINK_SPAN_RE.search(line, pos)) is not None:
        start, gt = span.span()
        m = LINK_OPEN_RE.match(line, start, gt)
        k = bisect.bisect_left(closer_starts, gt)
        if m is None or k == len(closers):
            pos = start + 1
            continue
        url = next(u for u in (m["u1"], m["u2"], m["u3"]) if u is not None)
        yield _Link(start, closers[k][1], url, line[gt : closers[k][0]])
        pos = closers[k][1]


def _is_tag(m: _Tag) -> bool:
    name = m.name
    if name is None:
        return True  # an HTML comment
    return name.lower() in INLINE_TAGS or name.lower() in BLOCK_TAGS


def _strip_tags(text: str) -> str:
    parts: list[str] = []
    pos = 0
    for m in _tags(text):
        if _is_tag(m):
            parts.append(text[pos : m.start])
            pos = m.end
    parts.append(text[pos:])
    return "".join(parts)


def _link(text: str, url: str) -> str:
    """``[text](url)``; an autolink when there is no text or the text is the URL."""
    text = " ".join(_strip_tags(text).split())
    url = url.strip()
    if not url:
        return text
    if not text or text == url:
        return f"<{url}>"
    text = text.replace("[", "\\[").replace("]", "\\]")
    dest = f"<{url}>" if any(c in url for c in " ()<>") else url
    return f"[{text}]({dest})"


def _in_link(pos: int, links: list[tuple[int, int]], starts: list[int]) -> bool:
    k = bisect.bisect_right(starts, pos) - 1
    return k >= 0 and pos < links[k][1]


def markup_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if "<" not in line:
        return []
    out: list[Candidate] = []
    links: list[tuple[int, int]] = []
    for lk in _links(line):
        out.append(Candidate(lk.start, lk.end, _link(lk.text, lk.url), "html_link", 0.95))
        links.append((lk.start, lk.end))
    # Links are sorted and disjoint: a bisect, not a scan of all of them per tag
    # (a long line of links and tags was quadratic).
    link_starts = [a for a, _ in links]
    tags = [m for m in _tags(line) if _is_tag(m) and not _in_link(m.start, links, link_starts)]
    # Directly adjacent tags form one run ("</p><p>"), replaced as a unit.
    runs: list[list[_Tag]] = []
    for m in tags:
        if runs and runs[-1][-1].end == m.start:
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in runs:
        start, end = run[0].start, run[-1].end
        block = any(m.name and m.name.lower() in BLOCK_TAGS for m in run)
        glue = 0 < start and end < len(line) and not line[start - 1].isspace() and not line[end].isspace()
        out.append(Candidate(start, end, " " if block and glue else "", "html_tag", 0.97))
    out.sort(key=lambda c: c.start)
    return out
