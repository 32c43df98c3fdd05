"""The CLI as a whole: help everywhere, documented in the README, settings precedence."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import COMMANDS, main

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
    assert result.output.strip() == f"pipeline, version {__version__}"


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
