"""Narrow regeneration: after a one-row glossary edit that touches ~1% of sentences, how fast is the rerun?

Usage:
    .venv/bin/python bench/regenerate.py [--sentences 2000] [--quick]

One Argos-sized echo package (6+6 layers, d512, 32k vocabulary, int8, beam 4,
built by pipeline.testing.models and cached), the project's glossary.csv, and
Spanish lesson sentences in paragraphs of five. 1% of the sentences (each in
its own paragraph) mention "tablero"; the edit adds the row
``tablero,dashboard,...``. Printed, each measured in this run:

* engine: Translator.translate() cold, then with the edited glossary over the
  same memory: seconds, ratio, and sentences sent to a model (must equal the
  touched sentences);
* `pipeline run RAW OUT --to en` cold, then after the same edit of the
  glossary file: seconds, ratio, and the run's `translated` (segments sent to
  a model; each touched sentence is in its own paragraph, so it must equal the
  touched sentences). Only the lessons that hold a touched sentence are
  rebuilt and rewritten (a lesson's record names the glossary rows that match
  it, not the whole file); the memory serves their untouched sentences.

Target: rerun >= 50x faster than cold. Two shared cores: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import isolated_home  # noqa: E402 - sets HOME/XDG before argostranslate is imported

_TMP = isolated_home("pipeline-bench-regen-", packages="models")
MODELS = _TMP / "models"
NEW_ROW = "tablero,dashboard,แดชบอร์ด,noun,,,,Added by bench/regenerate.py\n"


def corpus(n: int) -> tuple[list[str], int]:
    """Paragraphs of five sentences; one sentence in a hundred says "tablero", never two in a paragraph.

    Touched = every sentence the new row matches (counted, not assumed)."""
    from translate import make_jobs  # bench/translate.py: the same Spanish lesson sentences

    _, sentences = make_jobs(n)
    for i in range(len(sentences)):
        if i % 100 == 7:
            sentences[i] = sentences[i].rstrip(".") + " con el tablero."
    touched = sum("tablero" in s for s in sentences)
    return [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)], touched


def bench_engine(paragraphs: list[str], glossary_text: str, edited_text: str) -> dict[str, float]:
    from pipeline.glossary import Glossary
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    jobs = [Job(p, [], "es", "en") for p in paragraphs]
    memory = str(_TMP / "engine-memory.sqlite")
    out: dict[str, float] = {}
    for name, text in (("cold", glossary_text), ("rerun", edited_text)):
        glossary = Glossary.from_text(text, "glossary.csv")
        t0 = time.perf_counter()
        tr = Translator(TranslateSettings(models_dir=str(MODELS), beam_size=4), memory_path=memory, glossary=glossary)
        tr.translate(jobs)
        tr.close()
        out[name] = time.perf_counter() - t0
        out[f"{name}_sentences"] = tr.stats["sentences"]
    return out


def bench_run(paragraphs: list[str], glossary_text: str, edited_text: str) -> dict[str, float]:
    raw, out, gloss = _TMP / "raw", _TMP / "out", _TMP / "glossary.csv"
    raw.mkdir()
    per_lesson = 10
    for k in range(0, len(paragraphs), per_lesson):
        body = "\n\n".join(paragraphs[k : k + per_lesson])
        (raw / f"leccion-{k // per_lesson:03d}.txt").write_text(f"Lección {k // per_lesson}\n\n{body}\n", "utf-8")
    exe = Path(sys.executable).parent / "pipeline"
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "pipeline"]),
           "run", str(raw), str(out), "--to", "en", "--glossary", str(gloss), "--beam-size", "4", "--json"]
    env = {**os.environ, "PIPELINE_MODELS_DIR": str(MODELS)}
    result: dict[str, float] = {}
    for name, text in (("cold", glossary_text), ("rerun", edited_text)):
        gloss.write_text(text, "utf-8")
        t0 = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        result[name] = time.perf_counter() - t0
        if done.returncode != 0:
            raise SystemExit(f"pipeline run failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        rep = json.loads(done.stdout)
        result[f"{name}_translated"] = rep["translated"]
        result[f"{name}_written"] = rep["written"]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--quick", action="store_true", help="600 sentences (about a minute)")
    args = ap.parse_args()
    n = 600 if args.quick else args.sentences

    from pipeline.testing.models import build_realistic_package
    from pipeline.translate.argos import install_package

    cache = Path(os.environ.get("PIPELINE_TEST_MODELS_CACHE", Path(tempfile.gettempdir()) / "pipeline-test-models"))
    install_package(build_realistic_package(_TMP / "packages", "es", "en", cache_dir=cache), MODELS)
    glossary_text = (ROOT / "glossary.csv").read_text("utf-8")
    edited_text = glossary_text.rstrip("\n") + "\n" + NEW_ROW
    paragraphs, touched = corpus(n)
    print(f"{n} sentences in {len(paragraphs)} paragraphs; the new glossary row matches {touched} "
          f"({touched / n:.1%}); glossary.csv has {glossary_text.count(chr(10)) - 1} rows")

    eng = bench_engine(paragraphs, glossary_text, edited_text)
    run = bench_run(paragraphs, glossary_text, edited_text)
    print(f"\n{'':<36}{'cold s':>9}{'rerun s':>9}{'ratio':>8}{'redone':>8}{'touched':>9}")
    print(f"{'engine (Translator.translate)':<36}{eng['cold']:>9.2f}{eng['rerun']:>9.3f}"
          f"{eng['cold'] / eng['rerun']:>7.0f}x{eng['rerun_sentences']:>8.0f}{touched:>9}")
    print(f"{'`pipeline run` (fresh process)':<36}{run['cold']:>9.2f}{run['rerun']:>9.3f}"
          f"{run['cold'] / run['rerun']:>7.0f}x{run['rerun_translated']:>8.0f}{touched:>9}")
    ok_engine = eng["rerun_sentences"] == touched
    ok_run = run["rerun_translated"] == touched
    print(f"\nengine: {eng['rerun_sentences']:.0f} sentences redone, touched {touched}: {'OK' if ok_engine else 'MISMATCH'}")
    print(f"run: translated {run['rerun_translated']:.0f} segments, touched {touched}: {'OK' if ok_run else 'MISMATCH'}; "
          f"lessons rewritten {run['rerun_written']:.0f} of {run['cold_written']:.0f}")
    print(f"rerun vs cold: engine {eng['cold'] / eng['rerun']:.0f}x, `pipeline run` {run['cold'] / run['rerun']:.0f}x "
          f"(target >= 50x); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    shutil.rmtree(_TMP, ignore_errors=True)
    if not (ok_engine and ok_run):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
