"""The offset map of a line under repair, rewritten in place (short lines) or
kept as runs (long lines, pipeline.repair.offset_runs), says exactly what
rebuilding it from scratch on every pass says (the first definition, kept here
as the oracle), on random lines whose edits shrink, grow and delete."""

from __future__ import annotations

import random

import pytest

from pipeline.document import Edit
from pipeline.edit_log import EditColumns, EditLog
from pipeline.repair import core
from pipeline.repair.base import Candidate


def _oracle_apply(
    text: str, pos: list[int], base: int, cands: list[Candidate], threshold: float, edits: list[Edit], flagged: dict
) -> tuple[str, list[int], bool]:
    """Sure, non-overlapping candidates left to right, the map rebuilt as a new list."""
    cands = sorted(cands, key=lambda c: (c.start, c.end))
    pieces: list[str] = []
    new_pos: list[int] = []
    last = 0
    for start, end, after, rule, confidence in cands:
        if start < last:
            continue
        before = text[start:end]
        if before == after:
            continue
        conf = core._rounded(confidence)
        if conf < threshold:
            if conf >= core.FLAG_FLOOR:
                key = (base + pos[start], base + pos[end], rule, after)
                flagged.setdefault(key, Edit(key[0], key[1], before, after, rule, conf, applied=False))
            continue
        edits.append(Edit(base + pos[start], base + pos[end], before, after, rule, conf))
        pieces += [text[last:start], after]
        new_pos += pos[last:start] + [pos[start]] * len(after)
        last = end
    if not pieces:
        return text, pos, False
    pieces.append(text[last:])
    return "".join(pieces), new_pos + pos[last:], True


def _candidates(rng: random.Random, text: str) -> list[Candidate]:
    out = []
    for _ in range(rng.randint(0, max(1, len(text) // 4))):
        start = rng.randint(0, len(text))
        end = min(len(text), start + rng.choice([0, 1, 1, 2, 3, 8]))
        # Mostly shrinking (as real damage does), some growing by a lot, some deleting.
        after = rng.choice(["", "x", "é", "ab", "xyz" * rng.randint(1, 30)])
        out.append(Candidate(start, end, after, rng.choice(["r1", "r2"]), rng.choice([0.9, 0.6, 0.3, 0.1, 1.0])))
    return out


@pytest.mark.parametrize("mode", ["default", "in place, tiny blocks", "runs, tiny blocks"])
def test_in_place_map_matches_the_rebuilt_one(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    if mode != "default":  # every path: slack, block moves, chunks, and runs past 16 characters
        if mode.startswith("runs"):
            monkeypatch.setattr(core, "_IDENTITY_MAX", 16)
        monkeypatch.setattr(core, "_SLACK", 2)
        monkeypatch.setattr(core, "_MOVE", 3)
        monkeypatch.setattr(core, "_CHUNK", 4)
    rng = random.Random(5)
    for _ in range(300):
        text = "".join(rng.choice("abc;&< é") for _ in range(rng.randint(0, 400)))
        base = rng.randint(0, 1000)
        line = core._Line(text, base)
        o_text, o_pos = text, list(range(len(text) + 1))
        cols, o_edits = EditColumns(), list[Edit]()
        flagged: dict = {}
        o_flagged: dict = {}
        for _ in range(5):
            cands = _candidates(rng, line.text)
            changed = line.apply(list(cands), 0.5, cols, flagged)
            o_text, o_pos, o_changed = _oracle_apply(o_text, o_pos, base, cands, 0.5, o_edits, o_flagged)
            assert changed == o_changed
            assert line.text == o_text
            assert list(line.pos) == o_pos
        assert list(EditLog(cols)) == o_edits
        assert flagged == o_flagged


def test_a_long_line_repairs_the_same_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole repair() on long damaged lines: the same text and edit log with any block sizes."""
    rng = random.Random(8)
    units = ["mó;dulo ", "&oacute; ", "Ã©xito ", "<p>x</p> ", "ofﬁce ", "¿;mo ", "relació;n ", "plain text "]
    lines = ["".join(rng.choice(units) for _ in range(rng.randint(100, 3000))) for _ in range(6)]
    want = [core.repair(t) for t in lines]
    monkeypatch.setattr(core, "_IDENTITY_MAX", 64)
    monkeypatch.setattr(core, "_SLACK", 1)
    monkeypatch.setattr(core, "_MOVE", 7)
    monkeypatch.setattr(core, "_CHUNK", 2)
    for t, w in zip(lines, want):
        got = core.repair(t)
        assert got.text == w.text and got.edits == w.edits and got.flagged == w.flagged
