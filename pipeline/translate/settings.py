"""Translation settings, and what they resolve to on this machine (device, compute type, threads).

Threads and batching per device, chosen by measurement (``bench/translate.py``
prints the comparison; numbers in the engine's module docs):

* CPU: one CTranslate2 worker per core (``inter_threads``, at most 4), one
  OpenMP thread each, batches of ``max_batch_tokens`` source tokens. Intra-op
  threads collapse when another process holds a core, parallel batches degrade
  gracefully.
* CUDA: one worker per listed GPU (``device_index``), bigger batches (a GPU is
  starved by 16 sentences).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from pipeline.errors import ModelError

DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class TranslateSettings:
    models_dir: str | None = None
    beam_size: int = 4
    # "auto": int8 on CPU, int8_float16 on CUDA; any CTranslate2 compute type overrides
    # ("default" keeps the type the model was saved with).
    compute_type: str = "auto"
    # Source tokens per translate_batch batch on CPU. Measured on 2 cores with an
    # Argos-sized model (6+6, d512, int8, beam 4, 600 sentences): 1024 -> 17.8 s,
    # 2048 -> 35 s, 4096 -> 43 s; bigger beams x batch fall out of cache.
    max_batch_tokens: int = 1024
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
    if device == "cuda":
        return max(settings.max_batch_tokens, 8192), "tokens"
    return settings.max_batch_tokens, "tokens"


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
