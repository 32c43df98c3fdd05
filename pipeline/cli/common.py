"""What every command shares: error handling and common options."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from pipeline.errors import EXIT_INTERRUPTED, InputError, PipelineError

F = TypeVar("F", bound=Callable[..., Any])


class PipelineClickError(click.ClickException):
    """A ClickException carrying the library error's own exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code: int = exit_code  # type: ignore[misc]


def handle_errors(func: F) -> F:
    """Turn library errors into ``Error: <one line>`` and their exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PipelineError as exc:
            raise PipelineClickError(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo(
                "Interrupted: what was written is complete, nothing half-written is left; "
                "run the same command again to finish.",
                err=True,
            )
            raise SystemExit(EXIT_INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


def glossary_option(func: F) -> F:
    return click.option(
        "--glossary",
        "glossary_path",
        type=click.Path(dir_okay=False, path_type=str),
        default=None,
        help="Glossary CSV (default: ./glossary.csv when present; \"\" for none).",
    )(func)


def languages_option(func: F) -> F:
    return click.option(
        "--languages",
        default="es,en",
        show_default=True,
        help="Comma-separated ISO 639-1 codes the detector chooses among for Latin text.",
    )(func)


def threshold_option(func: F) -> F:
    return click.option(
        "--threshold",
        type=click.FloatRange(0, 1),
        default=0.5,
        show_default=True,
        help="Repairs below this confidence are flagged for review, not applied.",
    )(func)


def models_dir_option(func: F) -> F:
    return click.option(
        "--models-dir",
        type=click.Path(file_okay=False, path_type=str),
        envvar="PIPELINE_MODELS_DIR",
        default=None,
        help="Folder of installed Argos packages (default: argostranslate's, honouring ARGOS_PACKAGES_DIR).",
    )(func)


def read_input(path: str) -> bytes:
    """The bytes of one input file (``-`` = stdin), or an InputError saying what is wrong."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file", "pass the text files inside it") from None
    except FileNotFoundError:
        raise InputError(path, "no such file", "check the path") from None
    except OSError as exc:
        raise InputError(
            path, f"cannot be read ({exc.strerror or exc})", "check that it exists and is readable"
        ) from None
