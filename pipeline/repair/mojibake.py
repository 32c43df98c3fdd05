"""Mojibake (UTF-8 read as cp1252/latin-1) through ftfy, as recorded edits.

ftfy is configured to fix encodings only: it keeps curly quotes, dashes,
ellipses, ligatures, widths and the Unicode normal form of clean text, and does
not unescape HTML (:mod:`.entities` does that with an edit per entity). ftfy
is given each whitespace-delimited token that holds a mojibake-looking pair,
not the whole line: it is much faster, and trimming the common prefix and
suffix of token and fix gives minimal edits (``Ã³`` -> ``ó``) for the log.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipeline.repair.base import Candidate, PageContext

# Cheap pre-check before asking ftfy: the lead bytes of UTF-8 sequences read as
# cp1252/latin-1 (Â Ã Ä Å Æ Ç Ð Ñ Ø Ù â ã ä å ...) followed by a continuation-looking char.
_HINT = "[\u00c2-\u00c5\u00c8-\u00cb\u00ce\u00cf\u00d0-\u00df\u00e0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
HINT_RE = re.compile(_HINT)
# A token holding a hint; NBSP counts as part of it ("Â\u00a0" is mojibake of NBSP).
TOKEN_RE = re.compile(rf"(?:{_HINT}|\S)+")


@lru_cache(maxsize=1)
def _ftfy() -> tuple[Any, Any, Any]:
    import ftfy  # lazy: only pages with mojibake pay for it
    from ftfy.badness import is_bad

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    return ftfy.fix_text, is_bad, config


def page_has_mojibake(text: str) -> bool:
    if not HINT_RE.search(text):
        return False
    _, is_bad, _ = _ftfy()
    return bool(is_bad(text))


@lru_cache(maxsize=65536)
def _fix_token(token: str) -> str:
    """ftfy's fix of one token, repeated until stable (a doubly broken token
    needs two), cached: pages repeat their damaged words."""
    fix_text, is_bad, config = _ftfy()
    for _ in range(3):
        if not is_bad(token):
            break
        fixed = str(fix_text(token, config))
        if fixed == token:
            break
        token = fixed
    return token


def mojibake_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if not HINT_RE.search(line):
        return []
    out = []
    for m in TOKEN_RE.finditer(line):
        token = m[0]
        if not HINT_RE.search(token):
            continue
        fixed = _fix_token(token)
        if fixed == token:
            continue
        a = 0
        while a < min(len(token), len(fixed)) and token[a] == fixed[a]:
            a += 1
        b = 0
        while b < min(len(token), len(fixed)) - a and token[-1 - b] == fixed[-1 - b]:
            b += 1
        out.append(Candidate(m.start() + a, m.end() - b, fixed[a : len(fixed) - b], "mojibake", 0.95))
    return out
