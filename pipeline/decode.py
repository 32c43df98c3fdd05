"""Bytes to text: BOMs, UTF-8, UTF-16, a cp1252/latin-1 fallback; binary refused."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from pipeline.errors import InputError

# Control characters that never occur in text files (NUL and friends); a few
# of them in a file means it is binary, not text.
_BINARY_CONTROLS = set(range(0x00, 0x09)) | {0x0B, 0x0E, 0x0F} | set(range(0x10, 0x1A)) | set(range(0x1C, 0x20))


# The largest lesson the batch builds. Measured with bench/huge_inputs.py and a
# `pipeline run` of generated lessons: building is linear (about 0.75 s per MB
# and per 27k lines here) and its peak memory (RSS growth) stays within 10x the
# input for paragraphs, short lines and long lines of dense damage up to these
# limits. Bigger files are refused with one line (the batch goes on): split them.
MAX_LESSON_BYTES = 8 * 1024 * 1024
MAX_LESSON_LINES = 150_000
# The longest line. Repair and language detection work a line (a paragraph) at a
# time, and a line dense with damage costs ~10x its size at 1M characters
# (ftfy's own segment length), 13-15x at 3-7M: one scraped page that lost its
# line breaks. Lines up to this long stay within 10x (bench/huge_inputs.py, the
# one_line and long_lines shapes); longer ones refuse the lesson.
MAX_LINE_CHARS = 500_000


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"
    note: str = ""  # set when a fallback was used: goes to the edit log


def decode_bytes(data: bytes, path: str = "<input>") -> Decoded:
    """Decode one file's bytes, or raise :class:`InputError` saying why not.

    Order: UTF-8 BOM, UTF-16/32 BOMs, strict UTF-8, then cp1252 (which, unlike
    latin-1, maps 0x80-0x9F to the curly quotes and dashes real pages use),
    then latin-1 for the five bytes cp1252 leaves undefined. Line ends are
    normalised to ``\\n``.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, enc = _strict(data[3:], "utf-8", path), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)) and len(data) % 4 == 0:
        text, enc = _strict(data, "utf-32", path), "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, enc = _strict(data, "utf-16", path), "utf-16"
    elif b"\x00" in data[:8192] and _utf16_without_bom(data[:8192]):
        enc = "utf-16-le" if data[1:8192:2].count(0) > data[0:8192:2].count(0) else "utf-16-be"
        try:
            text = data[: len(data) - len(data) % 2].decode(enc)
        except UnicodeDecodeError:
            text = "\x00"  # not UTF-16 after all: binary
        # Without a BOM the guess needs clean evidence: real text has no controls.
        if any(ord(ch) in _BINARY_CONTROLS for ch in text[:8192]):
            raise InputError(path, "binary data, not text", "skip it or convert it to UTF-8 text")
        return Decoded(_normalise_newlines(text), enc, f"no byte-order mark; decoded as {enc}")
    else:
        if _looks_binary(data):
            raise InputError(path, "binary data, not text", "skip it or convert it to UTF-8 text")
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            try:
                text, enc = data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                text, enc = data.decode("latin-1"), "latin-1"
            note = f"not valid UTF-8 (byte {exc.start}); decoded as {enc}"
            return Decoded(_normalise_newlines(text), enc, note)
    if _looks_binary_text(text):
        raise InputError(path, "binary data, not text", "skip it or convert it to UTF-8 text")
    return Decoded(_normalise_newlines(text), enc)


def decode_lesson(data: bytes, path: str = "<input>") -> Decoded:
    """:func:`decode_bytes` for a lesson of the batch: one over
    :data:`MAX_LESSON_BYTES` or :data:`MAX_LESSON_LINES`, or with a line over
    :data:`MAX_LINE_CHARS`, is refused with an :class:`InputError` (the rest of
    the batch goes on)."""
    hint = "split it into smaller lessons (one per chapter or section)"
    if len(data) > MAX_LESSON_BYTES:
        size = f"{len(data) / 2**20:.1f} MiB"
        raise InputError(path, f"is {size}, over the {MAX_LESSON_BYTES // 2**20} MiB limit for one lesson", hint)
    decoded = decode_bytes(data, path)
    lines = decoded.text.count("\n") + 1
    if lines > MAX_LESSON_LINES:
        raise InputError(path, f"has {lines:,} lines, over the {MAX_LESSON_LINES:,}-line limit for one lesson", hint)
    longest = _line_over(decoded.text, MAX_LINE_CHARS)
    if longest is not None:
        number, chars = longest
        raise InputError(
            path,
            f"line {number:,} has {chars:,} characters, over the {MAX_LINE_CHARS:,}-character limit for one line",
            "put its paragraphs on lines of their own (a page scraped without its line breaks)",
        )
    return decoded


def _line_over(text: str, limit: int) -> tuple[int, int] | None:
    """``(line number, length)`` of the first line longer than ``limit`` characters, else None."""
    if len(text) <= limit:
        return None
    start = number = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        number += 1
        if end - start > limit:
            return number, end - start
        start = end + 1
    return None


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            f"starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} (byte {exc.start})",
            "re-save it as UTF-8",
        ) from None


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    bad = sum(1 for b in head if b in _BINARY_CONTROLS)
    return bad > max(2, len(head) // 100)


def _utf16_without_bom(head: bytes) -> bool:
    # Mostly-ASCII UTF-16 has a NUL in every other byte.
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) > len(odd) * 0.3) != (even.count(0) > len(even) * 0.3)


def _looks_binary_text(text: str) -> bool:
    head = text[:8192]
    bad = sum(1 for ch in head if ord(ch) < 0x20 and ord(ch) in _BINARY_CONTROLS)
    return bad > max(2, len(head) // 100)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
