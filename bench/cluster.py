"""Cluster: the same batch on a Dask LocalCluster of 1 and of 2 workers; speedup and efficiency.

Usage:
    .venv/bin/python bench/cluster.py            # 300 lessons, a 4+4-layer d256 echo model
    .venv/bin/python bench/cluster.py --quick    # 80 lessons
    .venv/bin/python bench/cluster.py --lessons 2000 --workers 1,2,4 --argos-sized

Each run is `pipeline run RAW OUT --to en --cluster local:N` in a fresh process
from a clean output folder (so every sentence goes to a model: no memory
hits), plus one local run (no cluster, one process) as the baseline. Lessons
come from ``tests/badinput/lessons.py``; the echo packages (es->en, th->en) are
built by ``pipeline.testing.models``. Every run's output tree must be byte for
byte the local run's; the bench stops if not.

Printed per run: wall time (cluster start-up included), lessons/s, and for the
cluster runs the speedup over 1 worker and the efficiency (speedup / workers).
On a 2-core machine shared with other work, 2 workers cannot reach 2x; the
figure to watch is that efficiency stays well above 0.5 (work really spreads).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from isolation import isolated_home  # noqa: E402 - sets HOME/XDG before argostranslate is imported

_TMP = isolated_home("pipeline-cluster-bench-", packages="argos")


def install_models(models: Path, argos_sized: bool) -> str:
    from pipeline.testing.models import build_package
    from pipeline.translate.argos import install_package

    size = dict(layers=6, d_model=512, vocab_size=32000, int8=True) if argos_sized else dict(layers=4, d_model=256)
    models.mkdir(parents=True, exist_ok=True)
    for src in ("es", "th"):
        install_package(build_package(_TMP / "packages", src, "en", **size), models)  # type: ignore[arg-type]
    return ", ".join(f"{k}={v}" for k, v in size.items())


def snapshot(out: Path) -> dict[str, bytes]:
    skip = ("memory.sqlite", "state.sqlite", "lock")
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(skip)}


def measure(raw: Path, out: Path, models: Path, cluster: str | None) -> tuple[float, dict[str, object]]:
    cmd = [sys.executable, "-m", "pipeline", "run", str(raw), str(out), "--to", "en", "--json", "--glossary", ""]
    if cluster:
        cmd += ["--cluster", cluster]
    else:
        cmd += ["--jobs", "1"]
    env = dict(os.environ, PIPELINE_MODELS_DIR=str(models))
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=_TMP, check=False)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"pipeline run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    report: dict[str, object] = json.loads(proc.stdout)
    return wall, report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="80 lessons")
    ap.add_argument("--lessons", type=int, default=None, help="lessons in the batch (default 300)")
    ap.add_argument("--workers", default="1,2", help="cluster sizes to run, comma-separated (default 1,2)")
    ap.add_argument("--argos-sized", action="store_true", help="a 6+6-layer d512 int8 model (slower to build)")
    args = ap.parse_args()
    n = args.lessons or (80 if args.quick else 300)
    sizes = [int(w) for w in args.workers.split(",")]

    from badinput.lessons import make_lessons

    models = _TMP / "models"
    model = install_models(models, args.argos_sized)
    raw = _TMP / "raw"
    make_lessons(raw, n)
    try:
        import distributed

        dask_version = distributed.__version__
    except ImportError:
        raise SystemExit("needs the [cluster] extra: pip install -e '.[cluster]'") from None
    print(f"cores: {os.cpu_count()}  lessons: {n}  model: echo {model}  dask: {dask_version}  folder: {_TMP}")
    print(f"{'run':<16} {'wall s':>8} {'lessons/s':>10} {'sentences':>10} {'speedup':>8} {'efficiency':>10}")
    wall, rep = measure(raw, _TMP / "out-local", models, None)
    base = snapshot(_TMP / "out-local")
    print(f"{'local (1 proc)':<16} {wall:>8.1f} {n / wall:>10.1f} {rep['translated']!s:>10}", flush=True)
    first: float | None = None
    for w in sizes:
        out = _TMP / f"out-{w}"
        wall, rep = measure(raw, out, models, f"local:{w}")
        assert rep["executor"] == "dask" and rep["workers"] == w, rep
        if snapshot(out) != base:
            raise SystemExit(f"local:{w} wrote different bytes than the local run")
        first = first or wall
        speedup = first / wall
        print(f"{f'cluster local:{w}':<16} {wall:>8.1f} {n / wall:>10.1f} {rep['translated']!s:>10} "
              f"{speedup:>8.2f} {speedup / w:>10.2f}", flush=True)
        shutil.rmtree(out)
    print("outputs: byte-identical to the local run on every cluster size")
    shutil.rmtree(_TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
