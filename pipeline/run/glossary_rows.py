"""Which glossary rows a lesson depends on, so a glossary edit rebuilds only the lessons it touches.

A lesson's record keeps the glossary's checksum it was built (or last checked)
under and the ids of the rows that match its segments; the state keeps, per
recent glossary checksum, the ids of all its rows (a *snapshot*). On a rerun
under an edited glossary the lesson is stale only when

* a row it matched is gone or changed (its id is not in the new glossary), or
* a row added since matches its segments: only the added rows are matched,
  against the segment texts of the lesson's sidecar (the run reads that file
  to verify it anyway), never by rebuilding the lesson;
* or the lesson has a pivot route (es -> en -> th): the second hop's memory key
  holds the rows matching the *intermediate* English, which no file records,
  so any glossary edit rebuilds it (its sentences still come from the memory
  unless their rows changed).

A row's id is a hash of what changes a translation (forms, dnt, case, pos, and
the matcher's version), as :meth:`Glossary.rows_digest` uses; notes are not in
it. "Matches" is deliberately wide: a form of *any* glossary language found in
the text before word-edge checks and longest-match selection (the engine's
memory keys on a narrower set per hop; a lesson may depend on more, e.g.
``apply_in_target`` on text already in the target language). A wide set only
costs a rebuild whose sentences all come from the memory.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import weakref
from collections.abc import Iterable
from typing import Any

SNAPSHOT_PREFIX = "glossary-rows:"
SNAPSHOTS_KEY = "glossary-snapshots"
PREFILTER_MAX = 2000  # entries of one language: above, the index's one scan beats a substring test each
KEEP_SNAPSHOTS = 8  # older ones are dropped: a record that names one is rebuilt (never wrongly kept)
_ACCENTS = re.compile("[\u0300-\u036f]+")
_ROW_IDS: weakref.WeakKeyDictionary[Any, list[str]] = weakref.WeakKeyDictionary()


def row_ids(glossary: Any) -> list[str]:
    """One id per row of ``glossary``, in row order (cached per glossary object, outside it, so a
    glossary pickled for workers does not carry them)."""
    cached = _ROW_IDS.get(glossary)
    if cached is None:
        from pipeline.glossary.core import MATCHER_VERSION

        # _row_blobs is the glossary's own canonical form of a row (what rows_digest hashes).
        cached = _ROW_IDS[glossary] = [hashlib.sha256(f"{MATCHER_VERSION}\n{blob}".encode()).hexdigest()[:20]
                                       for blob in glossary._row_blobs]
    return cached


def matched_keys(glossary: Any, texts: Iterable[str]) -> set[int]:
    """Row numbers with a form (any language) in one of ``texts``: anchored regex hits, before
    empty-match, word-edge and longest-match filtering (a superset of what protection uses).

    The texts are joined and folded at most once (the glossary's ``_candidates`` folds again
    for each language and call). Below PREFILTER_MAX entries per language, entries whose
    anchor (or first word) surely does not occur are dropped first by C-speed substring tests
    that need no fold (see :class:`_Hays`), and only the rest are matched: a rerun that checks
    every lesson for a few added rows costs a few substring tests per lesson."""
    hays = _Hays("\n".join(t for t in texts if t))
    keys: set[int] = set()
    if not hays.text:
        return keys
    for lang in glossary.languages:
        keys |= _keys_in(glossary._index(lang), hays)
    return keys


def _keys_in(index: Any, hays: _Hays) -> set[int]:
    from pipeline.glossary.index import AnchorIndex

    if not index:
        return set()
    if len(index.entries) <= PREFILTER_MAX:
        live = [e for e in index.entries if _may_occur(e, hays)]
        if not live:
            return set()
        index = AnchorIndex(live)
    folded = hays.folded()
    return {e.key for hay, is_folded in ((folded, True), (hays.text, False)) for e, _ in index.matches(hay, is_folded)}


def _may_occur(e: Any, hays: _Hays) -> bool:
    """False only when the entry surely has no match: every match starts with its anchor, or
    with one of its first-word keys, whose first word must then stand in the text."""
    needles = {w.split(" ", 1)[0] for w in e.words} if e.words else ({e.anchor} if e.anchor else set())
    if not needles:
        return True
    return any(hays.has(n, e.folded) for n in needles)


class _Hays:
    """A text and, made on demand, forms of it to look for folded needles in.

    ``fold`` is a per-character Python loop on non-ASCII text. Needles that are ASCII
    letters and digits are looked up in a *skeleton* instead (NFD, combining accents
    U+0300-036F dropped, lower-cased: every ASCII run of the folded text is in it, see
    ``match.fold``), Thai-only needles in the text with SARA AM unified (all fold does to
    Thai), anything else in the folded text itself."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._skeleton: str | None = None
        self._thai: str | None = None
        self._folded: str | None = None

    def has(self, needle: str, folded: bool) -> bool:
        if not folded:
            return needle in self.text
        if needle.isascii() and needle.isalnum():
            if self._skeleton is None:
                self._skeleton = _ACCENTS.sub("", unicodedata.normalize("NFD", self.text)).lower()
            return needle in self._skeleton
        if all("\u0e00" <= c <= "\u0e7f" for c in needle):
            if self._thai is None:
                self._thai = self.text.replace("\u0e4d\u0e32", "\u0e33")
            return needle in self._thai
        return needle in self.folded()

    def folded(self) -> str:
        if self._folded is None:
            from pipeline.glossary import match as M

            self._folded = M.fold_text(self.text)
        return self._folded


def lesson_rows(glossary: Any, texts: Iterable[str]) -> list[str]:
    """The sorted ids of the rows that match a lesson's segment texts."""
    ids = row_ids(glossary)
    return sorted({ids[k] for k in matched_keys(glossary, texts)})


def rows_signature(rows: list[str]) -> str:
    """What the lesson's output signature says of the glossary: the rows it depends on ("none")."""
    if not rows:
        return "none"
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:12]


def subset(glossary: Any, keys: Iterable[int]) -> Any:
    """A glossary of only these rows (the added ones), to match against lessons cheaply."""
    from pipeline.glossary.core import Glossary

    return Glossary([glossary.terms[k] for k in sorted(keys)], glossary.languages, glossary.path)


def sidecar_texts(data: bytes) -> list[str] | None:
    """The source segment texts a sidecar recorded (None when it is not a sidecar)."""
    try:
        side = json.loads(data)
        return [s["text"] for s in side["segments"]]
    except (ValueError, KeyError, TypeError):
        return None


class RowChanges:
    """The current glossary against the snapshots of earlier ones: what a lesson record must be checked for."""

    def __init__(self, glossary: Any, meta_get: Any) -> None:
        self.glossary = glossary
        self.meta_get = meta_get  # key -> str | None (the state's meta table)
        self._by_checksum: dict[str, tuple[set[str], Any] | None] = {}

    def changes(self, checksum: str) -> tuple[set[str], Any] | None:
        """(ids gone since ``checksum``, a glossary of the rows added since, or None); None when unknown."""
        if checksum not in self._by_checksum:
            raw = self.meta_get(SNAPSHOT_PREFIX + checksum)
            if raw is None:
                self._by_checksum[checksum] = None
            else:
                ids = row_ids(self.glossary)
                old = set(json.loads(raw))
                added = [k for k, i in enumerate(ids) if i not in old]
                self._by_checksum[checksum] = (old - set(ids), subset(self.glossary, added) if added else None)
        return self._by_checksum[checksum]


def snapshot_updates(glossary: Any, meta_get: Any) -> list[tuple[str, str | None]]:
    """Meta rows to write so that later runs can diff against this glossary (None deletes a key)."""
    key = SNAPSHOT_PREFIX + glossary.checksum
    order = json.loads(meta_get(SNAPSHOTS_KEY) or "[]")
    if glossary.checksum in order and meta_get(key) is not None:
        return []
    order = [c for c in order if c != glossary.checksum] + [glossary.checksum]
    out: list[tuple[str, str | None]] = [(key, json.dumps(sorted(set(row_ids(glossary))), separators=(",", ":")))]
    out += [(SNAPSHOT_PREFIX + c, None) for c in order[:-KEEP_SNAPSHOTS]]
    out.append((SNAPSHOTS_KEY, json.dumps(order[-KEEP_SNAPSHOTS:])))
    return out
