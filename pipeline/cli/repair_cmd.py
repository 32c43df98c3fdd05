"""`pipeline repair FILE...`: repair scraped text, print it or write it, log the edits."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from pipeline.cli.common import handle_errors, read_input, threshold_option
from pipeline.errors import EXIT_FAILED, InputError, PipelineError


class EditLogError(PipelineError):
    """The edit log could not be written."""


def _log_rows(path: str, note: str, edits: list[Any]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    if note:
        rows.append(
            {
                "file": path,
                "offset": 0,
                "end": 0,
                "before": "",
                "after": "",
                "rule": "decode",
                "confidence": 1.0,
                "applied": True,
                "note": note,
            }
        )
    rows.extend({"file": path, **e.as_dict()} for e in edits)
    return rows


def _write_log(path: str, body: str, atomic_write: Any) -> None:
    """Write the edit log atomically, unless the target is a device or pipe.

    ``--edits /dev/stdout``, a FIFO or a symlink must be written through, never
    replaced by a regular file (an atomic rename would do exactly that).
    """
    if os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path)):
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(body)
    else:
        atomic_write(path, body)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output-dir",
    "output_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Write DIR/<file name> for each input instead of printing to stdout.",
)
@click.option(
    "--edits",
    "edits_path",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write the edit log here, one JSON object per edit (JSON Lines).",
)
@threshold_option
@handle_errors
def repair(files: tuple[str, ...], output_dir: str | None, edits_path: str | None, threshold: float) -> None:
    """Repair scraped lesson text: mojibake, HTML entities and their remnants,
    lost letters, Thai letters glued to Spanish words, HTML tags.

    Prints the repaired text line for line (same number of lines, no Markdown
    conversion), or writes it to DIR with -o. A file that cannot be read or
    decoded is reported on stderr and skipped; the exit code is then 1.
    Use "-" to read standard input.

    \b
    Example:
      pipeline repair raw/lesson.txt --edits edits.jsonl > lesson.clean.txt
      pipeline repair raw/*.txt -o repaired/ --threshold 0.7
    """
    from pipeline.decode import decode_bytes
    from pipeline.fsutil import atomic_write_text
    from pipeline.repair import repair as repair_text

    failed = 0
    rows: list[dict[str, object]] = []
    written: dict[str, str] = {}
    for path in files:
        try:
            decoded = decode_bytes(read_input(path), path)
            result = repair_text(decoded.text, threshold=threshold)
            if output_dir is not None:
                name = "stdin.txt" if path == "-" else os.path.basename(os.path.normpath(path))
                if name in written:
                    raise InputError(
                        path,
                        f"has the same name as {written[name]}",
                        "write them to different folders in separate runs",
                    )
                target = os.path.join(output_dir, name)
                try:
                    atomic_write_text(target, result.text)
                except OSError as exc:
                    raise InputError(
                        path,
                        f"cannot write {target} ({exc.strerror or exc})",
                        "check that the output folder is writable",
                    ) from None
                written[name] = path
            else:
                text = result.text
                click.echo(text if not text or text.endswith("\n") else text + "\n", nl=False)
        except InputError as exc:
            failed += 1
            from pipeline.text import printable

            click.echo(f"Error: {printable(str(exc))}", err=True)
            continue
        edits = sorted(result.edits + result.flagged, key=lambda e: (e.start, e.end, not e.applied))
        rows.extend(_log_rows(path, decoded.note, edits))
    if edits_path is not None:
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        try:
            _write_log(edits_path, body, atomic_write_text)
        except OSError as exc:
            raise EditLogError(
                f"{edits_path}: cannot write the edit log ({exc.strerror or exc}); "
                "check that its folder exists and is writable"
            ) from None
    if failed:
        sys.exit(EXIT_FAILED)
