"""Business terms enforced in translation, glossary lint, output checks, TBX export.

    >>> g = Glossary.from_text("es,en\\npropuesta de valor,value proposition\\n")
    >>> p = g.protect("Las propuestas de valor importan.", "es", "en")
    >>> p.text
    'Las value propositions importan.'
    >>> g.restore(p, "The value propositions matter.").enforced
    1

Public API (the translation engine and the CLI use only these names):
:class:`Glossary` (``load``, ``find``, ``protect``, ``restore``,
``apply_in_target``, ``checksum``), :func:`lint`, :func:`load_run_outputs`,
:func:`check_outputs`, :func:`to_tbx`/:func:`export_tbx`.
"""

from __future__ import annotations

from pipeline.glossary.check import (
    RunLesson,
    Violation,
    check_outputs,
    format_table,
    load_run_outputs,
)
from pipeline.glossary.core import Glossary, load_glossary
from pipeline.glossary.model import Enforced, LintIssue, Protected, Protection, Term, TermMatch
from pipeline.glossary.parse import parse
from pipeline.glossary.tbx import export_tbx, to_tbx


def lint(path: str, *, source: str | None = None, target: str | None = None) -> list[LintIssue]:
    """Every problem in a glossary file, in line order (errors and warnings)."""
    return parse(path, source=source, target=target).issues


__all__ = [
    "Enforced",
    "Glossary",
    "LintIssue",
    "Protected",
    "Protection",
    "RunLesson",
    "Term",
    "TermMatch",
    "Violation",
    "check_outputs",
    "export_tbx",
    "format_table",
    "lint",
    "load_glossary",
    "load_run_outputs",
    "to_tbx",
]
