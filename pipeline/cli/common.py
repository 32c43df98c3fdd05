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


class LanguageList(click.ParamType):
    """Comma-separated language codes (``en,es``), checked against :mod:`pipeline.languages`.

    The value stays a comma-joined string, normalised (lower case, no
    duplicates), so commands split it as before. A target code names a folder
    (``OUT/<lang>/``): refusing unknown codes at parse time means ``../x``,
    ``/abs``, ``.pipeline`` or ``source`` never reach the file system.
    """

    name = "LANGS"

    def __init__(self, *, allow_region: bool = False) -> None:
        self.allow_region = allow_region

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from pipeline.languages import LanguageCodeError, validate_codes

        if isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        try:
            return ",".join(validate_codes(str(value), allow_region=self.allow_region))
        except LanguageCodeError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        from pipeline.languages import KNOWN

        head, _, last = incomplete.rpartition(",")
        prefix = f"{head}," if head else ""
        return [CompletionItem(prefix + code, help=name) for code, name in sorted(KNOWN.items())
                if code.startswith(last.lower())]


class LanguageCode(LanguageList):
    """One language code."""

    name = "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from pipeline.languages import LanguageCodeError, validate_code

        try:
            return validate_code(str(value))
        except LanguageCodeError as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        return [item for item in super().shell_complete(ctx, param, incomplete) if "," not in item.value]


class DetectorLanguages(LanguageList):
    """``--languages``: codes the language detector knows (it is the one judge of that), region tags dropped."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from pipeline.errors import ConfigError
        from pipeline.langid import normalize_languages

        if isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        try:
            return ",".join(normalize_languages(str(value)))
        except ConfigError as exc:
            self.fail(str(exc).removeprefix("--languages: "), param, ctx)


class LanguagePair(click.ParamType):
    """``es-en``: a source and a target code."""

    name = "SRC-TGT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[str, str]:
        from pipeline.languages import LanguageCodeError, validate_pair

        if isinstance(value, tuple):
            return value
        try:
            return validate_pair(str(value))
        except LanguageCodeError as exc:
            self.fail(str(exc), param, ctx)


def complete_model_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Installed package short names (``es_en``), for ``models remove NAME``."""
    from click.shell_completion import CompletionItem

    try:
        from pipeline.translate import argos

        packages = argos.list_packages(ctx.params.get("models_dir"))
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [CompletionItem(p.name, help=f"{p.from_code} -> {p.to_code}, version {p.package_version}")
            for p in packages if p.name.startswith(incomplete)]


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
            from pipeline.text import printable  # names in messages come from strangers

            raise PipelineClickError(printable(str(exc)), exc.exit_code) from None
        except KeyboardInterrupt:  # also in-process (CliRunner), where pipeline.stopping is not installed
            from pipeline.stopping import announce

            announce()
            raise SystemExit(EXIT_INTERRUPTED) from None

    return wrapper  # type: ignore[return-value]


def glossary_option(func: F) -> F:
    """``--glossary`` plus ``--source/--target`` for a two-column ``source,target`` file.

    Every command that reads a glossary takes all three, so a DeepL/Google
    layout file works in ``run``, ``report`` and ``glossary check/export`` alike;
    pass them on as ``Glossary.load(path, source=, target=)``.
    """
    func = click.option(
        "--target", "glossary_target", type=LanguageCode(), default=None, metavar="CODE",
        help="Target language of a two-column source,target glossary.",
    )(func)
    func = click.option(
        "--source", "glossary_source", type=LanguageCode(), default=None, metavar="CODE",
        help="Source language of a two-column source,target glossary.",
    )(func)
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
        type=DetectorLanguages(),
        default="es,en",
        show_default=True,
        metavar="LANGS",
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
