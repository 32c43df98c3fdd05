"""Repair throughput on a generated damaged corpus, next to ftfy.fix_text.

Run: ``python -m pipeline.repair.bench [MEGABYTES] [DAMAGED_SHARE]``. The
corpus is built from our own business-course sentences with every damage class
mixed in, deterministically; DAMAGED_SHARE (default 0.5, like the damaged study
sample: about one edit per 60 characters) is the share of damaged lines. It is
cut into 20 kB pages, repaired page by page as the runner does. Prints MB/s of
``repair`` and of ``ftfy.fix_text`` on the same pages (best of three rounds,
interleaved, so a busy machine slows both alike) and their ratio. The first
call's one-off costs (lexicon, index, imports) are measured apart.
"""

from __future__ import annotations

import random
import sys
import time

SENTENCES = [
    "La propuesta de valor explica por qué los clientes nos eligen frente a la competencia.",
    "El lienzo del modelo de negocio tiene nueve bloques que se leen de derecha a izquierda.",
    "Cada segmento de clientes necesita un canal distinto; por ejemplo, cara a cara o en línea.",
    "La relación con los clientes puede ser personal, automatizada o basada en comunidades.",
    "Los ingresos dependen de cuánto valor percibe el cliente y de cómo lo comunicamos.",
    "Customer relationships range from personal assistance to fully automated services.",
    "ความสัมพันธ์กับลูกค้าเป็นส่วนสำคัญของธุรกิจ",
    "Fuente: <https://example.org/lecciones/propuesta-de-valor?x=1&y=2>",
]
DAMAGED = [
    "El mó;dulo de Relació;n con los Clientes define ;mo llegamos al segmento.",
    "Hay que brindar una buena atenció;น. Ademá;ส, la comunicació;n debe ser clara.",
    "<p>La segmentaci&oacute;n y el dise&ntilde;o del servicio</p><br>importan.",
    "La relaciÃ³n con los clientes y el mÃ³;dulo de canales &amp;oacute; precios.",
    "\u00a0;",
    "¿;Qué; valor entregamos? La motivació;n debe ser clara y permitirá; crecer.",
    'Más en <a href="https://example.org/canvas">el lienzo</a> y la informaci;n.',
]


def corpus(megabytes: float, damaged_share: float = 0.5, seed: int = 7) -> str:
    rng = random.Random(seed)
    lines: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        line = rng.choice(DAMAGED) if rng.random() < damaged_share else rng.choice(SENTENCES)
        lines.append(line)
        size += len(line.encode("utf-8")) + 1
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    import ftfy

    from pipeline.repair import repair

    mb = float(argv[0]) if argv else 5.0
    share = float(argv[1]) if len(argv) > 1 else 0.5
    text = corpus(mb, share)
    size = len(text.encode("utf-8")) / 1e6
    t0 = time.perf_counter()
    repair(corpus(0.01))
    warm = time.perf_counter() - t0
    pages = [text[i : i + 20_000] for i in range(0, len(text), 20_000)]
    rep = ft = rep_cpu = ft_cpu = float("inf")
    edits = 0
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        edits = sum(len(repair(p).edits) for p in pages)
        rep, rep_cpu = min(rep, time.perf_counter() - t0), min(rep_cpu, time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        for p in pages:
            ftfy.fix_text(p)
        ft, ft_cpu = min(ft, time.perf_counter() - t0), min(ft_cpu, time.process_time() - c0)
    print(f"corpus            {size:.2f} MB, {share:.0%} damaged lines, {len(pages)} pages, {edits} edits")
    print(f"first call        {warm:.2f} s (lexicon, index, imports; once per process)")
    print(f"repair            {size / rep:.2f} MB/s wall, {size / rep_cpu:.2f} MB/s CPU")
    print(f"ftfy.fix_text     {size / ft:.2f} MB/s wall, {size / ft_cpu:.2f} MB/s CPU")
    print(f"ratio repair/ftfy {ft / rep:.2f}x wall, {ft_cpu / rep_cpu:.2f}x CPU")


if __name__ == "__main__":
    main(sys.argv[1:])
