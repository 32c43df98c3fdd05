"""Hypothesis properties of repair(): idempotence, clean text untouched, round trips.

Texts are built from our own business-course vocabulary, then damaged with the
same transformations a broken scraper applies (half-decoded entities, every
entity form, mojibake, lost letters, Thai tails, HTML tags).
"""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.repair import repair

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Accented letter inside the word (never last): a half-decoded ";" after it is
# unambiguous damage, so round trips need no page-level evidence.
INNER_ACCENT = [
    "relación",
    "módulo",
    "diseño",
    "comunicación",
    "atención",
    "útil",
    "también",
    "además",
    "segmentación",
    "propósito",
    "público",
    "económico",
    "teléfono",
    "único",
]
FINAL_ACCENT = ["más", "qué", "así", "está", "permitirá", "café"]
PLAIN = [
    "cliente",
    "clientes",
    "propuesta",
    "valor",
    "segmento",
    "canal",
    "canales",
    "lienzo",
    "negocio",
    "empresa",
    "precio",
    "servicio",
    "mercado",
    "estrategia",
    "ingresos",
    "costes",
    "socios",
    "recursos",
    "confianza",
    "marca",
    "el",
    "la",
    "los",
    "las",
    "de",
    "y",
    "con",
    "para",
    "por",
    "una",
    "un",
    "es",
    "son",
    "que",
    "en",
    "claro",
    "ejemplo",
]
THAI = ["ลูกค้า", "ความสัมพันธ์", "คุณค่า", "ธุรกิจ", "ช่องทาง"]
ENGLISH = ["customer", "value", "channel", "the", "and", "segment", "R&D", "AT&T"]
OTHER = [
    "https://example.org/a?b=1&c=2",
    "<https://example.org/x>",
    "12,5",
    "2023",
    "3.400 €",
    "a < b",
    "“valor”",
    "—",
    "…",
    "(canal)",
    "10 %",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "; ", ": ", " — "]

spanish_word = st.sampled_from(INNER_ACCENT + FINAL_ACCENT + PLAIN)
any_token = st.one_of(spanish_word, spanish_word, spanish_word, st.sampled_from(THAI + ENGLISH + OTHER))


def _line(tokens: list[str], seps: list[str]) -> str:
    out = []
    for tok, sep in zip(tokens, seps):
        out.append(tok + sep)
    return "".join(out).rstrip()


@st.composite
def clean_text(draw: st.DrawFn, token: st.SearchStrategy[str] = any_token) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 5))):
        n = draw(st.integers(0, 12))
        tokens = draw(st.lists(token, min_size=n, max_size=n))
        seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=n, max_size=n))
        prefix = draw(st.sampled_from(["", "", "  • ", "- ", "\t", " "]))
        lines.append(prefix + _line(tokens, seps))
    return "\n".join(lines)


# ---- damage transformations --------------------------------------------------

ACCENTS = "áéíóúñÁÉÍÓÚÑ"
ENTITY_NAME = {c: html.entities.codepoint2name[ord(c)] for c in ACCENTS}  # type: ignore[attr-defined]


def half_decode(word: str) -> str:
    return re.sub(f"([{ACCENTS}])", r"\1;", word)


def entity_form(word: str, form: int) -> str:
    def one(m: re.Match[str]) -> str:
        c = m[0]
        name = ENTITY_NAME[c]
        return [f"&{name};", f"&{name}", f"&#{ord(c)};", f"&#x{ord(c):X};", f"&amp;{name};", f"{name};"][form]

    return re.sub(f"[{ACCENTS}]", one, word)


def mojibake(word: str) -> str:
    out = []
    for b in word.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(bytes([b]).decode("latin-1"))
    return "".join(out)


# A partial MT's Thai spelling of each word's end after its accented letter
# (one letter, or syllables with vowels before/after/above the consonant).
THAI_TAILED = {
    "relación": "relació;น",
    "módulo": "mó;ดูโล",
    "teléfono": "telé;โฟโน",
    "público": "pú;บลีโก",
    "propósito": "propó;ซีโต",
    "único": "ú;นีโก",
    "económico": "econó;มีโก",
    "atención": "atenció;น",
    "además": "ademá;ส",
}


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, str]:
    """(clean, damaged) where every damaged word must come back exactly."""
    n = draw(st.integers(1, 14))
    words = draw(st.lists(st.sampled_from(INNER_ACCENT + PLAIN), min_size=n, max_size=n))
    seps = draw(st.lists(st.sampled_from([" ", ", ", ". ", ": "]), min_size=n, max_size=n))
    broken = []
    for w in words:
        kind = draw(st.sampled_from(["none", "half", "entity", "mojibake", "tag", "thai"]))
        if kind == "thai" and w in THAI_TAILED:
            w2 = THAI_TAILED[w]
        elif kind == "half":
            w2 = half_decode(w)
        elif kind == "entity":
            w2 = entity_form(w, draw(st.integers(0, 5)))
        elif kind == "mojibake":
            w2 = mojibake(w)
        elif kind == "tag":
            w2 = draw(st.sampled_from(["<strong>{}</strong>", "<em>{}</em>", '<span class="x">{}</span>'])).format(w)
        else:
            w2 = w
        broken.append(w2)
    return _line(words, seps), _line(broken, seps)


def _letters(s: str) -> str:
    return "".join(ch for ch in s if ch.isalpha())


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


# ---- properties ---------------------------------------------------------------


@SETTINGS
@given(clean_text())
def test_clean_text_is_unchanged(text: str) -> None:
    result = repair(text)
    assert result.text == text
    assert result.edits == []


@SETTINGS
@given(damaged())
def test_damage_round_trips(pair: tuple[str, str]) -> None:
    clean, broken = pair
    result = repair(broken)
    assert result.text == clean
    for e in result.edits:
        assert e.applied and 0 <= e.start <= e.end <= len(broken)


@SETTINGS
@given(damaged())
def test_edit_offsets_index_the_input(pair: tuple[str, str]) -> None:
    _, broken = pair
    result = repair(broken)
    starts = [e.start for e in result.edits]
    assert starts == sorted(starts)
    for e in result.edits:
        chained = any(
            f is not e and f.start < max(e.end, e.start + 1) and e.start < max(f.end, f.start + 1) for f in result.edits
        )
        if not chained:  # an edit on untouched text shows exactly what the raw page holds
            assert broken[e.start : e.end] == e.before, e


def _lost(word: str, cut: int) -> str:
    """Drop the first accented letter (and ``cut`` neighbours before it), leave ";"."""
    m = re.search(f"[{ACCENTS}]", word)
    if not m:
        return word
    i = m.start()
    a = max(0, i - cut)
    return word[:a] + ";" + word[i + 1 :]


@st.composite
def semicolon_damage(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 14))
    words = draw(st.lists(st.sampled_from(INNER_ACCENT + FINAL_ACCENT + PLAIN), min_size=n, max_size=n))
    seps = draw(st.lists(st.sampled_from([" ", ", ", ". ", "; "]), min_size=n, max_size=n))
    out = []
    for w in words:
        kind = draw(st.sampled_from(["none", "half", "lost"]))
        out.append(half_decode(w) if kind == "half" else _lost(w, draw(st.integers(0, 1))) if kind == "lost" else w)
    return _line(out, seps)


@SETTINGS
@given(semicolon_damage())
def test_no_letters_lost(text: str) -> None:
    """Repairs only add letters or drop damage markers; no letter disappears."""
    result = repair(text)
    assert _is_subsequence(_letters(text), _letters(result.text))


@SETTINGS
@given(st.one_of(semicolon_damage(), damaged().map(lambda p: p[1]), clean_text()))
def test_idempotent(text: str) -> None:
    once = repair(text)
    twice = repair(once.text)
    assert twice.text == once.text
    assert twice.edits == []


NASTY = "abcomnsuá ó é ñ ¿¡;;&&<>/p#x0123amp\n\u00a0นสเตา\tA"


@SETTINGS
@given(st.text(alphabet=NASTY, max_size=80))
def test_idempotent_and_line_count_on_any_text(text: str) -> None:
    once = repair(text)
    assert once.text.count("\n") == text.count("\n")
    twice = repair(once.text)
    assert twice.text == once.text
    assert twice.edits == []
