"""The write stage: a built (and translated) lesson -> its Markdown files, its sidecar and its record.

Runs in the driver only. Every file goes through a temp file and a rename; the
record that says a lesson is done is written (by the driver, per chunk) only
after all its files are, so a killed or failed run is finished by the next.

State file names always fit: a lesson whose sidecar name would pass the
file-name limit (255 bytes) gets a shortened name ending in a hash of the full
one; the record and the sidecar's ``lesson`` field keep the real name.
"""

from __future__ import annotations

import errno
import hashlib
from collections import Counter
import itertools
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from pathlib import Path
from typing import Any, overload

from pipeline.config import SOURCE_FOLDER, STATE_FOLDER, PipelineConfig, signature_text
from pipeline.discover import FileProblem, shown
from pipeline.document import Block, BlockKind, Lesson, Segment
from pipeline.errors import OutputError, PipelineError
from pipeline.fsutil import utf8_chunks, write_inside
from pipeline.run import glossary_rows, sidecar_json
from pipeline.run.report import RunReport

SIDECAR_SCHEMA = 1
NAME_MAX = 255  # bytes per path component on every common file system
DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG)


class DiskFull(PipelineError):
    """No room to write: the batch stops (every later write would fail too); what is written is kept."""


class Checksum:
    """:func:`pipeline.config.digest` of one text, taken from its UTF-8 chunks as they pass by
    (digest hashes the UTF-8 and a NUL after it)."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def through(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self._h.update(chunk)
            yield chunk

    def hexdigest(self) -> str:
        h = self._h.copy()
        h.update(b"\x00")
        return h.hexdigest()


class WriteFailed(Exception):
    def __init__(self, problem: FileProblem) -> None:
        super().__init__(problem.line())
        self.problem = problem


def fit_name(rel: str) -> str:
    """``rel`` with every component cut to NAME_MAX bytes: the end replaced by ``~<hash>`` before the suffix."""
    parts = rel.split("/")
    for i, part in enumerate(parts):
        raw = part.encode("utf-8", "surrogateescape")
        if len(raw) <= NAME_MAX:
            continue
        stem, dot, suffix = part.rpartition(".")
        if not dot or len(suffix) > 16:
            stem, suffix = part, ""
        tail = "~" + hashlib.sha256(raw).hexdigest()[:20] + (f".{suffix}" if suffix else "")
        budget = NAME_MAX - len(tail.encode("utf-8"))
        parts[i] = stem.encode("utf-8", "surrogateescape")[:budget].decode("utf-8", "ignore") + tail
    return "/".join(parts)


class Writer:
    def __init__(self, config: PipelineConfig, out: Path, report: RunReport, stage_sig: dict[str, str],
                 record_digest: str, installed: dict[str, str], glossary: Any, device: dict[str, str]) -> None:
        self.config, self.out, self.report = config, out, report
        self.stage_sig, self.record_digest = stage_sig, record_digest
        self.installed, self.glossary = installed, glossary
        self.device = device  # {"device": "cpu", "compute": "int8"}: the engine's device signature

    def write_lesson(self, lesson: Lesson, per_target: dict[str, list[Any]], input_hash: str) -> dict[str, Any]:
        """Write every file of one lesson; return its record. Raises WriteFailed (this lesson) or DiskFull.

        Each file is written as it is made (the Markdown chunk by chunk, the sidecar's JSON
        item by item) and hashed on the way: none is ever held whole in memory."""
        from pipeline.structure import find_title

        segs = lesson.segments()
        shares = lesson.language_shares()
        main = next(iter(shares), "und")
        outputs: dict[str, str] = {}
        counts = Counter[str]()

        src_rel = fit_name(f"{SOURCE_FOLDER}/{lesson.name}.md")
        front = _front_matter(lesson.title, lesson, main, shares, signature_text(self.stage_sig))
        outputs[src_rel], src_lines = write_markdown(self.out, src_rel, lesson.title, lesson.blocks, front)
        models_used: set[str] = set()
        missing_all: set[str] = set()
        # The glossary rows this lesson depends on: its record and its outputs' signature name
        # them (not the whole file), so an edit elsewhere in the glossary leaves it up to date.
        rows = glossary_rows.lesson_rows(self.glossary, (s.text for s in segs)) if self.glossary is not None else []
        targets: list[tuple[str, str, list[Any], Sequence[int]]] = []
        for tgt, results in per_target.items():
            blocks = TargetBlocks(lesson.blocks, results)
            missing: set[str] = set()
            for res in results:
                if res.kept:
                    missing.update(f"{src}>{dst}" for src, dst in res.missing)
                    counts["untranslated"] += len(res.kept)  # each kept run counts on its own
                if res.status in ("translated", "partial"):
                    counts["translated"] += 1
                elif res.status == "memory":
                    counts["from_memory"] += 1
                counts["glossary_failures"] += len(res.glossary_failures)
            missing_all |= missing
            used = self._models_for(lesson, tgt)
            models_used.update(used)
            sig = dict(self.stage_sig)
            sig.update(self._translation_signature(used, rows))
            title = find_title(blocks.where(_is_title)) or lesson.title
            front = _front_matter(title, lesson, tgt, shares, signature_text(sig))
            n_untranslated = sum(1 for res in results if _untranslated_mark(res))
            if n_untranslated:
                front["untranslated"] = n_untranslated
            if missing:
                front["missing"] = sorted(missing)  # the hops with no model: the renderer's notice names them
            rel = fit_name(f"{tgt}/{lesson.name}.md")
            outputs[rel], lines = write_markdown(self.out, rel, title, blocks, front)
            targets.append((tgt, rel, results, lines))
        side_rel = fit_name(f"{STATE_FOLDER}/lessons/{lesson.name}.json")
        sidecar = sidecar_json.Object({
            "schema": SIDECAR_SCHEMA,
            "lesson": lesson.name,
            "source": lesson.source,
            "encoding": lesson.encoding,
            "title": lesson.title,
            "notes": lesson.notes,
            "file": src_rel,
            "languages": shares,
            "edits": sidecar_json.Items(e.as_dict() for e in lesson.edits),
            "flagged": sidecar_json.Items(e.as_dict() for e in lesson.flagged),
            "text": sidecar_json.Text(lesson.text_slices()),
            "segments": sidecar_json.Items(
                {"id": k, "kind": kind, "text": s.text, "lang": s.lang, "line": line,
                 "spans": [sp.as_dict() for sp in s.spans]}
                for k, (s, kind, line) in enumerate(zip(segs, _segment_kinds(lesson), src_lines))
            ),
            "targets": sidecar_json.Object(
                (tgt, sidecar_json.Object({"file": rel, "segments": sidecar_json.Items(
                    {"id": k, "text": res.text, "line": line, **res.as_sidecar()}
                    for k, (res, line) in enumerate(zip(results, lines))
                )}.items()))
                for tgt, rel, results, lines in targets
            ),
        }.items())
        # Compact and deterministic (insertion order is fixed above): indent=1 cost 14 s of 51 s on
        # a 30k-line lesson, and every reader of sidecars parses them as JSON.
        outputs[side_rel] = write_file(self.out, side_rel, sidecar_json.chunks(sidecar, "\n"))

        r = self.report
        r.edits += len(lesson.edits)
        r.flagged += len(lesson.flagged)
        r.segments += len(segs)
        r.segments_by_lang.update(s.lang for s in segs)
        r.untranslated += counts["untranslated"]
        r.translated += counts["translated"]
        r.from_memory += counts["from_memory"]
        r.glossary_failures += counts["glossary_failures"]
        return {
            "input": input_hash,
            "signature": self.record_digest,
            # The glossary it was built (or last found current) under, and the rows it matched.
            "glossary": None if self.glossary is None else _glossary_record(self.glossary.checksum, rows, per_target),
            "models": {m: self.installed.get(m, "") for m in sorted(models_used)},
            "missing": sorted(missing_all),  # hops without a model: installing one makes the record stale
            "no_route": self._no_route(lesson, per_target),  # the lesson's pairs that had no route (summary)
            "outputs": outputs,
            "sidecar": side_rel,
            "counts": {
                "edits": len(lesson.edits),
                "flagged": len(lesson.flagged),
                "segments": len(segs),
                "untranslated": counts["untranslated"],
                "by_lang": dict(Counter(s.lang for s in segs)),
            },
        }

    def _translation_signature(self, models: list[str], rows: list[str]) -> dict[str, str]:
        parts = {
            "models": ",".join(f"{m}@{self.installed.get(m, '?')}" for m in models) or "none",
            "beam": str(self.config.beam_size),
            **self.device,
        }
        if self.glossary is not None:
            parts["glossary"] = glossary_rows.rows_signature(rows)
        return parts

    def _no_route(self, lesson: Lesson, per_target: dict[str, list[Any]]) -> list[str]:
        pairs = {f"{s.lang}>{tgt}" for tgt in per_target for s in lesson.segments() if s.lang not in ("und", tgt)}
        return sorted(p for p in pairs if p in self.report.routes and self.report.routes[p] is None)

    def _models_for(self, lesson: Lesson, tgt: str) -> list[str]:
        names: set[str] = set()
        for seg in lesson.segments():
            for sp in seg.spans:
                route = self.report.routes.get(f"{sp.lang}>{tgt}")
                if route:
                    names.update(route)
        return sorted(names)


def write_markdown(out: Path, rel: str, title: str, blocks: Sequence[Block], front: dict[str, Any]) -> tuple[str, array[int]]:
    """Render one Markdown file of a lesson straight into ``OUT/rel`` (chunk by chunk, never
    whole: :func:`pipeline.render.render_stream`); its checksum and the line of each segment.
    Raises WriteFailed or DiskFull (see :func:`write_file`)."""
    from pipeline.render import render_stream

    stream = render_stream(title, blocks, front)
    return write_file(out, rel, stream), stream.segment_lines


def write_file(out: Path, rel: str, data: Iterable[str]) -> str:
    """One output file, atomically, confined to OUT (a link or FIFO there is replaced, never
    followed), from its text's chunks as they are made; returns its checksum
    (:func:`pipeline.config.digest` of the text), taken on the way to the file.
    Raises WriteFailed (this file) or DiskFull (the batch stops)."""
    checksum = Checksum()
    try:
        write_inside(out, rel, checksum.through(utf8_chunks(data)))
    except OutputError as exc:
        if exc.errno in DISK_FULL:
            raise DiskFull(exc.message) from None  # every later write would fail too: stop the batch
        raise WriteFailed(FileProblem(shown(exc.path), exc.problem, exc.hint)) from None
    return checksum.hexdigest()


def _glossary_record(checksum: str, rows: list[str], per_target: dict[str, list[Any]]) -> dict[str, Any]:
    """The glossary part of a lesson's record (see :mod:`pipeline.run.glossary_rows`)."""
    out: dict[str, Any] = {"checksum": checksum, "rows": rows}
    if any(len(r.get("hops") or ()) > 1 for results in per_target.values() for res in results for r in res.route):
        out["pivot"] = True  # a hop's input is model output no file records: any glossary edit rebuilds it
    return out


class TargetBlocks(Sequence[Block]):
    """The lesson's blocks with each segment's text replaced by its outcome, made as they are read.

    Each block read is a shallow copy (spans and every other field shared, read-only;
    a deepcopy per target cost 11 s of 51 s on a 30k-line lesson) that lives only while
    the renderer uses it: a list of a target's copies was 3x a lesson of paragraphs,
    and 7x one of short lines. Reading all of them costs about what making that list did.
    """

    def __init__(self, blocks: list[Block], results: list[Any]) -> None:
        self.blocks, self.results = blocks, results
        self._starts: array[int] | None = None  # index of each block's first result, made on first indexing

    def __len__(self) -> int:
        return len(self.blocks)

    def __iter__(self) -> Iterator[Block]:
        k = 0
        for b in self.blocks:
            n = len(b.segments)
            yield _target_block(b, self.results, k, n)
            k += n

    @overload
    def __getitem__(self, i: int) -> Block: ...
    @overload
    def __getitem__(self, i: slice) -> list[Block]: ...
    def __getitem__(self, i: int | slice) -> Block | list[Block]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if self._starts is None:
            self._starts = array("q", itertools.accumulate((len(b.segments) for b in self.blocks), initial=0))
        b = self.blocks[i]
        return _target_block(b, self.results, self._starts[i % len(self.blocks)], len(b.segments))

    def where(self, keep: Callable[[Block], bool]) -> list[Block]:
        """The copies of the blocks ``keep`` accepts (tested on the lesson's block: kind and shape are shared)."""
        out: list[Block] = []
        k = 0
        for b in self.blocks:
            n = len(b.segments)
            if keep(b):
                out.append(_target_block(b, self.results, k, n))
            k += n
        return out


def _target_block(block: Block, results: list[Any], start: int, n: int) -> Block:
    nb = copy(block)
    segs: list[Segment] = []
    for seg, res in zip(block.segments, results[start : start + n]):
        ns = Segment(res.text, seg.spans, seg.lang)
        if res.kept:
            ns.untranslated = _untranslated_mark(res)
            ns.kept = list(res.kept)
        segs.append(ns)
    nb.segments = segs  # assigned whole: a block's segments are replaced, never changed in place
    return nb


def _untranslated_mark(res: Any) -> str:
    """What a target segment's ``untranslated`` says: the languages kept, or "" when none were."""
    return ",".join(res.kept_languages) if res.kept else ""


def _is_title(block: Block) -> bool:
    return block.kind is BlockKind.HEADING and block.level == 1


def _target_blocks(blocks: list[Block], results: list[Any]) -> tuple[list[Block], list[Segment]]:
    """All of :class:`TargetBlocks` at once, and their segments (bench/write_large.py compares them)."""
    out = list(TargetBlocks(blocks, results))
    return out, [s for b in out for s in b.segments]


def _front_matter(title: str, lesson: Lesson, lang: str, shares: dict[str, float], signature: str) -> dict[str, Any]:
    return {"title": title, "source": lesson.source, "lang": lang, "languages": shares, "signature": signature}


def _segment_kinds(lesson: Lesson) -> Any:
    for b in lesson.blocks:
        for _ in b.segments:
            yield b.kind.value
