"""`pipeline run RAW OUT`: the main job."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from pipeline.cli.common import LanguageList, glossary_option, handle_errors, languages_option, models_dir_option, threshold_option
from pipeline.errors import EXIT_FAILED, EXIT_MODEL, EXIT_OK

DEMO_BUILDER = "python -m pipeline.testing.models DEST {src} {tgt} --kind swap"


def _codes(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.strip().lower() for c in value.split(",") if c.strip()))


class DeviceIndex(click.ParamType):
    """``0`` or ``0,1``: CUDA device numbers, as a tuple."""

    name = "N[,N...]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        if isinstance(value, list):
            value = ",".join(map(str, value))
        try:
            out = tuple(dict.fromkeys(int(v) for v in str(value).split(",") if v.strip()))
        except ValueError:
            out = ()
        if not out or min(out) < 0:
            self.fail(f"{value!r}: give GPU numbers separated by commas, e.g. 0 or 0,1", param, ctx)
        return out


def _cluster(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if not value:
        return None
    from pipeline.run.cluster import ClusterUsageError, check_address

    try:
        return check_address(value.strip())
    except ClusterUsageError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[1]) from None


@click.command()
@click.argument("raw_dir", type=click.Path(path_type=str))
@click.argument("out_dir", type=click.Path(path_type=str))
@click.option("--to", "targets", type=LanguageList(), default="", metavar="LANGS", help="Target languages, comma-separated (e.g. en or en,es). Empty: only the cleaned source.")
@languages_option
@glossary_option
@models_dir_option
@click.option("--memory", "memory_path", type=click.Path(dir_okay=False, path_type=str), default=None, help="Translation memory file (default: OUT_DIR/.pipeline/memory.sqlite).")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True, help="Beam size for translation.")
@click.option("--batch-tokens", type=click.IntRange(0, 65536), default=0, show_default=True, help="Source tokens per model sub-batch; 0 = per device, chosen by measurement (512 on CPU, 8192 on CUDA).")
@click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="auto", show_default=True, help="Where models run: auto = CUDA when a CUDA device is visible, else CPU.")
@click.option("--device-index", type=DeviceIndex(), default="0", show_default=True, metavar="N[,N...]", help="CUDA devices to use (e.g. 0,1).")
@click.option("--compute-type", default="auto", show_default=True, help="CTranslate2 compute type; auto = int8 on CPU, int8_float16 on CUDA (or int8, float16, float32, ...).")
@click.option("--cluster", callback=_cluster, default=None, metavar="ADDRESS", help="Build and translate on a Dask cluster: local:N (N worker processes here) or tcp://HOST:PORT (a running scheduler). Needs the [cluster] extra.")
@threshold_option
@click.option("-j", "--jobs", type=click.IntRange(0, 256), default=0, help="Local worker processes (0 = one per core).")
@click.option("--strict", is_flag=True, help="Exit 1 when any segment stays untranslated.")
@click.option("--force", is_flag=True, help="Rebuild every lesson, even those that are up to date.")
@click.option("--keep-stale", is_flag=True, help="Keep the outputs of lessons whose source is gone from RAW_DIR (default: remove them).")
@click.option("--wait", type=click.FloatRange(0), default=0, help="Seconds to wait for another run on OUT_DIR to finish.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the summary table.")
@handle_errors
def run(raw_dir: str, out_dir: str, targets: str, languages: str, glossary_path: str | None,
        glossary_source: str | None, glossary_target: str | None, models_dir: str | None,
        memory_path: str | None, beam_size: int, batch_tokens: int, device: str, device_index: tuple[int, ...],
        compute_type: str, cluster: str | None, threshold: float, jobs: int, strict: bool,
        force: bool, keep_stale: bool, wait: float, as_json: bool) -> None:
    """Repair, detect, translate and write every lesson of RAW_DIR into OUT_DIR.

    Writes OUT_DIR/source/<lesson>.md (the cleaned lesson) and, for each
    target language, OUT_DIR/<lang>/<lesson>.md. Lessons whose input and
    settings did not change are skipped; translations come from the memory.
    Outputs of lessons removed from RAW_DIR are removed too (--keep-stale).

    Exit codes: 0 ok; 1 some lesson failed (or --strict tripped); 4 a model
    is missing or broken: a package that cannot be loaded (e.g. a damaged
    sentencepiece.model) is one Error line naming it and how to reinstall it,
    its text stays marked untranslated, and every other lesson and language
    pair is still translated and written.

    \b
    Examples:
      pipeline run raw/ output/ --to en,es
      pipeline run raw/ output/ --to en --cluster local:2
      pipeline run raw/ output/ --to en --device cuda --device-index 0,1
    """
    from pipeline.config import PipelineConfig
    from pipeline.langid import normalize_languages
    from pipeline.run import Runner

    config = PipelineConfig(
        languages=normalize_languages(languages), targets=_codes(targets), threshold=threshold,
        glossary_path=glossary_path, glossary_source=glossary_source, glossary_target=glossary_target,
        models_dir=models_dir, memory_path=memory_path, beam_size=beam_size, max_batch_tokens=batch_tokens,
        compute_type=compute_type.strip().lower() or "auto", device=device, device_index=device_index,
        jobs=jobs, strict=strict, force=force, wait=wait, cluster=cluster, keep_stale=keep_stale,
    )
    from pathlib import Path

    with _Progress(enabled=not as_json and sys.stderr.isatty()) as progress:
        # Ctrl-C and SIGTERM (a killed CI job) stop it alike: pipeline.stopping, installed by the entry.
        report = Runner(config, Path(raw_dir), Path(out_dir), progress).run()
    from pipeline.text import printable

    for problem in report.errors:
        click.echo(f"Error: {printable(problem.line())}", err=True)
    for line in report.model_problems:
        click.echo(f"Error: {printable(line)}", err=True)
    verbosity = (click.get_current_context().find_root().obj or {}).get("verbosity", 0)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, sort_keys=False))
    elif verbosity >= 0:
        _print_summary(report, verbosity, raw_dir, out_dir)
    strict_failed = strict and report.untranslated > 0
    if strict_failed:
        pairs = ", ".join(p.replace(">", "->") for p in report.missing_pairs) or "see the summary"
        click.echo(f"Strict: {report.untranslated} runs of text stay untranslated (no model for {pairs}); "
                   "exit 1 because of --strict", err=True)
    if report.model_problems:
        sys.exit(EXIT_MODEL)  # after the batch: the other pairs and lessons are written
    sys.exit(EXIT_FAILED if report.errors or strict_failed else EXIT_OK)


class _Progress:
    """A rich progress bar on a terminal: lessons built and written, and sentences translated; nothing otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress | None:
        if not self.enabled:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), transient=True)
        self._bar.__enter__()
        return self

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _print_summary(report, verbosity: int, raw_dir: str, out_dir: str) -> None:  # type: ignore[no-untyped-def]
    from pipeline.text import printable

    rows: list[tuple[str, Any]] = [
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
    if report.stale_count:
        rows.append(("stale kept" if report.stale_kept else "stale removed", report.stale_count))
    for lang, n in sorted(report.segments_by_lang.items()):
        rows.append((f"segments in {lang}", n))
    width = max(len(k) for k, _ in rows)
    click.echo("Summary")
    for k, v in rows:
        click.echo(f"  {k:<{width}}  {v:>7}")
    where = f"{report.executor}" + (f", {report.workers} workers" if report.workers > 1 else "")
    device = f"; models on {report.device} ({report.compute_type})" if report.device else ""
    click.echo(f"  {'elapsed':<{width}}  {report.elapsed:>6.1f}s  ({where}{device})")
    if report.routes:
        click.echo("Language pairs (models used)")
        for pair, route in sorted(report.routes.items()):
            shown = " then ".join(route) if route else "no model installed"
            click.echo(f"  {pair.replace('>', '->'):<{width}}  {shown}")
    if verbosity >= 1:
        for name in report.rebuilt:
            click.echo(f"  wrote {printable(name)}")
        if report.written > len(report.rebuilt):
            click.echo(f"  ... and {report.written - len(report.rebuilt)} more")
    for name in report.stale:
        verb = "kept (--keep-stale)" if report.stale_kept else "removed its outputs"
        click.echo(f"  source gone: {printable(name)}: {verb}")
    if report.stale_count > len(report.stale):
        click.echo(f"  ... and {report.stale_count - len(report.stale)} more lessons whose source is gone")
    if report.files and not report.written and report.up_to_date == report.files:
        what = "The lesson is" if report.files == 1 else f"All {report.files} lessons are"
        click.echo(f"{what} up to date: nothing needed rebuilding. To rebuild anyway: "
                   f"pipeline run {raw_dir} {out_dir} --force")
    for skipped in report.skipped:
        click.echo(f"Skipped: {printable(skipped.line())}", err=True)
    if not report.files:
        click.echo(f"No lessons in {printable(raw_dir)}: no .txt files found"
                   + (f" ({len(report.skipped)} other files skipped)" if report.skipped else "")
                   + "; put the lessons there as .txt files", err=True)
    for note in report.notes:
        click.echo(f"Note: {printable(note)}", err=True)
    for pair in report.missing_pairs:
        src, tgt = pair.split(">")
        hops = report.missing_hops.get(pair) or [pair]
        need = " and ".join(h.replace(">", "->") for h in hops)
        a, b = hops[0].split(">")
        click.echo(
            f"No model for {src}->{tgt}{'' if hops == [pair] else f' (missing: {need})'}: those segments stay in {src}, marked in the Markdown; "
            f"install one from a file: pipeline models install FILE.argosmodel, or from an index: "
            f"pipeline models install --from-index {a} {b}; for a demo model: {DEMO_BUILDER.format(src=a, tgt=b)}",
            err=True,
        )
