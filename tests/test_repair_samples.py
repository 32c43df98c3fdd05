"""The real study samples (../shared/samples) and the project's raw/ lessons.

The study samples are read where they live, never copied: the test is skipped
when the folder is absent. Checks: every damaged token repaired, nothing else
changed (the edit log accounts for every difference), idempotent, lines kept.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.decode import decode_bytes
from pipeline.repair import RULES, repair

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
RAW = ROOT / "raw"

# What must not survive a repair, whatever the page.
LEFTOVERS = {
    "half-decoded ';'": re.compile(r"[À-ÿ¿¡];(?=\S)"),
    "lost letters ';'": re.compile(r"(?:^|\s);[A-Za-zÀ-ÿ]", re.MULTILINE),
    "Thai glued to Latin": re.compile(r"[A-Za-zÀ-ÿ];?[\u0e01-\u0e4e]"),
    "NBSP + ';' line": re.compile(r"^[ \u00a0]*\u00a0;[ \u00a0]*$", re.MULTILINE),
    "HTML tag": re.compile(r"</?(?:p|br|strong|em|b|i|span|div|a)\b[^>]*>", re.IGNORECASE),
    "HTML entity": re.compile(r"&(?:[a-zA-Z]{2,8}|#\d+|#x[0-9a-fA-F]+);"),
    "mojibake": re.compile(r"Ã[\u0080-\u00bf]|Â[¡¿\u00a0]"),
}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.txt")) if folder.is_dir() else []


def _replay(text: str, edits: list) -> str:  # type: ignore[type-arg]
    """Apply the logged edits to the input: the result must be the repaired text.

    Chained edits (a fix on the output of another) share a start; the last one
    in the log holds the final text of that span.
    """
    out, last = [], 0
    groups: dict[int, list] = {}  # type: ignore[type-arg]
    for e in edits:
        groups.setdefault(e.start, []).append(e)
    for start in sorted(groups):
        group = groups[start]
        end = max(e.end for e in group)
        out.append(text[last:start])
        out.append(group[-1].after)
        last = end
    out.append(text[last:])
    return "".join(out)


def _check(path: Path) -> None:
    decoded = decode_bytes(path.read_bytes(), str(path))
    text = decoded.text
    result = repair(text)
    assert result.text.count("\n") == text.count("\n"), "line count changed"
    for name, pattern in LEFTOVERS.items():
        m = pattern.search(result.text)
        assert m is None, f"{path.name}: {name} left: {result.text[max(0, m.start() - 30) : m.end() + 30]!r}"
    assert all(e.rule in RULES for e in result.edits)
    again = repair(result.text)
    assert again.text == result.text and again.edits == []
    assert _replay(text, result.edits) == result.text, "a change is missing from the edit log"


@pytest.mark.skipif(not _files(SAMPLES), reason="../shared/samples not present")
@pytest.mark.parametrize("path", _files(SAMPLES), ids=lambda p: p.name)
def test_study_sample(path: Path) -> None:
    _check(path)


@pytest.mark.skipif(not _files(SAMPLES), reason="../shared/samples not present")
def test_study_samples_change_only_damage() -> None:
    """Every edit is a damage repair of a kind the page shows, and nothing else."""
    for path in _files(SAMPLES):
        text = decode_bytes(path.read_bytes(), str(path)).text
        result = repair(text)
        assert result.flagged == []
        for e in result.edits:
            assert e.before == text[e.start : e.end]
            if e.rule == "half_entity":
                assert e.before == e.after + ";"
            elif e.rule == "nbsp_line":
                assert e.before.strip(" ") == "\u00a0;" and e.after == ""
            elif e.rule == "html_tag":
                assert re.fullmatch(r"(?:</?p>)+", e.before) and e.after == ""
            elif e.rule == "thai_tail":
                assert e.after.startswith(e.before.split(";")[0]) and ";" in e.before
            elif e.rule == "lost_letters":
                assert e.before.startswith(";") and e.after.endswith(e.before[1:])
            else:
                pytest.fail(f"{path.name}: unexpected rule {e.rule}: {e}")
        # The words a reader would look for come out whole.
        if "es-th" in path.name:
            for word in ("cómo", "atención", "Además", "módulo", "Relación", "útil", "qué medida"):
                assert word in result.text, word
            thai_in = re.findall(r"[\u0e00-\u0e7f]+", text)
            thai_out = re.findall(r"[\u0e00-\u0e7f]+", result.text)
            assert len(thai_out) == len(thai_in) - 2  # only the two glued tails went


@pytest.mark.skipif(not _files(RAW), reason="raw/ lessons not written yet")
@pytest.mark.parametrize("path", _files(RAW), ids=lambda p: p.name)
def test_raw_lesson(path: Path) -> None:
    _check(path)
