"""`pipeline detect FILE...`: the language of every sentence and run of scraped lessons."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

import click

from pipeline.cli.common import handle_errors, languages_option, read_input
from pipeline.errors import EXIT_FAILED, InputError
from pipeline.text import printable, printable_lines


@dataclass(frozen=True)
class Row:
    """One sentence piece of one language; offsets index the repaired text."""

    file: str
    line: int
    start: int
    end: int
    lang: str
    confidence: float
    method: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "start": self.start,
            "end": self.end,
            "lang": self.lang,
            "confidence": round(self.confidence, 4),
            "method": self.method,
            "text": self.text,
        }


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@languages_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="table: aligned columns per file; jsonl: one JSON object per sentence piece.",
)
@handle_errors
def detect(files: tuple[str, ...], languages: str, fmt: str) -> None:
    """Show the language of every sentence (and of each run inside it) of FILES.

    Each file is decoded and repaired as `pipeline run` would, then cut into lines,
    table cells and sentences. A sentence that switches language mid-way gives one
    row per run. Offsets (START, END) are character offsets into the repaired text,
    end exclusive. Confidence is 0-1; METHOD says how the language was decided
    (script, words, langdetect, context, default). A file that cannot be read or
    decoded is reported on stderr and skipped; the exit code is then 1.
    Use "-" to read standard input.

    \b
    Example:
      pipeline detect raw/lesson.txt
      pipeline detect raw/*.txt --languages es,en,pt --format jsonl > langs.jsonl
    """
    from pipeline.langid import normalize_languages

    langs = normalize_languages(languages)
    failed = False
    for i, path in enumerate(files):
        try:
            rows = detect_file_rows(path, read_input(path), langs)
        except InputError as exc:
            click.echo(f"Error: {printable(str(exc))}", err=True)
            failed = True
            continue
        if fmt == "jsonl":
            for row in rows:
                click.echo(json.dumps(row.as_dict(), ensure_ascii=False))
        else:
            if i:
                click.echo("")
            click.echo(printable_lines(_table(path, rows)))
    if failed:
        sys.exit(EXIT_FAILED)


def detect_file_rows(path: str, data: bytes, languages: tuple[str, ...]) -> list[Row]:
    """Decode, repair and label one file: one row per sentence piece of one language."""
    from pipeline.decode import decode_bytes
    from pipeline.langid import detect_document
    from pipeline.repair import repair
    from pipeline.sentences import split_sentences

    text = repair(decode_bytes(data, path).text).text
    cells = _cells(text)
    spans_per_cell = detect_document(
        [c[2] for c in cells], languages=languages, blocks=[c[1] for c in cells], merge=False
    )
    rows: list[Row] = []
    line_starts = _line_starts(text)
    for (offset, _, cell), spans in zip(cells, spans_per_cell):
        for a, b in split_sentences(cell):
            for sp in spans:
                s, e = max(a, sp.start), min(b, sp.end)
                piece = cell[s:e]
                if not piece.strip():
                    continue
                s += len(piece) - len(piece.lstrip())
                e -= len(piece) - len(piece.rstrip())
                start, end = offset + s, offset + e
                rows.append(
                    Row(
                        path,
                        _line_of(line_starts, start),
                        start,
                        end,
                        sp.lang,
                        sp.confidence,
                        sp.method,
                        text[start:end],
                    )
                )
    return rows


def _cells(text: str) -> list[tuple[int, int, str]]:
    """(offset, block id, text) of each line, or each tab-separated cell of a table line.

    A blank line, or a switch between table lines and prose lines, starts a new block,
    so the cells of one table are each other's context.
    """
    out: list[tuple[int, int, str]] = []
    block, pos, prev_table = 0, 0, None
    for line in text.split("\n"):
        if not line.strip():
            if prev_table is not None:
                block += 1
            prev_table = None
        else:
            is_table = "\t" in line
            if prev_table is not None and prev_table != is_table:
                block += 1
            prev_table = is_table
            cell_pos = pos
            for cell in line.split("\t"):
                if cell.strip():
                    out.append((cell_pos, block, cell))
                cell_pos += len(cell) + 1
        pos += len(line) + 1
    return out


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(starts, offset)


def _table(path: str, rows: list[Row]) -> str:
    """Aligned columns under a ``==> file <==`` header, then the share of letters per language."""
    head = ("LINE", "START", "END", "LANG", "CONF", "METHOD", "TEXT")
    body = [
        (
            str(r.line),
            str(r.start),
            str(r.end),
            r.lang,
            f"{r.confidence:.2f}",
            r.method,
            r.text.replace("\t", " ").replace("\n", " "),
        )
        for r in rows
    ]
    widths = [max([len(h)] + [len(b[k]) for b in body]) for k, h in enumerate(head[:-1])]
    numeric = {0, 1, 2, 4}

    def fmt(cols: tuple[str, ...]) -> str:
        parts = [c.rjust(widths[k]) if k in numeric else c.ljust(widths[k]) for k, c in enumerate(cols[:-1])]
        return "  ".join(parts + [cols[-1]]).rstrip()

    lines = [f"==> {path} <==", fmt(head)] + [fmt(b) for b in body]
    lines.append(_shares(rows))
    return "\n".join(lines)


def _shares(rows: list[Row]) -> str:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.lang] = counts.get(r.lang, 0) + sum(ch.isalpha() for ch in r.text)
    total = sum(counts.values())
    if not total:
        return "languages: none (no letters)"
    parts = [f"{lang} {100.0 * n / total:.1f}%" for lang, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "languages (share of letters): " + ", ".join(parts)
