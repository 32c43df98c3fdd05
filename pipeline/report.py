"""`pipeline report`: HTML pages for reviewers, one self-contained file or, for big batches, paged.

Reviewers would rather look than read logs. The page shows, per lesson, the
source and each translation side by side (one aligned row per segment),
language runs coloured by the language the text is actually in, repairs
highlighted with before/after, flagged low-confidence edits, untranslated
segments, the route each sentence took and glossary violations, with summary
numbers and a filter by lesson and by kind of issue.

Design notes (why it looks like this):

- Input is only what ``pipeline run`` leaves in OUT: the per-lesson JSON
  sidecars under ``OUT/.pipeline/lessons/`` (walked recursively; the lesson's
  name is the ``lesson`` field inside). The report never re-runs a stage and
  needs no model. A sidecar that cannot be shown (not JSON, wrong types, a
  folder, a link out of OUT) is skipped with a line; the rest is rendered.
- Large batches stay usable: each lesson is a collapsed ``<details>`` whose
  summary line is static HTML and whose body lives in an inert JSON island
  built by the script only when opened. Up to ``page_size`` lessons (1,000)
  make one file. Beyond that the report is paged: an index (totals, one line
  per page, a search over every lesson) plus one page per chunk of lessons;
  sidecars are read one at a time and each chunk is written and dropped
  before the next is read, so memory does not grow with the batch (only a
  small index entry per lesson is kept).
- Deterministic: lessons in sorted order, ids by position, no timestamps; the
  same OUT folder gives the same bytes.

Data: :mod:`pipeline.report_data` (sidecars, edit placement, pieces) and
:mod:`pipeline.report_lesson` (one lesson's view); HTML: :mod:`pipeline.report_page`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.fsutil import atomic_write_text
from pipeline.report_data import (
    ISSUE_KINDS,
    LESSONS_FOLDER,
    GlossaryCheck,
    LessonView,
    ReportError,
    find_sidecars,
    locate_edits,
    locate_segments,
    split_pieces,
)
from pipeline.report_lesson import check_glossary, iter_views, lesson_view
from pipeline.report_page import IndexEntry, PageInfo, PageSummary, index_page, json_island, kinds_of, lessons_page

__all__ = ["Report", "ReportError", "build_report", "json_island", "lesson_view", "locate_edits", "locate_segments",
           "render_html", "split_pieces", "write_report", "PAGE_SIZE"]

PAGE_SIZE = 1000  # lessons per page; more than this and the report is paged
_PAGE_NAME = re.compile(r"\d{4,}\.html")


@dataclass
class Report:
    out_dir: str
    lessons: list[LessonView]  # every lesson when one page; empty when paged (written chunk by chunk)
    problems: list[str]  # sidecars that could not be shown: listed in the page
    glossary: GlossaryCheck
    segments_by_lang: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)  # issue kind -> total, and "lessons"
    pages: list[str] = field(default_factory=list)  # files written, the index (or the one page) first

    def totals(self) -> dict[str, int]:
        """Summary numbers over all lessons, in display order."""
        t = {"lessons": self.counts["lessons"]}
        for kind in ISSUE_KINDS:
            t[kind] = self.counts[kind]
        t["segments"] = sum(self.segments_by_lang.values())
        return t

    def add(self, view: LessonView) -> None:
        self.counts["lessons"] += 1
        self.counts.update({k: view.counts[k] for k in ISSUE_KINDS})
        self.segments_by_lang.update(view.segments_by_lang)


def _start(out_dir: str | Path, glossary_path: str | None, source: str | None, target: str | None
           ) -> tuple[Path, list[tuple[str, Path]], Report]:
    out = Path(out_dir)
    if not out.is_dir():
        raise ReportError(f"{out}: no such folder; give the output folder of `pipeline run RAW OUT`")
    sidecars, problems = find_sidecars(out)
    if not sidecars and not problems:
        raise ReportError(f"{out}: no lessons found (no {LESSONS_FOLDER}/*.json); run `pipeline run RAW {out}` first")
    glossary = check_glossary(out, glossary_path, source, target)
    return out, sidecars, Report(str(out), [], problems, glossary)


def build_report(out_dir: str | Path, glossary_path: str | None = None, *, source: str | None = None,
                 target: str | None = None) -> Report:
    """Read every sidecar below OUT into one Report (one page); raises ReportError when there are none."""
    out, sidecars, report = _start(out_dir, glossary_path, source, target)
    for view in iter_views(out, sidecars, report.glossary, report.problems):
        report.lessons.append(view)
        report.add(view)
    return report


def render_html(report: Report, page: PageInfo | None = None) -> str:
    """A lessons page of ``report`` as one string: inline CSS, inline script, no network assets."""
    return lessons_page(report.out_dir, report.lessons, report.totals(), dict(report.segments_by_lang),
                        report.glossary, report.problems, page)


def _write(path: Path, text: str) -> None:
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise ReportError(f"{path}: cannot write the report ({exc.strerror or exc}); choose a writable path") from None


def _is_folder(dest: Path, raw: str) -> bool:
    return raw.endswith(("/", "\\")) or dest.is_dir()


def write_report(out_dir: str | Path, dest: str | Path, glossary_path: str | None = None, *, source: str | None = None,
                 target: str | None = None, page_size: int = PAGE_SIZE) -> Report:
    """Write the report for OUT and return it for the summary.

    ``dest`` a file and at most ``page_size`` lessons: one self-contained page.
    ``dest`` a folder (``report/``), or more lessons than ``page_size``: an
    index (``dest/index.html``, or the file ``dest``) plus pages of
    ``page_size`` lessons in ``dest/pages/`` (or ``DEST_STEM.pages/`` beside
    the file). Every file is written atomically, the index last; pages left
    from a bigger earlier report are removed.
    """
    dest_path = Path(dest)
    folder = _is_folder(dest_path, str(dest))
    page_size = max(1, page_size)
    out, sidecars, report = _start(out_dir, glossary_path, source, target)
    if not folder and len(sidecars) <= page_size:
        for view in iter_views(out, sidecars, report.glossary, report.problems):
            report.lessons.append(view)
            report.add(view)
        _write(dest_path, render_html(report))
        report.pages = [str(dest_path)]
        return report
    if folder:
        index, pages_dir = dest_path / "index.html", dest_path / "pages"
    else:
        index, pages_dir = dest_path, dest_path.with_name(dest_path.stem + ".pages")
    _write_paged(out, sidecars, report, index, pages_dir, page_size)
    return report


def _chunks(items: list[tuple[str, Path]], size: int) -> Iterator[list[tuple[str, Path]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _write_paged(out: Path, sidecars: list[tuple[str, Path]], report: Report, index: Path, pages_dir: Path,
                 page_size: int) -> None:
    count = max(1, -(-len(sidecars) // page_size))
    up = f"../{index.name}"
    entries: list[IndexEntry] = []
    summaries: list[PageSummary] = []
    written: list[str] = []
    for number, chunk in enumerate(_chunks(sidecars, page_size) if sidecars else iter([[]]), 1):
        name = f"{number:04d}.html"
        info = PageInfo(number, count, up, f"{number - 1:04d}.html" if number > 1 else "",
                        f"{number + 1:04d}.html" if number < count else "")
        part = Report(report.out_dir, [], [], report.glossary)
        for view in iter_views(out, chunk, report.glossary, report.problems):
            part.lessons.append(view)
            part.add(view)
            report.add(view)
            entries.append(IndexEntry(view.name, view.title, kinds_of(view.counts), number))
        _write(pages_dir / name, render_html(part, info))
        written.append(str(pages_dir / name))
        first = part.lessons[0].name if part.lessons else ""
        last = part.lessons[-1].name if part.lessons else ""
        summaries.append(PageSummary(f"{pages_dir.name}/{name}", first, last, part.totals()))
    for stale in sorted(pages_dir.iterdir()) if pages_dir.is_dir() else []:
        if _PAGE_NAME.fullmatch(stale.name) and str(stale) not in written and stale.is_file():
            stale.unlink()
    _write(index, index_page(report.out_dir, summaries, entries, report.totals(), dict(report.segments_by_lang),
                             report.glossary, report.problems))
    report.pages = [str(index), *written]
