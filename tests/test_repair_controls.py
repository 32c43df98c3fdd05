"""Control and invisible characters: dropped (or replaced) in repair, each as a recorded edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.repair import repair

THAI = "ความสัมพันธ์กับลูกค้าเป็นหัวใจของธุรกิจ"


@pytest.mark.parametrize(
    "text, expected, rules",
    [
        ("Texto \x1b[1;31mrojo\x1b[0m y normal", "Texto rojo y normal", {"terminal_escape"}),
        ("Título\x1b]0;owned\x07 de la lección", "Título de la lección", {"terminal_escape"}),
        ("OSC con ST\x1b]2;x\x1b\\ fin", "OSC con ST fin", {"terminal_escape"}),
        ("campana\x07 y\x1f separador\x00nulo\x7f", "campana y separadornulo", {"control"}),
        ("a\x0bb y c\x0cd, fin\x0c", "a b y c d, fin", {"control"}),
        ("usuario \u202etxt.exe\u202c y \u2066aislado\u2069", "usuario txt.exe y aislado", {"control"}),
        ("pala\u200bbra rota y BOM\ufeff dentro", "palabra rota y BOM dentro", {"control"}),
        ("no\u200dunido y \u200cinicio", "nounido y inicio", {"control"}),
        ("nocaracteres \ufffe\uffff y \U0001fffe fin", "nocaracteres  y  fin", {"control"}),
        ("resto C1 \x81 sin uso", "resto C1  sin uso", {"control"}),
        ("suelto \ud800 sustituto", "suelto \ufffd sustituto", {"mojibake"}),  # ftfy's fix_surrogates
    ],
)
def test_controls_are_dropped_as_recorded_edits(text: str, expected: str, rules: set[str]) -> None:
    result = repair(text)
    assert result.text == expected
    assert {e.rule for e in result.edits} == rules
    for e in result.edits:
        assert text[e.start : e.end] == e.before  # offsets index the input
        assert e.applied and e.confidence >= 0.9
    assert repair(result.text).text == result.text


@pytest.mark.parametrize(
    "text",
    [
        THAI,
        "ภาษา\u200bไทย\u200bใช้ช่องว่างความกว้างศูนย์",  # ZWSP between Thai words: a line-break hint
        "👨\u200d👩\u200d👧 familia",  # ZWJ emoji sequence
        "می\u200cخواهم",  # ZWNJ in Persian
        "עברית \u200f(RTL mark) y árabe \u061c",  # directional marks stay
        "tabla\tcon\ttabuladores\nsegunda línea",
    ],
)
def test_meaningful_invisibles_and_structure_stay(text: str) -> None:
    result = repair(text)
    assert result.text == text
    assert not result.edits


def test_line_count_kept_and_thai_untouched_around_controls() -> None:
    text = f"{THAI}\x07\nlínea\x0b2\n\x1b[2J\n{THAI}"
    result = repair(text)
    assert result.text == f"{THAI}\nlínea 2\n\n{THAI}"
    assert result.text.count("\n") == text.count("\n")


def test_mojibake_c1_is_read_before_controls_are_dropped() -> None:
    # \x93 \x94 are cp1252 quotes, not controls: the mojibake pass reads them first.
    result = repair("dijo \x93hola\x94 y se fue")
    assert result.text == "dijo “hola” y se fue"
    assert {e.rule for e in result.edits} == {"mojibake"}


def test_a_run_writes_no_control_character_and_logs_every_one(tmp_path: Path) -> None:
    """Markdown, sidecar text and edit log agree: nothing invisible reaches an output unrecorded."""
    import json

    from click.testing import CliRunner

    from pipeline.cli import main

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    body = (
        "Lección\x07 de prueba\n\nLa relación\x1b[31m con\x1b[0m los clientes\x0bimporta.\n"
        f"Texto \u202eoculto\u202c y BOM\ufeff y \ufffe fin.\n\n{THAI}\n"
    )
    (raw / "ctl.txt").write_text(body, encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), str(out)])
    assert result.exit_code == 0, result.output
    md = (out / "source" / "ctl.md").read_text(encoding="utf-8")
    bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
    assert not bad.search(md)
    assert THAI in md and "los clientes importa." in md
    sidecars = [p for p in out.rglob("*.json") if "ctl" in p.name]
    assert sidecars
    edits = json.loads(sidecars[0].read_text(encoding="utf-8"))["edits"]
    rules = [e["rule"] for e in edits]
    assert rules.count("terminal_escape") == 2 and rules.count("control") == 6
