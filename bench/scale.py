"""Scale: `pipeline run --to en` over 100, 1,000 and 10,000 generated lessons (100,000 with --hundred-k).

Usage:
    .venv/bin/python bench/scale.py              # 100, 1,000 and 10,000 lessons (~10 minutes)
    .venv/bin/python bench/scale.py --quick      # 100 and 1,000 lessons
    .venv/bin/python bench/scale.py --hundred-k  # 1,000 and 100,000 lessons (the state at scale; long)
    .venv/bin/python bench/scale.py --sizes 100,5000 --jobs 2
    .venv/bin/python bench/scale.py --quick --huge --glossary-rows   # plus one huge lesson, a 100k-row glossary

``--huge`` runs bench/huge_inputs.py (one very large lesson, four shapes) and
``--glossary-rows`` bench/glossary_load.py (glossary load, lint and check by
row count), each after the batch sizes, when those benches are present.

Lessons are realistic damaged course pages (entities, half-decoded entities,
mojibake, Thai tails, tags, lists, tab tables, sentences shared across lessons)
from ``tests/badinput/lessons.py``. The echo packages (es<->en, th<->en) are
built by ``pipeline.testing.models`` and installed into a temp models folder.
Each size runs `pipeline run RAW OUT --to en` in a fresh process, from a clean
output folder, then once more (everything up to date).

Printed per size: wall time, time per lesson, and peak memory two ways:
* tree   the highest sum of RSS over the whole process tree (main process,
         forkserver, pool workers), sampled every 50 ms with psutil;
* max1   the biggest single process (``getrusage(RUSAGE_CHILDREN).ru_maxrss``
         measured in a wrapper process per size, so sizes do not mix).
Ratios are against the 1,000-lesson run when it is measured (else the
smallest size). Targets: time per lesson flat (linear total time), peak
memory <= 1.5x the baseline's: the state is SQLite, discovery streams and
lessons move in chunks, so nothing grows with the number of lessons but the
names discovery keeps to refuse collisions (~100 bytes a lesson).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the lesson generator shared with the hardening tests

# argostranslate reads HOME/XDG/ARGOS_* at import: private folders, set first.
from isolation import isolated_home  # noqa: E402 - sets HOME/XDG before argostranslate is imported

_TMP = isolated_home("pipeline-scale-", packages="argos")

# Runs `pipeline run` and prints its result, its own peak child RSS and the sampled tree peak.
_WRAPPER = r"""
import json, resource, subprocess, sys, threading, time
cmd = sys.argv[1:]
peak = [0]
def tree_rss(pid):
    try:
        import psutil
    except ImportError:
        return 0
    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        try:
            total += q.memory_info().rss
        except psutil.Error:
            pass
    return total
t0 = time.perf_counter()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
done = threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], tree_rss(proc.pid))
        done.wait(0.05)
th = threading.Thread(target=sample, daemon=True)
th.start()
out, err = proc.communicate()
wall = time.perf_counter() - t0
done.set(); th.join()
print(json.dumps({"rc": proc.returncode, "wall": wall, "stdout": out, "stderr": err[-2000:],
                  "max1_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "tree_bytes": peak[0]}))
"""


def install_models(models: Path) -> None:
    from pipeline.testing.models import TEST_PAIRS, build_package
    from pipeline.translate.argos import install_package

    models.mkdir(parents=True, exist_ok=True)
    for src, tgt in TEST_PAIRS:
        install_package(build_package(_TMP / "packages", src, tgt), models)


def measure(raw: Path, out: Path, models: Path, jobs: int) -> dict[str, object]:
    cmd = [sys.executable, "-m", "pipeline", "run", str(raw), str(out), "--to", "en", "--json", "--glossary", ""]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    env = dict(os.environ, PIPELINE_MODELS_DIR=str(models))
    proc = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], check=False, capture_output=True, text=True, env=env,
                          cwd=_TMP)
    result = json.loads(proc.stdout)
    if result["rc"] not in (0, 1):
        raise SystemExit(f"pipeline run failed ({result['rc']}): {result['stderr']}")
    result["report"] = json.loads(result["stdout"])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100 and 1,000 lessons only")
    ap.add_argument("--sizes", default=None, help="comma-separated lesson counts (default 100,1000,10000)")
    ap.add_argument("--hundred-k", action="store_true", help="1,000 and 100,000 lessons")
    ap.add_argument("--huge", action="store_true", help="also run bench/huge_inputs.py (with --quick: its quick sizes)")
    ap.add_argument("--glossary-rows", action="store_true", help="also run bench/glossary_load.py")
    ap.add_argument("--jobs", type=int, default=0, help="--jobs for pipeline run (0: one per core)")
    ap.add_argument("--keep", action="store_true", help="keep the generated folders")
    args = ap.parse_args()
    default = "1000,100000" if args.hundred_k else "100,1000" if args.quick else "100,1000,10000"
    sizes = [int(s) for s in (args.sizes or default).split(",")]
    base_n = 1000 if 1000 in sizes else sizes[0]

    from badinput.lessons import make_lessons

    models = _TMP / "models"
    install_models(models)
    print(f"cores: {os.cpu_count()}  jobs: {args.jobs or 'one per core'}  folder: {_TMP}")
    print(f"{'lessons':>8} {'wall s':>8} {'ms/lesson':>10} {'rerun s':>8} {'tree MB':>8} {'max1 MB':>8} "
          f"{f'tree x{base_n}':>10} {f'max1 x{base_n}':>10} {f'ms x{base_n}':>9}  segments translated")
    base: dict[str, float] = {}
    rows = []
    for n in sorted(sizes, key=lambda k: (k != base_n, k)):  # the baseline first: ratios need it
        raw = _TMP / f"raw-{n}"
        out = _TMP / f"out-{n}"
        make_lessons(raw, n)
        first = measure(raw, out, models, args.jobs)
        rerun = measure(raw, out, models, args.jobs)
        rep = first["report"]
        assert rep["written"] == n and rep["errors"] == 0, rep  # type: ignore[index]
        assert rerun["report"]["up_to_date"] == n, rerun["report"]  # type: ignore[index]
        tree_mb = first["tree_bytes"] / 2**20  # type: ignore[operator]
        max1_mb = first["max1_kb"] / 1024  # type: ignore[operator]
        wall = float(first["wall"])  # type: ignore[arg-type]
        base.setdefault("tree", tree_mb)
        base.setdefault("max1", max1_mb)
        base.setdefault("ms", 1000 * wall / n)
        row = {"lessons": n, "wall_s": round(wall, 1), "ms_per_lesson": round(1000 * wall / n, 1),
               "rerun_s": round(float(rerun["wall"]), 1), "tree_mb": round(tree_mb), "max1_mb": round(max1_mb),
               "tree_ratio": round(tree_mb / base["tree"], 2) if base["tree"] else None,
               "max1_ratio": round(max1_mb / base["max1"], 2),
               "ms_ratio": round(1000 * wall / n / base["ms"], 2)}
        rows.append(row)
        print(f"{n:>8} {wall:>8.1f} {row['ms_per_lesson']:>10} {row['rerun_s']:>8} {tree_mb:>8.0f} {max1_mb:>8.0f} "
              f"{row['tree_ratio'] or 0:>10.2f} {row['max1_ratio']:>10.2f} {row['ms_ratio']:>9.2f}  "
              f"{rep['segments']} {rep['translated']}", flush=True)  # type: ignore[index]
        if not args.keep:
            shutil.rmtree(raw)
            shutil.rmtree(out)
    worst = max(max(r["tree_ratio"] or 0, r["max1_ratio"]) for r in rows)  # type: ignore[type-var]
    print(f"peak memory vs {base_n} lessons: worst {worst:.2f}x (target <= 1.5x): "
          f"{'ok' if worst <= 1.5 else 'NOT FLAT'}")
    if len(rows) > 1:
        small = rows[0]  # the baseline
        big = max(rows, key=lambda r: r["lessons"])
        if big is small:
            big = min(rows, key=lambda r: r["lessons"])
        growth = big["ms_per_lesson"] / small["ms_per_lesson"]  # type: ignore[operator]
        print(f"time per lesson, {big['lessons']} vs {small['lessons']} lessons: {growth:.2f}x "
              f"(1.0 = linear; below 1 = start-up cost spread over more lessons)")
    if not args.keep:
        shutil.rmtree(_TMP, ignore_errors=True)
    if args.huge:
        _other_bench("huge_inputs", ["--quick"] if args.quick else [])
    if args.glossary_rows:
        _other_bench("glossary_load", ["--quick"] if args.quick else [])


def _other_bench(name: str, argv: list[str]) -> None:
    """Run bench/<name>.py's main() here, imported only now (it may not exist in every checkout)."""
    import importlib

    print(f"\n== bench/{name}.py {' '.join(argv)}", flush=True)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        print(f"bench/{name}.py is not in this checkout; skipped")
        return
    saved = sys.argv
    sys.argv = [f"bench/{name}.py", *argv]  # for a main() that reads sys.argv itself
    import inspect

    try:
        if inspect.signature(module.main).parameters:
            module.main(argv)
        else:
            module.main()
    finally:
        sys.argv = saved


if __name__ == "__main__":
    main()
