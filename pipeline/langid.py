"""Language of every run and every sentence of a text, deterministic and offline.

How a text is labelled, and why this order:

1. **Scripts first.** Letters are grouped into runs of one script; digits, punctuation,
   spaces and emoji join a neighbouring run. Thai (U+0E00-U+0E7F) is Thai; Cyrillic,
   Greek, Arabic, Hebrew, Devanagari, CJK, Hangul ... get their language from the script
   (a few letters tell related languages apart: Ukrainian ``і``, Persian ``پ``, Japanese
   kana) or ``"und"``. No statistics are needed, so these runs are certain and cheap.
2. **Latin runs, sentence by sentence**, among the configured languages only (the user
   sets ``--languages``; a Portuguese sentence in an es/en corpus is labelled es or en).
   The main model is a word model: per-language word frequencies from ``wordfreq``
   (a naive-Bayes sum of log-frequency differences, each word's vote clipped so one odd
   word cannot decide a sentence), plus accents/``ñ``/``¿``/``¡`` as evidence for the
   languages whose alphabet has them. It is about a hundred times faster than langdetect
   and, on es/en lesson text, more accurate: langdetect's character n-grams are easily
   swayed by shared business words ("marketing online total"). langdetect (restricted to
   the configured languages, profiles loaded once, seed 0) is consulted only where the
   word model is unsure on a piece long enough for n-grams to mean something, and for
   configured languages wordfreq has no list for.
3. **Context for short pieces.** One- to four-word pieces (cells, headings, list items)
   are where any detector fails alone. A prior is added for the language of the context:
   the confident sentences of the same text, else the ``context`` argument (the paragraph
   or document language), else a weak preference for the first configured language.
   :func:`detect_document` derives each segment's context from its neighbours, so a
   table of English cells in a Spanish lesson stays English.

URLs and e-mail addresses are not language evidence: their letters join a neighbouring
span like punctuation does.

Spans cover every non-space character of the text (when it has a letter outside a URL)
in order without overlap; the whitespace between two spans belongs to neither; spans
never start or end with whitespace. Adjacent pieces of one language are merged.

Step 1 lives in :mod:`pipeline.script_runs`, the word model and langdetect of step 2
in :mod:`pipeline.word_model`; this module cuts Latin runs into sentences, applies
context and makes the spans.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from pipeline.document import Span
from pipeline.errors import ConfigError
from pipeline.script_runs import SCRIPT_LANGS, mask_urls, script_language, script_runs
from pipeline.sentences import split_sentences
from pipeline.word_model import TOKEN, langdetect_probs, needs_langdetect, word_scores

# Also public: DETECTOR_VERSION (computed on first access, see __getattr__ below).
__all__ = ["detect_document", "detect_spans", "main_language", "normalize_languages"]


def _version(package: str) -> str:
    """Installed version of a data-bearing dependency (its word lists/profiles change results)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


# Bump when a rule or a constant below changes what a text is labelled.
_RULES_VERSION = "langid-1"


@lru_cache(maxsize=1)
def _detector_version() -> str:
    return f"{_RULES_VERSION} wordfreq-{_version('wordfreq')} langdetect-{_version('langdetect')}"


def __getattr__(name: str) -> str:
    """``DETECTOR_VERSION`` (goes into each output's signature), computed on first use.

    Lazy because reading package metadata costs more than the rest of this import;
    the data versions follow the installed packages, whose word lists and profiles
    change results.
    """
    if name == "DETECTOR_VERSION":
        return _detector_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- tuning constants (log10 units: 1.0 = ten to one) -----------------------------------
_PRIOR_CONTEXT = 1.0  # the context language
_PRIOR_DEFAULT = 0.25  # the first configured language, when there is no context
_STRONG_MARGIN = 1.5  # a piece this sure gives context to its neighbours
_LANGDETECT_MARGIN = 1.0  # below this margin, ask langdetect too ...
_LANGDETECT_MIN_LETTERS = 15  # ... if the piece has this many letters
_LANGDETECT_CLIP = 3.0
_LANGDETECT_FULL_LETTERS = 60  # from this many letters on, langdetect counts fully
_TEMPERATURE = 0.6  # softens naive-Bayes scores into confidences
_NEIGHBOUR_WINDOW = 6  # segments each side that detect_document looks at
_MIN_NEIGHBOUR_VOTE = 0.3  # weaker neighbour evidence than this: use the document language

# Languages the detector can label. Latin-script ones are chosen among by statistics;
# the others come from their script.
# (Only those wordfreq has a word list or langdetect a profile for: others could never win.)
_LATIN_LANGS = frozenset(
    "af ca cs cy da de en es et fi fil fr hr hu id is it lt lv ms nb nl no pl pt ro sh sk sl so sq sv sw tl tr vi".split()  # noqa: SIM905
)
@dataclass(slots=True)  # one per sentence of a lesson: no per-instance dict
class _Piece:
    """One labelled stretch: a Latin sentence or a run of another script."""

    start: int
    end: int
    letters: int
    lang: str = "und"
    confidence: float = 0.0
    method: str = "script"
    scores: dict[str, float] | None = None  # Latin pieces: evidence per candidate, no prior
    evidence: bool = False  # Latin pieces: some word or mark said something
    langdetect: bool = False  # Latin pieces: langdetect was consulted

    @property
    def margin(self) -> float:
        if not self.scores or len(self.scores) < 2:
            return math.inf if self.scores else 0.0
        top = sorted(self.scores.values(), reverse=True)
        return top[0] - top[1]


# --- public API ---------------------------------------------------------------------------


def normalize_languages(languages: Sequence[str] | str) -> tuple[str, ...]:
    """Validate and normalise configured languages (``"es, EN,pt-BR"`` -> ``("es","en","pt")``).

    Raises :class:`ConfigError` naming the code the detector cannot handle.
    """
    items = languages.split(",") if isinstance(languages, str) else list(languages)
    out: list[str] = []
    for raw in items:
        code = re.split(r"[-_]", raw.strip().lower(), maxsplit=1)[0]
        if not code:
            continue
        if code not in _LATIN_LANGS and code not in SCRIPT_LANGS:
            raise ConfigError(
                f"--languages: {raw.strip()!r} is not a language the detector knows; "
                "use ISO 639-1 codes such as es,en,pt"
            )
        if code not in out:
            out.append(code)
    if not out:
        raise ConfigError("--languages is empty; give at least one ISO 639-1 code, e.g. es,en")
    return tuple(out)


def detect_spans(
    text: str,
    *,
    languages: tuple[str, ...] = ("es", "en"),
    context: str | None = None,
    merge: bool = True,
) -> list[Span]:
    """Language spans of ``text``, in order.

    ``context`` is the language of the surrounding paragraph or document; it decides
    short pieces that carry little evidence themselves. ``merge=False`` keeps one span
    per Latin sentence (with its own confidence) instead of one per language run.

    >>> t = "Es el principal asunto. ต้องตอบสั้นๆ de qué manera se va a relacionar."
    >>> [(t[s.start:s.end], s.lang) for s in detect_spans(t)]
    [('Es el principal asunto.', 'es'), ('ต้องตอบสั้นๆ', 'th'), ('de qué manera se va a relacionar.', 'es')]
    """
    cands = _latin_candidates(normalize_languages(languages))
    pieces = _analyse(text, cands)
    _decide(pieces, cands, _local_context(pieces) or _usable_context(context, cands))
    return _to_spans(text, pieces, merge)


def detect_document(
    segments: list[str],
    *,
    languages: tuple[str, ...] = ("es", "en"),
    blocks: Sequence[int] | None = None,
    merge: bool = True,
) -> list[list[Span]]:
    """Spans for each segment of one document, using the document as context.

    A short segment (a cell, a heading, a list item) takes the language of its
    confident neighbours within a few segments (nearer ones weigh more; with
    ``blocks``, one block id per segment, those of the same block weigh double),
    else the document's main Latin language. ``merge=False`` keeps one span per Latin
    sentence, as in :func:`detect_spans`.
    """
    cands = _latin_candidates(normalize_languages(languages))
    # One pass, labelling each segment as soon as the segments it listens to are
    # analysed (``_NEIGHBOUR_WINDOW`` behind the analysis), so only a window of
    # pieces and votes is alive at a time instead of every piece of the lesson
    # with its scores (that was the peak of a big lesson: ~9x its size). A
    # segment that needs the document language (no sure piece of its own, no
    # neighbour vote) waits for the end, when that language is known.
    n = len(segments)
    out: list[list[Span] | None] = [None] * n
    votes: list[dict[str, float] | None] = [None] * n  # only the window's are kept
    window: dict[int, tuple[list[_Piece], str | None]] = {}
    waiting: dict[int, list[_Piece]] = {}
    doc_total: dict[str, float] = {}
    shared = _Shared()

    def label(j: int) -> None:
        pieces, local = window.pop(j)
        ctx = local or _neighbour_context(votes, j, blocks)
        if ctx is None and _needs_context(pieces, cands):
            waiting[j] = pieces
        else:
            _decide(pieces, cands, ctx)
            out[j] = _to_spans(segments[j], pieces, merge, shared)
        if j >= _NEIGHBOUR_WINDOW:
            votes[j - _NEIGHBOUR_WINDOW] = None  # no later segment listens to it

    for i, text in enumerate(segments):
        pieces = _analyse(text, cands)
        strong = _strong_letters(pieces)
        for lang, k in strong.items():
            doc_total[lang] = doc_total.get(lang, 0.0) + k
        votes[i] = _segment_votes(pieces)
        window[i] = (pieces, _argmax(strong))
        if i >= _NEIGHBOUR_WINDOW:
            label(i - _NEIGHBOUR_WINDOW)
    for j in range(max(0, n - _NEIGHBOUR_WINDOW), n):
        label(j)
    doc_lang = _argmax(doc_total)
    for j, pieces in waiting.items():
        _decide(pieces, cands, doc_lang)
        out[j] = _to_spans(segments[j], pieces, merge, shared)
    for j, spans in enumerate(out):  # in place: a second list of n was 8 bytes a segment more
        if spans is None:
            out[j] = []
    return cast("list[list[Span]]", out)  # no None is left


def _needs_context(pieces: list[_Piece], cands: tuple[str, ...]) -> bool:
    """Whether :func:`_decide` would read the context for these pieces."""
    return len(cands) >= 2 and any(p.method not in ("script", "neutral") for p in pieces)


def main_language(spans: Sequence[Span], text: str) -> str:
    """The language with most letters in ``text`` over ``spans``; ``"und"`` when none.

    Ties go to the language that comes first in the text, so the result is stable.
    """
    counts: dict[str, int] = {}
    order: list[str] = []
    for sp in spans:
        n = sum(1 for ch in text[sp.start : sp.end] if ch.isalpha())
        if n and sp.lang != "und":
            if sp.lang not in counts:
                order.append(sp.lang)
            counts[sp.lang] = counts.get(sp.lang, 0) + n
    if not counts:
        return "und"
    return max(order, key=lambda lang: (counts[lang], -order.index(lang)))


# --- analysis -----------------------------------------------------------------------------


def _latin_candidates(languages: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(lang for lang in languages if lang in _LATIN_LANGS)


def _analyse(text: str, cands: tuple[str, ...]) -> list[_Piece]:
    """Script runs, Latin runs cut into sentences and scored (no context applied yet)."""
    if not text:
        return []
    masked = mask_urls(text)
    pieces: list[_Piece] = []
    for script, start, end, letters in script_runs(masked):
        if script == "latin":
            pieces.extend(_latin_pieces(text, masked, start, end, cands))
        else:
            lang, conf = script_language(script, masked[start:end])
            pieces.append(_Piece(start, end, letters, lang, conf, "script"))
    if not pieces and any(ch.isalpha() for ch in text):
        # Letters only inside URLs/addresses: cover them, language unknown.
        a, b = _strip_range(text, 0, len(text))
        pieces.append(_Piece(a, b, 0, "und", 1.0, "neutral"))
    return pieces


def _latin_pieces(text: str, masked: str, start: int, end: int, cands: tuple[str, ...]) -> list[_Piece]:
    """The sentences of one Latin run, each scored by the word model."""
    out: list[_Piece] = []
    for a, b in split_sentences(text[start:end]):
        a, b = a + start, b + start
        tokens = TOKEN.findall(masked, a, b)
        if not tokens:
            continue  # "2." between sentences: punctuation, joins a neighbour
        piece = _Piece(a, b, sum(len(t) for t in tokens), method="latin")
        if len(cands) >= 2:
            piece.scores, piece.evidence = word_scores(tokens, masked[a:b], cands)
            unsure = piece.margin < _LANGDETECT_MARGIN and piece.letters >= _LANGDETECT_MIN_LETTERS
            if unsure or needs_langdetect(cands):
                _add_langdetect(piece, masked[a:b], cands)
        out.append(piece)
    return out


def _add_langdetect(piece: _Piece, text: str, cands: tuple[str, ...]) -> None:
    probs = langdetect_probs(text, cands)
    if not probs:
        return
    assert piece.scores is not None
    logs = {c: math.log10(max(probs.get(c, 0.0), 10**-_LANGDETECT_CLIP)) for c in cands}
    top = max(logs.values())
    # n-gram statistics over a few words are noise ("Marketing digital" -> en, 100%):
    # langdetect's say grows with the length of the piece.
    weight = min(1.0, piece.letters / _LANGDETECT_FULL_LETTERS)
    for c in cands:
        piece.scores[c] += max(logs[c] - top, -_LANGDETECT_CLIP) * weight
    best = max(piece.scores.values())
    piece.scores = {c: v - best for c, v in piece.scores.items()}
    piece.evidence = True
    piece.langdetect = True


# --- context and decisions ----------------------------------------------------------------


def _strong_letters(pieces: list[_Piece]) -> dict[str, float]:
    """Letters per language among the Latin pieces sure enough to be context for others."""
    votes: dict[str, float] = {}
    for p in pieces:
        if p.scores and p.evidence and p.margin >= _STRONG_MARGIN:
            lang = max(p.scores, key=lambda c: p.scores[c])  # type: ignore[index]
            votes[lang] = votes.get(lang, 0.0) + p.letters
    return votes


def _local_context(pieces: list[_Piece]) -> str | None:
    return _argmax(_strong_letters(pieces))


def _usable_context(context: str | None, cands: tuple[str, ...]) -> str | None:
    if not context:
        return None
    code = context.split("-")[0].lower()
    return code if code in cands else None


def _segment_votes(pieces: list[_Piece]) -> dict[str, float]:
    """What one segment says as a neighbour: at most one vote, split by language.

    Each Latin piece votes for its own best language with its share of the segment's
    letters, scaled by how sure it is; so a long paragraph and a one-word cell that is
    clearly English weigh alike, and a table's cells outvote the prose around it.
    """
    latin = [p for p in pieces if p.scores and p.evidence]
    total = sum(p.letters for p in latin)
    votes: dict[str, float] = {}
    for p in latin:
        assert p.scores is not None
        lang = max(p.scores, key=lambda c: p.scores[c])  # type: ignore[index]
        certainty = min(1.0, p.margin / _STRONG_MARGIN)
        votes[lang] = votes.get(lang, 0.0) + certainty * p.letters / total
    return votes


def _neighbour_context(votes: Sequence[dict[str, float] | None], i: int, blocks: Sequence[int] | None) -> str | None:
    """The language the segments around ``i`` vote for (nearer and same-block ones weigh more)."""
    total: dict[str, float] = {}
    lo, hi = max(0, i - _NEIGHBOUR_WINDOW), min(len(votes), i + _NEIGHBOUR_WINDOW + 1)
    for j in range(lo, hi):
        vote = votes[j]
        if j == i or not vote:
            continue
        weight = 1.0 / abs(i - j)
        if blocks is not None and blocks[j] == blocks[i]:
            weight *= 2.0
        for lang, v in vote.items():
            total[lang] = total.get(lang, 0.0) + weight * v
    return _argmax(total) if total and max(total.values()) >= _MIN_NEIGHBOUR_VOTE else None


def _argmax(votes: dict[str, float]) -> str | None:
    if not votes:
        return None
    return max(sorted(votes), key=lambda k: votes[k])


def _decide(pieces: list[_Piece], cands: tuple[str, ...], context: str | None) -> None:
    """Label each Latin piece from its evidence plus the context prior."""
    for p in pieces:
        if p.method not in ("script", "neutral"):
            _decide_piece(p, cands, context)


def _decide_piece(p: _Piece, cands: tuple[str, ...], context: str | None) -> None:
    if not cands:
        p.lang, p.confidence, p.method = "und", 0.0, "script"
        return
    if len(cands) == 1:
        p.lang, p.confidence, p.method = cands[0], 0.9, "only"
        return
    assert p.scores is not None
    scores = p.scores
    has_context = context in cands
    prior_lang = context if has_context else cands[0]
    prior = _PRIOR_CONTEXT if has_context else _PRIOR_DEFAULT
    raw_best = max(cands, key=lambda c: (scores[c], -cands.index(c)))
    total = {c: scores[c] + (prior if c == prior_lang else 0.0) for c in cands}
    best = max(cands, key=lambda c: (total[c], -cands.index(c)))
    p.lang = best
    p.confidence = _softmax(total)[best]
    if not p.evidence or best != raw_best:
        p.method = "context" if has_context else "default"
    else:
        p.method = "langdetect" if p.langdetect else "words"


def _softmax(scores: dict[str, float]) -> dict[str, float]:
    k = math.log(10) * _TEMPERATURE
    top = max(scores.values())
    exp = {c: math.exp((v - top) * k) for c, v in scores.items()}
    z = sum(exp.values())
    return {c: v / z for c, v in exp.items()}


# --- spans --------------------------------------------------------------------------------


def _to_spans(text: str, pieces: list[_Piece], merge: bool, shared: _Shared | None = None) -> list[Span]:
    """Spans from pieces: neutrals between pieces join a neighbour, same-language neighbours merge.

    With ``shared``, equal spans and equal lists of spans of a document are one object.
    """
    if not pieces:
        return []
    bounds = [[p.start, p.end] for p in pieces]
    first = len(text) - len(text.lstrip())
    bounds[0][0] = min(bounds[0][0], first)
    last = len(text.rstrip())
    bounds[-1][1] = max(bounds[-1][1], last)
    for k in range(len(pieces) - 1):
        left_end, right_start = _split_gap(text, bounds[k][1], bounds[k + 1][0])
        bounds[k][1], bounds[k + 1][0] = left_end, right_start
    spans: list[Span] = []
    weights: list[int] = []
    for p, (a, b) in zip(pieces, bounds):
        if merge and spans and spans[-1].lang == p.lang:
            prev, w = spans[-1], weights[-1]
            n = max(p.letters, 1)
            conf = (prev.confidence * w + p.confidence * n) / (w + n)
            method = prev.method if w >= n else p.method
            spans[-1] = Span(prev.start, b, p.lang, conf, method)
            weights[-1] = w + n
        else:
            spans.append(Span(a, b, p.lang, p.confidence, p.method))
            weights.append(max(p.letters, 1))
    return spans if shared is None else shared.list_of(spans)


class _Shared:
    """Equal spans, and equal lists of spans, of one document as one object each.

    A Span is frozen and a segment's spans are replaced, never changed in place
    (see :class:`~pipeline.document.Segment`), so sharing is safe; the items and
    cells of a long list repeat a few span lists many times (one list per line
    cost about 60 bytes of a 35-byte line). A new list is sized to fit.
    """

    __slots__ = ("lists", "spans")

    def __init__(self) -> None:
        self.spans: dict[Span, Span] = {}
        self.lists: dict[tuple[Span, ...], list[Span]] = {}

    def list_of(self, spans: list[Span]) -> list[Span]:
        key = tuple([self.spans.setdefault(span, span) for span in spans])
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = list(key)
        return found


_GAP_OPENERS = "¿¡([{«“‘\"'"


def _split_gap(text: str, b: int, a2: int) -> tuple[int, int]:
    """Share the neutral text between two pieces: the left one ends, the right one starts.

    Punctuation glued to the left piece (``.``, ``,``, ``)``) stays with it; everything
    from the first space on (``¿``, ``(``, numbers) goes to the right piece.
    """
    gap = text[b:a2]
    for k, ch in enumerate(gap):
        if ch.isspace():
            right = b + k
            while right < a2 and text[right].isspace():
                right += 1
            return b + k, right
    for k, ch in enumerate(gap):
        if ch in _GAP_OPENERS:
            return b + k, b + k
    return a2, a2


def _strip_range(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b
