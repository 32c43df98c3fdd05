"""Cost of one huge lesson: time and peak memory against input size, for four shapes.

    python bench/huge_inputs.py            # every size of SIZES, up to and past the limits
    python bench/huge_inputs.py --quick    # the smaller sizes of QUICK
    python bench/huge_inputs.py --shape one_line --shape long_lines

Each lesson is built the way a batch builds it (decode, repair, structure,
languages: :func:`pipeline.lesson.build_lesson`) and its source Markdown
written the way a run writes it (:func:`pipeline.run.write.write_markdown`:
rendered chunk by chunk into a temp file in a temp folder, then renamed), in a
fresh process per size, so that the peak resident set size
(``VmHWM``) belongs to that lesson alone. Printed per size: seconds (CPU
of the child), peak RSS, the growth of RSS over the same child's baseline
after warm-up (imports and word lists, paid once per worker), that growth as
a multiple of the input, and time and growth ratios against the smallest
size, and whether the growth is within :data:`BOUND` (10x) the input. Linear
time means the time ratio follows the size ratio. The warm-up lesson has every
kind of damage, so the repair data loaded once per worker (the n-gram model,
the Thai readings) is in the baseline, as the word lists are.

Shapes: ``paragraphs`` concatenates generated lessons of bench/repair.py
(headings, bullets, tables, Thai, every damage class); ``lines`` is a
lesson of N short lines with no blank line between them (one paragraph per
line break run, as a scraped list of a million entries would be); ``one_line``
is one line of ``size`` bytes holding every damage class, links and tags (a
page scraped without its line breaks); ``long_lines`` is ``size`` bytes of such
lines, each just under the line limit.

``main(argv)`` is what bench/scale.py calls (``main(["--quick"])``; no argument means
the full run, never the caller's command line); ``measure(shape, size)`` returns
one row.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MB = 1_000_000
# The last size of each shape is over the limits of pipeline.decode (8 MiB,
# 150,000 lines, 500,000 characters a line): it must be refused at once, with
# one line. The sizes just under them (8.3 MB, 149,000 lines, a line of 600 kB:
# ~493,000 characters) are the worst a batch builds.
SIZES = {
    "paragraphs": [1 * MB, 2 * MB, 4 * MB, 8_300_000, 16 * MB],
    "lines": [10_000, 30_000, 100_000, 149_000, 200_000, 1_000_000],
    "one_line": [MB // 4, 600_000, 4 * MB],
    "long_lines": [2 * MB, 4 * MB, 8_300_000],
}
# Peak memory of one lesson, as a multiple of its size, that a row must stay within.
BOUND = 10.0
QUICK = {
    "paragraphs": [1 * MB, 4 * MB, 16 * MB],
    "lines": [10_000, 100_000, 200_000],
    "one_line": [MB // 4, 600_000, 1 * MB],
    "long_lines": [2 * MB],
}
# The long_lines shape: lines of this many bytes of one_line's damage (~493,000 characters, under the limit).
LONG_LINE_BYTES = 600_000
# A small lesson with every kind of damage: building it first touches every repair
# pass, so the data each loads once per worker (word lists, the n-gram model, Thai
# readings) is in the baseline, not in the growth of the lesson measured after it.
WARM_UP = (
    "Título\n\nUna relació;n con el cliente. ความสัมพันธ์ &oacute; Ã³. La c;nica y la ag;cola se utili; "
    "aplicá;นดอลอ. Mé;ซิคอ ¿;;mo está?\n"
).encode("utf-8")
_LINE_WORDS = [
    "cliente",
    "valor",
    "canal",
    "relación",
    "segmento",
    "propuesta",
    "ingresos",
    "socios",
    "coste",
    "acción",
]


_DENSE_UNIT = (
    "Ã perturber la rÃ©flexion m&oacute;dulo &mdash; oacute; relació;n qué; <p>hola</p>"
    '<a href="https://e.org">e</a> ofﬁce especificar ;mo atenció;น ความสัมพันธ์ '
)


def _dense_line(size: int) -> str:
    """About ``size`` bytes on one line with every damage class, links and tags every ~190 bytes."""
    return _DENSE_UNIT * (size // len(_DENSE_UNIT.encode("utf-8")))


def make_input(shape: str, size: int, seed: int = 7) -> bytes:
    """``size`` bytes of paragraphs, or ``size`` short lines, UTF-8."""
    rng = random.Random(seed)
    if shape == "one_line":
        return ("Una sola línea\n\n" + _dense_line(size) + "\n").encode("utf-8")
    if shape == "long_lines":
        line = _dense_line(LONG_LINE_BYTES)
        count = max(1, size // (len(line.encode("utf-8")) + 2))
        return ("Líneas largas\n\n" + "\n\n".join([line] * count) + "\n").encode("utf-8")
    if shape == "lines":
        out = []
        for i in range(size):
            words = " ".join(rng.choice(_LINE_WORDS) for _ in range(rng.randint(2, 5)))
            out.append(f"{i}. {words}")
        return ("Lista de entradas\n\n" + "\n".join(out) + "\n").encode("utf-8")
    from bench.repair import _lesson  # the generated lessons of the repair bench

    parts: list[str] = []
    total = 0
    number = 0
    while total < size:
        text = _lesson(rng, number)
        parts.append(text)
        total += len(text.encode("utf-8"))
        number += 1
    return "\n\n".join(parts).encode("utf-8")


_CHILD = r"""
import json, os, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from pipeline.config import PipelineConfig
from pipeline.lesson import build_lesson
from pipeline.errors import InputError
from pipeline.run.write import write_markdown

def rss():
    # VmHWM, not ru_maxrss: a forked child inherits its parent's ru_maxrss.
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

OUT = Path(tempfile.mkdtemp())

def run(data):
    # As the run writes it: rendered straight into a temp file, renamed into OUT.
    lesson = build_lesson(data, "huge", "huge.txt", PipelineConfig())
    write_markdown(OUT, "source/huge.md", lesson.title, lesson.blocks, {"title": lesson.title})
    return os.path.getsize(OUT / "source" / "huge.md")

from bench.huge_inputs import WARM_UP
run(WARM_UP)
base = rss()
data = open(sys.argv[2], "rb").read()
t0 = time.process_time()
w0 = time.perf_counter()
try:
    out = run(data)
    error = ""
except InputError as exc:
    out, error = 0, str(exc)
seconds = time.process_time() - t0
print(json.dumps({"seconds": seconds, "wall": time.perf_counter() - w0, "peak_rss": rss(), "base_rss": base,
                  "input_bytes": len(data), "output_bytes": out, "error": error}))
import shutil
shutil.rmtree(OUT)
"""


def measure(shape: str, size: int, timeout: float = 1800) -> dict[str, float | str]:
    """Build one generated lesson in a fresh process; time and memory."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "huge.txt"
        path.write_bytes(make_input(shape, size))
        return _child([_CHILD, str(ROOT), str(path)], shape, size, timeout)


def _child(args: list[str], shape: str, size: int, timeout: float, **kw: object) -> dict[str, float | str]:
    """Run ``python -c args...`` and read the JSON row it prints last."""
    proc = subprocess.run(
        [sys.executable, "-c", *args], capture_output=True, text=True, timeout=timeout, check=False, **kw
    )  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise RuntimeError(f"{shape} {size}: child failed:\n{proc.stderr[-2000:]}")
    row: dict[str, float | str] = json.loads(proc.stdout.strip().splitlines()[-1])
    row["shape"], row["size"] = shape, size
    return row


_RUN_CHILD = r"""
import json, os, resource, subprocess, sys, time
raw, out = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
proc = subprocess.run([sys.executable, "-m", "pipeline", "run", raw, out, "--to", "en"], capture_output=True, text=True)
wall = time.perf_counter() - t0
use = resource.getrusage(resource.RUSAGE_CHILDREN)
err = [x for x in proc.stderr.splitlines() if x.startswith("Error:")]
print(json.dumps({"seconds": use.ru_utime + use.ru_stime, "wall": wall, "peak_rss": use.ru_maxrss * 1024,
                  "base_rss": 0, "input_bytes": os.path.getsize(os.path.join(raw, "huge.txt")),
                  "output_bytes": 0, "error": err[0] if err else "", "code": proc.returncode}))
"""


def measure_run(shape: str, size: int, timeout: float = 1800) -> dict[str, float | str]:
    """The same lesson through a whole `pipeline run RAW OUT --to en` (no model installed)."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        (raw / "huge.txt").write_bytes(make_input(shape, size))
        env = dict(
            os.environ,
            HOME=tmp,
            XDG_DATA_HOME=f"{tmp}/xdg",
            XDG_CACHE_HOME=f"{tmp}/cache",
            XDG_CONFIG_HOME=f"{tmp}/config",
            PYTHONPATH=str(ROOT),
        )
        return _child([_RUN_CHILD, str(raw), f"{tmp}/out"], shape, size, timeout, env=env, cwd=tmp)


def _label(shape: str, size: int) -> str:
    return f"{size:,} lines" if shape == "lines" else f"{size / MB:g} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the two smaller sizes of each shape")
    parser.add_argument("--shape", choices=sorted(SIZES), action="append", help="only this shape (repeatable)")
    parser.add_argument("--run", action="store_true", help="time a whole `pipeline run` per size, not just the build")
    args = parser.parse_args([] if argv is None else argv)  # a caller (bench/scale.py) passes its own
    sizes = QUICK if args.quick else SIZES
    one = measure_run if args.run else measure
    print(
        "whole `pipeline run --to en` (no model), RSS of the run process"
        if args.run
        else "build_lesson + source Markdown written to a file, in a fresh process per size"
    )
    print(
        f"{'shape':<11}{'size':>14}{'input MB':>10}{'CPU s':>9}{'ratio':>7}{'peak RSS MB':>13}{'growth MB':>11}"
        f"{'growth/in':>10}{'ratio':>7}  within {BOUND:g}x"
    )
    over = 0
    for shape in args.shape or ["paragraphs", "lines", "one_line", "long_lines"]:
        first: dict[str, float | str] | None = None
        for size in sizes[shape]:
            row = one(shape, size)
            growth = max(0.0, float(row["peak_rss"]) - float(row["base_rss"]))
            row["growth"] = growth
            if row["error"]:
                print(
                    f"{shape:<11}{_label(shape, size):>14}{float(row['input_bytes']) / MB:>10.1f}"
                    f"{float(row['seconds']):>9.2f}{'':>7}{float(row['peak_rss']) / MB:>13.0f}{'':>28}  refused: "
                    f"{str(row['error']).split(': ', 2)[-1][:70]}"
                )
                continue
            if first is None:
                first = row
            t_ratio = float(row["seconds"]) / max(float(first["seconds"]), 1e-9)
            # Against the smallest size's growth; none when that was under 1 MB (noise).
            g_first = float(first["growth"])
            g_ratio = f"{growth / g_first:>7.1f}" if g_first >= MB else f"{'-':>7}"
            inp = float(row["input_bytes"])
            within = growth / inp <= BOUND
            over += not within and not args.run
            # A whole run has no baseline (its RSS includes the imports): no bound to hold.
            note = "" if args.run else "yes" if within else "NO"
            print(
                f"{shape:<11}{_label(shape, size):>14}{inp / MB:>10.1f}{float(row['seconds']):>9.2f}{t_ratio:>7.1f}"
                f"{float(row['peak_rss']) / MB:>13.0f}{growth / MB:>11.0f}{growth / inp:>10.1f}{g_ratio}  {note}"
            )
            sys.stdout.flush()
    if not args.run:
        print(f"{over} row(s) over {BOUND:g}x the input" if over else f"every row within {BOUND:g}x the input")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
