"""Sentence splitting: rules on es/en/th text, and coverage properties."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.sentences import split_long, split_sentences


def texts(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Primera frase. Segunda frase.", ["Primera frase.", "Segunda frase."]),
        ("¿Vienes mañana? ¡Claro que sí! Nos vemos.", ["¿Vienes mañana?", "¡Claro que sí!", "Nos vemos."]),
        ("Hablé con el Sr. Gómez y la Dra. Ruiz. Todo bien.", ["Hablé con el Sr. Gómez y la Dra. Ruiz.", "Todo bien."]),
        ("Costes fijos, p. ej. Alquiler y sueldos. Fin.", ["Costes fijos, p. ej. Alquiler y sueldos.", "Fin."]),
        (
            "Some channels, e.g. Email, work well. Others do not.",
            ["Some channels, e.g. Email, work well.", "Others do not."],
        ),
        ("Papel, lápices, etc. y otras cosas. Después.", ["Papel, lápices, etc. y otras cosas.", "Después."]),
        ("Papel, lápices, etc. Luego vienen los libros.", ["Papel, lápices, etc.", "Luego vienen los libros."]),
        ("El margen subió un 3.5 por ciento. Bien.", ["El margen subió un 3.5 por ciento.", "Bien."]),
        ("Visita www.ejemplo.com/a.b?x=1 ahora. Gracias.", ["Visita www.ejemplo.com/a.b?x=1 ahora.", "Gracias."]),
        ("Y entonces... Nada cambió. Bueno... quizá sí.", ["Y entonces...", "Nada cambió.", "Bueno... quizá sí."]),
        ("Ver pág. 12 del libro. Fin.", ["Ver pág. 12 del libro.", "Fin."]),
        ("Dijo que no. Después se fue.", ["Dijo que no.", "Después se fue."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("Título sin punto\nOtra línea\n\n- elemento", ["Título sin punto", "Otra línea", "- elemento"]),
        ("Precio: 10 €. 20 € con envío.", ["Precio: 10 €.", "20 € con envío."]),
    ],
)
def test_rules(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_thai_clauses_split_at_spaces_and_script_changes() -> None:
    text = "Es importante. ลูกค้าพอใจ แนะนำเพื่อน de forma natural, ตัวอย่างเช่น: cara a cara."
    assert texts(text) == [
        "Es importante.",
        "ลูกค้าพอใจ",
        "แนะนำเพื่อน",
        "de forma natural,",
        "ตัวอย่างเช่น:",
        "cara a cara.",
    ]


def test_thai_numbers_do_not_split() -> None:
    assert texts("ยอดขายเพิ่มขึ้น 12% ในปีนี้") == ["ยอดขายเพิ่มขึ้น 12% ในปีนี้"]


def test_dot_glued_to_thai_splits() -> None:
    assert texts("Fin del tema.ลูกค้าใหม่") == ["Fin del tema.", "ลูกค้าใหม่"]


def test_cjk_full_stops() -> None:
    assert texts("这是第一句。这是第二句。") == ["这是第一句。", "这是第二句。"]


def test_empty_and_blank() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t ") == []


ALPHABET = st.sampled_from(
    list("abcñé ABC..!?¿¡…\n\t,;:-—()\"'0123456789") + ["ลูกค้า", "ไทย ", "Sr. ", "e.g. ", "www.x.com ", "。", "中文"]
)


@given(st.lists(ALPHABET, max_size=60).map("".join))
@settings(max_examples=300, deadline=None)
def test_ranges_cover_non_space_text_in_order(text: str) -> None:
    ranges = split_sentences(text)
    covered = set()
    prev_end = 0
    for a, b in ranges:
        assert prev_end <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        covered.update(range(a, b))
        prev_end = b
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


def test_one_megabyte_line_is_fast() -> None:
    line = ("Una frase corta con el Sr. Pérez, p. ej. esto... y 3.5 más. ¿Sí? ลูกค้า ไทย " * 14000)[:1_000_000]
    t0 = time.perf_counter()
    ranges = split_sentences(line)
    assert time.perf_counter() - t0 < 5
    assert len(ranges) > 10000


# --- split_long -------------------------------------------------------------------------


def test_split_long_prefers_clause_marks() -> None:
    text = "Primero esto, luego aquello; al final, lo demás que queda por hacer"
    pieces = [text[a:b] for a, b in split_long(text, 40)]
    assert pieces[0] == "Primero esto, luego aquello;"
    assert all(len(p) <= 40 for p in pieces)


def test_split_long_short_text_is_one_piece() -> None:
    assert split_long("  corto  ", 10) == [(2, 7)]


def test_split_long_hard_cut_keeps_thai_marks_with_their_letter() -> None:
    text = "กำหนดกลยุทธ์ที่เหมาะสม" * 5
    pieces = split_long(text, 7)
    for a, b in pieces:
        assert b - a <= 7
        assert not ("\u0e30" <= text[a] <= "\u0e3a" or "\u0e45" <= text[a] <= "\u0e4e")
    assert "".join(text[a:b] for a, b in pieces) == text


def test_split_long_rejects_bad_limit() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        split_long("x", 0)


@given(st.lists(ALPHABET, max_size=80).map("".join), st.integers(1, 30))
@settings(max_examples=300, deadline=None)
def test_split_long_properties(text: str, limit: int) -> None:
    ranges = split_long(text, limit)
    prev = 0
    covered = set()
    for a, b in ranges:
        assert prev <= a < b <= len(text)
        assert b - a <= limit
        assert not text[a].isspace() and not text[b - 1].isspace()
        covered.update(range(a, b))
        prev = b
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
