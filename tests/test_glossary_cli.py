"""`pipeline glossary lint|check|export`, the run-output reader and TBX export."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import InputError
from pipeline.glossary import Glossary, check_outputs, load_run_outputs, to_tbx

REPO = Path(__file__).resolve().parents[1]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

GLOSSARY = """es,en,th,dnt,case,forbidden_th
propuesta de valor,value proposition,คุณค่าที่นำเสนอ,,,
segmento de clientes,customer segment,กลุ่มลูกค้า,,,
canal,channel,ช่องทาง,,,
Canvas,Canvas,Canvas,yes,yes,ผ้าใบ
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# -- lint ---------------------------------------------------------------------------------


def test_lint_shipped_glossary_is_clean() -> None:
    code, out = run("glossary", "lint", str(REPO / "glossary.csv"), "--quiet")
    assert code == 0, out
    assert "error" not in out.replace("0 errors", "")
    # Issue 14: the shipped example has no warnings; its nested terms are notes, by design.
    code, out = run("glossary", "lint", str(REPO / "glossary.csv"))
    assert code == 0 and "0 errors, 0 warnings" in out and ": warning: " not in out, out


BROKEN = (
    "\ufeffes,en,th,colour\n"  # 1: BOM, unknown column
    "propuesta de valor,value proposition,คุณค่าที่นำเสนอ,\n"  # 2: fine
    "canal,channel,ช่องทาง\n"  # 3: wrong column count
    "canal,canal (TV),ช่อง,\n"  # 4: canal -> two different targets
    "propuesta de valor,value proposition,คุณค่าที่นำเสนอ,\n"  # 5: duplicate of 2
    "segmento de clientes ,customer segment,กลุ่มลูกค้า,\n"  # 6: stray whitespace
    "relacio\u0301n,relationship,ความสัมพันธ์,\n"  # 7: not NFC
    "socio clave,key partner,พันธมิตรหลัก,\n"  # 8: fine
    "socio,partner,พันธมิตร,\n"  # 9: hidden inside 'socio clave' (warning)
)


def test_lint_names_each_broken_line(tmp_path: Path) -> None:
    p = tmp_path / "broken.csv"
    p.write_bytes(BROKEN.encode("utf-8"))
    code, out = run("glossary", "lint", str(p), "--notes")
    assert code == 1
    lines = [ln for ln in out.splitlines() if re.match(re.escape(str(p)) + r":\d+: ", ln)]
    by_line: dict[int, list[str]] = {}
    for ln in lines:
        num = int(ln[len(str(p)) + 1 :].split(":", 1)[0])
        by_line.setdefault(num, []).append(ln)
    text = {k: " ".join(v) for k, v in by_line.items()}
    assert "byte-order mark" in text[1] and "unknown column 'colour'" in text[1]
    assert "3 columns, the header has 4" in text[3]
    assert "maps to en 'canal (TV)' here but to 'channel' on line 3" in text[4]
    assert "duplicate of line 2" in text[5]
    assert "stray whitespace" in text[6]
    assert "not in Unicode NFC" in text[7]
    assert "note" in text[9] and "inside 'socio clave'" in text[9]  # by design: listed with --notes
    assert 2 not in text and 8 not in text
    assert all(": error: " in ln or ": warning: " in ln or ": note: " in ln for ln in lines)
    assert f"{p}: 7 errors, 0 warnings (4 notes)" in out
    code, out = run("glossary", "lint", str(p))
    assert ": note: " not in out and "(4 notes; --notes lists them)" in out


def test_lint_two_column_file_with_codes(tmp_path: Path) -> None:
    p = tmp_path / "pairs.csv"
    p.write_text("propuesta de valor,value proposition\ncanal,channel\ncanal,pipe\n", encoding="utf-8")
    code, out = run("glossary", "lint", str(p), "--source", "es", "--target", "en")
    assert code == 1 and f"{p}:3: error: es term 'canal' maps to en 'pipe'" in out
    code, out = run("glossary", "lint", str(p))
    assert code == 1 and "--source and --target" in out


def test_lint_without_file_uses_default_or_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = run("glossary", "lint")
    assert code == 3
    assert out.strip() == (
        "Error: no glossary: ./glossary.csv does not exist; pass --glossary FILE or create glossary.csv"
    )
    (tmp_path / "glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    code, out = run("glossary", "lint")
    assert code == 0 and "glossary.csv: 0 errors" in out


def test_every_glossary_command_has_an_example_in_help() -> None:
    for cmd in ("lint", "check", "export"):
        code, out = run("glossary", cmd, "--help")
        assert code == 0 and "Example" in out and f"pipeline glossary {cmd}" in out


# -- check --------------------------------------------------------------------------------


def sidecar(
    out_dir: Path, lesson: str, segments: list[tuple[str, str]], targets: dict[str, list[tuple[str, str]]]
) -> None:
    """A lesson record as `pipeline run` writes it: segments [(text, lang)], targets {lang: [(text, status)]}."""
    data = {
        "schema": 1,
        "lesson": lesson,
        "source": f"raw/{lesson}.txt",
        "segments": [
            {
                "id": i,
                "kind": "paragraph",
                "text": t,
                "lang": lang,
                "spans": [{"start": 0, "end": len(t), "lang": lang, "confidence": 0.99, "method": "test"}],
            }
            for i, (t, lang) in enumerate(segments)
        ],
        "targets": {
            tgt: {
                "file": f"{tgt}/{lesson}.md",
                "segments": [{"id": i, "text": t, "line": 10 + 2 * i, "status": s} for i, (t, s) in enumerate(segs)],
            }
            for tgt, segs in targets.items()
        },
        "edits": [],
        "flagged": [],
    }
    folder = out_dir / ".pipeline" / "lessons"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{lesson}.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture()
def out_dir(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    sidecar(
        out,
        "lesson1",
        [("Las propuestas de valor del Canvas.", "es"), ("Un canal directo.", "es"), ("Hola.", "es")],
        {
            "en": [
                ("The value propositions of the Canvas.", "translated"),
                ("A direct channel.", "memory"),
                ("Hello.", "translated"),
            ],
            "th": [("คุณค่าที่นำเสนอของ Canvas", "translated"), ("ช่องทางตรง", "translated"), ("Hola.", "untranslated")],
        },
    )
    sidecar(
        out,
        "lesson2",
        [("Hola.", "es"), ("El segmento de clientes.", "es")],
        {"en": [("Hello.", "translated"), ("The customer segment.", "translated")]},
    )
    return out


def test_check_passes_on_good_outputs(out_dir: Path) -> None:
    g = Glossary.from_text(GLOSSARY)
    assert check_outputs(g, load_run_outputs(str(out_dir))) == []
    gpath = out_dir.parent / "g.csv"
    gpath.write_text(GLOSSARY, encoding="utf-8")
    code, out = run("glossary", "check", str(out_dir), "--glossary", str(gpath))
    assert code == 0 and "No glossary violations." in out


def test_check_fails_naming_the_term_against_another_target(out_dir: Path) -> None:
    other = out_dir.parent / "other.csv"
    other.write_text(GLOSSARY.replace("value proposition,", "value offer,"), encoding="utf-8")
    code, out = run("glossary", "check", str(out_dir), "--glossary", str(other))
    assert code == 1
    assert "lesson1" in out and "en/lesson1.md:10" in out and "missing-term" in out and "value offers" in out
    assert "1 violation." in out


def test_check_reports_forbidden_and_inconsistent_and_skips_untranslated(tmp_path: Path) -> None:
    out = tmp_path / "o"
    sidecar(out, "a", [("El Canvas.", "es"), ("Hola.", "es")], {"th": [("ผ้าใบ", "translated"), ("สวัสดี", "translated")]})
    sidecar(
        out,
        "b",
        [("Hola.", "es"), ("Un canal.", "es")],
        {"th": [("หวัดดี", "translated"), ("Un canal.", "untranslated")]},
    )
    g = Glossary.from_text(GLOSSARY)
    found = check_outputs(g, load_run_outputs(str(out)))
    kinds = sorted((v.kind, v.lesson, v.line) for v in found)
    assert kinds == [
        ("forbidden-variant", "a", 10),
        ("inconsistent", "b", 10),
        ("missing-term", "a", 10),
    ]
    gpath = tmp_path / "g.csv"
    gpath.write_text(GLOSSARY, encoding="utf-8")
    code, text = run("glossary", "check", str(out), "--glossary", str(gpath), "--format", "json")
    assert code == 1
    data = json.loads(text)
    assert data["checksum"] == g.checksum
    forb = next(v for v in data["violations"] if v["kind"] == "forbidden-variant")
    assert forb == {
        "kind": "forbidden-variant",
        "lesson": "a",
        "file": "th/a.md",
        "line": 10,
        "lang": "th",
        "term": "Canvas",
        "expected": "Canvas",
        "found": "ผ้าใบ",
        "segment": 0,
    }


def test_check_is_inflection_aware(tmp_path: Path) -> None:
    out = tmp_path / "o"
    sidecar(
        out,
        "a",
        [("Los canales y la propuesta de valor.", "es")],
        {"en": [("The channels and the value propositions.", "translated")]},
    )
    assert check_outputs(Glossary.from_text(GLOSSARY), load_run_outputs(str(out))) == []


def test_load_run_outputs_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no lesson records found"):
        load_run_outputs(str(tmp_path))
    folder = tmp_path / ".pipeline" / "lessons"
    folder.mkdir(parents=True)
    (folder / "x.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.json: cannot read the lesson record"):
        load_run_outputs(str(tmp_path))
    (folder / "x.json").write_text('{"schema": 7}', encoding="utf-8")
    with pytest.raises(InputError, match="schema 7"):
        load_run_outputs(str(tmp_path))
    code, out = run("glossary", "check", str(tmp_path), "--glossary", str(REPO / "glossary.csv"))
    assert code == 1 and out.startswith("Error: ") and "x.json" in out


def test_check_with_broken_glossary_exits_3(out_dir: Path) -> None:
    bad = out_dir.parent / "bad.csv"
    bad.write_text("es,en\ncanal\n", encoding="utf-8")
    code, out = run("glossary", "check", str(out_dir), "--glossary", str(bad))
    assert code == 3 and f"{bad}:2: 1 columns, the header has 2" in out


# -- TBX ----------------------------------------------------------------------------------


def test_tbx_round_trip_of_shipped_glossary(tmp_path: Path) -> None:
    g = Glossary.load(str(REPO / "glossary.csv"))
    dest = tmp_path / "g.tbx"
    code, out = run("glossary", "export", "--tbx", str(dest), "--glossary", str(REPO / "glossary.csv"))
    assert code == 0 and f"Wrote {len(g)} term entries" in out
    root = ET.parse(dest).getroot()
    assert root.tag == "martif" and root.get("type") == "TBX-Basic"
    entries = root.findall("./text/body/termEntry")
    assert len(entries) == len(g)
    for entry, term in zip(entries, g.terms):
        for lang_set in entry.findall("langSet"):
            lang = lang_set.get(XML_LANG)
            tigs = lang_set.findall("tig")
            status = {t.findtext("term"): t.findtext("termNote[@type='administrativeStatus']") for t in tigs}
            preferred = [k for k, v in status.items() if v == "preferredTerm-admn-sts"]
            deprecated = [k for k, v in status.items() if v == "deprecatedTerm-admn-sts"]
            assert preferred == [term.preferred(lang)]
            assert tuple(deprecated) == term.forbidden.get(lang, ())
            assert [k for k, v in status.items() if v != "deprecatedTerm-admn-sts"] == list(term.forms[lang])
        assert (entry.findtext("note") == "Do not translate.") == term.dnt


def test_tbx_is_deterministic() -> None:
    g = Glossary.from_text(GLOSSARY)
    assert to_tbx(g) == to_tbx(g)
    assert "<!DOCTYPE martif" in to_tbx(g)
