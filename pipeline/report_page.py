"""The report's HTML: a lessons page (one self-contained file, or one chunk of a big batch) and an index.

Safety: the inputs are scraped pages. Static text goes through
:func:`html.escape`; the JSON islands escape ``<``, ``>`` and ``&`` so no text
can close the island; the scripts build lesson bodies with ``textContent``
only; no element carries an inline handler (the policy would block it); and a
Content-Security-Policy allows no network at all and only the page's own
script (by hash), so even injected markup could not run or fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

from pipeline.report_data import ISSUE_KINDS, KNOWN_LANGS, GlossaryCheck, LessonView, ReportError

_LANG_NAMES = {"und": "undetermined"}
_LABELS = {"edits": "edits", "flagged": "flagged", "untranslated": "untranslated", "glossary": "glossary",
           "thai": "Thai runs"}
_STATS = (("lessons", "lessons"), ("edits", "edits applied"), ("flagged", "flagged edits"),
          ("untranslated", "untranslated segments"), ("glossary", "glossary violations"), ("thai", "Thai runs"))
PROBLEM_KINDS = ("flagged", "untranslated", "glossary")  # drawn in red, when not zero


@dataclass
class PageInfo:
    """Where a lessons page stands in a paged report (links back to the index and to its neighbours)."""

    number: int
    count: int
    index_href: str
    prev_href: str = ""
    next_href: str = ""


@dataclass(slots=True)
class IndexEntry:
    """One lesson as the index lists it (kept small: a batch may hold 100,000)."""

    name: str
    title: str
    kinds: str
    page: int


@dataclass
class PageSummary:
    """One lessons page as the index lists it."""

    href: str
    first: str
    last: str
    totals: dict[str, int] = field(default_factory=dict)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def json_island(data: object) -> str:
    """JSON that is safe inside <script>: no "<", ">" or "&" can end the element early."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    """The page's CSS or script, shipped as package data next to this module."""
    try:
        return resources.files("pipeline.report_assets").joinpath(name).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        raise ReportError(f"pipeline/report_assets/{name}: missing from this installation; "
                          "reinstall pipeline (the report needs its CSS and script)") from None


def _csp(script: str) -> str:
    """No network at all; only our own script (by hash) may run; inline styles allowed."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"


def _badge(kind: str, n: int, label: str) -> str:
    return f'<span class="badge b-{kind}" title="{_e(label)}">{n} {_e(label)}</span>' if n else ""


def kinds_of(counts: dict[str, int]) -> str:
    return " ".join(k for k in ISSUE_KINDS if counts.get(k))


def _lesson_html(i: int, v: LessonView) -> str:
    langs = " ".join(f"{lang} {share:.0%}" for lang, share in sorted(v.languages.items(), key=lambda kv: (-kv[1], kv[0])))
    badges = "".join(_badge(k, v.counts[k], _LABELS[k]) for k in ISSUE_KINDS)
    search = f"{v.name}\n{v.title}".lower()
    return (
        f'<details class="lesson" id="l{i}" data-i="{i}" data-lesson="{_e(v.name)}" data-search="{_e(search)}" '
        f'data-kinds="{kinds_of(v.counts)}">'
        f'<summary><span class="name">{_e(v.name)}</span> <span class="title">{_e(v.title)}</span>'
        f' <span class="langs">{_e(langs)}</span> {badges}</summary>'
        f'<div class="body"><p class="loading">Loading…</p></div></details>\n'
        f'<script type="application/json" id="d{i}">{json_island(v.body)}</script>\n'
    )


def summary_html(totals: dict[str, int], segments_by_lang: dict[str, int], glossary: GlossaryCheck) -> str:
    """The counters; a problem counter is red only when it is not zero."""
    cells = "".join(
        f'<div class="stat s-{k}{" bad" if k in PROBLEM_KINDS and totals.get(k) else ""}">'
        f'<b id="n-{k}">{totals.get(k, 0)}</b><span>{_e(label)}</span></div>'
        for k, label in _STATS)
    langs = ", ".join(f"{_e(_LANG_NAMES.get(lang, lang))} {n}" for lang, n in sorted(segments_by_lang.items()))
    return (f'<section class="summary" aria-label="summary">{cells}</section>'
            f'<p class="meta">Segments by language: <span id="seg-langs">{langs or "none"}</span>. '
            f'<span class="gl-msg">{_e(glossary.message)}</span></p>')


def _legend_html() -> str:
    langs = "".join(f'<span class="lg l-{c}">{c}</span>' for c in KNOWN_LANGS)
    return (f'<p class="legend">Languages: {langs}<span class="lg l-other">other</span><span class="lg l-und">undetermined</span>'
            ' · Marks: <mark class="m-e">repair (after)</mark> <mark class="m-f">flagged, not applied</mark>'
            ' <span class="st-untranslated">untranslated</span> · route: <span class="route">es\u2192en\u2192th</span></p>')


def _filters_html(*, index: bool = False) -> str:
    options = "".join(f'<option value="{k}">{_e(_LABELS[k])}</option>' for k in ISSUE_KINDS)
    rows = "" if index else ('<label><input type="checkbox" id="only"> only rows with the issue</label> '
                             '<button type="button" id="open-shown">open shown</button> '
                             '<button type="button" id="close-all">close all</button> ')
    # No inline handler (the policy blocks them): the script binds submit, so Enter filters in place.
    return ('<form class="filters" id="filters" action="#">'
            '<label>Lesson <input type="search" id="q" placeholder="name or title" autocomplete="off"></label> '
            f'<label>Issue <select id="kind"><option value="">any</option>{options}</select></label> '
            f'{rows}<output id="shown"></output></form>')


def _nav_html(page: PageInfo | None) -> str:
    if page is None:
        return ""
    links = [f'<a href="{_e(page.index_href)}">index</a>', f"page {page.number} of {page.count}"]
    if page.prev_href:
        links.append(f'<a href="{_e(page.prev_href)}" rel="prev">previous</a>')
    if page.next_href:
        links.append(f'<a href="{_e(page.next_href)}" rel="next">next</a>')
    return f'<nav class="pages">{" · ".join(links)}</nav>'


def _head(title: str, script: str, css: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp(script))}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_e(title)}</title><style>{css}</style></head>\n<body>")


def _problems_html(problems: Sequence[str]) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{_e(p)}</li>" for p in problems)
    return f'<section class="problems"><h2>Sidecars not read ({len(problems)})</h2><ul>{items}</ul></section>\n'


def lessons_page(out_dir: str, lessons: Iterable[LessonView], totals: dict[str, int],
                 segments_by_lang: dict[str, int], glossary: GlossaryCheck, problems: Sequence[str],
                 page: PageInfo | None = None) -> str:
    """A page of lessons: the whole report when small, or one chunk of a paged one."""
    css, script = _asset("report.css"), _asset("report.js")
    where = f" (page {page.number} of {page.count})" if page else ""
    return "".join([
        _head(f"pipeline report: {out_dir}{where}", script, css),
        f'<header><h1>Lesson report <small>{_e(out_dir)}{_e(where)}</small></h1>{_nav_html(page)}',
        summary_html(totals, segments_by_lang, glossary),
        f'{_legend_html()}{_filters_html()}</header>\n',
        _problems_html(problems),
        '<noscript><p class="warn">Lesson bodies need JavaScript; the summary lines above and below work without it.</p></noscript>\n',
        '<main id="lessons">\n',
        *(_lesson_html(i, v) for i, v in enumerate(lessons)),
        '</main><p id="none" hidden>No lesson matches the filter.</p>\n',
        f"<script>{script}</script>\n</body></html>\n",
    ])


def index_page(out_dir: str, pages: Sequence[PageSummary], entries: Sequence[IndexEntry], totals: dict[str, int],
               segments_by_lang: dict[str, int], glossary: GlossaryCheck, problems: Sequence[str]) -> str:
    """The index of a paged report: totals, one line per page, and a search over every lesson.

    The lesson list is one JSON island the script filters; it shows the first
    matches only, so a batch of 100,000 lessons opens as fast as a small one.
    """
    css, script = _asset("report.css"), _asset("report_index.js")
    rows = "".join(
        f'<tr><td class="num"><a href="{_e(p.href)}">{k}</a></td><td>{_e(p.first)}</td><td>{_e(p.last)}</td>'
        + "".join(f'<td class="num{" bad" if kind in PROBLEM_KINDS and p.totals.get(kind) else ""}">{p.totals.get(kind, 0)}</td>'
                  for kind in ("lessons", *ISSUE_KINDS))
        + "</tr>"
        for k, p in enumerate(pages, 1))
    head = "".join(f"<th>{_e(h)}</th>" for h in ("page", "first lesson", "last lesson", "lessons", *(_LABELS[k] for k in ISSUE_KINDS)))
    data = {"pages": [p.href for p in pages], "lessons": [[e.name, e.title, e.kinds, e.page] for e in entries]}
    return "".join([
        _head(f"pipeline report: {out_dir} (index)", script, css),
        f'<header><h1>Lesson report <small>{_e(out_dir)} · index of {len(pages)} pages</small></h1>',
        summary_html(totals, segments_by_lang, glossary),
        f'{_filters_html(index=True)}</header>\n',
        _problems_html(problems),
        '<main><section id="results"><ol id="hits"></ol><p id="more" hidden></p></section>',
        f'<h2>Pages</h2><table class="pages"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></main>\n',
        f'<script type="application/json" id="index-data">{json_island(data)}</script>\n',
        f"<script>{script}</script>\n</body></html>\n",
    ])
