"""Thai letters glued onto a Spanish stem: ``atenció;น`` -> ``atención``.

A partial machine translation into Thai sometimes transliterated the end of a
Spanish word (``น`` = n, ``ส`` = s, longer tails of a syllable or two). We
romanise the Thai tail with our own letter table (how Thai spells Spanish
letters) and, when no table reading makes a word, with pythainlp's offline
Royal Institute rules; a reading is kept only when stem + tail is a Spanish
word. The table comes first because pythainlp reads a syllable-final ``ส`` as
Thai pronounces it (``t``) while the translator spelled the Spanish letter
(``s``), and because pythainlp's first use costs about two seconds. A Thai word standing on its own (space before it) is real Thai and
never matched.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
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
ACCENT = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}


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


@lru_cache(maxsize=4096)
def royin(thai: str) -> str:
    """pythainlp's offline Royal Institute romanisation: the fallback reading.

    Asked only when the table finds no word, because its first use costs ~2 s
    per process and it reads syllable-final consonants the Thai way.
    """
    from pythainlp.transliterate import romanize  # lazy, rule-based, no download

    try:
        return str(romanize(thai, engine="royin")).lower()
    except (KeyError, IndexError, ValueError):  # a malformed cluster: no reading rather than a crash
        return ""


def _accent_variants(word: str, start: int) -> list[str]:
    """``informacion`` -> ``información``: an accent on one vowel of the tail."""
    out = []
    for i in range(len(word) - 1, start - 1, -1):
        acc = ACCENT.get(word[i])
        if acc:
            out.append(word[:i] + acc + word[i + 1 :])
    return out


def _best(stem: str, tail_clusters: list[str], rest: str) -> tuple[str, float, int] | None:
    """Best Spanish word for stem + a prefix of the Thai tail: (word, zipf, clusters used).

    Readings that use the whole tail win; a shorter prefix (the rest being real
    Thai glued on) only when no whole reading is a word.
    """
    found = _search(stem, tail_clusters, rest, readings)
    return found if found is not None else _search(stem, tail_clusters, rest, lambda t: (royin(t),))


def _search(
    stem: str, tail_clusters: list[str], rest: str, read: Callable[[str], tuple[str, ...]]
) -> tuple[str, float, int] | None:
    best: tuple[str, float, int] | None = None
    n = len(tail_clusters)
    for k in range(min(n, MAX_CLUSTERS), 0, -1):
        full = k == n
        if not full and rest:
            continue
        for reading in read("".join(tail_clusters[:k])):
            if not reading.isalpha():
                continue
            base = stem + reading + (rest if full else "")
            tried = [base] + ([] if lexicon.is_word(base) else _accent_variants(base, len(stem)))
            for word in tried:
                z = lexicon.zipf(word)
                if z >= 2.0 and (best is None or z > best[1]):
                    best = (word, z, k)
        if best is not None:
            return best
    return None


def thai_tail_candidates(line: str, ctx: PageContext) -> list[Candidate]:
    if not ctx.has_thai or not GLUE_HINT_RE.search(line):
        return []
    out: list[Candidate] = []
    spans = protected_spans(line)
    for m in GLUED_RE.finditer(line):
        if overlaps(m.start(), m.end(), spans):
            continue
        stem, semi, thai, rest = m["stem"], m["semi"], m["thai"], m["rest"]
        parts = clusters(thai)
        found = _best(stem, parts, rest)
        if found is None:
            if semi:  # surely damage, but we cannot read the tail: report it only
                guess = stem + (readings("".join(parts))[:1] or ("",))[0] + rest
                out.append(Candidate(m.start(), m.end(), guess, "thai_tail", 0.3 * ctx.damage))
            continue
        word, z, used = found
        full = used == len(parts)
        if not semi and lexicon.zipf(stem) >= 2.0 and z < lexicon.zipf(stem) + 1.0:
            continue  # "Canvasของ": a real word next to real Thai
        end = m.end() if full else m.start("thai") + len("".join(parts[:used]))
        after = stem + match_case(word[len(stem) :], stem)
        conf = (0.8 + 0.15 * ctx.damage + (0.04 if z >= 3.0 else 0.0)) if semi else 0.4 + 0.45 * ctx.damage
        if not full:
            conf -= 0.15
        out.append(Candidate(m.start(), end, after, "thai_tail", min(conf, 0.99)))
    return out
