"""PLACEHOLDER until the repair module lands: ftfy only, no edit log."""
from __future__ import annotations

import ftfy

from pipeline.document import Repaired


def repair(text: str, *, threshold: float = 0.5) -> Repaired:
    return Repaired(ftfy.fix_text(text))
