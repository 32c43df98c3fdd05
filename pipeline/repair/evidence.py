"""Page-level evidence of entity damage, and who decides a word-final ``X;``.

A semicolon after an accented letter (``qué; ``) is punctuation in a clean page
and damage in a page full of damage. Two measures, the larger wins:

* **markers**: unambiguous damage (``mó;dulo``, `` ;mo``, ``¿;``, NBSP + ``;``,
  entities, mojibake, ``ó;น``) against semicolons that are plainly punctuation
  (after a known word, before a space)::

      markers = strong / (strong + clean + 1.5)

  one marker in a page gives 0.4, a page like the damaged study sample > 0.9,
  a clean page 0. Clean semicolons only count after a word the lost-letter
  rule would leave alone, so repairing ``qu;`` into ``qué`` never removes one.
* **saturation**: whether (nearly) every word-inner accented letter of the
  page carries a ``;`` (``volvió; a vivir`` in a page where ``relació;n``,
  ``mó;dulo``, ``Ademá;s`` ... all do). With ``n`` inner letters carrying one
  (at least :data:`MIN_SATURATED`) out of ``inner``::

      share = n / inner
      saturation = share * n / (n + 1)   if share >= SATURATED (0.8), else 0

  so two such letters and no clean one give 0.67, four give 0.8, and a page
  where more than a fifth of the inner accents are clean gives 0. A page with
  a single inner ``X;`` is saturated the same way when every accented letter,
  word-final ones included, carries a ``;`` (at least
  :data:`MIN_SATURATED_ALL` of them).

The rule for a word-final accented letter + ``;`` + space (``murió; en``):
the remnant pass removes the ``;`` with confidence ``0.15 + 0.8 * damage``,
so at the default threshold 0.5 it goes when ``damage >= 0.44``: a clean page
keeps it (0.15), a saturated page drops it (>= 0.68), a page with one marker
only flags it (0.47),
**unless what follows reads as a real clause break**: a connective that opens
a clause after a semicolon (:data:`CLAUSE_OPENERS`: ``pero``, ``sin embargo``,
``por eso``, ``es decir`` ...). Then the ``;`` is kept and the edit only
flagged (confidence halved). :func:`guarded_remnants` applies that, and also
leaves a ``;`` glued to Thai letters to the Thai-tail pass, which restores the
whole tail or flags it (removing the ``;`` and keeping the Thai would be a
half-repair).

Both measures only fall as a page is repaired (markers and semicolons go
away), so a second ``repair()`` is never surer than the first: idempotence.
"""

from __future__ import annotations

import re

from pipeline.repair import lexicon
from pipeline.repair.base import (
    ENTITY_CHAR_SET,
    ENTITY_CHARS,
    LATIN,
    OPENING_MARKS,
    THAI,
    THAI_ANY_RE,
    Candidate,
    PageContext,
)
from pipeline.repair.entities import entity_candidates, remnant_candidates
from pipeline.repair.lost_letters import is_clause_end

# Every alternative is anchored on a literal (";", "&", "Ã"/"Â") so the regex
# engine jumps between candidates instead of trying every position.
SEMI_STRONG_RE = re.compile(
    ";(?:"
    + "|".join(
        [
            rf"(?<=[{ENTITY_CHARS}];)(?=[{LATIN}{THAI}0-9])",  # mó;dulo, atenció;น
            rf"(?<=[{OPENING_MARKS}\u00a0];)",  # ¿; and NBSP;
            rf"(?<=\s;)(?=[{LATIN}])|(?<=^;)(?=[{LATIN}])",  # " ;mo": letters lost
            rf"(?<=[{LATIN}];)(?=[{THAI}])",  # Thai glued after a stray ";"
            r"(?<=acute;)|(?<=grave;)|(?<=tilde;)|(?<=uml;)|(?<=circ;)|(?<=cedil;)",  # (&)oacute;
        ]
    )
    + ")",
    re.MULTILINE,
)
ENTITY_RE = re.compile(r"&(?:amp;)*(?:[A-Za-z]{2,8}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});")
MOJIBAKE_RE = re.compile("[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u20ac\u2122]")
TAIL_WORD_RE = re.compile(rf"(?:[{LATIN}]+|[0-9)\]\"'”»])\Z")
PRIOR = 1.5
SATURATED = 0.8
MIN_SATURATED = 2
# Accented letters inside a word, with and without the ";" (where it is surely damage).
INNER_ACCENT_RE = re.compile(f"[áéíóúñüÁÉÍÓÚÑÜ](?=;?[{LATIN}])")
INNER_ACCENT_SEMI_RE = re.compile(f"[áéíóúñüÁÉÍÓÚÑÜ];(?=[{LATIN}])")
ACCENT_RE = re.compile("[áéíóúñüÁÉÍÓÚÑÜ]")
ACCENT_SEMI_RE = re.compile("[áéíóúñüÁÉÍÓÚÑÜ];")
MIN_SATURATED_ALL = 3
# The pairs above in one pattern each: the group is the ";" when there is one
# (INNER_ACCENT_RE's matches, of which INNER_ACCENT_SEMI_RE's carry a ";").
INNER_ACCENT_ANY_RE = re.compile(f"[áéíóúñüÁÉÍÓÚÑÜ](;?)(?=[{LATIN}])")
ACCENT_ANY_RE = re.compile("[áéíóúñüÁÉÍÓÚÑÜ](;?)")
# Words that open a clause after a real semicolon ("...; sin embargo, ...").
CLAUSE_OPENERS = frozenset(
    """pero sino aunque además asimismo mientras entonces incluso tampoco
    finalmente igualmente otros otras unos unas algunos algunas""".split()
)
CLAUSE_OPENER_PAIRS = frozenset(
    """sin-embargo por-eso por-ello por-tanto por-lo es-decir así-que así-pues no-obstante en-cambio
    de-hecho por-otra por-otro en-consecuencia o-sea esto-es en-cualquier""".split()
)
_NEXT_WORDS_RE = re.compile(rf"[ \t\u00a0]+([{LATIN}]+)(?:[ \t\u00a0]+([{LATIN}]+))?")


def page_damage(text: str) -> float:
    """Score in [0, 1]: how strongly the page shows entity damage."""
    has_moji = "\u00c3" in text or "\u00c2" in text
    if ";" not in text and not has_moji:
        return 0.0
    strong = len(SEMI_STRONG_RE.findall(text))
    if "&" in text:
        strong += len(ENTITY_RE.findall(text))
    if has_moji:
        strong += len(MOJIBAKE_RE.findall(text))
    markers = strong / (strong + _clean_semicolons(text) + PRIOR) if strong else 0.0
    return max(markers, saturation(text))


def saturation(text: str) -> float:
    """How surely (nearly) every word-inner accented letter carries a ``;`` (module docstring).

    Inner letters (``relació;n``): there the ``;`` is surely damage, so the
    share measures how the page's decoder behaved without counting the
    word-final ``X;`` it is meant to decide; only a page with one such letter
    looks at every accented letter.
    """
    # One scan counts both: each inner accented letter, and those with a ";" (the group).
    inner = INNER_ACCENT_ANY_RE.findall(text)
    with_semi = inner.count(";")
    if with_semi >= MIN_SATURATED:
        share = with_semi / len(inner)
        return share * with_semi / (with_semi + 1) if share >= SATURATED else 0.0
    if with_semi:
        # Few inner accents: then every accented letter of the page, word-final
        # ones included, must carry a ";" (one of them surely damage, inside a word).
        accents = ACCENT_ANY_RE.findall(text)
        every = accents.count(";")
        if every >= MIN_SATURATED_ALL:
            share = every / len(accents)
            return share * every / (every + 1) if share >= SATURATED else 0.0
    return 0.0


def clause_break(line: str, end: int) -> bool:
    """Whether the text after a ``;`` ending at ``end`` reads as a new clause."""
    m = _NEXT_WORDS_RE.match(line, end)
    if m is None:
        return False
    first = m[1].lower()
    return first in CLAUSE_OPENERS or (m[2] is not None and f"{first}-{m[2].lower()}" in CLAUSE_OPENER_PAIRS)


def guarded_entities(line: str, ctx: PageContext) -> list[Candidate]:
    """The entity pass, less bare names that would put a symbol inside a word.

    ``prepar;`` is ``preparó`` with letters lost, not ``pr`` + ``&epar;`` (⋕);
    ``tradic;n`` is ``tradición``, not ``t`` + ``&radic;`` (√). A name without
    its ``&`` that decodes to a non-letter, glued to a word's letters on its
    left, is left to the lost-letter pass when that pass reads the token, or
    when the name is too short to be told from letters (``descalcificac;n``).
    """
    out = []
    for c in entity_candidates(line, ctx):
        if c.rule == "entity_no_ampersand" and not c.after.isalpha() and c.start > 0 and line[c.start - 1].isalpha():
            a, b = c.start, c.end
            while a > 0 and line[a - 1].isalpha():
                a -= 1
            m = _LETTERS_RE.match(line, b)
            after = m[0] if m else ""
            token = line[a : b - 1] + ";" + after
            if token.lower() in lexicon.lost_letter_index() or (after and c.end - c.start <= 4):
                continue
        out.append(c)
    return out


_LETTERS_RE = re.compile(f"[{LATIN}]+")


def guarded_remnants(line: str, ctx: PageContext) -> list[Candidate]:
    """The remnant pass, less the semicolons it must not decide alone (module docstring)."""
    out = []
    for c in remnant_candidates(line, ctx):
        nxt = line[c.end : c.end + 1]
        if c.rule == "half_entity" and nxt and THAI_ANY_RE.match(nxt):
            continue  # the Thai-tail pass owns "á;นดอลอ": all or nothing
        if c.rule == "half_entity" and line[c.start].isalpha() and clause_break(line, c.end):
            c = c._replace(confidence=c.confidence * 0.5)
        out.append(c)
    return out


def _clean_semicolons(text: str) -> int:
    """Semicolons that are plainly punctuation: after a known word (or a digit,
    bracket, quote), before a space or the end of a line."""
    table = lexicon.zipf_table()
    parts = text.split(";")
    clean = 0
    for i in range(len(parts) - 1):
        nxt = parts[i + 1]
        if nxt and not nxt[0].isspace():
            continue
        m = TAIL_WORD_RE.search(parts[i][-40:])
        if m is None:
            continue
        word = m[0]
        if not word[-1].isalpha() or (
            word[-1] not in ENTITY_CHAR_SET and table.get(word.lower(), 0.0) >= 2.0 and is_clause_end(word)
        ):
            clean += 1
    return clean
