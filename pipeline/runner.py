"""The batch: find lessons, build them in parallel, translate once per chunk, write atomically.

Design notes (why it looks like this):

- Lessons are processed in chunks of ``config.chunk_size``: every segment of a
  chunk that needs translation goes to the model in one batched call (dedup,
  memory look-up and batching happen across lessons), while memory stays flat
  however many thousand lessons the folder holds.
- A manifest (``OUT/.pipeline/manifest.json``) records, per lesson, the input's
  hash, the settings signature, the models it used and the files it wrote. A
  rerun skips lessons whose record still holds, so regenerating after a change
  touches only what changed; the translation memory makes the rest cheap.
- Every file is written through a temp file and a rename; the manifest is
  written after a chunk's files (at most every ``MANIFEST_SAVE_SECONDS``) and
  at the end, so a killed run is finished by the next one.
- Per-file problems are collected, never fatal to the batch.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pipeline.config import SOURCE_FOLDER, STATE_FOLDER, PipelineConfig, digest, signature_text
from pipeline.document import BlockKind, Lesson
from pipeline.errors import InputError, OutputLocked, PipelineError
from pipeline import discover as disc
from pipeline.discover import FileProblem, LessonFile, NotRegular, discover, read_regular_file, utf8_ok
from pipeline.fsutil import TEMP_PREFIX, atomic_write_text, sweep_temp_files

SIDECAR_SCHEMA = 1
MANIFEST_SCHEMA = 1
MANIFEST_SAVE_SECONDS = 20.0  # how often a long run checkpoints its manifest

Progress = Callable[[int, int], None]  # (lessons done so far, total)
T = TypeVar("T")


@dataclass
class RunReport:
    files: int = 0  # lessons found
    written: int = 0  # lessons built and written in this run
    up_to_date: int = 0  # lessons skipped because nothing that shapes them changed
    edits: int = 0
    flagged: int = 0
    errors: list[FileProblem] = field(default_factory=list)
    skipped: list[FileProblem] = field(default_factory=list)  # not lessons (wrong suffix, links)
    segments: int = 0
    translated: int = 0  # segments sent to a model in this run
    from_memory: int = 0
    untranslated: int = 0
    glossary_failures: int = 0
    segments_by_lang: Counter[str] = field(default_factory=Counter)
    routes: dict[str, list[str] | None] = field(default_factory=dict)  # "es>en" -> packages
    rebuilt: list[str] = field(default_factory=list)  # lessons written in this run, in order

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
            "segments": self.segments,
            "translated": self.translated,
            "from_memory": self.from_memory,
            "untranslated": self.untranslated,
            "glossary_failures": self.glossary_failures,
            "segments_by_lang": dict(sorted(self.segments_by_lang.items())),
            "routes": dict(sorted(self.routes.items())),
            "missing_pairs": self.missing_pairs,
        }


# --------------------------------------------------------------------------- building


def _read_and_build(item: LessonFile, source: str, config: PipelineConfig) -> Lesson | FileProblem:
    """Build one lesson; ``source`` is the stable name written into outputs.

    Problems name the file by the path the user gave, so they can find it.
    """
    from pipeline.lesson import build_lesson

    shown = disc.shown(item.path)
    if not utf8_ok(source):
        return FileProblem(shown, "its name or folder name is not valid UTF-8", "rename it to a UTF-8 name")
    try:
        data = read_regular_file(item.path)
    except NotRegular as exc:
        return FileProblem(shown, f"is a {exc.kind}, not a regular file", "move it out of the folder")
    except PermissionError:
        return FileProblem(shown, "cannot be read (permission denied)", "fix its permissions or move it out of the folder")
    except FileNotFoundError:
        return FileProblem(shown, "is a broken link or vanished while running", "fix or remove the link")
    except OSError as exc:
        return FileProblem(shown, f"cannot be read ({exc.strerror or exc})", "check the file and run again")
    try:
        return build_lesson(data, item.rel, source, config)
    except InputError as exc:
        return FileProblem(shown, exc.problem, exc.hint)
    except RecursionError:
        return FileProblem(shown, "is too deeply nested to parse", "report this file as a bug")


# --------------------------------------------------------------------------- the run


class Runner:
    def __init__(self, config: PipelineConfig, raw: Path, out: Path, progress: Progress | None = None) -> None:
        self.config, self.raw, self.out = config, raw, out
        self.state = out / STATE_FOLDER
        self.progress = progress
        self.report = RunReport()
        self._translator: Any = None
        self._glossary: Any = None
        self._installed: dict[str, str] = {}  # package name -> identity (version+checksum)
        self._raw_name = raw.resolve().name
        self._record_digest = ""  # digest of the settings every record must match; set per run

    # -- public

    def run(self) -> RunReport:
        from filelock import FileLock, Timeout

        self._check_folders()
        lock = FileLock(str(self.state / "lock"))
        try:
            lock.acquire(timeout=self.config.wait)
        except Timeout:
            raise OutputLocked(
                f"{self.out}: another pipeline run is writing to this folder; "
                "wait for it to finish, or pass --wait SECONDS to queue behind it"
            ) from None
        try:
            sweep_temp_files(self.out)
            return self._run_locked()
        finally:
            if self._translator is not None:
                self._translator.close()
            lock.release()

    # -- steps

    def _check_folders(self) -> None:
        if not self.raw.is_dir():
            raise PipelineError(f"{self.raw}: no such folder; give the folder that holds the raw .txt lessons")
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            # A unique probe: this runs before the lock, so two runs starting at
            # once must not remove each other's (the old fixed name did).
            fd, probe = tempfile.mkstemp(prefix=TEMP_PREFIX + "probe-", dir=self.state)
            os.close(fd)
            try:
                os.unlink(probe)
            except FileNotFoundError:
                pass  # swept by a run that holds the lock: it was writable all the same
        except OSError as exc:
            raise PipelineError(
                f"{self.out}: cannot write there ({exc.strerror or exc}); choose a writable output folder"
            ) from None

    def _run_locked(self) -> RunReport:
        files, skipped = discover(self.raw, self.out)
        self.report.files, self.report.skipped = len(files), skipped
        self._load_glossary()
        manifest = self._load_manifest()
        stage_sig = self.config.stage_signature()
        self._record_digest = self._settings_digest(stage_sig)  # after the glossary: it is part of it
        if self.config.targets:
            self._installed = self._installed_models()
        # First every lesson whose record still holds is counted and passed over,
        # so the worker pool starts only when enough lessons need building: a
        # rerun after a small edit stays a sub-second job.
        todo: list[tuple[LessonFile, str]] = []
        for item in files:
            h = disc.input_hash(item.path)
            if h is not None and not self.config.force and self._up_to_date(manifest.get(item.rel), h):
                self.report.up_to_date += 1
                self._count_cached(manifest[item.rel])
            else:
                todo.append((item, h or ""))
        done = len(files) - len(todo)
        if self.progress:
            self.progress(done, len(files))
        if self._jobs(len(todo)) > 1:
            # Now, while this process has one thread: the model imports below start
            # threads, which would swallow a Ctrl-C meant for us while the
            # forkserver starts (see _start_forkserver_ignoring_ctrl_c).
            _start_forkserver_ignoring_ctrl_c()
        last_save = time.monotonic()
        with self._executor(len(todo)) as pool:
            for chunk in _chunks(todo, self.config.chunk_size):
                lessons = self._build(pool, chunk)
                self._translate_and_write(lessons, manifest, stage_sig)
                # The whole manifest is rewritten each time (~0.8 MB per 1,000 lessons), so
                # saving after every chunk made a big batch quadratic in I/O. Every
                # MANIFEST_SAVE_SECONDS instead: a killed run still loses no output, the
                # rerun rebuilds what is missing from the record (the memory makes it cheap).
                if time.monotonic() - last_save >= MANIFEST_SAVE_SECONDS:
                    self._save_manifest(manifest)
                    last_save = time.monotonic()
                done += len(chunk)
                if self.progress:
                    self.progress(done, len(files))
        self._save_manifest(manifest)
        return self.report

    def _jobs(self, n_files: int) -> int:
        jobs = self.config.jobs or os.cpu_count() or 1
        return 1 if n_files < 8 else jobs

    def _executor(self, n_files: int) -> Any:
        jobs = self._jobs(n_files)
        if jobs <= 1:
            return _InlineExecutor()
        import multiprocessing

        # forkserver, not fork: by the second chunk this process holds loaded
        # CTranslate2 models and their threads, which must not be forked.
        _start_forkserver_ignoring_ctrl_c()  # already running (see _run_locked): a no-op
        return ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("forkserver"), initializer=_worker_init
        )

    def _build(self, pool: Executor, todo: list[tuple[LessonFile, str]]) -> list[tuple[Lesson, str]]:
        # The first submits start the workers: hold Ctrl-C so none is left half started.
        # (Inline, submit builds the lesson: Ctrl-C must stay live there.)
        with _ctrl_c_held() if isinstance(pool, ProcessPoolExecutor) else nullcontext():
            futures = [pool.submit(_read_and_build, item, self._display(item.path), self.config) for item, _ in todo]
        built: list[tuple[Lesson, str]] = []
        for (item, h), fut in zip(todo, futures):
            result = fut.result()
            if isinstance(result, FileProblem):
                self.report.errors.append(result)
                continue
            built.append((result, h))
        return built

    def _display(self, path: Path) -> str:
        """The stable name of an input in outputs: RAW's own name, then the path below it."""
        return f"{self._raw_name}/{path.relative_to(self.raw).as_posix()}"

    # -- translation and writing

    def _translate_and_write(self, lessons: list[tuple[Lesson, str]], manifest: dict[str, Any], stage_sig: dict[str, str]) -> None:
        targets = self.config.targets
        outcomes: dict[tuple[int, str], list[Any]] = {}
        if targets:
            translator = self._get_translator()
            pairs = {(s.lang, t) for lesson, _ in lessons for s in lesson.segments() for t in targets if s.lang not in ("und", t)}
            for (src, tgt), route in translator.preflight(pairs).items():
                self.report.routes[f"{src}>{tgt}"] = route
            from pipeline.translate.engine import Job

            jobs = [
                # An image credit names its owner ("tutor2u"): kept as written, never translated.
                Job(seg.text, [], tgt, tgt) if block.kind is BlockKind.CREDIT else Job(seg.text, seg.spans, seg.lang, tgt)
                for lesson, _ in lessons
                for tgt in targets
                for block in lesson.blocks
                for seg in block.segments
            ]
            results = iter(translator.translate(jobs))
            for i, (lesson, _) in enumerate(lessons):
                for tgt in targets:
                    outcomes[(i, tgt)] = [next(results) for _ in lesson.segments()]
        for i, (lesson, input_hash) in enumerate(lessons):
            per_target = {t: outcomes[(i, t)] for t in targets}
            record = self._write_lesson(lesson, per_target, stage_sig)
            record["input"] = input_hash
            manifest[lesson.name] = record
            self.report.written += 1
            self.report.rebuilt.append(lesson.name)

    def _write_lesson(self, lesson: Lesson, per_target: dict[str, list[Any]], stage_sig: dict[str, str]) -> dict[str, Any]:
        from pipeline.render import render_markdown
        from pipeline.structure import find_title

        segs = lesson.segments()
        shares = lesson.language_shares()
        main = next(iter(shares), "und")
        outputs: dict[str, str] = {}
        r = self.report
        r.edits += len(lesson.edits)
        r.flagged += len(lesson.flagged)
        r.segments += len(segs)
        r.segments_by_lang.update(s.lang for s in segs)

        src_rel = f"{SOURCE_FOLDER}/{lesson.name}.md"
        front = self._front_matter(lesson.title, lesson, main, shares, signature_text(stage_sig))
        rendered = render_markdown(lesson.title, lesson.blocks, front)
        outputs[src_rel] = self._write(src_rel, rendered.markdown)
        sidecar: dict[str, Any] = {
            "schema": SIDECAR_SCHEMA,
            "lesson": lesson.name,
            "source": lesson.source,
            "encoding": lesson.encoding,
            "title": lesson.title,
            "notes": lesson.notes,
            "file": src_rel,
            "languages": shares,
            "edits": [e.as_dict() for e in lesson.edits],
            "flagged": [e.as_dict() for e in lesson.flagged],
            "text": lesson.text,
            "segments": [
                {
                    "id": k,
                    "kind": kind,
                    "text": s.text,
                    "lang": s.lang,
                    "line": line,
                    "spans": [sp.as_dict() for sp in s.spans],
                }
                for k, (s, kind, line) in enumerate(zip(segs, _segment_kinds(lesson), rendered.segment_lines))
            ],
            "targets": {},
        }
        models_used: set[str] = set()
        missing: set[str] = set()
        for tgt, results in per_target.items():
            blocks = deepcopy(lesson.blocks)
            out_segs = [s for b in blocks for s in b.segments]
            for seg, res in zip(out_segs, results):
                seg.text = res.text
                if res.kept:
                    seg.untranslated = ",".join(res.kept_languages)
                    seg.kept = list(res.kept)
                    for src, dst in res.missing:
                        missing.add(f"{src}>{dst}")
                        r.routes.setdefault(f"{src}>{dst}", None)
                    r.untranslated += len(res.kept)  # each kept run counts on its own
                if res.status in ("translated", "partial"):
                    r.translated += 1
                elif res.status == "memory":
                    r.from_memory += 1
                r.glossary_failures += len(res.glossary_failures)
            used = self._models_for(lesson, tgt)
            models_used.update(used)
            sig = dict(stage_sig)
            sig.update(self._translation_signature(used))
            title = find_title(blocks) or lesson.title
            front = self._front_matter(title, lesson, tgt, shares, signature_text(sig))
            n_untranslated = sum(1 for s in out_segs if s.untranslated)
            if n_untranslated:
                front["untranslated"] = n_untranslated
            rendered_t = render_markdown(title, blocks, front)
            rel = f"{tgt}/{lesson.name}.md"
            outputs[rel] = self._write(rel, rendered_t.markdown)
            sidecar["targets"][tgt] = {
                "file": rel,
                "segments": [
                    {
                        "id": k,
                        "text": s.text,
                        "line": line,
                        **res.as_sidecar(),
                    }
                    for k, (s, res, line) in enumerate(zip(out_segs, results, rendered_t.segment_lines))
                ],
            }
        side_rel = f"{STATE_FOLDER}/lessons/{lesson.name}.json"
        outputs[side_rel] = self._write(side_rel, json.dumps(sidecar, ensure_ascii=False, indent=1, sort_keys=False) + "\n")
        return {
            "signature": self._record_digest,
            "models": {m: self._installed.get(m, "") for m in sorted(models_used)},
            "missing": sorted(missing),
            "outputs": outputs,
            "counts": {
                "edits": len(lesson.edits),
                "flagged": len(lesson.flagged),
                "segments": len(segs),
                "untranslated": sum(len(o.kept) for res in per_target.values() for o in res),
                "by_lang": dict(Counter(s.lang for s in segs)),
            },
        }

    def _write(self, rel: str, text: str) -> str:
        atomic_write_text(self.out / rel, text)
        return digest(text)

    def _front_matter(self, title: str, lesson: Lesson, lang: str, shares: dict[str, float], signature: str) -> dict[str, Any]:
        return {
            "title": title,
            "source": lesson.source,
            "lang": lang,
            "languages": shares,
            "signature": signature,
        }

    # -- signatures and the manifest

    def _translation_signature(self, models: list[str]) -> dict[str, str]:
        parts = {
            "models": ",".join(f"{m}@{self._installed.get(m, '?')}" for m in models) or "none",
            "beam": str(self.config.beam_size),
            "compute": self.config.compute_type,
        }
        if self._glossary is not None:
            parts["glossary"] = self._glossary.checksum[:12]
        return parts

    def _settings_digest(self, stage_sig: dict[str, str]) -> str:
        """Every setting a lesson's record must match to be up to date (models are checked apart)."""
        settings = {
            "stage": stage_sig,
            "targets": list(self.config.targets),
            "beam": self.config.beam_size,
            "compute": self.config.compute_type,
            "glossary": self._glossary.checksum if self._glossary is not None else None,
        }
        return digest(json.dumps(settings, sort_keys=True))

    def _up_to_date(self, record: dict[str, Any] | None, input_hash: str) -> bool:
        if not record or record.get("input") != input_hash:
            return False
        if record.get("signature") != self._record_digest:
            return False
        for name, ident in record.get("models", {}).items():
            if self._installed.get(name) != ident:
                return False  # a model it used was changed or removed
        if record.get("missing") and self._translator_routes_any(record["missing"]):
            return False  # a model it lacked is installed now
        for rel, h in record.get("outputs", {}).items():
            try:
                if digest((self.out / rel).read_text("utf-8")) != h:
                    return False
            except (OSError, UnicodeDecodeError):
                return False
        return True

    def _count_cached(self, record: dict[str, Any]) -> None:
        c = record.get("counts", {})
        r = self.report
        r.edits += c.get("edits", 0)
        r.flagged += c.get("flagged", 0)
        r.segments += c.get("segments", 0)
        r.untranslated += c.get("untranslated", 0)
        r.segments_by_lang.update(c.get("by_lang", {}))
        for pair in record.get("missing", []):
            r.routes.setdefault(pair, None)  # still missing: _up_to_date checked it

    def _load_manifest(self) -> dict[str, Any]:
        path = self.state / "manifest.json"
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("schema") != MANIFEST_SCHEMA:
            return {}
        lessons = data.get("lessons")
        return lessons if isinstance(lessons, dict) else {}

    def _save_manifest(self, lessons: dict[str, Any]) -> None:
        data = {"schema": MANIFEST_SCHEMA, "lessons": dict(sorted(lessons.items()))}
        atomic_write_text(self.state / "manifest.json", json.dumps(data, ensure_ascii=False, indent=1) + "\n")

    # -- models and glossary

    def _load_glossary(self) -> None:
        path = self.config.glossary_path
        if path is None and Path("glossary.csv").is_file():
            path = "glossary.csv"
        if not path or not self.config.targets:  # --glossary "" turns the default off
            return
        from pipeline.glossary import Glossary

        self._glossary = Glossary.load(path, source=self.config.glossary_source, target=self.config.glossary_target)

    def _get_translator(self) -> Any:
        if self._translator is None:
            from pipeline.translate.engine import TranslateSettings, Translator

            settings = TranslateSettings(
                models_dir=self.config.models_dir,
                beam_size=self.config.beam_size,
                compute_type=self.config.compute_type,
                max_batch_tokens=self.config.max_batch_tokens,
            )
            memory = self.config.memory_path or str(self.state / "memory.sqlite")
            self._translator = Translator(settings, memory_path=memory, glossary=self._glossary)
        return self._translator

    def _installed_models(self) -> dict[str, str]:
        from pipeline.translate.argos import installed_identities

        return installed_identities(self.config.models_dir)

    def _models_for(self, lesson: Lesson, tgt: str) -> list[str]:
        names: set[str] = set()
        for seg in lesson.segments():
            for sp in seg.spans:
                route = self.report.routes.get(f"{sp.lang}>{tgt}")
                if route:
                    names.update(route)
        return sorted(names)

    def _translator_routes_any(self, pairs: list[str]) -> bool:
        translator = self._get_translator()
        wanted = {tuple(p.split(">", 1)) for p in pairs}
        routes = translator.preflight(wanted)  # type: ignore[arg-type]
        return any(r is not None for r in routes.values())


def _worker_init() -> None:
    # Ctrl-C is the parent's to handle (one message, clean stop); workers just end.
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()


def _start_forkserver_ignoring_ctrl_c() -> None:
    """Start the pool's forkserver with SIGINT ignored, so that it and its workers ignore Ctrl-C.

    Left alone, the forkserver only ignores Ctrl-C once its imports are done, and
    its workers only from ``_worker_init``: a Ctrl-C in those windows killed the
    forkserver (the run then died with "Aborted!", exit 1) or printed a worker's
    KeyboardInterrupt traceback. An ignored signal survives exec, and the
    forkserver hands its old (ignored) disposition to every worker it forks.
    Meanwhile this thread blocks SIGINT, so a Ctrl-C in the window is held, not
    lost (Linux keeps a blocked signal pending even while it is ignored), and is
    delivered as KeyboardInterrupt when the normal handler is back.
    """
    import signal
    import threading
    from multiprocessing import forkserver, resource_tracker

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        forkserver.ensure_running()
        return
    # The forkserver starts the resource tracker first, and that *unblocks* SIGINT
    # when done; started beforehand, it does not reopen the window.
    resource_tracker.ensure_running()
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is done, then deliver them.

    For the few moments when an interruption leaves a mess: a worker half
    started (it then fails to find the pool's semaphores and prints a
    traceback). Processes started inside inherit the blocked signals.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = (signal.SIGINT, signal.SIGTERM)
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum)) for sig in held}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a pending signal lands in `caught` here
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if caught:
        signal.raise_signal(caught[0])  # now, with the usual handler: KeyboardInterrupt


def _exit_with_parent() -> None:
    """End this worker when the main process dies (SIGKILL, OOM killer).

    A pool worker waits on a queue whose write end it holds itself, so it never
    sees EOF: without this, workers of a killed run (and the forkserver they keep
    alive) would linger forever. The parent sentinel is a pipe only the main
    process writes to; it becomes readable when that process is gone.
    """
    import multiprocessing
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    multiprocessing.connection.wait([parent.sentinel])
    os._exit(1)


def _segment_kinds(lesson: Lesson) -> Iterator[str]:
    for b in lesson.blocks:
        for _ in b.segments:
            yield b.kind.value


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    size = max(1, size)
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _InlineExecutor:
    """The Executor interface, run in this process (small batches: no pool start-up)."""

    def __enter__(self) -> _InlineExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> _Done:
        return _Done(fn(*args))


class _Done:
    def __init__(self, value: Any) -> None:
        self._value = value

    def result(self) -> Any:
        return self._value


def run(config: PipelineConfig, raw: str | Path, out: str | Path, progress: Progress | None = None) -> RunReport:
    """Run the whole batch; see :class:`Runner`."""
    return Runner(config, Path(raw), Path(out), progress).run()


__all__ = ["FileProblem", "RunReport", "Runner", "discover", "run"]
