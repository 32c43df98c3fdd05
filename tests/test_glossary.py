"""Glossary: loading, matching, protect -> (simulated model) -> restore, apply_in_target."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import GlossaryError
from pipeline.glossary import Glossary, lint
from pipeline.glossary.match import fold, inflect_phrase

REPO = Path(__file__).resolve().parents[1]

SMALL = """es,en,th,pos,dnt,case,forbidden_th
propuesta de valor,value proposition,คุณค่าที่นำเสนอ,noun,,,
segmento de clientes,customer segment,กลุ่มลูกค้า,noun,,,
relación con los clientes|relación con el cliente,customer relationship,ความสัมพันธ์กับลูกค้า,noun,,,
canal,channel,ช่องทาง,noun,,,
canal de distribución,distribution channel,ช่องทางการจัดจำหน่าย,noun,,,
actividad clave,key activity,กิจกรรมหลัก,noun,,,
estructura de costes|estructura de costos,cost structure,โครงสร้างต้นทุน,noun,,,
co-creación,co-creation,การร่วมสร้างสรรค์,noun,,,
ทุน,capital-th,ทุน,noun,,,
Canvas,Canvas,Canvas,properNoun,yes,yes,ผ้าใบ
Erasmus+,Erasmus+,Erasmus+,properNoun,yes,yes,
"""


@pytest.fixture(scope="module")
def g() -> Glossary:
    return Glossary.from_text(SMALL, "small.csv")


def matched(g: Glossary, text: str, lang: str) -> list[tuple[str, str]]:
    return [(m.matched, m.term_id) for m in g.find(text, lang)]


# -- loading -----------------------------------------------------------------------


def test_docstring_example_runs() -> None:
    import doctest

    import pipeline.glossary

    assert doctest.testmod(pipeline.glossary).failed == 0


def test_shipped_glossary_is_clean_and_big_enough() -> None:
    path = str(REPO / "glossary.csv")
    assert [i for i in lint(path) if i.severity == "error"] == []
    g = Glossary.load(path)
    assert len(g) >= 40
    assert set(g.languages) == {"es", "en", "th"}
    assert g.term("propuesta de valor").preferred("th") == "คุณค่าที่นำเสนอ"
    assert g.term("Canvas").dnt and "ผ้าใบ" in g.term("Canvas").forbidden["th"]
    for row in (
        "segmento de clientes",
        "canal",
        "fuente de ingresos",
        "recurso clave",
        "actividad clave",
        "socio clave",
        "modelo de negocio",
        "autoservicio",
        "co-creación",
        "Erasmus+",
    ):
        assert g.term(row)


def test_load_raises_one_line_with_file_line_and_hint(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("es,en\npropuesta de valor,value proposition\ncanal,channel,extra\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as exc:
        Glossary.load(str(p))
    msg = str(exc.value)
    assert msg.startswith(f"{p}:3: 3 columns, the header has 2")
    assert "pipeline glossary lint" in msg and "\n" not in msg


def test_missing_file_is_a_glossary_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read the glossary"):
        Glossary.load(str(tmp_path / "nope.csv"))


def test_two_column_layout_needs_codes_and_reads_them(tmp_path: Path) -> None:
    p = tmp_path / "deepl.csv"
    p.write_text("propuesta de valor,value proposition\ncanal,channel\n", encoding="utf-8")
    with pytest.raises(GlossaryError, match="--source and --target"):
        Glossary.load(str(p))
    g = Glossary.load(str(p), source="es", target="en")
    assert g.languages == ("es", "en")
    assert g.protect("los canales", "es", "en").text == "los channels"


def test_deepl_four_column_and_tsv(tmp_path: Path) -> None:
    p = tmp_path / "deepl.csv"
    p.write_text("canal,channel,es,en\n", encoding="utf-8")
    assert Glossary.load(str(p)).languages == ("es", "en")
    t = tmp_path / "terms.tsv"
    t.write_text("es\ten\ncanal, de venta\tsales, channel\n", encoding="utf-8")
    g = Glossary.load(str(t))
    assert g.terms[0].forms["es"] == ("canal, de venta",)


def test_glossary_pickles_for_process_pools(g: Glossary) -> None:
    import pickle

    g.find("la propuesta de valor", "es")  # fill the caches first
    copy = pickle.loads(pickle.dumps(g))
    assert copy.checksum == g.checksum
    assert [m.term_id for m in copy.find("กลุ่มลูกค้า y canales", "es")] == ["canal"]


def test_checksum_ignores_notes_and_row_order_but_not_terms() -> None:
    a = Glossary.from_text("es,en,note\ncanal,channel,x\nsocio clave,key partner,\n")
    b = Glossary.from_text("es,en,note\nsocio clave,key partner,\ncanal,channel,other note\n")
    c = Glossary.from_text("es,en,note\ncanal,channels,x\nsocio clave,key partner,\n")
    assert a.checksum == b.checksum != c.checksum
    assert len(a.checksum) == 64


# -- matching -----------------------------------------------------------------------


def test_find_longest_first_with_inflections_and_accents(g: Glossary) -> None:
    text = "Las Propuestas de Valor y los canales de distribucion; un canal; la Relación con los Clientes."
    assert matched(g, text, "es") == [
        ("Propuestas de Valor", "propuesta de valor"),
        ("canales de distribucion", "canal de distribución"),
        ("canal", "canal"),
        ("Relación con los Clientes", "relación con los clientes"),
    ]


def test_find_variants_and_english_plurals(g: Glossary) -> None:
    assert matched(g, "la estructura de costos y la relación con el cliente", "es") == [
        ("estructura de costos", "estructura de costes"),
        ("relación con el cliente", "relación con los clientes"),
    ]
    assert matched(g, "Key activities and customer relationships; the customers' segments.", "en") == [
        ("Key activities", "actividad clave"),
        ("customer relationships", "relación con los clientes"),
    ]


def test_plural_that_changes_the_stem() -> None:
    g = Glossary.from_text("es,en\nluz de marca,brand light\nventaja competitiva,competitive advantage\n")
    assert [m.matched for m in g.find("Las luces de marca y las ventajas competitivas.", "es")] == [
        "luces de marca",
        "ventajas competitivas",
    ]


def test_find_respects_word_edges_in_latin(g: Glossary) -> None:
    assert matched(g, "canalización canalones encanal", "es") == []
    # Thai glued to a Spanish word (a scraping accident) does not hide it.
    assert matched(g, "los canalesของเรา", "es") == [("canales", "canal")]


def test_case_sensitive_terms_match_exactly(g: Glossary) -> None:
    assert matched(g, "el Canvas y un canvas", "es") == [("Canvas", "Canvas")]
    assert matched(g, "programa Erasmus+ 2021", "es") == [("Erasmus+", "Erasmus+")]


def test_hyphen_and_decomposed_accents(g: Glossary) -> None:
    assert matched(g, "la co\u2011creación", "es") == [("co\u2011creación", "co-creación")]
    decomposed = "la relacio\u0301n con los clientes"
    [m] = g.find(decomposed, "es")
    assert decomposed[m.start : m.end] == m.matched == "relacio\u0301n con los clientes"


def test_thai_substring_with_word_edges(g: Glossary) -> None:
    text = "กลุ่มลูกค้าและคุณค่าที่นำเสนอของเรา ผ่านช่องทางการจัดจำหน่าย"
    assert matched(g, text, "th") == [
        ("กลุ่มลูกค้า", "segmento de clientes"),
        ("คุณค่าที่นำเสนอ", "propuesta de valor"),
        ("ช่องทางการจัดจำหน่าย", "canal de distribución"),
    ]
    # "ทุน" (capital) must not be found inside longer words: capitalism, to invest, to lose money ...
    for text in ("ระบบทุนนิยม", "ลงทุนในธุรกิจ", "ขาดทุนมาก"):
        assert matched(g, text, "th") == [], text
    # ... but is found where it is a word of its own.
    assert matched(g, "มีทุนน้อย", "th") == [("ทุน", "ทุน")]


def test_thai_term_tolerates_spaces_between_its_words(g: Glossary) -> None:
    assert [m.term_id for m in g.find("ความสัมพันธ์ กับ ลูกค้า", "th")] == ["relación con los clientes"]


def test_fold_maps_back_to_original_offsets() -> None:
    text = "Rela\u0301cio\u0301n Ñandú ํา"
    folded, where = fold(text)
    assert folded.startswith("relacion nandu")
    assert len(where) == len(folded) + 1 and where[-1] == len(text)


@pytest.mark.parametrize(
    ("phrase", "lang", "number", "expected"),
    [
        ("value proposition", "en", "pl", "value propositions"),
        ("key activity", "en", "pl", "key activities"),
        ("propuesta de valor", "es", "pl", "propuestas de valor"),
        ("relación con los clientes", "es", "pl", "relaciones con los clientes"),
        ("canales", "es", "sg", "canal"),
        ("customer relationships", "en", "sg", "customer relationship"),
        ("กลุ่มลูกค้า", "th", "pl", "กลุ่มลูกค้า"),
    ],
)
def test_inflect_phrase(phrase: str, lang: str, number: str, expected: str) -> None:
    assert inflect_phrase(phrase, lang, number) == expected


# -- protect / restore -------------------------------------------------------------


SRC = "Las propuestas de valor del Canvas conectan el segmento de clientes con los canales."


def test_attempt0_puts_target_terms_in_the_source(g: Glossary) -> None:
    p = g.protect(SRC, "es", "en")
    assert p.text == "Las value propositions del Canvas conectan el customer segment con los channels."
    assert [i.target for i in p.items] == ["value propositions", "Canvas", "customer segment", "channels"]
    for item in p.items:
        assert p.text[item.start : item.end] == item.token


def test_echo_output_is_fully_enforced(g: Glossary) -> None:
    for tgt in ("en", "th"):
        for attempt in (0, 1):
            p = g.protect(SRC, "es", tgt, attempt=attempt)
            r = g.restore(p, p.text)  # an echo model copies its input
            assert (r.enforced, r.recovered, r.failures) == (4, 0, [])
            for item in p.items:
                assert item.target in r.text


def test_attempt1_uses_a_different_plain_protection(g: Glossary) -> None:
    p0, p1 = g.protect(SRC, "es", "en"), g.protect(SRC, "es", "en", attempt=1)
    assert p0.text != p1.text
    assert all(i.token.isalpha() and i.token.isascii() for i in p1.items)
    assert len({i.token for i in p1.items}) == len(p1.items)
    # A model that translated around the nonces: they are swapped for the terms.
    tokens = [i.token for i in p1.items]
    out = f"The {tokens[0]} of the {tokens[1]} connect the {tokens[2]} with the {tokens[3]}."
    r = g.restore(p1, out)
    assert r.text == ("The value propositions of the Canvas connect the customer segment with the channels.")
    assert (r.enforced, r.recovered) == (4, 0)


def test_model_translated_sentence_keeping_terms_and_inflecting(g: Glossary) -> None:
    p = g.protect(SRC, "es", "en")
    out = "The Value Propositions of the Canvas connect the customer segments with the channels."
    r = g.restore(p, out)
    assert r.text == out and (r.enforced, r.recovered, r.failures) == (4, 0, [])


@pytest.mark.parametrize(
    ("mangled", "fixed", "recovered"),
    [
        # Words swapped by the model.
        (
            "The proposition values of Canvas connect customer segment and channels.",
            "The value propositions of Canvas connect customer segment and channels.",
            1,
        ),
        # A letter lost and a case change on a case-sensitive name.
        (
            "The value propositons of canvas connect customer segment and channels.",
            "The value propositions of Canvas connect customer segment and channels.",
            2,
        ),
        # The source term left untranslated.
        (
            "The value propositions of Canvas connect segmento de clientes and channels.",
            "The value propositions of Canvas connect customer segment and channels.",
            1,
        ),
    ],
)
def test_mangled_protections_are_recovered(g: Glossary, mangled: str, fixed: str, recovered: int) -> None:
    p = g.protect(SRC, "es", "en")
    r = g.restore(p, mangled)
    assert r.text == fixed
    assert r.enforced == 4 and r.recovered == recovered and r.failures == []


def test_lost_term_is_reported_not_invented(g: Glossary) -> None:
    p = g.protect(SRC, "es", "en")
    out = "The value propositions of the Canvas link the buyers to the channels."
    r = g.restore(p, out)
    assert r.text == out
    assert r.enforced == 3 and r.recovered == 0
    assert len(r.failures) == 1 and "'customer segment'" in r.failures[0] and "segmento de clientes" in r.failures[0]


def test_nonce_mangled_into_thai_script_is_recovered_by_fuzzy_or_reported(g: Glossary) -> None:
    p = g.protect("el segmento de clientes", "es", "th", attempt=1)
    out = f"{p.items[0].token[:-1]}ของเรา"  # the nonce lost its last letter and got Thai glued on
    r = g.restore(p, out)
    assert r.text == "กลุ่มลูกค้าของเรา" and r.recovered == 1


def test_repeated_term_needs_each_occurrence(g: Glossary) -> None:
    p = g.protect("un canal y otro canal", "es", "en")
    assert p.text == "un channel y otro channel"
    assert g.restore(p, "one channel and another channel").enforced == 2
    r = g.restore(p, "one channel and another one")
    assert r.enforced == 1 and len(r.failures) == 1


def test_thai_source_to_english(g: Glossary) -> None:
    src = "ใน Canvas กลุ่มลูกค้าคือหัวใจ"
    p = g.protect(src, "th", "en")
    assert p.text == "ใน Canvas customer segmentคือหัวใจ"
    r = g.restore(p, "In the Canvas the customer segment is the heart")
    assert r.enforced == 2 and not r.failures


def test_code_switched_restoration_thai_run_into_spanish(g: Glossary) -> None:
    # The engine restores a Thai clause inside a Spanish sentence into Spanish.
    p = g.protect("คุณค่าที่นำเสนอ", "th", "es")
    assert p.text == "propuesta de valor"
    assert g.restore(p, "propuesta de valor").enforced == 1


def test_no_terms_is_a_no_op(g: Glossary) -> None:
    p = g.protect("Hola mundo.", "es", "en")
    assert p.text == "Hola mundo." and p.items == ()
    r = g.restore(p, "Hello world.")
    assert (r.text, r.enforced, r.recovered, r.failures) == ("Hello world.", 0, 0, [])


def test_apply_in_target_replaces_foreign_terms(g: Glossary) -> None:
    r = g.apply_in_target("Our propuestas de valor reach each กลุ่มลูกค้า via the Canvas.", "en")
    assert r.text == "Our value propositions reach each customer segment via the Canvas."
    assert r.enforced == 2
    th = g.apply_in_target("เรามี propuesta de valor ที่ดี", "th")
    assert th.text == "เรามี คุณค่าที่นำเสนอ ที่ดี"


def test_apply_in_target_leaves_common_target_words_and_target_terms(g: Glossary) -> None:
    text = "The Panama canal is no distribution channel."
    r = g.apply_in_target(text, "en")
    assert r.text == text and r.enforced == 0


WORDS = st.sampled_from(
    [
        "la",
        "propuesta",
        "de",
        "valor",
        "canal",
        "canales",
        "el",
        "Canvas",
        "segmento",
        "clientes",
        "y",
        "con",
        "los",
        "Erasmus+",
        "ทุน",
        "กลุ่มลูกค้า",
        ",",
        ".",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, max_size=14))
def test_echo_round_trip_property(words: list[str]) -> None:
    """Whatever the sentence, an echo model's output is fully enforced and every target is there."""
    g = Glossary.from_text(SMALL, "small.csv")
    text = " ".join(words)
    for tgt in ("en", "th"):
        for attempt in (0, 1):
            p = g.protect(text, "es", tgt, attempt=attempt)
            r = g.restore(p, p.text)
            assert r.failures == [] and r.enforced == len(p.items)
            assert all(i.target in r.text for i in p.items)
