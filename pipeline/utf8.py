"""UTF-8 encoding of long strings a slice at a time.

``str.encode`` reserves 3 bytes a character of what it is given before it
shrinks the result, so encoding a megabytes-long lesson whole briefly costs
several times its size. Code points are encoded one by one, so the slices'
bytes joined are those of the whole string encoded at once.
"""

from __future__ import annotations

from collections.abc import Iterator

SLICE = 1 << 18  # characters encoded at a time


def utf8_slices(text: str, errors: str = "strict") -> Iterator[bytes]:
    """``text`` as UTF-8, :data:`SLICE` characters at a time."""
    for k in range(0, len(text), SLICE):
        yield text[k : k + SLICE].encode("utf-8", errors)
