"""Entity remnants: every HTML5 named entity and every numeric one, in every
half-decoded form, around real Spanish sentences; restore rate and false edits.

    python bench/entities.py            # every name and form (about 25k cases)
    python bench/entities.py --quick    # every 7th name

The sentences are the held-out UD Spanish GSD text in bench/data (real Spanish
the repair model never saw). Each damaged sentence carries one entity: a
letter-valued one inside a word (``pal&Acy;abra``), any other as a token of its
own or glued to the end of the previous word (``palabra&hellip;``). Pages hold
12 damaged sentences of one form (a broken decoder damages a page one way)
and are repaired whole; a case counts as restored when its line comes out
exactly as the gold line. Clean controls: the same sentences undamaged, in
pages of 12, where every applied edit is a false edit.

Forms: ``&n;``, ``&n``, ``n;``, ``&amp;n;``, ``X;`` (the entity decoded, its
``;`` left) for every name; ``&#D;``, ``&#xH;``, ``&#D``, ``#D;``, ``#xH;``,
``&amp;#D;`` for every character a name decodes to. Some cases are ambiguous
by construction: the ``X;`` remnant of an ASCII entity that typed text also
writes (``&rpar;`` -> ``);``, ``&percnt;`` -> ``%;``) is punctuation, and a
name that lost its ``&`` and is also a Spanish word (``para;`` ``real;``
``Cup;``) is a word before a real semicolon. They are counted apart and
reported, not hidden.

``measure()`` returns the per-form table (bench/repair.py may print it).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from html.entities import html5
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SEED = 20261201
PAGE = 12
SENTENCES = ROOT / "bench" / "data" / "es_gsd_heldout.txt"
# ASCII characters typed text puts before a real ";": their X; remnant is punctuation.
NATURAL_BEFORE_SEMICOLON = set(")]}.,:!?\"'$%;\t ") | set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

NAMED_FORMS = {
    "complete": lambda n, v: f"&{n};",
    "no_semicolon": lambda n, v: f"&{n}",
    "no_ampersand": lambda n, v: f"{n};",
    "double_escaped": lambda n, v: f"&amp;{n};",
    "half_decoded": lambda n, v: f"{v};",
}
NUMERIC_FORMS = {
    "decimal": lambda c: f"&#{ord(c)};",
    "hex": lambda c: f"&#x{ord(c):X};",
    "decimal_no_semicolon": lambda c: f"&#{ord(c)}",
    "decimal_no_ampersand": lambda c: f"#{ord(c)};",
    "hex_no_ampersand": lambda c: f"#x{ord(c):X};",
    "double_escaped_numeric": lambda c: f"&amp;#{ord(c)};",
}


def sentences() -> list[str]:
    lines = SENTENCES.read_text(encoding="utf-8").splitlines()
    return [s for s in lines if 40 <= len(s) <= 220 and "&" not in s and "#" not in s]


def _names() -> list[tuple[str, str]]:
    return sorted((k[:-1], v) for k, v in html5.items() if k.endswith(";"))


def _chars() -> list[str]:
    return sorted({v for k, v in html5.items() if k.endswith(";") and len(v) == 1 and v not in "\n\t"})


def _gold(value: str) -> str:
    """What repair must leave of a decoded value: invisible and control characters
    are dropped by the control pass, ligatures and fullwidth forms written out by
    the typography pass (both documented rules of their own)."""
    from ftfy.fixes import fix_character_width, fix_latin_ligatures

    from pipeline.repair.controls import CONTROL_RE

    value = value.replace("\n", " ")
    if CONTROL_RE.fullmatch(value) and value not in "\u200c\u200d":
        return ""
    if value in "\u200c\u200d":  # ZWNJ/ZWJ between Latin letters or spaces mean nothing
        return ""
    return str(fix_character_width(fix_latin_ligatures(value)))


def _place(sentence: str, damaged: str, value: str, rng: random.Random) -> tuple[str, str]:
    """Put one entity (``damaged``) and its gold ``value`` into ``sentence``."""
    value = _gold(value)
    words = sentence.split(" ")
    if value[:1].isalpha():
        # Inside a word of letters: "pal" + E + "abra".
        spots = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if spots:
            i = rng.choice(spots)
            w = words[i]
            k = rng.randrange(1, len(w) - 1)
            bad, gold = list(words), list(words)
            bad[i], gold[i] = w[:k] + damaged + w[k:], w[:k] + value + w[k:]
            return " ".join(bad), " ".join(gold)
    i = rng.randrange(1, len(words))
    bad, gold = list(words), list(words)
    if rng.random() < 0.6 or not words[i - 1][-1:].isalpha():
        bad.insert(i, damaged)
        gold.insert(i, value.replace("\n", " "))
    else:  # glued to the end of the previous word: "palabra&hellip;"
        bad[i - 1] += damaged
        gold[i - 1] += value.replace("\n", " ")
    return " ".join(bad), " ".join(gold)


def _suffix_collision(bad: str, damaged: str) -> bool:
    """Whether the bare name glued to the word before it reads as another name too."""
    from pipeline.repair.entities import _bare_name, bare_tokens

    at = bad.index(damaged) + len(damaged)
    for _, end, tok in bare_tokens(bad):
        if end == at:
            return _bare_name(tok) != damaged[:-1]
    return False


def cases(step: int = 1, seed: int = SEED) -> Iterator[tuple[str, str, str, bool]]:
    """(form, damaged line, gold line, ambiguous by construction)."""
    from pipeline.repair import lexicon

    rng = random.Random(seed)
    pool = sentences()
    for form, make in NAMED_FORMS.items():
        for name, value in _names()[::step]:
            damaged = make(name, value)
            ambiguous = (form == "half_decoded" and value[-1] in NATURAL_BEFORE_SEMICOLON) or (
                form == "no_ampersand" and lexicon.is_word(name)
            )
            bad, gold = _place(rng.choice(pool), damaged, value, rng)
            if form == "no_ampersand" and _suffix_collision(bad, damaged):
                ambiguous = True  # "sonleftarrow;": "son" + "leftarrow" or "so" + "nleftarrow"
            if form == "half_decoded" and "\n" in value:
                continue  # &NewLine; decoded is a line break: a new line, not a remnant
            yield form, bad, gold, ambiguous
    for form, make in NUMERIC_FORMS.items():
        for ch in _chars()[::step]:
            bad, gold = _place(rng.choice(pool), make(ch), ch, rng)
            yield form, bad, gold, False


def _pages(rows: list[tuple[str, str, str, bool]]) -> Iterator[list[tuple[str, str, str, bool]]]:
    for i in range(0, len(rows), PAGE):
        yield rows[i : i + PAGE]


def measure(step: int = 1) -> dict[str, dict[str, int]]:
    """Per form: cases, restored, ambiguous cases and restored among them; plus clean controls."""
    from pipeline.repair import repair

    by_form: dict[str, list[tuple[str, str, str, bool]]] = {}
    for row in cases(step):
        by_form.setdefault(row[0], []).append(row)
    table: dict[str, dict[str, int]] = {}
    for form, rows in by_form.items():
        random.Random(seed_of(form)).shuffle(rows)  # a page mixes names, as a real page does
        stats = {"cases": 0, "restored": 0, "ambiguous": 0, "ambiguous_restored": 0}
        for page in _pages(rows):
            out = repair("\n".join(r[1] for r in page)).text.split("\n")
            for (_, _, gold, ambiguous), got in zip(page, out):
                key = "ambiguous" if ambiguous else "cases"
                stats[key] += 1
                if got == gold:
                    stats["ambiguous_restored" if ambiguous else "restored"] += 1
        table[form] = stats
    clean = sentences()[:: max(1, step // 2)]
    edits = lines = 0
    for i in range(0, len(clean), PAGE):
        page = clean[i : i + PAGE]
        result = repair("\n".join(page))
        edits += len(result.edits)
        lines += len(page)
    table["clean_controls"] = {"lines": lines, "false_edits": edits}
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every 7th name and character")
    parser.add_argument("--misses", type=int, default=0, help="print this many missed cases per form")
    args = parser.parse_args([] if argv is None else argv)  # a caller (bench/scale.py) passes its own
    step = 7 if args.quick else 1
    table = measure(step)
    total = restored = amb = amb_ok = 0
    print(f"{'form':<26}{'cases':>8}{'restored':>10}{'rate':>9}{'ambiguous':>11}{'restored':>10}")
    for form, s in table.items():
        if form == "clean_controls":
            continue
        rate = s["restored"] / s["cases"] if s["cases"] else 1.0
        print(
            f"{form:<26}{s['cases']:>8}{s['restored']:>10}{rate:>9.2%}{s['ambiguous']:>11}{s['ambiguous_restored']:>10}"
        )
        total += s["cases"]
        restored += s["restored"]
        amb += s["ambiguous"]
        amb_ok += s["ambiguous_restored"]
    print(f"{'all':<26}{total:>8}{restored:>10}{restored / total:>9.2%}{amb:>11}{amb_ok:>10}")
    all_rate = (restored + amb_ok) / (total + amb)
    print(f"including ambiguous-by-construction cases: {all_rate:.2%} of {total + amb}")
    c = table["clean_controls"]
    print(f"clean controls: {c['lines']} real Spanish lines, {c['false_edits']} false edits")
    if args.misses:
        _print_misses(step, args.misses)
    return 0


def seed_of(form: str) -> int:
    return SEED + sum(map(ord, form))


def _print_misses(step: int, limit: int) -> None:
    from pipeline.repair import repair

    shown: dict[str, int] = {}
    by_form: dict[str, list[tuple[str, str, str, bool]]] = {}
    for row in cases(step):
        by_form.setdefault(row[0], []).append(row)
    rows = []
    for form, group in by_form.items():
        random.Random(seed_of(form)).shuffle(group)
        rows += group
    for page in _pages(rows):
        out = repair("\n".join(r[1] for r in page)).text.split("\n")
        for (form, bad, gold, ambiguous), got in zip(page, out):
            if got != gold and not ambiguous and shown.get(form, 0) < limit:
                shown[form] = shown.get(form, 0) + 1
                print(f"MISS {form}: {bad!r}\n   got  {got!r}\n   gold {gold!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
