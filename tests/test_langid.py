"""Language detection: invariants, determinism, scripts, short pieces and context."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.decode import decode_bytes
from pipeline.document import Span
from pipeline.errors import ConfigError
from pipeline.langid import (
    DETECTOR_VERSION,
    detect_document,
    detect_spans,
    main_language,
    normalize_languages,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def labelled(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.lang) for s in detect_spans(text, **kw)]  # type: ignore[arg-type]


def lang_at(spans: list[Span], index: int) -> str | None:
    for s in spans:
        if s.start <= index < s.end:
            return s.lang
    return None


def check_invariants(text: str, spans: list[Span]) -> None:
    prev_end = 0
    for s in spans:
        assert prev_end <= s.start < s.end <= len(text), (s, prev_end)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        assert 0.0 <= s.confidence <= 1.0
        assert s.lang and s.method
        prev_end = s.end
    covered = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    for i, ch in enumerate(text):
        if ch.isalpha():
            assert i in covered, (i, ch, text)
    if any(ch.isalpha() for ch in text):
        assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


# --- invariants over random mixed text ----------------------------------------------------

PIECES = [
    "hola ",
    "clientes ",
    "la empresa ",
    "the customer ",
    "sales ",
    "marketing ",
    "¿Qué? ",
    "¡Bien! ",
    "ลูกค้า",
    "ความสัมพันธ์ ",
    "ไทย",
    "กำหนด ",
    "Привет ",
    "日本語の",
    "中文",
    "한국어 ",
    "שלום ",
    "مرحبا ",
    "नमस्ते ",
    "12",
    "3.5",
    " ",
    "\n",
    "\t",
    ". ",
    ", ",
    "; ",
    "(",
    ")",
    "¿",
    "¡",
    "...",
    "—",
    "•",
    "😀",
    "€",
    "e\u0301",
    "\u0301",
    "\u0e48",
    "\ud800",
    "https://x.com/a ",
    "info@x.es ",
    "ñ",
    "ß",
    "A",
    "z",
    "_",
    "๑๒",
]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@settings(max_examples=400, deadline=None)
def test_spans_cover_every_letter_in_order_without_overlap(text: str) -> None:
    check_invariants(text, detect_spans(text))
    check_invariants(text, detect_spans(text, merge=False, context="en"))


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_unicode_text_never_crashes(text: str) -> None:
    check_invariants(text, detect_spans(text, languages=("es", "en", "pt")))


@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), max_size=8))
@settings(max_examples=150, deadline=None)
def test_detect_document_invariants(segments: list[str]) -> None:
    result = detect_document(segments)
    assert len(result) == len(segments)
    for text, spans in zip(segments, result):
        check_invariants(text, spans)


# --- edge cases ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "123 456", "😀😀 🎉", "...!?", "— • €", "\n\n", "๑๒๓"])
def test_no_letters_no_spans(text: str) -> None:
    assert detect_spans(text) == []
    assert main_language([], text) == "und"


def test_letters_only_in_url_are_covered_as_und() -> None:
    spans = detect_spans("  https://example.com/clientes  ")
    assert [(s.start, s.end, s.lang) for s in spans] == [(2, 30, "und")]


def test_url_words_are_not_evidence() -> None:
    text = "Fuente: https://example.com/how-to-grow-your-business-with-customers-and-sales"
    assert [lang for _, lang in labelled(text)] == ["es"]


def test_combining_marks_decompose_like_composed_text() -> None:
    nfd = "La informacio\u0301n del nin\u0303o es u\u0301til para la gestio\u0301n."
    spans = detect_spans(nfd)
    assert [s.lang for s in spans] == ["es"]
    check_invariants(nfd, spans)


def test_lone_surrogates_and_rtl() -> None:
    text = "hola \ud800 amigo שלום עולם مرحبا بالعالم"
    spans = detect_spans(text)
    check_invariants(text, spans)
    assert [s.lang for s in spans] == ["es", "he", "ar"]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Привет, как дела? Это мы.", "ru"),
        ("Привіт, як справи? Її тут немає.", "uk"),
        ("这是一个简单的句子", "zh"),
        ("これは日本語の文です", "ja"),
        ("이것은 한국어 문장입니다", "ko"),
        ("זה משפט בעברית", "he"),
        ("این یک جمله فارسی است که پدر گفت", "fa"),
        ("यह एक वाक्य है", "hi"),
        ("Αυτή είναι μια πρόταση", "el"),
        ("ᚠᚢᚦ", "und"),
    ],
)
def test_other_scripts_get_their_language(text: str, lang: str) -> None:
    spans = detect_spans(text)
    assert {s.lang for s in spans} == {lang}
    assert all(s.method == "script" for s in spans)


def test_one_megabyte_line_is_fast_enough() -> None:
    line = ("La empresa vende productos a sus clientes cada día, ลูกค้าพอใจ and the sales grow fast. " * 12000)[
        :1_000_000
    ]
    detect_spans("warm up the word lists")
    t0 = time.perf_counter()
    spans = detect_spans(line)
    assert time.perf_counter() - t0 < 15
    check_invariants(line, spans)


def test_five_kilobyte_lesson_is_a_few_milliseconds() -> None:
    paragraphs = [
        "Las empresas necesitan conocer bien a sus clientes para ofrecer una propuesta de valor adecuada.",
        "ลูกค้าแต่ละกลุ่มมีความต้องการที่แตกต่างกัน",
        "Customer location",
        "Age",
        "Online",
        "Total",
        "Servicio personal.",
        "Por ejemplo, una tienda de barrio conoce a sus clientes por su nombre.",
    ] * 20
    assert 4000 < sum(map(len, paragraphs)) < 7000
    detect_document(paragraphs)
    t0 = time.perf_counter()
    for _ in range(5):
        detect_document(paragraphs)
    assert (time.perf_counter() - t0) / 5 < 0.05  # a few ms on a laptop; generous for CI


# --- Latin languages ----------------------------------------------------------------------


def test_mixed_sentence_with_thai_clause() -> None:
    text = "La motivación debe ser สร้างความไว้วางใจ, algo que ayude a la marca."
    assert labelled(text) == [
        ("La motivación debe ser", "es"),
        ("สร้างความไว้วางใจ,", "th"),
        ("algo que ayude a la marca.", "es"),
    ]


def test_thai_word_between_spanish_words_is_a_thai_run() -> None:
    text = "el cliente ลูกค้า compra"
    assert [lang for _, lang in labelled(text)] == ["es", "th", "es"]


def test_two_sentences_two_languages() -> None:
    text = "Los clientes compran en línea. The customers buy online."
    assert labelled(text) == [("Los clientes compran en línea.", "es"), ("The customers buy online.", "en")]


def test_unmerged_keeps_one_span_per_sentence() -> None:
    text = "Primera idea del tema. Segunda idea del tema."
    assert len(detect_spans(text)) == 1
    assert len(detect_spans(text, merge=False)) == 2


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Ventas", "es"),
        ("Segmentación geográfica", "es"),
        ("Fuentes de ingresos", "es"),
        ("¿Por qué?", "es"),
        ("Autoservicio", "es"),
        ("canal", "es"),
        ("Plan de marketing", "es"),
        ("Revenue streams", "en"),
        ("Key partners", "en"),
        ("Psychographic", "en"),
        ("Sales", "en"),
        ("Customer location", "en"),
        ("Word of mouth", "en"),
        ("Why?", "en"),
    ],
)
def test_short_snippets_without_context(text: str, lang: str) -> None:
    assert [lang_ for _, lang_ in labelled(text)] == [lang]


@pytest.mark.parametrize("word", ["Online", "Total", "Marketing", "Personal", "Digital"])
def test_shared_words_follow_context(word: str) -> None:
    assert labelled(word, context="es")[0][1] == "es"
    assert labelled(word, context="en")[0][1] == "en"
    assert detect_spans(word, context="en")[0].method in ("context", "words")


def test_context_does_not_override_clear_evidence() -> None:
    assert labelled("Customer location", context="es")[0][1] == "en"
    assert labelled("Relaciones con los clientes", context="en")[0][1] == "es"


def test_context_from_the_same_text() -> None:
    text = "Las empresas necesitan conocer bien a sus clientes para vender más. Total."
    assert [lang for _, lang in labelled(text, merge=False)] == ["es", "es"]


def test_only_configured_latin_languages() -> None:
    pt = "Os clientes satisfeitos recomendam a nossa empresa aos amigos e à família."
    assert labelled(pt, languages=("es", "en", "pt"))[0][1] == "pt"
    assert labelled(pt, languages=("es", "en"))[0][1] in ("es", "en")
    fr = "Les clients satisfaits recommandent notre entreprise à leurs amis."
    assert labelled(fr, languages=("es", "en", "fr"))[0][1] == "fr"


def test_single_latin_language_and_none() -> None:
    assert labelled("whatever text", languages=("es",)) == [("whatever text", "es")]
    assert labelled("whatever ไทย", languages=("th",)) == [("whatever", "und"), ("ไทย", "th")]


def test_languages_are_validated() -> None:
    assert normalize_languages("es, EN,pt-BR,es") == ("es", "en", "pt")
    with pytest.raises(ConfigError, match="'xx' is not a language"):
        detect_spans("hola", languages=("es", "xx"))
    with pytest.raises(ConfigError, match="empty"):
        normalize_languages(" , ")


# --- documents ----------------------------------------------------------------------------


def test_table_cells_take_their_neighbours_language() -> None:
    doc = [
        "Segmentación del mercado",
        "Las empresas dividen el mercado en grupos de clientes con necesidades parecidas para atenderlos mejor.",
        "Channel",
        "Cost",
        "Reach",
        "Online",
        "Low",
        "Global",
        "Retail store",
        "High",
        "Total",
        "Después de la tabla seguimos con la explicación en español.",
    ]
    result = detect_document(doc, blocks=[0, 1] + [2] * 9 + [3])
    langs = [main_language(spans, text) for spans, text in zip(result, doc)]
    assert langs == ["es", "es"] + ["en"] * 9 + ["es"]
    # Without block ids the neighbours still decide.
    langs = [main_language(spans, text) for spans, text in zip(detect_document(doc), doc)]
    assert langs[2:11] == ["en"] * 9


def test_spanish_table_in_english_document() -> None:
    doc = [
        "This lesson compares the main channels a small company can use to reach its customers.",
        "Canal",
        "Coste",
        "Alcance",
        "Online",
        "Bajo",
        "Global",
        "Tienda física",
        "Alto",
        "Local",
    ]
    langs = [main_language(spans, text) for spans, text in zip(detect_document(doc), doc)]
    assert langs == ["en"] + ["es"] * 9


def test_short_heading_takes_document_language() -> None:
    doc = ["Total", "Los ingresos totales del año crecieron gracias a las nuevas tiendas y a la venta online."]
    assert main_language(detect_document(doc)[0], doc[0]) == "es"


def test_main_language_counts_letters() -> None:
    text = "Hola amigo ไทย"
    spans = [Span(0, 10, "es", 1.0, "words"), Span(11, 14, "th", 1.0, "script")]
    assert main_language(spans, text) == "es"
    assert main_language([Span(0, 4, "und", 1.0, "neutral")], "http") == "und"


# --- determinism --------------------------------------------------------------------------

DETERMINISM_TEXTS = [
    "Marketing digital y online",
    "Es el tema. ลูกค้า ไทย de qué manera.",
    "Una frase ambigua: total social media radio",
    "Geographic Demographic",
]

SCRIPT = """
import json, sys
from pipeline.langid import detect_spans, detect_document
texts = json.loads(sys.argv[1])
out = [[s.as_dict() for s in detect_spans(t, languages=("es", "en", "pt"))] for t in texts]
out.append([[s.as_dict() for s in spans] for spans in detect_document(texts)])
print(json.dumps(out, sort_keys=True))
"""


def test_deterministic_across_runs_and_processes() -> None:
    here = [[s.as_dict() for s in detect_spans(t, languages=("es", "en", "pt"))] for t in DETERMINISM_TEXTS]
    here.append([[s.as_dict() for s in spans] for spans in detect_document(DETERMINISM_TEXTS)])  # type: ignore[arg-type]
    again = [[s.as_dict() for s in detect_spans(t, languages=("es", "en", "pt"))] for t in DETERMINISM_TEXTS]
    assert here[:-1] == again
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT, json.dumps(DETERMINISM_TEXTS)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            check=True,
        )
        outputs.add(proc.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == json.loads(json.dumps(here, sort_keys=True))


def test_detector_version_is_a_string() -> None:
    assert isinstance(DETECTOR_VERSION, str) and DETECTOR_VERSION


# --- the study samples --------------------------------------------------------------------


def _sample(name: str) -> str:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"study sample {path} not present")
    return decode_bytes(path.read_bytes(), str(path)).text


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def test_sample_thai_and_spanish_runs() -> None:
    text = _sample("canvas-customer-relationships.es-th.partial.txt")
    lines = [ln for ln in text.split("\n") if ln.strip()]
    thai_letters = latin_letters = 0
    for line, spans in zip(lines, detect_document(lines)):
        check_invariants(line, spans)
        for i, ch in enumerate(line):
            if not ch.isalpha():
                continue
            lang = lang_at(spans, i)
            if _is_thai(ch):
                thai_letters += 1
                assert lang == "th", (line, i)
            else:
                latin_letters += 1
                assert lang == "es", (line, i)  # a Spanish lesson: every Latin run is Spanish
    assert thai_letters > 200 and latin_letters > 500


def test_sample_spanish_prose_and_english_table() -> None:
    text = _sample("lesson5-customer-relationships.es-en.txt")
    segments: list[str] = []
    kinds: list[str] = []
    for line in text.split("\n"):
        cells = [c for c in line.split("\t") if c.strip()]
        if len(cells) == 4:  # the four-column table is English
            segments.extend(cells)
            kinds.extend(["en"] * 4)
        elif len(cells) == 1 and "\t" not in line and len(line.split()) >= 12 and "<" not in line:
            segments.append(line)
            kinds.append("es")  # long prose lines are Spanish
        elif line.strip():
            segments.append(line)
            kinds.append("?")
    result = detect_document(segments)
    checked = 0
    for seg, kind, spans in zip(segments, kinds, result):
        if kind != "?":
            assert main_language(spans, seg) == kind, seg
            checked += 1
    assert checked >= 12


def test_configured_language_without_word_list_is_judged_by_langdetect() -> None:
    sw = "Wateja wanapenda huduma nzuri sana kutoka kwa kampuni yetu kila siku."
    assert labelled(sw, languages=("es", "en", "sw"))[0][1] == "sw"
    assert labelled("La empresa vende a sus clientes cada día.", languages=("es", "en", "sw"))[0][1] == "es"
