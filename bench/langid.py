"""Benchmark: pipeline.langid against plain langdetect on bench/data/langid_cases.jsonl.

Prints character accuracy per case type (letters only), Thai-letter and overall accuracy,
whole-case accuracy on the 1-4 word snippets, and cases per second, for both detectors in
the same run. Plain langdetect is run the way a user would run it: ``detect()`` on each
sentence (the same sentence splitter), all its languages, ``DetectorFactory.seed = 0``.
Rebuild the cases with ``python bench/langid_cases.py``.

    python bench/langid.py [--cases FILE] [--languages es,en]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.document import Span
from pipeline.langid import detect_document, detect_spans
from pipeline.sentences import split_sentences

DEFAULT_CASES = Path(__file__).resolve().parent / "data" / "langid_cases.jsonl"
Labeller = Callable[[dict], list[list[Span] | None]]


def ours(languages: tuple[str, ...]) -> Labeller:
    def run(case: dict) -> list[list[Span] | None]:
        segs = case["segments"]
        if len(segs) == 1:
            return [detect_spans(segs[0], languages=languages)]
        return list(detect_document(segs, languages=languages, blocks=case.get("blocks")))

    return run


def plain_langdetect() -> Labeller:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def label(text: str) -> list[Span]:
        out = []
        for a, b in split_sentences(text):
            try:
                lang = detect(text[a:b])
            except LangDetectException:
                lang = "und"
            out.append(Span(a, b, lang, 1.0, "langdetect"))
        return out

    def run(case: dict) -> list[list[Span] | None]:
        return [label(s) if g is not None else None for s, g in zip(case["segments"], case["gold"])]

    return run


def score(case: dict, predicted: list[list[Span] | None]) -> tuple[dict[str, list[int]], bool]:
    """Per gold language [right, total] letters, and whether every scored letter is right."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    whole = True
    accepts = case.get("accept")
    for si, (text, gold) in enumerate(zip(case["segments"], case["gold"])):
        if gold is None:
            continue
        spans = predicted[si] or []
        label = ["und"] * len(text)
        for sp in spans:
            for k in range(sp.start, sp.end):
                label[k] = sp.lang
        for gi, (a, b, lang) in enumerate(gold):
            ok_langs = {lang}
            if accepts and accepts[si] and gi < len(accepts[si]):
                ok_langs |= set(accepts[si][gi])
            for k in range(a, b):
                if text[k].isalpha():
                    t = tally[lang]
                    t[1] += 1
                    if label[k] in ok_langs:
                        t[0] += 1
                    else:
                        whole = False
    return tally, whole


def evaluate(cases: list[dict], labeller: Labeller) -> dict:
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_lang: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    snippet_right = snippet_total = 0
    failures: list[str] = []
    start = time.perf_counter()
    predictions = [labeller(c) for c in cases]
    elapsed = time.perf_counter() - start
    for case, pred in zip(cases, predictions):
        tally, whole = score(case, pred)
        for lang, (r, t) in tally.items():
            by_type[case["type"]][0] += r
            by_type[case["type"]][1] += t
            by_lang[lang][0] += r
            by_lang[lang][1] += t
        if case["type"] == "snippet":
            snippet_total += 1
            snippet_right += whole
        if not whole:
            failures.append(case["id"])
    return {
        "by_type": by_type,
        "by_lang": by_lang,
        "snippets": (snippet_right, snippet_total),
        "seconds": elapsed,
        "failures": failures,
    }


def pct(r: int, t: int) -> str:
    return f"{100.0 * r / t:6.2f}%" if t else "    n/a"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--languages", default="es,en")
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args()
    cases = [json.loads(line) for line in args.cases.read_text(encoding="utf-8").splitlines() if line.strip()]
    languages = tuple(args.languages.split(","))

    t0 = time.perf_counter()
    detect_spans("Hola. Hello. สวัสดี", languages=languages)  # load word lists
    detect_spans("Una frase con poco claro marketing online total total", languages=languages)
    load_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = plain_langdetect()
    plain({"segments": ["warm up"], "gold": [[]]})
    load_plain = time.perf_counter() - t0

    results = {"pipeline.langid": evaluate(cases, ours(languages)), "plain langdetect": evaluate(cases, plain)}
    names = list(results)
    types = sorted({c["type"] for c in cases})
    counts = defaultdict(int)
    for c in cases:
        counts[c["type"]] += 1
    print(f"{len(cases)} cases from {args.cases.name}; languages {','.join(languages)}\n")
    print(f"{'character accuracy (letters)':34}" + "".join(f"{n:>20}" for n in names))
    for t in types:
        row = f"  {t + f' ({counts[t]})':32}"
        for n in names:
            r, tot = results[n]["by_type"][t]
            row += f"{pct(r, tot):>20}"
        print(row)
    for lang in ("th", "es", "en"):
        row = f"  {'all ' + lang + ' letters':32}"
        for n in names:
            r, tot = results[n]["by_lang"][lang]
            row += f"{pct(r, tot):>20}"
        print(row)
    row = f"  {'overall':32}"
    for n in names:
        r = sum(v[0] for v in results[n]["by_type"].values())
        tot = sum(v[1] for v in results[n]["by_type"].values())
        row += f"{pct(r, tot):>20}"
    print(row)
    row = f"{'snippets entirely right':34}"
    for n in names:
        r, tot = results[n]["snippets"]
        row += f"{f'{r}/{tot} ' + pct(r, tot).strip():>20}"
    print(row)
    row = f"{'cases/s (after loading)':34}"
    for n in names:
        row += f"{len(cases) / results[n]['seconds']:>20.0f}"
    print(row)
    print(f"{'load time (s)':34}{load_ours:>20.2f}{load_plain:>20.2f}")
    if args.show_failures:
        for n in names[:1]:
            print(f"\nfailures of {n}: " + ", ".join(results[n]["failures"]))


if __name__ == "__main__":
    main()
