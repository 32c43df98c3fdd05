"""The word model of :mod:`pipeline.langid`: what the words and marks of a Latin piece say.

Per-language word frequencies from ``wordfreq`` (see :mod:`pipeline.wordlists`):
a naive-Bayes sum of log-frequency differences, each word's vote clipped so one
odd word cannot decide a sentence, plus accents/``ñ``/``¿``/``¡`` as evidence for
the languages whose alphabet has them; and langdetect, restricted to the
candidate languages (profiles loaded once, seed 0), for the pieces the words
leave unsure. Scores are log10 units (1.0 = ten to one), best = 0.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

from pipeline.script_runs import LATIN, MARKS

_WORD_CLIP = 3.0  # most one word can say for one language over another
_FLOOR = -9.0  # log10 frequency of a word a language's list lacks (zipf 0)
_CAPITAL_WEIGHT = 0.5  # capitalised words inside lower-case prose: names, brands
_ACCENT_EVIDENCE = 1.5  # an unknown word with letters of one alphabet only
_INVERTED_MARK = 2.0  # ¿ or ¡ in a piece: Spanish

TOKEN = re.compile(f"[{LATIN}{MARKS}]+(?:['’][{LATIN}{MARKS}]+)*")

_LANGDETECT_CODE = {"nb": "no", "fil": "tl", "zh": "zh-cn", "sh": "hr"}
# Letters beyond a-z that each language's alphabet uses: an unknown word written with
# them is evidence for that language (and against languages without them).
_ALPHABET_EXTRA = {
    "es": "áéíóúüñ",
    "pt": "áâãàçéêíóôõú",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "it": "àèéìíîòóù",
    "ca": "àçèéíïòóúü·",
    "de": "äöüß",
    "nl": "éëïöü",
    "en": "",
    "gl": "áéíñóú",
    "ro": "ăâîșțşţ",
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "tr": "çğıöşü",
    "sv": "åäö",
    "da": "æøå",
    "nb": "æøå",
    "no": "æøå",
    "fi": "äöå",
    "hu": "áéíóöőúüű",
    "is": "áðéíóúýþæö",
    "id": "",
    "ms": "",
    "vi": "",
}




# --- the word model -----------------------------------------------------------------------

_lock = threading.Lock()  # langdetect factories are built once, by one thread


def _table(lang: str) -> dict[str, float] | None:
    """Word -> log10 frequency for ``lang`` (see :mod:`pipeline.wordlists`), or None without a list."""
    from pipeline.wordlists import log10_frequencies

    return log10_frequencies(lang) or None


def needs_langdetect(cands: tuple[str, ...]) -> bool:
    return any(_table(c) is None for c in cands)


_word_cache: dict[tuple[str, ...], dict[str, tuple[float, ...] | None]] = {}
_WORD_CACHE_MAX = 200_000


def _word_vector(tok: str, cands: tuple[str, ...]) -> tuple[float, ...] | None:
    """Per-candidate evidence of one word (best = 0, clipped), or None if no list knows it.

    Cached per candidate tuple: lesson text repeats the same few thousand words.
    """
    cache = _word_cache.setdefault(cands, {})
    hit = cache.get(tok, False)
    if hit is not False:
        return hit  # type: ignore[return-value]
    word = tok.replace("’", "'").lower()
    if not word.isascii():
        word = unicodedata.normalize("NFC", word)
    tables = [_table(c) for c in cands]
    logs = [t.get(word, _FLOOR) for t in tables if t is not None]
    best = max(logs, default=_FLOOR)
    # A language without a word list is neither favoured nor penalised by words
    # (langdetect judges it): it gets the best score of the others.
    vec = (
        None
        if best == _FLOOR
        else tuple(max(t.get(word, _FLOOR) - best, -_WORD_CLIP) if t is not None else 0.0 for t in tables)
    )
    if len(cache) >= _WORD_CACHE_MAX:
        cache.clear()
    cache[tok] = vec
    return vec


def word_scores(tokens: list[str], piece: str, cands: tuple[str, ...]) -> tuple[dict[str, float], bool]:
    """Evidence per candidate (log10, best = 0 per word) from the words and marks of a piece."""
    totals = [0.0] * len(cands)
    evidence = False
    lower_initial = sum(1 for t in tokens if t[0].islower())
    prose = lower_initial * 2 >= len(tokens)
    for i, tok in enumerate(tokens):
        weight = _CAPITAL_WEIGHT if prose and i > 0 and tok[0].isupper() else 1.0
        vec = _word_vector(tok, cands)
        if vec is None:
            extra = _alphabet_evidence(unicodedata.normalize("NFC", tok.lower()), cands)
            if extra is None:
                continue
            vec = tuple(extra)
        if any(vec):
            evidence = True
            for k, v in enumerate(vec):
                totals[k] += v * weight
    scores = dict(zip(cands, totals))
    if "es" in scores and ("¿" in piece or "¡" in piece):
        evidence = True
        for c in cands:
            if c != "es":
                scores[c] -= _INVERTED_MARK
    top = max(scores.values())
    return {c: v - top for c, v in scores.items()}, evidence


def _alphabet_evidence(word: str, cands: tuple[str, ...]) -> list[float] | None:
    """For a word no list knows: its non-ASCII letters fit some alphabets and not others."""
    special = {ch for ch in word if not ("a" <= ch <= "z") and ch.isalpha()}
    if not special:
        return None
    fits = [special <= set(_ALPHABET_EXTRA.get(c, special)) for c in cands]
    if all(fits) or not any(fits):
        return None
    return [0.0 if f else -_ACCENT_EVIDENCE for f in fits]


# --- langdetect, restricted to the candidates ----------------------------------------------


@lru_cache(maxsize=16)
def _factory(cands: tuple[str, ...]) -> object | None:
    """A langdetect factory holding only the candidates' profiles (None if < 2 have one)."""
    import os

    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    codes = [(c, _LANGDETECT_CODE.get(c, c)) for c in cands]
    present = [(c, code) for c, code in codes if os.path.isfile(os.path.join(PROFILES_DIRECTORY, code))]
    if len(present) < 2:
        return None
    profiles = []
    for _, code in present:
        with open(os.path.join(PROFILES_DIRECTORY, code), encoding="utf-8") as fh:
            profiles.append(fh.read())
    factory = DetectorFactory()
    factory.seed = 0
    factory.load_json_profile(profiles)
    factory._pipeline_codes = {code: c for c, code in present}  # type: ignore[attr-defined]
    return factory


def langdetect_probs(text: str, cands: tuple[str, ...]) -> dict[str, float] | None:
    """Probabilities over the candidates langdetect has profiles for, or None."""
    with _lock:
        factory = _factory(cands)
    if factory is None:
        return None
    from langdetect.lang_detect_exception import LangDetectException

    detector = factory.create()  # type: ignore[attr-defined]
    detector.append(text)
    try:
        probs = detector.get_probabilities()
    except LangDetectException:
        return None
    codes = factory._pipeline_codes  # type: ignore[attr-defined]
    out = {codes[p.lang]: p.prob for p in probs if p.lang in codes}
    return out or None
