"""Golden cases for the repair stage (data in tests/golden/repair.jsonl, schema in its README)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.repair import RULES, repair

GOLDEN = Path(__file__).parent / "golden" / "repair.jsonl"
KINDS = {"wild", "synthetic", "negative", "known_failure"}


def _load() -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in GOLDEN.read_text("utf-8").splitlines() if line.strip()]
    return cases


CASES = _load()


def _params() -> list[Any]:
    out = []
    for case in CASES:
        marks = []
        if case["kind"] == "known_failure":
            marks.append(pytest.mark.xfail(strict=True, reason=case.get("note", "known failure")))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


def test_golden_file_is_well_formed() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for case in CASES:
        assert case["kind"] in KINDS, case["id"]
        assert set(case) <= {"id", "kind", "input", "expected", "note"}, case["id"]
        assert ("expected" in case) == (case["kind"] != "negative"), case["id"]
    kinds = {c["kind"] for c in CASES}
    assert kinds <= KINDS
    assert KINDS - {"known_failure"} <= kinds  # known failures may run out: that is the point of them


@pytest.mark.parametrize("case", _params())
def test_golden(case: dict[str, Any]) -> None:
    text = case["input"]
    expected = case.get("expected", text)
    result = repair(text)
    assert result.text == expected
    if case["kind"] == "negative":
        assert result.edits == []
        return
    assert result.edits, "a damaged case must record its edits"
    assert all(e.rule in RULES and e.applied for e in result.edits)
    assert all(not e.applied for e in result.flagged)
    assert result.text.count("\n") == text.count("\n")
    again = repair(result.text)
    assert again.text == result.text
    assert again.edits == []
