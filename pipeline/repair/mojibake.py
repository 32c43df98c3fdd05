"""Mojibake (UTF-8 read as cp1252/latin-1) through ftfy, as recorded edits.

ftfy is configured to fix encodings only: it keeps curly quotes, dashes,
ellipses, ligatures, widths and the Unicode normal form of clean text, and does
not unescape HTML (:mod:`.entities` does that with an edit per entity). ftfy
fixes a whole line; a character diff turns the result into minimal edits
(``Ã³`` -> ``ó``) whose offsets the edit log can show.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any

from pipeline.repair.base import Candidate, PageContext

# Cheap pre-check before asking ftfy: the lead bytes of UTF-8 sequences read as
# cp1252/latin-1 (Â Ã Ä Å Æ Ç Ð Ñ Ø Ù â ã ä å ...) followed by a continuation-looking char.
HINT_RE = re.compile("[\u00c2-\u00c5\u00c8-\u00cb\u00ce\u00cf\u00d0-\u00df\u00e0-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


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


def mojibake_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if not HINT_RE.search(line):
        return []
    fix_text, is_bad, config = _ftfy()
    if not is_bad(line):
        return []
    fixed = fix_text(line, config)
    if fixed == line:
        return []
    out = []
    matcher = difflib.SequenceMatcher(None, line, fixed, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            out.append(Candidate(i1, i2, fixed[j1:j2], "mojibake", 0.95))
    return out
