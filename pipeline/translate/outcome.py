"""What the engine takes and gives: :class:`Job` in, :class:`Outcome` out (the runner's contract).

Kept apart from :mod:`pipeline.translate.engine` so the stages that only read
outcomes (writing, the report) need not import the translator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from pipeline.document import Span


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
    the hops that lacked a package. Status "untranslated" means nothing was
    translated and something was kept, "partial" that some runs were kept and
    the rest translated. ``route`` has one entry per piece of the *source*
    segment: start, end, lang, hops (package names) and how
    ("copied" | "model" | "memory" | "kept" | "restored").
    """

    text: str
    status: str  # "translated" | "memory" | "unchanged" | "untranslated" | "partial"
    missing: list[tuple[str, str]] = field(default_factory=list)  # hops with no package, sorted
    glossary_failures: list[str] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    route: list[dict[str, Any]] = field(default_factory=list)

    @property
    def kept_languages(self) -> list[str]:
        """The languages of the kept runs, each once, in order of appearance."""
        return list(dict.fromkeys(lang for _, _, lang in self.kept))

    def as_sidecar(self) -> dict[str, Any]:
        """What the sidecar records of this outcome, beside the segment's id, text and line.

        The engine owns this shape; the runner writes it as given. "memory" and
        "translated" are one status in files, and so are "memory" and "model"
        in routes: which one a piece got depends on what earlier runs did, and
        files must not.
        """
        out: dict[str, Any] = {"status": "translated" if self.status == "memory" else self.status}
        if self.missing:
            out["missing"] = [list(p) for p in self.missing]
        if self.kept:
            out["kept"] = [list(k) for k in self.kept]
        if self.route:
            out["route"] = [{**r, "how": "model"} if r.get("how") == "memory" else r for r in self.route]
        if self.glossary_failures:
            out["glossary_failures"] = list(self.glossary_failures)
        return out


class Stopped(KeyboardInterrupt):
    """A stop was requested (``should_stop``); everything finished so far is in the memory."""


class _Enforced(Protocol):
    text: str
    enforced: int
    recovered: int
    failures: list[str]


class GlossaryLike(Protocol):
    """What the engine needs from :class:`pipeline.glossary.Glossary` (``rows_digest`` if it has it)."""

    checksum: str

    def protect(self, text: str, src: str, tgt: str, *, attempt: int = 0) -> Any: ...
    def restore(self, protected: Any, output: str) -> Any: ...
    def apply_in_target(self, text: str, tgt: str) -> Any: ...
