"""What one run did: counts for the summary table and ``--json``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.discover import FileProblem

LIST_CAP = 10_000  # names kept for the summary: memory stays flat in the number of lessons


@dataclass
class RunReport:
    files: int = 0  # lessons found
    written: int = 0  # lessons built and written in this run
    up_to_date: int = 0  # lessons skipped because nothing that shapes them changed
    edits: int = 0
    flagged: int = 0
    errors: list[FileProblem] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)  # not lessons (wrong suffix, links)
    notes: list[str] = field(default_factory=list)  # one line each: migrations, removed stale outputs
    # Packages that could not be loaded (garbage tokenizer, broken model), each line naming the
    # package and its reinstall command: printed as Error lines, and the run exits 4.
    model_problems: list[str] = field(default_factory=list)
    segments: int = 0
    translated: int = 0  # segments sent to a model in this run
    from_memory: int = 0
    untranslated: int = 0
    glossary_failures: int = 0
    segments_by_lang: Counter[str] = field(default_factory=Counter)
    routes: dict[str, list[str] | None] = field(default_factory=dict)  # "es>en" -> packages
    missing_hops: dict[str, list[str]] = field(default_factory=dict)  # "es>th" -> ["en>th"]: what to install
    rebuilt: list[str] = field(default_factory=list)  # lessons written in this run, in order (first LIST_CAP)
    stale: list[str] = field(default_factory=list)  # lessons whose source is gone: removed or kept (first LIST_CAP)
    stale_count: int = 0
    stale_kept: bool = False  # --keep-stale: listed, not removed
    executor: str = "inline"  # where lessons were built: inline, process-pool, dask
    workers: int = 1
    device: str = ""  # the translation device, resolved ("cpu", "cuda:0,1")
    compute_type: str = ""  # resolved compute type
    elapsed: float = 0.0  # seconds

    def note_written(self, name: str) -> None:
        self.written += 1
        if len(self.rebuilt) < LIST_CAP:
            self.rebuilt.append(name)

    def note_stale(self, name: str) -> None:
        self.stale_count += 1
        if len(self.stale) < LIST_CAP:
            self.stale.append(name)

    @property
    def missing_pairs(self) -> list[str]:
        return sorted(p for p, r in self.routes.items() if r is None)

    def as_json(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "written": self.written,
            "up_to_date": self.up_to_date,
            "edits": self.edits,
            "flagged": self.flagged,
            "errors": len(self.errors),
            "error_list": [e.as_dict() for e in self.errors],
            "skipped": [e.as_dict() for e in self.skipped],
            "notes": list(self.notes),
            "model_problems": list(self.model_problems),
            "segments": self.segments,
            "translated": self.translated,
            "from_memory": self.from_memory,
            "untranslated": self.untranslated,
            "glossary_failures": self.glossary_failures,
            "segments_by_lang": dict(sorted(self.segments_by_lang.items())),
            "routes": dict(sorted(self.routes.items())),
            "missing_pairs": self.missing_pairs,
            "missing_hops": dict(sorted(self.missing_hops.items())),
            "stale": list(self.stale),
            "stale_count": self.stale_count,
            "stale_removed": not self.stale_kept,
            "executor": self.executor,
            "workers": self.workers,
            "device": self.device,
            "compute_type": self.compute_type,
            "elapsed_s": round(self.elapsed, 3),
        }
