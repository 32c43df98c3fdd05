"""`pipeline memory`: inspect and export the translation memory."""

from __future__ import annotations

import json
from pathlib import Path

import click

from pipeline.cli.common import LanguagePair, handle_errors
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
@click.option("--pair", "pairs", multiple=True, type=LanguagePair(), metavar="SRC-TGT",
              help="Only this language pair, e.g. es-en (repeatable). Default: every pair in the memory.")
@click.option("--multilingual", is_flag=True,
              help="One unit per source text holding every target language, instead of one unit per pair.")
@_memory_option
@handle_errors
def export_cmd(tmx_path: str, pairs: tuple[tuple[str, str], ...], multilingual: bool, memory_path: str) -> None:
    """Write the memory as TMX 1.4, for CAT tools (OmegaT, Trados, memoQ).

    A CAT tool pre-translates with every unit it is given, so export the pair
    of your project: `--pair es-en` holds English targets of Spanish sources
    only (composed through a pivot language when the memory has only the two
    hops, e.g. es-th from es-en and en-th). A unit whose text holds characters
    XML cannot carry (C0 controls) is left out with a warning, never altered;
    it stays in the memory.

    \b
    Examples:
      pipeline memory export --tmx es-en.tmx --pair es-en --memory output/.pipeline/memory.sqlite
      pipeline memory export --tmx all.tmx --multilingual --memory output/.pipeline/memory.sqlite
    """
    from pipeline import __version__
    from pipeline.text import printable
    from pipeline.translate.tmx import export_tmx

    with _open(memory_path) as tm:
        result = export_tmx(tm, tmx_path, pairs=pairs, multilingual=multilingual, tool_version=__version__)
    shown = ", ".join(f"{s}-{t}" for s, t in result.pairs) or "none"
    click.echo(f"Wrote {result.units} translation units ({shown}) to {printable(tmx_path)}")
    if result.composed:
        click.echo(f"  {result.composed} composed through a pivot language (marked x-route)")
    for src, tgt in result.empty_pairs:
        click.echo(f"Warning: {printable(memory_path)}: no {src}-{tgt} translations in the memory; "
                   f"run `pipeline run` with --to {tgt} first", err=True)
    if result.left_out:
        examples = "; ".join(printable(s[:60]) for s in result.left_out[:3])
        click.echo(f"Warning: {printable(tmx_path)}: left out {len(result.left_out)} unit(s) whose text holds "
                   f"characters XML cannot carry (e.g. {examples}); nothing was altered, they stay in the memory "
                   f"(new runs remove such characters in repair, so their new entries export)", err=True)
    if not pairs and len(result.pairs) > 1 and not multilingual:
        click.echo(f"Note: the file holds {len(result.pairs)} language pairs; a CAT tool may use any of them: "
                   f"pass --pair SRC-TGT for your project's pair", err=True)


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
    from pipeline.text import printable

    click.echo(f"{printable(str(stats['path']))}: {stats['entries']} entries")
    for row in stats["pairs"]:  # type: ignore[attr-defined]
        click.echo(f"  {row['source']} -> {row['target']}  {row['entries']:>7}  {row['model']}")
