"""The write stage on one very large lesson: what the sidecar's JSON and the per-target copies cost.

Usage:
    .venv/bin/python bench/write_large.py [--lines 30000]

Builds one lesson of LINES lines (paragraphs of Spanish sentences, each with a
glossary term), gives it an outcome per segment for two targets, and prints,
measured in this run:

* the whole ``Writer.write_lesson`` (two targets, the project's glossary);
* the sidecar as ``json.dumps(indent=1)`` (before) against compact separators
  (now), and that both parse to the same object;
* ``deepcopy(lesson.blocks)`` per target (before) against the shallow target
  blocks the writer builds now, and that both render the same Markdown.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from copy import deepcopy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=30000)
    args = ap.parse_args()

    from pipeline.config import PipelineConfig
    from pipeline.glossary.core import load_glossary
    from pipeline.lesson import build_lesson
    from pipeline.render import render_markdown
    from pipeline.run import write
    from pipeline.run.report import RunReport
    from pipeline.translate.outcome import Outcome

    body = "\n\n".join(f"En la clase {i} hablamos del modelo de negocio y del cliente número {i}."
                       for i in range(args.lines // 2))
    t0 = time.perf_counter()
    lesson = build_lesson(("Lección grande\n\n" + body + "\n").encode(), "big", "raw/big.txt", PipelineConfig())
    print(f"{args.lines} lines, {len(lesson.segments())} segments; built in {time.perf_counter() - t0:.1f} s")
    per = {tgt: [Outcome(s.text.upper(), "translated",
                         route=[{"start": 0, "end": len(s.text), "lang": "es", "hops": ["es_en"], "how": "model"}])
                 for s in lesson.segments()] for tgt in ("en", "th")}
    glossary = load_glossary(str(ROOT / "glossary.csv"))

    with tempfile.TemporaryDirectory() as tmp:
        w = write.Writer(PipelineConfig(targets=("en", "th")), Path(tmp), RunReport(), {"tool": "bench"}, "d", {},
                         glossary, {"device": "cpu", "compute": "int8"})
        t0 = time.perf_counter()
        w.write_lesson(lesson, per, "h")
        whole = time.perf_counter() - t0
        sidecar = json.loads((Path(tmp) / ".pipeline" / "lessons" / "big.json").read_text("utf-8"))

    t0 = time.perf_counter()
    indented = json.dumps(sidecar, ensure_ascii=False, indent=1)
    t_indent = time.perf_counter() - t0
    t0 = time.perf_counter()
    compact = json.dumps(sidecar, ensure_ascii=False, separators=(",", ":"))
    t_compact = time.perf_counter() - t0
    assert json.loads(indented) == json.loads(compact)

    results = per["en"]
    t0 = time.perf_counter()
    old_blocks = deepcopy(lesson.blocks)
    for seg, res in zip([s for b in old_blocks for s in b.segments], results):
        seg.text = res.text
    t_deep = time.perf_counter() - t0
    t0 = time.perf_counter()
    new_blocks, _ = write._target_blocks(lesson.blocks, results)
    t_shallow = time.perf_counter() - t0
    assert render_markdown("t", old_blocks, {}).markdown == render_markdown("t", new_blocks, {}).markdown

    print(f"write_lesson (2 targets, glossary)     {whole:7.2f} s")
    print(f"sidecar json indent=1 (before)         {t_indent:7.2f} s  {len(indented) / 2**20:6.1f} MiB")
    print(f"sidecar json compact (now)             {t_compact:7.2f} s  {len(compact) / 2**20:6.1f} MiB  "
          f"{t_indent / max(t_compact, 1e-9):.1f}x faster")
    print(f"deepcopy(blocks) per target (before)   {t_deep:7.2f} s")
    print(f"shallow target blocks (now)            {t_shallow:7.2f} s  {t_deep / max(t_shallow, 1e-9):.1f}x faster")
    print("same JSON, same Markdown: OK")


if __name__ == "__main__":
    main()
