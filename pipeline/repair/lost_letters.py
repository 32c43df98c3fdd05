"""Letters lost around an entity: ``especificar ;mo se va`` -> ``especificar cómo se va``.

The decoder dropped the accented letter and a neighbour and left only the
entity's ``;``. The damaged token (``;mo``, ``c;mo``, ``qu;``) is looked up in an
index of common Spanish words with such a cut (:func:`lexicon.lost_letter_index`);
candidates are scored by frequency and by how likely the cut is. The page is
the context we have offline (wordfreq has no bigrams): when it uses a rival
candidate elsewhere the choice is less sure and its confidence drops. That
evidence can only lower confidence, never raise it, because repairing a page
adds accented words to it; anything else would break idempotence (a flagged
token could pass on the second run). Case follows the sentence: capital at its
start, also right after an opening ``¿``/``¡`` that starts it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.repair import lexicon
from pipeline.repair.base import ACCENTED, ENTITY_CHARS, LATIN, Candidate, PageContext, overlaps, protected_spans

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
    return bool(BULLET_RE.fullmatch(line[: j + 1].strip()))


def lost_letter_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if ";" not in line:
        return []
    out: list[Candidate] = []
    spans = protected_spans(line)
    for start, end, pre, suf in _tokens(line):
        if not suf and len(pre) < 2 or (pre and suf and len(pre) + len(suf) < 3) or not (pre or suf):
            continue  # "a;b", "c;d", "y;": too few letters to tell a word from a code
        if pre and pre[-1] in ACCENTED:
            continue
        if not suf:
            # "qu; " could be a clause end: only a non-word before it is damage.
            nxt = line[end : end + 1]
            if nxt and not nxt.isspace() and nxt not in ".,:)]\"'”»":
                continue
            if pre.isdigit():
                continue
        elif not pre and start > 0:
            prev = line[start - 1]
            if not (prev.isspace() or prev in "¿¡\"'“«("):
                continue
            if prev in ENTITY_CHARS and lexicon.is_word(suf):
                continue  # "¿;Qué": the ";" is the remnant of the "¿" entity

        if overlaps(start, end, spans):
            continue
        cand = _choose(pre, suf, ctx)
        if cand is None:
            continue
        word, share = cand
        if not suf and is_clause_end(pre, word):
            continue  # "esta;", "ella;": a real word before a real semicolon
        if len(suf) > 1 and lexicon.zipf(suf) > lexicon.zipf(word):
            share *= 0.3  # " ;es": a stray ";" before a common word, not lost letters
        after = _cased(word, pre, suf, sentence_start(line, start) and not pre)
        scale = 0.55 + 0.45 * ctx.damage if suf else 0.3 + 0.7 * ctx.damage
        out.append(Candidate(start, end, after, "lost_letters", share * scale))
    return out


def _tokens(line: str) -> list[tuple[int, int, str, str]]:
    """``(start, end, pre, suf)`` for each word holding exactly one ``;`` (``c;mo``, `` ;mo``, ``qu;``)."""
    out = []
    for m in SEMI_RE.finditer(line):
        i = m.start()
        a = i
        while a > 0 and LETTER_RE.match(line, a - 1):
            a -= 1
        b = SUFFIX_RE.match(line, i + 1).end()  # type: ignore[union-attr]
        before = line[a - 1] if a > 0 else ""
        after = line[b] if b < len(line) else ""
        if before != ";" and after != ";":
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
    scored = sorted(((lexicon.WINDOW_WEIGHT[w] * 10**z, word) for word, z, w in options), key=lambda s: (-s[0], s[1]))
    total = sum(s for s, _ in scored)
    return scored[0][1], scored[0][0] / total, tuple((s / total, w) for s, w in scored[1:])


def _choose(pre: str, suf: str, ctx: PageContext) -> tuple[str, float] | None:
    """The likeliest word and how sure we are: its share of the candidates'
    probability mass, lowered when the page uses a rival candidate."""
    best = _best_by_frequency(pre, suf)
    if best is None:
        return None
    word, share, rivals = best
    if any(s >= RIVAL_SHARE and ctx.on_page(w) for s, w in rivals):
        share *= RIVAL_ON_PAGE
    return word, share


def _cased(word: str, pre: str, suf: str, capital: bool) -> str:
    """Restore the damaged token's case around the restored letters."""
    middle = word[len(pre) : len(word) - len(suf)]
    all_caps = (len(pre) > 1 and pre.isupper()) or (len(suf) > 1 and suf.isupper() and not pre)
    if all_caps or (pre.isupper() and suf.isupper()):
        middle = middle.upper()
    elif capital:
        middle = middle[:1].upper() + middle[1:]
    return pre + middle + suf
