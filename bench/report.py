"""How big and how fast is the report for a large batch?

Builds N lessons of sidecars (synthetic, about the size of the real ones:
~22 segments, ~20 edits, a Thai run, untranslated segments), or copies the
sidecars of a real OUT folder round-robin with --from, then measures:
report build+write time, page size, and in headless Chromium the time until
the page's script has run (``data-ready-ms``, navigation start to usable)
for the plain page, a filtered page and a page with one lesson opened.

    python bench/report.py                 # 1,000 synthetic lessons
    python bench/report.py -n 5000 --from /tmp/out
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
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
        pos = start + seg.find("ó")
        edits.append({"offset": pos, "end": pos + 2, "before": "ó;", "after": "ó", "rule": "half_entity",
                      "confidence": 0.97, "applied": True})
        untranslated = i % 5 == 0
        targets.append({"id": i, "text": seg if untranslated else f"The value proposition ({i}, {k}).",
                        "line": 2 * i + 1, "status": "untranslated" if untranslated else "translated",
                        **({"missing": ["es", "en"]} if untranslated else {})})
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=1000, help="lessons (default 1000)")
    ap.add_argument("--from", dest="source", type=Path, default=None, help="copy the sidecars of this OUT folder")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        out = tmp / "out"
        make_batch(out, args.n, args.source)
        page = tmp / "report.html"
        t0 = time.perf_counter()
        report = write_report(out, page)
        build = time.perf_counter() - t0
        size = page.stat().st_size
        print(f"lessons            {len(report.lessons)}")
        print(f"build + write      {build:.2f} s")
        print(f"page size          {size / 1e6:.1f} MB ({size / max(1, len(report.lessons)) / 1e3:.1f} kB per lesson)")
        if not Path(CHROMIUM).exists():
            print(f"(no {CHROMIUM}: browser timings skipped)")
            return
        for label, fragment in [("plain", ""), ("filtered", "kind=untranslated&q=lesson-009"),
                                ("one lesson opened", "open=batch/lesson-00500")]:
            ms, wall = ready_ms(page, fragment, tmp / "profile")
            print(f"chromium {label:<18} ready after {ms} ms (headless run {wall:.1f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
