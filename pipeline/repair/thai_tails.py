"""Thai letters glued onto a Spanish stem: ``atenció;น`` -> ``atención``, ``aplicá;นดอลอ`` -> ``aplicándolo``.

A partial machine translation into Thai sometimes transliterated the end of a
Spanish word: one letter (``น`` = n, ``ส`` = s) or whole syllables with vowels
before, after, above or below their consonant, tone marks and silenced
letters (``นดอลอ`` = ndolo, ``ซิคอ`` = xico, ``สเส`` = ses).

How a tail is read:

1. The Thai is split into clusters (leading vowel + consonant + marks, see
   :func:`clusters`); each cluster has Latin readings from our table of how
   Thai spells Spanish letters (first reading likeliest; ``เ-`` also read after
   its consonant, the order a careless translator writes; a silenced ``-์``
   consonant read or not).
2. Candidate words are the lexicon words that start with the stem
   (``aplicá`` -> ``aplicándolo``, ``aplicándose``, ...), and end with any Latin
   letters after the Thai.
3. Each candidate's tail is aligned with the clusters by an edit-distance
   dynamic programme on a phonetic key (``c``/``qu``/``k``, ``s``/``z``/``ce``,
   ``b``/``v``, ``ll``/``y``, silent ``h`` fold together): a cluster read as
   one of its readings costs its rank, a letter no cluster gives costs 1 (0.5
   for a vowel: Thai leaves inherent vowels unwritten), a cluster read as
   nothing costs 1. The cheapest candidate, with frequency as the tie-break,
   is kept when its cost is within :func:`_max_cost` of the tail's length.

Why not pythainlp's romanisers: the offline ones read Thai, not a translator's
spelling of Spanish. ``royin``/``lookup`` give the Thai pronunciation
(``นดอลอ`` -> "nadolo" with an inherent vowel, ``สเส`` -> "sse", a final ``ส``
as "t") and cost ~2 s on first use; ``iso_11940`` is a letter-for-letter
scholarly transliteration (``อ`` -> "x"); ``thai2rom``/``thaig2p`` need
downloaded models and ``tltk`` another package. A table of how Thai spells
Spanish letters, aligned against real words, reads the intent directly.

Then the whole glued token is replaced, or, when no candidate is close enough,
it is left exactly as it was and flagged: never a half-repair (the ``;``
removed and the Thai kept). A Thai word standing on its own (space before it)
is real Thai and never matched; without a ``;`` the reading must be near exact
and the stem must not be a word on its own (``Canvasของ``), unless the Thai is
a short ending (a letter or a syllable) standing in Spanish text that
completes a commoner word (``Nuestros clienteส compran`` -> ``clientes``, see
:func:`_ending_in_spanish`); such tails, like every tail without a ``;``, are
applied only on a page that shows damage.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import re
from collections.abc import Iterator
from functools import lru_cache

from pipeline.repair import lexicon
from pipeline.repair.base import LATIN, THAI, Candidate, PageContext, match_case, overlaps, protected_spans

GLUE_HINT_RE = re.compile(rf"[{LATIN};][{THAI}]")
GLUED_RE = re.compile(rf"(?<![{LATIN}])(?P<stem>[{LATIN}]+)(?P<semi>;?)(?P<thai>[{THAI}]+)(?P<rest>[{LATIN}]*)")

# How Thai spells Spanish consonants: the first reading is the likeliest.
CONSONANTS: dict[str, tuple[str, ...]] = {
    "ก": ("g", "c", "k"),
    "ข": ("k", "c", "j"),
    "ฃ": ("k",),
    "ค": ("c", "k", "qu"),
    "ฅ": ("k",),
    "ฆ": ("k",),
    "ง": ("n", "ng"),
    "จ": ("ch", "j", "g"),
    "ฉ": ("ch",),
    "ช": ("ch", "y", "ll"),
    "ซ": ("s", "c", "z"),
    "ฌ": ("ch",),
    "ญ": ("ñ", "y"),
    "ฎ": ("d",),
    "ฏ": ("t",),
    "ฐ": ("t",),
    "ฑ": ("d", "t"),
    "ฒ": ("t",),
    "ณ": ("n",),
    "ด": ("d",),
    "ต": ("t",),
    "ถ": ("t",),
    "ท": ("t", "d"),
    "ธ": ("t",),
    "น": ("n",),
    "บ": ("b", "v"),
    "ป": ("p",),
    "ผ": ("p",),
    "ฝ": ("f",),
    "พ": ("p",),
    "ฟ": ("f",),
    "ภ": ("p",),
    "ม": ("m",),
    "ย": ("y", "i"),
    "ร": ("r", "rr"),
    "ฤ": ("r", "ri"),
    "ล": ("l",),
    "ฦ": ("l",),
    "ว": ("v", "b", "u"),
    "ศ": ("s", "c"),
    "ษ": ("s",),
    "ส": ("s", "c", "z"),
    "ห": ("", "j", "h"),
    "ฬ": ("l",),
    "อ": ("", "o"),
    "ฮ": ("j", "h"),
}
# Vowels and marks written after (or over/under) their consonant.
FOLLOWING: dict[str, str] = {
    "ะ": "a",
    "ั": "a",
    "า": "a",
    "ำ": "am",
    "ิ": "i",
    "ี": "i",
    "ึ": "u",
    "ื": "u",
    "ุ": "u",
    "ู": "u",
    "็": "",
    "่": "",
    "้": "",
    "๊": "",
    "๋": "",
    "ํ": "",
    "ๅ": "",
    "ฺ": "",
}
# Vowels written before their consonant but read after it.
LEADING: dict[str, str] = {"เ": "e", "แ": "e", "โ": "o", "ใ": "ai", "ไ": "ai"}
# Whole syllables a translator spells the English way: "-ción" comes out as
# "ชั่น" (from "-tion"), which no letter-by-letter reading recovers.
SYLLABLES: dict[str, tuple[str, ...]] = {
    "ชั่น": ("ción", "sión"),
    "ชัน": ("ción", "sión"),
    "ชั่นส์": ("ciones", "siones"),
    "ซิออน": ("ción", "sión"),
}
SILENCER = "์"  # thanthakhat: the consonant under it is not read
MAX_CLUSTERS = 4
MAX_VARIANTS = 32


def clusters(thai: str) -> list[str]:
    """Split Thai text into consonant clusters (leading vowel + consonant + marks).

    The vowels "เ-ีย" (ia) and "-ัว" (ua) end in a letter that is otherwise a
    consonant; it stays in its cluster so the pair is read as one vowel.
    """
    out: list[str] = []
    lead = ""
    for ch in thai:
        if ch in LEADING:
            lead += ch
        elif ch in CONSONANTS and not _closes_vowel(out, ch):
            out.append(lead + ch)
            lead = ""
        elif out:
            out[-1] += ch
        else:
            out.append(lead + ch)
            lead = ""
    if lead:
        out.append(lead)
    return out


def _closes_vowel(out: list[str], ch: str) -> bool:
    if not out:
        return False
    last = out[-1]
    return (ch == "ย" and last.startswith("เ") and last.endswith("ี")) or (ch == "ว" and last.endswith("ั"))


def _cluster_readings(cluster: str) -> list[str]:
    consonant = next((ch for ch in cluster if ch in CONSONANTS), "")
    if SILENCER in cluster:
        return [""]
    if cluster.startswith("เ") and cluster.endswith("ีย"):
        lead, after = "", "ia"
    elif cluster.endswith("ัว"):
        lead, after = "", "ua"
    else:
        lead = "".join(LEADING.get(ch, "") for ch in cluster if ch in LEADING)
        after = "".join(FOLLOWING.get(ch, "") for ch in cluster if ch in FOLLOWING)
    heads = CONSONANTS.get(consonant, ("",)) if consonant else ("",)
    return [h + lead + after for h in heads]


@lru_cache(maxsize=4096)
def readings(thai: str) -> tuple[str, ...]:
    """Latin readings of a Thai tail from our letter table, likeliest first."""
    parts = [_cluster_readings(c) for c in clusters(thai)]
    seen: dict[str, None] = dict.fromkeys(SYLLABLES.get(thai, ()))
    for combo in itertools.islice(itertools.product(*parts), MAX_VARIANTS):
        seen.setdefault("".join(combo), None)
    return tuple(r for r in seen if r.isalpha())


# --- matching against the lexicon -------------------------------------------

_FOLD = str.maketrans("áéíóúü", "aeiouu")
_KEY_RULES = (
    (re.compile("qu(?=[ei])"), "k"),
    (re.compile("c(?=[ei])"), "s"),
    (re.compile("g(?=[ei])|j"), "J"),  # the jota sound (J: not the silent h folded below)
    (re.compile("ch"), "C"),
    (re.compile("ll"), "y"),
    (re.compile("x"), "ks"),
    (re.compile("[cq]"), "k"),
    (re.compile("[zç]"), "s"),
    (re.compile("v"), "b"),
    (re.compile("h(?=[aeiou]|$)|(?<=[aeiou])h"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)
VOWELS = frozenset("aeiou")
SKIP_COST = 1.0  # a cluster read as nothing
INSERT_COST = 1.0  # a letter of the word no cluster gives
VOWEL_COST = 0.5  # an unwritten (inherent) vowel
KS_COST = 0.3  # the k of "x" (keyed "ks") that no cluster gives
MIN_ZIPF_TAIL = 1.5
# Frequency can make up at most 0.05 * (8 - 1.5) of cost: a candidate costlier
# than the best by more than this (plus the margin that lowers confidence) can
# neither win nor be the runner-up that matters.
BOUND_SLACK = 0.6


_QU_RE, _CE_RE, _JOTA_RE = (rule for rule, _ in _KEY_RULES[:3])
_H_RE, _DOUBLE_RE = (rule for rule, _ in _KEY_RULES[-2:])


@lru_cache(maxsize=65536)
def key(latin: str) -> str:
    """Phonetic key of Latin letters: spellings a Thai transliteration cannot tell apart fold together.

    :data:`_KEY_RULES` applied in order (:func:`_key_by_rules`), written for
    speed: a first pass keys every lexicon word that extends a stem. A rule is
    skipped when the letter it needs is absent, and the literal ones are
    ``str.replace`` (the same leftmost, non-overlapping replacement).
    """
    k = latin.lower()
    if not k.isascii():
        k = k.translate(_FOLD)
    if "q" in k:
        k = _QU_RE.sub("k", k)
    if "c" in k:
        k = _CE_RE.sub("s", k)
    if "g" in k or "j" in k:
        k = _JOTA_RE.sub("J", k)
    k = k.replace("ch", "C").replace("ll", "y").replace("x", "ks").replace("c", "k").replace("q", "k")
    k = k.replace("z", "s").replace("ç", "s").replace("v", "b")
    if "h" in k:
        k = _H_RE.sub("", k)
    # A template replacement costs a Python-level parse per call even without
    # a match (most keys have no doubled letter): search first.
    return _DOUBLE_RE.sub(r"\1", k) if _DOUBLE_RE.search(k) else k


def _key_by_rules(latin: str) -> str:
    """:func:`key` as the rule table reads (the reference the tests hold it to)."""
    k = latin.lower().translate(_FOLD)
    for rule, repl in _KEY_RULES:
        k = rule.sub(repl, k)
    return k


@lru_cache(maxsize=4096)
def _cluster_keys(cluster: str) -> tuple[tuple[str, float], ...]:
    """Keyed readings of one cluster with their cost (rank, misplaced vowel, silencer)."""
    out: dict[str, float] = {}

    def add(reading: str, cost: float) -> None:
        k = key(reading) if reading else ""
        if k not in out or cost < out[k]:
            out[k] = cost

    heads = _cluster_readings(cluster.replace(SILENCER, ""))
    for rank, r in enumerate(heads):
        add(r, 0.0 if rank == 0 else 0.1)
    consonant = next((ch for ch in cluster if ch in CONSONANTS), "")
    lead = "".join(LEADING.get(ch, "") for ch in cluster if ch in LEADING)
    if lead and consonant:  # "สเส" for "ses": the vowel written before the consonant it follows
        after = "".join(FOLLOWING.get(ch, "") for ch in cluster if ch in FOLLOWING)
        for h in CONSONANTS[consonant]:
            add(lead + h + after, 0.3)
    if SILENCER in cluster:
        # Thai marks a letter silent; transliterating Spanish (or English "-s")
        # the translator still meant it, most of the time.
        out = {k: c + 0.05 for k, c in out.items()}
        add("", 0.3)
    elif cluster == "อ":  # a bare อ after a consonant spells the vowel o (คอ = co)
        out = {"o": 0.0, "": 0.2}
    return tuple(out.items())


def _align(parts: tuple[tuple[tuple[str, float], ...], ...], target: str, limit: float) -> float:
    """Least cost of reading ``target`` (a key) from the clusters' readings (edit
    distance); ``inf`` as soon as it surely exceeds ``limit``."""
    n, m = len(parts), len(target)
    inf = float("inf")
    row = [inf] * (m + 1)
    row[0] = 0.0
    steps = [
        VOWEL_COST if ch in VOWELS else (KS_COST if ch == "k" and target[j + 1 : j + 2] == "s" else INSERT_COST)
        for j, ch in enumerate(target)
    ]
    for i in range(n + 1):
        for j in range(m):  # letters no cluster gives
            if row[j] + steps[j] < row[j + 1]:
                row[j + 1] = row[j] + steps[j]
        if i == n:
            break
        if min(row) > limit:  # costs only grow along a path
            return inf
        nxt = [c + SKIP_COST for c in row]
        for j, c in enumerate(row):
            if c > limit:  # no path through here ends within the limit
                continue
            for reading, rc in parts[i]:
                if target.startswith(reading, j):
                    e = j + len(reading)
                    if c + rc < nxt[e]:
                        nxt[e] = c + rc
        row = nxt
    return row[m]


def _floor(target: str, letters: frozenset[str], needed: list[tuple[str, ...]]) -> float:
    """A lower bound of :func:`_align`'s cost, in a few set and substring tests.

    Every letter of ``target`` is either given by a cluster's reading or
    inserted, and every cluster either reads some letters or is skipped: a
    letter no reading holds costs at least its insertion (a ``k`` at least
    the 0.3 it costs before an ``s``), and a cluster that cannot be read as
    nothing (``needed``: its readings) and whose readings all miss the target
    costs a skip. Most candidates a first pass meets fail the limit on this
    alone, without the dynamic programme.
    """
    floor = 0.0
    for ch in target:
        if ch not in letters:
            floor += VOWEL_COST if ch in VOWELS else (KS_COST if ch == "k" else INSERT_COST)
    for readings_ in needed:
        for r in readings_:
            if r in target:
                break
        else:
            floor += SKIP_COST
    return floor


def _max_cost(target: str) -> float:
    return 0.3 + 0.25 * len(target)


@lru_cache(maxsize=1)
def _sorted_words() -> tuple[tuple[str, ...], dict[str, float]]:
    table = lexicon.zipf_table()
    # A tuple, not a list: the garbage collector untracks a tuple of strings
    # the first time it sees it, where a list of 200k strings stays tracked
    # and every later collection walks it again. That first walk (5-13 ms,
    # the Thai repairs of some 60 pages) is part of loading the table, so it
    # is done here, once, rather than by whichever page's allocations set off
    # the next young collection.
    words = tuple(sorted(w for w, z in table.items() if z >= MIN_ZIPF_TAIL))
    gc.collect(0)
    return words, table


@lru_cache(maxsize=512)  # bounded: a short stem lists many words
def prefixed(stem: str) -> tuple[tuple[str, float, str], ...]:
    """Lexicon words longer than ``stem`` (lower case) that start with it: (word, Zipf, key of the rest)."""
    words, table = _sorted_words()
    # The words that start with the stem are one block of the sorted tuple:
    # after the stem itself, before the stem followed by the last code point.
    block = words[bisect.bisect_right(words, stem) : bisect.bisect_left(words, stem + "\U0010ffff")]
    n = len(stem)
    return tuple([(word, table[word], key(word[n:])) for word in block])


@lru_cache(maxsize=8192)
def match(stem: str, thai: str, rest: str = "") -> tuple[str, float, float] | None:
    """Best lexicon word for ``stem`` + the Thai tail + ``rest``: (word, cost, margin to the runner-up).

    ``stem`` and ``rest`` are lower case; the word is lower case.
    """
    return _match(stem, thai, rest)


def _match(stem: str, thai: str, rest: str, floors: bool = True) -> tuple[str, float, float] | None:
    """:func:`match` uncached; ``floors=False`` aligns every candidate (the reference for tests)."""
    if not rest:  # "-ción" spelled the English way ("-tion" = ชั่น): no letter reading recovers it
        whole = [(lexicon.zipf(stem + r), stem + r) for r in SYLLABLES.get(thai, ())]
        whole = [w for w in whole if w[0] >= MIN_ZIPF_TAIL]
        if whole:
            return max(whole)[1], 0.0, 9.0
    parts = tuple(_cluster_keys(c) for c in clusters(thai))
    # A word whose tail starts with a letter the first cluster cannot give
    # costs at least 1 more: a cheap filter before the alignment.
    firsts = set(VOWELS) | {"k"}  # "x" keys as "ks", its k a cheap insertion
    for part in parts:
        firsts |= {r[0] for r, _ in part if r}
        if all(r for r, _ in part):
            break  # a cluster that cannot be read as nothing gives the first letter
    # Lengths a reading can have, give or take what the cost limit allows
    # (a skipped cluster costs 1, an unwritten vowel 0.5).
    shortest = sum(min(len(r) for r, _ in part) for part in parts)
    longest = sum(max(len(r) for r, _ in part) for part in parts)
    low, high = shortest - 1, longest + 3 + longest // 3
    likely = sum(len(part[0][0]) for part in parts)  # the first readings' length
    todo = []
    for word, z, target in prefixed(stem):
        if rest:
            tail = word[len(stem) :]
            if not tail.endswith(rest) or len(tail) == len(rest):
                continue
            target = key(tail[: -len(rest)])
        if target and low <= len(target) <= high and target[0] in firsts:
            todo.append((abs(len(target) - likely), -z, word, z, target))
    todo.sort()  # likely lengths and common words first: the bound then prunes the rest early
    best: list[tuple[float, float, str]] = []
    bound = float("inf")  # no candidate this much costlier than the best so far can matter
    letters = frozenset("".join(r for part in parts for r, _ in part))
    needed = [tuple(r for r, _ in part) for part in parts if all(r for r, _ in part)]
    for _, _, word, z, target in todo:
        limit = min(_max_cost(target), bound)
        if floors and _floor(target, letters, needed) > limit + 1e-9:
            continue  # the alignment would cost more than the limit: the same as aligning, only cheaper
        cost = _align(parts, target, limit)
        if cost <= limit:
            best.append((cost - 0.05 * z, cost, word))
            bound = min(bound, cost + BOUND_SLACK)
    if not best:
        return None
    best.sort()
    score, cost, word = best[0]
    margin = best[1][0] - score if len(best) > 1 else 9.0
    return word, cost, margin


_LATIN_CHARS = frozenset(chr(c) for c in range(0x250) if re.match(f"[{LATIN}]", chr(c)))


def glued_tokens(line: str) -> Iterator[re.Match[str]]:
    """The matches of ``GLUED_RE.finditer(line)``, found from the glue points.

    GLUED_RE tried at every position of a line costs more than the rest of
    the pass on a page of few tails; every match holds a glue point (a
    letter or ``;`` right before Thai, :data:`GLUE_HINT_RE`), so the stem is
    found back from each one and GLUED_RE matched there once (tested equal).
    """
    last = 0
    for hint in GLUE_HINT_RE.finditer(line):
        stem_end = hint.start() if line[hint.start()] == ";" else hint.start() + 1
        start = stem_end
        while start > last and line[start - 1] in _LATIN_CHARS:
            start -= 1
        if start == stem_end or (start == last and start > 0 and line[start - 1] in _LATIN_CHARS):
            continue  # no stem, or the stem is part of the last match
        m = GLUED_RE.match(line, start)
        if m is not None:
            last = m.end()
            yield m


def thai_tail_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if not ctx.has_thai or not GLUE_HINT_RE.search(line):
        return []
    out: list[Candidate] = []
    spans = protected_spans(line)
    for m in glued_tokens(line):
        if overlaps(m.start(), m.end(), spans):
            continue
        cand = _tail_candidate(m, ctx)
        if cand is not None:
            out.append(cand)
    return out


# A Thai run this short (a letter, a syllable) is an inflection's ending, not a Thai word.
MAX_ENDING_CLUSTERS = 2
_WORD_BEFORE_RE = re.compile(rf"(?:^|[^{LATIN}{THAI}])([{LATIN}]+)[^\S\n]+\Z")
_WORD_AFTER_RE = re.compile(rf"[.,;:!?)\]»”’\"']*(?:[^\S\n]+(?P<word>[{LATIN}]+|[{THAI}]))?")
_WINDOW = 64


def _ending_in_spanish(m: re.Match[str], word: str) -> bool:
    """Whether a short Thai run glued (no ``;``) onto a word that is a word on
    its own (``clienteส``) is the word's lost ending (``clientes``): the
    reading was exact and gives a common word, the Thai is a letter or a
    syllable with nothing after it, and the token stands in Spanish text, a
    Spanish word before it and, after its punctuation, another one or the end
    of the line. Real Thai beside Spanish is a Thai word (``clienteลูกค้า``:
    no Spanish word reads from it), is written after a space (never matched),
    or stands among Thai (``ลูกค้าclienteส``: no Spanish word before it).
    """
    if m["rest"] or len(clusters(m["thai"])) > MAX_ENDING_CLUSTERS or not lexicon.is_word(word, 2.5):
        return False
    line, start, end = m.string, m.start(), m.end()
    before = _WORD_BEFORE_RE.search(line, max(0, start - _WINDOW), start)
    if before is None or not lexicon.is_word(before[1]):
        return False
    after = _WORD_AFTER_RE.match(line, end, end + _WINDOW)
    nxt = after["word"] if after is not None else None
    if nxt is None:  # punctuation, then the line's end (or more than a window of it)
        return after is not None and (after.end() == len(line) or line[after.end()] == "\n")
    return lexicon.is_word(nxt)


def _tail_candidate(m: re.Match[str], ctx: PageContext) -> Candidate | None:
    stem, semi, thai, rest = m["stem"], m["semi"], m["thai"], m["rest"]
    found = match(stem.lower(), thai, rest.lower())
    if found is not None:
        word, cost, margin = found
        if not semi and (
            cost > 0.2
            or lexicon.zipf(stem) >= 2.0
            and lexicon.zipf(word) < lexicon.zipf(stem) + 1.0
            and not _ending_in_spanish(m, word)
        ):
            return None  # "Canvasของ": a real word next to real Thai, unless the reading is exact
        after = stem + match_case(word[len(stem) :], stem)
        if semi:
            conf = 0.97 - 0.15 * cost / max(_max_cost(key(word[len(stem) :])), 0.3)
            if margin < 0.25:
                conf -= 0.4 * (0.25 - margin) / 0.25
        else:
            conf = 0.4 + 0.45 * ctx.damage
        return Candidate(m.start(), m.end(), after, "thai_tail", min(conf, 0.99))
    # Real Thai glued after the tail ("relació;นกับลูกค้า"): a prefix of the clusters,
    # when what is left reads as a Thai word (two clusters or more), never a lone
    # letter ("carecerí;อาน" is not "carecería" + "น": that would be a half-repair).
    parts = clusters(thai)
    if not rest and len(parts) > 2:
        for k in range(min(len(parts) - 2, MAX_CLUSTERS), 0, -1):
            head = "".join(parts[:k])
            for reading in readings(head):
                word = stem + reading
                if lexicon.zipf(word) >= 2.0 and (semi or lexicon.zipf(stem) < 2.0):
                    end = m.start("thai") + len(head)
                    conf = (0.8 if semi else 0.25) + 0.15 * ctx.damage
                    return Candidate(m.start(), end, stem + match_case(reading, stem), "thai_tail", conf)
    if semi:  # surely damage, but we cannot read the tail: leave it whole and report it
        guess = stem + (readings(thai)[:1] or ("",))[0] + rest
        return Candidate(m.start(), m.end(), guess, "thai_tail", 0.3)
    return None
