"""The translation memory: every sentence translated once, ever.

SQLite, because it is in the standard library, survives a killed process
(each batch of new entries is one transaction, and WAL mode means a crash
mid-write leaves the previous state readable) and lets two processes share one
file (readers never block; writers wait up to ``timeout`` seconds).

An entry is keyed by everything that changes the output: the source text, the
language pair, the model identity (package name, version and checksum of its
files, ``+``-joined along a pivot route) and the glossary version. Change any
of them and the old entry is simply not found; it stays for the TMX export.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from pipeline.errors import ConfigError
from pipeline.fsutil import atomic_write_bytes

SCHEMA_VERSION = 1
_CHUNK = 500  # SQLite bound-parameter batches
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tm (
    source    TEXT NOT NULL,
    src_lang  TEXT NOT NULL,
    tgt_lang  TEXT NOT NULL,
    model     TEXT NOT NULL,   -- name@version#checksum, '+'-joined along a pivot
    glossary  TEXT NOT NULL,   -- glossary checksum, '' without a glossary
    target    TEXT NOT NULL,
    failures  TEXT NOT NULL DEFAULT '[]',  -- glossary terms that could not be enforced (JSON)
    created   TEXT NOT NULL,
    PRIMARY KEY (source, src_lang, tgt_lang, model, glossary)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class MemoryKey:
    """What identifies a translation, apart from the source text."""

    src_lang: str
    tgt_lang: str
    model: str
    glossary: str = ""


@dataclass(frozen=True)
class Entry:
    target: str
    failures: list[str] = field(default_factory=list)


class TranslationMemory:
    """A SQLite translation memory. ``path=None`` keeps it in RAM for this process only."""

    def __init__(self, path: str | os.PathLike[str] | None, *, timeout: float = 60.0) -> None:
        self.path = str(path) if path is not None else ":memory:"
        if path is not None:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if path is not None:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")  # WAL+NORMAL: never corrupt
            self._db.executescript(_SCHEMA)
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            found = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path}: not a usable translation memory ({exc}); "
                              f"move the file away or pass another --memory path") from None
        if found != str(SCHEMA_VERSION):
            raise ConfigError(f"{self.path}: translation memory schema {found}, this version "
                              f"reads {SCHEMA_VERSION}; pass another --memory path")

    # ------------------------------------------------------------------ lookups

    def lookup(self, sources: Iterable[str], key: MemoryKey) -> dict[str, Entry]:
        """Entries found for ``sources`` under ``key``, by source text."""
        wanted = sorted(set(sources))
        found: dict[str, Entry] = {}
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, target, failures FROM tm WHERE src_lang = ? AND tgt_lang = ? "
                f"AND model = ? AND glossary = ? AND source IN ({marks})",
                (key.src_lang, key.tgt_lang, key.model, key.glossary, *chunk),
            )
            for source, target, failures in rows:
                found[source] = Entry(target, json.loads(failures))
        return found

    def store(self, entries: dict[str, Entry], key: MemoryKey) -> None:
        """Add entries in one transaction: all of them are kept, or none."""
        if not entries:
            return
        now = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        rows = [
            (src, key.src_lang, key.tgt_lang, key.model, key.glossary, e.target,
             json.dumps(e.failures, ensure_ascii=False), now)
            for src, e in sorted(entries.items())
        ]
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO tm VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # ------------------------------------------------------------------ reporting

    def stats(self) -> dict[str, object]:
        """Entry counts, overall and per language pair and model."""
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
        """Write every entry as TMX 1.4 (atomically); return the number of units written."""
        root = ET.Element("tmx", version="1.4")
        ET.SubElement(root, "header", {
            "creationtool": "pipeline", "creationtoolversion": tool_version or "0",
            "segtype": "sentence", "o-tmf": "pipeline-sqlite", "adminlang": "en",
            "srclang": "*all*", "datatype": "plaintext",
        })
        body = ET.SubElement(root, "body")
        rows = self._db.execute(
            "SELECT source, src_lang, tgt_lang, model, glossary, target, created FROM tm "
            "ORDER BY src_lang, tgt_lang, source, model, glossary"
        )
        n = 0
        for source, src_lang, tgt_lang, model, glossary, target, created in rows:
            tu = ET.SubElement(body, "tu", {"srclang": src_lang, "creationdate": created})
            ET.SubElement(tu, "prop", type="x-model").text = model
            if glossary:
                ET.SubElement(tu, "prop", type="x-glossary").text = glossary
            for lang, text in ((src_lang, source), (tgt_lang, target)):
                tuv = ET.SubElement(tu, "tuv", {"xml:lang": lang})
                ET.SubElement(tuv, "seg").text = _XML_INVALID.sub("\ufffd", text)
            n += 1
        ET.indent(root)
        data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
        atomic_write_bytes(path, data)
        return n

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
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
