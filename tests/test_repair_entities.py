"""Every entity remnant: all HTML5 named and numeric entities, in every half-decoded form."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from pipeline.repair import repair

ROOT = Path(__file__).resolve().parent.parent
# A page the way a broken decoder leaves it: most accented letters carry a ";".
DAMAGED = "La relació;n y la comunicació;n del mó;dulo. El diseñ;o y la secció;n de precios."


@pytest.mark.parametrize(
    "remnant, expected",
    [
        ("—;", "—"),
        ("…;", "…"),
        ("n.°;", "n.°"),
        ("«;", "«"),
        ("»;", "»"),
        ("€;", "€"),
        ("©;", "©"),
        ("º;", "º"),
        ("ª;", "ª"),
        ("¡;", "¡"),
        ("ō;", "ō"),
        ("&#333;", "ō"),
        ("&#x2014;", "—"),
        ("&#8212", "—"),
        ("#8212;", "—"),
        ("#x2014;", "—"),
        ("&amp;#8230;", "…"),
        ("&mdash;", "—"),
        ("&mdash", "—"),
        ("mdash;", "—"),
        ("hellip;", "…"),
        ("&amp;hellip;", "…"),
        ("&amp;aacute;", "á"),
        ("&amp;amp;laquo;", "«"),
        ("&NewLine;", " "),
        ("&Acy;", "А"),
    ],
)
def test_every_form_in_a_damaged_page(remnant: str, expected: str) -> None:
    text = f"{DAMAGED}\nEl valor {remnant} propuesto cambia."
    result = repair(text)
    assert result.text.split("\n")[1] == f"El valor {expected} propuesto cambia."
    assert result.text.count("\n") == 1
    assert all(e.applied for e in result.edits)
    assert repair(result.text).text == result.text  # idempotent


@pytest.mark.parametrize(
    "word, expected",
    [
        ("relacioacute;n", "relación"),
        ("mō;dulo", "mōdulo"),
        ("Ĳ;sselmeer", "IJsselmeer"),
        ("pal&Acy;abra", "palАabra"),
        ("palabra&hellip;", "palabra…"),
        ("cambiadoBreve;", "cambiado˘"),
        ("C&ufriudad", "C𝔲iudad"),
        ("un⃜;", "un⃜"),
    ],
)
def test_remnants_glued_to_words(word: str, expected: str) -> None:
    result = repair(f"{DAMAGED}\nUn {word} aquí.")
    assert result.text.split("\n")[1] == f"Un {expected} aquí."


CLEAN = [
    "Está claro; por ejemplo; cara a cara o por teléfono.",
    "Se fundó en 1990; después (en 1995) creció; luego, «sí»; y “no”; al final 25 %; 3 €; 10 °;",
    "AT&T y R&D; Q&A; Tom & Jerry; C# y F#; el #1; la lección #12; y luego —; o no…; fin.",
    "Es para; copy; and; not; real; euro; le; ni; la; en; son; times; check; image;",
    "Ver https://example.org/buscar?q=valor&copy=2&nbsp=1&mdash;x para más.",
    "ความสัมพันธ์กับลูกค้า; ลูกค้า;",
    "Putin; Rafael; Daniel; Kevin; Berlín; Martin; Merkel;",
    "AT&Tabla y R&Dlab; M&Ms; P&G; Johnson&Johnson; H&M; Procter&Gamble, &notice, &copyright 2020",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_semicolons_are_left_alone(text: str) -> None:
    result = repair(text)
    assert result.text == text
    assert not result.edits


def test_word_like_bare_names_are_not_applied_in_a_clean_page() -> None:
    result = repair("Sin el signo: and; ni; copy; y luego.")
    assert result.text == "Sin el signo: and; ni; copy; y luego."


def test_generated_corpus_restore_rate_and_no_false_edits() -> None:
    """bench/entities.py on every 7th name and character (the full run is the bench)."""
    spec = importlib.util.spec_from_file_location("bench_entities", ROOT / "bench" / "entities.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_entities"] = module
    spec.loader.exec_module(module)
    table = module.measure(step=7)
    clean = table.pop("clean_controls")
    assert clean["false_edits"] == 0 and clean["lines"] > 400
    cases = sum(s["cases"] for s in table.values())
    restored = sum(s["restored"] for s in table.values())
    assert cases > 2500
    assert restored / cases >= 0.995
