"""The plan stage: discover lessons (streaming), read and hash them, and keep those whose record is stale.

Runs in the driver. Lessons come out in chunks of at most ``chunk_size`` (and
``CHUNK_BYTES`` of input), each holding the bytes already read, so a file is
read once per run and memory stays flat however many lessons RAW holds: no
list of every lesson is ever built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import discover as disc
from pipeline.config import PipelineConfig, digest
from pipeline.discover import FileProblem, LessonFile, NotRegular, read_lesson, utf8_ok
from pipeline.run.manifest import Manifest
from pipeline.run.report import RunReport

CHUNK_BYTES = 64 * 2**20  # a chunk also closes once it holds this much input
SEEN_BATCH = 1000  # names marked seen in the state per transaction


@dataclass
class Todo:
    item: LessonFile
    data: bytes
    input_hash: str
    shown: str  # the path as the user gave it, for messages
    source: str  # the stable name written into outputs: RAW's own name, then the path below it


class Planner:
    def __init__(self, config: PipelineConfig, raw: Path, out: Path, manifest: Manifest, report: RunReport,
                 is_current: Callable[[str, dict[str, Any], str], bool], progress: Callable[[], None]) -> None:
        self.config, self.raw, self.out = config, raw, out
        self.manifest, self.report = manifest, report
        self.is_current = is_current
        self.progress = progress
        self._raw_name = raw.resolve().name

    def chunks(self) -> Iterator[list[Todo]]:
        todo: list[Todo] = []
        size = 0
        seen: list[str] = []
        for item in self._lessons():
            self.report.files += 1
            seen.append(item.rel)
            if len(seen) >= SEEN_BATCH:
                self.manifest.mark_seen(seen)
                seen = []
            t = self._read(item)
            if t is None:
                continue
            record = None if self.config.force else self.manifest.get(item.rel)
            if record is not None and self.is_current(item.rel, record, t.input_hash):
                self.report.up_to_date += 1
                count_cached(self.report, record)
                if self.report.up_to_date % 200 == 0:
                    self.progress()
                continue
            todo.append(t)
            size += len(t.data)
            if len(todo) >= max(1, self.config.chunk_size) or size >= CHUNK_BYTES:
                self.progress()
                yield todo
                todo, size = [], 0
        self.manifest.mark_seen(seen)
        self.progress()
        if todo:
            yield todo

    def _lessons(self) -> Iterator[LessonFile]:
        for found in disc.iter_lessons(self.raw, self.out):
            if isinstance(found, LessonFile):
                yield found
            elif found.skipped:
                self.report.skipped.append(found)
            else:
                self.report.errors.append(found)

    def _read(self, item: LessonFile) -> Todo | None:
        shown = disc.shown(item.path)
        source = f"{self._raw_name}/{item.path.relative_to(self.raw).as_posix()}"
        problem = None
        if not utf8_ok(source):
            problem = FileProblem(shown, "its name or folder name is not valid UTF-8", "rename it to a UTF-8 name")
        else:
            try:
                data = read_lesson(item)
            except NotRegular as exc:
                problem = FileProblem(shown, f"is a {exc.kind}, not a regular file", "move it out of the folder")
            except PermissionError:
                problem = FileProblem(shown, "cannot be read (permission denied)",
                                      "fix its permissions or move it out of the folder")
            except FileNotFoundError:
                problem = FileProblem(shown, "is a broken link or vanished while running", "fix or remove the link")
            except OSError as exc:
                problem = FileProblem(shown, f"cannot be read ({exc.strerror or exc})", "check the file and run again")
        if problem is not None:
            self.report.errors.append(problem)
            return None
        return Todo(item, data, digest(data), shown, source)


def count_cached(report: RunReport, record: dict[str, Any]) -> None:
    """Add an up-to-date lesson's recorded counts to the summary."""
    c = record.get("counts", {})
    if not isinstance(c, dict):
        return
    for key in ("edits", "flagged", "segments", "untranslated"):
        v = c.get(key, 0)
        if isinstance(v, int):
            setattr(report, key, getattr(report, key) + v)
    by_lang = c.get("by_lang", {})
    if isinstance(by_lang, dict):
        report.segments_by_lang.update({k: v for k, v in by_lang.items() if isinstance(v, int)})
    for pair in record.get("no_route", []):
        if isinstance(pair, str):
            report.routes.setdefault(pair, None)  # still without a route: is_current checked its hops
