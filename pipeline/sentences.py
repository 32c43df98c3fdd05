"""PLACEHOLDER until the language-detection work lands: naive sentence split."""
from __future__ import annotations

import re

_END = re.compile(r"(?<=[.!?…])\s+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character ranges (start, end) of the sentences of ``text``, covering its non-space text."""
    out, pos = [], 0
    for m in _END.finditer(text):
        if text[pos : m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text.rstrip())))
    return out
