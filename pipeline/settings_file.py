"""Settings from a file and from environment variables, for every command and option.

Precedence, highest first: command-line options, environment variables
(``PIPELINE_<COMMAND>_<OPTION>``, e.g. ``PIPELINE_RUN_TO=en,es``), the settings
file (``pipeline.toml``, or ``[tool.pipeline]`` in ``pyproject.toml``), built-in
defaults. The file's tables are named after commands (``[run]``,
``[glossary.check]``) and its keys after the options as a user types them
(``to``, ``beam-size`` or ``beam_size``, ``json``), never after the Python
parameter behind them (``targets``, ``as_json``).

Nothing here knows a particular command: :func:`prepare_command` derives every
option's settings key and variable name from the option itself when the command
is loaded, so an option added tomorrow gets both for free. A table is checked
only when its command runs, so a typo in ``[report]`` does not stop ``run``; an
unknown table or key is an error (exit 3), so a typo never silently does
nothing; a value the option refuses names the file, table and key, or the
variable, and exits 3 (:func:`settings_error`).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

from pipeline.errors import ConfigError

FILE_NAMES = ("pipeline.toml",)
ENV_PREFIX = "PIPELINE"


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
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a settings file; pass a .toml file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}); check its permissions") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("pipeline", {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: settings must be tables of options; see the README's Settings section")
    return data


# --------------------------------------------------------------------------- names


def option_keys(param: click.Option) -> list[str]:
    """The settings keys of an option: each long name, dashed and underscored (``beam-size``, ``beam_size``)."""
    longs = [o.lstrip("-") for o in param.opts if o.startswith("--")]
    if not longs and param.name:  # only a short name (-j): the parameter name is all there is
        longs = [param.name.replace("_", "-")]
    keys: list[str] = []
    for name in longs:
        for k in (name, name.replace("-", "_")):
            if k not in keys:
                keys.append(k)
    return keys


def envvar_name(command_path: list[str], param: click.Option) -> str:
    """``PIPELINE_<COMMAND>_<OPTION>`` from the words of the command and the option's first long name."""
    option = option_keys(param)[0]
    words = [ENV_PREFIX, *command_path, option]
    return "_".join(w.upper().replace("-", "_").replace(".", "_") for w in words)


def prepare_command(cmd: click.Command, command_path: list[str]) -> None:
    """Give every option of ``cmd`` (and of its subcommands) its ``PIPELINE_<COMMAND>_<OPTION>`` variable.

    An option's own ``envvar`` (``PIPELINE_MODELS_DIR``) stays, after the
    per-command one. Click's automatic names come from Python parameter names
    (``PIPELINE_RUN_TARGETS`` for ``--to``), so they are switched off.
    """
    if getattr(cmd, "_pipeline_settings_ready", False):
        return
    for param in cmd.params:
        if isinstance(param, click.Option) and param.name:
            own = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
            name = envvar_name(command_path, param)
            param.envvar = [name, *(e for e in own if e != name)]
            param.allow_from_autoenv = False
    if isinstance(cmd, click.Group):
        for sub_name, sub in cmd.commands.items():
            prepare_command(sub, [*command_path, sub_name])
    cmd._pipeline_settings_ready = True  # type: ignore[attr-defined]


def unknown_variables(cmd: click.Command, command_path: list[str]) -> list[str]:
    """One line per ``PIPELINE_<COMMAND>_…`` variable set for this command that no option reads.

    A misspelt variable would otherwise do nothing, silently, like the
    internal names did before; the settings file refuses such keys outright,
    a variable (shared by every process of a shell or CI job) only warns.
    """
    prefix = "_".join([ENV_PREFIX, *command_path]).upper().replace("-", "_") + "_"
    known: set[str] = set()

    def walk(c: click.Command) -> None:
        for p in c.params:
            if isinstance(p, click.Option):
                known.update([p.envvar] if isinstance(p.envvar, str) else (p.envvar or []))
        if isinstance(c, click.Group):
            for sub in c.commands.values():
                walk(sub)

    walk(cmd)
    lines = []
    for name in sorted(os.environ):
        if name.startswith(prefix) and name not in known:
            command = " ".join(command_path)
            close = difflib.get_close_matches(name, sorted(k for k in known if k.startswith(prefix)), n=1)
            hint = f"did you mean {close[0]}? " if close else f"see `pipeline {command} --help` for the options; "
            lines.append(f"environment variable {name} is read by no option of `pipeline {command}`; "
                         f"{hint}fix its name or unset it")
    return lines


# --------------------------------------------------------------------------- the file as a default_map


class _Table(dict[str, Any]):
    """One command's options (parameter name -> value), remembering the key each came from."""

    def __init__(self, path: Path, table: str, values: dict[str, Any], origin: dict[str, str]) -> None:
        super().__init__(values)
        self.path, self.table, self.origin = path, table, origin


class SettingsTables(dict[str, Any]):
    """A Click ``default_map`` whose tables are checked when their command runs, not before.

    Click asks ``parent.default_map.get(command_name)`` when it makes a
    command's context; only then is that command's table converted, so an
    unknown key in one table never breaks another command.
    """

    def __init__(self, group: click.Group, ctx: click.Context, raw: dict[str, Any], path: Path, where: str = "") -> None:
        super().__init__()
        self._group, self._ctx, self._raw, self.path, self._where = group, ctx, raw, path, where
        check_tables(group, ctx, raw, path, where)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        if name in self:
            return self[name]
        if name not in self._raw:
            return default
        cmd = self._group.get_command(self._ctx, name)
        assert cmd is not None  # check_tables refused unknown tables already
        table = f"{self._where}{name}"
        if isinstance(cmd, click.Group):
            value: Any = SettingsTables(cmd, self._ctx, self._raw[name], self.path, f"{table}.")
        else:
            value = to_table(cmd, self._raw[name], self.path, table)
        self[name] = value
        return value


def check_tables(group: click.Group, ctx: click.Context, raw: dict[str, Any], path: Path, where: str = "") -> None:
    """Every table names a command (a typo'd table is an error for every command: it belongs to none)."""
    for key, value in raw.items():
        cmd = group.get_command(ctx, key)
        if cmd is None:
            known = ", ".join(group.list_commands(ctx))
            raise ConfigError(f"{path}: unknown table [{where}{key}]; known: {known}")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: [{where}{key}] must be a table of options, not a value; "
                              f"write it as [{where}{key}] with key = value lines below")
        if isinstance(cmd, click.Group):
            check_tables(cmd, ctx, value, path, f"{where}{key}.")


def to_table(cmd: click.Command, raw: dict[str, Any], path: Path, table: str) -> _Table:
    """Keys (option names) -> parameter names, for one command; unknown keys are an error."""
    by_key: dict[str, click.Option] = {}
    for p in cmd.params:
        if isinstance(p, click.Option) and p.name:
            for k in option_keys(p):
                by_key.setdefault(k, p)
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for key, v in raw.items():
        param = by_key.get(key)
        if param is None or param.name is None:
            known = ", ".join(sorted({option_keys(p)[0] for p in by_key.values()}))
            raise ConfigError(f"{path}: unknown key '{key}' in [{table}]; known keys: {known}")
        if param.name in origin:
            raise ConfigError(f"{path}: [{table}] sets {param.opts[-1]} twice ('{origin[param.name]}' and "
                              f"'{key}'); keep one")
        if isinstance(v, dict):
            raise ConfigError(f"{path}: [{table}] {key} is a table; give it a value (key = value)")
        if isinstance(v, list) and not (param.multiple or param.nargs != 1):
            v = ",".join(map(str, v))  # languages = ["es", "en"] means --languages es,en
        elif param.multiple and not isinstance(v, list):
            v = [v]  # pair = "es-en" for a repeatable --pair: one value, not its characters
        values[param.name] = v
        origin[param.name] = key
    return _Table(path, table, values, origin)


# --------------------------------------------------------------------------- errors


def settings_error(exc: click.BadParameter) -> ConfigError | None:
    """A refused value that came from the settings file or a variable, as a ConfigError naming it.

    Click records where each value came from before converting it, so the
    source is known even though the conversion failed. Values typed on the
    command line stay usage errors (exit 2).
    """
    ctx, param = exc.ctx, exc.param
    if ctx is None or param is None or not param.name:
        return None
    source = ctx.get_parameter_source(param.name)
    if source is ParameterSource.DEFAULT_MAP and isinstance(ctx.default_map, _Table):
        table = ctx.default_map
        key = table.origin.get(param.name, param.name)
        value = table.get(param.name)
        return ConfigError(f"{table.path}: [{table.table}] {key} = {value!r}: {exc.message.rstrip('.')}; fix the value "
                           f"or remove the key")
    if source is ParameterSource.ENVIRONMENT:
        names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
        var = next((n for n in names if os.environ.get(n)), None)
        if var is not None:
            return ConfigError(f"environment variable {var}={os.environ[var]!r}: {exc.message.rstrip('.')}; fix or unset it")
    return None
