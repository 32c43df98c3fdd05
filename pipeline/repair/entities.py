"""HTML entities in every form, and the remnants a broken decoder leaves.

Every HTML5 named entity (``html.entities.html5``, letters or not) and every
numeric one (decimal, hex) is decoded here, rather than by ftfy, so that each
becomes a recorded edit, in every half-decoded form:

* complete: ``&oacute;`` ``&mdash;`` ``&#333;`` ``&#x2014;``;
* no ``;``: ``&oacute`` ``&mdash`` ``&#8212`` (HTML's legacy rule for the
  Latin-1 names glued to letters, ``&oacutedulo``; other names only where
  they end at a word boundary, or, from four letters up, as the longest name
  that starts the run);
* no ``&``: ``oacute;`` ``mdash;`` ``#8212;`` ``#x2014;``: a name that is
  also a common Spanish or English word (``para;`` ``copy;`` ``and;``) or is
  shorter than four letters is punctuation after a word unless the page shows
  overwhelming bare-entity damage, and never where the lost-letter rule reads
  the token (``pr;ximo`` is ``próximo``, not ``≺ximo``);
* double-escaped: ``&amp;oacute;`` ``&amp;#8212;`` ``&amp;amp;mdash;``;
* decoded but the ``;`` left (``X;``): ``mó;dulo`` ``qué;`` ``—;`` ``…;``
  ``°;`` ``n.°;`` ``«;`` ``€;`` ``ō;`` ``≂̸;``. A ``;`` glued to what follows,
  or after an opening mark, is never punctuation (0.97). After a word-final
  letter it is decided by the page evidence (:mod:`.evidence`); after a
  symbol that may end a clause (``3 €;``, ``25 °;``, ``»;``) too, with a lower
  base; after other symbols (dashes, ellipsis, arrows, math) a real ``;`` is
  so rare that the base is high. ASCII remnants are only taken where typed
  text never has them (``&;`` ``<;`` ``(;``); ``";`` ``);`` ``%;`` ``.;`` are
  punctuation.

Page evidence is :attr:`PageContext.damage` (:mod:`.evidence`) combined with
this module's own count of unambiguous entity damage (complete and bare
distinctive names, symbol remnants), see :func:`entity_damage`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import lru_cache
from html.entities import html5

from pipeline.repair.base import (
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
# Name -> decoded value, for every name HTML5 knows with a ";". A value holding a
# line break (&NewLine;) becomes a space: repair keeps the line count.
NAMES: dict[str, str] = {k[:-1]: v.replace("\n", " ") for k, v in html5.items() if k.endswith(";")}
# Legacy names that HTML also accepts without ";" (the Latin-1 set).
_LEGACY = frozenset(k for k in html5 if not k.endswith(";"))
# A bare name ("oacute;", "mdash;", "relacioacute;n"): a run of letters and
# digits before a ";", not after "&" or "#" (those are ENTITY_RE's).
# The run of letters and digits a bare name ends (found backwards from each ";",
# which is much faster than a forward scan for words: ";" is rare).
_TOK_TAIL_RE = re.compile(rf"[{LATIN}0-9]*[A-Za-z][A-Za-z0-9]*\Z")
_TOK_CHAR_RE = re.compile(f"[{LATIN}0-9]")
_TOK_CHARS = frozenset(chr(c) for c in range(0x250) if _TOK_CHAR_RE.match(chr(c)))
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_TOK_WINDOW = 64
BARE_NUMERIC_RE = re.compile(r"(?<!&)#(?:(?P<dec>[0-9]{2,7})|[xX](?P<hex>[0-9A-Fa-f]{2,6}));")
# Names of at least this many letters are distinctive enough to decode when
# they start a longer run (&mdashpalabra) or stand bare (mdash;).
MIN_DISTINCTIVE = 4
# Zipf frequency from which a name is an ordinary word ("para", "copy", "euro").
WORD_ZIPF_ES = 3.0
WORD_ZIPF_EN = 3.5
# A short bare name glued to a word this common ("la" + "leq;") is read as one.
WORD_ZIPF_PREFIX = 4.0

CLOSING_MARKS = "\u201d\u2019\u00bb"
# Symbols a real semicolon may follow ("3 €;", "25 °;", "1.ª;", "™;").
CLAUSE_END_SYMBOLS = frozenset(
    "\u20ac$\u00a3\u00a5\u00a2\u00b0\u00ba\u00aa\u00ae\u00a9\u2122\u00b2\u00b3\u00b9\u2030\u00b5"
)
# ASCII remnants no typed text holds; the others (";" after ")" "%" '"' ...) are punctuation.
ASCII_REMNANTS = frozenset("&<>([{*#@=+/\\^_|~`")
# Unicode spaces an entity decodes to (&emsp; &thinsp; &MediumSpace; ...), NBSP apart.
_SPACES = "\u2000-\u200a\u202f\u205f\u3000"
# Unicode spaces an entity decodes to (&emsp; &thinsp; &MediumSpace; ...), NBSP apart.
_SPACES = "\u2000-\u200a\u202f\u205f\u3000"
_MARKS = "\u0300-\u036f\u20d0-\u20ff\ufe00-\ufe0f"
HALF_RE = re.compile(
    rf"(?P<ch>[\u00a0{_SPACES}\u20d0-\u20ff]|[^\x00-\x7f\s{THAI}{_MARKS}]|[&<>(\[{{*#@=+/\\^_|~`])(?P<marks>[{_MARKS}]*);(?=(?P<next>[^;])|$)"
)
# HALF_RE on a line without combining marks (nearly every line): then the
# remnant is one character and its ";", and a scan anchored on the ";" literal
# (the character checked by a lookbehind) is ten times faster than trying the
# character classes at every position. Same matches, tested.
_HALF_NO_MARKS_RE = re.compile(
    rf";(?<=(?:[\u00a0{_SPACES}\u20d0-\u20ff]|[^\x00-\x7f\s{THAI}{_MARKS}]|[&<>(\[{{*#@=+/\\^_|~`]);)(?=(?P<next>[^;])|$)"
)
_MARK_RE = re.compile(f"[{_MARKS}]")
NBSP_LINE_RE = re.compile(r"^[ \t\u00a0]*\u00a0[ \t\u00a0]*;[ \t\u00a0;]*$")
_GLUED_RE = re.compile(f"[{LATIN}0-9]")
_LETTER_RE = re.compile(f"[{LATIN}]+")
# Unambiguous entity damage on a page, for entity_damage().
# Symbols ordinary text writes before a real ";" now and then: not evidence.
COMMON_SYMBOLS = (
    "\u2013\u2014\u2026\u2022\u00b7\u00ab\u00bb\u201c\u201d\u2018\u2019\u00b4\u00a8\u00b0\u00ba\u00aa"
    "\u20ac\u00a3\u00a5\u00a2$\u00a9\u00ae\u2122\u00a7\u00b6\u00d7\u00f7\u00b1\u00b2\u00b3\u00b9\u2030\u00b5\u00bd\u00bc\u00be"
)
_EVIDENCE_RE = re.compile(
    r"(?=[&#;])(?:&(?:amp;)*(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{2,7}|#[xX][0-9A-Fa-f]{2,6});"
    r"|(?<!&)#(?:[0-9]{3,7}|[xX][0-9A-Fa-f]{2,6});"
    # Anchored on the ";" (lookbehinds), so the scan jumps between semicolons.
    rf"|;(?<=[^\x00-\x7f{THAI}\W\d_];)(?=[{LATIN}])"
    rf"|;(?<=[^\x00-\x7f\w\s{THAI}{_MARKS}{COMMON_SYMBOLS}];)"
    rf"|;(?<=[^\x00-\x7f\w\s{THAI}{_MARKS}{COMMON_SYMBOLS}][{_MARKS}];))"
)
PRIOR = 1.5
_THAI_RE = re.compile(f"[{THAI}]")


def _decode_numeric(num: str) -> str | None:
    raw = f"&#{num};"
    value = html.unescape(raw)  # HTML's rules: &#150; is cp1252's "–", &#0; is U+FFFD
    if value in ("\ufffd", "", raw) or "\n" in value or "\r" in value:
        return None
    return value


@lru_cache(maxsize=4096)
def is_wordlike(name: str) -> bool:
    """Whether a bare ``name;`` may be a word before a real semicolon."""
    return len(name) < MIN_DISTINCTIVE or is_common_word(name)


@lru_cache(maxsize=4096)
def is_common_word(name: str) -> bool:
    """Whether ``name`` is an ordinary Spanish or English word ("para", "copy", "not")."""
    from pipeline.repair import lexicon
    from pipeline.wordlists import log10_frequencies

    if lexicon.zipf(name) >= WORD_ZIPF_ES:
        return True
    return log10_frequencies("en").get(name.lower(), -99.0) + 9.0 >= WORD_ZIPF_EN


def bare_tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, token)`` of every run of letters and digits ending in an ASCII
    letter or digit, followed by ``;`` (``end`` is after it) and not after ``&``
    or ``#`` (those are :data:`ENTITY_RE`'s): where a name that lost its ``&`` may be."""
    pos = text.find(";")
    while pos > 0:
        prev = text[pos - 1]
        if prev.isascii() and prev.isalnum():
            # What _TOK_TAIL_RE.search(text, lo, pos) finds, without its
            # quadratic retries: the run of letters and digits ending at pos
            # (from lo at most), when its ASCII tail holds a letter.
            lo = max(0, pos - _TOK_WINDOW)
            start = pos
            while start > lo and text[start - 1] in _TOK_CHARS:
                start -= 1
            ascii_tail = pos
            while ascii_tail > start and text[ascii_tail - 1] in _ASCII_ALNUM:
                ascii_tail -= 1
            if not text[ascii_tail:pos].isdigit():
                before = text[start - 1] if start else ""
                if before not in ("&", "#") and not (start == lo and before and _TOK_CHAR_RE.match(before)):
                    yield start, pos + 1, text[start:pos]
        pos = text.find(";", pos + 1)


def _bare_name(tok: str) -> str | None:
    """The longest entity name ending ``tok`` (the run before a ``;``)."""
    for cut in range(max(0, len(tok) - 32), len(tok) - 1):
        name = tok[cut:]
        if name in NAMES and name[0].isascii() and name[0].isalpha():
            return name
    return None


def entity_damage(ctx: PageContext) -> float:
    """The page's entity damage: the larger of :attr:`PageContext.damage` and
    this module's own count of unambiguous markers, ``m / (m + 1.5)``:

    * complete entities (``&mdash;``) and bare numeric ones (``#8212;``);
    * bare distinctive names (``mdash;``, ``relacioacute;n``);
    * a non-ASCII letter whose ``;`` is glued to the next letter (``palА;abra``);
    * the ``;`` remnant of a rare symbol (``∯;`` ``⇓;`` ``‡;``).

    The remnants of symbols ordinary text uses (``—;`` ``…;`` ``€;`` ``»;``)
    are not counted: they are what the evidence must decide, and a clean page
    may hold a few (``y luego —; o no``). Every marker goes away when it is
    repaired, so the score never rises on a second repair (idempotence).
    """
    cached: float | None = getattr(ctx, "_entity_damage", None)
    if cached is None:
        text = ctx.text
        markers = 0
        if ";" in text:
            markers += len(_EVIDENCE_RE.findall(text))
            for _, _, tok in bare_tokens(text):
                name = _bare_name(tok)
                if name is not None and not is_wordlike(name):
                    markers += 1
        cached = max(ctx.damage, markers / (markers + PRIOR) if markers else 0.0)
        object.__setattr__(ctx, "_entity_damage", cached)
    return cached


def _lost_letter_key(tok: str, line: str, end: int) -> bool:
    """Whether ``tok;`` and the letters after it are a lost-letter form (``pr;ximo``)."""
    from pipeline.repair import lexicon

    m = _LETTER_RE.match(line, end)
    return f"{tok};{m[0] if m else ''}".lower() in lexicon.lost_letter_index()


def entity_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    """Candidates for every complete or broken entity in ``line``."""
    has_amp = "&" in line
    has_semi = ";" in line
    if not has_amp and not has_semi:
        return []
    spans = protected_spans(line)
    out: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    if has_amp:
        for m in ENTITY_RE.finditer(line):
            cand = _entity(m, spans)
            if cand is not None:
                out.append(cand)
                taken.append((cand.start, cand.end))
    if has_semi:
        for cand in _bare_candidates(line, ctx, spans):
            if not overlaps(cand.start, cand.end, taken):
                out.append(cand)
    out.sort(key=lambda c: c.start)
    return out


def _bare_candidates(line: str, ctx: PageContext, spans: list[tuple[int, int]]) -> list[Candidate]:
    """Entities that lost their ``&``: ``oacute;`` ``relacioacute;n`` ``mdash;`` ``#8212;``."""
    out: list[Candidate] = []
    for _, end, tok in bare_tokens(line):
        name = _bare_name(tok)
        if name is None:
            continue
        start = end - len(name) - 1
        if overlaps(start, end, spans):
            continue
        glued_right = _GLUED_RE.match(line, end) is not None
        glued_left = len(name) < len(tok)
        if not is_wordlike(name):
            conf = 0.9 if glued_left or glued_right else 0.75 + 0.2 * entity_damage(ctx)
        else:
            from pipeline.repair import lexicon

            # A word before a real ";" ("para;", "compara;"), letters lost
            # around an entity ("pr;ximo"), a name ending a word ("Putin;"):
            # only a name inside a word or standing alone, and only in a page
            # of overwhelming damage.
            if lexicon.is_word(tok) or _lost_letter_key(tok, line, end):
                continue
            camel = glued_left and name[0].isupper() and tok[-len(name) - 1].islower()
            long_left = glued_left and len(name) >= MIN_DISTINCTIVE
            # "laleq;", "Agronomíageq;": a common word, then a short name.
            after_word = glued_left and lexicon.zipf(tok[: -len(name)]) >= WORD_ZIPF_PREFIX
            if glued_left != glued_right and not (camel or long_left or after_word):
                conf = 0.3  # shown to a reviewer, never applied
            else:
                conf = 0.1 + 0.6 * entity_damage(ctx)
        out.append(Candidate(start, end, NAMES[name], "entity_no_ampersand", conf))
    if "#" in line:
        for m in BARE_NUMERIC_RE.finditer(line):
            if overlaps(m.start(), m.end(), spans):
                continue
            value = _decode_numeric(m["dec"] if m["dec"] is not None else "x" + m["hex"])
            if value is None:
                continue
            # "#12;" may be a number before a real ";": only hex and non-ASCII
            # values are sure; ASCII punctuation needs the page's evidence.
            glued = m.start() > 0 and line[m.start() - 1].isalnum()
            if m["hex"] is not None or (ord(value[0]) >= 0xA0 and not (glued and len(m["dec"]) < 3)):
                conf = 0.9
            elif value.isascii() and not value.isalnum() and not value.isspace():
                conf = 0.1 + 0.6 * entity_damage(ctx)
            else:
                continue
            out.append(Candidate(m.start(), m.end(), value, "entity_no_ampersand", conf))
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
    if semi and name in NAMES:
        if in_url and not (name == "amp" and not amps):
            return None  # a URL keeps its characters; only "&amp;" is surely an escape
        rule = "entity_double_escaped" if amps else "entity"
        return Candidate(start, end, NAMES[name], rule, 0.97 if not amps else 0.95)
    if in_url:
        return None
    rule = "entity_double_escaped" if amps else "entity_no_semicolon"
    conf = 0.9 if not amps else 0.85
    # No ";": HTML's legacy rule takes the longest known prefix ("&oacutedulo").
    # Only distinctive names are trusted, or a legacy name standing alone.
    for cut in range(len(name), 1, -1):
        prefix = name[:cut]
        if prefix not in _LEGACY:
            continue
        alone = cut == len(name) and not semi
        if alone or not is_wordlike(prefix) or _DISTINCTIVE_LEGACY_RE.fullmatch(prefix):
            return Candidate(start, m.start("name") + cut, html5[prefix], rule, conf)
        break
    if semi:
        return None
    # Any other name: whole at a word boundary ("&mdash "), or the longest
    # distinctive name starting a longer run ("&mdashpalabra").
    if name in NAMES:
        return Candidate(start, end, NAMES[name], rule, conf)
    for cut in range(len(name) - 1, 1, -1):
        prefix = name[:cut]
        if prefix not in NAMES:
            continue
        if not is_wordlike(prefix):
            return Candidate(start, m.start("name") + cut, NAMES[prefix], rule, conf - 0.1)
        # A short or word-like name glued to letters after an "&" ("un&Dfros",
        # "e&alphallo", "C&ufriudad"): not where the "&" joins capitals, as
        # in a company's name ("AT&Tabla", "R&Dlab").
        before = line_char_before(m)
        # Legacy names that are words ("&notice", "&copyright") were decided above.
        acronym = before.isupper() and prefix[0].isupper()
        if not acronym and prefix not in _LEGACY:
            return Candidate(start, m.start("name") + cut, NAMES[prefix], rule, 0.6)
        return None
    return None


def line_char_before(m: re.Match[str]) -> str:
    start = m.start()
    return m.string[start - 1] if start else ""


# Legacy names that are words ("not", "copy", "reg", "deg") but distinctive as
# letters with accents: the accent suffixes and a few symbols.
_DISTINCTIVE_LEGACY_RE = re.compile(
    r"[A-Za-z](?:acute|grave|tilde|uml|circ|cedil|ring|slash)|nbsp|iquest|iexcl|ordm|ordf|laquo|raquo|middot|szlig"
)


def remnant_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    """Stray semicolons after an entity's decoded character (``mó;dulo``, ``qué;``, ``—;``)."""
    if ";" not in line:
        return []
    if "\u00a0" in line and NBSP_LINE_RE.match(line):
        return [Candidate(0, len(line), "", "nbsp_line", 0.97)]
    spans = protected_spans(line)
    out: list[Candidate] = []
    for start, end, ch, marks, nxt in _half_remnants(line):
        if overlaps(start, end, spans):
            continue
        glued = nxt is not None and _GLUED_RE.match(nxt) is not None
        if ch.isascii():
            if ch == "&":
                conf = 0.9
            elif ch in ASCII_REMNANTS:
                conf = 0.45 + 0.5 * entity_damage(ctx)
            else:
                continue
        elif ch in OPENING_MARKS or glued or (nxt and _THAI_RE.match(nxt)):
            # "mó;dulo", "¿;Qué", "ó;น": a ";" glued to what follows is never punctuation.
            conf = 0.97
        elif ch == "\u00a0":
            conf = 0.15 + 0.8 * entity_damage(ctx)
        elif ch.isalpha():
            # "qué; " / "permitirá; implantar": punctuation in a clean page,
            # damage in a page full of damage.
            conf = 0.15 + 0.8 * ctx.damage
        elif ch in CLOSING_MARKS:
            # '"sí"; después' is far more often punctuation: only a page that is
            # nearly all damage tips it.
            conf = 0.1 + 0.5 * entity_damage(ctx)
        elif ch in CLAUSE_END_SYMBOLS:
            conf = 0.3 + 0.6 * entity_damage(ctx)
        else:
            # "—;", "…;", "→;": a real ";" after such a symbol is rare, but
            # not unheard of ("y luego —; o no"): any damage on the page decides.
            conf = 0.45 + 0.5 * entity_damage(ctx)
        out.append(Candidate(start, end, ch + marks, "half_entity", conf))
    return out


def _half_remnants(line: str) -> Iterator[tuple[int, int, str, str, str | None]]:
    """``(start, end, ch, marks, next)`` of every :data:`HALF_RE` match of ``line``."""
    if _MARK_RE.search(line) is None:
        for m in _HALF_NO_MARKS_RE.finditer(line):
            start = m.start() - 1
            yield start, m.end(), line[start], "", m["next"]
        return
    for m in HALF_RE.finditer(line):
        yield m.start(), m.end(), m["ch"], m["marks"], m["next"]
