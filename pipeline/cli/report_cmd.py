"""`pipeline report OUT_DIR`: the reviewer's HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import glossary_option, handle_errors


@click.command()
@click.argument("out_dir", type=click.Path(path_type=str))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=str), default=None,
              help="Where to write the page (default: OUT_DIR/report.html).")
@glossary_option
@handle_errors
def report(out_dir: str, output: str | None, glossary_path: str | None, glossary_source: str | None,
           glossary_target: str | None) -> None:
    """Write one self-contained HTML page reviewing the lessons in OUT_DIR.

    Reads what `pipeline run` left in OUT_DIR (OUT_DIR/.pipeline/lessons/*.json)
    and shows, per lesson, source and translation side by side, language runs
    coloured, repairs with before/after, flagged low-confidence edits,
    untranslated segments and glossary violations. The page works offline:
    open it in any browser. Filter state lives in the URL, e.g.
    report.html#kind=untranslated&q=lesson5.

    \b
    Example:
      pipeline run raw/ output/ --to en
      pipeline report output/ -o report.html
    """
    from pipeline.report import write_report
    from pipeline.text import printable

    dest = output if output is not None else str(Path(out_dir) / "report.html")
    result = write_report(out_dir, dest, glossary_path, source=glossary_source, target=glossary_target)
    t = result.totals()
    click.echo(
        f"Wrote {printable(dest)}: {t['lessons']} lessons, {t['edits']} edits, {t['flagged']} flagged, "
        f"{t['untranslated']} untranslated segments, {t['glossary']} glossary violations, {t['thai']} Thai runs"
    )
    for problem in result.problems:
        click.echo(f"Skipped: {printable(str(problem))}", err=True)
