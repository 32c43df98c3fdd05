"""Control and invisible characters, removed (or replaced) as recorded edits.

Scraped text carries characters that no reader sees but every tool treats
differently: a terminal runs ANSI/OSC escape sequences, a Markdown renderer
passes C0 controls into the HTML, an XML writer (TMX) turns them into U+FFFD
without a word, bidi overrides reorder what a reviewer reads (Trojan Source).
Repair drops them once, each as an edit, so every output agrees and no text
is lost silently.

What goes and what stays:

* ANSI CSI (``ESC [ ... m``), OSC (``ESC ] ... BEL`` / ``ESC ] ... ESC \\``)
  and two-character escape sequences: dropped whole (``terminal_escape``).
* C0 controls except TAB and LF (and CR, which decoding has already turned
  into LF), DEL, C1 controls left after the mojibake pass (that pass reads the
  ones that are cp1252 punctuation first), BOM inside the text, Unicode
  noncharacters (U+FFFE, U+FFFF, U+FDD0-U+FDEF, ...), interlinear annotation
  marks and U+FFFC, deprecated format controls U+206A-U+206F: dropped. VT and
  FF become a space when they sit between two visible characters (they
  separate words; a line never breaks there: repair keeps the line count).
* Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
  dropped; the marks LRM/RLM/ALM stay (they are how RTL text is written).
* Zero-width space and word joiner: kept between two letters of scripts
  written without spaces (Thai, Lao, Khmer, Myanmar, CJK, ...: there they are
  line-break hints), dropped elsewhere. ZWNJ/ZWJ: kept between two
  characters that are neither Latin/ASCII nor space (Indic and Persian
  shaping, emoji sequences), dropped next to Latin letters, spaces or a line
  edge, where they mean nothing.
* A lone surrogate (only a library caller can pass one) becomes U+FFFD: it
  cannot be written as UTF-8 at all.
"""

from __future__ import annotations

import re
from html.entities import html5

from pipeline.repair.base import LATIN, Candidate, PageContext

# CSI: ESC [ params intermediates final; OSC/DCS/APC/PM/SOS strings: ESC ] ... up to
# BEL, ESC \ or the line end; any other: ESC, intermediates, one final character.
_ESCAPE = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[P\]X^_][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[ -/]*[0-~]"
_BMP_NONCHARS = "\ufdd0-\ufdef\ufffe\uffff"
_ASTRAL_NONCHARS = "".join(f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17))
_NONCHARS = _BMP_NONCHARS + _ASTRAL_NONCHARS
# Every character this pass may touch; ESC is in the C0 range.
_DROP = (
    "\x00-\x08\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u206f\ufeff\ufff9-\ufffc"
    "\u2061-\u2064" + _NONCHARS + "\ud800-\udfff"
)
_CONTEXTUAL = "\x0b\x0c\u200b\u200c\u200d\u2060"
CONTROL_RE = re.compile(f"[{_DROP}{_CONTEXTUAL}]")
# The same test in two small classes (the one above, with its astral
# noncharacters, scans text three times slower): what every page pays.
_BMP_RE = re.compile(f"[{_DROP.replace(_ASTRAL_NONCHARS, '')}{_CONTEXTUAL}]")
_ASTRAL_RE = re.compile(f"[{_ASTRAL_NONCHARS}]")
_ASTRAL_ANY_RE = re.compile("[\U00010000-\U0010ffff]")  # one range: fast
_TOKEN_RE = re.compile(f"{_ESCAPE}|[{_DROP}]|[{_CONTEXTUAL}]+")
# Scripts written without spaces between words, where ZWSP is a break hint.
_NO_SPACE_SCRIPT = re.compile(
    "[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0f00-\u0fff]"
)
_ENTITY_VALUES = frozenset(v for v in html5.values() if len(v) == 1)
_LATIN_OR_SPACE = re.compile(f"[\\x00-\\x7f{LATIN}\\s\u00a0]")
_VISIBLE = re.compile(r"[^\s\u00a0]")


def line_has_controls(line: str) -> bool:
    # Every character this pass may touch but U+FFFC is one str.isprintable()
    # refuses (controls, format characters, surrogates, noncharacters): a
    # printable line without U+FFFC has none. One C loop, four times faster
    # than the class scans below, which only run on lines holding a tab, an
    # NBSP or the like (a test checks the claim over every code point).
    if line.isprintable() and "\ufffc" not in line:
        return False
    if _BMP_RE.search(line) is not None:
        return True
    return _ASTRAL_ANY_RE.search(line) is not None and _ASTRAL_RE.search(line) is not None


def page_has_controls(text: str) -> bool:
    return line_has_controls(text)


def _keep_joiner(ch: str, prev: str, nxt: str) -> bool:
    """Whether a zero-width (non-)joiner or space between ``prev`` and ``nxt`` means something."""
    if not prev or not nxt:
        return False
    if ch in "\u200b\u2060":
        return _NO_SPACE_SCRIPT.match(prev) is not None and _NO_SPACE_SCRIPT.match(nxt) is not None
    return _LATIN_OR_SPACE.match(prev) is None and _LATIN_OR_SPACE.match(nxt) is None


def control_candidates(line: str, ctx: PageContext | None = None) -> list[Candidate]:
    """Edits dropping (or replacing) every control or invisible character that means nothing here."""
    if not line_has_controls(line):
        return []
    out: list[Candidate] = []
    for m in _TOKEN_RE.finditer(line):
        start, end = m.span()
        token = m[0]
        first = token[0]
        if first == "\x1b" and len(token) > 1:
            out.append(Candidate(start, end, "", "terminal_escape", 0.97))
            continue
        if "\ud800" <= first <= "\udfff":
            out.append(Candidate(start, end, "\ufffd", "control", 0.97))
            continue
        nxt = line[end] if end < len(line) else ""
        if nxt == ";" and len(token) == 1 and token in _ENTITY_VALUES:
            # "\u200b;": an entity (&ZeroWidthSpace;) decoded with its ";" left;
            # nobody types an invisible character before a semicolon.
            out.append(Candidate(start, end + 1, "", "half_entity", 0.9))
            continue
        if first not in _CONTEXTUAL:
            out.append(Candidate(start, end, "", "control", 0.97))
            continue
        prev = line[start - 1] if start else ""
        if "\x0b" in token or "\x0c" in token:
            between = bool(prev) and bool(nxt) and _VISIBLE.match(prev) is not None and _VISIBLE.match(nxt) is not None
            out.append(Candidate(start, end, " " if between else "", "control", 0.97))
            continue
        if len(token) == 1 and _keep_joiner(token, prev, nxt):
            continue
        out.append(Candidate(start, end, "", "control", 0.95))
    return out


def without_controls(text: str) -> str:
    """``text`` as the later passes see it once this pass has run on every line.

    Page-level evidence (:class:`~pipeline.repair.base.PageContext`) is read
    from this on a page with controls: a control between a symbol and its
    ``;`` (``¤\\x1f;``) hides an entity remnant from the evidence until the
    control is gone, and evidence read from the raw page then differs from a
    second repair's (not idempotent).
    """
    out = []
    for line in text.split("\n"):
        pieces: list[str] = []
        last = 0
        for c in sorted(control_candidates(line)):
            if c.start >= last:
                pieces += (line[last : c.start], c.after)
                last = c.end
        pieces.append(line[last:])
        out.append("".join(pieces))
    return "\n".join(out)
