"""A small Spanish word-bigram model: context for choosing between repair candidates.

Lost-letter damage (``;o`` for ``año``, ``cómo``, ``sólo``, ...) and Thai tails
often leave several lexicon words that fit; single-word frequency picks the
commonest one whatever the sentence says. The neighbours decide: ``el ;o``
is ``año``, ``¿;mo`` is ``cómo``.

The model (``data/es_ngrams.tsv.gz``, 160 KB) is counted offline from the UD
Spanish AnCora and PUD treebanks (137k tokens) by ``bench/damage_corpus.py
build`` (licences and sources in ``data/``). To stay small it keeps every
unigram count (with its number of distinct next words) and only the bigrams
that touch a word with an accented letter or a ``;``: the words repairs choose
between, and the real-semicolon reading. A pair of a kind it prunes gives no
evidence (:func:`kept`). Probabilities are Witten-Bell smoothed towards
wordfreq's unigram frequency (back-off weight: the distinct next words, at
least :data:`MU`), so an unseen context falls back to plain frequency and a
word the treebank never saw still competes. It also counts how often an
accented word is capitalised inside a sentence, so restored names keep their
capital (``México``).

Tokens are lower-case words, ``<num>`` for digits, single punctuation marks,
and ``<s>`` / ``</s>`` for the start and end of a sentence (or line).
"""

from __future__ import annotations

import gzip
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipeline.repair import lexicon
from pipeline.repair.base import LATIN

MODEL_PATH = Path(__file__).parent / "data" / "es_ngrams.tsv.gz"
MU = 4.0  # prior weight: a context seen this often counts as much as the unigram prior
TOKEN_RE = re.compile(rf"[{LATIN}]+|[0-9]+|[¿?¡!.,;:()«»\"]")
_ACCENTS = frozenset("áéíóúñü")
PUNCT_PRIOR = 1e-3  # unigram prior of a punctuation token (not in wordfreq)
FLOOR = 1e-9  # prior of a word wordfreq does not know


def kept(a: str, b: str) -> bool:
    """Whether the model keeps the bigram ``a b`` (it touches an accented word or a ``;``)."""
    return ";" in (a, b) or not _ACCENTS.isdisjoint(a) or not _ACCENTS.isdisjoint(b)


def tokenize(sentence: str) -> list[str]:
    toks = ["<s>"]
    for t in TOKEN_RE.findall(sentence):
        toks.append("<num>" if t[0].isdigit() else t.lower())
    toks.append("</s>")
    return toks


Counts = tuple[Counter[str], Counter[tuple[str, str]], Counter[str], Counter[str]]


def count_ngrams(sentences: Iterable[str]) -> Counts:
    """Unigram counts; the bigrams that touch an accented word or a ``;``; how
    often an accented word is written with a capital inside a sentence
    (``México``, ``Ángeles``: names keep their capital when restored); and the
    number of distinct words seen after each word (all bigrams, pruned or not:
    the Witten-Bell back-off weight)."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    caps: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for s in sentences:
        toks = tokenize(s)
        unigrams.update(toks)
        for a, b in zip(toks, toks[1:], strict=False):
            seen.add((a, b))
            if kept(a, b):
                bigrams[a, b] += 1
        raw = TOKEN_RE.findall(s)
        for prev, tok in zip(raw, raw[1:], strict=False):
            if tok[0].isupper() and not _ACCENTS.isdisjoint(tok.lower()) and prev not in '.?!¿¡:"«(':
                caps[tok.lower()] += 1
    followers = Counter(a for a, _ in seen)
    return unigrams, bigrams, caps, followers


def write_model(path: Path, counts: Counts) -> None:
    unigrams, bigrams, caps, followers = counts
    lines = [f"1\t{w}\t{c}\t{followers.get(w, 0)}" for w, c in sorted(unigrams.items())]
    lines += [f"2\t{a} {b}\t{c}" for (a, b), c in sorted(bigrams.items())]
    lines += [f"C\t{w}\t{c}" for w, c in sorted(caps.items())]
    # mtime 0: the same counts give the same bytes
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


@lru_cache(maxsize=65536)
def _prior(word: str) -> float:
    """Unigram prior: wordfreq's frequency; punctuation and markers a fixed small one."""
    if not word[0].isalpha():
        return PUNCT_PRIOR
    z = lexicon.zipf(word)
    return 10 ** (z - 9.0) if z else FLOOR


class Bigrams:
    """Counts plus the smoothed conditional probability ``P(b | a)``."""

    def __init__(
        self,
        unigrams: dict[str, int],
        bigrams: dict[tuple[str, str], int],
        caps: dict[str, int] | None = None,
        followers: dict[str, int] | None = None,
    ) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.caps = caps or {}
        self.followers = followers or {}

    def capitalised(self, word: str) -> bool:
        """Whether ``word`` is a name: written with a capital in three quarters of its occurrences
        (``México``, ``Gómez``; not ``cámara``, which the treebank's "Cámara" often capitalises)."""
        w = word.lower()
        return 4 * self.caps.get(w, 0) >= 3 * self.unigrams.get(w, 0) > 0

    def prior(self, word: str) -> float:
        return _prior(word)

    def prob(self, a: str | None, b: str) -> float:
        """``P(b | a)``, Witten-Bell smoothed towards the prior; ``a`` None: no usable context.

        The back-off weight is the number of distinct words seen after ``a``
        (at least :data:`MU`): a word followed by many different words (``había``
        + any participle) says little by not having been seen with ``b``.
        """
        p0 = self.prior(b)
        if a is None or not kept(a, b):
            return p0  # no context, or a pair the pruned model does not keep: no evidence
        t = max(self.followers.get(a, 0), MU)
        return (self.bigrams.get((a, b), 0) + t * p0) / (self.unigrams.get(a, 0) + t)

    def score(self, prev: str | None, word: str, nxt: str | None) -> float:
        """log of ``P(word | prev) * P(nxt | word) / P(nxt)``: how well ``word`` fits between its neighbours."""
        w = word.lower()
        s = math.log(self.prob(prev, w))
        if nxt is not None:
            s += math.log(self.prob(w, nxt) / self.prior(nxt))
        return s


@lru_cache(maxsize=1)
def model() -> Bigrams:
    """The shipped model, loaded once per process (about 0.1 s); empty if the file is missing."""
    unigrams: dict[str, int] = {}
    bigrams: dict[tuple[str, str], int] = {}
    caps: dict[str, int] = {}
    followers: dict[str, int] = {}
    if MODEL_PATH.is_file():
        with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as fh:
            for line in fh:
                kind, key, count, *more = line.rstrip("\n").split("\t")
                if kind == "1":
                    unigrams[key] = int(count)
                    if more:
                        followers[key] = int(more[0])
                elif kind == "C":
                    caps[key] = int(count)
                else:
                    a, b = key.split(" ")
                    bigrams[a, b] = int(count)
    return Bigrams(unigrams, bigrams, caps, followers)


def context(line: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The model tokens just before ``line[start:end]`` and just after it.

    A neighbour that is itself damaged (holds a ``;`` glued to letters, or
    Thai) is no evidence: None. The line's edges are sentence edges.

    Only a bounded window around the span is read (plus any run of blanks
    next to it), never a copy of the rest of the line: a page scraped as one
    huge line has thousands of candidates on that line.
    """
    return _before(line, start), _after(line, end)


_WINDOW = 60  # characters before a span searched for its left neighbour
_PREV_RE = re.compile(rf"(?:([{LATIN}]+)|([0-9]+)|([¿?¡!.,;:()«»\"]))[ \t\u00a0]*\Z")
_NEXT_RE = re.compile(rf"[ \t\u00a0]*(?:([{LATIN}]+)|([0-9]+)|([¿?¡!.,;:()«»\"]))")


def _before(line: str, start: int) -> str | None:
    lo = max(0, start - _WINDOW)
    window = line[lo:start]
    if not window.strip():
        j = lo  # blanks up to the span: a sentence edge only if blanks reach the line's start
        while j > 0 and line[j - 1].isspace():
            j -= 1
        return "<s>" if j == 0 else None  # no token in the window: no evidence
    m = _PREV_RE.search(window)
    if m is None:
        return None
    if m[1] and line[lo + m.start() - 1 : lo + m.start()] in (";", "&"):
        return None  # "c;mo": a damaged word
    return _token(m)


def _after(line: str, end: int) -> str | None:
    j = end
    n = len(line)
    while j < n and line[j].isspace():
        j += 1
    if j == n:
        return "</s>"
    m = _NEXT_RE.match(line, end)
    if m is None:
        return None
    if m[1] and line[m.end() : m.end() + 1] in (";", "&"):
        return None
    return _token(m)


def _token(m: re.Match[str]) -> str:
    if m[1]:
        return m[1].lower()
    return "<num>" if m[2] else m[3]
