"""The frozen settings of one run, and the signature of everything that changes output.

The CLI builds a :class:`PipelineConfig` once (from options, a config file and
the environment) and passes it down; stages never read options themselves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pipeline import __version__

SOURCE_FOLDER = "source"  # OUT/source/<lesson>.md holds the cleaned, untranslated lesson
STATE_FOLDER = ".pipeline"  # OUT/.pipeline/: lesson sidecars, manifest, memory, lock


@dataclass(frozen=True)
class PipelineConfig:
    languages: tuple[str, ...] = ("es", "en")  # what the detector chooses among for Latin text
    targets: tuple[str, ...] = ()  # target languages; empty: only the cleaned source is written
    threshold: float = 0.5  # repair candidates below this confidence are flagged, not applied
    glossary_path: str | None = None
    glossary_source: str | None = None  # the languages of a two-column source,target glossary
    glossary_target: str | None = None
    models_dir: str | None = None
    memory_path: str | None = None  # default: OUT/.pipeline/memory.sqlite
    beam_size: int = 4
    compute_type: str = "auto"  # auto: int8 on CPU, int8_float16 on CUDA; or any CTranslate2 compute type
    device: str = "auto"  # auto | cpu | cuda: where models run (auto: CUDA when CTranslate2 sees one)
    device_index: tuple[int, ...] = (0,)  # CUDA devices to use
    max_batch_tokens: int = 0  # 0 = per device (TranslateSettings: chosen by measurement per device)
    jobs: int = 0  # local worker processes for decode/repair/detect; 0 = one per core
    strict: bool = False  # untranslated segments make the run fail
    force: bool = False  # rebuild every lesson even when the manifest says it is up to date
    chunk_size: int = 256  # lessons held in memory at once (memory stays flat in batch size)
    wait: float = 0.0  # seconds to wait for another run holding the output folder
    cluster: str | None = None  # Dask: "local:N" or "tcp://HOST:PORT"; None: this machine only
    keep_stale: bool = False  # keep outputs of lessons whose source is gone from RAW

    def stage_signature(self) -> dict[str, str]:
        """Settings that change the cleaned source: tool, repair and detector versions."""
        from pipeline.langid import DETECTOR_VERSION
        from pipeline.repair import REPAIR_VERSION

        return {
            "tool": f"pipeline {__version__}",
            "repair": f"{REPAIR_VERSION} threshold={self.threshold:g}",
            "langid": f"{DETECTOR_VERSION} languages={','.join(self.languages)}",
        }


def signature_text(parts: dict[str, str]) -> str:
    """One line, sacrebleu style: ``key:value|key:value``, in a fixed key order."""
    return "|".join(f"{k}:{v}" for k, v in parts.items())


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p if isinstance(p, bytes) else p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()
