"""Glossary loading, lint and one check at 1k, 10k and 100k generated rows (issue 11).

    .venv/bin/python bench/glossary_load.py            # 1k, 10k, 100k
    .venv/bin/python bench/glossary_load.py --quick    # 1k, 10k

Rows are generated deterministically: 1-3 word Spanish/English terms from
frequent words (many terms share a first word, as in a real termbase), Thai
terms from a syllable alphabet, 10% nested inside a longer term. Prints
seconds and microseconds per row for each step, and the per-row ratio against
the 1k baseline measured in the same run: near 1 means linear (the old
quadratic lint was 6.7 s at 1k and 98 s at 4k, a ratio of ~3.6 per 1k->4k).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.glossary import Glossary, check_outputs, lint  # noqa: E402
from pipeline.glossary.check import RunLesson, SourceSegment, TargetFile, TargetSegment  # noqa: E402
from pipeline.glossary.match import fold_term  # noqa: E402

SYLLABLES = ["ca", "ne", "lo", "mi", "ta", "ro", "su", "de", "pa", "vi", "go", "le", "tu", "ba", "ri", "so"]
THAI = ["กา", "นา", "มี", "ทา", "รอ", "สุ", "ดี", "ปา", "วิ", "โก", "ลี", "ตู", "บา", "ริ", "โซ", "คำ"]


def word(rng: random.Random, n: int, alphabet: list[str]) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def generate(rows: int, seed: int = 7) -> str:
    """Terms of 1-3 words from the 3000 most frequent Spanish/English words (wordfreq, as a
    real termbase: many terms share a first word) plus made-up words, 10% nested in a longer
    term."""
    import wordfreq

    rng = random.Random(seed)
    es_words = [w for w in wordfreq.top_n_list("es", 3000) if w.isalpha()]
    en_words = [w for w in wordfreq.top_n_list("en", 3000) if w.isalpha()]
    lines = ["es,en,th,note"]
    seen: set[str] = set()
    prev = ""
    while len(lines) <= rows:
        k = rng.randint(1, 3)
        idx = [rng.randrange(len(es_words)) for _ in range(k)]
        es = " ".join(es_words[i] if rng.random() < 0.7 else word(rng, 3, SYLLABLES) for i in idx)
        if prev and rng.random() < 0.1:
            es = f"{prev} {word(rng, 3, SYLLABLES)}"  # nested: a longer term holding the previous one
        if fold_term(es) in seen:
            continue
        seen.add(fold_term(es))
        en = " ".join(en_words[i % len(en_words)] for i in idx) + " " + word(rng, 3, SYLLABLES)
        th = word(rng, rng.randint(3, 6), THAI)
        if th in seen or fold_term(en) in seen:
            continue
        seen.update((th, fold_term(en)))
        lines.append(f"{es},{en},{th},row {len(lines)}")
        prev = es if " " not in es else ""
    return "\n".join(lines) + "\n"


def one_check(g: Glossary) -> None:
    """One `glossary check` pass over a small run: 50 segments holding glossary terms."""
    terms = [t for t in g.terms[:: max(1, len(g.terms) // 50)]][:50]
    segments, targets = {}, []
    for i, t in enumerate(terms):
        src = f"Qqq {t.forms['es'][0]} qqq."
        segments[i] = SourceSegment(i, "p", src, "es")
        targets.append(TargetSegment(i, f"Qqq {t.forms['en'][0]} qqq.", i + 1, "translated"))
    lesson = RunLesson("bench", "bench.txt", "bench.json", segments, {"en": TargetFile("en", "en/bench.md", tuple(targets))})
    violations = check_outputs(g, [lesson])
    assert not [v for v in violations if v.kind != "inconsistent"], violations[:3]


def measure(rows: int, folder: Path) -> dict[str, float]:
    path = folder / f"g{rows}.csv"
    path.write_text(generate(rows), encoding="utf-8")
    out: dict[str, float] = {}
    t = time.perf_counter()
    g = Glossary.load(str(path))
    out["load"] = time.perf_counter() - t
    t = time.perf_counter()
    issues = lint(str(path))
    out["lint"] = time.perf_counter() - t
    assert not [i for i in issues if i.severity == "error"], issues[:3]
    t = time.perf_counter()
    one_check(g)
    out["check"] = time.perf_counter() - t
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k rows only")
    args = ap.parse_args()
    sizes = [1000, 10000] if args.quick else [1000, 10000, 100000]
    print(f"{'rows':>7}  {'step':<6} {'seconds':>8} {'us/row':>8} {'ratio vs 1k':>11}", flush=True)
    base: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:  # printed as each size finishes: 100k takes minutes
            # Best of a few runs (the machine is shared): 3 at 1k, 2 at 10k, 1 at 100k.
            runs = [measure(n, Path(tmp)) for _ in range(3 if n <= 1000 else 2 if n <= 10000 else 1)]
            r = {step: min(x[step] for x in runs) for step in runs[0]}
            base = base or r
            for step, sec in r.items():
                ratio = (sec / n) / (base[step] / sizes[0])
                print(f"{n:>7}  {step:<6} {sec:>8.2f} {sec / n * 1e6:>8.1f} {ratio:>11.2f}", flush=True)


if __name__ == "__main__":
    main()
