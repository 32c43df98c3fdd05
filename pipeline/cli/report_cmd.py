"""`pipeline report OUT_DIR`: the reviewer's HTML page (or pages, for a big batch)."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli.common import glossary_option, handle_errors
from pipeline.errors import EXIT_FAILED

DEFAULT_PAGE_SIZE = 1000  # pipeline.report.PAGE_SIZE; not imported here so --help stays light


@click.command()
@click.argument("out_dir", type=click.Path(path_type=str))
@click.option("-o", "--output", "output", type=click.Path(path_type=str), default=None,
              help="Where to write the page (default: OUT_DIR/report.html); a folder (report/) writes "
                   "an index.html and pages/ there.")
@click.option("--page-size", type=click.IntRange(min=1), default=DEFAULT_PAGE_SIZE, show_default=True,
              help="Lessons per page; a bigger batch gets an index plus one page per chunk.")
@glossary_option
@handle_errors
def report(out_dir: str, output: str | None, page_size: int, glossary_path: str | None, glossary_source: str | None,
           glossary_target: str | None) -> None:
    """Write an HTML page reviewing the lessons in OUT_DIR.

    Reads what `pipeline run` left in OUT_DIR (OUT_DIR/.pipeline/lessons/**.json)
    and shows, per lesson, source and translation side by side, language runs
    coloured, repairs with before/after, flagged low-confidence edits,
    untranslated segments, each sentence's route and glossary violations. The
    page works offline: open it in any browser. Filter state lives in the URL,
    e.g. report.html#kind=untranslated&q=lesson5. More lessons than
    --page-size: the file is an index and the pages go beside it
    (report.pages/). A sidecar that cannot be read is skipped with a line on
    stderr and the exit code is 1; the rest is written.

    \b
    Example:
      pipeline run raw/ output/ --to en
      pipeline report output/ -o report.html
    """
    from pipeline.report import write_report
    from pipeline.text import printable  # names come from strangers: no escape sequence reaches the terminal

    dest = output if output is not None else str(Path(out_dir) / "report.html")
    result = write_report(out_dir, dest, glossary_path, source=glossary_source, target=glossary_target,
                          page_size=page_size)
    t = result.totals()
    where = dest if len(result.pages) <= 1 else f"{result.pages[0]} (index) and {len(result.pages) - 1} pages"
    where = printable(where)
    click.echo(
        f"Wrote {where}: {t['lessons']} lessons, {t['edits']} edits, {t['flagged']} flagged, "
        f"{t['untranslated']} untranslated segments, {t['glossary']} glossary violations, {t['thai']} Thai runs"
    )
    for problem in result.problems:
        click.echo(f"Skipped: {printable(problem)}", err=True)
    if result.problems:
        raise SystemExit(EXIT_FAILED)
