"""A small Spanish n-gram model: context for choosing between repair candidates.

Lost-letter damage (``;o`` for ``año``, ``cómo``, ``sólo``, ...) often leaves
several lexicon words that fit; single-word frequency picks the commonest one
whatever the sentence says. The neighbours decide: ``el ;o`` is ``año``,
``¿;mo`` is ``cómo``, ``el ;o Turia`` is ``río``.

The model (``data/es_ngrams.tsv.gz``) is counted offline from the UD Spanish
AnCora and PUD treebanks (137k tokens) by ``bench/build_ngrams.py`` (licences
and sources in ``data/``). To stay small it keeps every unigram count and only
the pairs that touch a word with an accented letter or a ``;``: the words
repairs choose between, and the real-semicolon reading. It has three levels,
each smoothed towards the next (Witten-Bell: the back-off weight of a context
is the number of distinct things seen after it, at least :data:`MU`):

1. word bigrams ``P(b | a)``;
2. class bigrams, where a word's class is its last three letters (``-ría``,
   ``-ado``, ``-ión``) and a capitalised word inside a sentence is ``<Cap>``:
   ``se -rán`` and ``-rán -ados`` generalise ``se serán`` / ``serán puestos``,
   which 137k tokens rarely hold, and ``río <Cap>`` is the river before its
   name;
3. wordfreq's unigram frequency, adapted to the treebanks' text by suffix
   class (:meth:`Bigrams._domain`), so an unseen context falls back to plain
   frequency and a word the treebank never saw still competes.

It also counts how often an accented word is capitalised inside a sentence,
and next to capitalised words, so restored names keep their capital
(``México``, ``Cámara Baja``; but ``río Turia``), together with what the
hunspell-es spell checker accepts (``data/es_names.tsv.gz``): ``Álava`` and
``Márquez`` only with a capital, ``Zúrich`` not at all, both unseen in the
treebanks. Tried and measured on the dev split, not kept: a left trigram
(+0.07 points), class-to-class pairs and last-letter classes (both worse),
more text of another domain (LibreOffice help: worse).

Tokens are lower-case words, ``<num>`` for digits, single punctuation marks,
and ``<s>`` / ``</s>`` for the start and end of a sentence (or line).
"""

from __future__ import annotations

import gzip
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipeline.repair import lexicon
from pipeline.repair.base import LATIN

DATA = Path(__file__).parent / "data"
MODEL_PATH = DATA / "es_ngrams.tsv.gz"
NAMES_PATH = DATA / "es_names.tsv.gz"
MU = 4.0  # prior weight: a context seen this often counts as much as its back-off
TOKEN_RE = re.compile(rf"[{LATIN}]+|[0-9]+|[¿?¡!.,;:()«»\"]")
_ACCENTS = frozenset("áéíóúñü")
PUNCT_PRIOR = 1e-3  # unigram prior of a punctuation token (not in wordfreq)
FLOOR = 1e-9  # prior of a word wordfreq does not know
CAP = "<Cap>"  # the class of a capitalised word inside a sentence
SUFFIX = 3  # a word's class: its last letters
# Raw tokens after which a capital says nothing (a sentence or quote starts).
_CAP_FREE = frozenset('.?!¿¡:"«(…')


def kept(a: str, b: str) -> bool:
    """Whether the model keeps the bigram ``a b`` (it touches an accented word or a ``;``)."""
    return ";" in (a, b) or not _ACCENTS.isdisjoint(a) or not _ACCENTS.isdisjoint(b)


def tokenize(sentence: str) -> list[str]:
    toks = ["<s>"]
    for t in TOKEN_RE.findall(sentence):
        toks.append("<num>" if t[0].isdigit() else t.lower())
    toks.append("</s>")
    return toks


def suffix_class(word: str) -> str:
    """A lower-case word's class: its last :data:`SUFFIX` letters (a short word is its own class)."""
    return word[-SUFFIX:] if len(word) > SUFFIX and word[0].isalpha() else word


def _classes(sentence: str) -> list[str]:
    """The class of each token of ``tokenize(sentence)``: ``<Cap>`` for a capitalised word inside
    the sentence, else the suffix class (punctuation and markers are their own class)."""
    raw = TOKEN_RE.findall(sentence)
    out = ["<s>"]
    prev = ""
    for k, t in enumerate(raw):
        if t[0].isdigit():
            out.append("<num>")
        elif t[0].isupper() and k > 0 and prev not in _CAP_FREE:
            out.append(CAP)
        else:
            out.append(suffix_class(t.lower()))
        prev = t
    out.append("</s>")
    return out


Counts = tuple[
    Counter[str],  # unigrams
    Counter[tuple[str, str]],  # kept word bigrams
    Counter[str],  # in-sentence capitals of accented words
    Counter[str],  # distinct words after each word
    Counter[tuple[str, str]],  # right classes: accented word -> class of the next token
    Counter[tuple[str, str]],  # left classes: word -> suffix class of a next accented-class word
    Counter[str],  # class unigrams
    Counter[str],  # distinct classes after each word
    Counter[tuple[str, str]],  # case in context: (accented word, "nc"/"nC"/"pc"/"pC") -> count
]


def candidate_classes() -> frozenset[str]:
    """The suffix classes of the lost-letter candidates (accented lexicon words): the left-class counts keep these."""
    return frozenset(suffix_class(w) for opts in lexicon.lost_letter_index().values() for w, _, _ in opts)


def count_ngrams(sentences: Iterable[str], classes: frozenset[str] | None = None) -> Counts:
    """Unigram counts; the bigrams that touch an accented word or a ``;``; how
    often an accented word is written with a capital inside a sentence
    (``México``, ``Ángeles``: names keep their capital when restored); the
    number of distinct words seen after each word (all bigrams, pruned or not:
    the Witten-Bell back-off weight); and the class counts (see the module doc)."""
    wanted = candidate_classes() if classes is None else classes
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    caps: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    right: Counter[tuple[str, str]] = Counter()
    left: Counter[tuple[str, str]] = Counter()
    class_uni: Counter[str] = Counter()
    seen_cls: set[tuple[str, str]] = set()
    case_ctx: Counter[tuple[str, str]] = Counter()
    for s in sentences:
        toks = tokenize(s)
        cls = _classes(s)
        unigrams.update(toks)
        class_uni.update(cls)
        for k, (a, b) in enumerate(zip(toks, toks[1:], strict=False)):
            seen.add((a, b))
            if kept(a, b):
                bigrams[a, b] += 1
            seen_cls.add((a, cls[k + 1]))
            if not _ACCENTS.isdisjoint(a):
                right[a, cls[k + 1]] += 1
            sb = suffix_class(b)
            if sb in wanted:
                left[a, sb] += 1
        raw = TOKEN_RE.findall(s)
        for prev, tok in zip(raw, raw[1:], strict=False):
            if tok[0].isupper() and not _ACCENTS.isdisjoint(tok.lower()) and prev not in _CAP_FREE:
                caps[tok.lower()] += 1
        for k in range(1, len(raw)):
            tok = raw[k]
            if not tok[0].isalpha() or _ACCENTS.isdisjoint(tok.lower()) or raw[k - 1] in _CAP_FREE:
                continue
            # how often the word is capitalised next to a capitalised word ("Cámara Baja",
            # "Los Ángeles"; but "río Turia"): n/p = next/previous, C = the word capitalised
            w, up = tok.lower(), tok[0].isupper()
            if k + 1 < len(raw) and raw[k + 1][0].isupper():
                case_ctx[w, "nC" if up else "nc"] += 1
            if k >= 2 and raw[k - 1][0].isupper() and raw[k - 2] not in _CAP_FREE:
                case_ctx[w, "pC" if up else "pc"] += 1
    followers = Counter(a for a, _ in seen)
    class_followers = Counter(a for a, _ in seen_cls)
    return unigrams, bigrams, caps, followers, right, left, class_uni, class_followers, case_ctx


def write_model(path: Path, counts: Counts) -> None:
    unigrams, bigrams, caps, followers, right, left, class_uni, class_followers, case_ctx = counts
    lines = [f"1\t{w}\t{c}\t{followers.get(w, 0)}\t{class_followers.get(w, 0)}" for w, c in sorted(unigrams.items())]
    lines += [f"2\t{a} {b}\t{c}" for (a, b), c in sorted(bigrams.items())]
    lines += [f"C\t{w}\t{c}" for w, c in sorted(caps.items())]
    lines += [f"R\t{a} {s}\t{c}" for (a, s), c in sorted(right.items())]
    lines += [f"L\t{a} {s}\t{c}" for (a, s), c in sorted(left.items())]
    lines += [f"S\t{s}\t{c}" for s, c in sorted(class_uni.items())]
    lines += [f"K\t{w} {k}\t{c}" for (w, k), c in sorted(case_ctx.items())]
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


# P(capital | word) of a word the treebanks rarely saw, by what the dictionary says of it.
NAME_ONLY = 0.9  # hunspell accepts it only with a capital (Álava)
NAME_TOO = 0.4  # hunspell has it both ways (Cámara and cámara)
UNKNOWN = 0.7  # hunspell accepts it neither way: mostly names it lacks (Zúrich), some rare forms (tuned with --dev)
NOT_A_NAME = 0.03  # hunspell accepts it in lower case only
CAP_WEIGHT = 3.0  # the dictionary's prior counts as this many treebank occurrences
# Odds that a capitalised neighbour multiplies an accented word's odds of a capital by (and a
# lower-case one), inside a sentence in AnCora + PUD: 27% of capitalised accented words but 2.3%
# of lower-case ones come before a capitalised word; 31% against 5.6% after one.
NEXT_CAP_ODDS, NEXT_LOWER_ODDS = 11.8, 0.75
PREV_CAP_ODDS, PREV_LOWER_ODDS = 5.5, 0.73
CASE_CTX_WEIGHT = 2.0  # the odds above count as this many of the word's own occurrences there
# The context's log-likelihood ratios count this much against the prior: bigram counts from
# 137k tokens overstate their evidence a little (tuned with --dev: 0.8 beats 1.0 and 0.6)
CONTEXT_WEIGHT = 0.8
DOMAIN_WEIGHT = 0.75  # how far the treebanks' suffix frequencies move wordfreq's prior (tuned with --dev)
DOMAIN_PSEUDO = 5.0  # pseudo-count added to a class's observed and expected treebank counts: rare classes stay near 1


def _case_prior(flag: str) -> float:
    return {"1": NAME_ONLY, "0": NAME_TOO, "u": UNKNOWN}.get(flag, NOT_A_NAME)


class Bigrams:
    """Counts plus the smoothed conditional probability ``P(b | a)`` and the candidates' context scores."""

    def __init__(
        self,
        unigrams: dict[str, int],
        bigrams: dict[tuple[str, str], int],
        caps: dict[str, int] | None = None,
        followers: dict[str, int] | None = None,
        right: dict[str, dict[str, int]] | None = None,
        left: dict[str, dict[str, int]] | None = None,
        class_uni: dict[str, int] | None = None,
        class_followers: dict[str, int] | None = None,
        names: dict[str, str] | None = None,
        case_ctx: dict[tuple[str, str], int] | None = None,
    ) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.caps = caps or {}
        self.followers = followers or {}
        self.right = right or {}
        self.left = left or {}
        self.class_uni = class_uni or {}
        self.class_followers = class_followers or {}
        self.names = names or {}
        self.case_ctx = case_ctx or {}
        self.after: dict[str, dict[str, int]] = {}
        for (a, b), c in bigrams.items():
            self.after.setdefault(a, {})[b] = c
        total = sum(self.class_uni.values()) or 1
        self._class_floor = 0.5 / total
        self._class_p = {s: c / total for s, c in self.class_uni.items()}
        # the left classes are suffixes whatever the case (a candidate's case is unknown)
        suffixes: Counter[str] = Counter()
        for w, c in unigrams.items():
            suffixes[suffix_class(w)] += c
        total = sum(suffixes.values()) or 1
        self._suffix_p = {s: c / total for s, c in suffixes.items()}
        self._word_cache: dict[str, tuple[float, float, str, float, int, float, float, dict[str, int], dict[str, int]]]
        self._word_cache = {}
        self._domain_cache: dict[str, float] | None = None
        self._pcap: dict[str, float] = {}

    def capitalised(self, word: str) -> bool:
        """Whether ``word`` is a name: written with a capital in three quarters of its occurrences
        (``México``, ``Gómez``; not ``cámara``, which the treebank's "Cámara" often capitalises),
        or, where the treebanks barely saw it, a name in the dictionary (``Álava``)."""
        return self.p_capital(word) >= 0.75

    def p_capital(self, word: str) -> float:
        """How often ``word`` is written with a capital inside a sentence: the treebanks'
        counts, smoothed towards what the dictionary says (:data:`NAME_ONLY` ...)."""
        w = word.lower()
        got = self._pcap.get(w)
        if got is None:
            prior = _case_prior(self.names.get(w, ""))
            got = self._pcap[w] = (self.caps.get(w, 0) + CAP_WEIGHT * prior) / (self.unigrams.get(w, 0) + CAP_WEIGHT)
        return got

    def p_capital_in(self, word: str, prev_cap: bool, next_cap: bool) -> float:
        """:meth:`p_capital` next to the neighbours' case: a capitalised neighbour makes a name
        likelier (``Cámara Baja``, ``Los Ángeles``), by the odds :data:`NEXT_CAP_ODDS` and
        :data:`PREV_CAP_ODDS` that the treebanks show for accented words, and by what they
        show for this very word where they saw it there (``río Turia`` stays lower case)."""
        p = min(max(self.p_capital(word), 1e-6), 1 - 1e-6)
        odds = p / (1 - p) * (NEXT_CAP_ODDS if next_cap else NEXT_LOWER_ODDS)
        odds *= PREV_CAP_ODDS if prev_cap else PREV_LOWER_ODDS
        p = odds / (1 + odds)
        w = word.lower()
        for seen, side in ((next_cap, "n"), (prev_cap, "p")):
            if seen:
                up = self.case_ctx.get((w, side + "C"), 0)
                total = up + self.case_ctx.get((w, side + "c"), 0)
                p = (up + CASE_CTX_WEIGHT * p) / (total + CASE_CTX_WEIGHT)
        return p

    def prior(self, word: str) -> float:
        return _prior(word)

    def class_prob(self, s: str) -> float:
        return self._class_p.get(s, self._class_floor)

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
        return (self.after.get(a, {}).get(b, 0) + t * p0) / (self.unigrams.get(a, 0) + t)

    def scores(
        self,
        prev: str | None,
        words: Iterable[str],
        nxt: str | None,
        nxt_class: str | None,
        base: Iterable[float] | None = None,
    ) -> list[float]:
        """:meth:`score` of each of ``words`` (lower-case accented words) in one context:
        ``log P(word) + CONTEXT_WEIGHT * (log P(word | prev) / P(word) + log P(nxt | word) / P(nxt))``.

        Left: the word bigram ``P(word | prev)`` backed off to the class bigram
        ``P(class(word) | prev) / P(class(word))`` times the prior. Right: ``P(nxt | word) / P(nxt)``
        backed off to ``P(class(nxt) | word) / P(class(nxt))``, then to no evidence (0).
        The context's counts are looked up once, each word's own once per process (the hot loop).
        ``base``: a number per word added to its score (the lost-letter cut's log prior)."""
        out = []
        if prev is not None:
            n = self.unigrams.get(prev, 0)
            u = max(self.class_followers.get(prev, 0), MU)
            t = max(self.followers.get(prev, 0), MU)
            after_prev = self.after.get(prev, {})
            left_prev = self.left.get(prev, {})
            left_norm = t / (n + u)
            log_nt = math.log(n + t)
        pn = self.prior(nxt) if nxt is not None else 1.0
        pc = self.class_prob(nxt_class) if nxt_class is not None else 1.0
        log = math.log
        for word, b in zip(words, base or itertools.repeat(0.0)):
            p0, log_p0, s, ps, nw, tw, vw, after_w, right_w = self._stats(word)
            if prev is None:
                total = b + log_p0
            else:
                # log P(word | prev) / P(word): the word bigram backed off to the class bigram
                lc = left_prev.get(s, 0)
                ctx_l = log(after_prev.get(word, 0) + p0 * left_norm * (lc + u * ps) / ps) - log_nt - log_p0
                total = b + log_p0 + CONTEXT_WEIGHT * ctx_l
            if nxt is not None and nw:
                ratio = 1.0
                if nxt_class is not None:
                    ratio = (right_w.get(nxt_class, 0) + vw * pc) / ((nw + vw) * pc)
                total += CONTEXT_WEIGHT * log((after_w.get(nxt, 0) / pn + tw * ratio) / (nw + tw))
            out.append(total)
        return out

    def _domain(self) -> dict[str, float]:
        """Per suffix class, how much commoner the treebanks' text makes it than wordfreq's mix
        (subtitles, chat, ...): news-like lesson text says "prestó", not "presté". The ratio of
        the two class frequencies (observed / expected count, each plus :data:`DOMAIN_PSEUDO`, so a
        class too rare to judge stays near 1), to the power :data:`DOMAIN_WEIGHT`. Computed once (a pass over the lexicon)."""
        if self._domain_cache is None:
            wf: dict[str, float] = {}
            for w, z in lexicon.zipf_table().items():
                cls = suffix_class(w)
                wf[cls] = wf.get(cls, 0.0) + 10 ** (z - 9.0)
            wf_total = sum(wf.values()) or 1.0
            tb: Counter[str] = Counter()
            for w, c in self.unigrams.items():
                if w[0].isalpha():
                    tb[suffix_class(w)] += c
            tb_total = sum(tb.values())
            self._domain_cache = {}
            if tb_total:
                for cls, mass in wf.items():
                    expected = tb_total * mass / wf_total  # the class's count, were the treebanks wordfreq's mix
                    ratio = (tb.get(cls, 0) + DOMAIN_PSEUDO) / (expected + DOMAIN_PSEUDO)
                    self._domain_cache[cls] = ratio**DOMAIN_WEIGHT
        return self._domain_cache

    def right_ratios(self, words: Iterable[str], nxt: str) -> list[float]:
        """``P(nxt | word) / P(nxt)`` for each of ``words`` (accented words: every pair is kept),
        the word bigram smoothed towards the prior as :meth:`prob` does, without classes."""
        pn = self.prior(nxt)
        out = []
        for word in words:
            st = self._stats(word)
            nw, tw, after_w = st[4], st[5], st[7]
            out.append((after_w.get(nxt, 0) / pn + tw) / (nw + tw))
        return out

    def prepare(self, words: Iterable[str]) -> None:
        """Compute :meth:`_stats` and :meth:`p_capital` of ``words`` now (the lost-letter candidates,
        about 19k: 0.1 s once per process), so that no page pays for the first sight of a word."""
        for w in words:
            self._stats(w)
            self.p_capital(w)

    def _stats(self, word: str) -> tuple[float, float, str, float, int, float, float, dict[str, int], dict[str, int]]:
        """What :meth:`scores` needs of ``word`` itself, computed once per word."""
        got = self._word_cache.get(word)
        if got is None:
            s = suffix_class(word)
            p0 = _prior(word) * self._domain().get(s, 1.0)
            right = self.right.get(word, {})
            got = (
                p0,
                math.log(p0),
                s,
                self._suffix_p.get(s, self._class_floor),
                self.unigrams.get(word, 0),
                max(self.followers.get(word, 0), MU),
                max(len(right), MU),
                self.after.get(word, {}),
                right,
            )
            self._word_cache[word] = got
        return got

    def score(self, prev: str | None, word: str, nxt: str | None, nxt_class: str | None = None) -> float:
        """How well ``word`` fits between its neighbours (see :meth:`scores`)."""
        return self.scores(prev, [word.lower()], nxt, nxt_class)[0]


def from_counts(counts: Counts, names: dict[str, str] | None = None) -> Bigrams:
    """A model straight from :func:`count_ngrams` (what :func:`model` reads back from the file)."""
    unigrams, bigrams, caps, followers, right, left, class_uni, class_followers, case_ctx = counts
    r: dict[str, dict[str, int]] = {}
    for (a, b), c in right.items():
        r.setdefault(a, {})[b] = c
    lf: dict[str, dict[str, int]] = {}
    for (a, b), c in left.items():
        lf.setdefault(a, {})[b] = c
    return Bigrams(
        dict(unigrams),
        dict(bigrams),
        dict(caps),
        dict(followers),
        r,
        lf,
        dict(class_uni),
        dict(class_followers),
        names,
        dict(case_ctx),
    )


@lru_cache(maxsize=1)
def model() -> Bigrams:
    """The shipped model, loaded once per process (about 0.2 s); empty if the file is missing."""
    unigrams: dict[str, int] = {}
    bigrams: dict[tuple[str, str], int] = {}
    caps: dict[str, int] = {}
    followers: dict[str, int] = {}
    class_followers: dict[str, int] = {}
    right: dict[str, dict[str, int]] = {}
    left: dict[str, dict[str, int]] = {}
    class_uni: dict[str, int] = {}
    case_ctx: dict[tuple[str, str], int] = {}
    if MODEL_PATH.is_file():
        with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as fh:
            for line in fh:
                kind, key, count, *more = line.rstrip("\n").split("\t")
                if kind == "1":
                    unigrams[key] = int(count)
                    if more:
                        followers[key] = int(more[0])
                    if len(more) > 1:
                        class_followers[key] = int(more[1])
                elif kind == "2":
                    a, b = key.split(" ")
                    bigrams[a, b] = int(count)
                elif kind == "C":
                    caps[key] = int(count)
                elif kind == "R":
                    a, b = key.split(" ")
                    right.setdefault(a, {})[b] = int(count)
                elif kind == "L":
                    a, b = key.split(" ")
                    left.setdefault(a, {})[b] = int(count)
                elif kind == "S":
                    class_uni[key] = int(count)
                elif kind == "K":
                    a, b = key.split(" ")
                    case_ctx[a, b] = int(count)
    names: dict[str, str] = {}
    if NAMES_PATH.is_file():
        with gzip.open(NAMES_PATH, "rt", encoding="utf-8") as fh:
            for line in fh:
                word, flag = line.rstrip("\n").split("\t")
                names[word] = flag
    return Bigrams(unigrams, bigrams, caps, followers, right, left, class_uni, class_followers, names, case_ctx)


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
# The left neighbour's definition: a token, then blanks, then the span. _before reads it back
# by hand (a regex search tries every position of the window); tests check the two agree.
_PREV_RE = re.compile(rf"(?:([{LATIN}]+)|([0-9]+)|([¿?¡!.,;:()«»\"]))[ \t\u00a0]*\Z")
_NEXT_RE = re.compile(rf"[ \t\u00a0]*(?:([{LATIN}]+)|([0-9]+)|([¿?¡!.,;:()«»\"]))")


def _before(line: str, start: int) -> str | None:
    lo = max(0, start - _WINDOW)
    j = start
    while j > lo and line[j - 1] in _BLANKS:
        j -= 1
    if not line[lo:j].strip():
        j = lo  # blanks up to the span: a sentence edge only if blanks reach the line's start
        while j > 0 and line[j - 1].isspace():
            j -= 1
        return "<s>" if j == 0 else None  # no token in the window: no evidence
    # read back over the last token by hand: what _PREV_RE finds, without trying each position
    c = line[j - 1]
    if c in _LETTERS:
        a = j - 1
        while a > lo and line[a - 1] in _LETTERS:
            a -= 1
        if line[a - 1 : a] in (";", "&"):
            return None  # "c;mo": a damaged word
        return line[a:j].lower()
    if c in _DIGITS:
        return "<num>"
    return c if c in _MARKS else None


_BLANKS = frozenset(" \t\u00a0")
_DIGITS = frozenset("0123456789")
_MARKS = frozenset('¿?¡!.,;:()«»"')
_LETTERS = frozenset(
    chr(c)
    for lo_, hi_ in ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F))
    for c in range(lo_, hi_ + 1)
)


def next_class(line: str, end: int, nxt: str | None) -> str | None:
    """The class of the token after ``line[:end]`` (``nxt``, from :func:`context`): ``<Cap>`` for a
    capitalised word (the damaged word before it is inside the sentence), else its suffix class."""
    if nxt is None or not nxt[0].isalpha():
        return nxt
    j = end
    while line[j].isspace():
        j += 1
    return CAP if line[j].isupper() else suffix_class(nxt)


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
