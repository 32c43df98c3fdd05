"""Which text goes to which model: a segment cut into sentences and runs, each with its route.

The sentence is the unit of language: each sentence takes its language from the
spans that fall inside it (not from the paragraph), so a Thai sentence in a
Spanish-led paragraph is Thai. Inside a sentence, a run in another language (a
Thai clause in a Spanish sentence) becomes a piece of its own, and the stretches
of the sentence's main language between such runs become pieces too; text
without letters between pieces (spaces, dashes, commas) is never sent anywhere.

Routes are the shortest chains of installed packages (breadth-first over the
installed pairs: direct before one pivot before two), English first among
pivots of equal length, then alphabetical, so the choice is deterministic.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.document import Span
from pipeline.sentences import split_sentences

PIVOT = "en"
MAX_HOPS = 3
_LETTER = re.compile(r"[^\W\d_]")
NO_LANGUAGE = ("und", "")


def has_letters(text: str) -> bool:
    return bool(_LETTER.search(text))


@dataclass(frozen=True)
class Piece:
    """A stretch of a segment in one language: a whole sentence or a run inside one."""

    start: int
    end: int
    lang: str
    sentence: int  # index of the sentence it belongs to, in the segment
    main: str  # the sentence's main language (== lang for a whole sentence or a main-language stretch)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    main: str
    pieces: tuple[Piece, ...]

    @property
    def mixed(self) -> bool:
        return len(self.pieces) > 1 or any(p.lang != self.main for p in self.pieces)


def plan(text: str, spans: Sequence[Span], default_lang: str) -> list[Sentence]:
    """The sentences of ``text`` with their language and pieces.

    A sentence's main language is the one with most letters among the spans
    inside it (``und`` spans count for none); a sentence no span speaks for
    takes ``default_lang`` (the segment's language).
    """
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    out: list[Sentence] = []
    for k, (a, b) in enumerate(split_sentences(text)):
        if not has_letters(text[a:b]):
            continue
        inside = [(max(a, sp.start), min(b, sp.end), sp.lang) for sp in ordered
                  if sp.start < b and sp.end > a and sp.lang not in NO_LANGUAGE]
        main = _main_language(text, inside) or default_lang
        runs = _runs(text, [(x, y, lang) for x, y, lang in inside if lang != main])
        out.append(Sentence(a, b, main, tuple(_pieces(text, a, b, main, runs, k))))
    return out


def _main_language(text: str, inside: list[tuple[int, int, str]]) -> str | None:
    counts: dict[str, int] = {}
    for x, y, lang in inside:
        counts[lang] = counts.get(lang, 0) + len(_LETTER.findall(text, x, y))
    best = max(counts.values(), default=0)
    if best == 0:
        return None
    return next(lang for _, _, lang in inside if counts[lang] == best)  # ties: first in the text


def _runs(text: str, cands: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Foreign runs, whitespace-trimmed, with letters, not overlapping; neighbours of one language merged."""
    out: list[tuple[int, int, str]] = []
    for x, y, lang in cands:
        while x < y and text[x].isspace():
            x += 1
        while y > x and text[y - 1].isspace():
            y -= 1
        if not has_letters(text[x:y]) or (out and x < out[-1][1]):
            continue
        if out and out[-1][2] == lang and not has_letters(text[out[-1][1]:x]):
            out[-1] = (out[-1][0], y, lang)
        else:
            out.append((x, y, lang))
    return out


def _pieces(text: str, a: int, b: int, main: str, runs: list[tuple[int, int, str]], k: int) -> list[Piece]:
    if not runs:
        return [Piece(a, b, main, k, main)]
    out: list[Piece] = []
    pos = a
    for x, y, lang in [*runs, (b, b, "")]:
        gx, gy = pos, x
        while gx < gy and text[gx].isspace():
            gx += 1
        while gy > gx and text[gy - 1].isspace():
            gy -= 1
        if has_letters(text[gx:gy]):
            out.append(Piece(gx, gy, main, k, main))
        if lang:
            out.append(Piece(x, y, lang, k, main))
        pos = y
    return out


# --------------------------------------------------------------------------- routes


def shortest_route(src: str, tgt: str, installed: Iterable[tuple[str, str]],
                   max_hops: int = MAX_HOPS) -> list[tuple[str, str]] | None:
    """The shortest chain of installed pairs from ``src`` to ``tgt`` (``[]`` when equal), or None.

    Breadth-first: a direct package beats any pivot, one pivot beats two.
    Among routes of one length, the one through English comes first, then
    alphabetical order of the pivot languages.
    """
    if src == tgt:
        return []
    nxt: dict[str, list[str]] = {}
    for a, b in installed:
        nxt.setdefault(a, []).append(b)
    for a in nxt:
        nxt[a].sort(key=lambda lang: (lang != PIVOT, lang))
    seen = {src}
    queue: deque[list[str]] = deque([[src]])
    while queue:
        path = queue.popleft()
        if len(path) > max_hops:
            break
        for lang in nxt.get(path[-1], []):
            if lang == tgt:
                full = [*path, lang]
                return list(zip(full, full[1:]))
            if lang not in seen:
                seen.add(lang)
                queue.append([*path, lang])
    return None


def missing_hop(src: str, tgt: str, installed: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The one package to install so that ``src -> tgt`` gets a route.

    With ``es_en`` installed and no ``en_th``, es->th lacks ``("en", "th")``:
    the hint must name that hop, not the whole pair.
    """
    have = set(installed)
    if PIVOT not in (src, tgt):
        if (src, PIVOT) in have or shortest_route(src, PIVOT, have) is not None:
            return (PIVOT, tgt)
        if (PIVOT, tgt) in have or shortest_route(PIVOT, tgt, have) is not None:
            return (src, PIVOT)
    return (src, tgt)
