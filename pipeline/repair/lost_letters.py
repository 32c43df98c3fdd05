"""Letters lost around an entity: ``especificar ;mo se va`` -> ``especificar cómo se va``.

The decoder dropped the accented letter and a neighbour and left only the
entity's ``;``. The damaged token (``;mo``, ``c;mo``, ``qu;``) is looked up in an
index of common Spanish words with such a cut (:func:`lexicon.lost_letter_index`).
Candidates are scored by frequency (adapted to the treebanks' text), by how
likely the cut is (as damage-patterns.md describes the damage), by their
neighbours on both sides through the n-gram model (:mod:`.ngram`: word
bigrams backed off to suffix classes: ``el ;o`` is ``año``, ``¿;mo`` is
``cómo``, ``el ;o Turia`` is ``río``), and by the token's own case (``Ra;n``
inside a sentence is ``Ramón``, not ``razón``). A word-final ``pre;`` (``es;``, ``march;``)
also has the reading "a word and a real semicolon"; the bigram model scores it
too, weighted by the page's damage evidence, so a clean page keeps its
punctuation. Page context: a rival candidate used elsewhere on the page lowers
confidence; a candidate the page itself writes half-decoded (``habí;a``) raises
it. Clean words never raise it, because repairing a page adds accented words
to it, and half-decoded ones only vanish as the page is repaired: a second
``repair()`` is never surer than the first (idempotence). Case follows the
sentence (capital at its start, also right after an opening ``¿``/``¡`` that
starts it) and names: how often the treebanks capitalise the word and what
the hunspell-es dictionary says of it (``México``, ``Álava``), raised by
capitalised neighbours (``Cámara Baja``, ``Los Ángeles``; but ``río Turia``),
and after ``Name de`` (``Luis de Góngora``). Every output is a
lexicon word or the input unchanged; an unreadable stacked ``¿;;`` is flagged.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from pipeline.repair import lexicon, ngram
from pipeline.repair.base import (
    ACCENTED,
    ENTITY_CHAR_SET,
    LATIN,
    OPENING_MARKS,
    Candidate,
    PageContext,
    overlaps,
    protected_spans,
)

# The letters right after a ";" (anchored there: the regex never scans words).
SUFFIX_RE = re.compile(rf"[{LATIN}]*")
# A ";" not right after an accented letter: "mó;dulo" (most damage) is the
# remnant pass's job, so lines holding only that skip this pass at C speed.
SEMI_RE = re.compile(";(?<![\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f];)")
LETTER_RE = re.compile(rf"[{LATIN}]")
SENTENCE_END = ".!?…"
OPENERS = " \t\u00a0\"'“‘«(["
BULLET_RE = re.compile(r"[•\-*–·]|\d{1,3}[.)]")
RIVAL_ON_PAGE = 0.7  # confidence factor when the page uses another candidate
RIVAL_SHARE = 0.05  # a candidate this unlikely is no rival
# "qu;" is damage although wordfreq knows "qu" (from broken pages, ironically):
# a fragment counts as a word only when not much rarer than the repaired word.
PRE_WORD_MARGIN = 1.5
# In a page this damaged, short tokens ("m;s", "q;") are read too: the page
# evidence says a ";" is far likelier a lost letter than a code or typo.
SHORT_TOKEN_DAMAGE = 0.6
# Confidence of the report on a stacked "¿;;" whose letters cannot be read: flagged, not applied.
STACKED_FLAG = 0.3
# How often, in a damaged page, an accented word loses letters (rather than
# keeping its letter and a stray ";"): the prior of the lost-letter reading.
LOST_RATE = 0.3


def sentence_start(line: str, i: int) -> bool:
    """Whether position ``i`` of ``line`` starts a sentence (for capitalisation)."""
    j = i - 1
    while j >= 0 and line[j] in OPENERS:
        j -= 1
    if j >= 0 and line[j] in "¿¡":
        j -= 1
        while j >= 0 and line[j] in OPENERS:
            j -= 1
    if j < 0 or line[j] in SENTENCE_END:
        return True
    return _bullet_before(line, j)


BULLET_MAX = 4  # the longest bullet BULLET_RE takes ("100.")


def _bullet_before(line: str, j: int) -> bool:
    """Whether ``line[: j + 1]`` is, blanks aside, just a bullet (``•``, ``3.``).

    Reads back only over blanks and one short token, never the whole line
    (a page scraped as one huge line calls this for every candidate).
    """
    while j >= 0 and line[j].isspace():
        j -= 1
    a = j
    while a >= 0 and not line[a].isspace():
        if j - a >= BULLET_MAX:
            return False  # a token longer than any bullet
        a -= 1
    token = line[a + 1 : j + 1]
    while a >= 0 and line[a].isspace():
        a -= 1
    return a < 0 and bool(BULLET_RE.fullmatch(token))


def lost_letter_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if ";" not in line:
        return []
    out: list[Candidate] = []
    spans = protected_spans(line)
    damaged_page = ctx.damage >= SHORT_TOKEN_DAMAGE
    for start, end, pre, suf in _tokens(line):
        if not (pre or suf):
            continue
        if not damaged_page and (not suf and len(pre) < 2 or (pre and suf and len(pre) + len(suf) < 3)):
            continue  # "a;b", "c;d", "y;": too few letters to tell a word from a code
        if pre and pre[-1] in ACCENTED:
            continue
        stacked = line[start] == ";" and line[start + 1 : start + 2] == ";"
        if suf[:1].isupper() and not pre and not (len(suf) > 1 and suf.isupper()):
            continue  # "¿;O esa": letters are never lost before a capital
        if not suf:
            # "qu; " could be a clause end: only a non-word before it is damage.
            nxt = line[end : end + 1]
            if nxt and not nxt.isspace() and nxt not in ".,:?!)]\"'”»":
                continue
            if pre.isdigit():
                continue
        elif not pre and start > 0:
            prev = line[start - 1]
            if not (prev.isspace() or prev in "¿¡\"'“«("):
                continue
            if not stacked and prev in ENTITY_CHAR_SET and is_clause_end(suf, _best_word(pre, suf)):
                continue  # "¿;esto": the ";" is the remnant of the "¿" entity, not "¿;mo" (cómo)
        if overlaps(start, end, spans):
            continue
        cand = _choose(pre, suf, line, start + stacked, end, ctx)
        if cand is None:
            if stacked:  # "¿;;xq": surely damage, unreadable: report the "¿" remnant, never pass it by
                out.append(Candidate(start, start + 1, "", "half_entity", STACKED_FLAG))
            continue
        word, share = cand
        if not pre and len(suf) > 1 and lexicon.zipf(suf) > lexicon.zipf(word):
            # " ;es": a stray ";" before a common word, not lost letters; a page
            # full of damage makes a stray ";" the less likely reading.
            share *= 0.8 if damaged_page else 0.3
        if not suf and pre[:1].isupper() and not pre.isupper() and not sentence_start(line, start):
            if is_clause_end(pre) and not ngram.model().capitalised(word):
                # "del Atlántico Sur;": a capitalised word inside a sentence is a
                # name before a real ";", not a verb that lost "gió"
                share *= 0.3
        capital = not pre and (sentence_start(line, start) or _capital_in_context(line, start, end, word))
        after = _cased(word, pre, suf, capital)
        # The page's evidence scales every candidate; a word-final "es;" has
        # its punctuation reading inside the share already (see _choose).
        scale = 0.55 + 0.45 * ctx.damage
        out.append(Candidate(start, end, after, "lost_letters", share * scale))
    return out


_PREV_WORD_RE = re.compile(rf"(?<![{LATIN};])([{LATIN}][{LATIN};]*)[ \u00a0]+\Z")


NAME_PARTICLES = frozenset(("de", "del", "y"))
AFTER_NAME_MIN = 0.02  # P(capital) a word needs to continue the name before it (tuned with --dev)


# After one of these a capital starts a quote, an exclamation or an aside ("tituló "¡Qué"), not a name.
OPENED = frozenset("\"'“‘«([¿¡")


def _opened(line: str, start: int) -> bool:
    """Whether ``line[start:]`` directly follows an opening quote, bracket or ``¿``/``¡``."""
    return start > 0 and line[start - 1] in OPENED


def _capital_in_context(line: str, start: int, end: int, word: str) -> bool:
    """Whether a restored word that lost its first letter is written with a capital inside the
    sentence: a name by itself (``México``) or next to capitalised words (``Cámara Baja``,
    ``Los Ángeles``; but ``río Turia``, ``del Ramadán árabe``), or after ``Name de``."""
    m = _PREV_WORD_RE.search(line, max(0, start - 40), start)
    prev_cap = (
        m is not None
        and m[1][0].isupper()
        and not m[1].isupper()
        and not sentence_start(line, m.start(1))
        and not _opened(line, m.start(1))
    )
    nxt = _NEXT_WORD_RE.match(line, end)
    next_cap = nxt is not None and nxt[1][0].isupper()
    if ngram.model().p_capital_in(word, prev_cap, next_cap) > 0.5:
        return True
    return m is not None and m[1] in NAME_PARTICLES and _after_name(line, start, word)


_NEXT_WORD_RE = re.compile(rf"[ \u00a0]+([{LATIN}]+)(?![{LATIN};])")


def _after_name(line: str, start: int, word: str) -> bool:
    """Whether the token continues a name: a capitalised word inside the sentence
    right before (``Los ;ngeles``), or one before a particle (``Luis de ;ngora``)
    when the treebank never wrote ``word`` in lower case."""
    m = _PREV_WORD_RE.search(line, max(0, start - 40), start)
    if m is None:
        return False
    if m[1][0].isupper() and not m[1].isupper() and not sentence_start(line, m.start(1)):
        # a word the treebanks and the dictionary never capitalise is an adjective after
        # the name ("del Ramadán árabe"), not its next part ("Los Ángeles")
        return ngram.model().p_capital(word) >= AFTER_NAME_MIN
    if m[1] in NAME_PARTICLES:
        model = ngram.model()
        if model.unigrams.get(word.lower(), 0) > model.caps.get(word.lower(), 0):
            return False  # a common word the treebank writes in lower case ("de ;poca")
        return _after_name(line, m.start(1), m[1]) and not lexicon.is_word(word, 4.0)
    return False


def _tokens(line: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, pre, suf)`` for each word holding exactly one ``;`` (``c;mo``, `` ;mo``, ``qu;``).

    A ``;`` right after an opening mark's own remnant (``¿;;mo`` for ``¿Cómo``)
    counts as one token spanning both semicolons.
    """
    out = []
    for m in SEMI_RE.finditer(line):
        i = m.start()
        a = i
        while a > 0 and LETTER_RE.match(line, a - 1):
            a -= 1
        b = SUFFIX_RE.match(line, i + 1).end()  # type: ignore[union-attr]
        before = line[a - 1] if a > 0 else ""
        after = line[b] if b < len(line) else ""
        if before == ";" and a == i and a >= 2 and line[a - 2] in OPENING_MARKS and after != ";" and b > i + 1:
            out.append((a - 1, b, "", line[i + 1 : b]))
        elif before != ";" and after != ";":
            out.append((a, b, line[a:i], line[i + 1 : b]))
    return out


def is_clause_end(word: str, repaired: str | None = None) -> bool:
    """Whether ``word;`` is a word before a real semicolon, not ``qu;`` (lost letters).

    Shared with the page evidence, which counts such semicolons as punctuation:
    both must agree so that a repair never turns evidence around.
    """
    if repaired is None:
        best = _best_by_frequency(word, "")
        if best is None:
            return lexicon.is_word(word)
        repaired = best[0]
    return lexicon.zipf(word) > lexicon.zipf(repaired) - PRE_WORD_MARGIN


@lru_cache(maxsize=65536)
def _best_by_frequency(pre: str, suf: str) -> tuple[str, float, tuple[tuple[float, str], ...]] | None:
    """Frequency winner for a damaged token, its share, and the rivals' shares (cached)."""
    options = lexicon.lost_letter_index().get(pre.lower() + ";" + suf.lower())
    if not options:
        return None
    scored = sorted(((w * 10**z, word) for word, z, w in options), key=lambda s: (-s[0], s[1]))
    total = sum(s for s, _ in scored)
    return scored[0][1], scored[0][0] / total, tuple((s / total, w) for s, w in scored[1:])


def _best_word(pre: str, suf: str) -> str | None:
    best = _best_by_frequency(pre, suf)
    return None if best is None else best[0]


def _choose(pre: str, suf: str, line: str, start: int, end: int, ctx: PageContext) -> tuple[str, float] | None:
    """The likeliest word and how sure we are: its share of the candidates'
    probability mass in this context (bigram model), lowered when the page
    uses a rival candidate.

    A word before a ``;`` (``es;``) may be just that: the reading "word +
    semicolon" joins the rivals; the lost-letter readings need the page's
    damage evidence and :data:`LOST_RATE`, the semicolon does not.
    """
    key = pre.lower() + ";" + suf.lower()
    if key not in _index():
        return None
    punct_reading = not suf and is_clause_end(pre)
    words = _options(key)[0]
    if len(words) == 1 and not punct_reading:
        return words[0], 1.0  # one reading: neither the context nor the page can lower its share
    prev, nxt = ngram.context(line, start, end)
    nxt_class = ngram.next_class(line, end, nxt) if suf or pre else None
    case = None  # the token's own case, where it says something: a capital inside a sentence is a name
    if pre and not (len(pre) > 1 and pre.isupper()) and not sentence_start(line, start) and not _opened(line, start):
        case = pre[0].isupper()
    mass, total, punct, names = _in_context(key, prev, nxt, nxt_class, case, punct_reading)
    vocab = _half_decoded_words(ctx)
    if vocab and not vocab.isdisjoint(names):
        boosted = ((p * PAGE_WORD_BOOST if w in vocab else p, w) for p, w in mass)
        mass = tuple(sorted(boosted, key=lambda m: (-m[0], m[1])))
        total = sum(p for p, _ in mass)
    if punct is not None:
        # A real semicolon is as likely on any page; a lost-letter cut needs the
        # page to be damaged (its evidence) and this word to be hit.
        total += punct / (min(max(ctx.damage, 0.02), 1.0) * LOST_RATE)
    word = mass[0][1]
    share = mass[0][0] / total
    floor = RIVAL_SHARE * total
    for p, w in mass[1:]:  # likeliest first: the rest are no rivals once one is below the floor
        if p < floor:
            break
        if ctx.on_page(w):
            share *= RIVAL_ON_PAGE
            break
    return word, share


# A candidate the page itself writes half-decoded ("habí;a" elsewhere) is this
# much likelier: lessons repeat their vocabulary. Only half-decoded forms count,
# never clean ones: those vanish as the page is repaired, so a second repair()
# has less of this evidence, never more (idempotence), whereas a clean "había"
# may be the output of this very rule.
PAGE_WORD_BOOST = 4.0
_HALF_WORD_RE = re.compile(rf"(?<![{LATIN};])[{LATIN}]*[áéíóúñüÁÉÍÓÚÑÜ];[{LATIN}]*")


def _half_decoded_words(ctx: PageContext) -> frozenset[str]:
    """The page's half-decoded words, repaired and lower-cased (``relació;n`` -> ``relación``); cached on ``ctx``."""
    cached: frozenset[str] | None = getattr(ctx, "_half_decoded", None)
    if cached is None:
        found = _HALF_WORD_RE.findall(ctx.text) if ";" in ctx.text else []
        cached = frozenset(w.replace(";", "").lower() for w in found)
        object.__setattr__(ctx, "_half_decoded", cached)
    return cached


# Scores are multiplied by this before they become shares: 1.3-2.0 turn flags into guesses
# that are wrong about half the time (measured with bench/lost_letters.py --dev, not on GSD).
SHARPNESS = 1.0
# The index lists candidates commonest first; past the 12th the tail never won (--dev: 12 and 40 choose the same).
MAX_OPTIONS = 12


_Mass = tuple[tuple[tuple[float, str], ...], float, float | None, frozenset[str]]


@lru_cache(maxsize=8192)  # bounded: each entry holds up to MAX_OPTIONS pairs
def _in_context(
    key: str, prev: str | None, nxt: str | None, nxt_class: str | None, case: bool | None, punct_reading: bool
) -> _Mass:
    """Candidates' relative probabilities between ``prev`` and ``nxt``, likeliest
    first (the best is 1), their sum, the "word + real semicolon" reading's on the
    same scale, before the page's odds, and the candidates as a set (cached: pages
    repeat their contexts)."""
    words, cut_logs, cut_priors, names = _options(key)
    if len(words) == 1 and not punct_reading:
        return ((1.0, words[0]),), 1.0, None, names  # nothing to choose between: the context cannot matter
    model = ngram.model()
    scores = model.scores(prev, words, nxt, nxt_class, cut_logs)
    if case is not None:
        scores = [x + _case_score(model, w, case) for x, w in zip(scores, words, strict=True)]
    # (-score, word): best first, ties by the word, without a key function
    ranked = sorted(zip([-x for x in scores], words, strict=True))
    top = ranked[0][0]
    exp = math.exp
    mass = tuple((exp(SHARPNESS * (top - x)), w) for x, w in ranked)
    total = sum(p for p, _ in mass)
    if not punct_reading:
        return mass, total, None, names
    # Word or real semicolon? Compared without the left neighbour: the model
    # keeps "del finés" but prunes "del fin", so P(fin | del) would be unfairly
    # low. Both readings' right sides are kept bigrams (an accented word, ";").
    pre = key[:-1]

    def right(a: str) -> float:
        return model.prob(a, nxt) / model.prior(nxt) if nxt not in (None, "</s>") else 1.0

    # a ";" ending a line ends a list item as often as the treebank's rare
    # sentence-final ones suggest it never does: no evidence either way
    punct = model.prior(pre) * model.prob(pre, ";") * right(";")
    if nxt in (None, "</s>"):
        readings = sum(cut_priors)
    else:
        readings = sum(c * r for c, r in zip(cut_priors, model.right_ratios(words, nxt), strict=True))
    return mass, total, min(punct / readings, 1e20) * total, names


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[tuple[str, float, float], ...]]:
    """The lost-letter index, with the model's per-word numbers of all its candidates ready (once per process)."""
    index = lexicon.lost_letter_index()
    ngram.model().prepare({w for options in index.values() for w, _, _ in options})
    return index


@lru_cache(maxsize=16384)
def _options(key: str) -> tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...], frozenset[str]]:
    """The candidates of a damaged form (commonest first), the log of their cut's prior,
    that prior times the word's (the lost-letter readings' weight against a real ``;``),
    and the candidates as a set."""
    options = lexicon.lost_letter_index()[key][:MAX_OPTIONS]
    model = ngram.model()
    return (
        tuple(w for w, _, _ in options),
        tuple(math.log(c) for _, _, c in options),
        tuple(c * model.prior(w) for w, _, c in options),
        frozenset(w for w, _, _ in options),
    )


def _case_score(model: ngram.Bigrams, word: str, case: bool | None) -> float:
    """log P(the token's case | word): a capital inside a sentence says "a name" (``Ra;n`` is
    ``Ramón``, not ``razón``), a lower-case letter says "not a name"."""
    if case is None:
        return 0.0
    p = model.p_capital(word)
    return math.log(p if case else 1.0 - p)


def _cased(word: str, pre: str, suf: str, capital: bool) -> str:
    """Restore the damaged token's case around the restored letters."""
    middle = word[len(pre) : len(word) - len(suf)]
    all_caps = (len(pre) > 1 and pre.isupper()) or (len(suf) > 1 and suf.isupper() and not pre)
    if all_caps or (pre.isupper() and suf.isupper()):
        middle = middle.upper()
    elif capital:
        middle = middle[:1].upper() + middle[1:]
    return pre + middle + suf


def explain(line: str, start: int, end: int) -> list[tuple[float, str]]:
    """The candidates for the damaged token ``line[start:end]`` (``c;mo``) with the log of their
    relative probability in this context, best first (0 for the best): for studying misses."""
    pre, _, suf = line[start:end].partition(";")
    key = pre.lower() + ";" + suf.lower()
    if key not in _index():
        return []
    prev, nxt = ngram.context(line, start, end)
    mass = _in_context(key, prev, nxt, ngram.next_class(line, end, nxt), None, False)[0]
    return [(math.log(p), w) for p, w in mass]
