"""The repair stage: scraped text in, clean text plus an edit log out.

Fixes every damage class of ``damage-patterns.md`` that lives inside a line:
mojibake (ftfy), HTML entities in every form and their half-decoded remnants,
letters lost around an entity (Spanish lexicon + page context), Thai letters
glued onto Spanish stems, and HTML remnants. Layout (tables, bullets, blank
lines) is the structure stage's job; repair keeps the line count.

Public API::

    from pipeline.repair import repair, RULES, REPAIR_VERSION
    repair(text, threshold=0.5) -> Repaired(text, edits, flagged)
"""

from __future__ import annotations

from pipeline.repair.core import repair

# Bump when repair output can change for the same input: it goes into the
# signature of every output.
REPAIR_VERSION = "6"

RULES: dict[str, str] = {
    "mojibake": "Text decoded in the wrong encoding (cp1252, latin-1, cp1251, cp1250, MacRoman, cp437, ...) or a C1 "
    "control that is cp1252 punctuation, re-decoded by ftfy with the whole line as context (relaciÃ³n -> relación).",
    "typography": "A Latin ligature or a fullwidth form written out, as ftfy does (ﬁ -> fi, ， -> ,).",
    "control": "An invisible or control character dropped (C0/C1 controls, bidi overrides, stray zero-width "
    "characters, BOM, noncharacters); VT/FF between words become a space.",
    "terminal_escape": "An ANSI/OSC terminal escape sequence dropped (ESC[31m, ESC]0;title BEL).",
    "entity": "A complete named HTML entity decoded (&oacute; -> ó, &nbsp; -> NBSP).",
    "entity_numeric": "A numeric HTML entity decoded (&#243; or &#xF3; -> ó).",
    "entity_no_semicolon": "An entity missing its ';' decoded (&oacute -> ó).",
    "entity_no_ampersand": "An entity missing its '&' decoded, distinctive names only (oacute; -> ó).",
    "entity_double_escaped": "A double-escaped entity decoded (&amp;oacute; -> ó).",
    "half_entity": "A stray ';' left after an entity's decoded character dropped (mó;dulo -> módulo, qué; -> qué).",
    "nbsp_line": "A line holding only NBSP + ';' (an emptied &nbsp; paragraph) made empty.",
    "lost_letters": "Letters lost around an entity restored from a Spanish lexicon and context (;mo -> cómo).",
    "thai_tail": "Thai letters glued onto a Spanish stem read back as Latin letters (atenció;น -> atención).",
    "html_tag": "An HTML tag removed, its text kept (<p>, </p>, <br>, <strong>).",
    "html_link": 'An HTML link turned into a Markdown link (<a href="u">t</a> -> [t](u)).',
}

__all__ = ["REPAIR_VERSION", "RULES", "repair"]
