"""`pipeline models ...` and `pipeline memory ...` through Click, on real packages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.errors import EXIT_CONFIG, EXIT_MODEL

Files = dict[str, dict[tuple[str, str], Path]]


def test_install_list_remove(argos_package_files: Files, tmp_path: Path) -> None:
    runner = CliRunner()
    models = str(tmp_path / "models")
    r = runner.invoke(main, ["models", "list", "--models-dir", models])
    assert r.exit_code == 0 and "No models installed. Install one with: pipeline models install" in r.output
    r = runner.invoke(main, ["models", "install", str(argos_package_files["echo"][("es", "en")]), "--models-dir", models])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Installed es_en (es -> en, version 1.0)")
    r = runner.invoke(main, ["models", "list", "--models-dir", models])
    assert "es_en" in r.output and "translate-es_en-1_0" in r.output
    r = runner.invoke(main, ["models", "remove", "es_en", "--models-dir", models])
    assert r.exit_code == 0 and r.output == "Removed es_en (translate-es_en-1_0)\n"
    r = runner.invoke(main, ["models", "remove", "es_en", "--models-dir", models])
    assert r.exit_code == EXIT_MODEL and "Error: " in r.output and "no installed package named 'es_en'" in r.output


def test_refused_archive_exits_4_with_the_reason(argos_package_files: Files, tmp_path: Path) -> None:
    bad = tmp_path / "evil.argosmodel"
    with zipfile.ZipFile(argos_package_files["echo"][("es", "en")]) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("translate-es_en-1_0/../../evil", b"x")
    r = CliRunner().invoke(main, ["models", "install", str(bad), "--models-dir", str(tmp_path / "m")])
    assert r.exit_code == EXIT_MODEL
    assert r.output == (f"Error: {bad}: member 'translate-es_en-1_0/../../evil' escapes the package folder (..); "
                        f"nothing was installed; use a package from the Argos index or rebuild it\n")


def test_install_usage_errors(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["models", "install", "--models-dir", str(tmp_path)])
    assert r.exit_code == 2 and "give either FILE or --from-index SRC TGT" in r.output


def test_install_from_index(index_server: tuple[str, Path], tmp_path: Path) -> None:
    url, _ = index_server
    r = CliRunner().invoke(main, ["models", "install", "--from-index", "en", "th", "--index", url,
                                  "--models-dir", str(tmp_path / "m")])
    assert r.exit_code == 0, r.output
    assert "Installed en_th" in r.output


def test_models_dir_from_environment(echo_models: Path) -> None:
    r = CliRunner().invoke(main, ["models", "list"])  # echo_models sets PIPELINE_MODELS_DIR
    assert r.exit_code == 0 and f"Models folder: {echo_models}" in r.output and "th_en" in r.output


def test_memory_export_and_stats(echo_models: Path, tmp_path: Path) -> None:
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    tm = tmp_path / "tm.sqlite"
    tr = Translator(TranslateSettings(models_dir=str(echo_models)), memory_path=str(tm))
    tr.translate([Job("Hola mundo. Adiós.", [], "es", "en"), Job("สวัสดี", [], "th", "en")])
    tr.close()
    runner = CliRunner()
    r = runner.invoke(main, ["memory", "stats", "--memory", str(tm)])
    assert r.exit_code == 0 and f"{tm}: 3 entries" in r.output and "es -> en" in r.output
    r = runner.invoke(main, ["memory", "export", "--tmx", str(tmp_path / "x.tmx"), "--memory", str(tm)])
    # (the memory's owner words the rest of the line: pairs, notes)
    assert r.exit_code == 0 and r.output.startswith("Wrote 3 translation units") and str(tmp_path / "x.tmx") in r.output
    segs = {s.text for s in ET.parse(tmp_path / "x.tmx").getroot().iter("seg")}
    assert segs == {"Hola mundo.", "Adiós.", "สวัสดี"}
    r = runner.invoke(main, ["memory", "stats", "--memory", str(tmp_path / "none.sqlite")])
    assert r.exit_code == EXIT_CONFIG and "no translation memory there" in r.output


def test_every_subcommand_has_an_example() -> None:
    runner = CliRunner()
    for args in (["models"], ["models", "list"], ["models", "install"], ["models", "remove"],
                 ["memory"], ["memory", "export"], ["memory", "stats"]):
        r = runner.invoke(main, [*args, "--help"])
        assert r.exit_code == 0 and ("Example:" in r.output or "Examples:" in r.output), args
