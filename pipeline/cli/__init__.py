"""The ``pipeline`` command.

Each subcommand lives in its own module and is imported only when it is
invoked, so ``pipeline --help`` stays instant (no ftfy, no CTranslate2, no
argostranslate at start-up). Library errors become one clear line and the
documented exit code in :func:`pipeline.cli.common.handle_errors`.
"""

from __future__ import annotations

import importlib

import click

from pipeline import __version__

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
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:  # a command whose module is not built yet
            if exc.name != module:
                raise
            return None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table above: listing commands must not import them.
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "PIPELINE"})
@click.version_option(__version__, "--version", prog_name="pipeline")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Settings file (default: ./pipeline.toml, or [tool.pipeline] in ./pyproject.toml).")
@click.option("-v", "--verbose", count=True, help="Say more (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, verbose: int, quiet: bool) -> None:
    """Turn scraped lesson pages into clean, translated Markdown lessons, offline.

    Settings come from options, then PIPELINE_<COMMAND>_<OPTION> environment
    variables, then the settings file, then defaults.

    \b
    Example:
      pipeline run raw/ output/ --to en
    """
    ctx.ensure_object(dict)
    ctx.obj["verbosity"] = -1 if quiet else verbose
    if ctx.resilient_parsing:
        return
    from pathlib import Path

    from pipeline.cli.common import PipelineClickError
    from pipeline.errors import PipelineError
    from pipeline.settings_file import find_settings_file, load_settings, to_default_map

    path = Path(config_path) if config_path else find_settings_file()
    if path is None:
        return
    try:
        ctx.default_map = to_default_map(main, ctx, load_settings(path), path)
    except PipelineError as exc:
        raise PipelineClickError(str(exc), exc.exit_code) from None
