"""HTML remnants: known tags are dropped (their text kept), links become Markdown.

Only names of real HTML elements count as tags, with well-formed attributes,
so prose comparisons (``a < b``, ``x<y``) and Markdown autolinks
(``<https://...>``) are left alone. A block-level tag between two words turns
into a space so the words do not run together; line structure never changes.
"""

from __future__ import annotations

import bisect
import re

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
TAG_RE = re.compile(rf"<(?:/?(?P<name>[A-Za-z][A-Za-z0-9]*){_ATTR}*\s*/?|!--.*?--)>", re.DOTALL)
LINK_RE = re.compile(
    r"""<a\s(?:[^<>"']|"[^"]*"|'[^']*')*?\bhref\s*=\s*(?:"(?P<u1>[^"]*)"|'(?P<u2>[^']*)'|(?P<u3>[^\s"'<>]+))"""
    r"""(?:[^<>"']|"[^"]*"|'[^']*')*>(?P<text>.*?)</a\s*>""",
    re.IGNORECASE | re.DOTALL,
)


def _is_tag(m: re.Match[str]) -> bool:
    name = m["name"]
    if name is None:
        return True  # an HTML comment
    return name.lower() in INLINE_TAGS or name.lower() in BLOCK_TAGS


def _strip_tags(text: str) -> str:
    return TAG_RE.sub(lambda m: "" if _is_tag(m) else m[0], text)


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
    for m in LINK_RE.finditer(line):
        url = next(u for u in (m["u1"], m["u2"], m["u3"]) if u is not None)
        out.append(Candidate(m.start(), m.end(), _link(m["text"], url), "html_link", 0.95))
        links.append(m.span())
    # Links are sorted and disjoint: a bisect, not a scan of all of them per tag
    # (a long line of links and tags was quadratic).
    link_starts = [a for a, _ in links]
    tags = [m for m in TAG_RE.finditer(line) if _is_tag(m) and not _in_link(m.start(), links, link_starts)]
    # Directly adjacent tags form one run ("</p><p>"), replaced as a unit.
    runs: list[list[re.Match[str]]] = []
    for m in tags:
        if runs and runs[-1][-1].end() == m.start():
            runs[-1].append(m)
        else:
            runs.append([m])
    for run in runs:
        start, end = run[0].start(), run[-1].end()
        block = any(m["name"] and m["name"].lower() in BLOCK_TAGS for m in run)
        glue = 0 < start and end < len(line) and not line[start - 1].isspace() and not line[end].isspace()
        out.append(Candidate(start, end, " " if block and glue else "", "html_tag", 0.97))
    out.sort(key=lambda c: c.start)
    return out
