"""The translation memory: keys, TMX export, two processes, crashes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.translate.memory import Entry, MemoryKey, TranslationMemory

KEY = MemoryKey("es", "en", "es_en@1.0#abc", "g1")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_lookup_is_keyed_by_pair_model_and_glossary(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store({"Hola": Entry("Hello"), "Adiós": Entry("Bye", ["term x"])}, KEY)
        assert tm.lookup(["Hola", "Adiós", "Nada"], KEY) == {"Hola": Entry("Hello"), "Adiós": Entry("Bye", ["term x"])}
        for other in (MemoryKey("es", "th", KEY.model, KEY.glossary), MemoryKey("es", "en", "es_en@1.1#abc", "g1"),
                      MemoryKey("es", "en", KEY.model, "g2"), MemoryKey("es", "en", KEY.model, "")):
            assert tm.lookup(["Hola"], other) == {}
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:  # persisted
        assert tm.lookup(["Hola"], KEY)["Hola"].target == "Hello"
        assert tm.stats()["entries"] == 2


def test_many_lookups_in_chunks(tmp_path: Path) -> None:
    with TranslationMemory(None) as tm:
        tm.store({f"s{i}": Entry(f"t{i}") for i in range(1234)}, KEY)
        found = tm.lookup([f"s{i}" for i in range(1300)], KEY)
        assert len(found) == 1234 and found["s1000"].target == "t1000"


def test_export_tmx_parses_back(tmp_path: Path) -> None:
    tricky = "a < b & \"c\" 'd' > e 🎉 \x01"
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store({"Hola": Entry("Hello"), tricky: Entry("x & y")}, KEY)
        tm.store({"สวัสดี": Entry("Hello")}, MemoryKey("th", "en", "th_en@1.0#def"))
        n = tm.export_tmx(tmp_path / "out.tmx", tool_version="9.9")
    assert n == 3
    root = ET.parse(tmp_path / "out.tmx").getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert root.find("header").get("srclang") == "*all*"  # type: ignore[union-attr]
    units = root.findall("body/tu")
    pairs = [tuple((tuv.get(XML_LANG), tuv.findtext("seg")) for tuv in tu.findall("tuv")) for tu in units]
    assert (("es", "Hola"), ("en", "Hello")) in pairs
    assert (("th", "สวัสดี"), ("en", "Hello")) in pairs
    assert (("es", tricky.replace("\x01", "\ufffd")), ("en", "x & y")) in pairs
    models = {tu.findtext("prop[@type='x-model']") for tu in units}
    assert models == {"es_en@1.0#abc", "th_en@1.0#def"}


def test_not_a_memory_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "tm.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ConfigError, match="not a usable translation memory"):
        TranslationMemory(bad)


def _writer_script(path: Path, prefix: str, n: int, kill_midway: bool = False) -> str:
    return textwrap.dedent(f"""
        import os, signal
        from pipeline.translate.memory import Entry, MemoryKey, TranslationMemory
        key = MemoryKey("es", "en", "m", "")
        tm = TranslationMemory({str(path)!r})
        for i in range({n}):
            tm.store({{"{prefix}%d-%d" % (i, j): Entry("t") for j in range(20)}}, key)
        if {kill_midway}:
            tm._db.execute("BEGIN IMMEDIATE")
            tm._db.executemany("INSERT INTO tm VALUES (?, 'es', 'en', 'm', '', 't', '[]', 'now')",
                               [("doomed%d" % k,) for k in range(5000)])
            os.kill(os.getpid(), signal.SIGKILL)
    """)


def test_two_processes_write_the_same_memory(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    TranslationMemory(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", _writer_script(path, p, 30)]) for p in ("a", "b")]
    with TranslationMemory(path) as tm:  # a third connection reads and writes meanwhile
        tm.store({"mine": Entry("ours")}, MemoryKey("es", "en", "m", ""))
    assert [p.wait(60) for p in procs] == [0, 0]
    with TranslationMemory(path) as tm:
        assert tm.stats()["entries"] == 2 * 30 * 20 + 1


def test_a_killed_writer_leaves_the_memory_intact(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    proc = subprocess.run([sys.executable, "-c", _writer_script(path, "k", 5, kill_midway=True)], check=False)
    assert proc.returncode == -9
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with TranslationMemory(path) as tm:
        key = MemoryKey("es", "en", "m", "")
        assert tm.stats()["entries"] == 5 * 20  # committed batches only
        assert tm.lookup(["doomed1"], key) == {}
        tm.store({"after": Entry("crash")}, key)  # and it is writable again
