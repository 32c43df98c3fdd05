"""A Spanish lexicon with word frequencies (wordfreq), loaded once per process.

wordfreq ships its frequency tables inside the package, so nothing is
downloaded. Frequencies are kept on the Zipf scale (log10 of occurrences per
billion words): 6 is "qué", 3 is "módulo", below 2 is rare.
"""

from __future__ import annotations

from functools import lru_cache

# Words rarer than this are not trusted as repair targets: wordfreq's long
# tail holds typos, names and foreign words.
MIN_ZIPF = 1.5
# Lost-letter candidates must be commoner still: they replace an unknown.
MIN_ZIPF_LOST = 2.0
# The decoder dropped the accented letter and up to two neighbours. How likely
# each cut is, by where it starts and ends around the accented letter at i
# (a - i, b - i), as damage-patterns.md describes the damage: the letter and
# its neighbour before it vanish most (";mo" for "cómo", "utili;" for
# "utilizó", "c;nica" for "crónica"); the letter alone, or with the one after
# it, less often; wider cuts are rare. A cut that reaches past the word's
# edge is the narrower one the decoder could make there: a word-initial
# accent ("único") that "loses its neighbour before" loses itself alone.
CUT_WEIGHT = {(-1, 1): 0.70, (0, 1): 0.15, (0, 2): 0.15, (-2, 1): 0.01, (-1, 2): 0.01, (0, 3): 0.005}


@lru_cache(maxsize=1)
def zipf_table() -> dict[str, float]:
    """Lower-case Spanish word -> Zipf frequency, for alphabetic words only."""
    from pipeline.wordlists import log10_frequencies  # shared with langid: loaded once

    floor = MIN_ZIPF - 9.0
    return {word: lf + 9.0 for word, lf in log10_frequencies("es").items() if lf >= floor and word.isalpha()}


def zipf(word: str) -> float:
    """Zipf frequency of ``word`` (any case); 0.0 when unknown or too rare."""
    return zipf_table().get(word.lower(), 0.0)


def is_word(word: str, min_zipf: float = 2.0) -> bool:
    return zipf(word) >= min_zipf


@lru_cache(maxsize=1)
def lost_letter_index() -> dict[str, tuple[tuple[str, float, float], ...]]:
    """Damaged form -> candidates ``(word, zipf, cut weight)`` (:data:`CUT_WEIGHT`).

    For every common word with an accented letter, each way of cutting 1-3
    letters that include an accented one out of it and leaving a ``;`` gives a
    key: ``cómo`` -> ``;mo``, ``c;mo``, ``c;o``, ... Built lazily (about a second)
    and only for pages that hold such damage.
    """
    accented = set("áéíóúñü")
    index: dict[str, dict[str, tuple[str, float, float]]] = {}
    for word, z in zipf_table().items():
        if z < MIN_ZIPF_LOST or accented.isdisjoint(word):
            continue
        n = len(word)
        for i, ch in enumerate(word):
            if ch not in accented:
                continue
            # P(cut | word): each cut shape, clipped to the word's edges
            cuts: dict[tuple[int, int], float] = {}
            for (da, db), weight in CUT_WEIGHT.items():
                a, b = max(0, i + da), min(n, i + db)
                cuts[a, b] = cuts.get((a, b), 0.0) + weight
            for (a, b), weight in cuts.items():
                key = word[:a] + ";" + word[b:]
                slot = index.setdefault(key, {})
                old = slot.get(word)
                if old is None or weight > old[2]:
                    slot[word] = (word, z, weight)
    return {k: tuple(sorted(v.values(), key=lambda c: (-c[1], c[0]))) for k, v in index.items()}
