"""Cost of finding a lesson's glossary rows (``glossary_rows.lesson_rows``) on huge lessons (issue 11).

    .venv/bin/python bench/lesson_rows.py            # 0.3, 1 and 4 MB
    .venv/bin/python bench/lesson_rows.py --quick    # 0.3 and 1 MB

Lessons are bench/huge_inputs.py's generated paragraphs, built with ``build_lesson``; the
glossary is the project's glossary.csv, loaded afresh per size (no index carried over). Prints
CPU seconds and seconds per MB, and the per-MB ratio against the 0.3 MB baseline measured in
the same run: near 1 means linear.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.huge_inputs import make_input  # noqa: E402
from pipeline.config import PipelineConfig  # noqa: E402
from pipeline.glossary.core import load_glossary  # noqa: E402
from pipeline.lesson import build_lesson  # noqa: E402
from pipeline.run.glossary_rows import lesson_rows  # noqa: E402

MB = 1_000_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="0.3 and 1 MB only")
    sizes = [3 * MB // 10, MB] if ap.parse_args().quick else [3 * MB // 10, MB, 4 * MB]
    glossary_csv = str(ROOT / "glossary.csv")
    # Warm-up: the Thai word cutter's dictionary is built once per process, not per lesson.
    lesson_rows(load_glossary(glossary_csv), ["ความสัมพันธ์กับลูกค้า: el modelo de negocio"])
    print(f"{'MB':>6} {'segments':>9} {'rows':>5} {'seconds':>8} {'s/MB':>6} {'ratio vs 0.3 MB':>16}")
    base = None
    for size in sizes:
        lesson = build_lesson(make_input("paragraphs", size), "huge", "huge.txt", PipelineConfig())
        texts = [s.text for b in lesson.blocks for s in b.segments]
        glossary = load_glossary(glossary_csv)
        t = time.process_time()
        rows = lesson_rows(glossary, texts)
        seconds = time.process_time() - t
        per_mb = seconds / (size / MB)
        base = base or per_mb
        print(f"{size / MB:6.1f} {len(texts):9d} {len(rows):5d} {seconds:8.2f} {per_mb:6.2f} {per_mb / base:16.2f}")


if __name__ == "__main__":
    main()
