"""The CLI as a whole: help everywhere, documented in the README, settings precedence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import COMMANDS, DISTRIBUTION, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _all_commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(main)
    out: list[tuple[str, click.Command]] = []

    def walk(prefix: str, group: click.Group) -> None:
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            assert cmd is not None, f"command {prefix}{name} is listed but cannot be loaded"
            out.append((f"{prefix}{name}", cmd))
            if isinstance(cmd, click.Group):
                walk(f"{prefix}{name} ", cmd)

    walk("", main)
    return out


def test_every_command_loads_has_help_with_an_example_and_is_in_the_readme() -> None:
    runner = CliRunner()
    for name, _cmd in _all_commands():
        result = runner.invoke(main, [*name.split(), "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Example" in result.output, f"`pipeline {name} --help` has no example"
        assert f"pipeline {name}" in README, f"`pipeline {name}` is not in the README"


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"pipeline, version {__version__} (distribution {DISTRIBUTION})"
    # the distribution is installed under that name: a published `pip install lesson-pipeline` gets this tool
    from importlib.metadata import version

    assert version(DISTRIBUTION) == __version__


def test_top_level_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from pipeline.cli import main;"
        "r = CliRunner().invoke(main, ['--help']); print(r.output);"
        "heavy = [m for m in ('ftfy','ctranslate2','argostranslate','langdetect','wordfreq','pythainlp') if m in sys.modules];"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    for name in COMMANDS:
        assert name in out
    assert "HEAVY []" in out


def test_unknown_settings_key_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pipeline.toml").write_text('[run]\nbeem-size = 2\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", "raw", "out"])
    assert result.exit_code == 3
    assert "pipeline.toml: unknown key 'beem-size' in [run]; known keys:" in result.output
    assert "beam-size" in result.output


def test_unknown_settings_table_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pipeline.toml").write_text('[rnu]\nto = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", "raw", "out"])
    assert result.exit_code == 3
    assert "unknown table [rnu]" in result.output


def _signature(tmp_path: Path, args: list[str], env: dict[str, str]) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "raw", "out", "--force", *args], cwd=tmp_path, env=env,
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "out" / "source" / "hola.md").read_text("utf-8")
    return next(line for line in text.splitlines() if line.startswith("signature:"))


def test_settings_precedence_cli_env_file_default(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "hola.txt").write_text("Hola a todos.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}
    assert "threshold=0.5" in _signature(tmp_path, [], env)
    (tmp_path / "pyproject.toml").write_text("[tool.pipeline.run]\nthreshold = 0.7\n", encoding="utf-8")
    assert "threshold=0.7" in _signature(tmp_path, [], env)
    env["PIPELINE_RUN_THRESHOLD"] = "0.9"
    assert "threshold=0.9" in _signature(tmp_path, [], env)
    assert "threshold=0.2" in _signature(tmp_path, ["--threshold", "0.2"], env)


def test_quiet_and_verbose(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "hola.txt").write_text("Hola a todos.\n", encoding="utf-8")
    quiet = CliRunner().invoke(main, ["-q", "run", str(raw), str(tmp_path / "a")])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    verbose = CliRunner().invoke(main, ["-v", "run", str(raw), str(tmp_path / "b")])
    assert verbose.exit_code == 0
    assert "Summary" in verbose.stdout and "  wrote hola" in verbose.stdout


def _lesson(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / "hola.txt").write_text("Hola a todos.\n", encoding="utf-8")
    return raw


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}


def test_settings_keys_are_option_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`to`, `json`, `beam-size`/`beam_size`, lists: the names a user types, not the Python parameters."""
    _lesson(tmp_path)
    (tmp_path / "pipeline.toml").write_text(
        '[run]\nto = "en,es"\nlanguages = ["es", "en"]\nbeam_size = 3\njson = true\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", "raw", "out"], env=_clean_env())
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == 1  # json = true took effect
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["en", "es", "source"]
    front = (tmp_path / "out" / "en" / "hola.md").read_text("utf-8")
    assert "|beam:3|" in front  # beam_size = 3 reached the translator's settings


def test_internal_parameter_names_are_not_settings_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pipeline.toml").write_text('[run]\ntargets = "en"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", "raw", "out"])
    assert result.exit_code == 3
    assert "unknown key 'targets' in [run]" in result.output and " to," in result.output


def test_environment_variables_are_named_after_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    env = {**_clean_env(), "PIPELINE_RUN_TO": "th", "PIPELINE_RUN_JSON": "1", "PIPELINE_RUN_GLOSSARY": ""}
    result = CliRunner().invoke(main, ["run", "raw", "out"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"] == 1
    assert (tmp_path / "out" / "th" / "hola.md").is_file()
    # the Python parameter name is not a variable: PIPELINE_RUN_TARGETS does nothing
    env = {**_clean_env(), "PIPELINE_RUN_TARGETS": "en"}
    result = CliRunner().invoke(main, ["run", "raw", "out2"], env=env)
    assert result.exit_code == 0 and not (tmp_path / "out2" / "en").exists()


def test_glossary_variable_reaches_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.csv").write_text("es,en\nhola\n", encoding="utf-8")  # wrong column count
    env = {**_clean_env(), "PIPELINE_RUN_GLOSSARY": "bad.csv"}
    result = CliRunner().invoke(main, ["run", "raw", "out", "--to", "en"], env=env)
    assert result.exit_code == 3 and "bad.csv" in result.output


def test_bad_values_name_the_file_table_key_or_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pipeline.toml").write_text('[run]\nbeam-size = "four"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "raw", "out"], env=_clean_env())
    assert result.exit_code == 3
    assert "pipeline.toml: [run] beam-size = 'four':" in result.stderr
    (tmp_path / "pipeline.toml").unlink()
    result = CliRunner().invoke(main, ["run", "raw", "out"], env={**_clean_env(), "PIPELINE_RUN_BEAM_SIZE": "99"})
    assert result.exit_code == 3
    assert "PIPELINE_RUN_BEAM_SIZE='99'" in result.stderr
    # the same value typed on the command line is a usage error
    assert CliRunner().invoke(main, ["run", "raw", "out", "--beam-size", "99"]).exit_code == 2
    assert not (tmp_path / "out").exists()


def test_an_error_in_one_table_does_not_break_other_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pipeline.toml").write_text('[report]\nbogus = 1\n[glossary.check]\nformat = "xml"\n', encoding="utf-8")
    ok = CliRunner().invoke(main, ["run", "raw", "out"], env=_clean_env())
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(main, ["report", "out"], env=_clean_env())
    assert bad.exit_code == 3 and "unknown key 'bogus' in [report]" in bad.stderr
    bad = CliRunner().invoke(main, ["glossary", "check", "out"], env=_clean_env())
    assert bad.exit_code == 3 and "[glossary.check] format = 'xml'" in bad.stderr


def test_every_option_of_every_command_has_a_key_and_a_variable() -> None:
    """New options get settings keys and variables without anyone listing them."""
    from pipeline.settings_file import envvar_name, option_keys

    for name, cmd in _all_commands():
        if isinstance(cmd, click.Group):
            continue
        for p in cmd.params:
            if isinstance(p, click.Option) and p.name and p.name != "help":
                keys = option_keys(p)
                assert keys and all(k.replace("-", "_").isidentifier() for k in keys), (name, p.opts)
                want = envvar_name(name.split(), p)
                assert want.startswith("PIPELINE_" + name.upper().replace(" ", "_").replace("-", "_") + "_")
                assert p.envvar and want in p.envvar, (name, p.opts, p.envvar)


@pytest.mark.parametrize("code", ["../x", "/abs/path", ".pipeline", "source", "xx", "en,zz", "en/../..", "EN-us"])
def test_target_codes_that_are_paths_or_unknown_are_refused(tmp_path: Path, code: str) -> None:
    raw = _lesson(tmp_path)
    out = tmp_path / "sub" / "out"
    result = CliRunner().invoke(main, ["run", str(raw), str(out), "--to", code], env=_clean_env())
    assert result.exit_code == 2, result.output
    assert "--to" in result.stderr and repr(code.split(",")[-1]) in result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["raw", "raw/hola.txt"]


def test_target_codes_from_settings_and_variables_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    r = CliRunner().invoke(main, ["run", "raw", "out"], env={**_clean_env(), "PIPELINE_RUN_TO": "../x"})
    assert r.exit_code == 3 and "PIPELINE_RUN_TO='../x'" in r.stderr
    (tmp_path / "pipeline.toml").write_text('[run]\nto = ["en", ".pipeline"]\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["run", "raw", "out"], env=_clean_env())
    assert r.exit_code == 3 and "[run] to = 'en,.pipeline'" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "pipeline.toml"])


def test_detector_languages_are_validated(tmp_path: Path) -> None:
    raw = _lesson(tmp_path)
    r = CliRunner().invoke(main, ["detect", str(raw / "hola.txt"), "--languages", "es,x/y"])
    assert r.exit_code == 2 and "--languages" in r.stderr
    r = CliRunner().invoke(main, ["detect", str(raw / "hola.txt"), "--languages", "es,pt-BR"])
    assert r.exit_code == 0, r.output


def test_quiet_and_verbose_after_the_command_name(tmp_path: Path) -> None:
    raw = _lesson(tmp_path)
    quiet = CliRunner().invoke(main, ["run", str(raw), str(tmp_path / "a"), "-q"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    verbose = CliRunner().invoke(main, ["run", "-v", str(raw), str(tmp_path / "b")])
    assert verbose.exit_code == 0
    assert "Summary" in verbose.stdout and "  wrote hola" in verbose.stdout
    both = CliRunner().invoke(main, ["-v", "run", str(raw), str(tmp_path / "c"), "--quiet"])
    assert both.exit_code == 0 and both.stdout == ""  # -q wins
    for name, cmd in _all_commands():
        if not isinstance(cmd, click.Group):
            opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
            assert {"-q", "-v"} <= opts, name


def test_completion_offers_language_codes_and_model_names(tmp_path: Path) -> None:
    from pipeline.testing.models import build_package

    def complete(words: str, env: dict[str, str] | None = None) -> list[str]:
        r = subprocess.run(
            [str(Path(sys.executable).parent / "pipeline")], capture_output=True, text=True,
            env={**os.environ, **(env or {}), "_PIPELINE_COMPLETE": "bash_complete", "COMP_WORDS": words,
                 "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))},
        )
        return [line.split(",", 1)[1] for line in r.stdout.splitlines()]

    assert "th" in complete("pipeline run raw out --to t")
    assert "en,es" in complete("pipeline run raw out --to en,e")
    assert "pt" in complete("pipeline detect x --languages p")
    models = tmp_path / "models"
    pkg = build_package(tmp_path / "pkg", "es", "en")
    subprocess.run([sys.executable, "-m", "pipeline", "models", "install", str(pkg), "--models-dir", str(models)],
                   check=True, capture_output=True)
    assert complete("pipeline models remove --models-dir " + str(models) + " ") == ["es_en"]


def test_two_column_glossaries_work_in_every_command_that_reads_a_glossary(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`--source/--target` (the DeepL/Google layout) in run, glossary check, report and export, not only lint."""
    _lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pair.csv").write_text("propuesta de valor,value proposition\ncliente,customer\n", encoding="utf-8")
    pair = ["--glossary", "pair.csv", "--source", "es", "--target", "en"]
    env = _clean_env()
    runner = CliRunner()
    # without the languages the file is refused (its first row is not a header): the option is really used
    assert runner.invoke(main, ["run", "raw", "bad", "--to", "en", "--glossary", "pair.csv"], env=env).exit_code == 3
    r = runner.invoke(main, ["run", "raw", "out", "--to", "en", *pair], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["glossary", "check", "out", *pair], env=env)
    assert r.exit_code == 0, r.output
    assert runner.invoke(main, ["glossary", "check", "out", "--glossary", "pair.csv"], env=env).exit_code == 3
    r = runner.invoke(main, ["report", "out", "-o", "r.html", *pair], env=env)
    assert r.exit_code == 0, r.output
    assert "pair.csv checked" in (tmp_path / "r.html").read_text("utf-8")
    r = runner.invoke(main, ["glossary", "export", "--tbx", "g.tbx", *pair], env=env)
    assert r.exit_code == 0 and "value proposition" in (tmp_path / "g.tbx").read_text("utf-8")
    # and from the settings file, like every option
    (tmp_path / "pipeline.toml").write_text('[glossary.check]\nglossary = "pair.csv"\nsource = "es"\ntarget = "en"\n',
                                            encoding="utf-8")
    assert runner.invoke(main, ["glossary", "check", "out"], env=env).exit_code == 0


def test_a_misspelt_variable_is_named_not_ignored(tmp_path: Path) -> None:
    raw = _lesson(tmp_path)
    env = {**_clean_env(), "PIPELINE_RUN_TOO": "en"}
    r = CliRunner().invoke(main, ["run", str(raw), str(tmp_path / "out")], env=env)
    assert r.exit_code == 0
    assert "PIPELINE_RUN_TOO is read by no option of `pipeline run`; did you mean PIPELINE_RUN_TO?" in r.stderr
    r = CliRunner().invoke(main, ["run", str(raw), str(tmp_path / "out")], env={**_clean_env(), "PIPELINE_RUN_TO": "en"})
    assert "Warning" not in r.stderr


def test_help_works_with_a_broken_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pipeline.toml").write_text("[run]\nbogus = 1\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["run", "--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["run", "raw", "out"]).exit_code == 3


def test_from_index_codes_are_checked_and_completed(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["models", "install", "--from-index", "es", "../x", "--models-dir", str(tmp_path)])
    assert r.exit_code == 2 and "'../x' is not a language code" in r.stderr
    assert list(tmp_path.iterdir()) == []
