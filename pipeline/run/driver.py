"""The batch: plan, build, translate and write, chunk by chunk, with an executor chosen once.

Design notes (why it looks like this):

- The driver (this process) keeps discovery, the state (``OUT/.pipeline/
  state.sqlite``), the translation memory and every write; executors only run
  pure functions (build a lesson from bytes, translate a chunk of sentences).
  So a local run, a process pool and a Dask cluster write the same bytes.
- Lessons move in chunks of ``config.chunk_size``: every segment of a chunk
  that needs translation goes to the engine in one call (dedup, memory look-up
  and batching across lessons), while memory stays flat however many lessons
  RAW holds. Discovery streams; nothing holds a list of every lesson.
- A record per lesson (input hash, settings digest, models, files written)
  lets a rerun skip what did not change. Records of a chunk are committed in
  one transaction after its files are written, so a killed run is finished by
  the next one.
- Lessons whose source is gone have their outputs removed at the end (listed
  in the summary), unless ``--keep-stale``.
- Per-file problems are collected, never fatal to the batch; a full disk
  stops it (every later write would fail too) with one line.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.config import SOURCE_FOLDER, STATE_FOLDER, PipelineConfig, digest
from pipeline.discover import FileProblem, shown
from pipeline.document import Lesson
from pipeline.errors import OutputLocked, PathEscape, PipelineError
from pipeline.fsutil import TEMP_PREFIX, inside, read_inside, sweep_temp_files
from pipeline.run import executors
from pipeline.run.build import build_one
from pipeline.run.manifest import Manifest
from pipeline.run.plan import Planner, Todo
from pipeline.run.pool import ctrl_c_held
from pipeline.run.report import RunReport
from pipeline.run.translate import TranslateStage
from pipeline.run.write import DiskFull, WriteFailed, Writer

# (stage, done, total): stage "lessons" (total None while discovery still runs) or "sentences"
Progress = Callable[[str, int, int | None], None]


class Runner:
    def __init__(self, config: PipelineConfig, raw: Path, out: Path, progress: Progress | None = None) -> None:
        self.config, self.raw, self.out = config, raw, out
        self.state = out / STATE_FOLDER
        self.progress = progress
        self.report = RunReport()
        self._executor: executors.Executor | None = None
        self._stage: TranslateStage | None = None
        self._glossary: Any = None
        self._installed: dict[str, str] = {}  # package name -> identity (version+checksum)
        self._record_digest = ""
        self._manifest: Manifest | None = None
        self._row_changes: Any = None  # glossary_rows.RowChanges: the glossary against earlier ones
        self._refreshed: list[tuple[str, dict[str, Any]]] = []  # records found current under a new glossary
        self._done = 0  # lessons built (or refused) in this run
        self._discovering = True
        self._expected: int | None = None  # the progress bar's total while discovery runs
        self.stop_requested = False  # a library caller may set it; the CLI's Ctrl-C/SIGTERM: pipeline.stopping

    # ------------------------------------------------------------------ public

    def run(self) -> RunReport:
        t0 = time.monotonic()
        if self.config.targets:  # --device cuda without one: exit 4 before anything is written
            self._stage = TranslateStage(self.config, self.state, None, self.report, hop_runner=None,
                                         on_progress=self._sentences_progress, should_stop=self._should_stop)
        self._check_folders()
        lock = self._lock()
        try:
            sweep_temp_files(self.out)
            self._run_locked()
        finally:
            try:
                if self._executor is not None:
                    self._executor.close()
                if self._stage is not None:
                    self._stage.close()
            finally:
                lock.release()
            self.report.elapsed = time.monotonic() - t0
        return self.report

    def _should_stop(self) -> bool:
        from pipeline import stopping

        return self.stop_requested or stopping.requested()

    # ------------------------------------------------------------------ checks before anything is written

    def _check_folders(self) -> None:
        if not self.raw.is_dir():
            raise PipelineError(f"{self.raw}: no such folder; give the folder that holds the raw .txt lessons")
        if self.out.exists() and not self.out.is_dir():
            raise PipelineError(f"{self.out}: is a file, not a folder; give an output folder")
        for sub in (STATE_FOLDER, SOURCE_FOLDER, *self.config.targets):
            p = self.out / sub
            if p.is_symlink() or (p.exists() and not p.is_dir()):
                raise PipelineError(f"{shown(p)}: is a file or link where the run writes a folder; move it away, "
                                    "then run again")
        try:
            self.state.mkdir(parents=True, exist_ok=True)
            # A unique probe: this runs before the lock, so two runs starting at
            # once must not remove each other's (the old fixed name did). A stop is
            # held meanwhile: nothing else would remove a probe left by Ctrl-C here.
            with ctrl_c_held():
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

    def _lock(self) -> Any:
        from filelock import FileLock, Timeout

        path = self.state / "lock"
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise PipelineError(f"{shown(path)}: is not a regular file (the run's lock); move it away, then run again")
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=self.config.wait)
        except Timeout:
            raise OutputLocked(
                f"{self.out}: another pipeline run is writing to this folder; "
                "wait for it to finish, or pass --wait SECONDS to queue behind it"
            ) from None
        except OSError as exc:
            raise PipelineError(f"{shown(path)}: the run's lock cannot be taken ({exc.strerror or exc}); "
                                "move it away, then run again") from None
        return lock

    # ------------------------------------------------------------------ the run

    def _run_locked(self) -> None:
        self._load_glossary()
        stage_sig = self.config.stage_signature()
        if self.config.targets:
            self._installed = _installed_models(self.config.models_dir)
            self._note_shadowed()
        if self._stage is not None:
            self._stage.glossary = self._glossary
        self._record_digest = self._settings_digest(stage_sig)
        manifest = Manifest(self.state)
        self._manifest = manifest
        try:
            self.report.notes.extend(manifest.notes)
            if self._glossary is not None:  # before any record names this glossary: later runs diff against it
                from pipeline.run.glossary_rows import RowChanges, snapshot_updates

                manifest.meta_put(snapshot_updates(self._glossary, manifest.meta_get))
                self._row_changes = RowChanges(self._glossary, manifest.meta_get)
            planner = Planner(self.config, self.raw, self.out, manifest, self.report, self._is_current,
                              self._lessons_progress)
            writer = Writer(self.config, self.out, self.report, stage_sig, self._record_digest, self._installed,
                            self._glossary, self._stage.signature if self._stage is not None else {})
            for chunk in planner.chunks():
                self._do_chunk(chunk, manifest, writer)
            self._flush_refreshed()
            self._discovering = False
            self._lessons_progress()
            self._remove_stale(manifest)
        finally:
            manifest.close()
        self._note_missing_hops()

    def _do_chunk(self, chunk: list[Todo], manifest: Manifest, writer: Writer) -> None:
        if self._executor is None:  # chosen once, on the first chunk that needs building
            if executors.pool_jobs(self.config) > 1 and len(chunk) >= executors.POOL_MIN_LESSONS and \
                    not self.config.cluster:
                from pipeline.run.pool import prepare

                prepare()
            self._executor = executors.choose(self.config, len(chunk), None)
            self.report.executor, self.report.workers = self._executor.name, self._executor.workers
            if self._stage is not None:
                self._stage.use_hop_runner(self._executor.hop_runner())
        built: list[tuple[Lesson, Todo]] = []
        calls = [(t.data, t.item.rel, t.source, t.shown, self.config) for t in chunk]
        for t, result in zip(chunk, self._executor.map(build_one, calls)):
            t.data = b""  # built: the bytes are not needed any more
            if isinstance(result, FileProblem):
                self.report.errors.append(result)
            else:
                built.append((result, t))
            self._done += 1  # the bar counts lessons as they are built; translation has its own
            self._lessons_progress()
        per_lesson = self._translate([lesson for lesson, _ in built])
        records: list[tuple[str, dict[str, Any]]] = []
        try:
            for (lesson, t), per_target in zip(built, per_lesson):
                try:
                    # Ctrl-C and SIGTERM land between lessons, never inside one's writes: no temp
                    # file is left and no lesson has some files of this run and some of the last.
                    with ctrl_c_held():
                        record = writer.write_lesson(lesson, per_target, t.input_hash)
                    records.append((lesson.name, record))
                    self.report.note_written(lesson.name)
                except WriteFailed as exc:
                    self.report.errors.append(exc.problem)
        except (DiskFull, KeyboardInterrupt):
            try:
                manifest.put(records)  # what is written is recorded (if there is room): the rerun skips it
            except PipelineError:
                pass
            raise
        manifest.put(records)

    def _translate(self, lessons: list[Lesson]) -> list[dict[str, list[Any]]]:
        if self._stage is None:
            return [{} for _ in lessons]
        import sqlite3

        try:
            return self._stage.translate(lessons)
        except sqlite3.Error as exc:
            memory = self.config.memory_path or str(self.state / "memory.sqlite")
            raise PipelineError(f"{memory}: the translation memory cannot be used ({exc}); free some space or "
                                "move the file away, then run again") from None

    # ------------------------------------------------------------------ progress

    def _lessons_progress(self) -> None:
        if self.progress is None:
            return
        if self._expected is None:
            self._expected = _count_txt(self.raw)
        done = self.report.up_to_date + self._done
        # While discovery streams, the total is a quick count of *.txt files (links and all);
        # once it is done, the number of lessons found.
        total = max(self._expected, self.report.files) if self._discovering else self.report.files
        self.progress("lessons", done, total)

    def _sentences_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress("sentences", done, total)

    # ------------------------------------------------------------------ stale lessons

    def _remove_stale(self, manifest: Manifest) -> None:
        """Outputs of lessons whose source is gone from RAW: removed (or, with --keep-stale, listed)."""
        n = manifest.count_unseen()
        if not n:
            return
        if self.report.files == 0:
            self.report.notes.append(f"{shown(self.raw)}: no lessons found, so the {n} lessons recorded in "
                                     f"{shown(self.out)} are kept; check the input folder")
            return
        gone: list[str] = []
        for name, record in manifest.unseen():
            self.report.note_stale(name)
            if self.config.keep_stale:
                continue
            outputs = record.get("outputs", {})
            for rel in sorted(outputs) if isinstance(outputs, dict) else []:
                self._remove_output(rel)
            gone.append(name)
            if len(gone) >= 1000:  # the page already read: deleting it does not disturb the next one
                manifest.delete(gone)
                gone = []
        self.report.stale_kept = self.config.keep_stale
        manifest.delete(gone)

    def _remove_output(self, rel: str) -> None:
        try:
            path = inside(self.out, rel)  # a record that names a path outside OUT is never followed
        except (PathEscape, TypeError):
            return
        try:
            if path.is_file() or path.is_symlink():
                path.unlink()
        except OSError as exc:
            self.report.notes.append(f"{shown(path)}: outdated output not removed ({exc.strerror or exc})")
            return
        parent = path.parent  # folders the lesson's removal emptied go too (never OUT's top folders)
        top = {self.out / SOURCE_FOLDER, self.state / "lessons", *(self.out / t for t in self.config.targets)}
        while parent not in top and parent != self.out and parent.is_relative_to(self.out):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    # ------------------------------------------------------------------ signatures and records

    def _settings_digest(self, stage_sig: dict[str, str]) -> str:
        """Every setting a lesson's record must match to be up to date (models are checked apart)."""
        settings = {
            "stage": stage_sig,
            "targets": list(self.config.targets),
            "beam": self.config.beam_size,
            "device": self._stage.signature if self._stage is not None else None,
            # Whether a glossary is used; which of its rows a lesson matched is checked per lesson
            # (_glossary_current), so a one-row edit rebuilds only the lessons that row touches.
            "glossary": self._glossary is not None,
        }
        return digest(json.dumps(settings, sort_keys=True))

    def _is_current(self, name: str, record: dict[str, Any], input_hash: str) -> bool:
        if record.get("input") != input_hash or record.get("signature") != self._record_digest:
            return False
        models = record.get("models", {})
        if not isinstance(models, dict) or any(self._installed.get(n) != ident for n, ident in models.items()):
            return False  # a model it used was changed or removed
        missing = record.get("missing", [])
        if missing and self._stage is not None and self._stage.routes_any(missing):
            return False  # a model it lacked is installed now
        outputs = record.get("outputs", {})
        if not isinstance(outputs, dict) or not outputs:
            return False
        sidecar = None
        for rel, h in outputs.items():
            data = read_inside(self.out, rel) if isinstance(rel, str) else None
            if data is None or digest(data) != h:  # digest(bytes) == digest(text): both hash the UTF-8
                return False
            if rel == record.get("sidecar"):
                sidecar = data
        return self._glossary_current(name, record, sidecar)

    def _glossary_current(self, name: str, record: dict[str, Any], sidecar: bytes | None) -> bool:
        """Whether the glossary rows the lesson matched are unchanged and no added row matches it."""
        seen = record.get("glossary")
        if self._glossary is None or not isinstance(seen, dict):
            return self._glossary is None and seen is None
        rows, checksum = seen.get("rows"), seen.get("checksum")
        if not isinstance(rows, list) or not isinstance(checksum, str):
            return False
        if checksum == self._glossary.checksum:
            return True
        if seen.get("pivot"):
            return False  # a pivot hop keys on rows matching the intermediate text: not recorded
        changes = self._row_changes.changes(checksum)
        if changes is None:
            return False  # built under a glossary this state no longer describes
        gone, added = changes
        if gone.intersection(rows):
            return False  # a row it matched was removed or edited
        if added is not None:
            from pipeline.run.glossary_rows import matched_keys, sidecar_texts

            texts = sidecar_texts(sidecar) if sidecar is not None else None
            if texts is None or matched_keys(added, texts):
                return False  # a row added since matches its text
        # Current: recorded under this glossary, so the next run need not look again.
        seen["checksum"] = self._glossary.checksum
        self._refreshed.append((name, record))
        if len(self._refreshed) >= 1000:
            self._flush_refreshed()
        return True

    def _flush_refreshed(self) -> None:
        if self._refreshed and self._manifest is not None:
            self._manifest.put(self._refreshed)
        self._refreshed = []

    def _note_missing_hops(self) -> None:
        if not self.report.missing_pairs:
            return
        from pipeline.translate.argos import list_packages

        from pipeline.translate.routing import missing_hop

        installed = {p.pair for p in list_packages(self.config.models_dir)}
        for pair in self.report.missing_pairs:
            src, tgt = pair.split(">", 1)
            a, b = missing_hop(src, tgt, installed)  # the one hop to install (a pivot's missing leg)
            self.report.missing_hops[pair] = [f"{a}>{b}"]

    def _note_shadowed(self) -> None:
        """Older versions of a pair set aside because a newer one is installed: notes, not errors."""
        from pipeline.translate.argos import shadowed_lines

        self.report.notes.extend(shadowed_lines(self.config.models_dir))

    # ------------------------------------------------------------------ glossary

    def _load_glossary(self) -> None:
        if not self.config.targets:
            return
        if self.config.glossary_path == "":  # --glossary "" turns the default ./glossary.csv off
            return
        from pipeline.glossary.core import load_glossary

        self._glossary = load_glossary(self.config.glossary_path, source=self.config.glossary_source,
                                       target=self.config.glossary_target)


def _count_txt(raw: Path) -> int:
    """About how many lessons RAW holds: *.txt files outside hidden folders (for a progress bar only)."""
    n = 0
    for _dirpath, dirnames, filenames in os.walk(raw, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        n += sum(1 for f in filenames if f.lower().endswith(".txt") and not f.startswith("."))
    return n


def _installed_models(models_dir: str | None) -> dict[str, str]:
    from pipeline.translate.argos import installed_identities

    return installed_identities(models_dir)


def run(config: PipelineConfig, raw: str | Path, out: str | Path, progress: Progress | None = None) -> RunReport:
    """Run the whole batch; see :class:`Runner`."""
    return Runner(config, Path(raw), Path(out), progress).run()
