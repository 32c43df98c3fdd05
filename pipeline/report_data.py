"""What the reviewer report shows, read from the sidecars `pipeline run` leaves in OUT.

Everything here is data (no HTML): finding and reading sidecars one at a time
(a batch of 100,000 lessons is never loaded at once), typed access to their
fields, placing repair edits in the repaired text, and cutting segments into
coloured pieces. :mod:`pipeline.report_lesson` builds one lesson's view from
these and :mod:`pipeline.report_page` draws it.

Edit offsets (:class:`pipeline.document.Edit`): ``offset``/``end`` index the
text *given to* repair, the decoded raw page, for every edit, including an edit
made on the output of an earlier one (a chain: ``Ã³;`` -> ``ó;`` -> ``ó``, or
``&amp;lt;`` -> ``&lt;`` -> ``<``). In a chain the later edit's raw span covers
the earlier one's, so a chain's result stands at its raw start shifted by the
size change of the *chains* before it (:func:`chain_result` replays a chain
to find its result, including the head of a replacement whose tail a later
edit rewrote). Summing every edit's own change instead counts a chain twice,
which put marks one character early after each chained repair. Each placement is
checked against the text; an edit the text does not confirm is looked up
nearby, and one that cannot be placed is still listed in the edit table.
"""

from __future__ import annotations

import bisect
import json
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.config import STATE_FOLDER
from pipeline.errors import PipelineError

SIDECAR_SCHEMA = 1
LESSONS_FOLDER = f"{STATE_FOLDER}/lessons"
ISSUE_KINDS = ("edits", "flagged", "untranslated", "glossary", "thai")
CONTEXT_CHARS = 30  # characters of context either side of an edit in the edit table
SEARCH_WINDOW = 400  # how far from its computed position an unconfirmed edit's text is looked for
NOT_CHECKED = "Glossary not checked (failures recorded during the run are still shown):"
KNOWN_LANGS = ("th", "es", "en")  # coloured apart; any other language shares one colour


class ReportError(PipelineError):
    """The report cannot be written (no run output in the folder, unwritable target)."""


class SidecarError(ValueError):
    """One sidecar cannot be shown; the message says why (the report skips it with a line)."""


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
    segments_by_lang: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- finding and reading


def find_sidecars(out_dir: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """(lesson key, path) of every sidecar below OUT/.pipeline/lessons, sorted; and the problems.

    Walked recursively without following links; the key (the path below the
    folder, without ``.json``) only orders the page: the lesson's name is the
    ``lesson`` field inside (long names may be hashed into the file name). A
    ``*.json`` that is a folder, a special file or a link out of the folder is
    not read: it is listed, so no lesson vanishes silently.
    """
    root = out_dir / LESSONS_FOLDER
    found: list[tuple[str, Path]] = []
    problems: list[str] = []
    if not root.is_dir():
        return found, problems
    real_root = root.resolve()
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        base = Path(folder)
        for name in [d for d in dirs if d.endswith(".json")]:
            problems.append(f"{(base / name).relative_to(out_dir).as_posix()}: is a folder, not a sidecar; "
                            "remove it and run `pipeline run` again")
        for name in sorted(files):
            if not name.endswith(".json"):
                continue
            path = base / name
            rel = path.relative_to(out_dir).as_posix()
            try:
                st = path.stat()
                inside = path.resolve().is_relative_to(real_root)
            except OSError as exc:
                problems.append(f"{rel}: cannot be read ({exc.strerror or exc}); run `pipeline run` again to rewrite it")
                continue
            if not inside:
                problems.append(f"{rel}: links outside {LESSONS_FOLDER}, not read; remove the link")
            elif not stat.S_ISREG(st.st_mode):
                problems.append(f"{rel}: is not a regular file, not read; remove it and run `pipeline run` again")
            else:
                found.append((path.relative_to(root).with_suffix("").as_posix(), path))
    found.sort()
    return found, sorted(problems)


def load_sidecar(path: Path) -> dict[str, Any]:
    """One sidecar as a dict; raises SidecarError with a reviewer-readable reason."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise SidecarError(f"cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SidecarError("is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise SidecarError(f"is not valid JSON (line {exc.lineno})") from None
    except RecursionError:
        raise SidecarError("is nested too deeply") from None
    if not isinstance(data, dict):
        raise SidecarError("is not a JSON object")
    if data.get("schema") != SIDECAR_SCHEMA:
        raise SidecarError(f"has schema {data.get('schema')!r}, this report reads schema {SIDECAR_SCHEMA}")
    return data


# --------------------------------------------------------------------------- typed access


def field_list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SidecarError(f"has a \"{key}\" of type {type(value).__name__}, not a list")
    return value


def field_dict(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SidecarError(f"has a \"{key}\" of type {type(value).__name__}, not an object")
    return value


def whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SidecarError(f"has {what} of type {type(value).__name__}, not a whole number")
    return value


def objects(items: list[Any], what: str) -> list[dict[str, Any]]:
    for item in items:
        if not isinstance(item, dict):
            raise SidecarError(f"has {what} of type {type(item).__name__}, not an object")
    return items


def checked_edit(e: dict[str, Any], what: str) -> dict[str, Any]:
    """An edit with checked types: offset/end whole numbers, before/after text."""
    out = dict(e)
    out["offset"], out["end"] = whole(e.get("offset", 0), f"{what} offset"), whole(e.get("end", 0), f"{what} end")
    for key in ("before", "after", "rule"):
        out[key] = str(e.get(key, ""))
    conf = e.get("confidence", 0.0)
    out["confidence"] = float(conf) if isinstance(conf, (int, float)) and not isinstance(conf, bool) else 0.0
    return out


# --------------------------------------------------------------------------- edits


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


def chains(edits: Sequence[dict[str, Any]]) -> list[int]:
    """For each applied edit, the index of the outermost edit of its chain (itself if outermost).

    ``edits`` are in the sidecar's order: sorted by raw (offset, end), a stable
    sort of the order of application, so of two edits with the same span the
    later one was applied later, on the earlier one's output. An edit is
    inside another when its raw span lies in the other's (an empty one
    strictly inside, not at an edge). One sweep: n log n.
    """
    order = sorted(range(len(edits)), key=lambda k: (edits[k]["offset"], -edits[k]["end"], -k))
    top = list(range(len(edits)))
    cur: int | None = None
    for k in order:
        start, end = edits[k]["offset"], edits[k]["end"]
        if cur is not None:
            c_start, c_end = edits[cur]["offset"], edits[cur]["end"]
            empty_inside = start == end and c_start < start < c_end
            if c_start < c_end and end <= c_end and (start < end or empty_inside) or (start, end) == (c_start, c_end):
                top[k] = cur
                continue
        cur = k
    return top


class Placed(NamedTuple):
    """Where a lesson's edits stand in its repaired text (see :func:`locate_edits`)."""

    edits: list[int | None]  # per applied edit: where its chain's result starts
    shown: list[str]  # per applied edit: its chain's result, as it stands in the text
    flagged: list[int | None]  # per flagged edit: where its ``before`` stands
    tops: list[int]  # per applied edit: the outermost edit of its chain
    exact: list[bool]  # per applied edit: its computed position was confirmed by the text (no search)


def chain_result(edits: Sequence[dict[str, Any]], members: Sequence[int]) -> tuple[int, int, str]:
    """(raw start, raw end, final text) of one chain, replayed in the order the edits were made.

    Repair maps every position inside an earlier replacement to that
    replacement's raw start, so an edit on the *tail* of one (``ñí`` then
    ``í;`` -> ``í``) gets the whole replacement's span while its ``before``
    covers only part of it: the surviving head (``ñ``) is in the final text
    but in no ``after``. Replaying recovers it: each later edit's ``before`` is
    the raw text left of the region, a piece of the region's current text, and
    the raw text right of it. When a ``before`` does not fit, the outermost
    ``after`` is taken as the result (right whenever it replaced everything).
    """
    order = sorted(members, key=lambda k: (edits[k]["end"] - edits[k]["offset"], k))
    first = edits[order[0]]
    start, end, current = first["offset"], first["end"], first["after"]
    for k in order[1:]:
        e = edits[k]
        left, right = max(0, start - e["offset"]), max(0, e["end"] - end)
        before = e["before"]
        middle = before[left : len(before) - right] if len(before) >= left + right else None
        if middle is None:
            return edits[order[-1]]["offset"], edits[order[-1]]["end"], edits[order[-1]]["after"]
        at = 0 if left else (len(current) - len(middle) if right else current.find(middle))
        if at < 0 or current[at : at + len(middle)] != middle:
            top = max(members, key=lambda m: (edits[m]["end"] - edits[m]["offset"], m))
            return min(edits[m]["offset"] for m in members), max(edits[m]["end"] for m in members), edits[top]["after"]
        current = current[:at] + e["after"] + current[at + len(middle) :]
        start, end = min(start, e["offset"]), max(end, e["end"])
    return start, end, current


class _Shift:
    """Raw offset -> final offset, through the size changes of the chains before it."""

    def __init__(self, results: Iterable[tuple[int, int, str]]) -> None:
        outer = sorted((end, len(text) - (end - start)) for start, end, text in results)
        self.ends = [end for end, _ in outer]
        self.sums = [0]
        for _, delta in outer:
            self.sums.append(self.sums[-1] + delta)

    def __call__(self, raw: int) -> int:
        return raw + self.sums[bisect.bisect_right(self.ends, raw)]


def locate_edits(text: str, edits: Sequence[dict[str, Any]], flagged: Sequence[dict[str, Any]]) -> Placed:
    """Where each edit stands in ``text`` (the repaired text), by raw offsets (see the module doc).

    Each chain's result is placed at its raw start shifted by the size changes
    of the chains before it, and checked against the text; one the text does
    not confirm is looked up nearby (None: not found). A flagged edit's
    ``before`` is placed the same way.
    """
    tops = chains(edits)
    members: dict[int, list[int]] = {}
    for k, top in enumerate(tops):
        members.setdefault(top, []).append(k)
    results = {top: chain_result(edits, ks) for top, ks in members.items()}
    shift = _Shift(results.values())
    top_pos: dict[int, int | None] = {}
    exact: dict[int, bool] = {}
    for top, (start, end, result) in results.items():
        pos: int | None = shift(start)
        if start == end:
            pos = shift(start) - len(result)  # an insertion ends where it starts: it does not shift itself
        exact[top] = _valid(text, pos, result)
        if result and not exact[top]:
            pos = _nearest(text, result, pos or 0)
        top_pos[top] = pos if pos is None or 0 <= pos <= len(text) else None
    spans = sorted((start, end) for start, end, _ in results.values())
    starts = [a for a, _ in spans]
    found_flagged: list[int | None] = []
    for f in flagged:
        start, before = f["offset"], f["before"]
        i = bisect.bisect_right(starts, start) - 1
        inside = i >= 0 and spans[i][0] < start < spans[i][1]  # an applied edit rewrote this text
        at = shift(spans[i][0] if inside else start)
        found_flagged.append(at if not inside and _valid(text, at, before) else _nearest(text, before, at))
    return Placed([top_pos[t] for t in tops], [results[t][2] for t in tops], found_flagged, tops, [exact[t] for t in tops])


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


Mark = tuple[int, int, str]  # (start, end, refs) in segment offsets; refs "e3" = edits[3], "e0 e1" a chain, "f0" flagged


class _Ranges:
    """Ranges sorted by start, answering "the first range holding i" by bisection.

    Walking back stops as soon as no earlier range reaches past ``i`` (a prefix
    maximum of ends), so ranges that do not overlap cost one step each.
    """

    def __init__(self, ranges: list[tuple[int, int, str]]) -> None:
        self.ranges = ranges
        self.starts = [a for a, _, _ in ranges]
        self.reach: list[int] = []
        for _, b, _ in ranges:
            self.reach.append(max(b, self.reach[-1]) if self.reach else b)

    def at(self, i: int) -> str:
        k = bisect.bisect_right(self.starts, i) - 1
        found = ""
        while k >= 0 and self.reach[k] > i:
            a, b, value = self.ranges[k]
            if a <= i < b:
                found = value
            k -= 1
        return found


def split_pieces(text: str, spans: Iterable[dict[str, Any]], marks: Iterable[Mark]) -> list[list[str]]:
    """Cut a segment into [text, lang, mark] pieces for colouring and highlighting.

    Language spans and edit marks overlap freely, so the text is cut at every
    boundary of either; a zero-width mark (a deletion) becomes an empty piece.
    Computed here rather than in the page's script so it is tested and the
    script stays a dumb renderer. Bisection, not a scan per piece: a long
    segment with many runs stays linear-ish.
    """
    n = len(text)
    span_list = sorted((max(0, min(n, whole(s.get("start", 0), "a span start"))),
                        max(0, min(n, whole(s.get("end", 0), "a span end"))), str(s.get("lang", ""))) for s in spans)
    mark_list = sorted((max(0, min(n, a)), max(0, min(n, b)), ref) for a, b, ref in marks)
    langs, refs = _Ranges(span_list), _Ranges(mark_list)
    cuts = {0, n}
    for a, b, _ in span_list:
        cuts.update((a, b))
    for a, b, _ in mark_list:
        cuts.update((a, b))
    points = sorted(cuts)
    empty: dict[int, list[str]] = {}
    for a, b, ref in mark_list:
        if a == b:
            empty.setdefault(a, []).append(ref)
    pieces: list[list[str]] = []
    for a, b in zip(points, points[1:] + [n]):
        for ref in empty.get(a, ()):
            pieces.append(["", langs.at(a) if a < n else langs.at(n - 1), ref])
        if b > a:
            piece = [text[a:b], langs.at(a), refs.at(a)]
            if pieces and pieces[-1][1:] == piece[1:] and pieces[-1][0]:
                pieces[-1][0] += piece[0]
            else:
                pieces.append(piece)
    return pieces or [["", "", ""]]


