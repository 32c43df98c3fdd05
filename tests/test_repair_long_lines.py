"""Repair on a page scraped as one huge line: the per-candidate helpers read a
bounded window around the candidate, and must say exactly what reading the whole
line would (checked against the whole-line definitions, kept here as oracles)."""

from __future__ import annotations

import random
import re

from pipeline.repair import ngram
from pipeline.repair.lost_letters import BULLET_RE, OPENERS, SENTENCE_END, sentence_start


def _whole_line_neighbour(text: str, *, before: bool) -> str | None:
    """The neighbour as first defined: on a copy of everything before / after the span."""
    if not text.strip():
        return "<s>" if before else "</s>"
    if before:
        m = re.search(ngram._PREV_RE.pattern, text[-60:])
        if m is None:
            return None
        if m[1] and text[: len(text) - len(m[0])][-1:] in (";", "&"):
            return None
    else:
        m = ngram._NEXT_RE.match(text)
        if m is None:
            return None
        if m[1] and text[m.end() : m.end() + 1] in (";", "&"):
            return None
    if m[1]:
        return m[1].lower()
    return "<num>" if m[2] else m[3]


def _whole_line_sentence_start(line: str, i: int) -> bool:
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


_ALPHABET = list("ab;&é ¿¡.?!12\t\u00a0\n\u2003•-*–·3).«\"'(x")


def _lines(n: int) -> list[tuple[str, int, int]]:
    rng = random.Random(11)
    out = []
    for _ in range(n):
        line = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 90)))
        if rng.random() < 0.2:  # blank runs longer than the window, at either edge
            line = " " * rng.randint(0, 150) + line
        if rng.random() < 0.2:
            line += "\u00a0" * rng.randint(0, 150)
        i = rng.randint(0, len(line))
        out.append((line, i, rng.randint(i, len(line))))
    return out


def test_context_matches_whole_line_definition() -> None:
    for line, start, end in _lines(20000):
        want = (_whole_line_neighbour(line[:start], before=True), _whole_line_neighbour(line[end:], before=False))
        assert ngram.context(line, start, end) == want, (line, start, end)


def test_sentence_start_matches_whole_line_definition() -> None:
    for line, start, _ in _lines(20000):
        assert sentence_start(line, start) == _whole_line_sentence_start(line, start), (line, start)


def test_edges_far_from_the_span() -> None:
    blank = " " * 500
    assert ngram.context(blank + ";mo" + blank, 500, 503) == ("<s>", "</s>")
    assert ngram.context("el" + blank + ";mo x", 502, 505) == (None, "x")  # no token within the window
    assert ngram.context("el ;mo", 3, 6) == ("el", "</s>")
    assert ngram.context("c;mo ;mo", 5, 8) == (None, "</s>")  # a damaged left neighbour is no evidence
    assert sentence_start(blank + "12)" + blank + ";mo", 1003)  # only a bullet before it
    assert not sentence_start("x" + blank + "12)" + blank + ";mo", 1004)
    assert not sentence_start(blank + "1234)" + " ;mo", 506)  # longer than any bullet
