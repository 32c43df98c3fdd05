"""Thai tails of any length: restored whole from the transliteration + lexicon, or left whole and flagged."""

from __future__ import annotations

import pytest

from pipeline.repair import repair
from pipeline.repair.thai_tails import clusters, key, match

# A page where the decoder left every entity's ";": the evidence of a damaged page.
PAGE = "La relació;n con el cliente y la comunicació;n son clave en el mó;dulo.\n"
FIXED = "La relación con el cliente y la comunicación son clave en el módulo.\n"


@pytest.mark.parametrize(
    ("damaged", "restored"),
    [
        ("Hay que aplicá;นดอลอ.", "Hay que aplicándolo."),  # vowels carried by อ, five clusters
        ("Viajamos a Mé;ซิคอ el lunes.", "Viajamos a México el lunes."),  # x spelled ซ
        ("Los paí;สเส, sus mercados.", "Los países, sus mercados."),  # เ written before its consonant
        ("La atenció;น al cliente.", "La atención al cliente."),
        ("Ademá;ส, la propuesta.", "Además, la propuesta."),
        ("Un motor hidrá;อู่ลีกอซ nuevo.", "Un motor hidráulicos nuevo."),  # tone mark, vowel below
        ("Es auté;นที่ก่ะเม้นเต้ útil.", "Es auténticamente útil."),  # six clusters, tone marks, ะ
        ("La comunica;ชั่น directa.", "La comunicación directa."),  # "-tion" spelling of -ción
    ],
)
def test_tails_restored_whole(damaged: str, restored: str) -> None:
    result = repair(PAGE + damaged)
    assert result.text == FIXED + restored
    (edit,) = [e for e in result.edits if e.rule == "thai_tail"]
    assert edit.applied and edit.confidence >= 0.5
    assert repair(result.text).edits == []


def test_unreadable_tail_is_left_whole_and_flagged() -> None:
    # No lexicon word starts with "Zyxwá": the token stays exactly as it was.
    text = PAGE + "El proyecto Zyxwá;ลอบอ empieza."
    result = repair(text)
    assert "Zyxwá;ลอบอ" in result.text  # the ";" is not removed with the Thai kept
    assert any(e.rule == "thai_tail" and not e.applied for e in result.flagged)
    assert not any(e.rule == "half_entity" and "Zyx" in text[e.start - 6 : e.end] for e in result.edits)


def test_no_half_repair_anywhere() -> None:
    # Whatever happens to a glued tail, the output never holds a stem glued to Thai without its ";".
    for tail in ("นดอลอ", "ซิคอ", "สเส", "กขฃ", "ฮ่ฮ่ฮ่"):
        out = repair(PAGE + f"Una prueba: aplicá;{tail} bien.").text
        assert f"aplicá{tail}" not in out


def test_a_lone_thai_letter_is_never_left_after_a_restored_prefix() -> None:
    # "carecerí;อาน": "carecería" + "น" would be a half-repair; the token is kept whole instead.
    result = repair(PAGE + "Nadie carecerí;อาน de nada.")
    assert "carecerí;อาน" in result.text or "carecerían" in result.text
    assert "careceríaน" not in result.text
    # Real Thai (a word of several clusters) after the tail is kept after the repaired word.
    assert repair(PAGE + "la relació;นกับลูกค้า").text.endswith("la relaciónกับลูกค้า")


def test_real_thai_is_untouched() -> None:
    text = "ความสัมพันธ์กับลูกค้า es la relación con el cliente. ลูกค้า compra."
    assert repair(text).text == text
    assert repair(PAGE + text).text == FIXED + text


def test_phonetic_key_and_clusters() -> None:
    assert key("México") == key("mésiko".replace("s", "ks"))
    assert key("vaca") == key("baka")
    assert key("calle") == key("kaye")
    assert clusters("นดอลอ") == ["น", "ด", "อ", "ล", "อ"]
    assert match("aplicá", "นดอลอ")[0] == "aplicándolo"  # type: ignore[index]
    assert match("zyxwá", "ลอบอ") is None


@pytest.mark.parametrize(
    ("damaged", "restored"),
    [
        ("Nuestros clienteส compran cada semana.", "Nuestros clientes compran cada semana."),
        ("Nuestros clienteส.", "Nuestros clientes."),
        ("Los productoส nuevos, y más.", "Los productos nuevos, y más."),
    ],
)
def test_short_thai_ending_glued_onto_a_word_is_restored_in_spanish_text(damaged: str, restored: str) -> None:
    # "cliente" is a word on its own; the Thai letter read exactly completes a commoner one.
    result = repair(PAGE + damaged)
    assert result.text == FIXED + restored
    (edit,) = [e for e in result.edits if e.rule == "thai_tail"]
    assert edit.applied
    assert repair(result.text).edits == []


@pytest.mark.parametrize(
    "text",
    [
        "Nuestros clienteลูกค้า compran cada semana.",  # a Thai word: no Spanish ending reads from it
        "Nuestros cliente ส compran cada semana.",  # after a space: Thai
        "ลูกค้าclienteส ซื้อทุกสัปดาห์",  # among Thai: no Spanish word before it
        "Nuestros clienteส ลูกค้าซื้อ",  # Thai after it
        "Nuestros clienteสำคัญ compran.",  # a Thai word of several clusters
        "Nuestros clienteนะ compran.",  # a Thai particle: reads as no Spanish word
        "Nuestros clienteสes compran.",  # Latin letters after the Thai: not a lost ending
    ],
)
def test_real_thai_glued_to_a_spanish_word_is_untouched(text: str) -> None:
    result = repair(PAGE + text)
    assert result.text == FIXED + text
    assert not [e for e in result.edits if e.rule == "thai_tail"]


def test_thai_ending_on_a_word_needs_page_evidence() -> None:
    # A clean page: the same token is only shown to a reviewer.
    result = repair("Nuestros clienteส compran cada semana.")
    assert result.text == "Nuestros clienteส compran cada semana."
    assert [(e.before, e.after, e.applied) for e in result.flagged] == [("clienteส", "clientes", False)]
