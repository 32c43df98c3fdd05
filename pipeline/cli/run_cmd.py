"""`pipeline run RAW OUT`: the main job."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import click

from pipeline.cli.common import LanguageList, glossary_option, handle_errors, languages_option, models_dir_option, threshold_option
from pipeline.errors import EXIT_FAILED, EXIT_OK


def _codes(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.strip().lower() for c in value.split(",") if c.strip()))


@click.command()
@click.argument("raw_dir", type=click.Path(path_type=str))
@click.argument("out_dir", type=click.Path(path_type=str))
@click.option("--to", "targets", type=LanguageList(), default="", metavar="LANGS", help="Target languages, comma-separated (e.g. en or en,es). Empty: only the cleaned source.")
@languages_option
@glossary_option
@models_dir_option
@click.option("--memory", "memory_path", type=click.Path(dir_okay=False, path_type=str), default=None, help="Translation memory file (default: OUT_DIR/.pipeline/memory.sqlite).")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size for translation.")
@click.option("--batch-tokens", type=click.IntRange(16, 65536), default=1024, show_default=True, help="Source tokens per model sub-batch (1024 is fastest on CPU, measured).")
@click.option("--compute-type", default="default", show_default=True, help="CTranslate2 compute type (default, int8, float32, ...).")
@threshold_option
@click.option("-j", "--jobs", type=click.IntRange(0, 256), default=0, help="Worker processes (0 = one per core).")
@click.option("--strict", is_flag=True, help="Exit 1 when any segment stays untranslated.")
@click.option("--force", is_flag=True, help="Rebuild every lesson, even those that are up to date.")
@click.option("--wait", type=click.FloatRange(0), default=0, help="Seconds to wait for another run on OUT_DIR to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the summary table.")
@handle_errors
def run(raw_dir: str, out_dir: str, targets: str, languages: str, glossary_path: str | None,
        glossary_source: str | None, glossary_target: str | None, models_dir: str | None,
        memory_path: str | None, beam_size: int, batch_tokens: int, compute_type: str, threshold: float, jobs: int, strict: bool,
        force: bool, wait: float, as_json: bool) -> None:
    """Repair, detect, translate and write every lesson of RAW_DIR into OUT_DIR.

    Writes OUT_DIR/source/<lesson>.md (the cleaned lesson) and, for each
    target language, OUT_DIR/<lang>/<lesson>.md. Lessons whose input and
    settings did not change are skipped; translations come from the memory.

    \b
    Example:
      pipeline run raw/ output/ --to en,es
    """
    import signal

    from pipeline.config import PipelineConfig
    from pipeline.runner import run as run_batch

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # a killed CI job stops like Ctrl-C: cleanly, with a message

    signal.signal(signal.SIGTERM, _terminate)

    from pipeline.langid import normalize_languages

    config = PipelineConfig(
        languages=normalize_languages(languages), targets=_codes(targets), threshold=threshold,
        glossary_path=glossary_path, glossary_source=glossary_source, glossary_target=glossary_target, models_dir=models_dir, memory_path=memory_path,
        beam_size=beam_size, max_batch_tokens=batch_tokens, compute_type=compute_type, jobs=jobs, strict=strict, force=force,
        wait=wait,
    )
    with _progress(enabled=not as_json and sys.stderr.isatty()) as progress:
        report = run_batch(config, raw_dir, out_dir, progress)
    for problem in report.errors:
        click.echo(f"Error: {problem.line()}", err=True)
    verbosity = (click.get_current_context().find_root().obj or {}).get("verbosity", 0)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, sort_keys=False))
    elif verbosity >= 0:
        _print_summary(report, verbosity)
    failed = bool(report.errors) or (strict and report.untranslated > 0)
    sys.exit(EXIT_FAILED if failed else EXIT_OK)


class _progress:
    """A rich progress bar on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        bar = Progress("lessons", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True)
        bar.__enter__()
        task = bar.add_task("run", total=None)
        self._bar = bar

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _print_summary(report, verbosity: int) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ("files", report.files),
        ("written", report.written),
        ("up to date", report.up_to_date),
        ("edits", report.edits),
        ("flagged edits", report.flagged),
        ("errors", len(report.errors)),
        ("segments", report.segments),
        ("translated", report.translated),
        ("from memory", report.from_memory),
        ("untranslated", report.untranslated),
        ("glossary failures", report.glossary_failures),
    ]
    for lang, n in sorted(report.segments_by_lang.items()):
        rows.append((f"segments in {lang}", n))
    width = max(len(k) for k, _ in rows)
    click.echo("Summary")
    for k, v in rows:
        click.echo(f"  {k:<{width}}  {v:>7}")
    if report.routes:
        click.echo("Language pairs (models used)")
        for pair, route in sorted(report.routes.items()):
            shown = " then ".join(route) if route else "no model installed"
            click.echo(f"  {pair.replace('>', '->'):<{width}}  {shown}")
    if verbosity >= 1:
        for name in report.rebuilt:
            click.echo(f"  wrote {name}")
    for skipped in report.skipped:
        click.echo(f"Skipped: {skipped.line()}", err=True)
    for pair in report.missing_pairs:
        src, tgt = pair.split(">")
        click.echo(
            f"No model for {src}->{tgt}: those segments stay in {src}, marked in the Markdown; "
            f"install one with: pipeline models install --from-index {src} {tgt}",
            err=True,
        )
