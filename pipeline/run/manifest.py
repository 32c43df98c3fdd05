"""The run's state: one SQLite file, ``OUT/.pipeline/state.sqlite``, a record per lesson.

Why SQLite: the old manifest was one JSON file (about 2 KB a lesson) read whole
and rewritten whole, so a million lessons cost gigabytes of memory and a
quadratic amount of I/O. Here a record is read when its lesson comes up, the
records of a chunk are written in one transaction (WAL, so a killed run loses
at most the chunk under way, whose files the next run rebuilds), and the names
a run saw go into a temp table, so finding lessons whose source is gone needs
no set of names in memory.

A record (JSON text, keys sorted) holds the input's hash, the settings digest,
the models used, the pairs that had no model, the files written with their
hashes, and the counts the summary adds up for lessons that are up to date.
The state is a cache of what is on disk: a file of another schema is dropped
and rebuilt, and today's ``manifest.json`` is migrated on first open.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.errors import PipelineError

STATE_FILE = "state.sqlite"
LEGACY_FILE = "manifest.json"
SCHEMA = 2  # 1 was manifest.json
LEGACY_SCHEMA = 1


class StateError(PipelineError):
    """The state file cannot be opened, read or written."""


class Manifest:
    def __init__(self, state_folder: Path) -> None:
        self.folder = state_folder
        self.path = state_folder / STATE_FILE
        self.notes: list[str] = []  # lines for the summary (a migration, an unreadable legacy file)
        self._db = self._open()
        self._migrate_legacy()

    # ------------------------------------------------------------------ opening

    def _open(self) -> sqlite3.Connection:
        if self.path.exists() and not self.path.is_file() or self.path.is_symlink():
            raise StateError(f"{self.path}: is not a regular file (a folder, link or device where the run keeps "
                             "its state); move it away, then run again")
        try:
            db = sqlite3.connect(self.path, isolation_level=None)  # transactions are explicit
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA temp_store=FILE")  # the seen-names table stays on disk: flat memory
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is not None and row[0] != str(SCHEMA):
                db.execute("DROP TABLE IF EXISTS lessons")  # another schema: a cache, rebuilt
            db.execute("CREATE TABLE IF NOT EXISTS lessons (name TEXT PRIMARY KEY, record TEXT NOT NULL)")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            db.execute("CREATE TEMP TABLE seen (name TEXT PRIMARY KEY)")
        except sqlite3.DatabaseError as exc:
            raise StateError(f"{self.path}: cannot be used as the run's state ({exc}); move it away (the next run "
                             "rebuilds it and skips nothing), then run again") from None
        return db

    def _migrate_legacy(self) -> None:
        """Records of today's manifest.json go into the database once; the JSON is then moved aside."""
        legacy = self.folder / LEGACY_FILE
        if not legacy.exists() and not legacy.is_symlink():
            return
        lessons: dict[str, Any] | None = None
        if legacy.is_file() and not legacy.is_symlink():
            try:
                data = json.loads(legacy.read_text("utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("schema") == LEGACY_SCHEMA and isinstance(data.get("lessons"), dict):
                lessons = {k: v for k, v in data["lessons"].items() if isinstance(k, str) and isinstance(v, dict)}
        if lessons is None:
            self.notes.append(f"{legacy}: not a manifest this version can read; ignored (lessons it described are "
                              "rebuilt), moved to manifest.json.migrated")
        else:
            self.put(sorted(lessons.items()))
            self.notes.append(f"{legacy}: {len(lessons)} records moved into {STATE_FILE}; the JSON is now "
                              "manifest.json.migrated")
        try:
            os.replace(legacy, legacy.with_name(LEGACY_FILE + ".migrated"))
        except OSError as exc:
            raise StateError(f"{legacy}: cannot be moved aside after migration ({exc.strerror or exc}); "
                             "move or remove it, then run again") from None

    # ------------------------------------------------------------------ records

    def get(self, name: str) -> dict[str, Any] | None:
        row = self._execute("SELECT record FROM lessons WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        try:
            record = json.loads(row[0])
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def put(self, records: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Write records in one transaction (a chunk: the files they describe are already on disk)."""
        rows = [(name, json.dumps(rec, ensure_ascii=False, sort_keys=True)) for name, rec in records]
        if rows:
            self._transaction(("INSERT OR REPLACE INTO lessons VALUES (?, ?)", rows))

    def mark_seen(self, names: Iterable[str]) -> None:
        rows = [(n,) for n in names]
        if rows:
            self._transaction(("INSERT OR IGNORE INTO seen VALUES (?)", rows))

    def unseen(self, page: int = 1000) -> Iterator[tuple[str, dict[str, Any]]]:
        """Records of lessons this run did not find (their source is gone), by name, a page at a time."""
        last = ""
        while True:
            rows = self._execute("SELECT name, record FROM lessons WHERE name > ? AND name NOT IN "
                                 "(SELECT name FROM seen) ORDER BY name LIMIT ?", (last, page)).fetchall()
            for name, text in rows:
                try:
                    record = json.loads(text)
                except ValueError:
                    record = {}
                yield name, record if isinstance(record, dict) else {}
            if len(rows) < page:
                return
            last = rows[-1][0]

    def count_unseen(self) -> int:
        row = self._execute("SELECT count(*) FROM lessons WHERE name NOT IN (SELECT name FROM seen)").fetchone()
        return int(row[0])

    def delete(self, names: Iterable[str]) -> None:
        rows = [(n,) for n in names]
        if rows:
            self._transaction(("DELETE FROM lessons WHERE name = ?", rows))

    def meta_get(self, key: str) -> str | None:
        """A value of the state's meta table (e.g. a glossary's row snapshot), or None."""
        row = self._execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def meta_put(self, items: Iterable[tuple[str, str | None]]) -> None:
        """Set meta values in one transaction; a None value deletes its key."""
        rows = list(items)
        self._transaction(("DELETE FROM meta WHERE key = ?", [(k,) for k, v in rows if v is None]),
                          ("INSERT OR REPLACE INTO meta VALUES (?, ?)", [(k, v) for k, v in rows if v is not None]))

    def dump(self) -> list[tuple[str, dict[str, Any]]]:
        """Every record, by name (tests and tools; a big batch should iterate instead)."""
        return [(n, json.loads(r)) for n, r in self._execute("SELECT name, record FROM lessons ORDER BY name")]

    def close(self) -> None:
        try:
            self._db.close()
        except sqlite3.Error:
            pass

    # ------------------------------------------------------------------ plumbing

    def _execute(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def _transaction(self, *steps: tuple[str, list[tuple[Any, ...]]]) -> None:
        """Each (sql, rows) step, all in one transaction (nothing when no step has rows)."""
        if not any(rows for _, rows in steps):
            return
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, rows in steps:
                    self._db.executemany(sql, rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            raise self._error(exc) from None

    def _error(self, exc: sqlite3.Error) -> StateError:
        text = str(exc)
        if "full" in text:
            return StateError(f"{self.path}: cannot be written, the disk is full ({text}); free some space, then "
                              "run again (what is written is complete; the rerun finishes the batch)")
        return StateError(f"{self.path}: the run's state cannot be read or written ({text}); move it away (the "
                          "next run rebuilds it), then run again")


def dump_state(state: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every record of the state folder ``state``, by name, the database closed again
    (tests and tools compare runs by it)."""
    manifest = Manifest(state)
    try:
        return manifest.dump()
    finally:
        manifest.close()
