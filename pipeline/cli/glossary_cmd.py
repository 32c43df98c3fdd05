"""`pipeline glossary lint|check|export`: each command calls one library function."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from pipeline.cli.common import glossary_option, handle_errors
from pipeline.errors import EXIT_FAILED, GlossaryError
from pipeline.text import printable

if TYPE_CHECKING:
    from pipeline.glossary import Glossary

F = TypeVar("F", bound=Callable[..., Any])

NO_GLOSSARY = "no glossary: ./glossary.csv does not exist; pass --glossary FILE or create glossary.csv"


def _required_glossary(path: str | None, source: str | None = None, target: str | None = None) -> Glossary:
    """The --glossary file, or ./glossary.csv; a check without a glossary is a usage mistake."""
    from pipeline.glossary import load_glossary

    glossary = load_glossary(path, source=source, target=target)
    if glossary is None:
        raise GlossaryError(NO_GLOSSARY)
    return glossary


def _pair_options(func: F) -> F:
    func = click.option(
        "--target", default=None, metavar="CODE", help="Target language of a two-column source,target file."
    )(func)
    return click.option(
        "--source", default=None, metavar="CODE", help="Source language of a two-column source,target file."
    )(func)


@click.group()
def glossary() -> None:
    """Lint a glossary, check translated outputs against it, export it.

    \b
    Example:
      pipeline glossary lint glossary.csv
    """


@glossary.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=str))
@_pair_options
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, not warnings.")
@click.option("--notes", is_flag=True, help="Also print notes (terms nested in longer terms: by design).")
@handle_errors
def lint(file: str | None, source: str | None, target: str | None, quiet: bool, notes: bool) -> None:
    """Report every problem in a glossary as FILE:LINE: message (header = line 1).

    Exit 1 when there are errors, 0 when there are only warnings or none.
    Notes are not problems (a term inside a longer term, where the longer one
    wins by design); they are counted, and listed with --notes.

    \b
    Examples:
      pipeline glossary lint
      pipeline glossary lint terms.csv
      pipeline glossary lint deepl.csv --source es --target en
      pipeline glossary lint --notes
    """
    from pathlib import Path

    from pipeline.glossary import lint as lint_file

    if file is None:
        if not Path("glossary.csv").is_file():
            raise GlossaryError(NO_GLOSSARY)
        file = "glossary.csv"
    issues = lint_file(file, source=source, target=target)
    errors = sum(i.severity == "error" for i in issues)
    warnings = sum(i.severity == "warning" for i in issues)
    n_notes = sum(i.severity == "note" for i in issues)
    for issue in issues:
        if issue.severity == "error" or (not quiet and (issue.severity == "warning" or notes)):
            click.echo(printable(str(issue)))
    summary = f"{file}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    if n_notes:
        summary += f" ({n_notes} note{'s' if n_notes != 1 else ''}{'' if notes else '; --notes lists them'})"
    click.echo(summary, err=True)
    if errors:
        sys.exit(EXIT_FAILED)


@glossary.command()
@click.argument("out_dir", type=click.Path(file_okay=False, exists=True, path_type=str))
@glossary_option
@click.option(
    "--format",
    "format",  # the parameter name is the settings-file key: [glossary.check] format = "json"
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output as an aligned table or as JSON.",
)
@handle_errors
def check(out_dir: str, glossary_path: str | None, glossary_source: str | None, glossary_target: str | None,
          format: str) -> None:
    """Check a run's translations against the glossary.

    Reports translated segments whose source holds a glossary term but whose
    translation lacks the target term, forbidden variants, and the same source
    segment translated differently in different places, each with lesson,
    target file and line. Exit 1 when anything is found, 0 when clean.

    \b
    Examples:
      pipeline glossary check output/
      pipeline glossary check output/ --glossary terms.csv --format json
    """
    from pipeline.glossary import check_outputs, format_table, load_run_outputs

    glossary_obj = _required_glossary(glossary_path, glossary_source, glossary_target)
    violations = check_outputs(glossary_obj, load_run_outputs(out_dir))
    if format == "json":
        click.echo(
            json.dumps(
                {
                    "glossary": glossary_obj.path,
                    "checksum": glossary_obj.checksum,
                    "violations": [v.as_dict() for v in violations],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        from pipeline.text import printable_lines  # lesson and file names come from strangers

        click.echo(printable_lines(format_table(violations)))
    if violations:
        sys.exit(EXIT_FAILED)


@glossary.command()
@click.option(
    "--tbx",
    "tbx_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Write a TBX-Basic file here.",
)
@glossary_option
@handle_errors
def export(tbx_path: str, glossary_path: str | None, glossary_source: str | None, glossary_target: str | None) -> None:
    """Export the glossary as TBX-Basic for CAT tools and terminologists.

    \b
    Example:
      pipeline glossary export --tbx glossary.tbx
    """
    from pipeline.glossary import export_tbx

    glossary_obj = _required_glossary(glossary_path, glossary_source, glossary_target)
    n = export_tbx(glossary_obj, tbx_path)
    click.echo(f"Wrote {n} term entries to {tbx_path}")
