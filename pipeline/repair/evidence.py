"""Page-level evidence of entity damage.

A semicolon after an accented letter (``qué; ``) is punctuation in a clean page
and damage in a page full of damage. We count unambiguous damage markers
(``mó;dulo``, `` ;mo``, ``¿;``, NBSP + ``;``, entities, mojibake, ``ó;น``) against
semicolons that are plainly punctuation (after a known word, before a space)
and turn the two counts into a score in [0, 1]:

    damage = strong / (strong + clean + 1.5)

so one marker in a page gives 0.4, a page like the damaged study sample > 0.9,
a clean page 0. Clean semicolons only count after a real word, so repairing
``qu;`` into ``qué`` never raises the score of the repaired page (idempotence).
"""

from __future__ import annotations

import re

from pipeline.repair import lexicon
from pipeline.repair.base import ENTITY_CHARS, LATIN, OPENING_MARKS, THAI

STRONG_RE = re.compile(
    "|".join(
        [
            rf"[{ENTITY_CHARS}];(?=[{LATIN}{THAI}0-9])",  # mó;dulo, atenció;น
            rf"[{OPENING_MARKS}\u00a0];",  # ¿; and NBSP;
            rf"(?:^|(?<=\s));[{LATIN}]",  # " ;mo": letters lost
            rf"[{LATIN}];[{THAI}]",  # Thai glued after a stray ";"
            r"&(?:amp;)*(?:[A-Za-z]{2,8}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});",  # entities
            r"(?<![&A-Za-z])[A-Za-z]?(?:acute|grave|tilde|uml|circ|cedil);",  # oacute;
            "[\u00c2\u00c3][\u0080-\u00bf\u2018-\u203a\u20ac\u2122]",  # mojibake
        ]
    ),
    re.MULTILINE,
)
CLEAN_RE = re.compile(rf"(?P<word>[{LATIN}]+|[0-9)\]\"'”»]);(?=\s|$)", re.MULTILINE)
PRIOR = 1.5


def page_damage(text: str) -> float:
    """Score in [0, 1]: how strongly the page shows entity damage."""
    if ";" not in text and "\u00c3" not in text and "\u00c2" not in text:
        return 0.0
    strong = sum(1 for _ in STRONG_RE.finditer(text))
    if not strong:
        return 0.0
    clean = 0
    for m in CLEAN_RE.finditer(text):
        word = m["word"]
        if not word[-1].isalpha() or (word[-1] not in ENTITY_CHARS and lexicon.is_word(word)):
            clean += 1
    return strong / (strong + clean + PRIOR)
