"""The compact edit log behaves as the plain list of Edit objects it stands for."""

from __future__ import annotations

import copy
import json
import pickle
import random

import pytest

from pipeline.document import Edit
from pipeline.edit_log import EditColumns, EditLog
from pipeline.repair import repair


def _edits(n: int, seed: int = 3) -> list[Edit]:
    rng = random.Random(seed)
    rules = ["half_entity", "mojibake", "markup", "lost_letters"]
    out = []
    for _ in range(n):
        s = rng.randint(0, 3_000_000_000)  # past a C int: the columns widen
        before = rng.choice(["ó;", "Ã©", "<p>", "x" * 100, ""])
        after = rng.choice(["ó", "é", "", "y" * 70])
        conf = rng.choice([0.9, 1.0, 1, 0.55, -0.0, 0.3])
        out.append(Edit(s, s + rng.randint(0, 5), before, after, rng.choice(rules), conf, rng.random() < 0.8))
    return out


def test_reads_like_the_list() -> None:
    plain = _edits(300)
    log = EditLog(plain)
    assert isinstance(log, list) and len(log) == len(plain) and bool(log)
    assert list(log) == plain and log == plain and plain == log and not (log != plain)
    assert list(reversed(log)) == plain[::-1]
    for i in (0, 5, -1, -300, 299):
        assert log[i] == plain[i]
    for bad in (300, -301):
        with pytest.raises(IndexError):
            log[bad]
    assert log[3:40:3] == plain[3:40:3] and log[::-1] == plain[::-1]
    assert log + plain[:2] == plain + plain[:2] and plain[:2] + log == plain[:2] + plain
    assert repr(log) == repr(plain) and str(log) == str(plain)
    assert (
        plain[7] in log
        and log.index(plain[7]) == plain.index(plain[7])
        and log.count(plain[7]) == plain.count(plain[7])
    )
    assert sorted(log, key=lambda e: e.end) == sorted(plain, key=lambda e: e.end)
    # Types survive: as_dict (the sidecar) writes 1 and -0.0 as they were given.
    assert json.dumps([e.as_dict() for e in log]) == json.dumps([e.as_dict() for e in plain])
    assert EditLog() == [] and not EditLog() and repr(EditLog()) == "[]"


def test_pickles_and_copies() -> None:
    plain = _edits(200)
    log = EditLog(plain)
    for other in (pickle.loads(pickle.dumps(log)), copy.copy(log), copy.deepcopy(log)):
        assert type(other) is EditLog and other == plain
    log.append(plain[0])  # now a plain list inside
    assert pickle.loads(pickle.dumps(log)) == plain + plain[:1]


@pytest.mark.parametrize(
    "change",
    [
        lambda x: x.append(x[0]),
        lambda x: x.extend(x[:3]),
        lambda x: x.insert(2, x[-1]),
        lambda x: x.pop(),
        lambda x: x.pop(0),
        lambda x: x.remove(x[4]),
        lambda x: x.clear(),
        lambda x: x.reverse(),
        lambda x: x.sort(key=lambda e: (e.rule, e.start)),
        lambda x: x.__setitem__(1, x[0]),
        lambda x: x.__setitem__(slice(0, 3), []),
        lambda x: x.__delitem__(5),
        lambda x: x.__iadd__(x[:2]),
        lambda x: x.__imul__(2),
    ],
)
def test_changes_like_the_list(change: object) -> None:
    plain = _edits(50)
    log = EditLog(plain)
    assert callable(change)
    change(plain)
    change(log)
    assert log == plain and list(log) == plain and len(log) == len(plain)


def test_sorted_by_span_is_a_stable_sort() -> None:
    plain = _edits(2000, seed=9)
    cols = EditColumns()
    for e in plain:
        cols.add_edit(e)
    assert list(EditLog(cols.sorted_by_span())) == sorted(plain, key=lambda e: (e.start, e.end))


def test_repair_gives_an_edit_log_of_the_same_edits() -> None:
    text = "El mó;dulo &oacute; Ã©xito <p>hola</p> relació;n " * 50
    r = repair(text)
    assert type(r.edits) is EditLog and len(r.edits) > 100
    again = [Edit(e.start, e.end, e.before, e.after, e.rule, e.confidence, e.applied) for e in r.edits]
    assert r.edits == again and [e.start for e in r.edits] == sorted(e.start for e in r.edits)


def test_columns_widen_for_values_past_their_width() -> None:
    # Over 32,767 distinct texts, 127 kinds, spans past a byte (and negative), starts past a C int.
    plain = [
        Edit(k * 70_000, k * 70_000 + (k % 700) - 100, "b" * 65 + str(k), "a" * 65 + str(k), f"r{k % 300}", 0.5, True)
        for k in range(40_000)
    ]
    log = EditLog(plain)
    assert log == plain and log[-1] == plain[-1] and pickle.loads(pickle.dumps(log)) == plain
    cols = EditColumns()
    for e in reversed(plain):
        cols.add_edit(e)
    assert list(EditLog(cols.sorted_by_span())) == sorted(plain, key=lambda e: (e.start, e.end))
