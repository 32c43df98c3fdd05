"""Which glossary terms can occur in a text, without trying every term.

Every term's regex starts with its *anchor* (the prefix shared by all
inflections of its first word), so a term can only match where its anchor
stands at a possible start: after a non-Latin character for Latin anchors,
anywhere in a Thai run for Thai ones. The index maps anchors to terms; the
offsets where some anchor (or word key) stands are found by one regex pass per
kind of key, the keys written as a trie so the engine's work per character does
not grow with their number, and the dicts are looked up only there; a term's
regex is tried only at the offsets where its anchor stands (an anchored
``match``, not a scan). Cost: linear in the text (C speed) plus the hits,
whatever the number of terms, so loading, lint and matching stay linear in the
glossary's size. Until the texts seen outweigh compiling that trie (a big
glossary checked on a few short texts), every character is walked instead,
with the same result. Regexes are compiled only for terms whose anchor was seen
(a 100k-row glossary compiles what a text needs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from dataclasses import dataclass

from pipeline.glossary import match as M

_LATIN_CHAR = re.compile(f"[{M.LATIN_CLASS}]")
_LATIN_RUN = re.compile(f"[{M.LATIN_CLASS}]+")
_ANY = re.compile(".", re.S)
THAI_ANCHOR = 4
WALK_PER_KEY = 4  # characters walked per key before a scanner is built (its build costs about that)


@dataclass(frozen=True)
class Entry:
    """One form of one term, as the matcher sees it."""

    key: int  # caller's id (index of the term)
    form: str
    lang: str
    folded: bool  # matched on the folded text (False: exact, case-sensitive)
    thai: bool  # needs the Thai word-edge check
    inflect: bool
    anchor: str  # a prefix every match starts with
    words: tuple[str, ...] = ()  # or: the first word, as a whole token, is one of these


def anchor(form: str, lang: str, inflect: bool) -> str:
    """The longest prefix shared by all forms of the (folded) form's first word: every match
    of the form starts with it."""
    first = re.split(r"[\s\-]+", form, maxsplit=1)[0]
    if M.is_thai(first[:1]):
        # Four characters: two would be shared by thousands of terms in a big termbase
        # ("กา" of every "การ..."). A term written with a space inside its first four
        # characters (a scraping accident) is then missed; spaces further in are tolerated.
        return first[:THAI_ANCHOR]
    word_forms = M.WORD_FORMS.get(lang) if inflect else None
    forms = word_forms(first) if word_forms and first.isalpha() else {first}
    return os.path.commonprefix(sorted(forms))


def _word_keys(word: str, lang: str, inflect: bool) -> set[str]:
    """The whole-token forms a word of a term matches (as :func:`match.latin_pattern` inflects)."""
    word_forms = M.WORD_FORMS.get(lang) if inflect else None
    if word_forms and word.isalpha() and word not in M.FUNCTION_WORDS.get(lang, frozenset()):
        return word_forms(word)
    return {word}


def first_words(form: str, lang: str, inflect: bool) -> tuple[str, ...]:
    """Exact token keys of a Latin (folded) form: its first two words ("w1 w2", every
    inflection), or its only word; () when its first word is not a plain run of Latin
    letters (then the prefix anchor is used). Keys on two words keep a big termbase
    cheap: hundreds of terms may start with "customer", few with "customer relationship"."""
    parts = form.split(" ")
    if not parts[0] or not _LATIN_RUN.fullmatch(parts[0]):
        return ()
    first = _word_keys(parts[0], lang, inflect)
    if len(parts) == 1:
        return tuple(sorted(first))
    if not _LATIN_RUN.fullmatch(parts[1]):
        return ()  # "sin fines-de-lucro": the prefix anchor handles it
    second = _word_keys(parts[1], lang, inflect)
    return tuple(sorted(f"{a} {b}" for a in first for b in second))


def pattern_of(e: Entry) -> str:
    """The entry's regex (built on first use: Thai forms need the word cutter)."""
    f = M.fold_term(e.form) if e.folded else e.form
    if e.thai:
        return M.thai_pattern(f, M.thai_words_of(f))
    return M.latin_pattern(f, e.lang, inflect=e.inflect)


class AnchorIndex:
    """Entries by anchor, for the folded text and for the exact text."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: list[Entry] = list(entries)
        self._by: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}
        self._always: dict[bool, list[int]] = {True: [], False: []}
        self._by_word: dict[bool, dict[str, list[int]]] = {True: {}, False: {}}
        for n, e in enumerate(self.entries):
            if e.words:
                for w in e.words:
                    self._by_word[e.folded].setdefault(w, []).append(n)
            elif e.anchor:
                self._by[e.folded].setdefault(e.anchor, []).append(n)
            else:
                self._always[e.folded].append(n)
        self._lengths = {
            f: (
                sorted({len(a) for a in by if not M.is_thai(a[0])}),
                sorted({len(a) for a in by if M.is_thai(a[0])}),
            )
            for f, by in self._by.items()
        }
        self._compiled: dict[int, re.Pattern[str]] = {}
        self._scanners: dict[tuple[bool, bool], re.Pattern[str]] = {}
        self._walked: dict[tuple[bool, bool], int] = {}  # characters walked before the scanner was built

    def __bool__(self) -> bool:
        return bool(self.entries)

    def regex(self, n: int) -> re.Pattern[str]:
        rx = self._compiled.get(n)
        if rx is None:
            rx = self._compiled[n] = re.compile(pattern_of(self.entries[n]))
        return rx

    def hits(self, hay: str, folded: bool) -> list[tuple[int, int]]:
        """(entry, offset) wherever an entry's anchor stands in ``hay`` at a possible start.

        Only the offsets where some word key or anchor stands need a lookup: one C-speed regex
        pass (a trie of the keys, see :meth:`_scanner`) finds them, in the order a walk over
        every character would try them, so the list is the same as the walk's."""
        by = self._by[folded]
        latin, thai = self._lengths[folded]
        found: list[tuple[int, int]] = [(n, i) for n in self._always[folded] for i in range(len(hay))]
        by_word = self._by_word[folded]
        if by_word:
            for m in self._starts(hay, folded, True):
                got = by_word.get(m.group())
                if got:
                    found.extend((k, m.start()) for k in got)
                nxt = _LATIN_RUN.search(hay, m.end())  # the next Latin run
                if nxt is not None and hay[m.end() : nxt.start()].isspace():
                    got = by_word.get(m.group() + " " + nxt.group())
                    if got:
                        found.extend((k, m.start()) for k in got)
        if not by:
            return found
        for m in self._starts(hay, folded, False):
            i = m.start()
            ch = hay[i]
            lengths = thai if M.is_thai(ch) else (latin if not (i and _LATIN_CHAR.match(hay[i - 1])) else ())
            for n in lengths:
                got = by.get(hay[i : i + n])
                if got:
                    found.extend((k, i) for k in got)
        return found

    def _starts(self, hay: str, folded: bool, words: bool) -> Iterator[re.Match[str]]:
        """Where to look keys up: the scanner's hits, or, until the texts seen add up to more
        than compiling the scanner costs (a big glossary checked on a few short texts), every
        Latin run (``words``) or every character, as the plain walk tries them."""
        kind = (folded, words)
        if kind not in self._scanners:
            keys = len(self._by_word[folded] if words else self._by[folded])
            self._walked[kind] = self._walked.get(kind, 0) + len(hay)
            if self._walked[kind] <= WALK_PER_KEY * keys:
                return _LATIN_RUN.finditer(hay) if words else _ANY.finditer(hay)
        return self._scanner(folded, words).finditer(hay)

    def _scanner(self, folded: bool, words: bool) -> re.Pattern[str]:
        """The regex of the offsets worth a lookup: a whole Latin run that is the first word of
        a word key (``words``), or any anchor (a zero-width lookahead, so overlapping anchors in
        a Thai run are all found)."""
        rx = self._scanners.get((folded, words))
        if rx is None:
            if words:
                firsts = {w.split(" ", 1)[0] for w in self._by_word[folded]}
                body = _trie_regex(w for w in firsts if _LATIN_RUN.fullmatch(w))
                rx = re.compile(f"{M.BEFORE}(?:{body}){M.AFTER}" if body else "(?!)")
            else:
                # A Latin (non-Thai) anchor counts only where no Latin character precedes it.
                thai = _trie_regex(a for a in self._by[folded] if M.is_thai(a[0]))
                other = _trie_regex(a for a in self._by[folded] if not M.is_thai(a[0]))
                alts = ([thai] if thai else []) + ([f"{M.BEFORE}{other}"] if other else [])
                rx = re.compile(f"(?=(?:{'|'.join(alts)}))" if alts else "(?!)")
            self._scanners[(folded, words)] = rx
        return rx

    def matches(
        self, hay: str, folded: bool, keys: set[int] | None = None, want: Callable[[Entry], bool] | None = None
    ) -> Iterator[tuple[Entry, re.Match[str]]]:
        """Every match of an entry starting at one of its anchors in ``hay`` (only entries whose
        key is in ``keys`` and that ``want`` accepts: filtering before compiling saves most)."""
        for n, pos in self.hits(hay, folded):
            e = self.entries[n]
            if (keys is not None and e.key not in keys) or (want is not None and not want(e)):
                continue
            m = self.regex(n).match(hay, pos)
            if m is not None:
                yield e, m


def _trie_regex(words: Iterable[str]) -> str:
    """One regex alternation matching exactly ``words``, shaped as a trie (shared prefixes
    written once, chains of single children as one literal) so that the engine tries a
    character at most once per depth, not once per word; '' when there are none."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # end of a word
    return _node_regex(trie) if trie else ""


def _node_regex(node: dict[str, Any]) -> str:
    alts: list[str] = []
    end = False
    for ch in sorted(node):
        if ch == "":
            end = True
            continue
        lit = [ch]
        child = node[ch]
        while len(child) == 1 and "" not in child:  # a chain: one literal
            (nxt, child), = child.items()
            lit.append(nxt)
        alts.append(re.escape("".join(lit)) + (_node_regex(child) if child != {"": {}} else ""))
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    # A word ending here: the longer ones are tried first, and '' last (optional).
    return f"(?:{body})?" if end else body
