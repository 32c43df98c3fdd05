"""`glossary check`: lessons in subfolders, failures the run recorded, terms across runs, safe names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.glossary import Glossary, check_outputs, load_run_outputs

GLOSSARY = "es,en,th,forbidden_th\npropuesta de valor,value proposition,คุณค่าที่นำเสนอ,\nCanvas,Canvas,Canvas,ผ้าใบ\n" \
    "relación con los clientes,customer relationship,ความสัมพันธ์กับลูกค้า,\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def write_sidecar(out: Path, rel: str, lesson: str, segments: list[dict[str, Any]],
                  targets: dict[str, list[dict[str, Any]]]) -> None:
    """A sidecar at OUT/.pipeline/lessons/<rel> (the file name need not be the lesson's)."""
    data = {
        "schema": 1,
        "lesson": lesson,
        "source": f"raw/{lesson}.txt",
        "segments": [{"id": i, "kind": "paragraph", **s} for i, s in enumerate(segments)],
        "targets": {
            tgt: {"file": f"{tgt}/{lesson}.md",
                  "segments": [{"id": i, "line": 10 + 2 * i, **s} for i, s in enumerate(segs)]}
            for tgt, segs in targets.items()
        },
    }
    path = out / ".pipeline" / "lessons" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def seg(text: str, lang: str = "es", spans: list[tuple[int, int, str]] | None = None) -> dict[str, Any]:
    sp = spans or [(0, len(text), lang)]
    return {"text": text, "lang": lang, "spans": [{"start": a, "end": b, "lang": lg} for a, b, lg in sp]}


def glossary_file(tmp: Path) -> str:
    p = tmp / "g.csv"
    p.write_text(GLOSSARY, encoding="utf-8")
    return str(p)


def test_forbidden_term_in_a_subfolder_lesson_fails_the_check(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_sidecar(out, "top.json", "top", [seg("Hola.")], {"th": [{"text": "สวัสดี", "status": "translated"}]})
    write_sidecar(out, "unit2/x.json", "unit2/x", [seg("El Canvas.")], {"th": [{"text": "ผ้าใบ", "status": "translated"}]})
    lessons = load_run_outputs(str(out))
    assert [le.lesson for le in lessons] == ["top", "unit2/x"]
    code, text = run("glossary", "check", str(out), "--glossary", glossary_file(tmp_path))
    assert code == 1 and "unit2/x" in text and "forbidden-variant" in text and "No glossary violations" not in text


def test_lesson_name_comes_from_the_record_not_the_file_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    long_name = "unit3/" + "n" * 300
    write_sidecar(out, "unit3/nnnn-3f2a9c.json", long_name, [seg("Hola.")], {"en": [{"text": "Hi.", "status": "translated"}]})
    assert [le.lesson for le in load_run_outputs(str(out))] == [long_name]


def test_failures_the_run_recorded_are_violations(tmp_path: Path) -> None:
    out = tmp_path / "out"
    failure = ("es->en: 'relación con los clientes' should come out as 'customer relationship', "
               "but no span of the model's output is surely it (left as the model wrote it)")
    write_sidecar(
        out, "a.json", "a",
        [seg("La relación con los clientes es clave.")],
        # The text happens to hold the term (the model repeated it): only the record knows.
        {"en": [{"text": "The customer relationship customer relationship is key.", "status": "translated",
                 "glossary_failures": [failure]}]},
    )
    found = check_outputs(Glossary.from_text(GLOSSARY), load_run_outputs(str(out)))
    assert [(v.kind, v.lesson, v.line, v.found) for v in found] == [("run-failure", "a", 10, failure)]
    code, text = run("glossary", "check", str(out), "--glossary", glossary_file(tmp_path))
    assert code == 1 and "run-failure" in text


def test_a_term_spanning_two_language_runs_is_checked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = "La relación con los clientes importa."
    # The detector cut the sentence inside the term: "La relación con" | "los clientes importa."
    spans = [(0, 15, "es"), (15, len(text), "es")]
    write_sidecar(out, "a.json", "a", [seg(text, spans=spans)],
                  {"en": [{"text": "The relationship matters.", "status": "translated"}]})
    found = check_outputs(Glossary.from_text(GLOSSARY), load_run_outputs(str(out)))
    assert [(v.kind, v.term) for v in found] == [("missing-term", "relación con los clientes")]
    # A term cut by a run of another language (a Thai run inside): found in the Spanish run it touches.
    mixed = "Nuestra propuesta de valor ดี."
    write_sidecar(out, "b.json", "b", [seg(mixed, spans=[(0, 17, "es"), (17, 27, "es"), (27, len(mixed), "th")])],
                  {"en": [{"text": "Our offer good.", "status": "translated"}]})
    found = check_outputs(Glossary.from_text(GLOSSARY), load_run_outputs(str(out)))
    assert ("missing-term", "b", "propuesta de valor") in [(v.kind, v.lesson, v.term) for v in found]


def test_escape_sequences_in_names_never_reach_the_terminal(tmp_path: Path) -> None:
    out = tmp_path / "out"
    evil = "x\x1b]0;pwned\x07\u202e"
    write_sidecar(out, "evil.json", evil, [seg("El Canvas.")], {"th": [{"text": "ผ้าใบ", "status": "translated"}]})
    code, text = run("glossary", "check", str(out), "--glossary", glossary_file(tmp_path))
    assert code == 1
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b]0;pwned\\x07\\u202e" in text


def test_partial_segment_skips_terms_of_the_kept_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = "La propuesta de valor y กลุ่มลูกค้า."
    write_sidecar(out, "a.json", "a", [seg(text, spans=[(0, 24, "es"), (24, len(text), "th")])],
                  {"en": [{"text": "The value proposition y กลุ่มลูกค้า.", "status": "partial",
                           "kept": [[24, 35, "th"]]}]})
    g = Glossary.from_text("es,en,th\npropuesta de valor,value proposition,คุณค่าที่นำเสนอ\n"
                           "segmento de clientes,customer segment,กลุ่มลูกค้า\n")
    assert check_outputs(g, load_run_outputs(str(out))) == []
