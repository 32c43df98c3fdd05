"""UTF-8 encoding of long strings a slice at a time.

``str.encode`` reserves 3 bytes a character of what it is given before it
shrinks the result, so encoding a megabytes-long lesson whole briefly costs
several times its size. Code points are encoded one by one, so the slices'
bytes joined are those of the whole string encoded at once.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

SLICE = 1 << 18  # characters encoded at a time


def utf8_slices(text: str, errors: str = "strict") -> Iterator[bytes]:
    """``text`` as UTF-8, :data:`SLICE` characters at a time."""
    for k in range(0, len(text), SLICE):
        yield text[k : k + SLICE].encode("utf-8", errors)


def decoded_slices(data: bytes, errors: str = "strict") -> Iterator[str]:
    """UTF-8 ``data`` decoded :data:`SLICE` bytes at a time (a character cut by a
    slice's edge comes whole with the next slice); joined, ``data.decode("utf-8", errors)``."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors)
    for k in range(0, len(data), SLICE):
        piece = decoder.decode(data[k : k + SLICE], final=k + SLICE >= len(data))
        if piece:
            yield piece


def str_slices(text: str) -> Iterator[str]:
    """``text`` in slices of :data:`SLICE` characters."""
    for k in range(0, len(text), SLICE):
        yield text[k : k + SLICE]
