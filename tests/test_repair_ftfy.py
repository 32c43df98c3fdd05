"""ftfy parity: ftfy's own test cases (tests/data/ftfy, vendored) through ``repair``.

Every case that the installed ``ftfy.fix_text`` gets right must come out of
``pipeline.repair.repair`` right too, ignoring only ftfy's quote
straightening, which the project keeps off (curly quotes are text). Negative
cases that ftfy leaves alone stay byte-identical with no applied edit.

Cases ftfy itself fails are expected failures and not counted. One case
diverges on purpose, by the project's rule that control characters never
reach an output (issue 14): see ``DIVERGENCES``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ftfy
import pytest
from ftfy.fixes import uncurl_quotes

from pipeline.repair import RULES, repair

DATA = Path(__file__).parent / "data" / "ftfy"
SETS = ("in-the-wild", "synthetic", "language-names", "negative", "known-failures")

# label -> what repair gives instead, and why.
DIVERGENCES = {
    "Synthetic, negative: don't leak our internal use of byte 0x1A": (
        "These control characters  are apparently intentional ",
        "U+0081 is no cp1252 character and no text: repair drops it as a recorded 'control' edit, "
        "like every other control character, so Markdown, HTML and TMX agree",
    ),
}


def _cases() -> list[Any]:
    out = []
    for name in SETS:
        for i, case in enumerate(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))):
            ftfy_passes = ftfy.fix_text(case["original"]) == case["fixed"]
            marks = [] if ftfy_passes else [pytest.mark.xfail(reason="ftfy.fix_text fails this case too", strict=False)]
            out.append(pytest.param(name, case, id=f"{name}-{i}", marks=marks))
    return out


CASES = _cases()


def _same_but_quotes(a: str, b: str) -> bool:
    return uncurl_quotes(a) == uncurl_quotes(b)


@pytest.mark.parametrize("name, case", CASES)
def test_ftfy_case(name: str, case: dict[str, str]) -> None:
    original, fixed = case["original"], case["fixed"]
    result = repair(original)
    assert all(e.rule in RULES for e in result.edits)
    if case["label"] in DIVERGENCES:
        assert result.text == DIVERGENCES[case["label"]][0]
        return
    assert _same_but_quotes(result.text, fixed), (result.text, fixed)
    if name == "negative" and _same_but_quotes(original, fixed):
        assert result.text == original
        assert not result.edits
    # Idempotent: repairing the repair changes nothing more.
    assert repair(result.text).text == result.text
    # ftfy's own test: one more layer of damage (UTF-8 read as latin-1 again) is fixed too.
    extra = original.encode("utf-8").decode("latin-1")
    if ftfy.fix_text(extra) == fixed:
        assert _same_but_quotes(repair(extra).text, fixed)


def test_every_set_is_vendored_with_its_licence() -> None:
    assert (DATA / "LICENSE.txt").read_text(encoding="utf-8").startswith("Copyright")
    counts = {name: len(json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))) for name in SETS}
    assert counts == {"in-the-wild": 70, "synthetic": 30, "language-names": 20, "negative": 31, "known-failures": 10}


CLEAN = [
    "La relación con los clientes define cómo la empresa atiende a cada segmento; por ejemplo, "
    "«autoservicio» o “asistencia personal”… ¿Qué ganaría el cliente? ¡Mucho! Año 1990: 25 °C, 3 € y 5 %.",
    "ÑANDÚ, ACCIÓN Y DIRECCIÓN. Está claro: la compañía, el pingüino, la cigüeña y el señor Muñoz.",
    "ความสัมพันธ์กับลูกค้าเป็นหัวใจของธุรกิจ ลูกค้าจะเลือกเราเมื่อเราแก้ปัญหาของเขาได้ ๑๒๓ ฯลฯ ๆ",
    "The customer's “value proposition” — what problem it solves… and why it’s better (€5, £3, ©).",
    "Bremer/Mccoy – DrÃ¥ber",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_spanish_thai_english_stay_byte_identical(text: str) -> None:
    result = repair(text)
    assert result.text == text
    assert not result.edits
