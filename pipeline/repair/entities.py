"""HTML entities in every form, and the remnants a broken decoder leaves.

Full entities (``&oacute;``, ``&#243;``, ``&#xF3;``, ``&nbsp;``) are decoded
here rather than by ftfy so that every one becomes a recorded edit. Broken
forms: no ``;`` (``&oacute``), no ``&`` (``oacute;``, only for distinctive
names), double-escaped (``&amp;oacute;``). Half-decoded remnants (``mó;dulo``,
``qué;``, ``¿;``, a line of NBSP + ``;``) keep the decoded letter and drop the
stray semicolon; whether a word-final ``qué;`` is damage or punctuation is
decided with the page-level evidence.
"""

from __future__ import annotations

import html
import re
from html.entities import html5

from pipeline.repair.base import (
    BARE_ENTITY_HINT_RE,
    ENTITY_CHARS,
    LATIN,
    OPENING_MARKS,
    THAI,
    Candidate,
    PageContext,
    overlaps,
    protected_spans,
)

ENTITY_RE = re.compile(
    r"&(?P<amps>(?:amp;)*)"
    r"(?:#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9A-Fa-f]{1,6})|(?P<name>[A-Za-z][A-Za-z0-9]{1,31}))"
    r"(?P<semi>;?)"
)

# Names whose bare form ("oacute;") is so distinctive that, without the "&",
# it can only be a damaged entity. Short or word-like names (amp, quot, not,
# reg, deg) are left alone: they occur in ordinary words.
_NOAMP_NAMES = (
    r"[A-Za-z](?:acute|grave|tilde|uml|circ|cedil|ring|slash)"
    r"|nbsp|iquest|iexcl|ordm|ordf|laquo|raquo|ldquo|rdquo|lsquo|rsquo|bdquo"
    r"|mdash|ndash|hellip|middot|euro|szlig|bull|trade"
)
NOAMP_RE = re.compile(rf"(?<![&A-Za-z#])(?P<pre>[{LATIN}]*?)(?P<name>{_NOAMP_NAMES});")

# Legacy names that HTML also accepts without ";" and that are safe to decode
# when glued to letters: only the distinctive ones (never "&not" in "&notice").
_LEGACY = frozenset(k for k in html5 if not k.endswith(";"))
_SAFE_PREFIX_RE = re.compile(rf"(?:{_NOAMP_NAMES})")

CLOSING_MARKS = "\u201d\u2019\u00bb"
HALF_RE = re.compile(rf"(?P<ch>[{ENTITY_CHARS}]);(?=(?P<next>[^;])|$)")
NBSP_LINE_RE = re.compile(r"^[ \t\u00a0]*\u00a0[ \t\u00a0]*;[ \t\u00a0;]*$")
_LATIN_CHAR_RE = re.compile(f"[{LATIN}0-9]")
_GLUED_RE = re.compile(f"[{LATIN}0-9{THAI}]")


def _decode_numeric(num: str) -> str | None:
    value = html.unescape(f"&#{num};")
    if value in ("\ufffd", "") or value.startswith("&"):
        return None
    return value


def entity_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    """Candidates for every complete or broken entity in ``line``."""
    if "&" not in line and not ctx.has_bare_entity:
        return []
    spans = protected_spans(line)
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    if "&" in line:
        for m in ENTITY_RE.finditer(line):
            cand = _entity(m, spans)
            if cand is not None:
                out.append(cand)
                taken.append((cand.start, cand.end))
    if ctx.has_bare_entity and ";" in line and BARE_ENTITY_HINT_RE.search(line):
        for m in NOAMP_RE.finditer(line):
            start = m.start("name")
            if overlaps(start, m.end(), spans) or overlaps(start, m.end(), taken):
                continue
            value = html5.get(m["name"] + ";")
            if value is None:
                continue
            glued = bool(m["pre"]) or bool(_LATIN_CHAR_RE.match(line, m.end()))
            conf = 0.9 if glued else 0.7 + 0.25 * ctx.damage
            out.append(Candidate(start, m.end(), value, "entity_no_ampersand", conf))
    out.sort(key=lambda c: c.start)
    return out


def _entity(m: re.Match[str], spans: list[tuple[int, int]]) -> Candidate | None:
    start, end = m.span()
    amps, semi = m["amps"], m["semi"]
    in_url = overlaps(start, end, spans)
    if m["dec"] is not None or m["hex"] is not None:
        if in_url:
            return None
        num = m["dec"] if m["dec"] is not None else "x" + m["hex"]
        value = _decode_numeric(num)
        if value is None:
            return None
        rule = "entity_double_escaped" if amps else "entity_numeric"
        return Candidate(start, end, value, rule, 0.95 if semi else 0.85)
    name = m["name"]
    if semi and name + ";" in html5:
        if in_url and not (name == "amp" and not amps):
            return None  # a URL keeps its characters; only "&amp;" is surely an escape
        rule = "entity_double_escaped" if amps else "entity"
        return Candidate(start, end, html5[name + ";"], rule, 0.97 if not amps else 0.95)
    if in_url:
        return None
    # No ";": HTML's legacy rule takes the longest known prefix ("&oacutedulo").
    # Only distinctive names are trusted, or a legacy name standing alone.
    for cut in range(len(name), 1, -1):
        prefix = name[:cut]
        if prefix not in _LEGACY:
            continue
        alone = cut == len(name) and not semi
        if not (alone or _SAFE_PREFIX_RE.fullmatch(prefix)):
            return None
        rule = "entity_double_escaped" if amps else "entity_no_semicolon"
        return Candidate(start, m.start("name") + cut, html5[prefix], rule, 0.9 if not amps else 0.85)
    return None


def remnant_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    """Stray semicolons after an entity's decoded character (``mó;dulo``, ``qué;``)."""
    if ";" not in line:
        return []
    if "\u00a0" in line and NBSP_LINE_RE.match(line):
        return [Candidate(0, len(line), "", "nbsp_line", 0.97)]
    spans = protected_spans(line)
    out: list[Candidate] = []
    for m in HALF_RE.finditer(line):
        ch, nxt = m["ch"], m["next"]
        start, end = m.start(), m.start() + 2
        if overlaps(start, end, spans):
            continue
        if ch in OPENING_MARKS or (nxt and _GLUED_RE.match(nxt)):
            # "mó;dulo", "¿;Qué", "ó;น": a ";" glued to what follows is never punctuation.
            conf = 0.97
        elif ch == "\u00a0" or ch.isalpha():
            # "qué; " / "permitirá; implantar": punctuation in a clean page,
            # damage in a page full of damage.
            conf = 0.15 + 0.8 * ctx.damage
        elif ch in CLOSING_MARKS:
            # '"sí"; después' is far more often punctuation: only a page that is
            # nearly all damage tips it.
            conf = 0.1 + 0.5 * ctx.damage
        else:
            continue
        out.append(Candidate(start, end, ch, "half_entity", conf))
    return out
