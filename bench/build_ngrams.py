"""Rebuild repair's shipped context data, offline, from local copies of its sources.

    apt-get install hunspell   # the spell checker's command line, used here only
    apt-get download hunspell-es && dpkg-deb -x hunspell-es_*.deb /tmp/hunspell-es
    python bench/build_ngrams.py ANCORA_GITDIR PUD_GITDIR /tmp/hunspell-es/usr/share/hunspell/es_ES.dic

Writes, byte for byte the same for the same inputs:

* ``pipeline/repair/data/es_ngrams.tsv.gz``: the n-gram model of
  :mod:`pipeline.repair.ngram`, counted from the sentences of UD_Spanish-AnCora
  (dev + test at ``damage_corpus.ANCORA_COMMIT``) and UD_Spanish-PUD (test).
* ``pipeline/repair/data/es_names.tsv.gz``: what the hunspell-es (RLA-ES)
  dictionary says of the case of each lost-letter candidate (an accented
  lexicon word): ``1`` it accepts the word only with a capital (``Álava``,
  ``Márquez``), ``0`` it has a capitalised
  entry and also accepts it in lower case (``Cámara``), ``u`` it accepts it
  neither way (names it lacks, ``Zúrich``, and rare forms, ``aburridísimo``).
  Words it accepts in lower case only are not listed.

UD_Spanish-GSD is never read here: its sentences are the bench's held-out text
(bench/damage_corpus.py), and nothing the repair ships is counted from them.
"""

from __future__ import annotations

import argparse
import gzip
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import damage_corpus as dc  # noqa: E402  (bench/ is not a package; its readers and commits are reused)

from pipeline.repair.ngram import MODEL_PATH, NAMES_PATH, count_ngrams, write_model  # noqa: E402

ACCENTED = frozenset("áéíóúñü")


def names(dic: Path) -> dict[str, bool]:
    """Lower-cased accented words the dictionary capitalises -> whether it only capitalises them."""
    stems = set()
    for k, line in enumerate(dic.read_text("utf-8").splitlines()):
        if k == 0 or not line:
            continue  # the first line is the entry count
        stem = line.split("/", 1)[0].strip()
        if stem.isalpha():
            stems.add(stem)
    lower = {s for s in stems if s[0].islower()}
    out = {}
    for s in stems:
        w = s.lower()
        if s[0].isupper() and not (len(s) > 1 and s.isupper()) and not ACCENTED.isdisjoint(w):
            # the dictionary lists singular stems: "Lágrimas" (a place) is also "lágrima" + s
            common = w in lower or (w.endswith("s") and (w[:-1] in lower or w[:-2] in lower))
            out[w] = not common
    return out


def spelled(dic: Path, words: list[str]) -> set[str]:
    """The ``words`` that hunspell accepts with dictionary ``dic`` (its command line, ``-l``: list the rejected)."""
    run = subprocess.run(
        ["hunspell", "-d", str(dic.with_suffix("")), "-l"],
        input="\n".join(words) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return set(words) - set(run.stdout.split())


def case_table(dic: Path) -> dict[str, str]:
    """Each lost-letter candidate's case as the dictionary sees it (see the module doc)."""
    from pipeline.repair import lexicon

    words = sorted({w for options in lexicon.lost_letter_index().values() for w, _, _ in options})
    lower_ok = spelled(dic, words)
    rejected = [w for w in words if w not in lower_ok]
    cap_ok = {w.lower() for w in spelled(dic, [w[0].upper() + w[1:] for w in rejected])}
    table = {w: "0" for w, only in names(dic).items() if not only and w in lower_ok}
    for w in rejected:
        table[w] = "1" if w in cap_ok else "u"
    return table


def write_names(path: Path, table: dict[str, str]) -> None:
    lines = [f"{w}\t{flag}" for w, flag in sorted(table.items())]
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(("\n".join(lines) + "\n").encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ancora_gitdir")
    parser.add_argument("pud_gitdir")
    parser.add_argument("hunspell_dic", type=Path, help="hunspell-es's es_ES.dic")
    args = parser.parse_args(argv)
    train = dc.sentences(args.ancora_gitdir, dc.ANCORA_COMMIT, dc.ANCORA_FILES)
    train += dc.sentences(args.pud_gitdir, dc.PUD_COMMIT, dc.PUD_FILES)
    counts = count_ngrams(train)
    write_model(MODEL_PATH, counts)
    print(
        f"model: {len(train)} sentences, {sum(counts[0].values())} tokens -> {MODEL_PATH} ({MODEL_PATH.stat().st_size} bytes)"
    )
    table = case_table(args.hunspell_dic)
    write_names(NAMES_PATH, table)
    kinds = {k: sum(1 for f in table.values() if f == k) for k in "10u"}
    print(f"case table: {len(table)} words {kinds} -> {NAMES_PATH} ({NAMES_PATH.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
