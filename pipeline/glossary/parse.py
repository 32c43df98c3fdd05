"""Reading and linting glossary files.

One reader serves both ``Glossary.load`` and ``pipeline glossary lint``: it
collects every problem with its line in the file (header = line 1) and the
loader refuses the file on the first error, so what lint calls clean is
exactly what loads.

Two layouts are read:

* the term-set layout (Google's "equivalent term sets"): a header row of
  language codes plus optional columns ``note`` (alias ``description``),
  ``pos``, ``dnt``, ``case`` and ``forbidden_<lang>``; each row a set of
  equivalent terms. A cell may hold variants ``preferred|variant``.
* the pair layout (DeepL/Google "unidirectional"): ``source,target`` rows, no
  header (a header row naming the two languages is skipped), optionally
  DeepL's two extra columns ``source_lang,target_lang``. The codes come from
  ``--source/--target`` or those extra columns.

Comma- or tab-separated (``.tsv`` or a tab in the first line), UTF-8.
"""

from __future__ import annotations

import csv
import gc
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.glossary.index import AnchorIndex, Entry, anchor, first_words
from pipeline.glossary.match import fold_term, is_thai
from pipeline.glossary.model import LintIssue, Term
from pipeline.languages import KNOWN

# Glossary columns are named by the codes every command accepts (one table, pipeline.languages).
ISO_639_1 = frozenset(KNOWN)
META_COLUMNS = ("note", "description", "pos", "dnt", "case")
POS_VALUES = {
    "noun": "noun",
    "n": "noun",
    "verb": "verb",
    "v": "verb",
    "adjective": "adjective",
    "adj": "adjective",
    "adverb": "adverb",
    "adv": "adverb",
    "propernoun": "properNoun",
    "proper noun": "properNoun",
    "name": "properNoun",
    "other": "other",
}
TRUE = {"1", "yes", "y", "true", "x"}
FALSE = {"", "0", "no", "n", "false"}
VARIANT_SEP = "|"
LINT_HINT = "run `pipeline glossary lint {path}` to see every problem"


@dataclass
class Row:
    line: int
    cells: dict[str, str]  # column name -> raw cell text


@dataclass
class Parsed:
    path: str
    languages: tuple[str, ...]
    terms: list[Term] = field(default_factory=list)
    issues: list[LintIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[LintIssue]:
        return [i for i in self.issues if i.severity == "error"]


class _Collector:
    def __init__(self, path: str) -> None:
        self.path = path
        self.issues: list[LintIssue] = []

    def error(self, line: int, message: str) -> None:
        self.issues.append(LintIssue(self.path, line, "error", message))

    def warn(self, line: int, message: str) -> None:
        self.issues.append(LintIssue(self.path, line, "warning", message))

    def note(self, line: int, message: str) -> None:
        self.issues.append(LintIssue(self.path, line, "note", message))


def read_text(path: str, out: _Collector) -> str:
    """The file as text; a BOM is reported (some tools choke on it) and dropped."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        from pipeline.errors import GlossaryError

        raise GlossaryError(
            f"{path}: cannot read the glossary ({exc.strerror or exc}); check the path or pass --glossary FILE"
        ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        out.error(1, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        out.error(line, "the file is not UTF-8; save it as UTF-8")
        return data.decode("utf-8", errors="replace")


def split_rows(text: str, path: str, out: _Collector) -> list[tuple[int, list[str]]]:
    """CSV/TSV records with the file line each starts on; blank and '#' lines skipped."""
    first = text.split("\n", 1)[0]
    delim = "\t" if path.lower().endswith(".tsv") or ("\t" in first and "," not in first) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[tuple[int, list[str]]] = []
    prev_end = 0
    try:
        for rec in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            if not any(c.strip() for c in rec) or rec[0].lstrip().startswith("#"):
                continue
            rows.append((start, rec))
    except csv.Error as exc:
        out.error(prev_end + 1, f"broken CSV ({exc}); close the quote or remove the stray quote")
    return rows


def looks_like_header(cells: Sequence[str]) -> bool:
    """A header names at least one language and otherwise holds column-name-like words."""
    names = [c.strip().lower() for c in cells]
    if not any(n in ISO_639_1 for n in names):
        return False
    if not all(re.fullmatch(r"[a-z_][a-z0-9_]{0,30}", n) for n in names):
        return False
    known = sum(n in ISO_639_1 or n in META_COLUMNS or n.startswith("forbidden_") for n in names)
    return known > len(names) - known  # "canal,channel,es,en" is a DeepL row, not a header


def parse(
    path: str, *, source: str | None = None, target: str | None = None, text: str | None = None, notes: bool = True
) -> Parsed:
    """Read a glossary file (or ``text`` given as if read from ``path``) and lint it.

    ``notes=False`` skips the notes (nested terms), which loading does not need.

    The cyclic garbage collector is paused meanwhile: a 100k-row file creates
    millions of small objects and no cycles, and the collector's full passes
    over them were half of the loading time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(path, source=source, target=target, text=text, notes=notes)
    finally:
        if enabled:
            gc.enable()


def _parse(path: str, *, source: str | None, target: str | None, text: str | None, notes: bool) -> Parsed:
    out = _Collector(path)
    if text is None:
        text = read_text(path, out)
    elif text.startswith("\ufeff"):
        out.error(1, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
        text = text[1:]
    records = split_rows(text, path, out)
    if not records:
        out.error(1, "the glossary is empty; add a header row of language codes (e.g. es,en,th) and terms")
        return Parsed(path, (), issues=out.issues)
    if looks_like_header(records[0][1]):
        header = _check_header(records[0][0], records[0][1], out)
        body = records[1:]
    else:
        pair = _pair_header(records, source, target, out)
        if pair is None:
            return Parsed(path, (), issues=out.issues)
        header, body = pair, records
        if body and [c.strip().lower() for c in body[0][1][:2]] == list(header[:2]):
            body = body[1:]
    langs = tuple(h for h in header if h in ISO_639_1)
    rows = _check_rows(header, body, out)
    terms = _build_terms(rows, langs, out)
    _check_conflicts(terms, langs, out)
    if notes:
        _check_hidden(terms, langs, out)
    rank = {"error": 0, "warning": 1, "note": 2}
    issues = sorted(out.issues, key=lambda i: (i.line, rank[i.severity], i.message))
    return Parsed(path, langs, terms, issues)


def _check_header(line: int, cells: list[str], out: _Collector) -> list[str]:
    header: list[str] = []
    for cell in cells:
        name = cell.strip().lower()
        if cell.strip() != cell:
            out.error(line, f"column name {cell!r}: stray whitespace; write {name!r}")
        elif name != cell:
            out.warn(line, f"column name {cell!r} in capitals; write {name!r}")
        if name == "description":
            name = "note"
        if name.startswith("forbidden_") and name[len("forbidden_") :] not in ISO_639_1:
            out.error(line, f"unknown column {cell!r}: forbidden_<lang> needs an ISO 639-1 code")
        if name in header:
            out.error(line, f"column {name!r} appears twice; keep one")
        elif not (name in ISO_639_1 or name in META_COLUMNS or name.startswith("forbidden_")):
            out.error(
                line,
                f"unknown column {cell!r}; allowed: ISO 639-1 language codes, note, pos, dnt, case, forbidden_<lang>",
            )
        header.append(name)
    for name in header:
        if name.startswith("forbidden_") and name[len("forbidden_") :] not in header:
            out.warn(line, f"column {name!r} has no matching language column")
    return header


def _pair_header(
    records: list[tuple[int, list[str]]], source: str | None, target: str | None, out: _Collector
) -> list[str] | None:
    """Column names for a source,target file (the DeepL/Google pair layout)."""
    first = [c.strip().lower() for c in records[0][1]]
    if (source is None or target is None) and len(first) == 4 and first[2] in ISO_639_1 and first[3] in ISO_639_1:
        source, target = first[2], first[3]  # DeepL: source,target,source_lang,target_lang
    if source is None or target is None:
        out.error(
            records[0][0],
            "the first row is not a header of language codes (e.g. es,en,th); add one, "
            "or for a two-column source,target file pass --source and --target",
        )
        return None
    for code in (source, target):
        if code not in ISO_639_1:
            out.error(records[0][0], f"{code!r} is not an ISO 639-1 language code; use e.g. es, en, th")
    width = max(len(r[1]) for r in records)
    return [source, target] + (["_source_lang", "_target_lang"] if width == 4 else [])


def _check_rows(header: list[str], body: list[tuple[int, list[str]]], out: _Collector) -> list[Row]:
    rows: list[Row] = []
    seen: dict[tuple[tuple[str, str], ...], int] = {}
    for line, cells in body:
        if len(cells) != len(header):
            out.error(line, f"{len(cells)} columns, the header has {len(header)}; add or remove commas")
            cells = (cells + [""] * len(header))[: len(header)]
        row = Row(line, dict(zip(header, cells)))
        for name, cell in row.cells.items():
            _check_cell(line, name, cell, out)
        key = tuple(sorted((k, fold_term(_squash(v))) for k, v in row.cells.items() if v.strip()))
        if key in seen:
            out.error(line, f"duplicate of line {seen[key]}; delete one of them")
            continue
        seen[key] = line
        rows.append(row)
    return rows


def _squash(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def _check_cell(line: int, name: str, cell: str, out: _Collector) -> None:
    col = f"column {name!r}"
    for part in cell.split(VARIANT_SEP) if VARIANT_SEP in cell else [cell]:
        if part != part.strip() or re.search(r"\s\s", part) or re.search(r"[\t\r\n\u00a0]", part):
            out.error(line, f"{col}: stray whitespace in {cell!r}; write {_squash(cell)!r}")
            break
    if unicodedata.normalize("NFC", cell) != cell:
        out.error(line, f"{col}: {cell!r} is not in Unicode NFC; re-save it normalised (NFC)")
    if re.search(r"[\u200b-\u200d\u2060\ufeff]", cell):
        out.error(line, f"{col}: {cell!r} holds an invisible zero-width character; delete it")
    low = cell.strip().lower()
    if name in ("dnt", "case") and low not in TRUE | FALSE:
        out.error(line, f"{col}: {cell!r} is not a yes/no value; write yes or leave it empty")
    if name == "pos" and low and low not in POS_VALUES:
        out.error(
            line, f"{col}: unknown part of speech {cell!r}; use noun, verb, adjective, adverb, properNoun or other"
        )
    if VARIANT_SEP in cell and any(not p.strip() for p in cell.split(VARIANT_SEP)):
        out.error(line, f"{col}: empty variant in {cell!r}; remove the extra '|'")


def _variants(cell: str) -> tuple[str, ...]:
    parts = [_squash(p) for p in cell.split(VARIANT_SEP)]
    return tuple(dict.fromkeys(p for p in parts if p))


def _build_terms(rows: list[Row], langs: tuple[str, ...], out: _Collector) -> list[Term]:
    terms: list[Term] = []
    ids: set[str] = set()
    for row in rows:
        forms = {lang: _variants(row.cells.get(lang, "")) for lang in langs}
        forms = {k: v for k, v in forms.items() if v}
        dnt = row.cells.get("dnt", "").strip().lower() in TRUE
        if not forms:
            out.error(row.line, "the row has no term in any language column; fill it in or delete it")
            continue
        if len(forms) < 2 and not dnt:
            out.warn(
                row.line,
                f"{next(iter(forms.values()))[0]!r} has no equivalent in another language; add one, or mark it dnt=yes",
            )
        forbidden = {
            k[len("forbidden_") :]: _variants(v)
            for k, v in row.cells.items()
            if k.startswith("forbidden_") and v.strip()
        }
        first = next(iter(forms.values()))[0]
        tid = first if first not in ids else f"{first}#{row.line}"
        ids.add(tid)
        terms.append(
            Term(
                id=tid,
                line=row.line,
                forms=forms,
                forbidden=forbidden,
                note=_squash(row.cells.get("note", "")),
                pos=POS_VALUES.get(row.cells.get("pos", "").strip().lower(), ""),
                dnt=dnt,
                case=row.cells.get("case", "").strip().lower() in TRUE,
            )
        )
    return terms


def _key(term: Term, form: str) -> str:
    return form if term.case else fold_term(form)


def _check_conflicts(terms: list[Term], langs: tuple[str, ...], out: _Collector) -> None:
    """A term that maps to two different targets makes enforcement ambiguous: an error."""
    for src in langs:
        owner: dict[str, Term] = {}
        for t in terms:
            for form in t.forms.get(src, ()):
                other = owner.get(_key(t, form))
                if other is None:
                    owner[_key(t, form)] = t
                    continue
                for tgt in langs:
                    a, b = other.preferred(tgt), t.preferred(tgt)
                    if tgt != src and a and b and _key(t, a) != _key(t, b):
                        out.error(
                            t.line,
                            f"{src} term {form!r} maps to {tgt} {b!r} here but to {a!r} "
                            f"on line {other.line}; keep one target or make the terms differ",
                        )
                        break


def _check_hidden(terms: list[Term], langs: tuple[str, ...], out: _Collector) -> None:
    """A term inside a longer one matches only where the longer one does not.

    That is how a glossary is meant to work (the longest match wins: "canal"
    inside "canal de distribución"), so it is a note, not a warning; ``glossary
    lint --notes`` lists them. Found through the anchor index: linear in the
    number of terms, not quadratic.
    """
    for lang in langs:
        forms = [(fold_term(f), f, t) for t in terms for f in t.forms.get(lang, ())]
        thai = [any(is_thai(c) for c in key) for key, _, _ in forms]
        # Latin forms through the anchor index (inflection-aware regexes at word starts)...
        index = AnchorIndex(
            Entry(n, key, lang, True, False, True, anchor(key, lang, True), first_words(key, lang, True))
            for n, (key, _, _) in enumerate(forms)
            if not thai[n]
        )
        # ...Thai forms (no spaces, no inflection) as substrings, looked up in a dict.
        thai_forms: dict[str, list[int]] = {}
        for n, (key, _, _) in enumerate(forms):
            if thai[n]:
                thai_forms.setdefault(key, []).append(n)
        lengths = sorted({len(k) for k in thai_forms})
        inside: dict[int, int] = {}  # short form -> first longer form (in file order) holding it
        rest: dict[int, list[str]] = {}

        def found(n: int, n_long: int) -> bool:
            short_key, _, st = forms[n]
            return not (st is forms[n_long][2] or len(forms[n_long][0]) <= len(short_key)
                        or (n in inside and inside[n] < n_long))

        for n_long, (long_key, _, _) in enumerate(forms):
            if thai[n_long]:
                for i in range(len(long_key)):
                    for size in lengths:
                        for n in thai_forms.get(long_key[i : i + size], ()):
                            if found(n, n_long):
                                inside[n] = n_long
                continue
            for k, pos in index.hits(long_key, True):
                n = index.entries[k].key
                if not found(n, n_long):
                    continue
                if n not in rest:
                    rest[n] = rest_anchors(forms[n][0], lang)
                if not all(a in long_key for a in rest[n]):
                    continue  # a later word of the short term is not there: no need to compile
                if index.regex(k).match(long_key, pos) is not None:
                    inside[n] = n_long
        for n_short in sorted(inside, key=lambda n: n):
            _, short, st = forms[n_short]
            _, long, lt = forms[inside[n_short]]
            out.note(
                st.line,
                f"{lang} term {short!r} also occurs inside {long!r} (line {lt.line}); "
                "the longer term wins where both match",
            )


def rest_anchors(key: str, lang: str) -> list[str]:
    """Prefixes every match of the words after the first must contain (a cheap pre-check)."""
    return [anchor(w, lang, True) for w in key.split()[1:]]
