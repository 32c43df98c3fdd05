"""Shared pieces of the repair passes: character classes, candidates, page context.

Every pass looks at one line and proposes :class:`Candidate` edits in that
line's *current* coordinates; :mod:`pipeline.repair.core` applies the sure ones,
maps offsets back to the original text and reports the rest for review.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field
from typing import NamedTuple

# Letters of Latin-script words (ASCII plus Latin-1 and Latin Extended-A/B letters,
# without the multiplication and division signs).
LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
# Thai letters, vowels and marks (no Thai digits, no punctuation): what a
# partial machine translation glues onto a Spanish stem.
THAI = "\u0e01-\u0e3a\u0e40-\u0e4e"

# Characters an HTML entity decodes to (``&oacute;`` -> ``ó``): the character a
# half-decoded remnant ``ó;`` leaves in front of its stray semicolon.
ENTITY_CHARS = (
    "\u00a0-\u00ff\u0152\u0153\u0160\u0161\u0178"
    "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u20ac\u2122"
)
# The same as a set, for membership tests: ``ch in ENTITY_CHARS`` would test
# for a substring of the regex ranges ("ó" is not in "\u00a0-\u00ff").
ENTITY_CHAR_SET = frozenset(map(chr, range(0xA0, 0x100))) | frozenset(ENTITY_CHARS[3:])
# Opening marks: a semicolon right after one is never punctuation.
OPENING_MARKS = "\u00bf\u00a1\u00ab\u201c\u2018\u201e"

# Spanish accented letters: what a lost-letter candidate must restore.
ACCENTED = frozenset("áéíóúñüÁÉÍÓÚÑÜ")

THAI_ANY_RE = re.compile(f"[{THAI}]")
# Endings of the entity names that can lose their "&" ("oacute;", "nbsp;").
BARE_ENTITY_HINT_RE = re.compile(
    r"(?:acute|grave|tilde|uml|circ|cedil|ring|slash|nbsp|quest|excl|ord[mf]|quo|dash|hellip|middot|euro|szlig|bull|trade);"
)
URL_RE = re.compile(r"<(?:https?|ftp)://[^\s<>]*>|(?:https?://|ftp://|www\.)[^\s<>\"'\]]+")


class Candidate(NamedTuple):
    """A proposed replacement of ``line[start:end]`` by ``after``.

    A named tuple, not a dataclass: a damaged page makes one per ~60 characters
    and a frozen dataclass costs ten times more to build.
    """

    start: int
    end: int
    after: str
    rule: str
    confidence: float


@dataclass
class PageContext:
    """What a pass may know about the whole page, computed once per ``repair()`` call.

    ``damage`` in [0, 1] is the page-level evidence (see :mod:`.evidence`): a
    semicolon after an accented letter is damage in a page full of such damage
    and punctuation in a clean one.
    """

    damage: float
    text: str
    _lower: str | None = field(default=None, repr=False)
    _seen: dict[str, bool] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        # Page-level switches: a pass whose trigger never occurs on the page is skipped.
        # Thai read as cp1252 ("à¸™" for "น") becomes Thai once the mojibake pass has
        # run on a line, and its glued tails must be repaired in that same call.
        self.has_thai = THAI_ANY_RE.search(self.text) is not None or "à¸" in self.text or "à¹" in self.text
        self.has_bare_entity = ";" in self.text and BARE_ENTITY_HINT_RE.search(self.text) is not None

    def on_page(self, word: str) -> bool:
        """Whether ``word`` occurs on the page (a rival of a lost-letter candidate).

        A substring test on the lower-cased page (one C-level scan) rather than
        a word set: building the set cost more than all the repairs of a page.
        """
        hit = self._seen.get(word)
        if hit is None:
            if self._lower is None:
                self._lower = self.text.lower()
            hit = self._seen[word] = word in self._lower
        return hit


def protected_spans(line: str) -> list[tuple[int, int]]:
    """Spans of URLs in ``line``: no entity or semicolon repair happens inside them."""
    if "://" not in line and "www." not in line:
        return []
    return [m.span() for m in URL_RE.finditer(line)]


def overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``[start, end)`` (the point ``start`` when empty) meets one of
    ``spans``, which are sorted and disjoint (as :func:`protected_spans` gives
    them): a bisect, since a long line may hold thousands of URLs."""
    if not spans:
        return False
    k = bisect.bisect_right(spans, (start, sys.maxsize)) - 1
    stop = max(end, start + 1)
    return any(start < b and a < stop for a, b in spans[max(k, 0) : k + 2])


def match_case(word: str, model: str) -> str:
    """Give ``word`` the case pattern of ``model`` (all caps, capitalised or lower)."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word
