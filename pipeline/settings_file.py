"""Settings from a file: ``pipeline.toml``, or ``[tool.pipeline]`` in ``pyproject.toml``.

Precedence, highest first: command-line options, environment variables
(``PIPELINE_<COMMAND>_<OPTION>``, e.g. ``PIPELINE_RUN_TO=en,es``), the settings
file, built-in defaults. The file's tables are named after commands
(``[run]``, ``[glossary.check]``) and its keys after options (``beam-size`` or
``beam_size``); an unknown table or key is an error, so a typo never silently
does nothing.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import click

from pipeline.errors import ConfigError

FILE_NAMES = ("pipeline.toml",)


def find_settings_file(start: Path | None = None) -> Path | None:
    """``./pipeline.toml``, else ``./pyproject.toml`` when it has ``[tool.pipeline]``."""
    here = start or Path.cwd()
    for name in FILE_NAMES:
        if (here / name).is_file():
            return here / name
    py = here / "pyproject.toml"
    if py.is_file():
        try:
            if "pipeline" in tomllib.loads(py.read_text("utf-8")).get("tool", {}):
                return py
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            return None
    return None


def load_settings(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such settings file; create it or drop --config") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("pipeline", {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: settings must be tables of options; see the README's Settings section")
    return data


def to_default_map(group: click.Group, ctx: click.Context, data: dict[str, Any], path: Path, where: str = "") -> dict[str, Any]:
    """Check ``data`` against the commands' options and return a Click default_map."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        cmd = group.get_command(ctx, key)
        if cmd is None:
            known = ", ".join(group.list_commands(ctx))
            raise ConfigError(f"{path}: unknown table [{where}{key}]; known: {known}")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: [{where}{key}] must be a table of options, not a value")
        if isinstance(cmd, click.Group):
            out[key] = to_default_map(cmd, ctx, value, path, f"{where}{key}.")
            continue
        params = {p.name: p for p in cmd.params if isinstance(p, click.Option) and p.name}
        options: dict[str, Any] = {}
        for opt, v in value.items():
            name = opt.replace("-", "_")
            if name not in params:
                known = ", ".join(sorted(n.replace("_", "-") for n in params))
                raise ConfigError(f"{path}: unknown key '{opt}' in [{where}{key}]; known keys: {known}")
            options[name] = ",".join(map(str, v)) if isinstance(v, list) else v
        out[key] = options
    return out
