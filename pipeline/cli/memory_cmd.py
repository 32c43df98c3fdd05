"""`pipeline memory`: inspect and export the translation memory."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.common import handle_errors
from pipeline.errors import ConfigError

DEFAULT_MEMORY = "output/.pipeline/memory.sqlite"  # where `pipeline run raw/ output/` keeps it


def _memory_option(func):  # type: ignore[no-untyped-def]
    return click.option(
        "--memory", "memory_path", type=click.Path(dir_okay=False, path_type=str),
        default=DEFAULT_MEMORY, show_default=True, envvar="PIPELINE_MEMORY",
        help="Translation memory file (`pipeline run RAW OUT` keeps it in OUT/.pipeline/memory.sqlite).",
    )(func)


def _open(path: str):  # type: ignore[no-untyped-def]
    from pipeline.translate.memory import TranslationMemory

    if not Path(path).is_file():
        raise ConfigError(f"{path}: no translation memory there; run `pipeline run` first "
                          f"or pass --memory OUT/.pipeline/memory.sqlite")
    return TranslationMemory(path)


@click.group()
def memory() -> None:
    """Inspect and export the translation memory.

    \b
    Example:
      pipeline memory stats --memory output/.pipeline/memory.sqlite
    """


@memory.command("export")
@click.option("--tmx", "tmx_path", required=True, type=click.Path(dir_okay=False, path_type=str),
              help="TMX 1.4 file to write.")
@_memory_option
@handle_errors
def export_cmd(tmx_path: str, memory_path: str) -> None:
    """Write every entry of the memory as TMX 1.4, for CAT tools.

    \b
    Example:
      pipeline memory export --tmx memory.tmx --memory output/.pipeline/memory.sqlite
    """
    from pipeline import __version__

    with _open(memory_path) as tm:
        n = tm.export_tmx(tmx_path, tool_version=__version__)
    click.echo(f"Wrote {n} translation units to {tmx_path}")


@memory.command("stats")
@_memory_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def stats_cmd(memory_path: str, as_json: bool) -> None:
    """Count the entries of the memory, per language pair and model.

    \b
    Example:
      pipeline memory stats --memory output/.pipeline/memory.sqlite
    """
    with _open(memory_path) as tm:
        stats = tm.stats()
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    click.echo(f"{stats['path']}: {stats['entries']} entries")
    for row in stats["pairs"]:  # type: ignore[attr-defined]
        click.echo(f"  {row['source']} -> {row['target']}  {row['entries']:>7}  {row['model']}")
