"""`pipeline run --to ...` end to end with real (small) Argos packages: no fake CTranslate2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main

ES = """\
Lección 1 Relación con los clientes

Decimos hola a todos. El cliente está en el centro del modelo de negocio.

Tipos de relación

- Asistencia personal.
- Autoservicio.
"""

ES_TH = """\
Propuesta de valor

La propuesta de valor explica por qué el cliente nos elige. ลูกค้าจะเลือกเราเมื่อเราแก้ปัญหาได้ Por eso hay que escuchar al cliente.

สวัสดี ลูกค้า
"""


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "uno.txt").write_text(ES, encoding="utf-8")
    (raw / "dos.txt").write_text(ES_TH, encoding="utf-8")
    return raw, tmp_path / "out"


def _run(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["run", *args, "--json"])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}, result.stderr


def _snapshot(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "lock" and ".sqlite" not in p.name  # state databases: not outputs
    }


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def test_translate_rerun_and_edit(tmp_path: Path, echo_models: Path) -> None:
    raw, out = _tree(tmp_path)
    code, rep, err = _run(str(raw), str(out), "--to", "en", "--glossary", str(tmp_path / "none.csv"))
    assert code == 3 and "none.csv" in err  # a glossary that is not there is a config error
    code, rep, err = _run(str(raw), str(out), "--to", "en")
    assert code == 0, err
    assert rep["translated"] > 0 and rep["untranslated"] == 0 and rep["from_memory"] == 0
    assert rep["segments"] == rep["translated"] + rep["from_memory"] + (rep["segments"] - rep["translated"])
    en = (out / "en" / "dos.md").read_text("utf-8")
    assert "# Value proposition" in en  # ./glossary.csv is enforced by default (echo keeps the rest)
    front = _front(out / "en" / "dos.md")
    assert front["lang"] == "en"
    assert "models:" in front["signature"] and "th_en" in front["signature"] and "glossary:" in front["signature"]
    first = _snapshot(out)

    # a second run translates nothing and writes the same bytes
    code, rep, _ = _run(str(raw), str(out), "--to", "en")
    assert code == 0 and rep["translated"] == 0 and rep["up_to_date"] == 2
    assert _snapshot(out) == first
    # even when forced to rebuild, everything comes from the memory
    code, rep, _ = _run(str(raw), str(out), "--to", "en", "--force")
    assert rep["translated"] == 0 and rep["from_memory"] > 0
    assert _snapshot(out) == first

    # editing one sentence of one lesson sends only that segment to the model
    (raw / "uno.txt").write_text(ES.replace("Autoservicio.", "Talleres prácticos."), encoding="utf-8")
    code, rep, _ = _run(str(raw), str(out), "--to", "en")
    assert rep["written"] == 1 and rep["translated"] == 1
    assert "Talleres prácticos" in (out / "en" / "uno.md").read_text("utf-8")


def test_swap_model_translation_is_visible_in_the_markdown(tmp_path: Path, swap_models: Path) -> None:
    raw, out = _tree(tmp_path)
    code, rep, err = _run(str(raw), str(out), "--to", "en", "--glossary", "")
    assert code == 0, err
    en = (out / "en" / "uno.md").read_text("utf-8")
    assert "hello" in en.lower() and "customer" in en
    # the cleaned source keeps the Spanish
    assert "Decimos hola a todos" in (out / "source" / "uno.md").read_text("utf-8")
    side = json.loads((out / ".pipeline" / "lessons" / "uno.json").read_text("utf-8"))
    lines = en.splitlines()
    for seg in side["targets"]["en"]["segments"]:
        if seg["text"].strip():
            assert seg["text"].split()[0].strip("*_#") in lines[seg["line"] - 1], seg


def test_missing_model_keeps_source_marks_it_and_names_the_install_command(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    monkeypatch.setenv("PIPELINE_MODELS_DIR", str(empty))
    raw, out = _tree(tmp_path)
    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en"])
    assert result.exit_code == 0, result.output
    assert "pipeline models install --from-index es en" in result.stderr
    md = (out / "en" / "uno.md").read_text("utf-8")
    assert "Decimos hola a todos" in md and "<!-- untranslated: es -->" in md
    assert _front(out / "en" / "uno.md")["untranslated"] > 0
    code, rep, _ = _run(str(raw), str(out), "--to", "en", "--strict")
    assert code == 1 and rep["untranslated"] > 0
    assert "es>en" in rep["missing_pairs"]


def test_installing_a_missing_model_later_rebuilds_the_lessons_that_lacked_it(
    tmp_path: Path, argos_package_files: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.translate.argos import install_package

    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("PIPELINE_MODELS_DIR", str(models))
    raw, out = _tree(tmp_path)
    _, rep, _ = _run(str(raw), str(out), "--to", "en")
    assert rep["untranslated"] > 0
    install_package(argos_package_files["swap"][("es", "en")], models)
    install_package(argos_package_files["swap"][("th", "en")], models)
    _, rep, _ = _run(str(raw), str(out), "--to", "en")
    assert rep["written"] == 2 and rep["untranslated"] == 0
    assert "customer" in (out / "en" / "uno.md").read_text("utf-8")


def test_restoring_thai_runs_into_spanish(tmp_path: Path, swap_models: Path) -> None:
    raw, out = _tree(tmp_path)
    code, rep, err = _run(str(raw), str(out), "--to", "es", "--glossary", "")
    assert code == 0, err
    es = (out / "es" / "dos.md").read_text("utf-8").split("---", 2)[2]
    # th->en->es pivot: the swap models turn "ลูกค้า" into "customer" and back into "cliente"
    assert "ลูกค้า" not in es
    assert "Por eso hay que escuchar al cliente." in es


def test_memory_export_after_a_run_is_valid_tmx(tmp_path: Path, echo_models: Path) -> None:
    import xml.etree.ElementTree as ET

    raw, out = _tree(tmp_path)
    _run(str(raw), str(out), "--to", "en", "--glossary", "")
    tmx = tmp_path / "mem.tmx"
    result = CliRunner().invoke(main, ["memory", "export", "--tmx", str(tmx), "--memory", str(out / ".pipeline" / "memory.sqlite")])
    assert result.exit_code == 0, result.output
    root = ET.parse(tmx).getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    assert len(root.findall("./body/tu")) > 0


def test_image_credits_are_kept_as_written(tmp_path: Path, swap_models: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "credito.txt").write_text("Título\n\nEl cliente dice hola.\n\nImagen: hola cliente\n", encoding="utf-8")
    code, _, err = _run(str(raw), str(tmp_path / "out"), "--to", "en", "--glossary", "")
    assert code == 0, err
    md = (tmp_path / "out" / "en" / "credito.md").read_text("utf-8")
    assert "El customer dice hello." in md  # the paragraph went through the swap model
    assert "*Imagen: hola cliente*" in md  # the credit did not


def test_a_damaged_memory_stops_the_run_with_one_line_naming_it(tmp_path: Path, echo_models: Path) -> None:
    raw, out = _tree(tmp_path)
    code, _, err = _run(str(raw), str(out), "--to", "en", "--glossary", "")
    assert code == 0, err
    memory = out / ".pipeline" / "memory.sqlite"
    data = bytearray(memory.read_bytes())
    data[4096:] = bytes((i * 7 + 3) % 256 for i in range(len(data) - 4096))  # bad pages, header intact
    memory.write_bytes(bytes(data))
    for name in ("memory.sqlite-wal", "memory.sqlite-shm"):
        (memory.parent / name).unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en", "--glossary", "", "--force"])
    assert result.exit_code == 3, result.output
    assert f"{memory}:" in result.stderr and "move it away" in result.stderr and "Traceback" not in result.output
