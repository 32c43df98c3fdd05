"""The ``pipeline`` command.

Each subcommand lives in its own module and is imported only when it is
invoked, so ``pipeline --help`` stays instant (no ftfy, no CTranslate2, no
argostranslate at start-up). Library errors become one clear line and the
documented exit code in :func:`pipeline.cli.common.handle_errors`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from pipeline import __version__

# The name on the Python package index (`pipeline` there is an unrelated project); the
# import package and the command stay `pipeline`.
DISTRIBUTION = "lesson-pipeline"

# name -> (module, attribute, one-line help shown by `pipeline --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "run": ("pipeline.cli.run_cmd", "run", "Repair, detect, translate and write every lesson of a folder."),
    "repair": ("pipeline.cli.repair_cmd", "repair", "Repair scraped text and print or write it, with an edit log."),
    "detect": ("pipeline.cli.detect_cmd", "detect", "Show the language of every sentence and run."),
    "models": ("pipeline.cli.models_cmd", "models", "List, install and remove offline translation models."),
    "memory": ("pipeline.cli.memory_cmd", "memory", "Inspect and export the translation memory."),
    "glossary": ("pipeline.cli.glossary_cmd", "glossary", "Lint a glossary, check outputs against it, export it."),
    "report": ("pipeline.cli.report_cmd", "report", "Write a self-contained HTML report for reviewers."),
    "completion": ("pipeline.cli.completion_cmd", "completion", "Print the shell completion script (bash, zsh, fish)."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[cmd_name]
        try:
            cmd: click.Command = getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:  # a command whose module is not built yet
            if exc.name != module:
                raise
            return None
        _prepare(cmd, [cmd_name])
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: listing commands must not import them.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        with _settings_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        from pipeline import stopping

        # The command's code (the lazy import of its module included): where a Ctrl-C or
        # SIGTERM becomes the one line and exit 130, not Click's "Aborted!" (see pipeline.stopping).
        return stopping.run_interruptible(self._invoke, ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        with _settings_errors():
            return super().invoke(ctx)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name, cmd, rest = super().resolve_command(ctx, args)
        ctx.meta["pipeline.args"] = rest  # the callback (settings file) runs after Click has consumed them
        if name and cmd is not None and not ctx.resilient_parsing and (ctx.obj or {}).get("verbosity", 0) >= 0:
            from pipeline.settings_file import unknown_variables

            for line in unknown_variables(cmd, [name]):
                click.echo(f"Warning: {line}", err=True)
        return name, cmd, rest


@contextmanager
def _settings_errors() -> Iterator[None]:
    """A value refused from the settings file or a variable exits 3 naming it (not 2, blaming an option)."""
    from pipeline.cli.common import PipelineClickError
    from pipeline.errors import ConfigError
    from pipeline.settings_file import settings_error

    try:
        yield
    except click.BadParameter as exc:
        err = settings_error(exc)
        if err is None:
            raise
        raise PipelineClickError(str(err), err.exit_code) from None
    except ConfigError as exc:  # a table checked when its command's context is made
        raise PipelineClickError(str(exc), exc.exit_code) from None


def _prepare(cmd: click.Command, path: list[str]) -> None:
    """Settings names for every option, and -q/-v after the command name too (``pipeline run -v ...``)."""
    from pipeline.settings_file import prepare_command

    for leaf in _leaves(cmd):
        if getattr(leaf, "_pipeline_verbosity_ready", False):
            continue
        taken = {o for p in leaf.params for o in getattr(p, "opts", [])}
        if not taken & {"-v", "--verbose"}:
            leaf.params.append(click.Option(["-v", "--verbose"], count=True, expose_value=False,
                                            callback=_set_verbosity, help="Say more (repeatable)."))
        if not taken & {"-q", "--quiet"}:
            leaf.params.append(click.Option(["-q", "--quiet"], is_flag=True, expose_value=False,
                                            callback=_set_verbosity, help="Only errors."))
        leaf._pipeline_verbosity_ready = True  # type: ignore[attr-defined]
    prepare_command(cmd, path)


def _leaves(cmd: click.Command) -> list[click.Command]:
    if isinstance(cmd, click.Group):
        return [leaf for sub in cmd.commands.values() for leaf in _leaves(sub)]
    return [cmd]


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """-q/-v given after the command name: the same switch as before it (-q wins over -v)."""
    if value:
        root = ctx.find_root()
        if root.obj is None:
            root.obj = {}
        obj = root.obj
        if param.name == "quiet":
            obj["quiet"] = True
        else:
            obj["verbose"] = obj.get("verbose", 0) + value
        obj["verbosity"] = -1 if obj.get("quiet") else obj.get("verbose", 0)
    return value


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="pipeline", package_name=DISTRIBUTION,
                      message=f"%(prog)s, version %(version)s (distribution {DISTRIBUTION})")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              envvar="PIPELINE_CONFIG",
              help="Settings file (default: ./pipeline.toml, or [tool.pipeline] in ./pyproject.toml).")
@click.option("-v", "--verbose", count=True, envvar="PIPELINE_VERBOSE", help="Say more (repeatable).")
@click.option("-q", "--quiet", is_flag=True, envvar="PIPELINE_QUIET", help="Only errors.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, verbose: int, quiet: bool) -> None:
    """Turn scraped lesson pages into clean, translated Markdown lessons, offline.

    Settings come from options, then PIPELINE_<COMMAND>_<OPTION> environment
    variables (PIPELINE_RUN_TO=en), then the settings file (pipeline.toml:
    one table per command, keys named after options), then defaults.

    \b
    Example:
      pipeline run raw/ output/ --to en
    """
    ctx.ensure_object(dict)
    ctx.obj.update(verbose=verbose, quiet=quiet, verbosity=-1 if quiet else verbose)
    if ctx.resilient_parsing:
        return
    from pathlib import Path

    from pipeline.settings_file import SettingsTables, find_settings_file, load_settings

    path = Path(config_path) if config_path else find_settings_file()
    if path is None or {"-h", "--help"} & set(ctx.meta.get("pipeline.args", [])):  # help works with a broken file
        return
    with _settings_errors():
        ctx.default_map = SettingsTables(main, ctx, load_settings(path), path)


def entry() -> None:
    """The ``pipeline`` command itself (console script and ``python -m pipeline``).

    The program name is fixed, so ``python -m pipeline`` prints the same usage
    lines and answers shell completion like the installed command. Ctrl-C and
    SIGTERM are owned here (:mod:`pipeline.stopping`): whenever one arrived, the
    process ends with the Interrupted line and exit 130, by a plain ``sys.exit``.
    """
    import sys

    from pipeline import stopping

    stopping.install()
    code: str | int | None = 0
    try:
        main(prog_name="pipeline")
    except SystemExit as exc:  # Click's standalone mode always ends this way
        code = exc.code
    sys.exit(stopping.exit_code(code))
