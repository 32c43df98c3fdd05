"""Letters in runs of one script, and the language a non-Latin script tells.

The first step of :mod:`pipeline.langid`: letters are grouped into runs of one
script; digits, punctuation, spaces and emoji join a neighbouring run. Thai
(U+0E00-U+0E7F) is Thai; Cyrillic, Greek, Arabic, Hebrew, Devanagari, CJK,
Hangul ... get their language from the script (a few letters tell related
languages apart: Ukrainian ``і``, Persian ``پ``, Japanese kana) or ``"und"``.
URLs and e-mail addresses are blanked first (:func:`mask_urls`): they are not
language evidence.
"""

from __future__ import annotations

import bisect
import re
import unicodedata

MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
LATIN = (
    "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0250-\u02af"
    "\u1d00-\u1dbf\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\ufb00-\ufb06"
    "\uff21-\uff3a\uff41-\uff5a"
)
THAI_LETTERS = "\u0e01-\u0e4e"  # letters, vowels and tone marks; Thai digits stay neutral
# Runs of one script: letters of the script with neutrals (non-letters, including
# combining marks) between them. The letter and neutral classes are disjoint, so the
# repetition never needs to backtrack; one regex step per run keeps a 1 MB line fast.
# Possessive: a greedy group repeat keeps a backtracking entry per repetition on
# the regex engine's stack, ~125 bytes a character of a long Latin run (a page
# scraped as one line peaked at 98x its size in language detection).
_NEUTRAL = r"[\W\d_]"
_CHUNK = re.compile(
    f"(?P<lat>[{LATIN}](?:{_NEUTRAL}*+[{LATIN}])*+)"
    f"|(?P<th>[{THAI_LETTERS}](?:(?:[^\\w{THAI_LETTERS}]|[\\d_])*+[{THAI_LETTERS}])*+)"
    f"|(?P<oth>(?:(?![{LATIN}{THAI_LETTERS}])[^\\W\\d_])++)"
)
_IS_LATIN = re.compile(f"[{LATIN}]")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|io)\b(?:/[^\s<>\"']*)?", re.IGNORECASE)
_DOMAIN_HINT = re.compile(r"\.(?:com|org|net|edu|gov|io)\b", re.IGNORECASE)

# (first code point, script) sorted; a code point belongs to the last range starting at or before it.
_SCRIPT_RANGES: list[tuple[int, str]] = [
    (0x0000, "zyyy"),
    (0x0370, "grek"),
    (0x0400, "cyrl"),
    (0x0530, "armn"),
    (0x0590, "hebr"),
    (0x0600, "arab"),
    (0x0700, "zyyy"),
    (0x0750, "arab"),
    (0x0780, "zyyy"),
    (0x08A0, "arab"),
    (0x0900, "deva"),
    (0x0980, "beng"),
    (0x0A00, "guru"),
    (0x0A80, "gujr"),
    (0x0B00, "zyyy"),
    (0x0B80, "taml"),
    (0x0C00, "telu"),
    (0x0C80, "knda"),
    (0x0D00, "mlym"),
    (0x0D80, "sinh"),
    (0x0E00, "thai"),
    (0x0E80, "laoo"),
    (0x0F00, "tibt"),
    (0x1000, "mymr"),
    (0x10A0, "geor"),
    (0x1100, "hang"),
    (0x1200, "ethi"),
    (0x13A0, "zyyy"),
    (0x1780, "khmr"),
    (0x1800, "zyyy"),
    (0x1F00, "grek"),
    (0x2000, "zyyy"),
    (0x2D00, "geor"),
    (0x2D30, "zyyy"),
    (0x2E80, "hani"),
    (0x3040, "kana"),
    (0x3100, "zyyy"),
    (0x3130, "hang"),
    (0x3190, "zyyy"),
    (0x31F0, "kana"),
    (0x3200, "zyyy"),
    (0x3400, "hani"),
    (0x4DC0, "zyyy"),
    (0x4E00, "hani"),
    (0xA000, "zyyy"),
    (0xAC00, "hang"),
    (0xD7B0, "zyyy"),
    (0xF900, "hani"),
    (0xFB00, "zyyy"),
    (0xFB1D, "hebr"),
    (0xFB50, "arab"),
    (0xFE00, "zyyy"),
    (0xFE70, "arab"),
    (0xFF00, "zyyy"),
    (0xFF66, "kana"),
    (0xFFA0, "hang"),
    (0xFFE0, "zyyy"),
    (0x20000, "hani"),
    (0x2FA20, "zyyy"),
]
_SCRIPT_STARTS = [r[0] for r in _SCRIPT_RANGES]
_SCRIPT_LANG = {
    "grek": "el",
    "armn": "hy",
    "hebr": "he",
    "deva": "hi",
    "beng": "bn",
    "guru": "pa",
    "gujr": "gu",
    "taml": "ta",
    "telu": "te",
    "knda": "kn",
    "mlym": "ml",
    "sinh": "si",
    "thai": "th",
    "laoo": "lo",
    "tibt": "bo",
    "mymr": "my",
    "geor": "ka",
    "hang": "ko",
    "ethi": "am",
    "khmr": "km",
    "hani": "zh",
    "kana": "ja",
}


SCRIPT_LANGS = frozenset(set(_SCRIPT_LANG.values()) | {"ru", "uk", "bg", "be", "sr", "mk", "kk", "ar", "fa", "ur"})


def mask_urls(text: str) -> str:
    """``text`` with URLs and e-mail addresses blanked (same length), so they are not evidence."""

    def blank(m: re.Match[str]) -> str:
        return " " * len(m.group())

    if "://" in text or "www." in text or "@" in text:
        text = _URL.sub(blank, text)
    if _DOMAIN_HINT.search(text):
        text = _DOMAIN.sub(blank, text)
    return text


def script_runs(text: str) -> list[tuple[str, int, int, int]]:
    """(script, start, end, letters) of maximal runs of one script; neutrals inside a run stay.

    ``letters`` is the run's length for Latin and Thai (only used as a weight).
    """
    runs: list[tuple[str, int, int, int]] = []
    for m in _CHUNK.finditer(text):
        kind = m.lastgroup
        if kind == "lat":
            parts = [("latin", m.start(), m.end())]
        elif kind == "th":
            parts = [("thai", m.start(), m.end())]
        else:
            parts = _split_other(text, m.start(), m.end())
        for script, a, b in parts:
            if runs and runs[-1][0] == script:
                prev = runs[-1]
                runs[-1] = (script, prev[1], b, prev[3] + b - a)
            else:
                runs.append((script, a, b, b - a))
    return runs


def _split_other(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Cut a chunk of non-Latin, non-Thai letters by script; marks follow their base letter."""
    out: list[tuple[str, int, int]] = []
    for i in range(start, end):
        ch = text[i]
        if unicodedata.combining(ch) and out:
            out[-1] = (out[-1][0], out[-1][1], i + 1)
            continue
        if not ch.isalpha():
            continue
        script = "latin" if _IS_LATIN.match(ch) else _script_of(ch)
        if script in ("hani", "kana"):
            script = "cjk:" + script
        if out and (out[-1][0] == script or (out[-1][0].startswith("cjk") and script.startswith("cjk"))):
            merged = "cjk:kana" if "kana" in (out[-1][0], script) else out[-1][0]
            out[-1] = (merged, out[-1][1], i + 1)
        else:
            out.append((script, i, i + 1))
    return out


def _script_of(ch: str) -> str:
    return _SCRIPT_RANGES[bisect.bisect_right(_SCRIPT_STARTS, ord(ch)) - 1][1]


def script_language(script: str, run: str) -> tuple[str, float]:
    """Language of a non-Latin run from its script and a few telltale letters."""
    if script == "thai":
        return "th", 1.0
    if script.startswith("cjk"):
        return ("ja", 0.95) if script.endswith("kana") else ("zh", 0.8)
    if script == "cyrl":
        if _has(run, "іїєґ"):
            return "uk", 0.9
        if _has(run, "ў"):
            return "be", 0.9
        if _has(run, "ђћџљњ"):
            return "sr", 0.9
        if _has(run, "ѓќѕ"):
            return "mk", 0.9
        if _has(run, "ыэё"):
            return "ru", 0.9
        return "ru", 0.6
    if script == "arab":
        if _has(run, "ٹڈڑںےھ"):
            return "ur", 0.85
        if _has(run, "پچژگکی"):
            return "fa", 0.8
        return "ar", 0.8
    lang = _SCRIPT_LANG.get(script)
    return (lang, 0.9) if lang else ("und", 0.0)


def _has(run: str, chars: str) -> bool:
    return any(c in chars for c in run)
