"""Mojibake and ftfy's other text fixes, as recorded edits.

ftfy decides with a whole line of context: which encoding was used wrongly
(cp1252, latin-1, cp1251, cp1250, cp1253/4/7, ISO-8859-2, MacRoman, cp437,
several layers deep), whether an ``Ã`` before a space is an ``à`` whose NBSP
was lost, whether a C1 control is cp1252 punctuation, and whether a line that
merely *looks* broken (``DrÃ¥ber``) is safer left alone. Giving it single
tokens (as this module once did) lost all of that, so each line that may hold
damage is given to ``ftfy.fix_text`` whole, with a configuration that fixes
encodings, C1 controls, surrogates, Latin ligatures and character widths, and
nothing else: quotes stay curly, HTML is left to :mod:`.entities` (an edit per
entity), escape sequences and control characters to :mod:`.controls`, line
breaks and the normal form of clean text are kept.

The fixed line is aligned with the input (``difflib``) into minimal edits
(``Ã³`` -> ``ó``) for the log. Ligature and width fixes are told apart from
mojibake by rule (``typography``), since they change text that was never
broken by a decoder.

Speed: a line is only given to ftfy when it holds a pair that a UTF-8 lead
byte followed by a continuation byte decodes to in one of ftfy's encodings
(or a C1 control, a ligature, a fullwidth form, a surrogate): one regex scan
of the page skips clean Spanish, English and Thai outright.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache
from itertools import zip_longest
from typing import Any

from pipeline.repair.base import Candidate, PageContext

# The encodings ftfy tries (ftfy.chardata.CHARMAP_ENCODINGS) plus latin-1.
_ENCODINGS = (
    "latin-1",
    "cp1252",
    "cp1251",
    "cp1250",
    "cp1253",
    "cp1254",
    "cp1257",
    "iso-8859-2",
    "mac-roman",
    "cp437",
)


def _decoded(lo: int, hi: int) -> str:
    chars: set[str] = set()
    for enc in _ENCODINGS:
        for b in range(lo, hi + 1):
            try:
                chars.add(bytes([b]).decode(enc))
            except UnicodeDecodeError:
                continue
    # C1 stand-ins: ftfy's "sloppy" codecs decode undefined bytes to C1 controls.
    chars.update(chr(c) for c in range(0x80, 0xA0))
    return "".join(sorted(chars))


def _class(chars: str) -> str:
    return "".join(re.escape(ch) for ch in chars)


# A UTF-8 sequence read in a single-byte encoding: a lead (of a 2-, 3- or
# 4-byte sequence) followed by as many continuations. Lengths are kept apart:
# "ñí" in "compañía" is a 4-byte lead and one continuation, not mojibake.
_LEAD2 = _class(_decoded(0xC2, 0xDF))
_LEAD3 = _class(_decoded(0xE0, 0xEF))
_LEAD4 = _class(_decoded(0xF0, 0xF4))
# Continuations, plus U+FFFD (a lossy decoder replaced one).
_CONT = "[" + _class(_decoded(0x80, 0xBF) + "\ufffd") + "]"
_TYPOGRAPHY = "\u0132\u0133\u0149\u01c4-\u01cc\u01f1-\u01f3\ufb00-\ufb06\u3000\uff01-\uffef"
# The lookahead on every first character lets the scan skip most positions with
# one class test instead of trying each alternative (three times faster).
_FIRST = f"{_LEAD2}{_LEAD3}{_LEAD4}\x80-\x9f{_TYPOGRAPHY}\ud800-\udfff"
HINT_RE = re.compile(
    f"(?=[{_FIRST}])(?:"
    f"[{_LEAD2}](?:{_CONT}| )"  # with a space: an NBSP lost ("Ã perturber" is "à perturber")
    f"|[{_LEAD3}]{_CONT}{{2}}|[{_LEAD4}]{_CONT}{{3}}"
    f"|[\x80-\x9f{_TYPOGRAPHY}\ud800-\udfff])"
)
_TYPOGRAPHY_RE = re.compile(f"[{_TYPOGRAPHY}]")
# Beyond this many changed characters a gap is logged as one edit: difflib is
# quadratic and a line of solid Cyrillic mojibake changes all of it.
_MAX_ALIGN = 64
_ANCHOR_RE = re.compile(r"[A-Za-z0-9]+")
_RUNS_RE = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


@lru_cache(maxsize=1)
def _ftfy() -> tuple[Any, Any]:
    import ftfy  # lazy: only pages with mojibake pay for it

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=True,
        replace_lossy_sequences=True,
        decode_inconsistent_utf8=True,
        fix_c1_controls=True,
        fix_latin_ligatures=True,
        fix_character_width=True,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=True,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    return ftfy.fix_text, config


@lru_cache(maxsize=1)
def _ftfy_steps() -> Callable[[str], str] | None:
    """ftfy's fix of one segment under the configuration above, with fewer scans.

    ``ftfy.fix_and_explain`` repeats (fix_encoding, then the fixers) until a
    round changes nothing, so a line with mojibake costs two rounds, each with
    a full badness scan of the fixed line, and every round translates the whole
    line twice (ligatures, widths). This is the same loop, stopped one round
    early when it is already decided: when the fixers changed nothing after
    ``fix_encoding``, whose result is a fixed point of its own steps, the next
    round would give the same text again. The translations are skipped on a
    line holding none of their characters (they would be identities). Only
    ftfy's public functions are called, in ftfy's order; a test checks the
    result equals ``fix_text`` on ftfy's own cases and the damage corpus. Any
    ftfy but major version 6 gets ``fix_text`` itself (None here).
    """
    import ftfy
    from ftfy import fixes

    if not str(getattr(ftfy, "__version__", "")).startswith("6."):
        return None
    fix_encoding = ftfy.fix_encoding
    fix_c1 = fixes.fix_c1_controls
    fix_surrogates = fixes.fix_surrogates
    ligatures, widths = fixes.LIGATURES, fixes.WIDTH_MAP
    has_ligature = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(ligatures)) + "]").search
    has_wide = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(widths)) + "]").search

    def fix(text: str) -> str:
        while True:
            orig = text
            encoded = text = fix_encoding(text)
            text = fix_c1(text)
            if has_ligature(text):
                text = text.translate(ligatures)
            if has_wide(text):
                text = text.translate(widths)
            text = fix_surrogates(text)
            if text == orig or text == encoded:
                return text

    return fix


def _fix_text(line: str) -> str:
    """``fix_text(line, config)``: the fast loop for what is one ftfy segment
    (no line break, not longer than the length ftfy cuts segments at)."""
    fix_text, config = _ftfy()
    fast = _ftfy_steps()
    if fast is None or not line or len(line) > config.max_decode_length or "\n" in line:
        return str(fix_text(line, config))
    return fast(line)


def page_has_mojibake(text: str) -> bool:
    """Whether any line of the page may need ftfy (a cheap over-estimate)."""
    return not text.isascii() and HINT_RE.search(text) is not None


def line_has_mojibake(line: str) -> bool:
    return not line.isascii() and HINT_RE.search(line) is not None


# Lines ftfy has already been asked about (and their fixes, which are stable):
# the driver asks again after every round of edits on a line. Bounded in
# entries and in characters held, and a long line is never kept (it is asked
# about a few times at most, and keeping it and its fix alive in a worker
# after its lesson is done cost several times the lesson), so a huge input
# cannot grow it without limit.
_KNOWN: dict[str, str] = {}
_KNOWN_MAX = 4096
_KNOWN_LINE_MAX = 4096  # characters; longer lines go to ftfy uncached
_KNOWN_CHARS_MAX = 1_000_000  # characters held in keys and values together
_known_size = 0


def _known_chars() -> int:
    """Characters the cache holds now (keys and values)."""
    return _known_size


def fix_line(line: str) -> str:
    """ftfy's fix of one line (the configuration above)."""
    global _known_size
    hit = _KNOWN.get(line)
    if hit is not None:
        return hit
    # ftfy repeats its fixes on a segment until nothing changes: one call is stable.
    fixed = _fix_text(line)
    if len(line) > _KNOWN_LINE_MAX or len(fixed) > _KNOWN_LINE_MAX:
        return fixed
    size = len(line) + (len(fixed) if fixed != line else 0)
    if len(_KNOWN) + 2 > _KNOWN_MAX or _known_size + size > _KNOWN_CHARS_MAX:
        _KNOWN.clear()
        _known_size = 0
    _KNOWN[line] = fixed
    _KNOWN[fixed] = fixed
    _known_size += size
    return fixed


def mojibake_candidates(line: str, ctx: PageContext | None = None) -> list[Candidate]:
    if not line_has_mojibake(line):
        return []
    fixed = fix_line(line)
    if fixed == line:
        return []
    return _kept(line, _aligned(line, fixed))


def _kept(line: str, aligned: list[Candidate]) -> list[Candidate]:
    # A ligature with a ";" after it ("ﬁ;") is a half-decoded entity (&filig;):
    # the remnant pass takes the ";" first, the next round writes it out.
    return [c for c in aligned if not (c.rule == "typography" and line[c.end : c.end + 1] == ";")]


def as_fixed(line: str) -> str:
    """``line`` as the mojibake pass leaves it: what the later passes of the first round read.

    A line too long for the cache is returned as it is: ftfy would run on it
    twice (here, then in the pass), the costliest step of its repair, and the
    fixed copy would be held through the whole repair of its page.
    """
    if len(line) > _KNOWN_LINE_MAX or not line_has_mojibake(line):
        return line
    fixed = fix_line(line)
    if fixed == line or ";" not in line:
        return fixed  # the pass's edits give ftfy's fix whole, unless it kept a ligature before a ";"
    aligned = _aligned(line, fixed)
    cands = _kept(line, aligned)
    if len(cands) == len(aligned):
        return fixed
    parts: list[str] = []
    last = 0
    for c in cands:  # left to right, disjoint
        parts.append(line[last : c.start])
        parts.append(c.after)
        last = c.end
    parts.append(line[last:])
    return "".join(parts)


def _aligned(line: str, fixed: str) -> list[Candidate]:
    """Minimal edits turning ``line`` into ``fixed``, in linear time.

    ftfy never removes or changes an ASCII letter or digit of its input (it
    rewrites non-ASCII sequences, and at most the space an NBSP became), so
    the input's runs of ASCII letters and digits are found again, in order, in
    the fix: they anchor the alignment, and each gap between two anchors is one
    change, refined character by character when it is short. (A general diff
    such as difflib's is quadratic on a long line of repeated words.)
    """
    quick = _anchored(line, fixed, 0)
    if quick is not None:
        return quick
    out: list[Candidate] = []
    i = j = 0  # positions in line and fixed after the last anchor
    for m in _ANCHOR_RE.finditer(line):
        k = fixed.find(m[0], j)
        if k < 0:
            break  # cannot happen with ftfy's fixes; the rest becomes one gap
        out += _gap(line, i, m.start(), fixed[j:k])
        i, j = m.end(), k + len(m[0])
    out += _gap(line, i, len(line), fixed[j:])
    return out


def _gap(line: str, start: int, end: int, new: str) -> list[Candidate]:
    """Edits turning ``line[start:end]`` into ``new`` (a short stretch between anchors)."""
    old = line[start:end]
    if old == new:
        return []
    a = 0
    n = min(len(old), len(new))
    while a < n and old[a] == new[a]:
        a += 1
    b = 0
    while b < n - a and old[-1 - b] == new[-1 - b]:
        b += 1
    old, new = old[a : len(old) - b], new[a : len(new) - b]
    base = start + a
    quick = _anchored(old, new, base)
    if quick is not None:
        return quick
    if len(old) + len(new) > _MAX_ALIGN:
        return [_candidate(base, base + len(old), old, new)]
    chars = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        _candidate(base + c1, base + c2, old[c1:c2], new[d1:d2])
        for cop, c1, c2, d1, d2 in chars.get_opcodes()
        if cop != "equal"
    ]


def _anchored(old: str, new: str, base: int) -> list[Candidate] | None:
    """Edits pairing the non-ASCII runs of ``old`` and ``new`` when their ASCII
    runs are the same: mojibake only rewrites bytes >= 0x80, so this is the
    common case, in linear time. None when the ASCII skeletons differ.

    The runs of both strings are walked together, never listed: on a one-line
    page of megabytes, two lists of every run were the repair's peak memory."""
    out = []
    pos = base
    for mo, mn in zip_longest(_RUNS_RE.finditer(old), _RUNS_RE.finditer(new)):
        if mo is None or mn is None:
            return None  # not as many runs
        o, n = mo[0], mn[0]
        if o[0].isascii() != n[0].isascii() or (o[0].isascii() and o != n):
            return None
        if o != n:
            a = 0
            while a < min(len(o), len(n)) - 1 and o[a] == n[a]:
                a += 1
            b = 0
            while b < min(len(o), len(n)) - a - 1 and o[-1 - b] == n[-1 - b]:
                b += 1
            out.append(_candidate(pos + a, pos + len(o) - b, o[a : len(o) - b], n[a : len(n) - b]))
        pos += len(o)
    return out


def _candidate(start: int, end: int, old: str, new: str) -> Candidate:
    rule = "typography" if old and not _TYPOGRAPHY_RE.sub("", old) else "mojibake"
    return Candidate(start, end, new, rule, 0.95)
