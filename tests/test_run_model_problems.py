"""`pipeline run` with an installed package that cannot be loaded: one Error line, exit 4, the rest written."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import EXIT_MODEL

ES = "Lección de prueba\n\nEl cliente dice hola al mundo.\n\nOtro cliente dice hola.\n"
TH = "บทเรียนทดสอบ\n\nลูกค้าจะเลือกเรา สวัสดีลูกค้าทุกคน\n"


def _install(files: dict, models: Path, pairs: list[tuple[str, str]]) -> None:
    from pipeline.translate.argos import install_package

    for pair in pairs:
        install_package(files["swap"][pair], models)


def test_a_package_with_a_garbage_tokenizer_is_an_error_line_and_exit_4_and_the_rest_is_written(
        argos_package_files: dict, tmp_path: Path) -> None:
    models, raw, out = tmp_path / "models", tmp_path / "raw", tmp_path / "out"
    _install(argos_package_files, models, [("es", "en"), ("th", "en")])
    # Installed fine, damaged afterwards (a bad disk, a partial copy): only loading finds it.
    (models / "translate-th_en-1_0" / "sentencepiece.model").write_bytes(b"\x00garbage" * 64)
    raw.mkdir()
    (raw / "espanol.txt").write_text(ES, "utf-8")
    (raw / "thai.txt").write_text(TH, "utf-8")

    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en", "--models-dir", str(models),
                                       "--glossary", ""])
    assert result.exit_code == EXIT_MODEL, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    (line,) = errors
    assert "translate-th_en-1_0" in line and "sentencepiece.model" in line
    assert "pipeline models remove translate-th_en-1_0" in line and "pipeline models install" in line

    # The other pair is translated by its (swap) model; the Thai lesson is written, its text kept and marked.
    es = (out / "en" / "espanol.md").read_text("utf-8")
    assert "customer" in es and "hello" in es and "world" in es and "cliente" not in es
    th = (out / "en" / "thai.md").read_text("utf-8")
    assert "ลูกค้าจะเลือกเรา" in th and "customer" not in th
    assert (out / "source" / "espanol.md").is_file() and (out / "source" / "thai.md").is_file()
    side = json.loads((out / ".pipeline" / "lessons" / "thai.json").read_text("utf-8"))
    assert {s["status"] for s in side["targets"]["en"]["segments"]} == {"untranslated"}

    # --json carries the same lines; the rerun (package still broken) tries again and says so again.
    again = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", "en", "--models-dir", str(models),
                                      "--glossary", "", "--json"])
    assert again.exit_code == EXIT_MODEL, again.output
    report = json.loads(again.stdout)
    assert len(report["model_problems"]) == 1 and "translate-th_en-1_0" in report["model_problems"][0]
    assert report["up_to_date"] == 1 and report["written"] == 1  # the Spanish lesson needed nothing


def test_a_repaired_package_translates_what_was_kept(argos_package_files: dict, tmp_path: Path) -> None:
    models, raw, out = tmp_path / "models", tmp_path / "raw", tmp_path / "out"
    _install(argos_package_files, models, [("th", "en")])
    good = (models / "translate-th_en-1_0" / "sentencepiece.model").read_bytes()
    (models / "translate-th_en-1_0" / "sentencepiece.model").write_bytes(b"\x00garbage" * 64)
    raw.mkdir()
    (raw / "thai.txt").write_text(TH, "utf-8")
    args = ["run", str(raw), str(out), "--to", "en", "--models-dir", str(models), "--glossary", "", "--json"]
    assert CliRunner().invoke(main, args).exit_code == EXIT_MODEL
    (models / "translate-th_en-1_0" / "sentencepiece.model").write_bytes(good)
    fixed = CliRunner().invoke(main, args)
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.stdout)["model_problems"] == []
    assert "customer" in (out / "en" / "thai.md").read_text("utf-8")


def test_batch_tokens_defaults_to_per_device_and_accepts_0(tmp_path: Path) -> None:
    from pipeline.translate.settings import CPU_BATCH_TOKENS, TranslateSettings, batching_for

    text = " ".join(CliRunner().invoke(main, ["run", "--help"]).output.split())
    assert "--batch-tokens INTEGER RANGE Source tokens per model sub-batch; 0 = per device" in text
    from pipeline.cli.run_cmd import run as run_cmd

    assert next(p for p in run_cmd.params if p.name == "batch_tokens").default == 0
    # 0 reaches the engine as "per device": the measured CPU default, not a CLI number.
    assert batching_for(TranslateSettings(max_batch_tokens=0), "cpu") == (CPU_BATCH_TOKENS, "tokens")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text(ES, "utf-8")
    ok = CliRunner().invoke(main, ["run", str(tmp_path / "raw"), str(tmp_path / "out"), "--batch-tokens", "0"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(main, ["run", str(tmp_path / "raw"), str(tmp_path / "out"), "--batch-tokens", "-1"])
    assert bad.exit_code == 2


def test_an_older_version_set_aside_is_a_note_not_an_error(echo_models: Path, tmp_path: Path) -> None:
    import shutil

    from pipeline.testing.models import build_package
    from pipeline.translate import argos

    other = tmp_path / "other"
    argos.install(build_package(tmp_path, "es", "en", package_version="1.9"), other)
    shutil.copytree(other / "translate-es_en-1_9", echo_models / "translate-es_en-1_9")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(ES, "utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), str(tmp_path / "out"), "--to", "en", "--glossary", ""])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if "translate-es_en-1_0 (version 1.0) is not used" in line]
    assert len(notes) == 1 and notes[0].startswith("Note: es_en: ")
    assert "pipeline models remove translate-es_en-1_0" in notes[0]
    assert not [line for line in result.stderr.splitlines() if line.startswith("Error:")]


def test_a_pivot_without_its_second_leg_names_the_missing_hop(argos_package_files: dict, tmp_path: Path) -> None:
    models, raw = tmp_path / "models", tmp_path / "raw"
    _install(argos_package_files, models, [("es", "en")])
    raw.mkdir()
    (raw / "a.txt").write_text(ES, "utf-8")
    result = CliRunner().invoke(main, ["run", str(raw), str(tmp_path / "out"), "--to", "th", "--models-dir",
                                       str(models), "--glossary", "", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["missing_hops"] == {"es>th": ["en>th"]}
