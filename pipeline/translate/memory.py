"""The translation memory: every sentence translated once, ever.

SQLite, because it is in the standard library, survives a killed process
(each batch of new entries is one transaction, and WAL mode means a crash
mid-write leaves the previous state readable) and lets two processes share one
file (readers never block; writers wait up to ``timeout`` seconds).

An entry is one model hop of one text, keyed by exactly what can change that
hop's output, so a change retranslates only what it touches:

* the source text and the hop's language pair;
* the model (package name, version and checksum of its files): upgrading one
  pair's model misses only entries of hops through it (a pivot route es->en->th
  keeps its es->en hop when en_th changes);
* ``glossary``: a digest of the glossary rows that match this text for this
  pair (``Glossary.rows_digest``), not of the whole file: adding, editing or
  removing one row misses only texts the old or the new row matches;
* ``settings``: the output-changing settings (beam size, resolved compute type,
  device kind, decoding limits), see ``engine.output_settings``.

Change any of them and the old entry is simply not found; it stays for the TMX
export. Schema 1 files (no ``settings`` column) are migrated in place on first
open: their entries are kept for export and never match a new key.

Damaged or full files end in one line that names the file and what to do
(:class:`MemoryDamaged`, exit 3; :class:`MemoryUnwritable`, exit 1), never in a
traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from pipeline.errors import EXIT_FAILED, ConfigError, PipelineError

SCHEMA_VERSION = 2
_CHUNK = 500  # SQLite bound-parameter batches

_TABLE = """
CREATE TABLE IF NOT EXISTS tm (
    source    TEXT NOT NULL,
    src_lang  TEXT NOT NULL,
    tgt_lang  TEXT NOT NULL,
    model     TEXT NOT NULL,   -- name@version#checksum of the hop's package
    glossary  TEXT NOT NULL,   -- digest of the glossary rows matching the source, '' without
    settings  TEXT NOT NULL DEFAULT '',  -- output-changing settings; '' = migrated from schema 1
    target    TEXT NOT NULL,
    failures  TEXT NOT NULL DEFAULT '[]',  -- glossary terms that could not be enforced (JSON)
    created   TEXT NOT NULL,
    PRIMARY KEY (source, src_lang, tgt_lang, model, glossary, settings)
) WITHOUT ROWID;
"""
_COLUMNS = "source, src_lang, tgt_lang, model, glossary, settings, target, failures, created"


class MemoryDamaged(ConfigError):
    """The memory file is not a usable SQLite memory (corrupted pages, not SQLite, newer schema)."""


class MemoryUnwritable(PipelineError):
    """The memory cannot be written (disk full, read-only media)."""

    exit_code = EXIT_FAILED


@dataclass(frozen=True)
class MemoryKey:
    """What identifies a translation, apart from the source text."""

    src_lang: str
    tgt_lang: str
    model: str
    glossary: str = ""  # used for every text unless a per-text digest is given
    settings: str = ""


@dataclass(frozen=True)
class Entry:
    target: str
    failures: list[str] = field(default_factory=list)


class TranslationMemory:
    """A SQLite translation memory. ``path=None`` keeps it in RAM for this process only."""

    def __init__(self, path: str | os.PathLike[str] | None, *, timeout: float = 60.0) -> None:
        self.path = str(path) if path is not None else ":memory:"
        with self._guard(opening=True):
            if path is not None:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if path is not None:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")  # WAL+NORMAL: never corrupt
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            found = row[0] if row else None
            if found == "1":
                self._migrate_from_1()
            elif found is None:
                with self._transaction():
                    self._db.execute(_TABLE)
                    self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                found = str(SCHEMA_VERSION)
        if found not in ("1", str(SCHEMA_VERSION)):
            self._db.close()
            raise MemoryDamaged(f"{self.path}: translation memory schema {found}, this version "
                                f"reads {SCHEMA_VERSION}; pass another --memory path")

    def _migrate_from_1(self) -> None:
        """Schema 1 had no ``settings`` column (and keyed the glossary by the whole file):
        rebuild the table with it, keeping every old entry for the TMX export."""
        with self._transaction():
            if self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] != "1":
                return  # another process migrated it while we waited for the lock
            self._db.execute("ALTER TABLE tm RENAME TO tm_v1")
            self._db.execute(_TABLE)
            self._db.execute(
                f"INSERT INTO tm ({_COLUMNS}) SELECT source, src_lang, tgt_lang, model, glossary, '', "
                "target, failures, created FROM tm_v1"
            )
            self._db.execute("DROP TABLE tm_v1")
            self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION),))

    @contextmanager
    def _guard(self, *, opening: bool = False) -> Iterator[None]:
        """SQLite and OS errors as one line naming this file and what to do."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            raise self._error(str(exc), opening) from None
        except OSError as exc:
            raise MemoryUnwritable(f"{self.path}: cannot use the translation memory ({exc.strerror or exc}); "
                                   f"check the folder, or pass another --memory path") from None

    def _error(self, message: str, opening: bool) -> PipelineError:
        low = message.lower()
        if "full" in low:
            return MemoryUnwritable(f"{self.path}: cannot write the translation memory ({message}); free disk "
                                    f"space and run again (what was translated so far is kept)")
        if "readonly" in low or "read-only" in low or "unable to open" in low or "i/o error" in low:
            return MemoryUnwritable(f"{self.path}: cannot write the translation memory ({message}); make the "
                                    f"file and its folder writable, or copy it to a writable place and pass "
                                    f"--memory with that path")
        if opening and "malformed" not in low:
            return MemoryDamaged(f"{self.path}: not a usable translation memory ({message}); "
                                 f"move the file away or pass another --memory path")
        return MemoryDamaged(f"{self.path}: the translation memory is damaged ({message}); move it away "
                             f"(the next run starts a new one and translates again) or pass another --memory path")

    # ------------------------------------------------------------------ lookups

    def lookup(self, sources: Iterable[str], key: MemoryKey,
               glossary_of: Mapping[str, str] | None = None) -> dict[str, Entry]:
        """Entries found for ``sources`` under ``key``, by source text.

        ``glossary_of`` gives each source its own glossary digest (the rows
        that match it); without it, ``key.glossary`` is used for all.
        """
        wanted = sorted(set(sources))
        found: dict[str, Entry] = {}
        with self._guard():
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT source, glossary, target, failures FROM tm WHERE src_lang = ? AND tgt_lang = ? "
                    f"AND model = ? AND settings = ? AND source IN ({marks})",
                    (key.src_lang, key.tgt_lang, key.model, key.settings, *chunk),
                )
                for source, glossary, target, failures in rows:
                    want = glossary_of.get(source, key.glossary) if glossary_of is not None else key.glossary
                    if glossary == want:
                        found[source] = Entry(target, json.loads(failures))
        return found

    def store(self, entries: Mapping[str, Entry], key: MemoryKey,
              glossary_of: Mapping[str, str] | None = None) -> None:
        """Add entries in one transaction: all of them are kept, or none."""
        if not entries:
            return
        now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        gof = glossary_of or {}
        rows = [
            (src, key.src_lang, key.tgt_lang, key.model, gof.get(src, key.glossary), key.settings, e.target,
             json.dumps(e.failures, ensure_ascii=False), now)
            for src, e in sorted(entries.items())
        ]
        with self._guard(), self._transaction():
            self._db.executemany(f"INSERT OR REPLACE INTO tm ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def rows(self, sql: str, params: tuple[object, ...] = ()) -> Iterator[Any]:
        """Rows of a read query, streamed; a damaged file ends in one clear error, not a traceback."""
        with self._guard():
            yield from self._db.execute(sql, params)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # ------------------------------------------------------------------ reporting

    def stats(self) -> dict[str, object]:
        """Entry counts, overall and per language pair and model."""
        with self._guard():
            total = self._db.execute("SELECT COUNT(*) FROM tm").fetchone()[0]
            pairs = self._db.execute(
                "SELECT src_lang, tgt_lang, model, COUNT(*) FROM tm GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
            ).fetchall()
        return {
            "path": self.path,
            "entries": total,
            "pairs": [{"source": s, "target": t, "model": m, "entries": n} for s, t, m, n in pairs],
        }

    def export_tmx(self, path: str | os.PathLike[str], *, tool_version: str = "") -> int:
        """Write every entry as TMX 1.4; the exporter lives in :mod:`pipeline.translate.tmx`."""
        from pipeline.translate.tmx import export_tmx

        return export_tmx(self, path, tool_version=tool_version).units

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error (autocommit connection)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if not exc_type:
            self._db.execute("COMMIT")
        elif self._db.in_transaction:  # SQLite already rolled back after "database or disk is full"
            self._db.execute("ROLLBACK")
