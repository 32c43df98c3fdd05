"""One installed package as a loaded model, and the model-running step a cluster worker calls.

:func:`run_hop` is the whole model side of one hop: given the models folder,
a package folder name and raw (already glossary-protected) texts, it returns
the model's outputs. It keeps loaded models in a per-process cache, so a Dask
worker (or any process) loads each package once and reuses it across tasks.
The :class:`~pipeline.translate.engine.Translator` calls it for every hop
unless given another ``hop_runner`` with the same signature.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import ModelError
from pipeline.translate import argos
from pipeline.translate.settings import (
    TranslateSettings,
    batching_for,
    resolve_compute_type,
    resolve_device,
    threads_for,
)

MAX_INPUT_TOKENS = 200  # longer sentences are cut: decoding cost and quality both suffer past this
MAX_DECODING_CAP = 512
LENGTH_PENALTY = 0.2  # argostranslate's value
# What decoding does besides the settings; part of every memory key (see output_settings).
DECODING = {"max_input": MAX_INPUT_TOKENS, "max_decoding": MAX_DECODING_CAP, "length_penalty": LENGTH_PENALTY}
_CONTINUATION_BYTE = re.compile(r"^<0x[89AB][0-9A-F]>$")
_BREAK_AFTER = (".", ",", ";", ":", "!", "?", "…", ")", "»", "”", "—", "-")


def fix_hint(pkg: argos.InstalledPackage) -> str:
    return (f"reinstall it: `pipeline models remove {pkg.folder}`, then "
            f"`pipeline models install --from-index {pkg.from_code} {pkg.to_code}` (or the .argosmodel file)")


class LoadedModel:
    """One installed package: CTranslate2 translator and tokenizer, loaded on first use."""

    def __init__(self, pkg: argos.InstalledPackage, settings: TranslateSettings) -> None:
        self.pkg = pkg
        self.settings = settings
        self._translator: Any = None
        self._tokenizer: Any = None
        self.tokens = 0  # source tokens sent through stream()

    @property
    def identity(self) -> str:
        return f"{self.pkg.name}@{self.pkg.package_version}#{self.pkg.checksum()[:16]}"

    def _load(self) -> None:
        if self._translator is not None:
            return
        tokenizer = self._load_tokenizer()
        import ctranslate2

        device = resolve_device(self.settings)
        inter, intra = threads_for(self.settings, device)
        try:
            self._translator = ctranslate2.Translator(
                str(self.pkg.model_dir), device=device, device_index=list(self.settings.device_index),
                compute_type=resolve_compute_type(self.settings, device),
                inter_threads=inter, intra_threads=intra,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"{self.pkg.model_dir}: CTranslate2 cannot load this model ({exc}); "
                             f"{fix_hint(self.pkg)}") from None
        self._tokenizer = tokenizer

    def _load_tokenizer(self) -> Any:
        try:
            if self.pkg.tokenizer.name == "sentencepiece.model":
                import sentencepiece as spm

                return spm.SentencePieceProcessor(model_file=str(self.pkg.tokenizer))
            from argostranslate.tokenizer import BPETokenizer  # older BPE packages (needs sacremoses)

            return BPETokenizer(self.pkg.tokenizer, self.pkg.from_code, self.pkg.to_code)
        except (RuntimeError, OSError, ValueError) as exc:
            first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            raise ModelError(f"{self.pkg.tokenizer}: package {self.pkg.folder} has a tokenizer that cannot "
                             f"be read ({first}); {fix_hint(self.pkg)}") from None

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
        return str(text).strip()

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
        longest = max(len(p) for p in pieces)
        done = self._collect(owner, self._submit(pieces, longest))
        out_tokens = [done[i] for i in range(len(texts))]
        return out_tokens, sum(len(p) for p in pieces)

    def stream(self, texts: Sequence[str], *, batches: int) -> Iterator[dict[int, str]]:
        """Translate ``texts`` in sub-batches; yield ``{index: output}`` as each one finishes.

        Why not one ``translate_batch``: a stop request must not wait for the
        whole batch (a minute on a big lesson). Why not ``translate_iterable``:
        it queues every batch at once, so stopping its generator still leaves
        all of them to run. Here texts are sorted by length (little padding,
        as ``translate_batch``'s own sorting gives) and cut into sub-batches of
        ``batches`` batches per worker, and at most two sub-batches are in
        flight: the workers never idle between sub-batches, and a stop waits
        for two at most (seconds). The cut depends only on the texts and the
        settings, never on timing, so a sentence meets the same neighbours in
        every run.
        """
        if not texts:
            return
        self._load()
        encoded = [split_tokens(self.encode(t), MAX_INPUT_TOKENS) for t in texts]
        sizes = [sum(len(p) for p in pcs) for pcs in encoded]
        self.tokens += sum(sizes)
        longest = max(len(p) for pcs in encoded for p in pcs)
        order = sorted(range(len(texts)), key=lambda i: (sizes[i], i))
        device = resolve_device(self.settings)
        size, _ = batching_for(self.settings, device)
        budget = size * threads_for(self.settings, device)[0] * max(1, batches)
        inflight: deque[tuple[list[int], Any]] = deque()
        pos = 0
        while pos < len(order) or inflight:
            while pos < len(order) and len(inflight) < 2:
                chunk: list[int] = []
                total = 0
                while pos < len(order) and (not chunk or total + sizes[order[pos]] <= budget):
                    chunk.append(order[pos])
                    total += sizes[order[pos]]
                    pos += 1
                pieces = [p for i in chunk for p in encoded[i]]
                owners = [i for i in chunk for _ in encoded[i]]
                inflight.append((owners, self._submit(pieces, longest, asynchronous=True)))
            owners, pending = inflight.popleft()
            yield self._collect(owners, [r.result() for r in pending])

    def _submit(self, pieces: list[list[str]], longest: int, *, asynchronous: bool = False) -> Any:
        prefix = self.pkg.target_prefix
        size, kind = batching_for(self.settings, resolve_device(self.settings))
        return self._translator.translate_batch(
            pieces,
            target_prefix=[[prefix]] * len(pieces) if prefix else None,
            beam_size=self.settings.beam_size,
            max_batch_size=size,
            batch_type=kind,
            max_decoding_length=min(MAX_DECODING_CAP, 2 * longest + 16),
            replace_unknowns=True,
            length_penalty=LENGTH_PENALTY,
            asynchronous=asynchronous,
        )

    def _collect(self, owners: list[int], results: list[Any]) -> dict[int, str]:
        prefix = self.pkg.target_prefix
        out_tokens: dict[int, list[str]] = {}
        for i, result in zip(owners, results):
            hyp = list(result.hypotheses[0])
            if prefix and hyp[:1] == [prefix]:
                hyp = hyp[1:]
            out_tokens.setdefault(i, []).extend(hyp)
        return {i: self.decode(t) for i, t in out_tokens.items()}

    def close(self) -> None:
        self._translator = None
        self._tokenizer = None


# --------------------------------------------------------------------------- per-process cache

_CACHE: dict[tuple[str, str, TranslateSettings], LoadedModel] = {}
_CACHE_LOCK = threading.Lock()


def cached_model(models_dir: str, package: str, settings: TranslateSettings) -> LoadedModel:
    """The loaded model of ``models_dir/package`` for these settings, loaded once per process."""
    key = (str(Path(models_dir).resolve()), package, settings)
    with _CACHE_LOCK:
        model = _CACHE.get(key)
        if model is None:
            model = LoadedModel(argos.read_package(Path(key[0]) / package), settings)
            _CACHE[key] = model
    return model


def run_hop(models_dir: str, package: str, texts: list[str], settings: TranslateSettings) -> list[str]:
    """Translate raw texts with one installed package (folder name ``package``); outputs in order.

    Picklable by reference (a module-level function), so a cluster executor
    can ship it to its workers; each worker process keeps its models loaded.
    """
    outputs, _ = cached_model(models_dir, package, settings).translate(texts)
    return outputs


def clear_cache() -> None:
    with _CACHE_LOCK:
        for m in _CACHE.values():
            m.close()
        _CACHE.clear()


# --------------------------------------------------------------------------- long inputs


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
