"""The anchor index's one-pass scan and the fast fold give exactly what the per-character walk gave.

``_reference_hits`` and ``_reference_fold`` are the former implementations, kept here as the
specification: ``AnchorIndex.hits`` must return the same (entry, offset) list in the same order,
``lesson_rows`` the same rows, and ``match.fold_text`` the same string as ``match.fold``, on the
project's glossary, a generated one, the shared samples and random texts built to hit edges
(anchors inside words, glued Thai, hyphens, combining accents, SARA AM typed as two characters).
The cost test counts dictionary lookups, not seconds: they follow the anchor hits, not the length.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipeline.glossary import Glossary
from pipeline.glossary import match as M
from pipeline.glossary import index as index_module
from pipeline.glossary.index import AnchorIndex
from pipeline.glossary.model import Term
from pipeline.run.glossary_rows import lesson_rows, row_ids

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT.parent / "shared" / "samples"
_LATIN_CHAR = re.compile(f"[{M.LATIN_CLASS}]")
_LATIN_RUN = re.compile(f"[{M.LATIN_CLASS}]+")


def _reference_hits(index: AnchorIndex, hay: str, folded: bool) -> list[tuple[int, int]]:
    """The former AnchorIndex.hits: every character, every anchor length."""
    by = index._by[folded]
    latin, thai = index._lengths[folded]
    found: list[tuple[int, int]] = [(n, i) for n in index._always[folded] for i in range(len(hay))]
    by_word = index._by_word[folded]
    if by_word:
        runs = list(_LATIN_RUN.finditer(hay))
        for r, m in enumerate(runs):
            got = by_word.get(m.group())
            if got:
                found.extend((k, m.start()) for k in got)
            nxt = runs[r + 1] if r + 1 < len(runs) else None
            if nxt is not None and hay[m.end() : nxt.start()].isspace():
                got = by_word.get(m.group() + " " + nxt.group())
                if got:
                    found.extend((k, m.start()) for k in got)
    if not by:
        return found
    prev_latin = False
    for i, ch in enumerate(hay):
        lengths = thai if M.is_thai(ch) else (latin if not prev_latin else ())
        for n in lengths:
            got = by.get(hay[i : i + n])
            if got:
                found.extend((k, i) for k in got)
        prev_latin = bool(_LATIN_CHAR.match(ch))
    return found


def _reference_fold(text: str) -> str:
    return M.fold(text)[0]


def _reference_rows(glossary: Glossary, texts: list[str]) -> list[str]:
    """Every row whose regex matches at one of its anchor hits, by the reference walk, with no prefilter."""
    hay = "\n".join(t for t in texts if t)
    keys: set[int] = set()
    if hay:
        for lang in glossary.languages:
            index = glossary._index(lang)
            for text, folded in ((_reference_fold(hay), True), (hay, False)):
                keys |= {index.entries[n].key for n, pos in _reference_hits(index, text, folded)
                         if index.regex(n).match(text, pos)}
    ids = row_ids(glossary)
    return sorted({ids[k] for k in keys})


def _generated_glossary(tmp_path: Path, rng: random.Random) -> Glossary:
    """Rows sharing prefixes (one-letter anchors, anchors that are prefixes of others), Thai
    rows overlapping each other, hyphenated and exact-case rows, accents."""
    stems = ["con", "cons", "consejo", "c", "cli", "cliente", "canal", "val", "valor", "ré", "año", "x-ray",
             "co-creación", "red", "Red", "ESTO", "fin"]
    thai = ["ความสัมพันธ์", "ความ", "สัมพันธ์", "ลูกค้า", "ลูกค้าสัมพันธ์", "ช่องทาง", "คำ", "คํา", "ทางเลือก"]
    lines = ["es,en,th,pos,dnt,case,forbidden_th,note"]
    seen: set[str] = set()
    distinct = {M.fold(a + b)[0]: a + b for a in thai for b in [""] + thai}  # one spelling per folded form
    pairs = iter(rng.sample(sorted(distinct.values()), 60))
    for _ in range(60):
        es = " ".join(rng.choice(stems) for _ in range(rng.randint(1, 3)))
        en = rng.choice(["customer", "customer relationship", "value", "channel", "c", "a b", "Red team"])
        if M.fold(es)[0] in seen:
            continue
        seen.add(M.fold(es)[0])
        case = "yes" if es != es.lower() else ""
        lines.append(f"{es},{en} {len(seen)},{next(pairs)},noun,,{case},,")
    path = tmp_path / "generated.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Glossary.load(str(path))


def _random_text(rng: random.Random, glossary: Glossary, size: int) -> str:
    forms = [f for t in glossary.terms for f in _forms(t)] or ["x"]
    filler = ["el", "la", "de", "consejos", "cliente", "Clientes", "canales", "valores", "años", "ano",
              "customers", "relationships", "ลูกค้า", "ความ", "และ", "\u0e4d\u0e32", "ré\u0301", "e\u0301",
              "x-ray", "co\u2010creación", "Red", "RED", "esto", "ESTO", "fin.", "123", "ﬁn", "İ"]
    seps = [" ", " ", " ", "  ", "\n", "\t", "-", ", ", ". ", "", "\u00a0", "(", "'", "\u2019"]
    out: list[str] = []
    while sum(map(len, out)) < size:
        word = rng.choice(forms) if rng.random() < 0.3 else rng.choice(filler)
        if rng.random() < 0.1:
            word = word.upper() if rng.random() < 0.5 else word.capitalize()
        if rng.random() < 0.1 and len(word) > 2:  # a piece of a word: anchors in the middle of words
            a = rng.randrange(len(word))
            word = word[a : a + rng.randint(1, len(word))]
        out.append(word + rng.choice(seps))
    return "".join(out)


def _forms(term: Term) -> list[str]:
    return [f for forms in term.forms.values() for f in forms]


def _glossaries(tmp_path: Path) -> list[Glossary]:
    return [Glossary.load(str(ROOT / "glossary.csv")), _generated_glossary(tmp_path, random.Random(3))]


def _sample_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))] if SAMPLES.is_dir() else []


def test_fold_text_is_fold() -> None:
    alphabet = list("abcABCÉéñÑ -'\u2010\u2013\u00ad\u2019\u02bc\u0301\u0300\u0e4d\u0e32\u0e33กขคา\u0e48ﬁİ\u212aßŉ\n\t😀")
    alphabet.append("\u0e4d\u0e32")
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert M.fold_text(text) == _reference_fold(text), repr(text)
    for text in _sample_texts():
        assert M.fold_text(text) == _reference_fold(text)


@pytest.mark.parametrize("walk", [0, 10**12], ids=["scanner", "walk"])
def test_hits_same_as_the_character_walk(tmp_path: Path, walk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "WALK_PER_KEY", walk)  # the scanner at once, or never
    rng = random.Random(5)
    for glossary in _glossaries(tmp_path):
        texts = _sample_texts() + [_random_text(rng, glossary, rng.choice([0, 1, 20, 300, 3000])) for _ in range(40)]
        for lang in glossary.languages:
            index = glossary._index(lang)
            for text in texts:
                for hay, folded in ((M.fold(text)[0], True), (text, False)):
                    assert index.hits(hay, folded) == _reference_hits(index, hay, folded)


@pytest.mark.parametrize("walk", [0, 10**12], ids=["scanner", "walk"])
def test_lesson_rows_same_as_reference(tmp_path: Path, walk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "WALK_PER_KEY", walk)  # the scanner at once, or never
    rng = random.Random(7)
    for glossary in _glossaries(tmp_path):
        cases = [[t] for t in _sample_texts()]
        cases += [[_random_text(rng, glossary, rng.choice([5, 80, 2000])) for _ in range(rng.randint(1, 6))]
                  for _ in range(40)]
        for texts in cases:
            assert lesson_rows(glossary, texts) == _reference_rows(glossary, texts)


@pytest.mark.parametrize("walk", [0, 10**12], ids=["scanner", "walk"])
def test_hits_on_hand_made_edges(tmp_path: Path, walk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "WALK_PER_KEY", walk)  # the scanner at once, or never
    glossary = _generated_glossary(tmp_path, random.Random(3))
    texts = ["", "c", "cc", "ccon", " con", "acon con", "ความสัมพันธ์ความ", "กความ", "คํา คำ",
             "customer\u00a0relationship", "customer\n relationship", "customer-relationship", "Red RED red"]
    for lang in glossary.languages:
        index = glossary._index(lang)
        for text in texts:
            for hay, folded in ((M.fold(text)[0], True), (text, False)):
                assert index.hits(hay, folded) == _reference_hits(index, hay, folded), (lang, text)


class _CountingDict(dict):  # type: ignore[type-arg]
    lookups = 0

    def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
        _CountingDict.lookups += 1
        return super().get(key, default)


@pytest.mark.parametrize("lang", ["es", "en", "th"])
def test_lookups_follow_hits_not_length(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text that holds no anchor costs no lookup, however long; a text with k terms costs O(k)."""
    monkeypatch.setattr(index_module, "WALK_PER_KEY", 0)
    glossary = Glossary.load(str(ROOT / "glossary.csv"))
    index = glossary._index(lang)
    for f in (True, False):
        index._by[f] = _CountingDict(index._by[f])
        index._by_word[f] = _CountingDict(index._by_word[f])
    filler = "zzz qqq 999 ฯฯฯ "
    term = "modelo de negocio business model โมเดลธุรกิจ "
    counts = []
    for n in (1_000, 10_000):
        _CountingDict.lookups = 0
        for folded in (True, False):
            index.hits(filler * n, folded)
        assert _CountingDict.lookups == 0
        _CountingDict.lookups = 0
        for folded in (True, False):
            index.hits((filler * 9 + term) * (n // 10), folded)
        counts.append(_CountingDict.lookups)
    assert counts[1] <= 10 * counts[0] + 10  # linear in the number of terms present
    assert counts[1] <= 2 * 20 * (10_000 // 10)  # a few lookups per term occurrence


def test_scanner_built_once_texts_outweigh_keys() -> None:
    """Short texts on a fresh index are walked (no compile for a one-off check); once the
    characters walked pass WALK_PER_KEY per key, the scanner is built and used from then on."""
    index = Glossary.load(str(ROOT / "glossary.csv"))._index("es")
    budget = index_module.WALK_PER_KEY * len(index._by[True])
    short = ("co " * budget)[:budget]
    assert index.hits(short, True) == _reference_hits(index, short, True)
    assert (True, False) not in index._scanners
    long_text = "el modelo de negocio " * budget
    assert index.hits(long_text, True) == _reference_hits(index, long_text, True)
    assert (True, False) in index._scanners
