"""Rebuild repair's shipped context data, offline, from local copies of its sources.

    apt-get download hunspell-es && dpkg-deb -x hunspell-es_*.deb /tmp/hunspell-es
    python bench/build_ngrams.py ANCORA_GITDIR PUD_GITDIR /tmp/hunspell-es/usr/share/hunspell/es_ES.dic

Writes, byte for byte the same for the same inputs:

* ``pipeline/repair/data/es_ngrams.tsv.gz``: the n-gram model of
  :mod:`pipeline.repair.ngram`, counted from the sentences of UD_Spanish-AnCora
  (dev + test at ``damage_corpus.ANCORA_COMMIT``) and UD_Spanish-PUD (test).
* ``pipeline/repair/data/es_names.tsv.gz``: the accented words that the
  hunspell-es (RLA-ES) dictionary writes with a capital, ``1`` when it has no
  lower-case entry for them (``Álava``), ``0`` when it has both (``Cámara``).

UD_Spanish-GSD is never read here: its sentences are the bench's held-out text
(bench/damage_corpus.py), and nothing the repair ships is counted from them.
"""

from __future__ import annotations

import argparse
import gzip
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


def write_names(path: Path, table: dict[str, bool]) -> None:
    lines = [f"{w}\t{int(only)}" for w, only in sorted(table.items())]
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
    table = names(args.hunspell_dic)
    write_names(NAMES_PATH, table)
    print(
        f"names: {len(table)} ({sum(table.values())} only capitalised) -> {NAMES_PATH} ({NAMES_PATH.stat().st_size} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
