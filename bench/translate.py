"""Translation speed: the pipeline's Translator vs argostranslate vs raw CTranslate2.

Usage:
    .venv/bin/python bench/translate.py [--sentences 600] [--argos-limit N] [--threads 0]
    .venv/bin/python bench/translate.py --only threads  [--quick]   # threads x batching per device
    .venv/bin/python bench/translate.py --only routing  [--quick]   # run-direct vs restore-then-translate
    .venv/bin/python bench/translate.py --only stop     [--quick]   # a stop request during a big batch

One run, one Argos-sized echo package (6+6 layers, d512, 32k vocabulary, int8,
built by pipeline.testing.models and cached), beam 4, the same sentences:

* pipeline   Translator.translate() end to end (split, dedupe, memory lookup,
             tokenize, batched translate_batch, detokenize, memory store),
             cold (empty memory), then a rerun (everything from the memory);
* argos      argostranslate's translate() called once per sentence, with an
             offline sentence splitter patched in (its own would download stanza);
* raw        one CTranslate2 translate_batch over all sentences (plus tokenize
             and detokenize), the floor the Translator is measured against.

Also times `pipeline --help` in a fresh process. Targets: pipeline >= 8x argos;
pipeline <= 10% over raw; `pipeline --help` < 0.3 s.

``--only threads`` times raw CTranslate2 with inter x intra threads and batch
shapes (tokens vs examples) on the same sentences, then the Translator with its
per-device default. ``--only routing`` times the two strategies for a foreign
run inside a sentence (the engine's ``mixed=``) on Argos-sized echo packages and
measures how much of the text survives weak-NMT models (``build_hostile_package``
with ``steps="weak"``: reorders and repeats like a weak model) along each
strategy's hops.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# argostranslate reads HOME/XDG/ARGOS_* at import: private folders, set first.
from isolation import isolated_home  # noqa: E402 - sets HOME/XDG before argostranslate is imported

_TMP = isolated_home("pipeline-bench-", packages="models")
MODELS = _TMP / "models"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


SUBJECTS = (
    "La empresa", "El equipo de ventas", "Cada segmento de clientes", "La propuesta de valor",
    "El servicio de atención al cliente", "Nuestra marca", "El canal digital", "La comunidad de usuarios",
    "El modelo de negocio", "La estrategia de precios", "El socio logístico", "La tienda en línea",
    "El área de marketing", "Un buen asesor", "La red de distribuidores", "El programa de fidelización",
)
VERBS = (
    "mejora", "define", "refuerza", "analiza", "transforma", "acompaña", "mide", "simplifica",
    "protege", "impulsa", "revisa", "ordena", "explica", "personaliza",
)
OBJECTS = (
    "la relación con los clientes", "los costes fijos", "la experiencia de compra", "las fuentes de ingresos",
    "el proceso de venta", "la calidad del servicio", "los recursos clave", "las actividades clave",
    "la confianza del mercado", "el valor de cada pedido", "la entrega a domicilio", "las quejas más comunes",
    "el uso de la aplicación", "los precios de temporada", "la atención telefónica", "el catálogo de productos",
)
COMPLEMENTS = (
    "cada mes", "en todos los mercados", "con datos reales", "sin perder calidad", "desde el primer contacto",
    "a un coste menor", "gracias a la tecnología", "con ayuda de los socios", "durante la campaña de verano",
    "para los clientes más fieles", "en cada canal", "antes de lanzar un producto",
)


def make_jobs(n_sentences: int) -> tuple[list[str], list[str]]:
    """Deterministic, distinct Spanish lesson sentences in paragraphs of 5; returns (paragraphs, sentences).

    Real Spanish (detected as Spanish by the pipeline), so every sentence goes
    to the model in every measurement.
    """
    import itertools
    import random

    combos = list(itertools.product(SUBJECTS, VERBS, OBJECTS, COMPLEMENTS))
    random.Random(2024).shuffle(combos)
    sentences = [f"{s} {v} {o} {c}." for s, v, o, c in combos[:n_sentences]]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return paragraphs, sentences


def bench_pipeline(paragraphs: list[str], threads: int) -> dict[str, float]:
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    jobs = [Job(p, [], "es", "en") for p in paragraphs]
    memory = str(_TMP / "memory.sqlite")
    settings = TranslateSettings(models_dir=str(MODELS), beam_size=4, threads=threads)
    t0 = time.perf_counter()
    tr = Translator(settings, memory_path=memory)
    out = tr.translate(jobs)
    cold = time.perf_counter() - t0
    assert [o.text for o in out] == paragraphs, "the echo model must echo"
    sentences = tr.stats["sentences"]
    tr.close()
    t0 = time.perf_counter()
    tr = Translator(settings, memory_path=memory)
    again = tr.translate(jobs)
    rerun = time.perf_counter() - t0
    assert all(o.status == "memory" for o in again)
    tr.close()
    return {"cold": cold, "rerun": rerun, "sentences": sentences}


def bench_raw(sentences: list[str], threads: int) -> dict[str, float]:
    import ctranslate2
    import sentencepiece as spm

    from pipeline.translate.engine import _threads

    pkg = MODELS / "translate-es_en-1_0"
    inter, intra = _threads(threads)
    t0 = time.perf_counter()
    translator = ctranslate2.Translator(str(pkg / "model"), device="cpu", inter_threads=inter, intra_threads=intra)
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    t1 = time.perf_counter()
    results = translator.translate_batch(tokens, beam_size=4, max_batch_size=1024, batch_type="tokens",
                                         max_decoding_length=256, length_penalty=0.2, replace_unknowns=True)
    t2 = time.perf_counter()
    outputs = [sp.decode_pieces(r.hypotheses[0]) for r in results]
    t3 = time.perf_counter()
    assert outputs == sentences
    return {"load": load, "batch": t2 - t1, "total": load + (t3 - t0)}


def bench_argos(sentences: list[str], limit: int, threads: int) -> dict[str, float]:
    """argostranslate's own translate(), one call per sentence, offline sentence splitter."""
    from pipeline.translate.engine import _threads

    inter, intra = _threads(threads)
    os.environ["ARGOS_INTER_THREADS"], os.environ["ARGOS_INTRA_THREADS"] = str(inter), str(intra)
    t0 = time.perf_counter()
    import argostranslate.translate as at

    class OfflineSentencizer:
        """Stands in for stanza/minisbd (they download models): our own splitter."""

        def __init__(self, pkg: object) -> None:
            self.pkg = pkg

        def split_sentences(self, text: str) -> list[str]:
            from pipeline.sentences import split_sentences

            return [text[a:b] for a, b in split_sentences(text)] or [text]

    at.MiniSBDSentencizer = OfflineSentencizer  # type: ignore[misc,assignment]
    at.StanzaSentencizer = OfflineSentencizer  # type: ignore[misc,assignment]
    import_time = time.perf_counter() - t0
    sample = sentences[:limit] if limit else sentences
    t0 = time.perf_counter()
    outputs = [at.translate(s, "es", "en") for s in sample]
    elapsed = time.perf_counter() - t0
    assert outputs == sample, "argostranslate must echo too"
    per_sentence = elapsed / len(sample)
    return {"import": import_time, "measured": elapsed, "n": len(sample),
            "total": per_sentence * len(sentences)}


def bench_run_e2e(paragraphs: list[str], n_lessons: int) -> dict[str, float]:
    """`pipeline run RAW OUT --to en` in a fresh process: cold, then after editing 1% of the lessons.

    The paragraphs are spread over ``n_lessons`` lessons (a title and the
    paragraphs); the edit changes one sentence in one lesson, as a maintainer
    fixing a typo would. Peak RSS covers the run's whole process tree.
    """
    raw, out = _TMP / "e2e-raw", _TMP / "e2e-out"
    raw.mkdir()
    lessons: list[list[str]] = [[] for _ in range(n_lessons)]
    for i, para in enumerate(paragraphs):
        lessons[i % n_lessons].append(para)
    for k, paras in enumerate(lessons):
        (raw / f"leccion-{k:03d}.txt").write_text(f"Lección {k}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    exe = Path(sys.executable).parent / "pipeline"
    cmd = [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "pipeline"]),
           "run", str(raw), str(out), "--to", "en", "--glossary", "", "--beam-size", "4", "--json"]
    env = {**os.environ, "PIPELINE_MODELS_DIR": str(MODELS)}

    def once() -> tuple[float, dict[str, object]]:
        import json

        t0 = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        return time.perf_counter() - t0, json.loads(done.stdout)

    cold, rep_cold = once()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    edits = max(1, n_lessons // 100)  # 1% of the lessons, one sentence each
    for k in range(edits):
        target = raw / f"leccion-{k * 100:03d}.txt"
        text = target.read_text("utf-8")
        first_dot = text.index(".")
        target.write_text(text[:first_dot] + " editado" + text[first_dot:], encoding="utf-8")
    edited, rep_edit = once()
    assert rep_edit["written"] == edits and rep_edit["translated"] == edits, rep_edit
    return {"cold": cold, "edited": edited, "peak": peak, "lessons": n_lessons,
            "translated_cold": float(rep_cold["translated"])}  # type: ignore[arg-type]


def bench_help(repeats: int = 7) -> float:
    exe = Path(sys.executable).parent / "pipeline"
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "pipeline", "--help"]
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# --------------------------------------------------------------------------- threads x batching


def bench_threads(sentences: list[str], repeats: int) -> list[tuple[str, float]]:
    """translate_batch over the same sentences with each threads/batching shape (raw CTranslate2).

    Shapes take turns, ``repeats`` rounds, best time of each kept: other
    processes share the cores, and taking turns spreads their load evenly.
    """
    import ctranslate2
    import sentencepiece as spm

    pkg = MODELS / "translate-es_en-1_0"
    sp = spm.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
    tokens = [sp.encode(s, out_type=str) for s in sentences]
    shapes = [(1, 2, 1024, "tokens"), (2, 1, 1024, "tokens"), (2, 1, 16, "examples"), (2, 1, 32, "examples"),
              (2, 1, 256, "tokens"), (2, 1, 512, "tokens"), (2, 1, 2048, "tokens")]
    best: dict[tuple[int, int, int, str], float] = {}
    translators = {}
    for _ in range(repeats):
        for inter, intra, size, kind in shapes:
            if (inter, intra) not in translators:
                translators[(inter, intra)] = ctranslate2.Translator(
                    str(pkg / "model"), device="cpu", compute_type="int8", inter_threads=inter, intra_threads=intra)
                translators[(inter, intra)].translate_batch(tokens[:8], beam_size=4)  # warm up
            t0 = time.perf_counter()
            results = translators[(inter, intra)].translate_batch(
                tokens, beam_size=4, max_batch_size=size, batch_type=kind, max_decoding_length=256,
                length_penalty=0.2, replace_unknowns=True)
            elapsed = time.perf_counter() - t0
            assert [sp.decode_pieces(r.hypotheses[0]) for r in results] == sentences
            key = (inter, intra, size, kind)
            best[key] = min(best.get(key, elapsed), elapsed)
    return [(f"{i} inter x {j} intra, {n} {k}", best[(i, j, n, k)]) for i, j, n, k in shapes]


def report_threads(sentences: list[str], repeats: int) -> None:
    rows = bench_threads(sentences, repeats)
    base = rows[0][1]
    print(f"\nthreads x batching, raw translate_batch, {len(sentences)} sentences, beam 4, int8, CPU "
          f"({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}), best of {repeats}:")
    print(f"{'shape':<40}{'seconds':>10}{'sent/s':>10}{'vs 1x2/1024 tok':>18}")
    for name, secs in rows:
        print(f"{name:<40}{secs:>10.2f}{len(sentences) / secs:>10.1f}{(base / secs - 1) * 100:>+17.1f}%")
    from pipeline.translate.settings import TranslateSettings, batching_for, threads_for

    default = TranslateSettings()
    print(f"engine default on cpu: {threads_for(default, 'cpu')} threads, batches {batching_for(default, 'cpu')}")
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    cold = min(_translator_warm(paragraphs) for _ in range(repeats))
    best = min(secs for _, secs in rows)
    print(f"Translator (cold, default settings, best of {repeats}) {cold:.2f} s: {(cold / best - 1) * 100:+.1f}% "
          f"over the best raw shape (target <= +10%)")


def _translator_warm(paragraphs: list[str]) -> float:
    """Translator.translate() on a cold memory with the model already loaded (like the raw shapes)."""
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    tr = Translator(TranslateSettings(models_dir=str(MODELS), beam_size=4))  # memory in RAM, empty
    tr.translate([Job("Calentamiento del modelo.", [], "es", "en")])
    t0 = time.perf_counter()
    out = tr.translate([Job(p, [], "es", "en") for p in paragraphs])
    elapsed = time.perf_counter() - t0
    assert [o.text for o in out] == paragraphs
    tr.close()
    return elapsed


def report_stop(paragraphs: list[str]) -> None:
    """How long a stop request waits in the middle of a big batch (issue: it used to be minutes)."""
    import threading

    from pipeline.translate.engine import Job, Stopped, TranslateSettings, Translator

    asked: list[float] = []
    progress: list[tuple[int, int]] = []
    tr = Translator(TranslateSettings(models_dir=str(MODELS), beam_size=4), memory_path=str(_TMP / "stop.sqlite"),
                    should_stop=lambda: bool(asked), on_progress=lambda d, t: progress.append((d, t)))
    tr.translate([Job("Calentamiento del modelo.", [], "es", "en")])
    timer = threading.Timer(3.0, lambda: asked.append(time.perf_counter()))
    timer.start()
    try:
        tr.translate([Job(p, [], "es", "en") for p in paragraphs])
        print("\nstop: the batch finished before the stop request (use more --sentences)")
        return
    except Stopped:
        waited = time.perf_counter() - asked[0]
    finally:
        timer.cancel()
        saved = tr.memory.stats()["entries"]
        tr.close()
    print(f"\nstop requested 3 s into a batch of {len(paragraphs)} paragraphs: stopped {waited:.2f} s later; "
          f"{saved - 1} sentences already in the memory (progress calls: {len(progress)})")


# --------------------------------------------------------------------------- routing strategy


RUN_WORDS = ("customer journey map", "value proposition canvas", "key partners", "revenue streams",
             "cost structure", "early adopters")
THAI_RUNS = ("ลูกค้าจะเลือกเรา", "คุณค่าที่นำเสนอ", "ช่องทางการขาย", "กลุ่มลูกค้า")


def mixed_jobs(n: int) -> list[tuple[str, list[tuple[int, int, str]], str, str]]:
    """Spanish sentences with a foreign run inside: (text, spans, main, target).

    Half hold an English run (target th: es->en->th, the run en->th), half a
    Thai run glued to the next word (target en: the run th->en). Either way the
    target is neither the sentence's language nor the run's: the case where the
    two strategies differ.
    """
    _, plain = make_jobs(n)
    out = []
    for i, s in enumerate(plain):
        words = s.rstrip(".").split(" ")
        cut = max(1, len(words) // 2)
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if i % 2 == 0:
            run, lang, target = RUN_WORDS[i % len(RUN_WORDS)], "en", "th"
            text = f"{head} {run} {tail}."
        else:
            run, lang, target = THAI_RUNS[i % len(THAI_RUNS)], "th", "en"
            text = f"{head} {run}{tail}."
        a = text.index(run)
        spans = [(0, a, "es"), (a, a + len(run), lang), (a + len(run), len(text), "es")]
        out.append((text, spans, "es", target))
    return out


def _install_pairs(pairs: list[tuple[str, str]], where: Path, source: Path) -> None:
    """Other pairs of one installed echo package: hard links of its files, own metadata."""
    import json

    for a, b in pairs:
        dest = where / f"translate-{a}_{b}-1_0"
        if dest.exists():
            continue
        (dest / "model").mkdir(parents=True)
        for f in (source / "model").iterdir():
            os.link(f, dest / "model" / f.name)
        os.link(source / "sentencepiece.model", dest / "sentencepiece.model")
        meta = json.loads((source / "metadata.json").read_text())
        meta.update(from_code=a, to_code=b)
        (dest / "metadata.json").write_text(json.dumps(meta))


def _translate_mixed(models: Path, jobs: list, mixed: str) -> tuple[float, list[str], dict[str, int]]:
    from pipeline.document import Span
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    work = [Job(t, [Span(a, b, lang, 1.0, "bench") for a, b, lang in spans], main, tgt)
            for t, spans, main, tgt in jobs]
    tr = Translator(TranslateSettings(models_dir=str(models), beam_size=4), mixed=mixed)
    t0 = time.perf_counter()
    out = tr.translate(work)
    elapsed = time.perf_counter() - t0
    stats = dict(tr.stats)
    tr.close()
    return elapsed, [o.text for o in out], stats


def _cer(a: str, b: str) -> float:
    """Character error rate of ``b`` against ``a`` (Levenshtein / len(a))."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] / max(1, len(a))


def report_routing(n: int) -> None:
    from pipeline.testing.models import build_hostile_package
    from pipeline.translate.argos import install_package

    _install_pairs([("th", "en"), ("en", "es"), ("en", "th")], MODELS, MODELS / "translate-es_en-1_0")
    jobs = mixed_jobs(n)
    print(f"\nrouting a foreign run inside a sentence: {len(jobs)} Spanish sentences, half with an English run "
          f"(--to th), half with a Thai run (--to en); Argos-sized echo packages, beam 4, cold memory")
    print(f"{'strategy':<28}{'seconds':>10}{'model calls':>13}{'src tokens':>12}{'run hops':>10}")
    times = {}
    for mixed, run_hops in (("direct", "1"), ("restore", "3")):
        secs, texts, stats = _translate_mixed(MODELS, jobs, mixed)
        assert texts == [t for t, *_ in jobs], "echo models must echo"
        times[mixed] = secs
        print(f"{mixed:<28}{secs:>10.2f}{stats['model_calls']:>13}{stats['tokens']:>12}{run_hops:>10}")
    print(f"run-direct vs restore-then-translate: {times['restore'] / times['direct']:.2f}x faster")
    # Fidelity along each strategy's hops, with models that reorder and repeat like a weak NMT.
    weak = _TMP / "weak-models"
    weak.mkdir(exist_ok=True)
    for a, b in [("es", "en"), ("th", "en"), ("en", "es"), ("en", "th")]:
        install_package(build_hostile_package(_TMP / "weak-pk", a, b, steps="weak"), weak)
    print("weak-NMT models (reorder + repeat per hop): character error rate against the ideal output")
    for mixed in ("direct", "restore"):
        _, texts, _ = _translate_mixed(weak, jobs, mixed)
        runs = [t[a:b] for t, spans, *_ in jobs for a, b, lang in spans if lang != "es"]
        survived = sum(r in out for r, out in zip(runs, texts))
        cer = statistics.mean(_cer(src, out) for (src, *_), out in zip(jobs, texts))
        print(f"  {mixed:<26} CER {cer * 100:5.1f}%   foreign runs intact {survived}/{len(runs)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=1000)
    ap.add_argument("--e2e-sentences", type=int, default=2000,
                    help="sentences for the `pipeline run` cold/rerun measurement (10 per lesson)")
    ap.add_argument("--argos-limit", type=int, default=0, help="time argos on the first N sentences only, extrapolate")
    ap.add_argument("--threads", type=int, default=0, help="as TranslateSettings.threads (0 = auto)")
    ap.add_argument("--only", choices=("all", "speed", "threads", "routing", "stop"), default="all",
                    help="one measurement: speed (the table above), threads x batching, or routing strategy")
    ap.add_argument("--quick", action="store_true", help="fewer sentences (noisy, but a minute or two)")
    ap.add_argument("--repeats", type=int, default=2, help="rounds of the threads x batching shapes (best kept)")
    args = ap.parse_args()
    if args.quick:
        args.sentences, args.e2e_sentences, args.argos_limit = 300, 600, args.argos_limit or 60

    from pipeline.testing.models import build_realistic_package
    from pipeline.translate.argos import install_package

    t0 = time.perf_counter()
    cache = Path(os.environ.get("PIPELINE_TEST_MODELS_CACHE", Path(tempfile.gettempdir()) / "pipeline-test-models"))
    package = build_realistic_package(_TMP / "packages", "es", "en", cache_dir=cache)
    install_package(package, MODELS)
    print(f"package: {package.name}, {package.stat().st_size / 1e6:.0f} MB, ready in {time.perf_counter() - t0:.1f} s "
          f"(6+6 layers, d512, 32k vocab, int8, beam 4)")
    paragraphs, sentences = make_jobs(args.sentences)
    print(f"input: {len(sentences)} sentences in {len(paragraphs)} paragraphs, "
          f"{sum(len(s) for s in sentences)} characters")
    if args.only in ("all", "threads"):
        report_threads(sentences, args.repeats)
    if args.only in ("all", "routing"):
        report_routing(args.sentences)
    if args.only in ("all", "stop"):
        report_stop(paragraphs)
    if args.only not in ("all", "speed"):
        return

    raw = bench_raw(sentences, args.threads)
    mem_raw = peak_mb()
    pipe = bench_pipeline(paragraphs, args.threads)
    mem_pipe = peak_mb()
    e2e_paragraphs, _ = make_jobs(args.e2e_sentences)
    e2e = bench_run_e2e(e2e_paragraphs, n_lessons=args.e2e_sentences // 10)
    argos = bench_argos(sentences, args.argos_limit, args.threads)
    mem_argos = peak_mb()
    help_s = bench_help()

    n = len(sentences)
    rows = [
        ("raw CTranslate2 (load+tok+batch)", raw["total"], mem_raw),
        ("  of which translate_batch", raw["batch"], None),
        ("pipeline Translator, cold", pipe["cold"], mem_pipe),
        ("pipeline Translator, rerun", pipe["rerun"], None),
        (f"argostranslate translate() x{n}" + (" (extrapolated)" if args.argos_limit else ""), argos["total"], mem_argos),
        (f"`pipeline run`, cold: {e2e['lessons']:.0f} lessons, {args.e2e_sentences} sent.", e2e["cold"], e2e["peak"]),
        ("`pipeline run` after editing 1% of lessons", e2e["edited"], None),
    ]
    print()
    print(f"{'stage':<50}{'seconds':>10}{'sent/s':>10}{'peak MB':>10}")
    for name, secs, mem in rows:
        count = args.e2e_sentences if name.startswith("`pipeline run`, cold") else n
        rate = f"{count / secs:.1f}" if "after editing" not in name else ""
        print(f"{name:<50}{secs:>10.2f}{rate:>10}{(f'{mem:.0f}' if mem else ''):>10}")
    print()
    speedup = argos["total"] / pipe["cold"]
    overhead = pipe["cold"] / raw["total"] - 1
    print(f"pipeline vs argostranslate: {speedup:.1f}x faster (target >= 8x)")
    print(f"pipeline over raw CTranslate2: {overhead * 100:+.1f}% (target <= +10%)")
    print(f"rerun vs cold: {pipe['cold'] / pipe['rerun']:.0f}x faster")
    print(f"`pipeline run` end to end vs argostranslate: {argos['total'] / (e2e['cold'] * n / args.e2e_sentences):.1f}x "
          f"faster (per sentence; the run's rows are scaled to {n} sentences)")
    print(f"`pipeline run` cold: {e2e['cold']:.1f} s for {args.e2e_sentences} sentences; after a 1% edit: "
          f"{e2e['edited']:.2f} s")
    print(f"`pipeline run` after a 1% edit vs cold: {e2e['cold'] / e2e['edited']:.0f}x faster (target >= 50x)")
    print(f"argostranslate import (stanza): {argos['import']:.1f} s, not counted above")
    print(f"`pipeline --help`: {help_s:.3f} s median of 7 (target < 0.3 s)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          f"(other processes share the CPU: compare ratios, not absolute times)")
    print(f"threads (inter, intra): {__import__('pipeline.translate.engine', fromlist=['_threads'])._threads(args.threads)}")


if __name__ == "__main__":
    main()
