"""The :class:`Glossary`: find terms, protect them through MT, verify and recover.

Protection design (why not placeholders): Argos/OpenNMT models, through their
SentencePiece vocabularies, mangle every placeholder people tried (UUIDs,
``[[T1]]``, ``<t1>``, ``⟦T1⟧``, ``__T1__``, private-use characters). What such
models *do* pass through is plain text they cannot translate further, so:

* attempt 0 puts the glossary's **target term itself** in the source ("la
  value proposition de ..."); an English phrase inside a Spanish sentence is
  copied by an es→en model, and a do-not-translate name is left as it is;
* attempt 1 puts a **rare, plain, name-like word** ("Zorblat") in its place,
  which models copy like any unknown proper name, and swaps it for the term
  afterwards.

Whatever went in, every protected term is then **verified** in the output
(inflection-aware, so "value propositions" counts) and, when the model
mangled it, **recovered**: the output span most similar to what was inserted
(or to the untranslated source term), preferring the position where the
protection stood, is replaced by the term. What cannot be found is reported
in :attr:`Enforced.failures`, never silently dropped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import GlossaryError
from pipeline.glossary import match as M
from pipeline.glossary import recover as R
from pipeline.glossary.index import AnchorIndex, Entry, anchor, first_words
from pipeline.glossary.model import Enforced, Protected, Protection, Term, TermMatch
from pipeline.glossary.parse import LINT_HINT, Parsed, parse

# Bump when matching or protection changes what a translation looks like: the
# checksum is part of the translation-memory key, so old entries are redone.
MATCHER_VERSION = 2  # 2: recovery only where the span is surely the term's (exact or reported)

# Attempt-1 protections: plain, pronounceable, capitalised non-words that
# SentencePiece cuts into ordinary pieces and NMT models copy like names.
NONCES = [
    "Zorblat",
    "Quimbex",
    "Vantrok",
    "Jexholm",
    "Mirvalt",
    "Tovrick",
    "Klendar",
    "Brazzop",
    "Wuxtaly",
    "Fendrik",
    "Gorvash",
    "Pelzunt",
    "Drimvok",
    "Yastrel",
    "Kovnib",
    "Sulbrek",
    "Trazmik",
    "Holvenz",
    "Nexbury",
    "Plomvar",
    "Rizdekt",
    "Umbrosk",
    "Vexlund",
    "Zintrop",
    "Cralvex",
    "Bonzirk",
]


class Glossary:
    """A loaded glossary. Immutable once built; safe to share between threads."""

    def __init__(self, terms: Iterable[Term], languages: Iterable[str], path: str = "") -> None:
        self.terms: tuple[Term, ...] = tuple(terms)
        self.languages: tuple[str, ...] = tuple(languages)
        self.path = path
        self._by_id = {t.id: i for i, t in enumerate(self.terms)}
        self._indexes: dict[str, AnchorIndex] = {}
        self._lock = threading.Lock()
        self.checksum = self._checksum()

    # -- loading ---------------------------------------------------------------

    @classmethod
    def load(cls, path: str, *, source: str | None = None, target: str | None = None) -> Glossary:
        """Read and validate ``path``; raise GlossaryError on the first error found."""
        return cls._from_parsed(parse(str(path), source=source, target=target, notes=False))

    @classmethod
    def from_text(
        cls, text: str, path: str = "<glossary>", *, source: str | None = None, target: str | None = None
    ) -> Glossary:
        """Build from CSV text as if read from ``path`` (tests, embedded glossaries)."""
        return cls._from_parsed(parse(path, source=source, target=target, text=text, notes=False))

    @classmethod
    def _from_parsed(cls, parsed: Parsed) -> Glossary:
        if parsed.errors:
            first = parsed.errors[0]
            more = len(parsed.errors) - 1
            extra = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
            raise GlossaryError(
                f"{first.path}:{first.line}: {first.message}{extra}; " + LINT_HINT.format(path=first.path)
            )
        return cls(parsed.terms, parsed.languages, parsed.path)

    def _checksum(self) -> str:
        """sha256 of what changes a translation (not notes): the memory keys on it."""
        body = {
            "matcher": MATCHER_VERSION,
            "languages": list(self.languages),
            "terms": sorted(
                [
                    {
                        "forms": {k: list(v) for k, v in sorted(t.forms.items())},
                        "dnt": t.dnt,
                        "case": t.case,
                        "pos": t.pos,
                    }
                    for t in self.terms
                ],
                key=lambda d: json.dumps(d, sort_keys=True, ensure_ascii=False),
            ),
        }
        data = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    @functools.cached_property
    def _row_blobs(self) -> list[str]:
        """Each row as what changes a translation (forms, dnt, case, pos), canonical JSON."""
        return [
            json.dumps(
                {"forms": {k: list(v) for k, v in sorted(t.forms.items())}, "dnt": t.dnt, "case": t.case, "pos": t.pos},
                sort_keys=True, ensure_ascii=False, separators=(",", ":"),
            )
            for t in self.terms
        ]

    def rows_digest(self, text: str, src: str, tgt: str) -> str:
        """A digest of exactly the rows that can change translating ``text`` from ``src`` to
        ``tgt``: rows with a ``src`` form matching the text (before longest-match selection, so
        a row hidden by a longer one counts too), and for Thai text the rows whose Thai forms
        occur in it (they are in the word cutter's dictionary, which decides Thai word
        edges). "" when no row matches: then the glossary cannot change this translation, and
        the translation memory need not be redone when unrelated rows are added or edited."""
        if src == tgt or not text or src not in self.languages:
            return ""
        keys = {c.key for c, _ in self._candidates(text, src, edges=False)}
        if keys and any(M.is_thai(c) for c in text):
            folded = M.fold(text)[0]
            for lang in self.languages:
                for e, _m in self._index(lang).matches(folded, True, want=lambda e: e.thai):
                    keys.add(e.key)
        if not keys:
            return ""
        body = [MATCHER_VERSION, src, tgt, sorted(self._row_blobs[k] for k in keys)]
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def forbidden(self, lang: str) -> list[tuple[Term, str]]:
        """(term, forbidden rendering) for ``lang``; built once (most rows have none)."""
        with self._lock:
            cache = self.__dict__.setdefault("_forbidden", {})
            if lang not in cache:
                cache[lang] = [(t, bad) for t in self.terms for bad in t.forbidden.get(lang, ())]
            return list(cache[lang])

    def __getstate__(self) -> dict[str, object]:
        """Picklable for process pools: the lock and compiled caches are rebuilt on demand."""
        state = dict(self.__dict__)
        state.pop("_lock", None)
        state.pop("_thai_terms", None)
        state.pop("_row_blobs", None)
        state.pop("_forbidden", None)
        state["_indexes"] = {}
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.terms)

    def term(self, term_id: str) -> Term:
        return self.terms[self._by_id[term_id]]

    # -- finding ---------------------------------------------------------------

    def _index(self, lang: str) -> AnchorIndex:
        with self._lock:
            index = self._indexes.get(lang)
            if index is None:
                index = self._indexes[lang] = AnchorIndex(
                    e for i, t in enumerate(self.terms) for e in self._entries(i, t, lang)
                )
            return index

    @staticmethod
    def _entries(key: int, term: Term, lang: str) -> list[Entry]:
        out = []
        for form in term.forms.get(lang, ()):
            if any(M.is_thai(c) for c in form):
                out.append(Entry(key, form, lang, True, True, False, anchor(M.fold_term(form), lang, False)))
                continue
            folded = not term.case
            f = M.fold_term(form) if folded else form
            out.append(Entry(key, form, lang, folded, False, term.inflects, anchor(f, lang, term.inflects),
                             first_words(f, lang, term.inflects)))
        return out

    @functools.cached_property
    def _thai_terms(self) -> frozenset[str]:
        """Every Thai term, added to the word-cutter's dictionary for the edge check."""
        return frozenset(
            M.fold_term(f)
            for t in self.terms
            for forms in t.forms.values()
            for f in forms
            if any(M.is_thai(c) for c in f)
        )

    def _candidates(
        self, text: str, lang: str, *, keys: set[int] | None = None, edges: bool = True
    ) -> list[tuple[M.Candidate, Entry]]:
        index = self._index(lang)
        if not index or not text:
            return []
        folded, where = M.fold(text)
        found: list[tuple[M.Candidate, Entry]] = []
        thai_terms: frozenset[str] | None = None
        for is_folded, hay in ((True, folded), (False, text)):
            for e, m in index.matches(hay, is_folded, keys):
                s, t = (where[m.start()], where[m.end()]) if e.folded else m.span()
                if s == t:
                    continue
                if e.thai and edges:
                    thai_terms = thai_terms or self._thai_terms
                    if M.splits_thai_word(text, s, t, thai_terms):
                        continue
                found.append((M.Candidate(s, t, e.key), e))
        return found

    def find(self, text: str, lang: str) -> list[TermMatch]:
        """Glossary terms of language ``lang`` in ``text``: longest first, no overlaps, in order."""
        return self._select(text, lang, self._candidates(text, lang))

    def _select(self, text: str, lang: str, cands: list[tuple[M.Candidate, Entry]]) -> list[TermMatch]:
        form_of = {(c.start, c.end, c.key): e.form for c, e in cands}
        return [
            TermMatch(
                c.start, c.end, self.terms[c.key].id, text[c.start : c.end], lang, form_of[(c.start, c.end, c.key)]
            )
            for c in M.select_longest(c for c, _ in cands)
        ]

    def find_term(self, text: str, lang: str, term_id: str, *, lenient: bool = True) -> list[tuple[int, int]]:
        """Where one term (any accepted form, inflected) occurs; ``lenient`` skips Thai edge checks,
        which suits checking MT output (a glued Thai term is still the term)."""
        key = self._by_id[term_id]
        cands = self._candidates(text, lang, keys={key}, edges=not lenient)
        return sorted({(c.start, c.end) for c, _ in cands})

    # -- target forms ------------------------------------------------------------

    def target_for(self, match: TermMatch, tgt: str) -> str | None:
        """What the output must say for ``match``: inflected to its number, capitalised like it."""
        term = self.term(match.term_id)
        if term.dnt:
            return match.matched
        pref = term.preferred(tgt)
        if pref is None:
            return None
        if term.inflects:
            pref = M.inflect_phrase(pref, tgt, M.number_of(match.matched, match.lang))
        if not term.case and match.matched[:1].isupper() and pref[:1].islower() and not match.matched.isupper():
            pref = pref[0].upper() + pref[1:]
        return pref

    # -- protection ------------------------------------------------------------

    def protect(self, text: str, src: str, tgt: str, *, attempt: int = 0) -> Protected:
        """Replace each enforceable source term by its protection; see the module docs."""
        pieces: list[str] = []
        items: list[Protection] = []
        pos = 0
        out_len = 0
        matches = self.find(text, src) if src != tgt else []
        for n, m in enumerate(matches):
            target = self.target_for(m, tgt)
            if target is None:
                continue
            token = target if attempt <= 0 else NONCES[n % len(NONCES)] + ("" if n < len(NONCES) else str(n))
            gap = text[pos : m.start]
            pieces += [gap, token]
            out_len += len(gap)
            items.append(Protection(m.term_id, m.matched, target, token, out_len, out_len + len(token)))
            out_len += len(token)
            pos = m.end
        pieces.append(text[pos:])
        return Protected("".join(pieces), text, src, tgt, attempt, tuple(items))

    def restore(self, protected: Protected, output: str) -> Enforced:
        """Verify every protected term in ``output``; recover mangled ones; report the rest.

        Exact or reported: a term either ends up as the glossary's target with
        every word outside it as the model wrote it, or a failure says why; a
        span is replaced only where :mod:`pipeline.glossary.recover` is sure it
        is the model's rendering of the term.
        """
        if not protected.items:
            return Enforced(output)
        items = protected.items
        claimed: list[tuple[int, int]] = []
        edits: dict[int, tuple[int, int, str]] = {}
        pending: list[int] = []
        recovered = 0
        for i, item in enumerate(items):
            span = self._exact(output, protected, item, claimed)
            if span is None:
                pending.append(i)
                continue
            claimed.append(span)
            surface = output[span[0] : span[1]]
            if protected.attempt > 0 or (self.term(item.term_id).case and surface != item.target):
                edits[i] = (*span, item.target)
            elif not self._accepted(surface, item, protected.tgt):
                # The term's pattern is lenient (every word may inflect, hyphens may go):
                # what it matched is the model's rendering, so it can be set right.
                tail = re.search(r"(?:'s|')$", surface) if protected.tgt == "en" else None
                end = span[1] - (len(tail.group()) if tail else 0)
                edits[i] = (span[0], end, _like(surface, item.target))
                recovered += 1
        failures: list[str] = []
        if pending:
            src_tokens = R.tokens(protected.text, [x for it in items for x in (it.start, it.end)])
            out_tokens = R.tokens(output)
        for i in pending:
            item = items[i]
            needles = (item.token, item.target, item.source)
            words = R.term_words(needles)
            region = (
                next((k for k, t in enumerate(src_tokens) if t.start >= item.start), len(src_tokens)),
                sum(1 for t in src_tokens if t.end <= item.end),
            )
            span = R.aligned(src_tokens, out_tokens, region, output, words)
            if span is not None and any(_overlap(span, c) for c in claimed):
                span = None
            if span is None:
                expect = (item.start / max(1, len(protected.text))) * len(output)
                wanted = sum(items[k].term_id == item.term_id for k in pending)
                span = R.similar(output, out_tokens, needles, words, expect, claimed, wanted)
            if span is None:
                failures.append(
                    f"{protected.src}->{protected.tgt}: {item.source!r} should come out as "
                    f"{item.target!r}, but no span of the model's output is surely it "
                    "(left as the model wrote it)"
                )
                continue
            claimed.append(span)
            # A nonce is capitalised whatever the source said: its case means nothing.
            rep = _placed(output, span, item.target) if protected.attempt == 0 or span[0] == span[1] else item.target
            edits[i] = (*span, rep)
            recovered += 1
        failures += self._repeats(output, protected)
        text = output
        for s, e, rep in sorted(edits.values(), reverse=True):
            text = text[:s] + rep + text[e:]
        return Enforced(text, len(items) - len(failures), recovered, failures)

    def _accepted(self, surface: str, item: Protection, tgt: str) -> bool:
        """Whether an output span found by the term's pattern is one of the term's own forms in
        ``tgt`` (a variant, in the singular or the plural), not a form only the lenient pattern
        lets through ("customers relationship")."""
        term = self.term(item.term_id)
        if term.dnt or any(M.is_thai(c) for c in surface):
            return True
        got = " ".join(M.fold_term(re.sub(r"(?:'s|')$", "", surface)).split())
        for form in (item.target, *term.forms.get(tgt, ())):
            for number in ("sg", "pl"):
                if got == " ".join(M.fold_term(M.inflect_phrase(form, tgt, number)).split()):
                    return True
        return False

    def _occurrences(self, text: str, p: Protected, item: Protection) -> list[tuple[int, int]]:
        """Where ``item`` stands in ``text`` as the designed path expects it (term or nonce)."""
        if p.attempt > 0:
            nonce = M.BEFORE + re.escape(item.token) + "(?:s|es)?" + M.AFTER
            return [m.span() for m in re.finditer(nonce, text, re.IGNORECASE)]
        term = self.term(item.term_id)
        if term.dnt:
            flags = 0 if term.case else re.IGNORECASE
            pattern = (
                re.escape(item.target)
                if any(M.is_thai(c) for c in item.target)
                else M.latin_pattern(item.target, "", inflect=False)
            )
            spans = [m.span() for m in re.finditer(pattern, text, flags)]
            if not spans and p.tgt in term.forms:
                spans = self.find_term(text, p.tgt, item.term_id)
            return spans
        spans = self.find_term(text, p.tgt, item.term_id)
        if not spans and item.target:
            # Not glued to letters of its own script ("customer relationshipel" is not the term).
            edges = ("", "") if any(M.is_thai(c) for c in item.target) else (M.BEFORE, M.AFTER)
            pattern = edges[0] + re.escape(item.target) + edges[1]
            spans = [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
        return spans

    def _exact(
        self, output: str, p: Protected, item: Protection, claimed: list[tuple[int, int]]
    ) -> tuple[int, int] | None:
        """The designed path: the term (attempt 0) or the nonce (attempt 1) as the model copied it."""
        for span in self._occurrences(output, p, item):
            if not any(_overlap(span, c) for c in claimed):
                return span
        return None

    def _repeats(self, output: str, p: Protected) -> list[str]:
        """A term the model wrote more often than it was given (duplicated, or a model looping
        on it) is a failure: the extra copies are the model's words, not ours to delete."""
        out: list[str] = []
        seen: set[str] = set()
        for item in p.items:
            key = item.token if p.attempt > 0 else item.term_id
            if key in seen:
                continue
            seen.add(key)
            given = len(self._occurrences(p.text, p, item))
            found = len(self._occurrences(output, p, item))
            if found > given:
                out.append(
                    f"{p.src}->{p.tgt}: {item.target!r} comes out {found} times for {given} in the "
                    "source (the model repeated it)"
                )
        return out

    # -- text already in the target language -----------------------------------------

    def apply_in_target(self, text: str, tgt: str) -> Enforced:
        """Replace glossary terms of *other* languages inside a segment already in ``tgt``."""
        keep = self._candidates(text, tgt)
        cands: list[tuple[M.Candidate, Entry, str]] = []
        for lang in self.languages:
            if lang == tgt:
                continue
            for c, e in self._candidates(text, lang):
                term = self.terms[c.key]
                if term.dnt or term.preferred(tgt) is None:
                    continue
                if any(_overlap((c.start, c.end), (k.start, k.end)) for k, _ in keep):
                    continue
                if _is_target_word(text[c.start : c.end], tgt):
                    continue
                cands.append((c, e, lang))
        chosen = M.select_longest(c for c, _, _ in cands)
        lang_of = {(c.start, c.end, c.key): (e.form, lang) for c, e, lang in cands}
        out = text
        for c in sorted(chosen, key=lambda c: -c.start):
            form, lang = lang_of[(c.start, c.end, c.key)]
            m = TermMatch(c.start, c.end, self.terms[c.key].id, text[c.start : c.end], lang, form)
            rep = self.target_for(m, tgt)
            if rep is not None:
                out = out[: c.start] + rep + out[c.end :]
        return Enforced(out, enforced=len(chosen))


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] == a[1]:  # an insertion point
        return b[0] < a[0] < b[1]
    return a[0] < b[1] and b[0] < a[1]


def _placed(output: str, span: tuple[int, int], target: str) -> str:
    """The replacement for ``span``: cased like what it replaces, spaced when inserted, and
    never glued to a Latin word the model wrote next to the span ("presenta<blank>" must
    not become "presentakey activities")."""
    s, e = span
    if s != e:
        rep = _like(output[s:e], target)
        before = " " if s > 0 and M.is_latin_letter(output[s - 1]) and M.is_latin_letter(rep[:1]) else ""
        after = " " if e < len(output) and M.is_latin_letter(output[e]) and M.is_latin_letter(rep[-1:]) else ""
        return before + rep + after
    before = " " if s > 0 and not output[s - 1].isspace() else ""
    after = " " if s < len(output) and output[s].isalnum() else ""
    return before + target + after


def _like(found: str, target: str) -> str:
    """``target`` capitalised like the text it replaces (sentence-initial capitals survive)."""
    if found[:1].isupper() and target[:1].islower():
        return target[0].upper() + target[1:]
    return target


def _is_target_word(matched: str, tgt: str) -> bool:
    """A single Latin word that is also common in the target language ("canal" in English)
    is most likely that word, not a foreign glossary term: leave it."""
    if " " in matched.strip() or not matched.isascii() and not M.is_latin_letter(matched[:1]):
        return False
    if any(M.is_thai(c) for c in matched):
        return False
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        return False
    return zipf_frequency(matched.lower(), tgt) >= 3.0


def load_glossary(path: str | None, *, source: str | None = None, target: str | None = None) -> Glossary | None:
    """The glossary for a command: ``path`` when given, else ./glossary.csv when present, else None."""
    if path is None:
        default = Path("glossary.csv")
        if not default.is_file():
            return None
        path = str(default)
    return Glossary.load(path, source=source, target=target)
