"""A generated damage corpus from real Spanish text, and the n-gram model repair ships.

    python bench/damage_corpus.py build ANCORA_GITDIR GSD_GITDIR PUD_GITDIR   # rebuild the held-out file
    python bench/damage_corpus.py sample                       # print a few damaged pages
    python bench/damage_corpus.py write /tmp/dc                # the corpus as files, then:
    pipeline repair /tmp/dc/damaged/*.txt -o /tmp/dc/repaired
    python bench/damage_corpus.py score /tmp/dc /tmp/dc/repaired

Two Universal Dependencies Spanish treebanks, never the study samples:

* **Model** (``pipeline/repair/data/es_ngrams.tsv.gz``, built by ``bench/build_ngrams.py``): the sentences of
  UD_Spanish-AnCora (dev + test files, commit :data:`ANCORA_COMMIT`) and of
  UD_Spanish-PUD (its one test file), counted
  into word unigrams and the bigrams that touch a word with an accented letter
  (the only words lost-letter and Thai-tail repairs choose between).
* **Held out** (``bench/data/es_gsd_heldout.txt``): the sentences of
  UD_Spanish-GSD (dev + test, commit :data:`GSD_COMMIT`), minus any sentence
  that also occurs in AnCora or PUD. The bench damages these; the model never saw them.

The repositories are read with ``git show`` from local clones (no network at
run time). The damage generator (:func:`pages`) applies each damage class of
``damage-patterns.md`` to held-out sentences, page by page (3-6 consecutive
sentences), and keeps the gold text:

* ``entity``: every accented letter keeps its entity's ``;`` (``relació;n``),
  30% of words get a classic or broken entity form instead (``&oacute``,
  ``oacute;``, ``&amp;oacute;``, ``&#243;``, ``&#xF3;``), and the non-letters
  real text holds (``« » ¿ ° º ª €``) become ``X;`` or a broken entity;
* ``word_final``: the same pages' word-final ``ó;`` (``volvió; a``);
* ``lost_letters``: in a page of half-decoded words, 35% of the words with one
  accent lose it and a neighbour (the one before, 70%; the accent alone or
  with the one after, 15% each) leaving a ``;`` (``cómo`` -> ``;mo``);
* ``thai_tail``: half of the words with one inner accent get the rest of the
  word spelled in Thai the way a bad MT does (several spellings per letter,
  vowels before/after/above/below, tone marks, ``-ั-``/``เ-็-`` in closed
  syllables, a silenced ``-ส์``);
* ``mojibake``: the page's UTF-8 read as cp1252;
* ``clean``: untouched pages (the controls: the treebank's own semicolons stay).

Lost letters and Thai tails are scored on lexicon words only (a word the
lexicon lacks cannot come back, and repair never invents one); those of
out-of-lexicon words (names) are damaged too and counted apart
(``lost_letters_oov``, ``thai_tail_oov``) to show they are kept or flagged.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
HELDOUT = DATA / "es_gsd_heldout.txt"
ANCORA_COMMIT = "642d3bc"  # the last AnCora commit whose dev/test files the mirror holds
ANCORA_FILES = ("es_ancora-ud-dev.conllu", "es_ancora-ud-test.conllu")
PUD_COMMIT = "HEAD"
PUD_FILES = ("es_pud-ud-test.conllu",)
GSD_COMMIT = "57c045644664e5c1e169263cc4e3b95e40c078ba"
GSD_FILES = ("es_gsd-ud-dev.conllu", "es_gsd-ud-test.conllu")
SEED = 20261201

LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
ACCENTED = "áéíóúñüÁÉÍÓÚÑÜ"
WORD_RE = re.compile(rf"[{LATIN}]+")


# --- building the data files -------------------------------------------------


def sentences(gitdir: str, commit: str, files: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for name in files:
        text = subprocess.run(
            ["git", "--git-dir", gitdir, "show", f"{commit}:{name}"], capture_output=True, text=True, check=True
        ).stdout
        out += [line[len("# text = ") :].strip() for line in text.splitlines() if line.startswith("# text = ")]
    return out


def build(ancora_gitdir: str, gsd_gitdir: str, pud_gitdir: str | None = None) -> None:
    """Write the held-out sentences: GSD minus every sentence the model's text holds.

    The model itself is built by ``bench/build_ngrams.py`` (one builder: it also needs
    the hunspell-es case table); the same AnCora + PUD files are read here only to keep
    their sentences out of the held-out set.
    """
    train = sentences(ancora_gitdir, ANCORA_COMMIT, ANCORA_FILES)
    if pud_gitdir:
        train += sentences(pud_gitdir, PUD_COMMIT, PUD_FILES)
    seen = set(train)  # held out means held out: no sentence of the model's text
    heldout = [s for s in dict.fromkeys(sentences(gsd_gitdir, GSD_COMMIT, GSD_FILES)) if s not in seen]
    DATA.mkdir(parents=True, exist_ok=True)
    HELDOUT.write_text("\n".join(heldout) + "\n", "utf-8")
    print(f"held out: {len(heldout)} GSD sentences (none of the {len(train)} AnCora + PUD ones) -> {HELDOUT}")


# --- damage --------------------------------------------------------------------

ENTITY_NAMES = {
    "á": "aacute", "é": "eacute", "í": "iacute", "ó": "oacute", "ú": "uacute", "ñ": "ntilde", "ü": "uuml",
    "Á": "Aacute", "É": "Eacute", "Í": "Iacute", "Ó": "Oacute", "Ú": "Uacute", "Ñ": "Ntilde",
}  # fmt: skip
ENTITY_FORMS = (
    lambda n, c: f"&{n};",
    lambda n, c: f"&{n}",
    lambda n, c: f"{n};",
    lambda n, c: f"&amp;{n};",
    lambda n, c: f"&#{ord(c)};",
    lambda n, c: f"&#x{ord(c):X};",
)

# A bad MT's Thai spelling of Spanish letters: several spellings per letter,
# so the reader cannot rely on one table.
TH_CONS: dict[str, tuple[str, ...]] = {
    "b": ("บ",), "v": ("ว", "บ"), "c": ("ค", "ก"), "ce": ("ซ", "ส"), "ch": ("ช",), "d": ("ด",),
    "f": ("ฟ",), "g": ("ก",), "ge": ("ฮ",), "h": ("",), "j": ("ฮ", "ค"), "k": ("ค",), "l": ("ล",),
    "ll": ("ย", "ญ"), "m": ("ม",), "n": ("น",), "ñ": ("ญ", "นย"), "p": ("ป", "พ"), "qu": ("ค", "ก"),
    "r": ("ร",), "rr": ("ร",), "s": ("ส", "ซ"), "t": ("ต", "ท"), "x": ("ซ", "กซ"), "y": ("ย",), "z": ("ซ", "ส"),
}  # fmt: skip
TONES = ("", "", "", "่", "้")


def _thai_syllable(cons: str, vowel: str, rng: random.Random, closed: bool = False) -> str:
    """One Thai syllable for a Spanish consonant + vowel; ``closed``: a consonant follows
    in the same syllable, where Thai shortens the vowel (``-ั-``, ``เ-็-``)."""
    c = rng.choice(TH_CONS.get(cons, ("",)))
    if not c:
        c = "อ" if vowel else ""
    tone = rng.choice(TONES) if c else ""
    if vowel == "a":
        return c + (rng.choice(("ั", "า")) if closed else tone + rng.choice(("า", "า", "ะ")))
    if vowel == "e":
        return "เ" + c + ("็" if closed and rng.random() < 0.5 else tone)
    if vowel == "i":
        return c + rng.choice(("ิ", "ี")) + tone
    if vowel == "o":
        return rng.choice(("โ" + c + tone, c + tone + "อ"))
    if vowel == "u":
        return c + rng.choice(("ู", "ุ")) + tone
    # a consonant closing a syllable: plain, or silenced the English way now and then
    return c + ("์" if cons == "s" and rng.random() < 0.15 else "")


def thai_spelling(tail: str, rng: random.Random) -> str:
    """Thai letters a partial MT writes for the Latin ``tail`` (``ndolo`` -> ``นดอลอ``)."""
    t = tail.lower().translate(str.maketrans("áéíóúü", "aeiouu"))
    out = []
    i = 0
    while i < len(t):
        cons = ""
        for size in (2, 1):
            piece = t[i : i + size]
            if piece in ("ch", "ll", "rr", "qu") or (size == 1 and piece not in "aeiou"):
                cons = piece
                break
        i += len(cons)
        if cons == "qu" and i < len(t) and t[i] in "ei":
            pass
        elif cons in ("c", "g") and i < len(t) and t[i] in "ei":
            cons += "e"
        vowel = t[i] if i < len(t) and t[i] in "aeiou" else ""
        i += len(vowel)
        # closed: the next letter is a consonant that is not followed by a vowel ("an" in "cantan")
        closed = bool(vowel) and i < len(t) and t[i] not in "aeiou" and (i + 1 >= len(t) or t[i + 1] not in "aeiou")
        out.append(_thai_syllable(cons, vowel, rng, closed))
    return "".join(out)


CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def mojibake(text: str) -> str:
    data = text.encode("utf-8")
    return "".join(chr(b) if b in CP1252_UNDEFINED else bytes([b]).decode("cp1252") for b in data)


# Non-letters with named entities that real Spanish text holds (« » ¿ ¡ ° º ª € — …).
SYMBOLS = frozenset("«»¿¡°ºª€—…©")


def _damage_symbols(tok: str, rng: random.Random) -> str:
    """``«`` -> ``«;`` (the remnant) or one of its entity's broken forms."""
    from html.entities import codepoint2name

    out = []
    for ch in tok:
        if ch in SYMBOLS:
            name = codepoint2name.get(ord(ch), "")
            forms = [f"{ch};", f"&#{ord(ch)};", f"&#x{ord(ch):X};"]
            if name:
                forms += [f"&{name};", f"&amp;{name};", f"{name};" if len(name) > 4 else f"&{name};"]
            out.append(rng.choice(forms))
        else:
            out.append(ch)
    return "".join(out)


def _accent_positions(word: str) -> list[int]:
    return [i for i, ch in enumerate(word) if ch in ACCENTED]


def _half(word: str) -> str:
    """Every accented letter keeps its entity's ``;``: ``relació;n``."""
    for i in reversed(_accent_positions(word)):
        word = word[: i + 1] + ";" + word[i + 1 :]
    return word


def _lost(word: str, rng: random.Random) -> tuple[str, str] | None:
    """The accented letter and up to two neighbours lost, a ``;`` left (``cómo`` -> ``;mo``),
    and the class: ``lost_letters``, or ``lost_letters_oov`` for a word the lexicon lacks
    (its own random stream, so the lexicon words' damage does not depend on them)."""
    pos = _accent_positions(word)
    if len(pos) != 1:
        return None
    cls = "lost_letters"
    if not _restorable(word):
        rng, cls = random.Random(word), "lost_letters_oov"
    i = pos[0]
    shape = rng.random()
    if shape < 0.7 and i > 0:
        a, b = i - 1, i + 1  # the letter before and the accented one (most real damage)
    elif shape < 0.85 or i == 0:
        a, b = i, i + 1
    else:
        a, b = i, min(len(word), i + 2)
    return word[:a] + ";" + word[b:], cls


def _restorable(word: str, floor: float = 2.0) -> bool:
    """Lost letters and Thai tails are measured on lexicon words only (Zipf >=
    ``floor``, the repairs' own floors): a name the lexicon lacks cannot come
    back, and repair must never invent a word (it flags or keeps)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from pipeline.repair import lexicon

    return lexicon.zipf(word) >= floor


@dataclass
class Page:
    kind: str  # the damage class of the page
    damaged: str
    gold: str
    # token index -> damage class, for every token the damage changed
    marks: dict[int, str]


_SPLIT_RE = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


def _split(token: str) -> tuple[str, str, str]:
    m = _SPLIT_RE.match(token)
    assert m is not None
    return m[1], m[2], m[3]


def _damage_page(kind: str, sents: list[str], rng: random.Random) -> Page:
    gold = " ".join(sents)
    tokens = gold.split(" ")
    out: list[str] = []
    marks: dict[int, str] = {}
    for k, tok in enumerate(tokens):
        lead, word, trail = _split(tok)
        new = tok
        cls = ""
        if kind in ("entity", "word_final", "lost_letters", "thai_tail") and WORD_RE.fullmatch(word or "-"):
            pos = _accent_positions(word)
            if pos:
                new, cls = lead + _half(word) + trail, "entity"
                if word[-1] in ACCENTED:
                    cls = "word_final"
                if kind == "entity" and rng.random() < 0.3:
                    i = pos[0]
                    form = rng.choice(ENTITY_FORMS)(ENTITY_NAMES.get(word[i], "oacute"), word[i])
                    new, cls = lead + word[:i] + form + word[i + 1 :] + trail, "entity"
                elif kind == "lost_letters" and rng.random() < 0.35:
                    lost = _lost(word, rng)
                    if lost is not None:
                        new, cls = lead + lost[0] + trail, lost[1]
                elif kind == "thai_tail" and word[-1] not in ACCENTED and len(pos) == 1 and rng.random() < 0.5:
                    i = pos[0]
                    cls, wrng = ("thai_tail", rng) if _restorable(word, 1.5) else ("thai_tail_oov", random.Random(word))
                    new = lead + word[: i + 1] + ";" + thai_spelling(word[i + 1 :], wrng) + trail
        if kind == "entity" and new == tok and not SYMBOLS.isdisjoint(tok):
            new, cls = _damage_symbols(tok, rng), "entity"
        if new != tok:
            marks[k] = cls
        out.append(new)
    damaged = " ".join(out)
    if kind == "mojibake":
        damaged = mojibake(gold)
        marks = {k: "mojibake" for k, (a, b) in enumerate(zip(damaged.split(" "), tokens, strict=True)) if a != b}
    return Page(kind, damaged, gold, marks)


KINDS = ("entity", "word_final", "lost_letters", "thai_tail", "mojibake", "clean")
# Damage of words the lexicon lacks (names): not restorable by design; counted
# apart, to show they are left as they were and flagged, never half-repaired.
OOV_CLASSES = ("lost_letters_oov", "thai_tail_oov")


_ENTITY_IN_SOURCE_RE = re.compile(r"&#?[A-Za-z0-9]+;")


def held_out() -> list[str]:
    """The held-out sentences; the few that hold an HTML entity as written are not clean text."""
    lines = HELDOUT.read_text("utf-8").splitlines()
    return [s for s in lines if s.strip() and not _ENTITY_IN_SOURCE_RE.search(s)]


def pages(per_kind: int = 200, seed: int = SEED, sents: list[str] | None = None) -> Iterator[Page]:
    """``per_kind`` pages of every damage class (3-6 held-out sentences each), deterministic."""
    pool = sents if sents is not None else held_out()
    for kind in KINDS:
        rng = random.Random(f"{seed}-{kind}")
        for _ in range(per_kind):
            start = rng.randrange(len(pool))
            yield _damage_page(kind, pool[start : start + rng.randint(3, 6)], rng)


@dataclass
class Tally:
    damaged: int = 0  # tokens the damage changed
    restored: int = 0  # ... that came back exactly as the gold token
    flagged: int = 0  # ... left as they were and reported for review
    kept: int = 0  # ... left as they were, not reported
    wrong: int = 0  # ... changed into something that is not the gold token
    untouched: int = 0  # tokens the damage left alone
    false_edits: int = 0  # ... that the fixer changed anyway

    @property
    def rate(self) -> float:
        return self.restored / self.damaged if self.damaged else 1.0


def _spans(text: str) -> list[tuple[int, int]]:
    out, at = [], 0
    for tok in text.split(" "):
        out.append((at, at + len(tok)))
        at += len(tok) + 1
    return out


def _aligned(gold: list[str], got: list[str]) -> list[int | None]:
    """Index in ``got`` of each gold token (None where the fixer merged or split tokens)."""
    if len(gold) == len(got):
        return list(range(len(gold)))
    import difflib

    where: list[int | None] = [None] * len(gold)
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, gold, got, autojunk=False).get_opcodes():
        if tag in ("equal", "replace") and a1 - a0 == b1 - b0:
            for k in range(a1 - a0):
                where[a0 + k] = b0 + k
    return where


def score(pages: Iterable[Page], fix: Callable[[str], tuple[str, list[tuple[int, int]]]]) -> dict[str, Tally]:
    """Per-class tallies of ``fix`` (text -> (fixed text, spans it flagged)) over ``pages``.

    Untouched tokens are counted per page kind (``clean`` pages are the
    controls); damaged ones per damage class.
    """
    out: dict[str, Tally] = {k: Tally() for k in (*KINDS, *OOV_CLASSES)}
    for page in pages:
        fixed, flags = fix(page.damaged)
        gold, dam, got = page.gold.split(" "), page.damaged.split(" "), fixed.split(" ")
        where = _aligned(gold, got)
        spans = _spans(page.damaged)
        for k, g in enumerate(gold):
            j = where[k]
            res = got[j] if j is not None else None
            cls = page.marks.get(k)
            if cls is None:
                t = out[page.kind]
                t.untouched += 1
                t.false_edits += res != g
                continue
            t = out[cls]
            t.damaged += 1
            if res == g:
                t.restored += 1
            elif res == dam[k] and any(a < spans[k][1] and spans[k][0] < b for a, b in flags):
                t.flagged += 1
            elif res == dam[k]:
                t.kept += 1
            else:
                t.wrong += 1
    return out


def write(folder: Path, per_kind: int) -> int:
    """The corpus as files, for trying ``pipeline repair`` on it as a user would:
    ``FOLDER/damaged/<kind>-NNNN.txt`` and the gold text beside it in ``FOLDER/gold/``."""
    import json

    (folder / "damaged").mkdir(parents=True, exist_ok=True)
    (folder / "gold").mkdir(parents=True, exist_ok=True)
    n = 0
    marks = {}
    for k, page in enumerate(pages(per_kind)):
        name = f"{page.kind}-{k:05d}.txt"
        (folder / "damaged" / name).write_text(page.damaged + "\n", "utf-8")
        (folder / "gold" / name).write_text(page.gold + "\n", "utf-8")
        marks[name] = {"kind": page.kind, "marks": page.marks}
        n += 1
    (folder / "marks.json").write_text(json.dumps(marks, ensure_ascii=False), "utf-8")
    return n


def score_folder(folder: Path, repaired: Path) -> dict[str, Tally]:
    """Score files that ``pipeline repair`` wrote (``-o REPAIRED``) against ``write()``'s gold."""
    import json

    marks = json.loads((folder / "marks.json").read_text("utf-8"))
    done = []
    fixed: dict[str, str] = {}
    for name, info in sorted(marks.items()):
        damaged = (folder / "damaged" / name).read_text("utf-8").removesuffix("\n")
        gold = (folder / "gold" / name).read_text("utf-8").removesuffix("\n")
        fixed[damaged] = (repaired / name).read_text("utf-8").removesuffix("\n")
        done.append(Page(info["kind"], damaged, gold, {int(k): v for k, v in info["marks"].items()}))
    return score(done, lambda t: (fixed[t], []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="rebuild the held-out sentences (the model: bench/build_ngrams.py)")
    b.add_argument("ancora_gitdir")
    b.add_argument("gsd_gitdir")
    b.add_argument("pud_gitdir", nargs="?", help="UD_Spanish-PUD, also counted into the model")
    s = sub.add_parser("sample", help="print damaged pages")
    s.add_argument("-n", type=int, default=1)
    w = sub.add_parser("write", help="write the corpus as FOLDER/damaged/*.txt and FOLDER/gold/*.txt")
    w.add_argument("folder", type=Path)
    w.add_argument("--pages", type=int, default=100, help="pages per class")
    c = sub.add_parser("score", help="score `pipeline repair FOLDER/damaged/*.txt -o REPAIRED` against the gold")
    c.add_argument("folder", type=Path)
    c.add_argument("repaired", type=Path)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.cmd == "build":
        build(args.ancora_gitdir, args.gsd_gitdir, args.pud_gitdir)
        return 0
    if args.cmd == "write":
        print(f"{write(args.folder, args.pages)} pages written under {args.folder}")
        return 0
    if args.cmd == "score":
        print(f"{'class':<18}{'tokens':>8}{'restored':>10}{'kept':>6}{'wrong':>7}{'false edits':>13}")
        for cls, t in score_folder(args.folder, args.repaired).items():
            print(f"{cls:<18}{t.damaged:>8}{t.rate:>10.2%}{t.kept + t.flagged:>6}{t.wrong:>7}{t.false_edits:>13}")
        return 0
    for page in pages(args.n):
        print(f"[{page.kind}] {page.damaged}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
