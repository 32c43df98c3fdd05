"""Finding what a model made of a protected term, so only that span is replaced.

A term the model mangled is recovered only where the evidence says which
output span is the model's rendering of it; everything else is reported as a
failure, never guessed (a wrong guess deletes, duplicates or glues words the
model translated, and the run would still say all was well).

Two kinds of evidence are accepted:

* **alignment**: the model's input (the protected text) and its output are
  aligned token by token; when the tokens right before and right after the
  protection came out unchanged, whatever the output has between them is the
  model's rendering of the term (possibly empty: the model dropped it). With an
  edge of the sentence standing in for one anchor, the span must look like the
  term (see :func:`term_like`).
* **similarity**: a run of whole tokens, each like a word of the term (its
  protection, its target form or its untranslated source form), similar to
  the term as a whole, and the only such run: two equally good runs for one
  occurrence (a model looping on the term) are ambiguous and reported.

Tokens are runs of one script (Latin letters and digits, Thai, other letters)
or single other characters, so "ความสัมพันธ์กับcustomer" is two tokens and a
term is never cut out of a word of its own script.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.glossary import match as M

_TOKEN = re.compile(
    rf"[{M.LATIN_CLASS}\u0300-\u036f]+"  # Latin letters, digits and loose accents
    r"|[\u0e00-\u0e7f]+"  # Thai
    r"|[^\W\d_\u0e00-\u0e7f]+"  # letters of other scripts
    r"|\d+|\S"
)
FUZZY_MIN = 0.75
WORD_MIN = 0.7  # a token is like a term word at this similarity
EXTRA_TOKENS = 2  # a rendering may be this many tokens longer than the protection
TIE = 0.02


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    key: str  # folded text


def tokens(text: str, cuts: Sequence[int] = ()) -> list[Token]:
    """The tokens of ``text``; ``cuts`` are offsets no token may cross (protection edges)."""
    out: list[Token] = []
    edges = sorted({0, len(text), *cuts})
    for a, b in zip(edges, edges[1:]):
        for m in _TOKEN.finditer(text, a, b):
            out.append(Token(m.start(), m.end(), M.fold_term(m.group())))
    return out


def term_words(needles: Sequence[str]) -> list[str]:
    """The folded words of a term's protection, target and source forms."""
    return list(dict.fromkeys(w.key for n in needles for w in tokens(n)))


def term_like(token: Token, words: Sequence[str]) -> bool:
    """Whether a token could be (a mangled) word of the term: similar to one of its words and
    about as long, or, for Thai (no spaces), a piece of one."""
    k = token.key
    for w in words:
        if k == w:
            return True
        if not (k[:1].isalnum() and w[:1].isalnum()):
            continue
        if M.is_thai(k[0]) and M.is_thai(w[0]) and len(k) >= 2 and k in w:
            return True  # a piece of a Thai term word (never a run holding more than the term)
        if abs(len(k) - len(w)) > max(1, len(w) // 8):
            continue  # "relationshipcacada" holds another word glued on: not the term's
        if difflib.SequenceMatcher(None, k, w, autojunk=False).ratio() >= WORD_MIN:
            return True
    return False


def outside_words(text: str, words: Sequence[str]) -> list[str]:
    """The tokens of ``text`` that are not (mangled) words of a term, in order: what must be the
    same in the model's output and the enforced text (tests and bench/glossary.py use it)."""
    return [t.key for t in tokens(text) if not term_like(t, words)]


def aligned(
    src: list[Token], out: list[Token], region: tuple[int, int], output: str, words: Sequence[str]
) -> tuple[int, int] | None:
    """The output span the model made of ``src[region[0]:region[1]]``, or None when unsure."""
    a, b = region
    if a >= b or not out:
        return None
    sm = difflib.SequenceMatcher(None, [t.key for t in src], [t.key for t in out], autojunk=False)
    eq: dict[int, int] = {}
    for tag, i1, i2, j1, _ in sm.get_opcodes():
        if tag == "equal":
            eq.update({i1 + k: j1 + k for k in range(i2 - i1)})
    left = a > 0 and (a - 1) in eq
    right = b < len(src) and b in eq
    if not ((left or a == 0) and (right or b == len(src))) or not (left or right):
        return None
    jl = eq[a - 1] + 1 if left else 0
    jr = eq[b] if right else len(out)
    if jr < jl:
        return None
    rendering = out[jl:jr]
    if len(rendering) > (b - a) + EXTRA_TOKENS:
        return None  # the model wrote more than a term between the anchors: not only the term
    inside = {t.key for t in src[a:b]}
    around = {t.key for k, t in enumerate(src) if (k < a or k >= b)} - inside
    if any(t.key in around for t in rendering):
        return None  # a word of the sentence shows up in the span (moved or repeated): not only the term
    if not (left and right) and not all(term_like(t, words) for t in rendering):
        return None  # an edge of the sentence is a weak anchor: the span must look like the term
    # Each word of the term may come out as one word that does not look like it ("cliente"
    # for "customer"); more unexplained words than that are the model's own (a stutter).
    like = sum(1 for t in rendering if t.key[:1].isalnum() and term_like(t, words))
    unlike = sum(1 for t in rendering if t.key[:1].isalnum()) - like
    if unlike > max(0, sum(1 for t in src[a:b] if t.key[:1].isalnum()) - like):
        return None
    if rendering:
        return rendering[0].start, rendering[-1].end
    if left:
        pos = out[jl - 1].end
        return pos, pos
    return out[jr].start, out[jr].start


def similar(
    output: str, out: list[Token], needles: Sequence[str], words: Sequence[str], expect: float,
    claimed: Sequence[tuple[int, int]], wanted: int = 1,
) -> tuple[int, int] | None:
    """The best run of term-like tokens similar to one of ``needles``; None when there is none
    or more equally good runs than ``wanted`` occurrences."""
    like = [term_like(t, words) for t in out]
    longest = max(len(tokens(n)) for n in needles) + EXTRA_TOKENS
    folded_needles = [M.fold_term(n) for n in dict.fromkeys(needles) if n.strip()]
    # A run is compared only with needles of at most as many words: "resource" alone is not
    # "key resource" (the model may have written "key" as something else right beside it).
    n_words = [sum(1 for t in tokens(n) if t.key[:1].isalnum()) for n in folded_needles]
    cands: list[tuple[float, tuple[int, int]]] = []
    for i in range(len(out)):
        if not like[i]:
            continue
        for j in range(i, min(len(out), i + longest)):
            if not like[j]:
                break
            span = (out[i].start, out[j].end)
            if any(_overlap(span, c) for c in claimed):
                continue
            text = M.fold_term(output[span[0] : span[1]])
            have = sum(1 for t in out[i : j + 1] if t.key[:1].isalnum())
            score = max((_score(text, n) for n, w in zip(folded_needles, n_words) if have >= w), default=0.0)
            if score >= FUZZY_MIN:
                cands.append((score, _glued(out, i, j, like)))
    if not cands:
        return None
    best = max(s for s, _ in cands)
    top = [sp for s, sp in cands if s >= best - TIE]
    # Overlapping candidates are one place in the text; count distinct places.
    places: list[tuple[int, int]] = []
    for sp in sorted(top, key=lambda sp: (abs(sp[0] - expect), sp)):
        if not any(_overlap(sp, p) for p in places):
            places.append(sp)
    if len(places) > wanted:
        return None
    return max(
        ((s, -abs(sp[0] - expect), sp) for s, sp in cands if s >= best - TIE), key=lambda r: (r[0], r[1])
    )[2]


def _glued(out: list[Token], i: int, j: int, like: list[bool]) -> tuple[int, int]:
    """Widen a span over term-like tokens glued to it (no space between): they are part of the
    model's rendering ("ความสัมพันธ์กับcustomer"), and leaving them would glue words."""
    while i > 0 and out[i - 1].end == out[i].start and like[i - 1] and out[i - 1].key[:1].isalnum():
        i -= 1
    while j + 1 < len(out) and out[j].end == out[j + 1].start and like[j + 1] and out[j + 1].key[:1].isalnum():
        j += 1
    return out[i].start, out[j].end


def _score(text: str, needle: str) -> float:
    """Character similarity, or of the sorted words (a model that swapped the words)."""
    sm = difflib.SequenceMatcher(None, text, needle, autojunk=False)
    score = sm.ratio() if sm.real_quick_ratio() >= FUZZY_MIN and sm.quick_ratio() >= FUZZY_MIN else 0.0
    if " " in needle and " " in text:
        score = max(
            score,
            difflib.SequenceMatcher(
                None, " ".join(sorted(text.split())), " ".join(sorted(needle.split())), autojunk=False
            ).ratio(),
        )
    return score


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] == a[1]:  # an insertion point
        return b[0] < a[0] < b[1]
    return a[0] < b[1] and b[0] < a[1]
