"""`pipeline report`: one self-contained HTML page for reviewers.

Reviewers would rather look than read logs. The page shows, per lesson, the
source and each translation side by side (one aligned row per segment),
language runs coloured, repairs highlighted with before/after, flagged
low-confidence edits, untranslated segments and glossary violations, with
summary numbers and a filter by lesson and by kind of issue.

Design notes (why it looks like this):

- Input is only what ``pipeline run`` leaves in OUT: the per-lesson JSON
  sidecars under ``OUT/.pipeline/lessons/``. They already hold the source
  segments, their language spans, the edits and every target's segments, so
  the report never re-runs a stage and needs no model.
- Large batches stay usable: each lesson is a collapsed ``<details>`` whose
  summary line (name, title, counts) is static HTML, so filtering works on
  1,000 lessons at once; the lesson's body lives in its own inert
  ``<script type="application/json">`` island and is built by the page's
  script only when the lesson is opened. The browser tokenises an island but
  never parses it until then, so the page opens fast however big the batch.
- Safety: the inputs are scraped pages. Static text goes through
  :func:`html.escape`; the JSON islands escape ``<``, ``>`` and ``&`` so no
  text can close the island; the script builds lesson bodies with
  ``textContent`` only; and a Content-Security-Policy allows no network at all
  and only the page's own script (by hash), so even injected markup cannot
  run or fetch anything.
- Edit offsets: an edit's offset indexes the text as it was when the edit was
  made (see :class:`pipeline.document.Edit`), not the final text. Positions in
  the final text are found by replaying the applied edits, checked against
  the text, and otherwise looked up near the estimate (:func:`locate_edits`),
  so a repair module that reports offsets into the raw text works as well.
  An edit that cannot be placed is still listed in the lesson's edit table.
- Deterministic: lessons in sorted order, ids by position, no timestamps; the
  same OUT folder gives the same bytes.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.config import STATE_FOLDER
from pipeline.errors import PipelineError
from pipeline.fsutil import atomic_write_text

SIDECAR_SCHEMA = 1
LESSONS_FOLDER = f"{STATE_FOLDER}/lessons"
ISSUE_KINDS = ("edits", "flagged", "untranslated", "glossary", "thai")
CONTEXT_CHARS = 30  # characters of context either side of an edit in the edit table
SEARCH_WINDOW = 400  # how far from its estimated position an edit's text is looked for
NOT_CHECKED = "Glossary not checked (failures recorded during the run are still shown):"
KNOWN_LANGS = ("th", "es", "en")  # coloured apart; any other language shares one colour


class ReportError(PipelineError):
    """The report cannot be written (no run output in the folder, unwritable target)."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class GlossaryCheck:
    """Glossary violations per lesson, or why they could not be checked."""

    ran: bool
    message: str  # shown in the page: what was checked, or why not
    by_lesson: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # lesson -> violations


@dataclass
class LessonView:
    """What the page shows of one lesson: counts for the summary, data for the body."""

    name: str
    title: str
    counts: dict[str, int]  # issue kind -> number, for badges and filtering
    languages: dict[str, float]
    body: dict[str, Any]  # the lesson's JSON island, rendered by the script when opened


@dataclass
class Report:
    out_dir: str
    lessons: list[LessonView]
    problems: list[str]  # sidecars that could not be read: listed in the page
    glossary: GlossaryCheck
    segments_by_lang: Counter[str] = field(default_factory=Counter)

    def totals(self) -> dict[str, int]:
        """Summary numbers over all lessons, in display order."""
        t = {"lessons": len(self.lessons)}
        for kind in ISSUE_KINDS:
            t[kind] = sum(v.counts[kind] for v in self.lessons)
        t["segments"] = sum(self.segments_by_lang.values())
        return t


# --------------------------------------------------------------------------- loading


def find_sidecars(out_dir: Path) -> list[tuple[str, Path]]:
    """(lesson name, sidecar path) for every sidecar below OUT, sorted by name.

    Lesson names may hold "/" for nested folders; sorting by the posix name
    (not by walk order) keeps the page the same on every file system.
    """
    root = out_dir / LESSONS_FOLDER
    if not root.is_dir():
        return []
    found = [(p.relative_to(root).with_suffix("").as_posix(), p) for p in root.rglob("*.json") if p.is_file()]
    return sorted(found)


def load_sidecar(path: Path) -> dict[str, Any]:
    """One sidecar as a dict; raises ValueError with a reviewer-readable reason."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise ValueError("is not a JSON object")  # noqa: TRY004 - the file's content is wrong, not an argument
    if data.get("schema") != SIDECAR_SCHEMA:
        raise ValueError(f"has schema {data.get('schema')!r}, this report reads schema {SIDECAR_SCHEMA}")
    return data


# --------------------------------------------------------------------------- edits


def _delta(edit: dict[str, Any]) -> int:
    return len(str(edit.get("after", ""))) - (int(edit.get("end", 0)) - int(edit.get("offset", 0)))


def _valid(text: str, pos: int | None, needle: str) -> bool:
    return pos is not None and 0 <= pos <= len(text) and text.startswith(needle, pos)


def _nearest(text: str, needle: str, around: int) -> int | None:
    """The occurrence of ``needle`` closest to ``around`` within the search window."""
    if not needle:
        return None
    lo, hi = max(0, around - SEARCH_WINDOW), min(len(text), around + SEARCH_WINDOW + len(needle))
    best: int | None = None
    i = text.find(needle, lo, hi)
    while i != -1:
        if best is None or abs(i - around) < abs(best - around):
            best = i
        i = text.find(needle, i + 1, hi)
    return best


def _replay(edits: Sequence[dict[str, Any]]) -> list[int | None]:
    """Final positions if each offset indexes the text as it was before that edit.

    Later edits shift earlier ones lying after them; an earlier edit that a
    later one overwrote has no position of its own any more.
    """
    placed: list[int | None] = []
    for e in edits:
        start, end, d = int(e.get("offset", 0)), int(e.get("end", 0)), _delta(e)
        for k, p in enumerate(placed):
            if p is None:
                continue
            p_end = p + len(str(edits[k].get("after", "")))
            if p >= end:
                placed[k] = p + d
            elif p_end > start and p < end:
                placed[k] = None  # overwritten by this edit
        placed.append(start)
    return placed


def _raw_positions(edits: Sequence[dict[str, Any]], applied: Sequence[dict[str, Any]]) -> list[int]:
    """Final positions if every offset indexes the raw decoded text.

    An edit moves by the size changes of all applied edits that end at or
    before it (prefix sums over edits sorted by end: n log n, not n^2).
    """
    ends = sorted((int(a.get("end", 0)), _delta(a)) for a in applied)
    keys, shift = [e for e, _ in ends], [0]
    for _, d in ends:
        shift.append(shift[-1] + d)
    return [int(e.get("offset", 0)) + shift[bisect.bisect_right(keys, int(e.get("offset", 0)))] for e in edits]


def locate_edits(text: str, edits: Sequence[dict[str, Any]], flagged: Sequence[dict[str, Any]]) -> tuple[list[int | None], list[int | None]]:
    """Where each applied edit's ``after`` and each flagged edit's ``before`` stand in ``text``.

    Both readings of the offsets (sequential, raw) are tried; the one the text
    confirms for more edits is used for the whole lesson (a deletion leaves
    nothing to confirm, so it must follow the lesson's reading). An edit the
    text does not confirm is looked up nearby; None when not found.
    """
    seq, raw = _replay(edits), _raw_positions(edits, edits)
    after = [str(e.get("after", "")) for e in edits]
    score_seq = sum(bool(a) and _valid(text, p, a) for p, a in zip(seq, after))
    score_raw = sum(bool(a) and _valid(text, p, a) for p, a in zip(raw, after))
    first, second = (raw, seq) if score_raw >= score_seq else (seq, raw)
    found: list[int | None] = []
    for a, p1, p2 in zip(after, first, second):
        if _valid(text, p1, a):
            found.append(p1)
        elif a and _valid(text, p2, a):
            found.append(p2)
        else:
            found.append(_nearest(text, a, next((p for p in (p1, p2) if p is not None), 0)))
    found_flagged: list[int | None] = []
    for e, b in zip(flagged, _raw_positions(flagged, edits)):
        before, start = str(e.get("before", "")), int(e.get("offset", 0))
        pos = next((p for p in (b, start) if _valid(text, p, before)), None)
        found_flagged.append(pos if pos is not None else _nearest(text, before, b))
    return found, found_flagged


def locate_segments(text: str, segments: Sequence[str]) -> list[int | None]:
    """Start of each segment in ``text``, searched in document order; None if not verbatim."""
    cursor, starts = 0, list[int | None]()
    for seg in segments:
        i = text.find(seg, cursor) if seg else -1
        if i == -1:
            starts.append(None)
            continue
        starts.append(i)
        cursor = i + len(seg)
    return starts


# --------------------------------------------------------------------------- pieces


Mark = tuple[int, int, str]  # (start, end, ref) in segment offsets; ref "e3" = edits[3], "f0" = flagged[0]


def split_pieces(text: str, spans: Iterable[dict[str, Any]], marks: Iterable[Mark]) -> list[list[str]]:
    """Cut a segment into [text, lang, mark] pieces for colouring and highlighting.

    Language spans and edit marks overlap freely, so the text is cut at every
    boundary of either; a zero-width mark (a deletion) becomes an empty piece.
    Computed here rather than in the page's script so it is tested and the
    script stays a dumb renderer.
    """
    n = len(text)
    span_list = sorted((max(0, min(n, int(s["start"]))), max(0, min(n, int(s["end"]))), str(s["lang"])) for s in spans)
    mark_list = sorted((max(0, min(n, a)), max(0, min(n, b)), ref) for a, b, ref in marks)
    cuts = {0, n}
    for a, b, _ in span_list:
        cuts.update((a, b))
    for a, b, _ in mark_list:
        cuts.update((a, b))
    points = sorted(cuts)

    def lang_at(i: int) -> str:
        return next((lang for a, b, lang in span_list if a <= i < b), "")

    def mark_at(i: int) -> str:
        return next((ref for a, b, ref in mark_list if a <= i < b), "")

    pieces: list[list[str]] = []
    for a, b in zip(points, points[1:] + [n]):
        for ma, mb, ref in mark_list:
            if ma == mb == a:
                pieces.append(["", lang_at(a), ref])
        if b > a:
            piece = [text[a:b], lang_at(a), mark_at(a)]
            if pieces and pieces[-1][1:] == piece[1:] and pieces[-1][0]:
                pieces[-1][0] += piece[0]
            else:
                pieces.append(piece)
    return pieces or [["", "", ""]]


# --------------------------------------------------------------------------- one lesson


def _one_line(text: str) -> str:
    """Context on one line: a line break shows as a pilcrow, so the edit table stays compact."""
    return text.replace("\r\n", "\n").replace("\n", " \u00b6 ")


def _edit_row(e: dict[str, Any], pos: int | None, text: str, seg: int | None, shown: str) -> dict[str, Any]:
    """An edit for the edit table: what changed, how sure, and where (with context)."""
    row: dict[str, Any] = {
        "rule": str(e.get("rule", "")),
        "before": str(e.get("before", "")),
        "after": str(e.get("after", "")),
        "confidence": round(float(e.get("confidence", 0.0)), 4),
        "seg": seg,
    }
    if pos is not None:
        end = pos + len(shown)
        row["ctx"] = [_one_line(text[max(0, pos - CONTEXT_CHARS) : pos]), text[pos:end], _one_line(text[end : end + CONTEXT_CHARS])]
    return row


def _violation_note(v: dict[str, Any]) -> str:
    """One line for a checker violation, shown under the translation it concerns."""
    note = f"{v.get('kind', '')} {v.get('term', '')}".strip()
    if v.get("expected"):
        note += f": expected \u201c{v['expected']}\u201d"
    if v.get("found"):
        note += f", found \u201c{v['found']}\u201d"
    return note


def _segment_of(pos: int | None, length: int, seg_ranges: Sequence[tuple[int, int, int]]) -> tuple[int, int] | None:
    """(segment index, offset inside it) of a range in the lesson text, if one segment holds it."""
    if pos is None:
        return None
    for k, start, end in seg_ranges:
        if start <= pos and pos + length <= end:
            return k, pos - start
    return None


def lesson_view(name: str, data: dict[str, Any], glossary: Sequence[dict[str, Any]]) -> LessonView:
    """Turn one sidecar into what the page shows; tolerant of missing optional fields.

    ``glossary`` holds the checker's violations for this lesson; they are
    counted together with the failures the run recorded per segment, and both
    are attached to the translation cell they concern.
    """
    text = str(data.get("text", ""))
    segments: list[dict[str, Any]] = list(data.get("segments") or [])
    edits: list[dict[str, Any]] = list(data.get("edits") or [])
    flagged: list[dict[str, Any]] = list(data.get("flagged") or [])
    targets: dict[str, Any] = dict(data.get("targets") or {})
    target_names = sorted(targets)

    starts = locate_segments(text, [str(s.get("text", "")) for s in segments])
    seg_ranges = [(k, st, st + len(str(s.get("text", "")))) for k, (s, st) in enumerate(zip(segments, starts)) if st is not None]
    edit_pos, flag_pos = locate_edits(text, edits, flagged)
    marks: dict[int, list[Mark]] = {}
    edit_rows: list[dict[str, Any]] = []
    flag_rows: list[dict[str, Any]] = []
    for prefix, items, positions, rows, shown_key in (("e", edits, edit_pos, edit_rows, "after"), ("f", flagged, flag_pos, flag_rows, "before")):
        for i, (e, pos) in enumerate(zip(items, positions)):
            shown = str(e.get(shown_key, ""))
            where = _segment_of(pos, len(shown), seg_ranges)
            if where is not None:
                k, off = where
                marks.setdefault(k, []).append((off, off + len(shown), f"{prefix}{i}"))
            rows.append(_edit_row(e, pos, text, where[0] if where else None, shown))

    rows_out: list[dict[str, Any]] = []
    counts = dict.fromkeys(ISSUE_KINDS, 0)
    counts["edits"], counts["flagged"] = len(edits), len(flagged)
    by_target = {t: {int(s.get("id", i)): s for i, s in enumerate(targets[t].get("segments") or [])} for t in target_names}
    for k, seg in enumerate(segments):
        seg_text = str(seg.get("text", ""))
        spans = list(seg.get("spans") or [])
        thai = sum(1 for sp in spans if sp.get("lang") == "th")
        counts["thai"] += thai
        row: dict[str, Any] = {
            "id": seg.get("id", k),
            "kind": str(seg.get("kind", "")),
            "lang": str(seg.get("lang", "")),
            "src": split_pieces(seg_text, spans, marks.get(k, [])),
            "tr": {},
        }
        issues = {"edits"} if any(m[2][0] == "e" for m in marks.get(k, [])) else set()
        if any(m[2][0] == "f" for m in marks.get(k, [])):
            issues.add("flagged")
        if thai:
            issues.add("thai")
        for t in target_names:
            ts = by_target[t].get(int(seg.get("id", k)))
            if ts is None:
                row["tr"][t] = {"text": "", "status": "missing"}
                continue
            cell: dict[str, Any] = {"text": str(ts.get("text", "")), "status": str(ts.get("status", ""))}
            if cell["text"] == seg_text:
                # Left as it was (untranslated, unchanged): the page reuses the
                # source's language runs; the text is not stored twice.
                del cell["text"]
                cell["same"] = True
            if ts.get("missing"):
                cell["missing"] = [str(x) for x in ts["missing"]]
            if ts.get("glossary_failures"):
                cell["gf"] = [str(x) for x in ts["glossary_failures"]]
                counts["glossary"] += len(cell["gf"])
                issues.add("glossary")
            checked = [_violation_note(v) for v in glossary if v.get("lang") == t and v.get("segment") == row["id"]]
            if checked:
                cell["gv"] = checked
                issues.add("glossary")
            if cell["status"] == "untranslated":
                counts["untranslated"] += 1
                issues.add("untranslated")
            row["tr"][t] = cell
        row["issues"] = sorted(issues)
        rows_out.append(row)
    counts["glossary"] += len(glossary)
    body = {
        "source": str(data.get("source", "")),
        "encoding": str(data.get("encoding", "")),
        "notes": [str(n) for n in data.get("notes") or []],
        "files": [str(data.get("file", ""))] + [str(targets[t].get("file", "")) for t in target_names],
        "targets": target_names,
        "rows": rows_out,
        "edits": edit_rows,
        "flagged": flag_rows,
        "glossary": [dict(v) for v in glossary],
    }
    languages = {str(k): float(v) for k, v in sorted((data.get("languages") or {}).items())}
    return LessonView(name, str(data.get("title") or name), counts, languages, body)


# --------------------------------------------------------------------------- glossary


def check_glossary(out_dir: Path, glossary_path: str | None, source: str | None = None,
                   target: str | None = None) -> GlossaryCheck:
    """Violations per lesson from `pipeline glossary check`'s checker, or why not checked.

    Optional on purpose: a batch run without a glossary still gets a report,
    and the page says plainly that the glossary was not checked and why. A
    glossary that was asked for but is missing or invalid is an error (exit 3),
    as in `pipeline glossary check`.
    """
    try:
        from pipeline.glossary import check_outputs, load_glossary, load_run_outputs
    except ImportError:
        return GlossaryCheck(False, f"{NOT_CHECKED} this build has no glossary checker.")
    glossary = load_glossary(glossary_path, source=source, target=target)
    if glossary is None:
        return GlossaryCheck(False, f"{NOT_CHECKED} no --glossary given and no ./glossary.csv.")
    try:
        violations = check_outputs(glossary, load_run_outputs(str(out_dir)))
    except PipelineError as exc:
        return GlossaryCheck(False, f"{NOT_CHECKED} {exc}.")
    by_lesson: dict[str, list[dict[str, Any]]] = {}
    for v in violations:
        by_lesson.setdefault(v.lesson, []).append(
            {k: getattr(v, k) for k in ("kind", "lang", "file", "line", "segment", "term", "expected", "found")})
    return GlossaryCheck(True, f"Glossary {glossary.path} checked against every translation.", by_lesson)


# --------------------------------------------------------------------------- building


def build_report(out_dir: str | Path, glossary_path: str | None = None, *, source: str | None = None,
                 target: str | None = None) -> Report:
    """Read every sidecar below OUT and build the report; raises ReportError when there are none."""
    out = Path(out_dir)
    if not out.is_dir():
        raise ReportError(f"{out}: no such folder; give the output folder of `pipeline run RAW OUT`")
    sidecars = find_sidecars(out)
    if not sidecars:
        raise ReportError(f"{out}: no lessons found (no {LESSONS_FOLDER}/*.json); run `pipeline run RAW {out}` first")
    glossary = check_glossary(out, glossary_path, source, target)
    lessons: list[LessonView] = []
    problems: list[str] = []
    by_lang: Counter[str] = Counter()
    for name, path in sidecars:
        try:
            data = load_sidecar(path)
        except ValueError as exc:
            problems.append(f"{path.relative_to(out).as_posix()}: {exc}; run `pipeline run` again to rewrite it")
            continue
        lesson_name = str(data.get("lesson") or name)
        lessons.append(lesson_view(lesson_name, data, glossary.by_lesson.get(lesson_name, [])))
        by_lang.update(str(s.get("lang", "und")) for s in data.get("segments") or [])
    return Report(str(out), lessons, problems, glossary, by_lang)


def write_report(out_dir: str | Path, dest: str | Path, glossary_path: str | None = None, *, source: str | None = None,
                 target: str | None = None) -> Report:
    """Build the report for OUT and write it to ``dest`` atomically; return it for the summary."""
    report = build_report(out_dir, glossary_path, source=source, target=target)
    try:
        atomic_write_text(dest, render_html(report))
    except OSError as exc:
        raise ReportError(f"{dest}: cannot write the report ({exc.strerror or exc}); choose a writable path") from None
    return report


# --------------------------------------------------------------------------- HTML


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


_LANG_NAMES = {"und": "undetermined"}
_LABELS = {"edits": "edits", "flagged": "flagged", "untranslated": "untranslated", "glossary": "glossary", "thai": "Thai runs"}


def _lesson_html(i: int, v: LessonView) -> str:
    kinds = " ".join(k for k in ISSUE_KINDS if v.counts[k])
    langs = " ".join(f"{lang} {share:.0%}" for lang, share in sorted(v.languages.items(), key=lambda kv: (-kv[1], kv[0])))
    badges = "".join(_badge(k, v.counts[k], _LABELS[k]) for k in ISSUE_KINDS)
    search = f"{v.name}\n{v.title}".lower()
    return (
        f'<details class="lesson" id="l{i}" data-i="{i}" data-lesson="{_e(v.name)}" data-search="{_e(search)}" data-kinds="{kinds}">'
        f'<summary><span class="name">{_e(v.name)}</span> <span class="title">{_e(v.title)}</span>'
        f' <span class="langs">{_e(langs)}</span> {badges}</summary>'
        f'<div class="body"><p class="loading">Loading…</p></div></details>\n'
        f'<script type="application/json" id="d{i}">{json_island(v.body)}</script>\n'
    )


def _summary_html(report: Report) -> str:
    t = report.totals()
    items = [("lessons", t["lessons"], "lessons"), ("edits", t["edits"], "edits applied"),
             ("flagged", t["flagged"], "flagged edits"), ("untranslated", t["untranslated"], "untranslated segments"),
             ("glossary", t["glossary"], "glossary violations"), ("thai", t["thai"], "Thai runs")]
    cells = "".join(f'<div class="stat s-{k}"><b id="n-{k}">{n}</b><span>{_e(label)}</span></div>' for k, n, label in items)
    langs = ", ".join(f"{_e(_LANG_NAMES.get(lang, lang))} {n}" for lang, n in sorted(report.segments_by_lang.items()))
    return (f'<section class="summary" aria-label="summary">{cells}</section>'
            f'<p class="meta">Segments by language: <span id="seg-langs">{langs or "none"}</span>. '
            f'<span class="gl-msg">{_e(report.glossary.message)}</span></p>')


def _legend_html() -> str:
    langs = "".join(f'<span class="lg l-{c}">{c}</span>' for c in KNOWN_LANGS)
    return (f'<p class="legend">Languages: {langs}<span class="lg l-other">other</span><span class="lg l-und">undetermined</span>'
            ' · Marks: <mark class="m-e">repair (after)</mark> <mark class="m-f">flagged, not applied</mark>'
            ' <span class="st-untranslated">untranslated</span></p>')


def _filters_html() -> str:
    options = "".join(f'<option value="{k}">{_e(_LABELS[k])}</option>' for k in ISSUE_KINDS)
    return ('<form class="filters" id="filters" onsubmit="return false">'
            '<label>Lesson <input type="search" id="q" placeholder="name or title" autocomplete="off"></label> '
            f'<label>Issue <select id="kind"><option value="">any</option>{options}</select></label> '
            '<label><input type="checkbox" id="only"> only rows with the issue</label> '
            '<button type="button" id="open-shown">open shown</button> <button type="button" id="close-all">close all</button> '
            '<output id="shown"></output></form>')


def render_html(report: Report) -> str:
    """The whole page as one string: inline CSS, inline script, no network assets."""
    css, script = _asset("report.css"), _asset("report.js")
    problems = "".join(f"<li>{_e(p)}</li>" for p in report.problems)
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp(script))}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>pipeline report: {_e(report.out_dir)}</title><style>{css}</style></head>\n<body>",
        f'<header><h1>Lesson report <small>{_e(report.out_dir)}</small></h1>{_summary_html(report)}',
        f'{_legend_html()}{_filters_html()}</header>\n',
        f'<section class="problems"><h2>Sidecars not read</h2><ul>{problems}</ul></section>\n' if problems else "",
        '<noscript><p class="warn">Lesson bodies need JavaScript; the summary lines above and below work without it.</p></noscript>\n',
        '<main id="lessons">\n',
        *(_lesson_html(i, v) for i, v in enumerate(report.lessons)),
        '</main><p id="none" hidden>No lesson matches the filter.</p>\n',
        f"<script>{script}</script>\n</body></html>\n",
    ]
    return "".join(parts)
