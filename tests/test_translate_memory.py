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
    tricky = "a < b & \"c\" 'd' > e 🎉"
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store({"Hola": Entry("Hello"), tricky: Entry("x & y"), tricky + " \x01": Entry("z")}, KEY)
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
    assert (("es", tricky), ("en", "x & y")) in pairs
    # XML cannot carry \x01: that unit is left out (and counted by the exporter), never altered
    assert "\ufffd" not in (tmp_path / "out.tmx").read_text("utf-8")
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
            tm._db.executemany("INSERT INTO tm VALUES (?, 'es', 'en', 'm', '', '', 't', '[]', 'now')",
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


# --------------------------------------------------------------------------- narrow keys, migration, faults


def test_each_text_has_its_own_glossary_digest_and_settings_are_part_of_the_key(tmp_path: Path) -> None:
    key = MemoryKey("es", "en", "es_en@1.0#abc", "", "beam4")
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store({"El cliente.": Entry("The customer."), "Hola.": Entry("Hello.")}, key,
                 {"El cliente.": "rows-a", "Hola.": ""})
        assert set(tm.lookup(["El cliente.", "Hola."], key, {"El cliente.": "rows-a", "Hola.": ""})) == {
            "El cliente.", "Hola."}
        # a glossary row now matches "El cliente." differently: only that text misses
        assert set(tm.lookup(["El cliente.", "Hola."], key, {"El cliente.": "rows-b", "Hola.": ""})) == {"Hola."}
        other = MemoryKey("es", "en", key.model, "", "beam5")
        assert tm.lookup(["Hola."], other, {"Hola.": ""}) == {}


def _schema_1_file(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('schema', '1');
        CREATE TABLE tm (source TEXT NOT NULL, src_lang TEXT NOT NULL, tgt_lang TEXT NOT NULL,
            model TEXT NOT NULL, glossary TEXT NOT NULL, target TEXT NOT NULL,
            failures TEXT NOT NULL DEFAULT '[]', created TEXT NOT NULL,
            PRIMARY KEY (source, src_lang, tgt_lang, model, glossary)) WITHOUT ROWID;
        INSERT INTO tm VALUES ('Hola', 'es', 'en', 'es_en@1.0#abc', 'g1', 'Hello', '[]', '20250101T000000Z');
    """)
    db.commit()
    db.close()


def test_a_schema_1_memory_opens_keeps_its_entries_and_takes_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    _schema_1_file(path)
    with TranslationMemory(path) as tm:
        assert tm.stats()["entries"] == 1  # kept for the TMX export
        new = MemoryKey("es", "en", "es_en@1.0#abc", "g1", "beam4")
        assert tm.lookup(["Hola"], new) == {}  # an old key never matches a new one
        tm.store({"Hola": Entry("Hello there")}, new)
        assert tm.lookup(["Hola"], new)["Hola"].target == "Hello there"
        assert tm.export_tmx(tmp_path / "all.tmx") == 2
    with TranslationMemory(path) as tm:  # migrated once, opens again as schema 2
        assert tm.stats()["entries"] == 2
    assert sqlite3.connect(path).execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0] == "2"


def _damage(path: Path) -> None:
    """Overwrite the data pages (not the header) with garbage, as a bad disk would."""
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    for off in range(page, len(data)):
        data[off] = (off * 7 + 3) % 256
    path.write_bytes(bytes(data))


def test_damaged_pages_end_in_one_line_naming_the_file_from_every_entry_point(tmp_path: Path) -> None:
    from pipeline.errors import EXIT_CONFIG
    from pipeline.translate.memory import MemoryDamaged

    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store({f"frase {i}": Entry(f"sentence {i}") for i in range(3000)}, KEY)
    _damage(path)
    for call in (lambda tm: tm.lookup(["frase 1"], KEY), lambda tm: tm.stats(),
                 lambda tm: tm.export_tmx(tmp_path / "x.tmx"), lambda tm: tm.store({"a": Entry("b")}, KEY)):
        with pytest.raises(MemoryDamaged) as info:
            with TranslationMemory(path) as tm:
                call(tm)
        msg = str(info.value)
        assert msg.startswith(f"{path}: ") and "move it away" in msg and "\n" not in msg
        assert info.value.exit_code == EXIT_CONFIG
    assert not (tmp_path / "x.tmx").exists()


def test_a_full_disk_is_one_line_saying_free_space(tmp_path: Path) -> None:
    from pipeline.translate.memory import MemoryUnwritable

    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        page = tm._db.execute("PRAGMA page_count").fetchone()[0]
        tm._db.execute(f"PRAGMA max_page_count = {page + 1}")  # what a full disk looks like to SQLite
        with pytest.raises(MemoryUnwritable, match="free disk space") as info:
            tm.store({f"frase {i} " * 50: Entry("x" * 500) for i in range(500)}, KEY)
        assert str(info.value).startswith(f"{path}: ") and info.value.exit_code == 1
        assert tm.stats()["entries"] == 0  # the failed batch left nothing half-written


def test_damaged_memory_from_the_command_line_is_one_line_and_exit_3(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store({f"frase {i}": Entry(f"sentence {i}") for i in range(3000)}, KEY)
    _damage(path)
    for args in (["memory", "stats", "--memory", str(path)],
                 ["memory", "export", "--tmx", str(tmp_path / "m.tmx"), "--memory", str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 3, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: ") and "move it away" in lines[0]
        assert "Traceback" not in result.output
