"""Sentence splitting by rules: fast (regex only, no model) and language-aware enough
for Spanish, English and Thai lesson text.

Used by :mod:`pipeline.langid` (each Latin run is classified sentence by sentence)
and by the translation engine (one sentence per MT request; over-long ones are cut
with :func:`split_long`).

Rules, and why:

* A line break always ends a sentence: scraped headings, list items and table rows
  carry no final punctuation.
* ``.``, ``!``, ``?``, ``…`` (plus closing quotes/brackets) followed by whitespace end a
  sentence, except when the next word starts with a lower-case letter (``aprox. el``,
  ``¿qué? —dijo``, ``etc. y más``: a real new sentence starts with a capital in es/en),
  after a title or a fixed abbreviation that is always followed by more of the same
  sentence (``Sr. Pérez``, ``p. ej. Ventas``, ``e.g. Customers``), after a single letter
  (initials, ``p.``) and after a short abbreviation followed by a number (``pág. 5``).
  Decimals (``3.5``) and URLs (``www.x.com/a.b``) have no space after the dot, so they
  never split.
* CJK full stops (``。！？``) end a sentence even without a following space.
* Thai has no sentence punctuation: a space between two Thai clauses ends a sentence,
  and so does a space where Thai text meets another script (either direction), since
  the two sides are different languages and are classified/translated apart.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["split_long", "split_sentences"]

_THAI = "\u0e00-\u0e7f"

# Terminator(s), optional closing quotes/brackets, then the whitespace that may end a sentence.
_END = re.compile(r"[.!?…؟।۔]+[\"'”’»)\]]*(\s+)")
_CJK_END = re.compile(r"[。！？]+[」』）\"'”’]*()")
_NEWLINE = re.compile(r"\s*\n\s*")
_SPACE = re.compile(r"\s+")
_HAS_THAI = re.compile(f"[{_THAI}]")
# A dot directly followed by a Thai letter ("asunto.ต้อง"): scraped text often drops that space.
_DOT_THAI = re.compile(f"(?<=[^\\s{_THAI}][.!?])()(?=[{_THAI}])")
_LAST_TOKEN = re.compile(r"(\S+)$")

# Abbreviations that are always followed by more of the same sentence, even before a
# capital letter (titles before names; "for example" before the example). Lower case,
# without the final dot.
_NO_SPLIT = frozenset(
    (  # noqa: SIM905
        "sr sra srta sres dr dra dres mr mrs ms messrs prof profa ing lic arq mtro mtra st mt "
        "ej ejs e.g i.e p.ej vs cf approx aprox fig figs pág págs pag pp vol caps núm nº tel apdo avda"
    ).split()
)
# Abbreviations that only stay joined before a number ("No. 5", "pág. 12").
_MAX_NUMBERED_ABBR = 4
_OPENERS = "\"'“‘«([¿¡"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges ``(start, end)`` of the sentences of ``text``, in order.

    The ranges are stripped of surrounding whitespace, never empty, never overlap,
    and together cover every non-space character of ``text``.

    >>> t = "Hola, Sr. Pérez. ¿Cómo está? Bien."
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Hola, Sr. Pérez.', '¿Cómo está?', 'Bien.']
    """
    if not text or text.isspace():
        return []
    gaps: list[tuple[int, int]] = []
    gaps.extend(m.span() for m in _NEWLINE.finditer(text))
    for m in _END.finditer(text):
        if _ends_sentence(text, m.start(), m.end(1)):
            gaps.append(m.span(1))
    gaps.extend(m.span(1) for m in _CJK_END.finditer(text))
    if _HAS_THAI.search(text):
        gaps.extend(_thai_gaps(text))
        gaps.extend(m.span(1) for m in _DOT_THAI.finditer(text))
    return _pieces(text, gaps)


def _ends_sentence(text: str, term_start: int, next_start: int) -> bool:
    """Whether the terminator at ``term_start`` (next word at ``next_start``) ends a sentence."""
    if next_start >= len(text):
        return True
    nxt = text[next_start]
    while nxt in _OPENERS and next_start + 1 < len(text):
        next_start += 1
        nxt = text[next_start]
    if nxt.islower():
        return False
    if text[term_start] != ".":
        return True
    m = _LAST_TOKEN.search(text, max(0, term_start - 40), term_start)
    if not m:
        return True
    word = m.group(1).lstrip(_OPENERS).lower()
    if not word:
        return True
    if word in _NO_SPLIT or word.replace(".", "") in _NO_SPLIT and "." in word:
        return False
    letters = word.replace(".", "")
    if len(letters) == 1 and letters.isalpha():
        return False  # an initial ("J. Smith") or "p." / "e.g." spelled with spaces
    if "." in word and all(len(p) <= 2 and p.isalpha() for p in word.split(".")):
        return False  # dotted acronyms: "a.m.", "EE.UU.", "S.A."
    if nxt.isdigit() and word.isalpha() and len(word) <= _MAX_NUMBERED_ABBR:
        return not _is_common_word(word)
    return True


def _is_common_word(word: str) -> bool:
    """Short words that end sentences before a number ("Son las cinco. 10 personas ...")."""
    return word in {"no", "es", "son", "fue", "más", "mas", "año", "años", "día", "this", "that", "it", "is", "was"}


def _thai_gaps(text: str) -> list[tuple[int, int]]:
    """Whitespace that separates a Thai clause from the next clause (Thai or another script).

    The token before the space must end in a letter (optionally followed by punctuation)
    and the token after it must start with a letter (optionally after an opener), with at
    least one of the two letters Thai: "รายได้ 10% ของ" stays one sentence.
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    for m in _SPACE.finditer(text):
        i, j = m.span()
        if i == 0 or j >= n:
            continue
        before = _letter_before(text, i)
        after = _letter_after(text, j)
        if before is None or after is None:
            continue
        if _is_thai(before) or _is_thai(after):
            out.append((i, j))
    return out


def _letter_before(text: str, i: int) -> str | None:
    """The letter ending the token before position ``i``, skipping trailing punctuation."""
    k = i - 1
    while k >= 0 and i - k <= 4 and not text[k].isspace():
        ch = text[k]
        if ch.isalpha() or unicodedata.category(ch).startswith("M"):
            return ch
        if ch.isdigit():
            return None
        k -= 1
    return None


def _letter_after(text: str, j: int) -> str | None:
    """The letter starting the token at ``j``, skipping opening punctuation."""
    k = j
    n = len(text)
    while k < n and k - j <= 3 and not text[k].isspace():
        ch = text[k]
        if ch.isalpha():
            return ch
        if ch.isdigit() or ch not in _OPENERS:
            return None
        k += 1
    return None


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


def _pieces(text: str, gaps: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stripped, non-empty ranges of ``text`` between the given gaps."""
    out: list[tuple[int, int]] = []
    pos = 0
    for a, b in sorted(gaps):
        if a < pos:  # overlapping gaps (a newline inside a sentence-end space)
            pos = max(pos, b)
            continue
        _add_stripped(text, pos, a, out)
        pos = b
    _add_stripped(text, pos, len(text), out)
    return out


def _add_stripped(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((a, b))


# --- cutting over-long sentences --------------------------------------------------------

# Clause boundaries, best first; group 1 ends the piece before the cut.
_CLAUSE_MARKS: tuple[re.Pattern[str], ...] = (
    re.compile(r"([;؛])\s"),
    re.compile(r"([—–])"),
    re.compile(r"(:)\s"),
    re.compile(r"([,،、])\s"),
    re.compile(r"()\s"),
)


def split_long(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text`` into ranges of at most ``max_chars`` characters at clause boundaries.

    Machine translation models truncate or degrade on very long inputs, so a long
    sentence is cut at the best boundary inside each window: ``;`` first, then dashes,
    ``:``, ``,`` and finally any space; text with no boundary at all (a long Thai clause,
    a URL) is cut hard, never inside a combining sequence. Ranges are stripped, in order,
    and cover every non-space character.

    >>> t = "uno, dos; tres cuatro"
    >>> [t[a:b] for a, b in split_long(t, 10)]
    ['uno, dos;', 'tres', 'cuatro']
    """
    if max_chars < 1:
        raise ValueError(f"split_long: max_chars must be at least 1, got {max_chars}")
    out: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        while pos < n and text[pos].isspace():
            pos += 1
        if pos >= n:
            break
        end = n
        while end > pos and text[end - 1].isspace():
            end -= 1
        if end - pos <= max_chars:
            out.append((pos, end))
            break
        cut = _best_cut(text, pos, pos + max_chars)
        _add_stripped(text, pos, cut, out)
        pos = cut
    return out


def _best_cut(text: str, start: int, limit: int) -> int:
    """Where the first piece of ``text[start:]`` ends, at or before ``limit``.

    Among boundaries of the best kind, the last one wins; one past the first third of
    the window is preferred to an earlier better-kind one, to avoid crumbs.
    """
    third = start + max(1, (limit - start) // 3)
    for floor in (third, start + 1):
        for pat in _CLAUSE_MARKS:
            best = -1
            for m in pat.finditer(text, floor, min(len(text), limit + 1)):
                end = m.end(1)
                if floor <= end <= limit:
                    best = end
            if best > start and text[start:best].strip():
                return best
    cut = limit
    while cut > start + 1 and (unicodedata.combining(text[cut]) or _is_thai_mark(text[cut])):
        cut -= 1
    return cut


def _is_thai_mark(ch: str) -> bool:
    """Thai vowels, tone marks and signs that can only follow a consonant (ะ ั า ำ ิ ... ่ ้ ๆ)."""
    return "\u0e30" <= ch <= "\u0e3a" or "\u0e45" <= ch <= "\u0e4e"
