"""How big, how fast and how much memory is the report for a large batch?

Builds N lessons of sidecars (synthetic, about the size of the real ones:
~22 segments, ~20 edits, a Thai run, untranslated segments), or copies the
sidecars of a real OUT folder round-robin with --from, then runs `write_report`
in a fresh process per size and measures build+write time, output size and
peak RSS. The smallest size is the baseline: ms/lesson and peak RSS are
printed as ratios against it (flat = the report streams). The largest size is
also built as one page (the old layout) for comparison, up to 10,000 lessons.
With --browser and Debian's chromium, the time until the page's script has
run (``data-ready-ms``) for the index, a page and a page with a lesson opened.

    python bench/report.py --quick          # 1,000 and 5,000 lessons
    python bench/report.py -n 1000 -n 20000 --browser
    python bench/report.py -n 5000 --from /tmp/out
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from pipeline.report import write_report

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

PARAGRAPH = ("La propuesta de valor es el módulo central del lienzo: explica cómo un producto resuelve un problema "
             "del cliente o satisface una necesidad. ")
THAI = "ลูกค้าจะเลือกเราเมื่อเราแก้ปัญหาของเขาได้"


def synthetic_sidecar(name: str, k: int) -> dict[str, Any]:
    """One lesson's sidecar in the runner's schema, varied a little by ``k``."""
    segments, targets, edits, text = [], [], [], ""
    for i in range(22):
        seg = f"{PARAGRAPH}{THAI} {i} {k}" if i % 7 == 1 else f"{PARAGRAPH}({i}, {k})"
        start = len(text)
        text += seg + "\n\n"
        th = seg.find(THAI)
        spans = [{"start": 0, "end": len(seg), "lang": "es", "confidence": 0.99, "method": "langdetect"}]
        if th >= 0:
            spans = [{"start": 0, "end": th, "lang": "es", "confidence": 0.99, "method": "langdetect"},
                     {"start": th, "end": th + len(THAI), "lang": "th", "confidence": 1.0, "method": "script"}]
        segments.append({"id": i, "kind": "paragraph", "text": seg, "lang": "es", "line": 2 * i + 1, "spans": spans})
        pos = start + seg.find("ó") + i  # raw offset: each earlier "ó;" -> "ó" removed one character
        edits.append({"offset": pos, "end": pos + 2, "before": "ó;", "after": "ó", "rule": "half_entity",
                      "confidence": 0.97, "applied": True})
        untranslated = i % 5 == 0
        targets.append({"id": i, "text": seg if untranslated else f"The value proposition ({i}, {k}).",
                        "line": 2 * i + 1, "status": "untranslated" if untranslated else "translated",
                        **({"missing": [["es", "en"]], "kept": [[0, len(seg), "es"]]} if untranslated else
                           {"route": [{"start": 0, "end": len(seg), "lang": "es", "hops": ["es", "en"], "how": "model"}]})})
    return {"schema": 1, "lesson": name, "source": f"raw/{name}.txt", "encoding": "utf-8", "title": f"Lección {k}",
            "notes": [], "file": f"source/{name}.md", "languages": {"es": 0.9, "th": 0.1}, "edits": edits,
            "flagged": [], "text": text, "segments": segments,
            "targets": {"en": {"file": f"en/{name}.md", "segments": targets}}}


def make_batch(out: Path, n: int, source: Path | None) -> None:
    lessons = out / ".pipeline" / "lessons"
    real = sorted((source / ".pipeline" / "lessons").rglob("*.json")) if source else []
    for k in range(n):
        name = f"batch/lesson-{k:05d}"
        if real:
            data = json.loads(real[k % len(real)].read_text("utf-8"))
            data["lesson"] = name
        else:
            data = synthetic_sidecar(name, k)
        path = lessons / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


def ready_ms(page: Path, fragment: str, profile: Path) -> tuple[int, float]:
    """(ms the page reports until its script ran, wall seconds for the whole headless run)."""
    t0 = time.perf_counter()
    dom = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", f"{page.as_uri()}#{fragment}"],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    wall = time.perf_counter() - t0
    m = re.search(r'data-ready-ms="(\d+)"', dom)
    return (int(m.group(1)) if m else -1), wall


def child(out: str, dest: str, page_size: int) -> None:
    """Runs in a fresh process so its peak RSS is the report's alone."""
    t0 = time.perf_counter()
    report = write_report(out, dest, page_size=page_size)
    build = time.perf_counter() - t0
    files = [Path(p) for p in report.pages]
    print(json.dumps({"lessons": report.totals()["lessons"], "build": build, "files": len(files),
                      "bytes": sum(p.stat().st_size for p in files), "largest": max(p.stat().st_size for p in files)}))


def measure(out: Path, dest: Path, page_size: int) -> dict[str, Any]:
    # In the temp folder: a ./glossary.csv where the bench is started must not add a glossary check.
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--child", str(out), str(dest), str(page_size)],
                            stdout=subprocess.PIPE, text=True, cwd=out.parent)
    assert proc.stdout is not None
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    assert status == 0, text
    result: dict[str, Any] = json.loads(text)
    result["rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, action="append", help="lessons (repeatable; default 1000 and 20000)")
    ap.add_argument("--quick", action="store_true", help="1,000 and 5,000 lessons")
    ap.add_argument("--from", dest="source", type=Path, default=None, help="copy the sidecars of this OUT folder")
    ap.add_argument("--browser", action="store_true", help="also time the pages in headless chromium")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    sizes = sorted(set(args.n or ([1000, 5000] if args.quick else [1000, 20000])))
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        base: dict[str, Any] | None = None
        print(f"{'lessons':>8} {'layout':<14} {'build s':>8} {'ms/lesson':>10} {'x base':>7} {'peak RSS MB':>12} "
              f"{'x base':>7} {'files':>6} {'total MB':>9} {'largest MB':>11}")
        for n in sizes:
            out = tmp / f"out{n}"
            make_batch(out, n, args.source)
            runs = [("paged", tmp / f"r{n}" / "report.html", 1000)]
            if n == sizes[-1] and 1000 < n <= 10000:  # one page of more would take GBs: the point of paging
                runs.append(("one page", tmp / f"one{n}.html", n))
            for layout, dest, page_size in runs:
                dest.parent.mkdir(parents=True, exist_ok=True)
                r = measure(out, dest, page_size)
                per = r["build"] * 1000 / n
                if base is None:
                    base = {"per": per, "rss": r["rss_mb"]}
                print(f"{n:>8} {layout:<14} {r['build']:>8.2f} {per:>10.2f} {per / base['per']:>7.2f} "
                      f"{r['rss_mb']:>12.0f} {r['rss_mb'] / base['rss']:>7.2f} {r['files']:>6} "
                      f"{r['bytes'] / 1e6:>9.1f} {r['largest'] / 1e6:>11.1f}")
                if args.browser and Path(CHROMIUM).exists() and layout == "paged":
                    pages = dest.with_name("report.pages")
                    first = pages / "0001.html" if pages.is_dir() else dest
                    for label, page, fragment in [("index/one page", dest, "kind=untranslated&q=lesson-009"),
                                                  ("first page", first, ""),
                                                  ("lesson opened", first, "open=batch/lesson-00500")]:
                        ms, wall = ready_ms(page, fragment, tmp / "profile")
                        print(f"         chromium {label:<15} ready after {ms} ms (headless run {wall:.1f} s)")
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
