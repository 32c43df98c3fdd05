"""Checking what `pipeline run` wrote against the glossary.

The check reads the JSON sidecars the runner leaves in
``OUT/.pipeline/lessons/`` (schema 1, see :func:`load_run_outputs`) rather than
re-parsing the Markdown: the sidecar pairs each source segment with its
translation and the line it landed on, so a violation can name the lesson,
the target file and the line without guessing an alignment. Sidecars are
found by walking that folder (lessons in subfolders have theirs in
subfolders; an over-long name is shortened with a hash), and each lesson's
name is the ``lesson`` field inside, never the file name.

Besides what it finds itself, the check reports every glossary failure the
run recorded (a term the engine could not enforce and left as the model
wrote it): a run that said "1 glossary failure" must not pass the check.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.errors import InputError
from pipeline.glossary.core import Glossary
from pipeline.glossary.model import TermMatch
from pipeline.text import printable

SIDECAR_DIR = Path(".pipeline") / "lessons"
CHECKED_STATUSES = ("translated", "memory", "unchanged", "partial")  # "untranslated" is run's business


@dataclass(frozen=True)
class SourceSpan:
    start: int
    end: int
    lang: str


@dataclass(frozen=True)
class SourceSegment:
    id: int
    kind: str
    text: str
    lang: str
    spans: tuple[SourceSpan, ...] = ()


@dataclass(frozen=True)
class TargetSegment:
    id: int
    text: str
    line: int
    status: str
    glossary_failures: tuple[str, ...] = ()
    kept_languages: tuple[str, ...] = ()  # runs left in their language (no route): run's business


@dataclass(frozen=True)
class TargetFile:
    lang: str
    file: str
    segments: tuple[TargetSegment, ...]


@dataclass(frozen=True)
class RunLesson:
    """One lesson as the runner recorded it."""

    lesson: str
    source: str
    sidecar: str
    segments: dict[int, SourceSegment]
    targets: dict[str, TargetFile]
    edits: list[object] = field(default_factory=list)
    flagged: list[object] = field(default_factory=list)


def load_run_outputs(out_dir: str) -> list[RunLesson]:
    """Every lesson sidecar under ``out_dir``, sorted by lesson name.

    Raises InputError naming the file when a sidecar is missing, unreadable or
    not schema 1, so a reviewer tool built on this gets the same messages.
    """
    folder = Path(out_dir) / SIDECAR_DIR
    files = sorted(p for p in folder.rglob("*.json") if p.is_file()) if folder.is_dir() else []
    if not files:
        raise InputError(
            str(folder),
            "no lesson records found (*.json)",
            f"run `pipeline run RAW {out_dir}` first, then check that folder",
        )
    return sorted((_read_sidecar(p) for p in files), key=lambda r: r.lesson)


def _read_sidecar(path: Path) -> RunLesson:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            str(path), f"cannot read the lesson record ({exc})", "re-run `pipeline run` to rewrite it"
        ) from None
    if not isinstance(data, dict) or data.get("schema") != 1:
        raise InputError(
            str(path),
            f"unknown lesson record schema {data.get('schema') if isinstance(data, dict) else None!r}",
            "this pipeline reads schema 1; re-run `pipeline run` with this version",
        )
    try:
        segments = {
            int(s["id"]): SourceSegment(
                int(s["id"]),
                str(s.get("kind", "")),
                str(s["text"]),
                str(s.get("lang", "und")),
                tuple(SourceSpan(int(sp["start"]), int(sp["end"]), str(sp["lang"])) for sp in s.get("spans", [])),
            )
            for s in data.get("segments", [])
        }
        targets = {
            str(lang): TargetFile(
                str(lang),
                str(t["file"]),
                tuple(
                    TargetSegment(
                        int(s["id"]), str(s["text"]), int(s.get("line", 0)), str(s.get("status", "")),
                        tuple(str(f) for f in s.get("glossary_failures", [])),
                        tuple(sorted({str(k[2]) for k in s.get("kept", []) if isinstance(k, list) and len(k) == 3})),
                    )
                    for s in t.get("segments", [])
                ),
            )
            for lang, t in data.get("targets", {}).items()
        }
        return RunLesson(
            str(data.get("lesson", path.stem)),
            str(data.get("source", "")),
            str(path),
            segments,
            targets,
            list(data.get("edits", [])),
            list(data.get("flagged", [])),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            str(path), f"malformed lesson record ({type(exc).__name__}: {exc})", "re-run `pipeline run` to rewrite it"
        ) from None


@dataclass(frozen=True)
class Violation:
    kind: str  # "missing-term", "forbidden-variant", "inconsistent", "run-failure" (recorded by the run)
    lesson: str
    file: str
    line: int
    lang: str
    term: str  # the glossary term id, or "" for inconsistencies
    expected: str
    found: str
    segment: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _source_terms(glossary: Glossary, seg: SourceSegment, tgt: str) -> list[TermMatch]:
    """Glossary terms in a source segment, each found in the language of the run(s) it touches.

    Terms are searched in the whole text, not run by run, so a term that spans
    two language runs (the detector split "relación con | los clientes") is
    found; a match counts for language L when it overlaps a run in L.
    """
    runs = [(sp.lang, sp.start, sp.end) for sp in seg.spans] or [(seg.lang, 0, len(seg.text))]
    out: list[TermMatch] = []
    for lang in dict.fromkeys(r[0] for r in runs):
        if lang == tgt or lang not in glossary.languages:
            continue
        mine = [(a, b) for run_lang, a, b in runs if run_lang == lang]
        out += [m for m in glossary.find(seg.text, lang) if any(m.start < b and a < m.end for a, b in mine)]
    return out


def check_segment(glossary: Glossary, lesson: RunLesson, tf: TargetFile, ts: TargetSegment) -> list[Violation]:
    """Missing target terms and forbidden variants in one translated segment."""
    src = lesson.segments.get(ts.id)
    out: list[Violation] = []

    def v(kind: str, term: str, expected: str, found: str) -> Violation:
        return Violation(kind, lesson.lesson, tf.file, ts.line, tf.lang, term, expected, found, ts.id)

    wanted: dict[str, str] = {}
    if src is not None:
        for m in _source_terms(glossary, src, tf.lang):
            if m.lang in ts.kept_languages:
                continue  # that run has no route to the target: the run reported it, untranslated
            target = glossary.target_for(m, tf.lang)
            if target is not None:
                wanted.setdefault(m.term_id, target)
    for term_id, target in wanted.items():
        term = glossary.term(term_id)
        if term.dnt:
            present = _contains_dnt(ts.text, target, term.case)
        else:
            present = bool(glossary.find_term(ts.text, tf.lang, term_id))
        if not present:
            out.append(v("missing-term", term_id, target, ""))
    for term, bad in glossary.forbidden(tf.lang):
        if _contains_dnt(ts.text, bad, term.case):
            out.append(v("forbidden-variant", term.id, term.preferred(tf.lang) or term.id, bad))
    for failure in ts.glossary_failures:
        out.append(v("run-failure", "", "", failure))
    return out


def _contains_dnt(text: str, needle: str, case: bool) -> bool:
    from pipeline.glossary.match import fold

    if case:
        return needle in text
    return fold(needle)[0] in fold(text)[0]


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def check_outputs(glossary: Glossary, lessons: list[RunLesson]) -> list[Violation]:
    """Every violation in a run's outputs, in a stable order (lesson, file, line)."""
    found: list[Violation] = []
    seen: dict[tuple[str, str], dict[str, list[tuple[RunLesson, TargetFile, TargetSegment]]]] = {}
    for lesson in lessons:
        for lang in sorted(lesson.targets):
            tf = lesson.targets[lang]
            for ts in tf.segments:
                if ts.status not in CHECKED_STATUSES:
                    continue
                found += check_segment(glossary, lesson, tf, ts)
                src = lesson.segments.get(ts.id)
                if src is not None and ts.status != "unchanged" and _norm(src.text):
                    seen.setdefault((lang, _norm(src.text)), {}).setdefault(_norm(ts.text), []).append((lesson, tf, ts))
    for (lang, source), variants in seen.items():
        if len(variants) < 2:
            continue
        # The most frequent translation is "expected"; the others are reported against it.
        ranked = sorted(variants.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        expected = ranked[0][0]
        for text, where in ranked[1:]:
            for lesson, tf, ts in where:
                found.append(
                    Violation("inconsistent", lesson.lesson, tf.file, ts.line, lang, "", expected, text, ts.id)
                )
    return sorted(found, key=lambda v: (v.lesson, v.file, v.line, v.kind, v.term, v.found))


def format_table(violations: list[Violation]) -> str:
    """A plain aligned table (deterministic, greppable; no terminal tricks)."""
    if not violations:
        return "No glossary violations."
    head = ("LESSON", "FILE:LINE", "KIND", "TERM", "EXPECTED", "FOUND")
    # Lesson and file names come from strangers: escaped before they reach a terminal.
    rows = [
        tuple(
            printable(c)
            for c in (v.lesson, f"{v.file}:{v.line}", v.kind, v.term or "-", _clip(v.expected) or "-", _clip(v.found) or "-")
        )
        for v in violations
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths)) + "  " + r[-1] for r in [head, *rows]]
    n = len(violations)
    lines.append(f"{n} violation{'s' if n != 1 else ''}.")
    return "\n".join(lines)


def _clip(s: str, n: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"
