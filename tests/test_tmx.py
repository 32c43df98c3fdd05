"""TMX export as a CAT tool reads it: per pair, multilingual, pivots composed, nothing altered.

Files are read back with translate-toolkit (``translate.storage.tmx``), the
library CAT pipelines use, not with our own parser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from translate.storage import tmx  # translate-toolkit, a test dependency: missing or shadowed, this fails, never skips

from pipeline.cli import main
from pipeline.translate.memory import Entry, MemoryKey, TranslationMemory
from pipeline.translate.tmx import export_tmx


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# An es->en project's Spanish segments, and what a run of es->en, es->th and en->th left in the memory.
PROJECT = [f"Frase número {i} sobre la propuesta de valor." for i in range(40)]
ENGLISH = {s: f"Sentence number {i} about the value proposition." for i, s in enumerate(PROJECT)}
THAI = {s: f"ประโยคที่ {i} เกี่ยวกับคุณค่าที่นำเสนอ" for i, s in enumerate(PROJECT) if i % 3 == 0}


def _memory(path: Path) -> TranslationMemory:
    tm = TranslationMemory(path)
    tm.store({s: Entry(t) for s, t in ENGLISH.items()}, MemoryKey("es", "en", "es_en@1.0#aa"))
    tm.store({s: Entry(t) for s, t in THAI.items()}, MemoryKey("es", "th", "es_th@1.0#bb"))
    tm.store({"Hello": Entry("สวัสดี")}, MemoryKey("en", "th", "en_th@1.0#cc"))
    return tm


def _langs(unit: object) -> list[tuple[str, str]]:
    return [(n.get(XML_LANG), unit.getNodeText(n)) for n in unit.getlanguageNodes()]  # type: ignore[attr-defined]


def _pretranslate(path: Path) -> dict[str, str]:
    """What a CAT tool fills in for each project segment: the target of the unit whose source matches."""
    store = tmx.tmxfile(path.open("rb"), sourcelanguage="es", targetlanguage="en")
    found: dict[str, str] = {}
    for unit in store.units:
        nodes = _langs(unit)
        if nodes[0][0] == "es" and nodes[0][1] in PROJECT:
            found.setdefault(nodes[0][1], nodes[1][1])
    return found


def _is_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def test_a_pair_export_holds_that_pair_only(tmp_path: Path) -> None:
    with _memory(tmp_path / "tm.sqlite") as tm:
        everything = export_tmx(tm, tmp_path / "all.tmx")
        result = export_tmx(tm, tmp_path / "es-en.tmx", pairs=[("es", "en")])
    # the unfiltered file is how OmegaT got Thai into an es->en project
    assert everything.pairs == [("en", "th"), ("es", "en"), ("es", "th")]
    every = [_langs(u) for u in tmx.tmxfile.parsefile(str(tmp_path / "all.tmx")).units]
    assert sum(1 for u in every if u[0][0] == "es" and _is_thai(u[1][1])) == len(THAI)
    assert result.units == len(PROJECT) and result.pairs == [("es", "en")]
    store = tmx.tmxfile.parsefile(str(tmp_path / "es-en.tmx"))
    assert store.sourcelanguage == "es"  # header srclang names the one source language
    units = [_langs(u) for u in store.units]
    assert len(units) == len(PROJECT)
    assert all([lang for lang, _ in u] == ["es", "en"] for u in units)
    assert {s: t for (_, s), (_, t) in units} == ENGLISH
    filled = _pretranslate(tmp_path / "es-en.tmx")
    assert filled == ENGLISH and not any(_is_thai(t) for t in filled.values())  # every segment, English only


def test_multilingual_has_one_unit_per_source_with_every_target(tmp_path: Path) -> None:
    with _memory(tmp_path / "tm.sqlite") as tm:
        result = export_tmx(tm, tmp_path / "multi.tmx", multilingual=True, pairs=[("es", "en"), ("es", "th")])
    assert result.units == len(PROJECT)
    store = tmx.tmxfile.parsefile(str(tmp_path / "multi.tmx"))
    for unit in store.units:
        nodes = dict(_langs(unit))
        src = nodes["es"]
        assert nodes["en"] == ENGLISH[src]
        assert nodes.get("th") == THAI.get(src)
    assert sum(1 for u in store.units if len(_langs(u)) == 3) == len(THAI)


def test_a_pivot_pair_is_composed_from_its_two_hops(tmp_path: Path) -> None:
    """The memory keeps one entry per hop; es->th through English exists only as es->en + en->th."""
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store({"Hola": Entry("Hello"), "Adiós": Entry("Goodbye")}, MemoryKey("es", "en", "es_en@1#a"))
        tm.store({"Hello": Entry("สวัสดี")}, MemoryKey("en", "th", "en_th@1#b"))
        result = export_tmx(tm, tmp_path / "es-th.tmx", pairs=[("es", "th")])
    assert result.units == 1 and result.composed == 1
    text = (tmp_path / "es-th.tmx").read_text("utf-8")
    assert '<prop type="x-route">es&gt;en&gt;th</prop>' in text
    (unit,) = tmx.tmxfile.parsefile(str(tmp_path / "es-th.tmx")).units
    assert _langs(unit) == [("es", "Hola"), ("th", "สวัสดี")]


def test_control_characters_are_never_replaced_silently(tmp_path: Path) -> None:
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:
        tm.store({"Hola\x07 a todos": Entry("Hello all"), "Bien": Entry("Good\x1f"), "Sí": Entry("Yes")},
                 MemoryKey("es", "en", "m"))
        tm.store({"Vale\ufffe": Entry("Okay")}, MemoryKey("es", "en", "m"))
    r = CliRunner().invoke(main, ["memory", "export", "--tmx", str(tmp_path / "x.tmx"),
                                  "--memory", str(tmp_path / "tm.sqlite"), "--pair", "es-en"])
    assert r.exit_code == 0, r.output
    assert "Wrote 1 translation units (es-en)" in r.stdout
    assert "left out 3 unit(s)" in r.stderr and "Hola\\x07 a todos" in r.stderr
    text = (tmp_path / "x.tmx").read_text("utf-8")
    assert "\ufffd" not in text and "Hello all" not in text
    assert [_langs(u) for u in tmx.tmxfile.parsefile(str(tmp_path / "x.tmx")).units] == [[("es", "Sí"), ("en", "Yes")]]
    with TranslationMemory(tmp_path / "tm.sqlite") as tm:  # nothing lost: still in the memory
        assert tm.stats()["entries"] == 4


def test_export_command_pairs_and_notes(tmp_path: Path) -> None:
    _memory(tmp_path / "tm.sqlite").close()
    args = ["memory", "export", "--memory", str(tmp_path / "tm.sqlite"), "--tmx"]
    r = CliRunner().invoke(main, [*args, str(tmp_path / "a.tmx")])
    assert r.exit_code == 0 and "holds 3 language pairs" in r.stderr and "--pair" in r.stderr
    r = CliRunner().invoke(main, [*args, str(tmp_path / "b.tmx"), "--pair", "es-en", "--pair", "es-fr"])
    assert r.exit_code == 0
    assert "(es-en)" in r.stdout and "no es-fr translations" in r.stderr
    for bad in ("es", "es-xx", "es-es", "../x-en"):
        r = CliRunner().invoke(main, [*args, str(tmp_path / "c.tmx"), "--pair", bad])
        assert r.exit_code == 2, (bad, r.output)
    assert not (tmp_path / "c.tmx").exists()


def test_same_memory_same_bytes(tmp_path: Path) -> None:
    with _memory(tmp_path / "tm.sqlite") as tm:
        export_tmx(tm, tmp_path / "1.tmx", multilingual=True)
        export_tmx(tm, tmp_path / "2.tmx", multilingual=True)
    assert (tmp_path / "1.tmx").read_bytes() == (tmp_path / "2.tmx").read_bytes()


def test_pairs_from_the_settings_file_and_a_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _memory(tmp_path / "tm.sqlite").close()
    monkeypatch.chdir(tmp_path)
    for var in [v for v in os.environ if v.startswith("PIPELINE_")]:
        monkeypatch.delenv(var)
    (tmp_path / "pipeline.toml").write_text('[memory.export]\npair = "es-en"\nmemory = "tm.sqlite"\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["memory", "export", "--tmx", "a.tmx"])
    assert r.exit_code == 0 and "(es-en)" in r.stdout, r.output
    (tmp_path / "pipeline.toml").write_text('[memory.export]\npair = ["es-en", "es-th"]\nmemory = "tm.sqlite"\n',
                                            encoding="utf-8")
    r = CliRunner().invoke(main, ["memory", "export", "--tmx", "b.tmx"])
    assert r.exit_code == 0 and "(es-en, es-th)" in r.stdout, r.output
    r = CliRunner().invoke(main, ["memory", "export", "--tmx", "c.tmx"], env={"PIPELINE_MEMORY_EXPORT_PAIR": "en-th"})
    assert r.exit_code == 0 and "(en-th)" in r.stdout, r.output
    r = CliRunner().invoke(main, ["memory", "export", "--tmx", "d.tmx"], env={"PIPELINE_MEMORY_EXPORT_PAIR": "en-xx"})
    assert r.exit_code == 3 and "PIPELINE_MEMORY_EXPORT_PAIR='en-xx'" in r.stderr
