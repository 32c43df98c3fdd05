"""A lesson's sidecar as JSON text made piece by piece, so it is written as it is made.

A sidecar holds the whole repaired text and every segment twice (source and each
target) with its spans: about 7 MB of JSON for a 1 MB lesson, and much more as
Python objects. :func:`chunks` writes the same text ``json.dumps(obj,
ensure_ascii=False, separators=(",", ":"))`` would, byte for byte, but the
parts marked :class:`Items`, :class:`Object` and :class:`Text` are made from
iterators, a few hundred items (one slice) at a time: only those items' dicts
exist at once. Every other value (a plain dict or list too) is dumped whole by
the C encoder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


# The encoder json.dumps(..., ensure_ascii=False, separators=(",", ":")) makes, made once.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class Items:
    """A JSON array whose items come from an iterator (each dumped on its own)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self.items = items


class Object:
    """A JSON object whose (key, value) pairs come from an iterator."""

    def __init__(self, pairs: Iterable[tuple[str, Any]]) -> None:
        self.pairs = pairs


class Text:
    """A JSON string given as consecutive slices (JSON escapes each character on its own,
    so the slices' escapes joined are the whole string's)."""

    def __init__(self, slices: Iterable[str]) -> None:
        self.slices = slices


def chunks(value: Any, end: str = "") -> Iterator[str]:
    """The compact JSON of ``value``, then ``end``, in pieces of about :data:`PIECE` characters
    (a piece per item would cost more in calls than the encoding itself)."""
    buf: list[str] = []
    size = 0
    for piece in _pieces(value):
        buf.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield "".join(buf)
            buf, size = [], 0
    buf.append(end)
    yield "".join(buf)


PIECE = 1 << 16
BATCH = 256  # plain items of an :class:`Items` dumped by one call of the C encoder


def _pieces(value: Any) -> Iterator[str]:
    if isinstance(value, Object):
        sep = "{"
        for key, item in value.pairs:
            yield sep + _ENCODE(key) + ":"
            sep = ","
            yield from _pieces(item)
        yield "{}" if sep == "{" else "}"
    elif isinstance(value, Items):
        yield "["
        first = True
        batch: list[Any] = []
        for item in value.items:
            if not isinstance(item, _LAZY):
                batch.append(item)
                if len(batch) < BATCH:
                    continue
            if batch:
                yield ("" if first else ",") + _ENCODE(batch)[1:-1]  # "[a,b]" -> "a,b"
                first, batch = False, []
            if isinstance(item, _LAZY):
                if not first:
                    yield ","
                first = False
                yield from _pieces(item)
        if batch:
            yield ("" if first else ",") + _ENCODE(batch)[1:-1]
        yield "]"
    elif isinstance(value, Text):
        yield '"'
        for piece in value.slices:
            yield _ENCODE(piece)[1:-1]
        yield '"'
    else:
        yield _ENCODE(value)


_LAZY = (Object, Items, Text)
