"""The repair driver: line by line, pass by pass, with an edit log against the input.

Design (why it looks like this):

* Damage never spans a line, and the output must keep the line structure, so
  the text is repaired one line at a time and a cheap regex skips clean lines
  (most of a page) without any Python-level work per character.
* Each pass proposes :class:`~pipeline.repair.base.Candidate` edits for the
  current line; sure ones (confidence >= threshold) are applied, the rest are
  reported in ``flagged``. Passes run in a fixed order, repeated until nothing
  changes (at most :data:`MAX_ROUNDS`), so a repair that uncovers more damage
  (``&amp;oacute;;`` ...) is finished in the same call: that is what makes
  ``repair`` idempotent.
* Offsets: every line keeps a map from its current positions to offsets in
  the original input, so each edit, even one on the output of an earlier edit,
  is logged against the raw page. ``before`` is the text the rule replaced.
  A short line's map is an integer array rewritten in place; a long one's is
  runs (:mod:`.offset_runs`), so a page scraped as one line stays small.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable

from pipeline.document import Edit, Repaired
from pipeline.edit_log import EditColumns, EditLog
from pipeline.repair.base import LATIN, THAI, Candidate, PageContext
from pipeline.repair.evidence import guarded_entities, guarded_remnants, page_damage
from pipeline.repair.lost_letters import lost_letter_candidates
from pipeline.repair.markup import markup_candidates
from pipeline.repair.controls import control_candidates, line_has_controls, page_has_controls, without_controls
from pipeline.repair.mojibake import as_fixed, line_has_mojibake, mojibake_candidates, page_has_mojibake
from pipeline.repair.offset_runs import OffsetRuns
from pipeline.repair.thai_tails import thai_tail_candidates

Pass = Callable[[str, PageContext], list[Candidate]]

# Order matters: entities first (they produce the letters later passes read),
# then Thai tails and lost letters (before the remnant pass would strip the
# ";" they key on: "¿;mo" is "¿Cómo", not "¿mo"), remnants, and markup last
# (entities may have produced tags).
PASSES: tuple[Pass, ...] = (
    guarded_entities,  # entity_candidates less bare symbol names inside words (lost letters: prepar;)
    thai_tail_candidates,
    lost_letter_candidates,
    guarded_remnants,  # remnant_candidates less what the page evidence / Thai pass decide
    markup_candidates,
)
MAX_ROUNDS = 4
# Candidates less sure than this are not even worth a reviewer's time.
FLAG_FLOOR = 0.2
# Rounded confidences already seen: a dense page has an edit every few characters.
_CONFIDENCES: dict[float, float] = {}

# A line needs the passes when it has one of these; everything else is skipped.
# Single-character-class patterns: the regex engine scans those fastest.
TRIGGER_RE = re.compile("[;&<]")
THAI_RE = re.compile(f"[{THAI}]")
GLUE_RE = re.compile(f"[{LATIN}][{THAI}]")


def _needs_work(line: str) -> bool:
    return TRIGGER_RE.search(line) is not None


def _needs_work_thai(line: str) -> bool:
    """Also Latin letters glued to Thai ones (only searched where Thai occurs)."""
    if TRIGGER_RE.search(line) is not None:
        return True
    return THAI_RE.search(line) is not None and GLUE_RE.search(line) is not None


class _Line:
    """One line being repaired, with a map from its positions to original offsets."""

    __slots__ = ("_pos", "_runs", "base", "text")

    # Offsets fit a C int (4 bytes) unless the page is over 2**31 characters.
    _INT_MAX = 2**31 - 1

    def __init__(self, text: str, base: int) -> None:
        self.text = text
        self.base = base
        # _pos[i] = offset in the original line of boundary i of the current
        # text (len + 1 entries; ``base`` is added when an edit is logged);
        # built on the first edit, since most lines get none. A
        # machine-integer array, not a list of int objects: 4 bytes per
        # character instead of about 40, which on a page scraped as one huge
        # line was most of repair's peak memory.
        self._pos: array[int] | None = None
        # A long line keeps its map as runs instead (see offset_runs): one or
        # two per edit rather than 4 bytes a character for every pass.
        self._runs = (
            OffsetRuns(len(text) + 1, "i" if len(text) < self._INT_MAX else "q") if len(text) > _IDENTITY_MAX else None
        )

    @property
    def pos(self) -> array[int]:
        if self._runs is not None:
            return self._runs.expand()
        if self._pos is None:
            self._pos = _identity(len(self.text) + 1)
        return self._pos

    def apply(
        self,
        cands: list[Candidate],
        threshold: float,
        edits: EditColumns,
        flagged: dict[tuple[int, int, str, str], Edit],
    ) -> bool:
        """Apply sure, non-overlapping candidates left to right; report the others.

        Consumes ``cands`` (the list is left empty): passes return a new list per call.
        """
        if not cands:
            return False
        if len(cands) > 1:
            cands.sort(key=_by_span)
        # Taken from the end of the reversed list, so each candidate is freed once
        # read: on a long line the candidates are gone before the new text and
        # map are complete, instead of adding to that peak (3x the input).
        cands.reverse()
        text = self.text
        base = self.base
        runs = self._runs
        if runs is not None:
            runs.begin()
        pos = _NO_MAP if runs is not None else self.pos
        # The new text is built from pieces joined every _CHUNK pieces (a piece is
        # a str object of ~60 bytes: on a page scraped as one line, one list of
        # all of them was twice the text). The offset map is rewritten in place,
        # left to right, never as a second array (4 bytes a character): pos[:w]
        # is the new map so far and the old one is read at ``+ shift``. Where an
        # edit grows the text past what is still to be read, a block of slack is
        # inserted ahead of the read position (``shift`` grows by it).
        chunks: list[str] = []
        pieces: list[str] = []
        tc = pos.typecode
        w = shift = last = 0
        while cands:
            start, end, after, rule, confidence = cands.pop()
            if start < last:
                continue  # overlaps an edit already taken in this pass
            before = text[start:end]
            if before == after:
                continue
            conf = _rounded(confidence)
            s0, e0 = start + shift, end + shift
            origin, stop = (runs.at(start), runs.at(end)) if runs is not None else (pos[s0], pos[e0])
            if conf < threshold:
                if conf >= FLAG_FLOOR:
                    key = (base + origin, base + stop, rule, after)
                    if key not in flagged:
                        flagged[key] = Edit(key[0], key[1], before, after, rule, conf, applied=False)
                continue
            edits.add(base + origin, base + stop, before, after, rule, conf, True)
            pieces.append(text[last:start])
            pieces.append(after)
            if len(pieces) >= _CHUNK:
                chunks.append("".join(pieces))
                pieces.clear()
            n = len(after)
            if runs is not None:
                runs.copy(last, start)
                runs.constant(n, origin)
                last = end
                continue
            _move(pos, w, last + shift, start - last)
            w += start - last
            if w + n > e0:  # pos[e0:] is still to be read
                grow = max(w + n - e0, _SLACK, len(pos) >> 6)
                pos[e0:e0] = array(tc, bytes(grow * pos.itemsize))
                shift += grow
            if n:
                pos[w : w + n] = array(tc, (origin,)) * n
                w += n
            last = end
        if not chunks and not pieces:
            if runs is not None:
                runs.cancel()
            return False
        pieces.append(text[last:])
        chunks.append("".join(pieces))
        del pieces
        self.text = "".join(chunks)
        if runs is not None:
            runs.copy(last, len(text) + 1)
            runs.finish()
            return True
        tail = len(pos) - last - shift
        _move(pos, w, last + shift, tail)
        del pos[w + tail :]
        return True


# The map of a line kept as runs (OffsetRuns): apply reads none of it.
_NO_MAP = array("i")
# Pieces of a new line joined at a time (see _Line.apply).
_CHUNK = 1024
# Offsets moved at a time inside a map (a slice copy of this many is the only extra memory).
_MOVE = 1 << 16
# Least slack inserted into a map for an edit that grows the text (see _Line.apply).
_SLACK = 1 << 12


def _move(pos: array[int], dst: int, src: int, n: int) -> None:
    """pos[dst:dst + n] = pos[src:src + n] for dst <= src, by blocks (no copy of the whole run)."""
    if dst == src or n <= 0:
        return
    for k in range(0, n, _MOVE):
        m = min(_MOVE, n - k)
        pos[dst + k : dst + k + m] = pos[src + k : src + k + m]


def _rounded(confidence: float) -> float:
    """A candidate's confidence as logged: clamped to [0, 1], 4 decimals, and
    one float object per distinct value (at most 10,001), not one per edit."""
    conf = _ROUNDED.get(confidence)
    if conf is None:
        conf = round(min(max(confidence, 0.0), 1.0), 4)
        if 0.0 < conf:
            conf = _CONFIDENCES.setdefault(conf, conf)
        if len(_ROUNDED) >= _ROUNDED_MAX:
            _ROUNDED.clear()
        _ROUNDED[confidence] = conf
    return conf


# Raw confidence -> rounded: most candidates of a page share a few values.
_ROUNDED: dict[float, float] = {}
_ROUNDED_MAX = 4096
# The offset map of a fresh line is 0..len: a slice of this (a memory copy)
# instead of an array built from a range (30 us for a 600-character line).
# Lines up to this long share it; longer ones build their own.
_IDENTITY_MAX = 1 << 14
_IDENTITY = array("i")


def _identity(n: int) -> array[int]:
    """array 0, 1, ..., n - 1 (C ints while they fit)."""
    global _IDENTITY
    if n > _IDENTITY_MAX:
        return array("i" if n <= _Line._INT_MAX else "q", range(n))
    if len(_IDENTITY) < n:
        _IDENTITY = array("i", range(min(max(n, 2 * len(_IDENTITY), 1024), _IDENTITY_MAX)))
    return _IDENTITY[:n]


def _by_span(c: Candidate) -> tuple[int, int]:
    return c.start, c.end


def repair(text: str, *, threshold: float = 0.5) -> Repaired:
    """Repair scraped text; see :mod:`pipeline.repair` for what and how.

    >>> r = repair("El mó;dulo de Relació;n con los clientes")
    >>> r.text
    'El módulo de Relación con los clientes'
    >>> [(e.start, e.before, e.after, e.rule) for e in r.edits]
    [(4, 'ó;', 'ó', 'half_entity'), (20, 'ó;', 'ó', 'half_entity')]
    """
    if not text:
        return Repaired(text)
    mojibake = page_has_mojibake(text)
    controls = page_has_controls(text)
    # Evidence is read from the page as the passes will see it: after the mojibake
    # pass ("×\x80;" is the remnant "׀;", "\x8b;" is "‹;"), and with its controls
    # removed (a control hides what follows it).
    lines = text.split("\n")
    seen = text
    if mojibake:
        fixed = [as_fixed(line) for line in lines]
        if fixed != lines:  # a second copy of the page only when the pass changes a line of it
            seen = "\n".join(fixed)
        del fixed
    if controls:
        seen = without_controls(seen)
    ctx = PageContext(damage=page_damage(seen), text=seen)
    del seen
    # Columns of machine ints, not Edit objects: a page scraped as one line makes
    # an edit every ~15 bytes, and as objects the log alone was 10x the input.
    edits = EditColumns()
    flagged: dict[tuple[int, int, str, str], Edit] = {}
    trigger = _needs_work_thai if ctx.has_thai else _needs_work
    # A page of one line is its line: the page-level scans already answered the line-level ones.
    single = len(lines) == 1
    base = 0
    for i in range(len(lines)):
        line = lines[i]
        size = len(line)
        if single:
            moji = mojibake or controls
        else:
            moji = (mojibake and line_has_mojibake(line)) or (controls and line_has_controls(line))
        if moji or trigger(line):
            # The line leaves ``lines`` while it is repaired: on a page scraped as
            # one line, a second copy of it held to the end was 1.6x the input.
            del line
            lines[i] = _repair_line(lines, i, base, ctx, threshold, moji, edits, flagged, trigger)
        base += size + 1
    log = edits.sorted_by_span()  # stable, as list.sort by (start, end) is
    review: list[Edit] = []
    if flagged:
        # Only the applied spans that were also flagged: no set of every edit's key.
        applied_spans = {k for k in map(log.key, range(len(log))) if k in flagged}
        review = sorted((e for k, e in flagged.items() if k not in applied_spans), key=lambda e: (e.start, e.end))
    return Repaired("\n".join(lines), EditLog(log), review)


def _repair_line(
    lines: list[str],
    i: int,
    base: int,
    ctx: PageContext,
    threshold: float,
    mojibake: bool,
    edits: EditColumns,
    flagged: dict[tuple[int, int, str, str], Edit],
    trigger: Callable[[str], bool],
) -> str:
    state = _Line(lines[i], base)
    lines[i] = ""  # state.text holds the only reference (see repair)
    moji = mojibake
    for _ in range(MAX_ROUNDS):
        changed = False
        if moji:
            # ftfy's order: encodings (and C1 controls read as cp1252) first,
            # then the controls and escape sequences that are left.
            changed |= state.apply(mojibake_candidates(state.text, ctx), threshold, edits, flagged)
            changed |= state.apply(control_candidates(state.text, ctx), threshold, edits, flagged)
        if trigger(state.text):
            for find in PASSES:
                changed |= state.apply(find(state.text, ctx), threshold, edits, flagged)
        if not changed:
            break
        # An edit can reveal mojibake (an entity decoded next to a C1 control):
        # fix it in this call, or a second repair() would (idempotence).
        moji = line_has_mojibake(state.text) or line_has_controls(state.text)
    return state.text
