"""The batch translator: every segment of a run, a route per sentence, as few model calls as possible.

Why it is built this way:

* The sentence is the unit of language and routing (:mod:`.routing`): each
  sentence takes its language from its own spans. A sentence already in the
  target language is copied byte for byte and never reaches a model. A
  sentence in X takes the shortest installed route X -> target (direct before
  a pivot). A run of another language inside a sentence (a Thai clause in a
  Spanish sentence) is a piece of its own: when it is in the target language
  it is copied and only the rest of the sentence is translated around it;
  otherwise it is translated directly into the target, and the main-language
  stretches around it are translated as pieces too ("run-direct", below).
* Partial pairs: every piece with a route is translated; only pieces without
  one keep their language, each reported in ``Outcome.kept`` with its own
  language, and the missing *hop* (``en_th`` for es->th with es_en installed)
  in ``Outcome.missing``.
* Work is grouped by hop across the whole batch: every text that one package
  must translate, from every route, goes to that package together (dedup,
  memory look-up, then ``translate_batch`` in sub-batches). The memory holds
  one entry per hop (:mod:`.memory`), keyed by the text, the hop's model, the
  glossary rows that match the text and the output-changing settings, so a
  one-row glossary edit or one upgraded package retranslates only what it
  touches.
* Sub-batches: between two of them the translator saves what finished, calls
  ``on_progress(done, total)`` and ``should_stop()``; a stop request raises
  :class:`Stopped` (a KeyboardInterrupt) within seconds, losing nothing.
* A package that cannot be loaded (garbage tokenizer, broken model) is named in
  ``Translator.problems`` with the fix; the pieces routed through it are kept
  and marked, and every other pair goes on.
* The model-running step is :func:`.model.run_hop` (loaded models cached per
  process) or any callable with its signature (``hop_runner``): a cluster
  executor runs hops on its workers while this process keeps dedup, memory and
  glossary protection.

Run-direct or restore-then-translate, measured (``bench/translate.py --only
routing --quick``: Argos-sized echo packages, beam 4, cold memory, 300 Spanish
sentences each holding a foreign run, half an English run --to th, half a Thai
run --to en, so the target is neither the sentence's language nor the run's;
2 cores shared with other work, load ~4)::

    strategy                 seconds  model calls  source tokens  hops on the run
    run-direct                 26.0        16          12,285          1
    restore-then-translate     35.8        20          21,442          3

    weak-NMT models (reorder + repeat each hop), character error rate vs the ideal:
    run-direct 51.3 %, restore-then-translate 79.8 %

Run-direct is the default (``mixed="direct"``): 1.4x faster, 43 % fewer tokens
to decode, and the run goes through one model instead of three (restoring
sends th -> en -> es, then es -> en), and every hop of a real model loses
something, which the weak-NMT models make measurable. What it gives up is the
sentence context of the main-language stretches around a run; in lesson text
such runs are rare inside a sentence (the splitter already cuts at a space
between Thai and Latin script, so most Thai clauses are sentences of their own),
so the pieces are usually whole clauses. ``mixed="restore"`` stays selectable
for the comparison.

Models, tokenizers and the memory are opened on first use, so constructing a
:class:`Translator` costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError
from pipeline.translate import argos
from pipeline.translate.memory import Entry, MemoryKey, TranslationMemory
from pipeline.translate.model import (
    DECODING,
    MAX_DECODING_CAP,
    MAX_INPUT_TOKENS,
    LoadedModel,
    run_hop,
    split_tokens,
)
from pipeline.translate.outcome import GlossaryLike, Job, Kept, Outcome, Stopped, _Enforced
from pipeline.translate.routing import NO_LANGUAGE, PIVOT, Sentence, has_letters, missing_hop, plan, shortest_route
from pipeline.translate.settings import (
    TranslateSettings,
    check_device,
    device_signature,
    output_settings,
    threads_for,
)

__all__ = [
    "MAX_DECODING_CAP", "MAX_INPUT_TOKENS", "PIVOT", "GlossaryLike", "Job", "Kept", "Outcome", "Stopped",
    "TranslateSettings",
    "Translator", "check_device", "device_signature", "run_hop", "split_tokens",
]

HopRunner = Callable[[str, str, list[str], TranslateSettings], list[str]]
# Sub-batch size: batches per worker in this process (2 in flight: a stop waits for
# at most 4 batches per worker, seconds on CPU); sentences per call through a hop runner.
SUB_BATCH_BATCHES = 2
SUB_BATCH_SENTENCES = 256
MIXED_STRATEGIES = ("direct", "restore")


def _threads(threads: int) -> tuple[int, int]:
    """(inter, intra) threads on CPU for a ``threads`` setting (kept for the benches)."""
    return threads_for(TranslateSettings(threads=threads, device="cpu"), "cpu")


# --------------------------------------------------------------------------- internals


@dataclass
class _Result:
    """The translation of one unit (a sentence or a run) into one language."""

    text: str
    how: str  # "model" | "memory"
    failures: list[str] = field(default_factory=list)
    hops: list[str] = field(default_factory=list)


@dataclass
class _Missing:
    hop: tuple[str, str]
    hops: list[str] = field(default_factory=list)


UnitKey = tuple[str, str, str]  # (text, src, tgt)


@dataclass
class _Walk:
    """One unit on its way along its route."""

    key: UnitKey
    route: list[argos.InstalledPackage]
    text: str
    step: int = 0
    failures: list[str] = field(default_factory=list)
    used_model: bool = False
    broken: tuple[str, str] | None = None


# --------------------------------------------------------------------------- the translator


class Translator:
    """Translate segments with installed Argos packages; see the module docs."""

    def __init__(self, settings: TranslateSettings, *, memory_path: str | None = None,
                 glossary: GlossaryLike | None = None, hop_runner: HopRunner | None = None,
                 should_stop: Callable[[], bool] | None = None,
                 on_progress: Callable[[int, int], None] | None = None, mixed: str = "direct") -> None:
        if mixed not in MIXED_STRATEGIES:
            raise ValueError(f"mixed must be one of {MIXED_STRATEGIES}, not {mixed!r}")
        self.settings = settings
        self.memory_path = memory_path
        self.glossary = glossary
        self.hop_runner = hop_runner
        self.should_stop = should_stop
        self.on_progress = on_progress
        self.mixed = mixed
        self.stats: dict[str, int] = {
            "segments": 0, "translated": 0, "from_memory": 0, "unchanged": 0, "untranslated": 0, "partial": 0,
            "sentences": 0, "memory_hits": 0, "tokens": 0, "model_calls": 0,
            "glossary_enforced": 0, "glossary_recovered": 0, "glossary_failed": 0,
        }
        self.problems: list[str] = []  # one line per package that could not be used, with the fix
        self._packages: dict[tuple[str, str], argos.InstalledPackage] | None = None
        self._models: dict[str, LoadedModel] = {}
        self._used: dict[str, argos.InstalledPackage] = {}
        self._broken: set[str] = set()
        self._memory: TranslationMemory | None = None
        self._settings_key: str | None = None

    # ------------------------------------------------------------------ routes

    def _installed(self) -> dict[tuple[str, str], argos.InstalledPackage]:
        if self._packages is None:
            found: dict[tuple[str, str], argos.InstalledPackage] = {}
            for pkg in argos.list_packages(self.settings.models_dir):  # sorted by folder
                old = found.get(pkg.pair)
                if old is None or _version(pkg.package_version) > _version(old.package_version):
                    found[pkg.pair] = pkg  # two versions of one pair: the newest wins
            self._packages = found
        return self._packages

    def _route(self, pair: tuple[str, str]) -> list[argos.InstalledPackage] | None:
        installed = self._installed()
        hops = shortest_route(pair[0], pair[1], installed)
        return None if hops is None else [installed[h] for h in hops]

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

    def device_signature(self) -> dict[str, str]:
        """Device and resolved compute type, for the output signature."""
        return device_signature(self.settings)

    @property
    def memory(self) -> TranslationMemory:
        if self._memory is None:
            self._memory = TranslationMemory(self.memory_path)
        return self._memory

    # ------------------------------------------------------------------ translate

    def translate(self, jobs: list[Job]) -> list[Outcome]:
        """Translate every job; outcomes in the same order. Deterministic."""
        plans = [plan(job.text, job.spans, job.source_lang) for job in jobs]
        restore = self._restore_plan(jobs, plans) if self.mixed == "restore" else {}
        # Step 1 (restore strategy only): foreign runs into their sentence's main language.
        pre = self._translate_units([u for pairs in restore.values() for _, u in pairs])
        restored: dict[tuple[int, int], tuple[str, list[tuple[Any, _Result | _Missing]]]] = {}
        for (i, k), units in restore.items():
            s, job = plans[i][k], jobs[i]
            parts, pos, got = [], s.start, []
            for p, u in units:
                r = pre[u]
                got.append((p, r))
                parts += [job.text[pos:p.start], r.text if isinstance(r, _Result) else job.text[p.start:p.end]]
                pos = p.end
            parts.append(job.text[pos:s.end])
            if all(isinstance(r, _Result) for _, r in got):
                restored[(i, k)] = ("".join(parts), got)
        # Step 2: every piece (or restored sentence) into the target.
        todo: list[UnitKey] = []
        for i, (job, sentences) in enumerate(zip(jobs, plans)):
            for k, s in enumerate(sentences):
                if (i, k) in restored:
                    todo.append((restored[(i, k)][0], s.main, job.target))
                    continue
                todo += [(job.text[p.start:p.end], p.lang, job.target) for p in s.pieces
                         if p.lang not in NO_LANGUAGE and p.lang != job.target]
        done = self._translate_units(todo)
        outcomes = [self._assemble(job, plans[i], done, restored, i) for i, job in enumerate(jobs)]
        self.stats["segments"] += len(outcomes)
        for o in outcomes:
            self.stats[{"memory": "from_memory"}.get(o.status, o.status)] += 1
        return outcomes

    def _restore_plan(self, jobs: list[Job], plans: list[list[Sentence]]) -> dict[tuple[int, int], list[tuple[Any, UnitKey]]]:
        """Sentences to restore first: mixed, main language not the target, no run in the target."""
        out: dict[tuple[int, int], list[tuple[Any, UnitKey]]] = {}
        for i, (job, sentences) in enumerate(zip(jobs, plans)):
            for k, s in enumerate(sentences):
                foreign = [p for p in s.pieces if p.lang != s.main]
                if (not foreign or s.main == job.target or s.main in NO_LANGUAGE
                        or any(p.lang == job.target or p.lang in NO_LANGUAGE for p in foreign)):
                    continue
                out[(i, k)] = [(p, (job.text[p.start:p.end], p.lang, s.main)) for p in foreign]
        return out

    def _assemble(self, job: Job, sentences: list[Sentence], results: dict[UnitKey, _Result | _Missing],
                  restored: dict[tuple[int, int], tuple[str, list[tuple[Any, _Result | _Missing]]]],
                  i: int) -> Outcome:
        parts: list[str] = []
        out_len = 0
        pos = 0
        kept: list[Kept] = []
        route: list[dict[str, Any]] = []
        missing: set[tuple[str, str]] = set()
        failures: list[str] = []
        hows: list[str] = []

        def emit(a: int, b: int, text: str) -> tuple[int, int]:
            nonlocal out_len, pos
            gap = job.text[pos:a]
            parts.extend((gap, text))
            start = out_len + len(gap)
            out_len = start + len(text)
            pos = b
            return start, out_len

        for k, s in enumerate(sentences):
            if (i, k) in restored:
                text, pre = restored[(i, k)]
                r = results[(text, s.main, job.target)]
                for p, rr in pre:
                    assert isinstance(rr, _Result)
                    route.append({"start": p.start, "end": p.end, "lang": p.lang, "hops": rr.hops, "how": "restored"})
                    failures += rr.failures
                if isinstance(r, _Result):
                    emit(s.start, s.end, r.text)
                    route.append({"start": s.start, "end": s.end, "lang": s.main, "hops": r.hops, "how": r.how})
                    failures += r.failures
                    hows.append(r.how)
                    continue
                # the restored sentence has no route on: keep the source sentence as written
                for p in s.pieces:
                    self._keep(job, p.start, p.end, p.lang, r.hop, emit, kept, route, missing, hows)
                continue
            for p in s.pieces:
                piece = job.text[p.start:p.end]
                if p.lang in NO_LANGUAGE or p.lang == job.target:
                    text = self._copied(piece, job.target, failures)
                    emit(p.start, p.end, text)
                    route.append({"start": p.start, "end": p.end, "lang": p.lang, "hops": [], "how": "copied"})
                    continue
                r = results[(piece, p.lang, job.target)]
                if isinstance(r, _Missing):
                    self._keep(job, p.start, p.end, p.lang, r.hop, emit, kept, route, missing, hows)
                    continue
                emit(p.start, p.end, r.text)
                route.append({"start": p.start, "end": p.end, "lang": p.lang, "hops": r.hops, "how": r.how})
                failures += r.failures
                hows.append(r.how)
        parts.append(job.text[pos:])
        text = "".join(parts)
        translated = [h for h in hows if h in ("model", "memory")]
        if kept:
            status = "partial" if translated else "untranslated"
        elif "model" in translated:
            status = "translated"
        elif translated:
            status = "memory"
        else:
            status = "unchanged"
        return Outcome(text, status, sorted(missing), list(dict.fromkeys(failures)), kept, route)

    @staticmethod
    def _keep(job: Job, a: int, b: int, lang: str, hop: tuple[str, str], emit: Callable[[int, int, str], tuple[int, int]],
              kept: list[Kept], route: list[dict[str, Any]], missing: set[tuple[str, str]], hows: list[str]) -> None:
        start, end = emit(a, b, job.text[a:b])
        if kept and kept[-1][2] == lang and route and route[-1]["how"] == "kept" and not has_letters(
                job.text[route[-1]["end"]:a]):
            kept[-1] = (kept[-1][0], end, lang)  # one run: neighbouring kept pieces of one language
        else:
            kept.append((start, end, lang))
        route.append({"start": a, "end": b, "lang": lang, "hops": [], "how": "kept"})
        missing.add(hop)
        hows.append("kept")

    def _copied(self, text: str, target: str, failures: list[str]) -> str:
        """A piece already in the target language: as written (glossary terms of other languages aside)."""
        if self.glossary is None:
            return text
        enforced = self.glossary.apply_in_target(text, target)
        self._count_glossary(enforced)
        failures += enforced.failures
        return str(enforced.text)

    # ------------------------------------------------------------------ units, hop by hop

    def _translate_units(self, units: list[UnitKey]) -> dict[UnitKey, _Result | _Missing]:
        """Translate distinct units along their routes, one hop level at a time across all routes."""
        out: dict[UnitKey, _Result | _Missing] = {}
        walks: list[_Walk] = []
        installed = self._installed()
        for key in sorted(set(units)):
            text, src, tgt = key
            if not has_letters(text):
                out[key] = _Result(text, "copied")  # nothing to translate: never sent anywhere
                continue
            route = self._route((src, tgt))
            if route is None:
                out[key] = _Missing(missing_hop(src, tgt, installed))
                continue
            walks.append(_Walk(key, route, text))
        total, done = len(walks), 0
        active = [w for w in walks if w.route]
        while active:
            by_pkg: dict[str, list[_Walk]] = {}
            for w in active:
                by_pkg.setdefault(w.route[w.step].folder, []).append(w)
            for folder in sorted(by_pkg):
                group = by_pkg[folder]
                pkg = group[0].route[group[0].step]
                last = {w.text for w in group if w.step == len(w.route) - 1}
                for _ in self._hop_group(pkg, group, last):
                    done = sum(1 for w in walks if w.step >= len(w.route) or w.broken)
                    if self.on_progress is not None:
                        self.on_progress(done, total)
                    if self.should_stop is not None and self.should_stop():
                        raise Stopped()
            active = [w for w in active if w.broken is None and w.step < len(w.route)]
        for w in walks:
            names = [p.name for p in w.route]
            if w.broken is not None:
                out[w.key] = _Missing(w.broken, names)
            else:
                out[w.key] = _Result(w.text, "model" if w.used_model else "memory", w.failures, names)
                self.stats["sentences"] += int(w.used_model)
        if self.on_progress is not None and total:
            self.on_progress(total, total)
        return out

    def _hop_group(self, pkg: argos.InstalledPackage, group: list[_Walk], last: set[str]) -> Iterator[None]:
        """Advance every walk of ``group`` by one hop through ``pkg``; yields after each sub-batch
        (whose entries are in the memory by then)."""
        self._used[pkg.name] = pkg
        texts = sorted({w.text for w in group})
        key = MemoryKey(pkg.from_code, pkg.to_code, _identity(pkg), "", self._output_settings())
        digests = {t: self._rows_digest(t, pkg.from_code, pkg.to_code) for t in texts}
        found = self.memory.lookup(texts, key, digests)
        self.stats["memory_hits"] += len(found)
        todo = [] if pkg.folder in self._broken else [t for t in texts if t not in found]
        fresh: dict[str, Entry] = {}
        g = self.glossary
        protected = [g.protect(t, *pkg.pair) for t in todo] if g is not None else []
        inputs = [p.text for p in protected] if g is not None else todo
        try:
            for outputs in self._stream(pkg, inputs):
                idx = sorted(outputs)
                entries = self._finish(pkg, [todo[i] for i in idx], [protected[i] for i in idx] if g else None,
                                       [outputs[i] for i in idx], last)
                self.memory.store(entries, key, digests)
                fresh.update(entries)
                self._advance(group, found, fresh, pkg)
                yield
        except ModelError as exc:
            self._broken.add(pkg.folder)
            self.problems.append(str(exc))
        self._advance(group, found, fresh, pkg)
        if pkg.folder in self._broken:
            for w in group:
                if w.text not in found and w.text not in fresh and w.broken is None:
                    w.broken = pkg.pair

    @staticmethod
    def _advance(group: list[_Walk], found: dict[str, Entry], fresh: dict[str, Entry], pkg: argos.InstalledPackage) -> None:
        for w in group:
            if w.broken is not None or w.step >= len(w.route) or w.route[w.step].folder != pkg.folder:
                continue
            e = fresh.get(w.text) or found.get(w.text)
            if e is None:
                continue
            w.used_model |= w.text in fresh
            w.text = e.target
            w.failures += [f for f in e.failures if f not in w.failures]
            w.step += 1

    def _stream(self, pkg: argos.InstalledPackage, texts: list[str]) -> Iterator[dict[int, str]]:
        """The model step over ``texts`` in sub-batches: ``{index: output}`` each.

        In this process through the loaded model's pipelined stream; with an
        injected hop runner (a cluster), in calls of SUB_BATCH_SENTENCES.
        """
        if not texts:
            return
        self.stats["model_calls"] += 1
        if self.hop_runner is None:
            model = self._loaded(pkg)
            before = model.tokens
            try:
                yield from model.stream(texts, batches=SUB_BATCH_BATCHES)
            finally:
                self.stats["tokens"] += model.tokens - before
            return
        for k in range(0, len(texts), SUB_BATCH_SENTENCES):
            outputs = self._run(pkg, texts[k : k + SUB_BATCH_SENTENCES])
            yield {k + i: o for i, o in enumerate(outputs)}

    def _finish(self, pkg: argos.InstalledPackage, texts: list[str], protected: list[Any] | None,
                outputs: list[str], last: set[str]) -> dict[str, Entry]:
        """Entries for one sub-batch: glossary verification of each output, one retry where it failed.

        The glossary protects and verifies each hop with that hop's own
        languages (es->en with the English term, then en->th with the Thai
        one), so no model is fed a term in a language it does not know.
        ``last``: texts for which this is the last hop, whose enforcement goes
        into the stats (a pivot does not count each term twice).
        """
        g = self.glossary
        if g is None or protected is None:
            return {t: Entry(o) for t, o in zip(texts, outputs)}
        src, tgt = pkg.pair
        first = [g.restore(p, o) for p, o in zip(protected, outputs)]
        final = list(first)
        retry = [i for i, e in enumerate(first) if e.failures]
        if retry:
            again = [g.protect(texts[i], src, tgt, attempt=1) for i in retry]
            self.stats["model_calls"] += 1
            for i, p, o in zip(retry, again, self._run(pkg, [p.text for p in again])):
                second = g.restore(p, o)
                if len(second.failures) <= len(first[i].failures):
                    final[i] = second
        for t, e in zip(texts, final):
            if t in last:
                self._count_glossary(e)
        return {t: Entry(e.text, list(e.failures)) for t, e in zip(texts, final)}

    def _loaded(self, pkg: argos.InstalledPackage) -> LoadedModel:
        model = self._models.get(pkg.folder)
        if model is None:
            model = self._models[pkg.folder] = LoadedModel(pkg, self.settings)
        return model

    def _run(self, pkg: argos.InstalledPackage, texts: list[str]) -> list[str]:
        """The model step as one list: in this process, or through the injected hop runner (a cluster)."""
        if self.hop_runner is not None:
            outputs = self.hop_runner(str(models_dir_path(self.settings)), pkg.folder, list(texts), self.settings)
        else:
            outputs, tokens = self._loaded(pkg).translate(texts)
            self.stats["tokens"] += tokens
        if len(outputs) != len(texts):
            raise ModelError(f"{pkg.path}: the model step returned {len(outputs)} outputs for {len(texts)} "
                             f"inputs; report this as a bug")
        return list(outputs)

    # ------------------------------------------------------------------ keys

    def _output_settings(self) -> str:
        if self._settings_key is None:
            self._settings_key = output_settings(self.settings, dict(DECODING))
        return self._settings_key

    def _rows_digest(self, text: str, src: str, tgt: str) -> str:
        """The glossary part of a memory key: the rows that match ``text`` for this hop."""
        g = self.glossary
        if g is None:
            return ""
        rows_digest = getattr(g, "rows_digest", None)  # Glossary.rows_digest: the rows matching this text
        if rows_digest is None:  # a glossary that cannot say which rows match: the whole file
            return str(g.checksum)
        return str(rows_digest(text, src, tgt))

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


def _identity(pkg: argos.InstalledPackage) -> str:
    return f"{pkg.name}@{pkg.package_version}#{pkg.checksum()[:16]}"


def _version(v: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in v.replace("_", ".").split("."))


def models_dir_path(settings: TranslateSettings) -> Path:
    """The models folder these settings use."""
    return argos.resolve_models_dir(settings.models_dir)
