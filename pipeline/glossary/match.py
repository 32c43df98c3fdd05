"""Finding glossary terms in running text.

Why regexes built from inflected forms rather than a stemmer: the glossary is
small (tens to hundreds of rows), the languages are few, and the failure mode
that matters is a missed plural ("propuestas de valor", "canales",
"relationships"), which a handful of explicit rules per language covers
deterministically. Every form is matched on a *folded* copy of the text
(lower case, Latin accents removed, hyphen and Thai vowel variants unified) so
damaged scraped text ("metodo", "Relacion") still matches; an offset map takes
matches back to the original text. Terms marked case-sensitive are matched on
the text exactly as written.

Thai has no spaces, so a Thai term is found as a substring and then accepted
only when it does not split a longer Thai word: the surrounding Thai run is
cut into words by pythainlp's newmm with the glossary terms added to its
dictionary, and both edges of the match must fall on word boundaries.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Letters and digits of the Latin script: a Latin term must not touch one of
# these on either side. Thai letters glued onto a Spanish word (a common
# scraping accident) do not block a match.
_LATIN = "0-9A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
LATIN_CLASS = _LATIN
BEFORE = f"(?<![{_LATIN}])"
AFTER = f"(?![{_LATIN}])"

_HYPHENS = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u00ad": ""}
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'"}

# Words that do not inflect inside a multi-word term.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "es": frozenset(
        [
            "a",
            "al",
            "con",
            "de",
            "del",
            "el",
            "en",
            "e",
            "la",
            "las",
            "lo",
            "los",
            "o",
            "para",
            "por",
            "sin",
            "su",
            "sus",
            "u",
            "un",
            "una",
            "y",
        ]
    ),
    "en": frozenset(["a", "an", "and", "by", "for", "in", "of", "on", "or", "the", "to", "with"]),
}


def is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def is_latin_letter(ch: str) -> bool:
    return ch.isalnum() and ch.isascii() or ("\u00c0" <= ch <= "\u024f") or ("\u1e00" <= ch <= "\u1eff")


def fold(text: str) -> tuple[str, list[int]]:
    """Lower-case, strip Latin accents, unify hyphens/apostrophes and Thai SARA AM.

    Returns the folded text and, for every folded index (plus one past the
    end), the index in ``text`` it came from, so a match on the folded text
    maps back to the exact original characters.
    """
    if text.isascii():  # nothing to unify in ASCII but case: the common case, 20x faster
        return text.lower(), list(range(len(text) + 1))
    out: list[str] = []
    where: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        # NIKHAHIT + SARA AA is how some keyboards type SARA AM (U+0E33).
        if ch == "\u0e4d" and i + 1 < n and text[i + 1] == "\u0e32":
            out.append("\u0e33")
            where.append(i)
            i += 2
            continue
        for piece in _fold_char(ch, out[-1] if out else ""):
            out.append(piece)
            where.append(i)
        i += 1
    where.append(n)
    return "".join(out), where


_RUNS = re.compile("([\x00-\x7f]+)|([\u0e00-\u0e7f]+)|(.)", re.S)


def fold_text(text: str) -> str:
    """``fold(text)[0]`` without the offset map, in C-speed pieces: an ASCII run only
    lower-cases, a Thai run only unifies SARA AM (no Thai letter decomposes or has a case),
    and only the other characters take the per-character path (cached per character). A
    whole lesson's text is folded this way to find which glossary rows it can match."""
    if text.isascii():
        return text.lower()
    out: list[str] = []
    prev = ""  # the last folded character: a loose combining accent depends on it
    for m in _RUNS.finditer(text):
        ascii_run, thai_run, ch = m.groups()
        if ascii_run is not None:
            piece = ascii_run.lower()
        elif thai_run is not None:
            piece = thai_run.replace("\u0e4d\u0e32", "\u0e33")
        elif "\u0300" <= ch <= "\u036f":
            piece = "" if prev and not is_thai(prev) else ch
        else:
            piece = _fold_other(ch)
        if piece:
            out.append(piece)
            prev = piece[-1]
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _fold_other(ch: str) -> str:
    return _fold_char(ch, "")


def _fold_char(ch: str, prev: str) -> str:
    if ch in _HYPHENS:
        return _HYPHENS[ch]
    if ch in _APOSTROPHES:
        return _APOSTROPHES[ch]
    if "\u0300" <= ch <= "\u036f":  # a loose combining accent after a Latin letter
        return "" if prev and not is_thai(prev) else ch
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)
    if len(base) > 1 and base[0].isascii():
        ch = "".join(c for c in base if not ("\u0300" <= c <= "\u036f"))
    low = ch.lower()
    return low if len(low) == len(ch) else ch


def fold_term(term: str) -> str:
    """The folded text alone. (Not cached: a cache that a 100k-row glossary overflows makes
    loading cost per row grow with the file; the ASCII fast path is what counts.)"""
    return fold_text(term)


# -- inflection ----------------------------------------------------------------


def es_word_forms(w: str) -> set[str]:
    """Singular and plural of a (folded) Spanish word: canal/canales, luz/luces."""
    out = {w}
    if not w or not w[-1].isalpha():
        return out
    if w[-1] in "aeiou":
        out.add(w + "s")
    elif w.endswith("z"):
        out.add(w[:-1] + "ces")
    elif w[-1] != "s":
        out.add(w + "es")
    if w.endswith("ces") and len(w) > 4:
        out.add(w[:-3] + "z")
    if w.endswith("es") and len(w) > 4 and w[-3] in "lnrdjy":
        out.add(w[:-2])
    if w.endswith("s") and len(w) > 3 and w[-2] in "aeiou":
        out.add(w[:-1])
    return out


def en_word_forms(w: str) -> set[str]:
    """Singular and plural of a (folded) English word: activity/activities, channel/channels."""
    out = {w}
    if not w or not w[-1].isalpha():
        return out
    if re.search(r"[^aeiou]y$", w):
        out.add(w[:-1] + "ies")
    elif re.search(r"(?:s|x|z|ch|sh)$", w):
        out.add(w + "es")
    else:
        out.add(w + "s")
    if w.endswith("ies") and len(w) > 4:
        out.add(w[:-3] + "y")
    elif re.search(r"(?:ss|x|z|ch|sh)es$", w):
        out.add(w[:-2])
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        out.add(w[:-1])
    return out


WORD_FORMS = {"es": es_word_forms, "en": en_word_forms}


def pluralize(word: str, lang: str) -> str:
    """The plural of one word, keeping its case; unchanged for languages without rules."""
    if lang == "es":
        if word[-1:].lower() in "aeiouáéó":
            return word + "s"
        if word[-1:].lower() == "z":
            return word[:-1] + "ces"
        if word[-1:].lower() == "s":
            return word
        # canción -> canciones: the written accent goes away on the plural.
        stem = word
        if len(word) > 2 and word[-2] in "áéíóú":
            stem = word[:-2] + unicodedata.normalize("NFD", word[-2])[0] + word[-1]
        return stem + "es"
    if lang == "en":
        low = word.lower()
        if re.search(r"[^aeiou]y$", low):
            return word[:-1] + "ies"
        if re.search(r"(?:s|x|z|ch|sh)$", low):
            return word + "es"
        return word + "s"
    return word


def singularize(word: str, lang: str) -> str:
    low = fold_term(word)
    if lang == "es":
        if low.endswith("ces") and len(low) > 4:
            return word[:-3] + "z"
        if low.endswith("iones") and len(low) > 6:
            return word[:-5] + "ión"
        if low.endswith("es") and len(low) > 4 and low[-3] in "lnrdjy":
            return word[:-2]
        if low.endswith("s") and len(low) > 3 and low[-2] in "aeiou":
            return word[:-1]
        return word
    if lang == "en":
        if low.endswith("ies") and len(low) > 4:
            return word[:-3] + "y"
        if re.search(r"(?:ss|x|z|ch|sh)es$", low):
            return word[:-2]
        if low.endswith("s") and not low.endswith("ss") and len(low) > 3:
            return word[:-1]
    return word


def head_index(words: Sequence[str], lang: str) -> int:
    """Which word carries number: the first in Spanish (head-first), the last in English."""
    content = [i for i, w in enumerate(words) if fold_term(w) not in FUNCTION_WORDS.get(lang, ())]
    if not content:
        return 0
    return content[0] if lang == "es" else content[-1]


def is_plural_word(word: str, lang: str) -> bool:
    low = fold_term(word)
    return lang in ("es", "en") and low.endswith("s") and not low.endswith("ss") and len(low) > 3


def number_of(phrase: str, lang: str) -> str:
    """'pl' or 'sg', judged on the head word of a phrase."""
    words = phrase.split()
    if not words or lang not in ("es", "en"):
        return "sg"
    return "pl" if is_plural_word(words[head_index(words, lang)], lang) else "sg"


def inflect_phrase(phrase: str, lang: str, number: str) -> str:
    """Put a glossary phrase in the given number ('sg'/'pl') by inflecting its head word."""
    if lang not in ("es", "en") or number_of(phrase, lang) == number:
        return phrase
    parts = re.split(r"(\s+)", phrase)
    words = parts[::2]
    h = head_index(words, lang)
    words[h] = pluralize(words[h], lang) if number == "pl" else singularize(words[h], lang)
    parts[::2] = words
    return "".join(parts)


# -- patterns ------------------------------------------------------------------


def latin_pattern(form: str, lang: str, *, inflect: bool = True) -> str:
    """A regex (for the folded or exact text) that matches ``form`` and its inflections."""
    word_forms = WORD_FORMS.get(lang) if inflect else None
    stop = FUNCTION_WORDS.get(lang, frozenset())
    pieces: list[str] = []
    for tok in re.split(r"(\s+|-)", form):
        if not tok:
            continue
        if tok.isspace():
            pieces.append(r"\s+")
        elif tok == "-":
            pieces.append(r"[-\s]?")
        elif word_forms and tok.isalpha() and tok not in stop:
            alts = sorted(word_forms(tok), key=lambda s: (-len(s), s))
            pieces.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
        else:
            pieces.append(re.escape(tok))
    # Allow an English possessive ("customer's", "customers'").
    tail = r"(?:'s|')?" if lang == "en" and inflect else ""
    return BEFORE + "".join(pieces) + tail + AFTER


def thai_pattern(form: str, words: Sequence[str] | None = None) -> str:
    """A regex for a Thai term that tolerates spaces between its words."""
    words = [w for w in (words or [form]) if w.strip()]
    return r"\s*".join(re.escape(w.strip()) for w in words)


# -- Thai word edges -----------------------------------------------------------

_TRIE_LOCK = threading.Lock()
_TRIES: dict[frozenset[str], Any] = {}


def thai_words_of(text: str) -> list[str]:
    """Split a Thai term into words with the default dictionary (for space tolerance)."""
    from pythainlp.tokenize import word_tokenize

    return [w for w in word_tokenize(text, engine="newmm", keep_whitespace=False) if w.strip()]


def _trie_for(terms: frozenset[str]) -> Any:
    """newmm's dictionary plus the glossary's Thai terms, built once per term set."""
    with _TRIE_LOCK:
        trie = _TRIES.get(terms)
        if trie is None:
            from pythainlp.corpus import thai_words
            from pythainlp.util import dict_trie

            trie = dict_trie(set(thai_words()) | set(terms))
            _TRIES[terms] = trie
        return trie


def thai_run(text: str, start: int, end: int) -> tuple[int, int]:
    """The maximal run of Thai characters around ``text[start:end]``."""
    a, b = start, end
    while a > 0 and is_thai(text[a - 1]):
        a -= 1
    while b < len(text) and is_thai(text[b]):
        b += 1
    return a, b


def splits_thai_word(text: str, start: int, end: int, terms: frozenset[str]) -> bool:
    """True when ``text[start:end]`` cuts a longer Thai word at either edge."""
    need_left = start > 0 and is_thai(text[start - 1]) and is_thai(text[start])
    need_right = end < len(text) and is_thai(text[end]) and is_thai(text[end - 1])
    if not (need_left or need_right):
        return False
    from pythainlp.tokenize import word_tokenize

    a, b = thai_run(text, start, end)
    bounds = {a}
    pos = a
    for tok in word_tokenize(text[a:b], custom_dict=_trie_for(terms), engine="newmm"):
        pos += len(tok)
        bounds.add(pos)
    return (need_left and start not in bounds) or (need_right and end not in bounds)


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    key: int  # index of the term in the glossary


def select_longest(cands: Iterable[Candidate]) -> list[Candidate]:
    """Longest match first, then leftmost; drop anything overlapping a kept match."""
    kept: list[Candidate] = []
    for c in sorted(cands, key=lambda c: (-(c.end - c.start), c.start, c.key)):
        if all(c.end <= k.start or c.start >= k.end for k in kept):
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)
