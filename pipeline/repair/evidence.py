"""Page-level evidence of entity damage.

A semicolon after an accented letter (``qué; ``) is punctuation in a clean page
and damage in a page full of damage. We count unambiguous damage markers
(``mó;dulo``, `` ;mo``, ``¿;``, NBSP + ``;``, entities, mojibake, ``ó;น``) against
semicolons that are plainly punctuation (after a known word, before a space)
and turn the two counts into a score in [0, 1]:

    damage = strong / (strong + clean + 1.5)

so one marker in a page gives 0.4, a page like the damaged study sample > 0.9,
a clean page 0. Clean semicolons only count after a word the lost-letter rule
would leave alone, so repairing ``qu;`` into ``qué`` never removes one and the
score of a repaired page is never higher than before (idempotence).
"""

from __future__ import annotations

import re

from pipeline.repair import lexicon
from pipeline.repair.base import ENTITY_CHARS, LATIN, OPENING_MARKS, THAI
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
    if not strong:
        return 0.0
    return strong / (strong + _clean_semicolons(text) + PRIOR)


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
            word[-1] not in ENTITY_CHARS and table.get(word.lower(), 0.0) >= 2.0 and is_clause_end(word)
        ):
            clean += 1
    return clean
