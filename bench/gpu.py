"""Sentences per second on CPU and on CUDA, same model, same sentences, same run; outputs must match.

Usage:
    .venv/bin/python bench/gpu.py [--sentences 1000] [--cpu-sentences 300]

The Argos-sized echo package (6+6 layers, d512, 32k vocabulary, int8 weights,
built by pipeline.testing.models and cached), beam 4, through the engine's
Translator (tokenize, batch, detokenize; memory off), once with
``device="cpu"`` and once with ``device="cuda"``, each at its automatic compute
type (int8 on CPU, int8_float16 on CUDA) and per-device threads and batching.
The CPU leg translates the first ``--cpu-sentences`` sentences (it is the slow
one); the outputs of those sentences must be identical on both devices, and
equal to the input (the model echoes). Well under 10 minutes on one GPU.

Where no CUDA device exists it says so and exits 0 without timing anything.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from isolation import isolated_home  # noqa: E402 - sets HOME/XDG before argostranslate is imported

_TMP = isolated_home("pipeline-bench-gpu-", packages="models")
MODELS = _TMP / "models"


def timed(device: str, sentences: list[str], **settings: object) -> tuple[float, list[str], dict[str, str]]:
    from pipeline.translate.engine import Job, TranslateSettings, Translator

    s = TranslateSettings(models_dir=str(MODELS), beam_size=4, device=device, **settings)  # type: ignore[arg-type]
    tr = Translator(s)
    tr.translate([Job("Calentamiento del modelo.", [], "es", "en")])  # load and warm up, not timed
    t0 = time.perf_counter()
    out = tr.translate([Job(x, [], "es", "en") for x in sentences])
    elapsed = time.perf_counter() - t0
    sig = tr.device_signature()
    tr.close()
    return elapsed, [o.text for o in out], sig


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sentences", type=int, default=1000, help="sentences for the CUDA leg")
    ap.add_argument("--cpu-sentences", type=int, default=300, help="sentences for the CPU leg (a prefix)")
    args = ap.parse_args()

    from pipeline.translate.settings import cuda_device_count

    count = cuda_device_count()
    if count == 0:
        print("bench/gpu.py: no CUDA device visible to CTranslate2 on this machine; nothing to measure "
              "(run it where `nvidia-smi` shows a GPU and ctranslate2 was built with CUDA)")
        return 0
    import ctranslate2

    from pipeline.testing.models import build_realistic_package
    from pipeline.translate.argos import install_package
    from translate import make_jobs  # bench/translate.py: the same Spanish lesson sentences

    t0 = time.perf_counter()
    cache = Path(os.environ.get("PIPELINE_TEST_MODELS_CACHE", Path(tempfile.gettempdir()) / "pipeline-test-models"))
    install_package(build_realistic_package(_TMP / "packages", "es", "en", cache_dir=cache), MODELS)
    print(f"{count} CUDA device(s), ctranslate2 {ctranslate2.__version__}; package ready in "
          f"{time.perf_counter() - t0:.1f} s (6+6 layers, d512, 32k vocab, int8 weights, beam 4)")
    _, sentences = make_jobs(max(args.sentences, args.cpu_sentences))
    cpu_part = sentences[: args.cpu_sentences]

    gpu_s, gpu_out, gpu_sig = timed("cuda", sentences)
    cpu_s, cpu_out, cpu_sig = timed("cpu", cpu_part)
    cpu_rate, gpu_rate = len(cpu_part) / cpu_s, len(sentences) / gpu_s
    print(f"\n{'device':<34}{'sentences':>10}{'seconds':>10}{'sent/s':>10}")
    print(f"{'cpu (' + cpu_sig['compute'] + f', {os.cpu_count()} cores)':<34}{len(cpu_part):>10}{cpu_s:>10.2f}"
          f"{cpu_rate:>10.1f}")
    print(f"{'cuda (' + gpu_sig['compute'] + ')':<34}{len(sentences):>10}{gpu_s:>10.2f}{gpu_rate:>10.1f}")
    print(f"cuda vs cpu: {gpu_rate / cpu_rate:.1f}x sentences/s")
    same = gpu_out[: len(cpu_part)] == cpu_out
    echo = gpu_out == sentences
    print(f"outputs: cpu == cuda on {len(cpu_part)} sentences: {'yes' if same else 'NO'}; "
          f"cuda echoes its input: {'yes' if echo else 'NO'}")
    return 0 if same and echo else 1


if __name__ == "__main__":
    raise SystemExit(main())
