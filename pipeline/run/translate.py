"""The translate stage: every segment of a chunk of lessons, in one call to the engine.

Runs in the driver, which owns the translation memory; with a cluster, the
engine's model hops go to the workers through the executor's hop runner.
Dedup, memory look-up and batching happen across all lessons of a chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import PipelineConfig
from pipeline.document import BlockKind, Lesson
from pipeline.run.executors import HopRunner
from pipeline.run.report import RunReport

class TranslateStage:
    def __init__(self, config: PipelineConfig, state: Path, glossary: Any, report: RunReport, *,
                 hop_runner: HopRunner | None, on_progress: Callable[[int, int], None] | None,
                 should_stop: Callable[[], bool] | None) -> None:
        self.config, self.state, self.glossary, self.report = config, state, glossary, report
        self.hop_runner, self.on_progress, self.should_stop = hop_runner, on_progress, should_stop
        from pipeline.translate.engine import device_signature

        self.signature = device_signature(self.settings())  # device and resolved compute type, for outputs
        report.device = self.signature["device"] + (f":{self.signature['device_index']}"
                                                    if "device_index" in self.signature else "")
        report.compute_type = self.signature["compute"]
        self._translator: Any = None

    def settings(self) -> Any:
        from pipeline.translate.engine import TranslateSettings

        return TranslateSettings(models_dir=self.config.models_dir, beam_size=self.config.beam_size,
                                 compute_type=self.config.compute_type, max_batch_tokens=self.config.max_batch_tokens,
                                 device=self.config.device, device_index=tuple(self.config.device_index))

    def use_hop_runner(self, hop_runner: HopRunner | None) -> None:
        """Where model hops run from now on (set once the executor is chosen)."""
        if hop_runner is not self.hop_runner:
            self.hop_runner = hop_runner
            self.close()  # a translator made before (to check routes) is remade with the runner

    def check_device(self) -> None:
        """Before anything is written: ``--device cuda`` without a CUDA device is one line, exit 4."""
        from pipeline.translate.engine import check_device

        check_device(self.settings())

    def translator(self) -> Any:
        if self._translator is None:
            from pipeline.translate.engine import Translator

            memory = self.config.memory_path or str(self.state / "memory.sqlite")
            self._translator = Translator(self.settings(), memory_path=memory, glossary=self.glossary,
                                          hop_runner=self.hop_runner, on_progress=self.on_progress,
                                          should_stop=self.should_stop)
        return self._translator

    def translate(self, lessons: list[Lesson]) -> list[dict[str, list[Any]]]:
        """Per lesson, per target: the engine's Outcome for each segment, in segment order."""
        targets = self.config.targets
        if not targets:
            return [{} for _ in lessons]
        translator = self.translator()
        pairs = {(s.lang, t) for lesson in lessons for s in lesson.segments() for t in targets if s.lang not in ("und", t)}
        for (src, tgt), route in translator.preflight(pairs).items():
            self.report.routes[f"{src}>{tgt}"] = route
        from pipeline.translate.engine import Job

        jobs = [
            # An image credit names its owner ("tutor2u"): kept as written, never translated.
            Job(seg.text, [], tgt, tgt) if block.kind is BlockKind.CREDIT else Job(seg.text, seg.spans, seg.lang, tgt)
            for lesson in lessons
            for tgt in targets
            for block in lesson.blocks
            for seg in block.segments
        ]
        results = iter(translator.translate(jobs))
        for line in translator.problems:  # a package that cannot load: an Error line and exit 4 at the end
            if line not in self.report.model_problems:
                self.report.model_problems.append(line)
        return [{tgt: [next(results) for _ in lesson.segments()] for tgt in targets} for lesson in lessons]

    def routes_any(self, pairs: list[str]) -> bool:
        """Whether any of these pairs ("es>th") has a route now (a model was installed since)."""
        wanted = {tuple(p.split(">", 1)) for p in pairs if ">" in p}
        routes = self.translator().preflight(wanted)
        return any(r is not None for r in routes.values())

    def close(self) -> None:
        if self._translator is not None:
            self._translator.close()
            self._translator = None

