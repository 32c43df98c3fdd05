"""Discovery at scale: `pipeline.discover.iter_lessons` over many lesson files.

Usage:
    .venv/bin/python bench/discover.py            # 10,000 and 100,000 files
    .venv/bin/python bench/discover.py --quick    # 2,000 and 20,000 files
    .venv/bin/python bench/discover.py --sizes 1000,50000

For each size, files are made in folders of 500 (empty files: discovery reads
no content), then walked three ways, best of three:

* baseline  a bare sorted walk (os.walk, names only): what any discovery costs;
* stream    ``iter_lessons``, consumed one by one (what the run does);
* list      ``discover``, which holds every result at once.

Printed: time per file, its ratio to the baseline of the same run, and peak
traced memory per file (tracemalloc). Targets: time per file flat across
sizes (linear) and within a small multiple of the baseline (the checks: links,
collisions, UTF-8 names); streaming memory flat per file (the only thing kept
is one normalised name per lesson, to refuse collisions).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.discover import discover, iter_lessons  # noqa: E402


def make_files(raw: Path, n: int) -> None:
    for i in range(n):
        if i % 500 == 0:
            (raw / f"part-{i // 500:04d}").mkdir(parents=True)
        (raw / f"part-{i // 500:04d}" / f"lesson-{i:06d}.txt").touch()


def baseline(raw: Path, out: Path) -> int:
    n = 0
    for _, dirs, files in os.walk(raw):
        dirs.sort()
        n += len(sorted(files))
    return n


def stream(raw: Path, out: Path) -> int:
    return sum(1 for _ in iter_lessons(raw, out))


def as_list(raw: Path, out: Path) -> int:
    lessons, _ = discover(raw, out)
    return len(lessons)


def measure(fn: Callable[[Path, Path], int], raw: Path, out: Path) -> tuple[float, int, int]:
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        n = fn(raw, out)
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    fn(raw, out)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None, help="comma-separated file counts")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([2000, 20000] if args.quick else [10000, 100000])
    print(f"{'files':>8}  {'way':<8} {'us/file':>8} {'x base':>7} {'peak B/file':>12}")
    for n in sizes:
        tmp = Path(tempfile.mkdtemp(prefix="bench-discover-"))
        try:
            raw = tmp / "raw"
            make_files(raw, n)
            base_t, _, _ = measure(baseline, raw, tmp / "out")
            for name, fn in (("baseline", baseline), ("stream", stream), ("list", as_list)):
                t, peak, count = measure(fn, raw, tmp / "out")
                assert count == n, (name, count, n)
                print(f"{n:>8}  {name:<8} {t / n * 1e6:>8.1f} {t / base_t:>7.1f} {peak / n:>12.0f}")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
