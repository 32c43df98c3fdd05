"""Text that is safe to print on a terminal: the one escaping helper for names and messages.

File names, folder names and lesson names come from strangers. Printed raw, an
ANSI or OSC sequence in one retitles or repaints the user's terminal, a
newline forges a second ``Error:`` line, a bidi override (U+202E) makes a name
read backwards and a zero-width character hides a difference. Everything that
prints such a name goes through :func:`printable` (one line) or
:func:`printable_lines` (a table, newlines kept).
"""

from __future__ import annotations


def _escape(ch: str) -> str:
    # str.isprintable() is False for C0/C1 controls, DEL, format characters (Cf:
    # bidi overrides, zero-width space/joiners, BOM), line/paragraph separators,
    # unassigned and surrogate code points: exactly what must not reach a terminal.
    if ch.isprintable() or ch == " ":
        return ch
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def printable(text: str) -> str:
    """``text`` with every non-printable character written as ``\\xNN`` / ``\\uNNNN``.

    The result is one line of printable characters; printable text is returned
    unchanged (so escaping twice changes nothing a reader can see).
    """
    if text.isprintable():
        return text
    return "".join(_escape(ch) for ch in text)


def printable_lines(text: str) -> str:
    """Like :func:`printable`, line by line: ``\\n`` between lines is kept, all else escaped."""
    return "\n".join(printable(line) for line in text.split("\n"))
