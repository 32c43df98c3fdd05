"""Translation settings, and what they resolve to on this machine (device, compute type, threads).

Threads and batching per device, chosen by measurement (``bench/translate.py
--only threads --quick``: Argos-sized echo model, int8, beam 4, 300 sentences,
raw ``translate_batch``; three runs on 2 cores shared with other work, load
6-9, so seconds swing by 2x between runs and only orderings that held in every
run are taken)::

    shape (inter x intra, batch)     run 1    run 2    run 3 (best of 2)
    1 x 2, 1024 tokens (old auto)   32.8 s   44.0 s   42.4 s
    2 x 1, 1024 tokens              21.4 s   35.8 s   31.2 s
    2 x 1, 16 examples              24.1 s   31.6 s   24.3 s
    2 x 1, 32 examples              27.6 s   31.0 s   21.5 s
    2 x 1, 512 tokens               18.6 s   16.5 s   30.4 s
    2 x 1, 2048 tokens              40.0 s   27.6 s   33.6 s

* CPU: one CTranslate2 worker per core (``inter_threads``, at most 4) with one
  OpenMP thread each beat 1 x 2 in every run (+23 % to +54 %): intra-op threads
  collapse when another process holds a core, parallel batches degrade
  gracefully. Batches of 512 tokens were fastest in two runs of three and never
  far behind (median +15 % over 1024 tokens; 16 examples +13 %): the default.
* CUDA: one worker per listed GPU (``device_index``), batches of 8192 tokens (a
  GPU is starved by small batches). Not measured here: no CUDA device in this
  session; ``bench/gpu.py`` prints the figures where one exists.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from pipeline.errors import ModelError

DEVICES = ("auto", "cpu", "cuda")
CPU_BATCH_TOKENS = 512
CUDA_BATCH_TOKENS = 8192


@dataclass(frozen=True)
class TranslateSettings:
    models_dir: str | None = None
    beam_size: int = 4
    # "auto": int8 on CPU, int8_float16 on CUDA; any CTranslate2 compute type overrides
    # ("default" keeps the type the model was saved with).
    compute_type: str = "auto"
    # Source tokens per translate_batch batch; 0 = per device (see the module docs:
    # CPU_BATCH_TOKENS on CPU, CUDA_BATCH_TOKENS on CUDA).
    max_batch_tokens: int = 0
    threads: int = 0  # 0 = auto
    device: str = "auto"  # "auto" | "cpu" | "cuda"
    device_index: tuple[int, ...] = (0,)


def cuda_device_count() -> int:
    """CUDA devices CTranslate2 can use here (0 without CUDA, or without a CUDA build)."""
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:  # noqa: BLE001 - a CPU-only build or a broken driver both mean "none"
        return 0


def resolve_device(settings: TranslateSettings) -> str:
    """"cpu" or "cuda"; raises ModelError for ``device="cuda"`` where no CUDA device exists."""
    check_device(settings)
    if settings.device == "cuda" or (settings.device == "auto" and cuda_device_count() > 0):
        return "cuda"
    return "cpu"


def check_device(settings: TranslateSettings) -> None:
    """Fail before anything is written when the requested device cannot be used (exit 4)."""
    if settings.device not in DEVICES:
        raise ModelError(f"--device {settings.device}: unknown device; use auto, cpu or cuda")
    if not settings.device_index or any(i < 0 for i in settings.device_index):
        raise ModelError(f"--device-index {settings.device_index}: give one or more GPU numbers, e.g. 0 or 0,1")
    if settings.device != "cuda":
        return
    count = cuda_device_count()
    if count == 0:
        raise ModelError("--device cuda: no CUDA device is visible to CTranslate2 here; "
                         "use --device cpu (or auto), or run on a machine with an NVIDIA GPU and its driver")
    bad = [i for i in settings.device_index if i >= count]
    if bad:
        raise ModelError(f"--device-index {','.join(map(str, settings.device_index))}: this machine has "
                         f"{count} CUDA device(s), numbered from 0; pass indexes below {count}")


def resolve_compute_type(settings: TranslateSettings, device: str) -> str:
    if settings.compute_type in ("auto", ""):
        return "int8_float16" if device == "cuda" else "int8"
    return settings.compute_type


def threads_for(settings: TranslateSettings, device: str) -> tuple[int, int]:
    """(inter_threads, intra_threads) for CTranslate2 on ``device``."""
    if device == "cuda":
        return 1, 1  # CTranslate2 runs one worker per entry of device_index already
    if settings.threads > 0:
        return 1, settings.threads
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4)), 1


def batching_for(settings: TranslateSettings, device: str) -> tuple[int, str]:
    """(max_batch_size, batch_type) for ``translate_batch`` on ``device``."""
    if settings.max_batch_tokens > 0:
        return settings.max_batch_tokens, "tokens"
    return (CUDA_BATCH_TOKENS if device == "cuda" else CPU_BATCH_TOKENS), "tokens"


def device_signature(settings: TranslateSettings) -> dict[str, str]:
    """Device and resolved compute type: they change the output's bits, so they go into its signature."""
    device = resolve_device(settings)
    out = {"device": device, "compute": resolve_compute_type(settings, device)}
    if device == "cuda":
        out["device_index"] = ",".join(map(str, settings.device_index))
    return out


def output_settings(settings: TranslateSettings, decoding: dict[str, object]) -> str:
    """The settings part of a memory key: everything that can change a hop's output.

    Not the device index, threads or batch sizes: those change speed, not text
    (CTranslate2 decodes each sentence independently of its batch).
    """
    device = resolve_device(settings)
    body = {"beam": settings.beam_size, "device": device,
            "compute": resolve_compute_type(settings, device), **decoding}
    return json.dumps(body, sort_keys=True, separators=(",", ":"))
