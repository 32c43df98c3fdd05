"""Glossary.rows_digest: the glossary part of a translation-memory key (issue 10 item 5)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.glossary import Glossary

HEAD = "es,en,th,note\n"
ROWS = [
    "canal,channel,ช่องทาง,Canvas block",
    "canal de distribución,distribution channel,ช่องทางการจัดจำหน่าย,",
    "propuesta de valor,value proposition,คุณค่าที่นำเสนอ,",
    "segmento de clientes,customer segment,กลุ่มลูกค้า,",
    "Canvas,Canvas,Canvas,",
]
TEXTS = [
    "El canal llega a todos.",
    "Los canales de distribución importan.",
    "La propuesta de valor es clara.",
    "Nada que ver aquí.",
    "El Canvas y el segmento de clientes.",
    "ในกลุ่มลูกค้าของเรา",
]


def digests(rows: list[str], src: str = "es", tgt: str = "en") -> list[str]:
    g = Glossary.from_text(HEAD + "\n".join(rows) + "\n")
    lang = {t: ("th" if any("\u0e00" <= c <= "\u0e7f" for c in t) else "es") for t in TEXTS}
    return [g.rows_digest(t, lang[t], tgt if lang[t] != tgt else "es") for t in TEXTS]


def changed(a: list[str], b: list[str]) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b)) if x != y]


def test_no_matching_row_is_empty_and_stable() -> None:
    d = digests(ROWS)
    assert d[3] == ""
    assert all(len(x) == 64 for i, x in enumerate(d) if i != 3)
    assert digests(ROWS) == d
    assert digests(list(reversed(ROWS))) == d  # row order does not matter
    assert digests([r.replace("Canvas block", "another note") for r in ROWS]) == d  # notes do not


def test_adding_a_row_changes_only_the_texts_it_matches() -> None:
    base = digests(ROWS)
    assert changed(base, digests([*ROWS, "mundo,world,โลก,"])) == []  # matches none of the texts
    assert changed(base, digests([*ROWS, "valor,value,คุณค่า,"])) == [2]
    assert changed(base, digests([*ROWS, "ver,see,ดู,"])) == [3]


def test_editing_or_removing_a_row_changes_only_its_texts() -> None:
    base = digests(ROWS)
    edited = [r.replace("channel,ช่องทาง", "conduit,ช่องทาง") if r.startswith("canal,") else r for r in ROWS]
    # "canal" also matches inside "canales de distribución" (before the longer term wins): both change.
    assert changed(base, digests(edited)) == [0, 1]
    assert changed(base, digests([r for r in ROWS if not r.startswith("propuesta")])) == [2]
    assert changed(base, digests([r for r in ROWS if not r.startswith("segmento")])) == [4, 5]


def test_thai_rows_in_the_word_cutter_dictionary_count_for_thai_text() -> None:
    base = digests(ROWS)
    # A Thai row whose form occurs in the Thai text can move Thai word edges: it counts.
    assert 5 in changed(base, digests([*ROWS, "nuestro,our,ของเรา,"]))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(ROWS) - 1), st.sampled_from(["add", "edit", "remove"]))
def test_property_a_change_reaches_only_texts_the_old_or_new_row_matches(k: int, op: str) -> None:
    new_row = "pagina,page,หน้า,"
    if op == "add":
        after = [*ROWS, new_row]
        touched_rows = [new_row]
    elif op == "edit":
        old = ROWS[k]
        new = old.split(",")[0] + ",edited," + old.split(",")[2] + ","
        after = [new if r == old else r for r in ROWS]
        touched_rows = [old, new]
    else:
        after = [r for r in ROWS if r != ROWS[k]]
        touched_rows = [ROWS[k]]
    before_d, after_d = digests(ROWS), digests(after)
    for i in changed(before_d, after_d):
        matched = False
        for row in touched_rows:
            g = Glossary.from_text(HEAD + row + "\n")
            lang = "th" if any("\u0e00" <= c <= "\u0e7f" for c in TEXTS[i]) else "es"
            matched |= bool(g.find(TEXTS[i], lang))
        assert matched, (op, k, TEXTS[i])
