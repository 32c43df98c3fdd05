"""The batch translator: every segment of a run, translated in as few model calls as possible.

Why it is built this way:

* argostranslate's ``translate()`` splits sentences with a model it downloads
  and calls CTranslate2 once per paragraph. We split sentences ourselves
  (:mod:`pipeline.sentences`), deduplicate across the whole run, and give
  CTranslate2 *all* sentences of a language pair in one ``translate_batch``
  (``batch_type="tokens"``: it sorts by length and packs thousands of tokens per
  batch). That is where the speed comes from.
* Every sentence goes through the translation memory first; a rerun sends
  only what changed to a model.
* Code-switched segments (a Spanish sentence with a Thai clause) are restored
  first: the minority runs are translated into the segment's main language,
  then the restored sentence is translated as one sentence. Runs already in the
  target language are left alone (a round trip through the main language only
  loses them). Both steps go through the memory.
* No direct model: pivot through English (``th -> en -> es``).
* Sentences longer than ``MAX_INPUT_TOKENS`` are cut at token boundaries
  (word starts and punctuation preferred) so none reaches ``max_decoding_length``.

Models, tokenizers and the memory are opened on first use, so constructing a
:class:`Translator` costs nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.document import Span
from pipeline.errors import ModelError
from pipeline.sentences import split_sentences
from pipeline.translate import argos
from pipeline.translate.memory import Entry, MemoryKey, TranslationMemory

PIVOT = "en"
MAX_INPUT_TOKENS = 200  # longer sentences are cut: decoding cost and quality both suffer past this
MAX_DECODING_CAP = 512
_LETTER = re.compile(r"[^\W\d_]")
_CONTINUATION_BYTE = re.compile(r"^<0x[89AB][0-9A-F]>$")
_BREAK_AFTER = (".", ",", ";", ":", "!", "?", "…", ")", "»", "”", "—", "-")


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class TranslateSettings:
    models_dir: str | None = None
    beam_size: int = 4
    compute_type: str = "default"
    # Source tokens per translate_batch sub-batch. Measured on 2 cores with an
    # Argos-sized model (6+6, d512, int8, beam 4, 600 sentences): 1024 -> 17.8 s,
    # 2048 -> 35 s, 4096 -> 43 s; bigger beams x batch fall out of cache.
    max_batch_tokens: int = 1024
    threads: int = 0  # 0 = auto


@dataclass
class Job:
    text: str
    spans: list[Span]
    source_lang: str
    target: str


Kept = tuple[int, int, str]  # (start, end, lang): a run of Outcome.text left in its language


@dataclass
class Outcome:
    """What became of one job. The runner reads only these fields and :meth:`as_sidecar`.

    ``kept`` lists the runs of ``text`` that stay in their own language because
    no installed route can translate them (offsets into ``text``); ``missing``
    the pairs that lacked a route. Status "untranslated" means the whole segment
    was kept, "partial" that some runs were kept and the rest translated.
    """

    text: str
    status: str  # "translated" | "memory" | "unchanged" | "untranslated" | "partial"
    missing: list[tuple[str, str]] = field(default_factory=list)  # pairs with no route, sorted
    glossary_failures: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    route: list[dict[str, Any]] = field(default_factory=list)  # per sentence/run: start, end, lang, hops

    @property
    def kept_languages(self) -> list[str]:
        """The languages of the kept runs, each once, in order of appearance."""
        return list(dict.fromkeys(lang for _, _, lang in self.kept))

    def as_sidecar(self) -> dict[str, Any]:
        """What the sidecar records of this outcome, beside the segment's id, text and line.

        The engine owns this shape; the runner writes it as given. "memory" and
        "translated" are one status in files: which one a segment got depends on
        what earlier runs did, and files must not.
        """
        out: dict[str, Any] = {"status": "translated" if self.status == "memory" else self.status}
        if self.missing:
            out["missing"] = [list(p) for p in self.missing]
        if self.kept:
            out["kept"] = [list(k) for k in self.kept]
        if self.route:
            out["route"] = self.route
        if self.glossary_failures:
            out["glossary_failures"] = list(self.glossary_failures)
        return out


class _Enforced(Protocol):
    text: str
    enforced: int
    recovered: int
    failures: list[str]


class GlossaryLike(Protocol):
    """What the engine needs from :class:`pipeline.glossary.Glossary`."""

    checksum: str

    def protect(self, text: str, src: str, tgt: str, *, attempt: int = 0) -> Any: ...
    def restore(self, protected: Any, output: str) -> Any: ...
    def apply_in_target(self, text: str, tgt: str) -> Any: ...


# --------------------------------------------------------------------------- one model


class _Model:
    """One installed package: CTranslate2 translator and tokenizer, loaded on first use."""

    def __init__(self, pkg: argos.InstalledPackage, settings: TranslateSettings) -> None:
        self.pkg = pkg
        self.settings = settings
        self._translator: Any = None
        self._tokenizer: Any = None

    @property
    def identity(self) -> str:
        return f"{self.pkg.name}@{self.pkg.package_version}#{self.pkg.checksum()[:16]}"

    def _load(self) -> None:
        if self._translator is not None:
            return
        import ctranslate2

        inter, intra = _threads(self.settings.threads)
        try:
            self._translator = ctranslate2.Translator(
                str(self.pkg.model_dir), device="cpu", compute_type=self.settings.compute_type,
                inter_threads=inter, intra_threads=intra,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"{self.pkg.model_dir}: CTranslate2 cannot load this model ({exc}); "
                             f"reinstall it with `pipeline models remove {self.pkg.folder}` and "
                             f"`pipeline models install`") from None
        if self.pkg.tokenizer.name == "sentencepiece.model":
            import sentencepiece as spm

            self._tokenizer = spm.SentencePieceProcessor(model_file=str(self.pkg.tokenizer))
        else:  # older BPE packages: argostranslate's tokenizer (needs sacremoses)
            from argostranslate.tokenizer import BPETokenizer

            self._tokenizer = BPETokenizer(self.pkg.tokenizer, self.pkg.from_code, self.pkg.to_code)

    def encode(self, text: str) -> list[str]:
        self._load()
        if hasattr(self._tokenizer, "encode_as_pieces"):
            return list(self._tokenizer.encode(text, out_type=str))
        return list(self._tokenizer.encode(text))

    def decode(self, tokens: list[str]) -> str:
        if hasattr(self._tokenizer, "decode_pieces"):
            text = self._tokenizer.decode_pieces(tokens).replace("\u2581", " ")
        else:
            text = self._tokenizer.decode(tokens)
        return text.strip()

    def translate(self, texts: Sequence[str]) -> tuple[list[str], int]:
        """Translate ``texts`` in one batched call; return outputs and the source token count."""
        if not texts:
            return [], 0
        self._load()
        pieces: list[list[str]] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            for chunk in split_tokens(self.encode(text), MAX_INPUT_TOKENS):
                pieces.append(chunk)
                owner.append(i)
        prefix = self.pkg.target_prefix
        longest = max(len(p) for p in pieces)
        results = self._translator.translate_batch(
            pieces,
            target_prefix=[[prefix]] * len(pieces) if prefix else None,
            beam_size=self.settings.beam_size,
            max_batch_size=self.settings.max_batch_tokens,
            batch_type="tokens",
            max_decoding_length=min(MAX_DECODING_CAP, 2 * longest + 16),
            replace_unknowns=True,
            length_penalty=0.2,  # argostranslate's value
        )
        out_tokens: list[list[str]] = [[] for _ in texts]
        for i, result in zip(owner, results):
            hyp = list(result.hypotheses[0])
            if prefix and hyp[:1] == [prefix]:
                hyp = hyp[1:]
            out_tokens[i].extend(hyp)
        return [self.decode(t) for t in out_tokens], sum(len(p) for p in pieces)

    def close(self) -> None:
        self._translator = None
        self._tokenizer = None


def _threads(threads: int) -> tuple[int, int]:
    """(inter_threads, intra_threads) for CTranslate2.

    Auto: one thread per batch worker and one worker per core, up to 4. Measured
    on 2 cores: intra-op threads (OpenMP) collapse when another process holds a
    core (x10 slower on small models), while parallel batches degrade gracefully.
    """
    if threads > 0:
        return 1, threads
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4)), 1


def split_tokens(tokens: list[str], limit: int) -> list[list[str]]:
    """Cut a token list into chunks of at most ``limit`` tokens.

    Cuts after punctuation if possible, else before a word start, else anywhere
    but inside a UTF-8 byte sequence (byte-fallback pieces), so each chunk
    decodes to whole characters.
    """
    if len(tokens) <= limit:
        return [tokens]
    chunks, start = [], 0
    while len(tokens) - start > limit:
        lo, hi = start + limit // 2, start + limit
        cut = _best_cut(tokens, lo, hi)
        chunks.append(tokens[start:cut])
        start = cut
    chunks.append(tokens[start:])
    return chunks


def _best_cut(tokens: list[str], lo: int, hi: int) -> int:
    for test in (
        lambda i: tokens[i - 1].endswith(_BREAK_AFTER),
        lambda i: tokens[i].startswith("\u2581"),
        lambda i: not _CONTINUATION_BYTE.match(tokens[i]),
    ):
        for i in range(hi, lo, -1):
            if test(i):
                return i
    return hi


# --------------------------------------------------------------------------- the translator


@dataclass
class _Result:
    """The translation of one unit (a sentence or a foreign run)."""

    text: str
    source: str  # "model" | "memory" | "none" (nothing to translate)
    failures: list[str] = field(default_factory=list)


@dataclass
class _Missing:
    pair: tuple[str, str]


UnitKey = tuple[str, str, str]  # (text, src, tgt)


class Translator:
    """Translate segments with installed Argos packages; see the module docs."""

    def __init__(self, settings: TranslateSettings, *, memory_path: str | None = None,
                 glossary: GlossaryLike | None = None) -> None:
        self.settings = settings
        self.memory_path = memory_path
        self.glossary = glossary
        self.stats: dict[str, int] = {
            "segments": 0, "translated": 0, "from_memory": 0, "unchanged": 0, "untranslated": 0,
            "sentences": 0, "memory_hits": 0, "tokens": 0, "model_calls": 0,
            "glossary_enforced": 0, "glossary_recovered": 0, "glossary_failed": 0,
        }
        self._packages: dict[tuple[str, str], argos.InstalledPackage] | None = None
        self._models: dict[str, _Model] = {}
        self._used: dict[str, argos.InstalledPackage] = {}
        self._memory: TranslationMemory | None = None

    # ------------------------------------------------------------------ routes

    def _installed(self) -> dict[tuple[str, str], argos.InstalledPackage]:
        if self._packages is None:
            found: dict[tuple[str, str], argos.InstalledPackage] = {}
            for pkg in argos.list_packages(self.settings.models_dir):
                found.setdefault(pkg.pair, pkg)  # sorted by folder: deterministic
            self._packages = found
        return self._packages

    def _route(self, pair: tuple[str, str]) -> list[argos.InstalledPackage] | None:
        src, tgt = pair
        if src == tgt:
            return []
        installed = self._installed()
        if pair in installed:
            return [installed[pair]]
        if PIVOT not in pair and (src, PIVOT) in installed and (PIVOT, tgt) in installed:
            return [installed[(src, PIVOT)], installed[(PIVOT, tgt)]]
        return None

    def preflight(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], list[str] | None]:
        """The packages each pair would use (``["es_en"]``, ``["th_en", "en_es"]``) or None."""
        out: dict[tuple[str, str], list[str] | None] = {}
        for pair in sorted(pairs):
            route = self._route(pair)
            out[pair] = None if route is None else [p.name for p in route]
            for p in route or []:
                self._used[p.name] = p
        return out

    def models_signature(self) -> list[dict[str, str]]:
        """Name, version and checksum of every package this translator routed through."""
        return [
            {"name": p.name, "version": p.package_version, "checksum": p.checksum()}
            for _, p in sorted(self._used.items())
        ]

    def _model(self, pkg: argos.InstalledPackage) -> _Model:
        if pkg.folder not in self._models:
            self._models[pkg.folder] = _Model(pkg, self.settings)
        self._used[pkg.name] = pkg
        return self._models[pkg.folder]

    @property
    def memory(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = TranslationMemory(self.memory_path)
        return self._memory

    # ------------------------------------------------------------------ translate

    def translate(self, jobs: list[Job]) -> list[Outcome]:
        """Translate every job; outcomes in the same order. Deterministic."""
        outcomes: list[Outcome | None] = [None] * len(jobs)
        pending: list[int] = []
        for i, job in enumerate(jobs):
            runs = _foreign_runs(job)
            if not _has_letters(job.text) or (job.source_lang == job.target and not runs):
                outcomes[i] = self._unchanged(job)
            else:
                pending.append(i)

        # Step 1: restore code-switched runs into the segment's main language.
        run_units = {i: _foreign_runs(jobs[i]) for i in pending}
        restored_units = self._translate_units(
            [(jobs[i].text[a:b], sp.lang, jobs[i].source_lang) for i in pending for sp, a, b in run_units[i]]
        )
        restored: dict[int, tuple[str, list[_Result | _Missing]]] = {}
        for i in pending:
            job, parts, results = jobs[i], [], []
            pos = 0
            for sp, a, b in run_units[i]:
                r = restored_units[(job.text[a:b], sp.lang, job.source_lang)]
                results.append(r)
                parts += [job.text[pos:a], r.text if isinstance(r, _Result) else job.text[a:b]]
                pos = b
            parts.append(job.text[pos:])
            restored[i] = ("".join(parts), results)

        # Step 1b: where no model restores a run into the main language (th->es
        # with only th->en and es->en installed), translate each language's
        # pieces straight into the target instead of leaving it all untranslated.
        piecewise = {
            i: _pieces(jobs[i], run_units[i]) for i in pending
            if jobs[i].source_lang != jobs[i].target and any(isinstance(r, _Missing) for r in restored[i][1])
        }
        piece_units = self._translate_units(
            [(jobs[i].text[a:b], lang, jobs[i].target) for i, pcs in piecewise.items() for a, b, lang in pcs]
        )
        for i, pcs in piecewise.items():
            job, parts, results, pos = jobs[i], [], [], 0
            for a, b, lang in pcs:
                r = piece_units[(job.text[a:b], lang, job.target)]
                results.append(r)
                parts += [job.text[pos:a], r.text if isinstance(r, _Result) else job.text[a:b]]
                pos = b
            parts.append(job.text[pos:])
            outcomes[i] = self._outcome(job, "".join(parts), results)

        # Step 2: translate the (restored) segments sentence by sentence.
        sentences = {
            i: split_sentences(restored[i][0]) for i in pending
            if jobs[i].source_lang != jobs[i].target and i not in piecewise
            and not any(isinstance(r, _Missing) for r in restored[i][1])
        }
        sentence_units = self._translate_units(
            [(restored[i][0][a:b], jobs[i].source_lang, jobs[i].target) for i, spans in sentences.items()
             for a, b in spans]
        )
        for i in pending:
            if i in piecewise:
                continue
            text, results = restored[i]
            job = jobs[i]
            if i in sentences:
                parts, pos = [], 0
                for a, b in sentences[i]:
                    r = sentence_units[(text[a:b], job.source_lang, job.target)]
                    results.append(r)
                    parts += [text[pos:a], r.text if isinstance(r, _Result) else text[a:b]]
                    pos = b
                parts.append(text[pos:])
                text = "".join(parts)
            outcomes[i] = self._outcome(job, text, results)

        done = [o for o in outcomes if o is not None]
        self.stats["segments"] += len(done)
        for o in done:
            key = {"memory": "from_memory"}.get(o.status, o.status)
            self.stats[key] += 1
        return done

    def _unchanged(self, job: Job) -> Outcome:
        if self.glossary is None or not _has_letters(job.text):
            return Outcome(job.text, "unchanged")
        enforced = self.glossary.apply_in_target(job.text, job.target)
        self._count_glossary(enforced)
        return Outcome(enforced.text, "unchanged", glossary_failures=list(enforced.failures))

    @staticmethod
    def _outcome(job: Job, text: str, results: list[_Result | _Missing]) -> Outcome:
        missing = next((r.pair for r in results if isinstance(r, _Missing)), None)
        if missing is not None:
            return Outcome(job.text, "untranslated", missing=[missing], kept=[(0, len(job.text), missing[0])])
        done = [r for r in results if isinstance(r, _Result)]
        failures = [f for r in done for f in r.failures]
        status = "translated" if any(r.source == "model" for r in done) else "memory"
        if all(r.source == "none" for r in done):
            status = "unchanged"
        return Outcome(text, status, glossary_failures=failures)

    def _translate_units(self, units: list[UnitKey]) -> dict[UnitKey, _Result | _Missing]:
        """Translate units (deduplicated), grouped by pair: memory first, then one batch per pair."""
        out: dict[UnitKey, _Result | _Missing] = {}
        by_pair: dict[tuple[str, str], set[str]] = {}
        for text, src, tgt in units:
            by_pair.setdefault((src, tgt), set()).add(text)
        for pair, texts in sorted(by_pair.items()):
            route = self._route(pair)
            if route is None:
                out.update({(t, *pair): _Missing(pair) for t in texts})
                continue
            todo = sorted(t for t in texts if _has_letters(t))
            out.update({(t, *pair): _Result(t, "none") for t in texts if not _has_letters(t)})
            if not todo:
                continue
            models = [self._model(p) for p in route]
            key = MemoryKey(pair[0], pair[1], "+".join(m.identity for m in models),
                            self.glossary.checksum if self.glossary is not None else "")
            found = self.memory.lookup(todo, key)
            self.stats["memory_hits"] += len(found)
            out.update({(t, *pair): _Result(e.target, "memory", list(e.failures)) for t, e in found.items()})
            missing = [t for t in todo if t not in found]
            if missing:
                fresh = self._run_models(missing, models, pair)
                self.memory.store(fresh, key)
                out.update({(t, *pair): _Result(e.target, "model", list(e.failures)) for t, e in fresh.items()})
        return out

    def _run_models(self, texts: list[str], models: list[_Model], pair: tuple[str, str]) -> dict[str, Entry]:
        """Model calls for texts not in the memory, hop by hop through a pivot.

        The glossary protects and verifies each hop with that hop's own
        languages (es->en with the English term, then en->th with the Thai
        one), so no model is fed a term in a language it does not know.
        """
        self.stats["sentences"] += len(texts)
        current = list(texts)
        failures: list[list[str]] = [[] for _ in texts]
        for k, model in enumerate(models):
            current, hop_failures = self._hop(current, model, count=k == len(models) - 1)
            for acc, new in zip(failures, hop_failures):
                acc.extend(f for f in new if f not in acc)
        return {t: Entry(c, f) for t, c, f in zip(texts, current, failures)}

    def _hop(self, texts: list[str], model: _Model, *, count: bool) -> tuple[list[str], list[list[str]]]:
        """One model over ``texts`` with glossary protection and one retry.

        ``count``: add this hop's enforcement to the stats (the last hop only,
        so a pivot does not count each term twice).
        """
        g = self.glossary
        if g is None:
            return self._through([model], texts), [[] for _ in texts]
        src, tgt = model.pkg.pair
        protected = [g.protect(t, src, tgt) for t in texts]
        first = [g.restore(p, o) for p, o in zip(protected, self._through([model], [p.text for p in protected]))]
        retry = [i for i, e in enumerate(first) if e.failures]
        final = list(first)
        if retry:
            again = [g.protect(texts[i], src, tgt, attempt=1) for i in retry]
            outputs = self._through([model], [p.text for p in again])
            for i, p, o in zip(retry, again, outputs):
                second = g.restore(p, o)
                if len(second.failures) <= len(first[i].failures):
                    final[i] = second
        if count:
            for e in final:
                self._count_glossary(e)
        return [e.text for e in final], [list(e.failures) for e in final]

    def _through(self, models: list[_Model], texts: list[str]) -> list[str]:
        for model in models:
            texts, tokens = model.translate(texts)
            self.stats["tokens"] += tokens
            self.stats["model_calls"] += 1
        return texts

    def _count_glossary(self, e: _Enforced) -> None:
        self.stats["glossary_enforced"] += e.enforced
        self.stats["glossary_recovered"] += e.recovered
        self.stats["glossary_failed"] += len(e.failures)

    def close(self) -> None:
        for m in self._models.values():
            m.close()
        self._models.clear()
        if self._memory is not None:
            self._memory.close()
            self._memory = None


# --------------------------------------------------------------------------- helpers


def _has_letters(text: str) -> bool:
    return bool(_LETTER.search(text))


def _foreign_runs(job: Job) -> list[tuple[Span, int, int]]:
    """Runs to restore: not the main language, not the target, not undetermined; whitespace trimmed."""
    out: list[tuple[Span, int, int]] = []
    for sp in sorted(job.spans, key=lambda s: (s.start, s.end)):
        if sp.lang in (job.source_lang, job.target, "und", ""):
            continue
        a, b = sp.start, sp.end
        while a < b and job.text[a].isspace():
            a += 1
        while b > a and job.text[b - 1].isspace():
            b -= 1
        if _has_letters(job.text[a:b]) and (not out or a >= out[-1][2]):
            out.append((sp, a, b))
    return out


def _pieces(job: Job, runs: list[tuple[Span, int, int]]) -> list[tuple[int, int, str]]:
    """The job's text cut into (start, end, lang): its foreign runs, and the sentences between
    them in the main language; only pieces with letters."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for sp, a, b in [*runs, (None, len(job.text), len(job.text))]:
        gap = job.text[pos:a]
        out += [(pos + x, pos + y, job.source_lang) for x, y in split_sentences(gap) if _has_letters(gap[x:y])]
        if sp is not None and _has_letters(job.text[a:b]):
            out.append((a, b, sp.lang))
        pos = b
    return out


def models_dir_path(settings: TranslateSettings) -> Path:
    """The models folder these settings use."""
    return argos.resolve_models_dir(settings.models_dir)
