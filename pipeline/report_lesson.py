"""One sidecar -> the :class:`~pipeline.report_data.LessonView` the report page shows.

Source rows with language runs and repair marks, each translation cut into
runs coloured by their *actual* language (a run no model could translate is
shown in its own language, not the target's), the route each sentence took
(``es→en→th``), status, missing pairs and glossary notes; plus the glossary
check that `pipeline glossary check` runs. Tolerant of absent optional fields;
a field of the wrong type raises :class:`~pipeline.report_data.SidecarError`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError
from pipeline.report_data import (
    CONTEXT_CHARS,
    ISSUE_KINDS,
    NOT_CHECKED,
    GlossaryCheck,
    LessonView,
    Mark,
    SidecarError,
    load_sidecar,
    field_dict,
    checked_edit,
    whole,
    field_list,
    objects,
    locate_edits,
    locate_segments,
    split_pieces,
)


def iter_views(out: Path, sidecars: Iterable[tuple[str, Path]], glossary: GlossaryCheck,
               problems: list[str]) -> Iterator[LessonView]:
    """Each readable sidecar as a LessonView, one at a time; the others appended to ``problems``."""
    for key, path in sidecars:
        rel = path.relative_to(out).as_posix()
        try:
            data = load_sidecar(path)
            name = data.get("lesson") or key
            if not isinstance(name, str):
                raise SidecarError(f"has a \"lesson\" of type {type(name).__name__}, not text")
            view = lesson_view(name, data, glossary.by_lesson.get(name, []))
        except SidecarError as exc:
            problems.append(f"{rel}: {exc}; run `pipeline run` again to rewrite it")
            continue
        yield view


# --------------------------------------------------------------------------- routes and runs


def _pairs(value: Any) -> list[tuple[str, str]]:
    """Missing pairs in any shape a sidecar has held: [["th","en"]], ["th","en"], ["th>en"]."""
    if not isinstance(value, list):
        return []
    if len(value) == 2 and all(isinstance(x, str) and ">" not in x and "-" not in x for x in value):
        return [(value[0], value[1])]
    out: list[tuple[str, str]] = []
    for item in value:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            out.append((str(item[0]), str(item[1])))
        elif isinstance(item, str):
            a, sep, b = item.replace("\u2192", ">").replace("-", ">").partition(">")
            if sep:
                out.append((a, b))
    return out


def hops_text(entry: Any) -> str:
    """One route entry as ``es→en→th`` (hops as language codes, as pairs, or as "es>en" strings)."""
    if not isinstance(entry, dict):
        return ""
    hops = entry.get("hops")
    chain: list[str] = []
    if isinstance(hops, list):
        for hop in hops:
            pair = _pairs([hop]) if not isinstance(hop, str) or ">" in hop or "-" in hop else []
            if pair:
                a, b = pair[0]
                chain.extend([a, b] if not chain or chain[-1] != a else [b])
            elif isinstance(hop, str):
                if not chain or chain[-1] != hop:
                    chain.append(hop)
    text = "\u2192".join(chain)
    how = entry.get("how")
    if isinstance(how, str) and how and (not text or how not in ("model", "translated")):
        text = f"{text} ({how})" if text else how
    return text


def target_pieces(text: str, kept: Sequence[tuple[int, int, str]], lang: str) -> list[list[str]]:
    """A translation cut into [text, lang] runs: kept runs in their own language, the rest in ``lang``."""
    spans: list[dict[str, Any]] = []
    cursor = 0
    for a, b, run_lang in sorted(kept):
        a, b = max(cursor, min(len(text), a)), max(cursor, min(len(text), b))
        if a > cursor:
            spans.append({"start": cursor, "end": a, "lang": lang})
        if b > a:
            spans.append({"start": a, "end": b, "lang": run_lang})
        cursor = max(cursor, b)
    if cursor < len(text):
        spans.append({"start": cursor, "end": len(text), "lang": lang})
    return [p[:2] for p in split_pieces(text, spans, [])]


def _kept(value: Any) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, (list, tuple)) and len(item) == 3:
            out.append((whole(item[0], "a kept run start"), whole(item[1], "a kept run end"), str(item[2])))
    return out


# --------------------------------------------------------------------------- one lesson


def _one_line(text: str) -> str:
    """Context on one line: a line break shows as a pilcrow, so the edit table stays compact."""
    return text.replace("\r\n", "\n").replace("\n", " \u00b6 ")


def _edit_row(e: dict[str, Any], pos: int | None, text: str, seg: int | None, shown: str) -> dict[str, Any]:
    """An edit for the edit table: what changed, how sure, and where (with context)."""
    row: dict[str, Any] = {"rule": e["rule"], "before": e["before"], "after": e["after"],
                           "confidence": round(e["confidence"], 4), "seg": seg}
    if pos is not None:
        end = pos + len(shown)
        row["ctx"] = [_one_line(text[max(0, pos - CONTEXT_CHARS) : pos]), text[pos:end],
                      _one_line(text[end : end + CONTEXT_CHARS])]
    return row


def _violation_note(v: dict[str, Any]) -> str:
    """One line for a checker violation, shown under the translation it concerns."""
    note = f"{v.get('kind', '')} {v.get('term', '')}".strip()
    if v.get("expected"):
        note += f": expected \u201c{v['expected']}\u201d"
    if v.get("found"):
        note += f", found \u201c{v['found']}\u201d"
    return note


def _segment_of(pos: int | None, length: int, seg_starts: list[int], seg_ranges: list[tuple[int, int, int]]
                ) -> tuple[int, int] | None:
    """(segment index, offset inside it) of a range in the lesson text, if one segment holds it."""
    if pos is None:
        return None
    i = bisect.bisect_right(seg_starts, pos) - 1
    if i >= 0:
        k, start, end = seg_ranges[i]
        if start <= pos and pos + length <= end:
            return k, pos - start
    return None


def lesson_view(name: str, data: dict[str, Any], glossary: Sequence[dict[str, Any]]) -> LessonView:
    """Turn one sidecar into what the page shows; tolerant of missing optional fields.

    Raises SidecarError when a field has the wrong type (the report skips the
    lesson with a line). ``glossary`` holds the checker's violations for this
    lesson; they are counted with the failures the run recorded per segment.
    """
    try:
        return _lesson_view(name, data, glossary)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        if isinstance(exc, SidecarError):
            raise
        raise SidecarError(f"has a field of the wrong shape ({type(exc).__name__}: {exc})") from None


def _lesson_view(name: str, data: dict[str, Any], glossary: Sequence[dict[str, Any]]) -> LessonView:
    text = str(data.get("text", ""))
    segments = objects(field_list(data, "segments"), "a segment")
    edits = [checked_edit(e, "an edit") for e in objects(field_list(data, "edits"), "an edit")]
    flagged = [checked_edit(e, "a flagged edit") for e in objects(field_list(data, "flagged"), "a flagged edit")]
    targets = field_dict(data, "targets")
    target_names = sorted(targets)

    seg_texts = [str(s.get("text", "")) for s in segments]
    starts = locate_segments(text, seg_texts)
    seg_ranges = [(k, st, st + len(seg_texts[k])) for k, st in enumerate(starts) if st is not None]
    seg_starts = [st for _, st, _ in seg_ranges]
    placed = locate_edits(text, edits, flagged)
    edit_pos, flag_pos, tops = placed.edits, placed.flagged, placed.tops
    marks: dict[int, list[Mark]] = {}
    edit_rows: list[dict[str, Any]] = []
    chain_refs: dict[int, list[str]] = {}
    for i, top in enumerate(tops):
        chain_refs.setdefault(top, []).append(f"e{i}")
    for i, (e, pos) in enumerate(zip(edits, edit_pos)):
        shown = placed.shown[i]
        where = _segment_of(pos, len(shown), seg_starts, seg_ranges)
        if where is not None and tops[i] == i:  # one mark per chain, naming every edit in it
            k, off = where
            marks.setdefault(k, []).append((off, off + len(shown), " ".join(chain_refs[i])))
        edit_rows.append(_edit_row(e, pos, text, where[0] if where else None, shown))
    flag_rows: list[dict[str, Any]] = []
    for i, (e, pos) in enumerate(zip(flagged, flag_pos)):
        where = _segment_of(pos, len(e["before"]), seg_starts, seg_ranges)
        if where is not None:
            k, off = where
            marks.setdefault(k, []).append((off, off + len(e["before"]), f"f{i}"))
        flag_rows.append(_edit_row(e, pos, text, where[0] if where else None, e["before"]))

    rows_out: list[dict[str, Any]] = []
    counts = dict.fromkeys(ISSUE_KINDS, 0)
    counts["edits"], counts["flagged"] = len(edits), len(flagged)
    by_target: dict[str, dict[int, dict[str, Any]]] = {}
    for t in target_names:
        entry = targets[t]
        if not isinstance(entry, dict):
            raise SidecarError(f"has a target \"{t}\" of type {type(entry).__name__}, not an object")
        cells = objects(field_list(entry, "segments"), f"a segment of target {t}")
        by_target[t] = {whole(s.get("id", i), "a target segment id"): s for i, s in enumerate(cells)}
    segments_by_lang: dict[str, int] = {}
    for k, seg in enumerate(segments):
        seg_text = seg_texts[k]
        spans = objects(field_list(seg, "spans"), "a language span")
        thai = sum(1 for sp in spans if sp.get("lang") == "th")
        counts["thai"] += thai
        seg_id = whole(seg.get("id", k), "a segment id")
        lang = str(seg.get("lang", "und"))
        segments_by_lang[lang] = segments_by_lang.get(lang, 0) + 1
        seg_marks = marks.get(k, [])
        row: dict[str, Any] = {"id": seg_id, "kind": str(seg.get("kind", "")), "lang": lang,
                               "src": split_pieces(seg_text, spans, seg_marks), "tr": {}}
        issues = {"edits"} if any(m[2][0] == "e" for m in seg_marks) else set()
        if any(m[2][0] == "f" for m in seg_marks):
            issues.add("flagged")
        if thai:
            issues.add("thai")
        for t in target_names:
            ts = by_target[t].get(seg_id)
            if ts is None:
                row["tr"][t] = {"status": "missing"}
                continue
            cell, cell_issues, n_gf = _target_cell(t, ts, seg_text, row["id"], glossary)
            counts["glossary"] += n_gf
            if "untranslated" in cell_issues:
                counts["untranslated"] += 1
            issues |= cell_issues
            row["tr"][t] = cell
        row["issues"] = sorted(issues)
        rows_out.append(row)
    counts["glossary"] += len(glossary)
    body = {
        "source": str(data.get("source", "")),
        "encoding": str(data.get("encoding", "")),
        "notes": [str(n) for n in field_list(data, "notes")],
        "files": [str(data.get("file", ""))] + [str(targets[t].get("file", "")) if isinstance(targets[t], dict) else ""
                                                for t in target_names],
        "targets": target_names,
        "rows": rows_out,
        "edits": edit_rows,
        "flagged": flag_rows,
        "glossary": [dict(v) for v in glossary],
    }
    languages = {str(k): float(v) for k, v in sorted(field_dict(data, "languages").items())
                 if isinstance(v, (int, float)) and not isinstance(v, bool)}
    title = data.get("title")
    return LessonView(name, str(title) if title else name, counts, languages, body, segments_by_lang)


def _target_cell(t: str, ts: dict[str, Any], seg_text: str, seg_id: Any, glossary: Sequence[dict[str, Any]]
                 ) -> tuple[dict[str, Any], set[str], int]:
    """One translation cell: its runs coloured by their actual language, route, status and notes."""
    text = str(ts.get("text", ""))
    status = str(ts.get("status", ""))
    kept = _kept(ts.get("kept"))
    missing = _pairs(ts.get("missing"))
    cell: dict[str, Any] = {"status": status}
    issues: set[str] = set()
    if text == seg_text and not kept:
        # Left as it was (unchanged, or untranslated with no run info): the page
        # reuses the source's language runs; the text is not stored twice.
        cell["same"] = True
    else:
        if status == "untranslated" and not kept and text:
            kept = [(0, len(text), missing[0][0] if missing else "und")]
        cell["pieces"] = target_pieces(text, kept, t)
    if missing:
        cell["missing"] = [f"{a}\u2192{b}" for a, b in missing]
    routes = list(dict.fromkeys(h for h in (hops_text(r) for r in ts.get("route") or [] if isinstance(r, dict)) if h))
    if routes and not (status == "untranslated" and routes == ["kept"]):  # "untranslated" says it already
        cell["route"] = routes
    n_gf = 0
    here = [v for v in glossary if v.get("lang") == t and v.get("segment") == seg_id]
    failures = ts.get("glossary_failures")
    if isinstance(failures, list) and failures:
        cell["gf"] = [str(x) for x in failures]
        # The checker may report a failure the run recorded as its own violation
        # ("run-failure"): shown and counted once, as recorded during the run.
        reported = {str(v.get("found", "")) for v in here if v.get("kind") == "run-failure"}
        n_gf = sum(1 for x in cell["gf"] if x not in reported)
        here = [v for v in here if not (v.get("kind") == "run-failure" and str(v.get("found", "")) in cell["gf"])]
        issues.add("glossary")
    checked = [_violation_note(v) for v in here]
    if checked:
        cell["gv"] = checked
        issues.add("glossary")
    if status in ("untranslated", "partial") or kept:
        issues.add("untranslated")
    return cell, issues, n_gf


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
