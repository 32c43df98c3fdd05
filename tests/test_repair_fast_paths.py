"""The repair's fast paths give exactly what the plain computation gives.

Each shortcut taken for speed (bench/repair.py: repair at least as fast as
``ftfy.fix_text`` on a first pass over pages) is checked here against the
reference it replaces, on real inputs: ftfy's own test cases, the generated
damage corpus, and inputs written to reach each branch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import ftfy
import pytest

from pipeline.repair import mojibake, repair

ROOT = Path(__file__).resolve().parent.parent
FTFY_DATA = ROOT / "tests" / "data" / "ftfy"


def _damage_corpus() -> object:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import damage_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return damage_corpus


def _ftfy_lines() -> list[str]:
    out: list[str] = []
    for path in sorted(FTFY_DATA.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            for text in (case["original"], case["fixed"]):
                out += text.split("\n")
    return out


# Lines reaching every branch of the loop: a ligature or a fullwidth form that
# only appears once the mojibake is decoded (the fixers then change the text
# after fix_encoding, so a further round runs), C1 controls, surrogates, an
# NBSP lost after "Ã", two layers of mojibake, clean text in several scripts.
CRAFTED = [
    "of\ufb01ce",
    "ï¬\x81 en la oficina",  # "ﬁ" as cp1252 mojibake: decodes to a ligature
    "ï¼¡ï¼¢ï¼£ fullwidth ABC as mojibake",
    "\uff21\uff22\uff23 \u3000 ancho completo",
    "modifiche\x94 e \x93virgolette\x94",
    "\x84Handwerk\x93",
    "voilÃ le travail",
    "relaciÃƒÂ³n doble capa",
    "sur\ud83drogate \ud83d\udca9 pair",
    "ความสัมพันธ์กับลูกค้า y relación con los clientes",
    "DrÃ¥ber",
    "",
    "plain ascii line",
]


def test_ftfy_loop_equals_fix_text() -> None:
    """mojibake._fix_text (ftfy's loop, stopped when decided) == ftfy.fix_text with the same configuration."""
    fix_text, config = mojibake._ftfy()
    assert mojibake._ftfy_steps() is not None  # the fast loop is in use with the installed ftfy
    dc = _damage_corpus()
    pages = [p.damaged for p in dc.pages(40)]  # type: ignore[attr-defined]
    lines = [*CRAFTED, *_ftfy_lines(), *pages]
    assert len(lines) > 500
    for line in lines:
        assert mojibake._fix_text(line) == fix_text(line, config), line


@pytest.mark.parametrize("line", ["a\nb\u00c3\u00b3", "x" * 10 + "\u00c3\u00b3"])
def test_ftfy_loop_falls_back_on_segments(line: str) -> None:
    fix_text, config = mojibake._ftfy()
    assert mojibake._fix_text(line) == fix_text(line, config)


def test_ftfy_default_fix_text_is_unchanged_by_us() -> None:
    # The fast loop calls ftfy's public functions only; ftfy's own fix_text keeps working as before.
    assert ftfy.fix_text("relaciÃ³n") == "relación"


def test_thai_key_equals_its_rule_table() -> None:
    from pipeline.repair import lexicon
    from pipeline.repair.thai_tails import _key_by_rules, key

    words = sorted(lexicon.zipf_table())[::40]
    words += ["Ç", "ÇA", "QUE", "México", "LLAMA", "hhh", "aÜe", "ñandú", "quizás", "xhosa", "chhe", ""]
    for word in words:
        for i in range(len(word) + 1):
            assert key.__wrapped__(word[i:]) == _key_by_rules(word[i:]), word[i:]


def test_thai_match_floors_change_nothing() -> None:
    """Skipping alignments whose lower bound exceeds the limit gives the same word, cost and margin."""
    from pipeline.repair.thai_tails import GLUED_RE, _match

    dc = _damage_corpus()
    seen: set[tuple[str, str, str]] = set()
    for page in dc.pages(60, seed=3):  # type: ignore[attr-defined]
        if page.kind == "thai_tail":
            seen |= {(m["stem"].lower(), m["thai"], m["rest"].lower()) for m in GLUED_RE.finditer(page.damaged)}
    # shorter stems (more candidates each), a rest after the Thai, a tail read as nothing
    seen |= {("cl", "ีเอนเตส", ""), ("aplicá", "นดอลอ", ""), ("mé", "ซิคอ", ""), ("paí", "สเส", ""), ("pa", "ส", "es")}
    assert len(seen) > 100
    for stem, thai, rest in sorted(seen):
        assert _match(stem, thai, rest) == _match(stem, thai, rest, floors=False), (stem, thai, rest)


@pytest.mark.parametrize("n", [0, 700, 16_382, 16_383, 16_384, 40_000])
def test_offsets_around_the_shared_offset_map(n: int) -> None:
    """Lines shorter than the shared 0..N map slice it; longer ones build their own: same offsets."""
    from pipeline.repair.core import _identity

    assert list(_identity(n + 1)) == list(range(n + 1))
    text = "primera línea\n" + "a" * n + " el mó;dulo y la relació;n, ¿;Qué?"
    result = repair(text)
    assert result.text == "primera línea\n" + "a" * n + " el módulo y la relación, ¿Qué?"
    for edit in result.edits:
        assert text[edit.start : edit.end] == edit.before


def test_half_remnants_equal_the_full_pattern() -> None:
    """The ';'-anchored scan for remnants gives HALF_RE's matches on lines without combining marks."""
    import random

    from pipeline.repair.entities import HALF_RE, _half_remnants

    def reference(line: str) -> list[tuple[int, int, str, str, str | None]]:
        return [(m.start(), m.end(), m["ch"], m["marks"], m["next"]) for m in HALF_RE.finditer(line)]

    dc = _damage_corpus()
    lines = [p.damaged for p in dc.pages(20)]  # type: ignore[attr-defined]
    rng = random.Random(12)
    alphabet = list(";;;;aé ñ&<(#.,\u00a0\u2003\u20d1\u0301\ufe0fนส—…«»€\n") + ["ó;", "&;", ";;", "\u00a0;"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    lines += ["", ";", "é;", "é;;", ";é;", "é;\n", "\u20d1;x", "a\u0301;b", "é\u20d1\u20d2;x"]
    for line in lines:
        assert list(_half_remnants(line)) == reference(line), repr(line)


def test_bare_tokens_equal_the_tail_pattern() -> None:
    """bare_tokens' backward scan finds what _TOK_TAIL_RE.search found in its window."""
    import random

    from pipeline.repair.entities import _TOK_CHAR_RE, _TOK_TAIL_RE, _TOK_WINDOW, bare_tokens

    def reference(text: str) -> list[tuple[int, int, str]]:
        out = []
        pos = text.find(";")
        while pos > 0:
            prev = text[pos - 1]
            if prev.isascii() and prev.isalnum():
                lo = max(0, pos - _TOK_WINDOW)
                m = _TOK_TAIL_RE.search(text, lo, pos)
                if m is not None:
                    start = m.start()
                    before = text[start - 1] if start else ""
                    if before not in ("&", "#") and not (start == lo and before and _TOK_CHAR_RE.match(before)):
                        out.append((start, pos + 1, m[0]))
            pos = text.find(";", pos + 1)
        return out

    dc = _damage_corpus()
    texts = [p.damaged for p in dc.pages(20)]  # type: ignore[attr-defined]
    rng = random.Random(7)
    alphabet = list("ab9Z;;; &#éñ_-x0") + ["oacute;", "relacioacute;n", "#8212;", "mdash;", "utili;"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    texts += ["a" * 70 + ";", "é" * 70 + "a;", "12;", "a1;", "1a;", "&x;", "#x;", "ña;", "x" * 64 + "9;"]
    for text in texts:
        assert list(bare_tokens(text)) == reference(text), repr(text)


def test_printable_lines_hold_no_control_this_pass_touches() -> None:
    """line_has_controls' shortcut: every character the control pass may touch, U+FFFC apart, is non-printable."""
    from pipeline.repair.controls import _ASTRAL_RE, _BMP_RE, CONTROL_RE, line_has_controls

    touched = [chr(c) for c in range(0x110000) if CONTROL_RE.match(chr(c)) or _BMP_RE.match(chr(c))]
    touched += [chr(c) for c in range(0x10000, 0x110000) if _ASTRAL_RE.match(chr(c))]
    assert len(touched) > 100
    assert [ch for ch in touched if ch.isprintable()] == ["\ufffc"]
    for ch in touched:
        assert line_has_controls(f"texto {ch} limpio"), hex(ord(ch))
    assert not line_has_controls("texto limpio, ñandú y ความสัมพันธ์")


def test_glued_tokens_equal_the_full_scan() -> None:
    """Thai tails found from their glue points are GLUED_RE.finditer's matches, groups and spans."""
    import random

    from pipeline.repair.thai_tails import GLUED_RE, glued_tokens

    def spans(matches: object) -> list[tuple[tuple[int, int], dict[str, str]]]:
        return [(m.span(), m.groupdict()) for m in matches]  # type: ignore[attr-defined]

    dc = _damage_corpus()
    lines = [p.damaged for p in dc.pages(20)]  # type: ignore[attr-defined]
    rng = random.Random(3)
    alphabet = list("ab;; éñ.,นสเตอ") + ["ó;น", "á;นดอลอ", "clienteส", "Canvasของ", "ลูกค้า"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    lines += ["", "น", "aน", ";น", "a;น", "aนb;ส", "abนcdสef", "abนcd;ส", "aนbนc"]
    for line in lines:
        assert spans(glued_tokens(line)) == spans(GLUED_RE.finditer(line)), repr(line)


def test_saturation_counts_in_one_scan_each() -> None:
    """saturation() counts accents and their ';' with one pattern; the same counts as the two patterns each."""
    import random

    from pipeline.repair import evidence as ev

    dc = _damage_corpus()
    texts = [p.damaged for p in dc.pages(20)]  # type: ignore[attr-defined]
    rng = random.Random(5)
    alphabet = list("aó;;; né.Ñ") + ["ó;n", "ó; ", "é;;x", "Á;B"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))) for _ in range(3000)]
    for text in texts:
        inner = ev.INNER_ACCENT_ANY_RE.findall(text)
        assert len(inner) == len(ev.INNER_ACCENT_RE.findall(text)), text
        assert inner.count(";") == len(ev.INNER_ACCENT_SEMI_RE.findall(text)), text
        every = ev.ACCENT_ANY_RE.findall(text)
        assert len(every) == len(ev.ACCENT_RE.findall(text)), text
        assert every.count(";") == len(ev.ACCENT_SEMI_RE.findall(text)), text
