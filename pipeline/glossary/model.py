"""The glossary's plain data: terms, matches, protections and their outcome."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    """One row of the glossary: a set of equivalent terms, one or more per language.

    ``forms[lang][0]`` is the preferred term (what a translation must say);
    further forms (written ``a|b`` in the cell) are accepted variants that are
    found in sources and accepted in outputs. ``forbidden[lang]`` lists
    renderings that must never appear (e.g. "ผ้าใบ" for Canvas).
    """

    id: str
    line: int
    forms: dict[str, tuple[str, ...]]
    forbidden: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""
    pos: str = ""
    dnt: bool = False  # do not translate: the source text comes out unchanged
    case: bool = False  # case- and accent-sensitive matching

    def preferred(self, lang: str) -> str | None:
        forms = self.forms.get(lang)
        return forms[0] if forms else None

    @property
    def inflects(self) -> bool:
        return not self.dnt and self.pos != "properNoun"


@dataclass(frozen=True)
class TermMatch:
    """A glossary term found in a text: ``text[start:end] == matched``."""

    start: int
    end: int
    term_id: str
    matched: str
    lang: str
    form: str  # the glossary form that matched (before inflection)


@dataclass(frozen=True)
class Protection:
    """One term replaced in the text sent to the model."""

    term_id: str
    source: str  # the term as written in the source text
    target: str  # what the output must say (inflected to the source's number)
    token: str  # what stands in the protected text
    start: int  # offsets of ``token`` in Protected.text
    end: int


@dataclass(frozen=True)
class Protected:
    """What :meth:`Glossary.protect` returns; ``text`` is what goes to the model."""

    text: str
    original: str
    src: str
    tgt: str
    attempt: int
    items: tuple[Protection, ...] = ()


@dataclass
class Enforced:
    """The outcome of enforcing the glossary on one output.

    ``enforced`` counts terms present in ``text`` as the glossary wants them
    (recovered ones included); ``recovered`` counts those the model had
    mangled or dropped and that were put back; ``failures`` says, one line
    each, what could not be enforced.
    """

    text: str
    enforced: int = 0
    recovered: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class LintIssue:
    path: str
    line: int
    severity: str  # "error", "warning" or "note" (not a problem: worth knowing)
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"
