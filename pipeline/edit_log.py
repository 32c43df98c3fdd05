"""A compact edit log: a ``list[Edit]`` whose edits are held as machine integers.

Why: a page scraped as one huge line makes an edit every ~15 bytes (68k edits
per MB), and one :class:`~pipeline.document.Edit` object with its two offset
ints costs about 160 bytes: the edit log alone was 10x the input, the largest
part of a lesson's memory. :class:`EditLog` keeps five integer columns per
edit (start, length, and indices into tables of the distinct texts and of the
distinct (rule, confidence, applied) triples), about 10 bytes an edit, and
builds an ``Edit`` each time one is read.

It is a ``list`` subclass so that everything typed ``list[Edit]`` takes it and
everyone who iterates, indexes, slices, compares, concatenates, prints or
pickles edits sees exactly the same edits as with a plain list. The first call
that changes it (``append``, ``sort``, ``+=``, item assignment, ...) turns it
into an ordinary list of ``Edit`` objects first, so every list operation keeps
its usual meaning.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any, SupportsIndex, overload

from pipeline.document import Edit

# Texts up to this long are shared between edits (a damaged page repeats a few
# dozen remnants thousands of times); longer ones get their own table entry.
_SHARED_TEXT = 64


# The next wider signed typecode of a column that a value does not fit.
_WIDER = {"b": "h", "h": "i", "i": "q"}
_COLUMNS = ("start", "span", "before", "after", "kind")


class EditColumns:
    """The columns of an edit log, appended to one edit at a time.

    Each column starts as narrow as its values usually are (``span`` = end -
    start and ``kind`` one byte, the text indices two, ``start`` four) and is
    widened, once, by the first value that does not fit: about 10 bytes an edit.
    """

    __slots__ = ("after", "before", "kind", "kinds", "span", "start", "texts", "_kind_index", "_text_index")

    def __init__(self) -> None:
        self.start = array("i")
        self.span = array("b")
        self.before = array("h")
        self.after = array("h")
        self.kind = array("b")
        self.texts: list[str] = []
        # (rule, confidence, applied) as given: the objects themselves, so a
        # confidence of int 1 or -0.0 comes back as it went in (as_dict writes it).
        self.kinds: list[tuple[str, float, bool]] = []
        self._text_index: dict[str, int] = {}
        self._kind_index: dict[tuple[str, int, int], int] = {}

    def __len__(self) -> int:
        return len(self.kind)

    def _text(self, text: str) -> int:
        if len(text) <= _SHARED_TEXT:
            k = self._text_index.get(text)
            if k is None:
                k = self._text_index[text] = len(self.texts)
                self.texts.append(text)
            return k
        self.texts.append(text)
        return len(self.texts) - 1

    def add(self, start: int, end: int, before: str, after: str, rule: str, confidence: float, applied: bool) -> None:
        key = (rule, id(confidence), id(applied))
        k = self._kind_index.get(key)
        if k is None:
            k = self._kind_index[key] = len(self.kinds)
            self.kinds.append((rule, confidence, applied))  # keeps the ids above valid
        b, a = self._text(before), self._text(after)
        try:
            self.start.append(start)
            self.span.append(end - start)
            self.before.append(b)
            self.after.append(a)
            self.kind.append(k)
        except OverflowError:
            self._widen((start, end - start, b, a, k))

    def _widen(self, values: tuple[int, ...]) -> None:
        """Append ``values`` (one per column), widening the columns they overflow."""
        n = min(len(getattr(self, name)) for name in _COLUMNS)
        for name, value in zip(_COLUMNS, values):
            col = getattr(self, name)
            del col[n:]  # undo the appends made before the overflow
            while True:
                try:
                    col.append(value)
                    break
                except OverflowError:
                    if col.typecode not in _WIDER:
                        raise
                    col = array(_WIDER[col.typecode], col)
            setattr(self, name, col)

    def add_edit(self, e: Edit) -> None:
        self.add(e.start, e.end, e.before, e.after, e.rule, e.confidence, e.applied)

    def edit(self, k: int) -> Edit:
        rule, confidence, applied = self.kinds[self.kind[k]]
        texts = self.texts
        start = self.start[k]
        return Edit(start, start + self.span[k], texts[self.before[k]], texts[self.after[k]], rule, confidence, applied)

    def key(self, k: int) -> tuple[int, int, str, str]:
        """(start, end, rule, after) of edit ``k``, without building the Edit."""
        start = self.start[k]
        return start, start + self.span[k], self.kinds[self.kind[k]][0], self.texts[self.after[k]]

    def sorted_by_span(self) -> EditColumns:
        """The same edits ordered by (start, end), stably (edits of one span keep their order)."""
        n = len(self)
        start, span = self.start, self.span
        if all(start[k] < start[k + 1] or (start[k] == start[k + 1] and span[k] <= span[k + 1]) for k in range(n - 1)):
            return self
        # One int per edit packs (start, end, position): a plain int sort, no key tuples.
        lo = min(min(start, default=0), min(span, default=0), 0)
        width = max(max(start, default=0), max(span, default=0), 0) - 2 * lo + 1
        order = sorted(((s - lo) * width + (d - lo)) * n + k for k, (s, d) in enumerate(zip(start, span)))
        out = EditColumns()
        out.texts, out.kinds = self.texts, self.kinds
        out._text_index, out._kind_index = self._text_index, self._kind_index
        for name in _COLUMNS:
            col = getattr(self, name)
            setattr(out, name, array(col.typecode, (col[p % n] for p in order)))
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        state = (self.start, self.span, self.before, self.after, self.kind, self.texts, self.kinds)
        return (_columns, state)


def _columns(
    start: array[int],
    span: array[int],
    before: array[int],
    after: array[int],
    kind: array[int],
    texts: list[str],
    kinds: list[tuple[str, float, bool]],
) -> EditColumns:
    c = EditColumns()
    c.start, c.span, c.before, c.after, c.kind, c.texts, c.kinds = start, span, before, after, kind, texts, kinds
    # Appending after a round trip: texts may repeat (no index), kinds are re-keyed.
    c._kind_index = {(r, id(conf), id(ap)): k for k, (r, conf, ap) in enumerate(kinds)}
    return c


class EditLog(list[Edit]):
    """A list of :class:`Edit` held as :class:`EditColumns` until it is changed."""

    __slots__ = ("_c",)

    def __init__(self, edits: Iterable[Edit] | EditColumns = ()) -> None:
        super().__init__()
        if isinstance(edits, EditColumns):
            self._c: EditColumns | None = edits
            return
        c = EditColumns()
        for e in edits:
            c.add_edit(e)
        self._c = c

    # -- reading: from the columns while there are columns ------------------------

    def __len__(self) -> int:
        c = self._c
        return super().__len__() if c is None else len(c)

    def __iter__(self) -> Iterator[Edit]:
        c = self._c
        if c is None:
            return super().__iter__()
        return map(c.edit, range(len(c)))

    def __reversed__(self) -> Iterator[Edit]:
        c = self._c
        if c is None:
            return super().__reversed__()
        return map(c.edit, range(len(c) - 1, -1, -1))

    @overload
    def __getitem__(self, i: SupportsIndex) -> Edit: ...
    @overload
    def __getitem__(self, i: slice) -> list[Edit]: ...
    def __getitem__(self, i: SupportsIndex | slice) -> Edit | list[Edit]:
        c = self._c
        if c is None:
            return super().__getitem__(i)
        if isinstance(i, slice):
            return [c.edit(k) for k in range(*i.indices(len(c)))]
        k = i.__index__()
        n = len(c)
        if k < 0:
            k += n
        if not 0 <= k < n:
            raise IndexError("list index out of range")
        return c.edit(k)

    def _list(self) -> list[Edit]:
        return list(self) if self._c is not None else list(super().__iter__())

    def __contains__(self, item: object) -> bool:
        return super().__contains__(item) if self._c is None else any(e == item for e in self)

    def index(self, value: Edit, start: SupportsIndex = 0, stop: SupportsIndex = 2**63 - 1) -> int:
        return self._list().index(value, start, stop)

    def count(self, value: Edit) -> int:
        return self._list().count(value)

    def copy(self) -> list[Edit]:
        return self._list()

    def __repr__(self) -> str:
        return repr(self._list())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, list):
            return NotImplemented
        if len(self) != len(other):
            return False
        return self._list() == (other._list() if isinstance(other, EditLog) else other)

    def __ne__(self, other: object) -> bool:
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __lt__(self, other: list[Edit]) -> bool:
        return self._list() < list(other)

    def __le__(self, other: list[Edit]) -> bool:
        return self._list() <= list(other)

    def __gt__(self, other: list[Edit]) -> bool:
        return self._list() > list(other)

    def __ge__(self, other: list[Edit]) -> bool:
        return self._list() >= list(other)

    __hash__ = None  # type: ignore[assignment]  # a list: unhashable

    def __add__(self, other: list[Edit]) -> list[Edit]:  # type: ignore[override]
        if not isinstance(other, list):
            return NotImplemented
        return self._list() + list(other)

    def __radd__(self, other: list[Edit]) -> list[Edit]:
        if not isinstance(other, list):
            return NotImplemented
        return list(other) + self._list()

    def __mul__(self, n: SupportsIndex) -> list[Edit]:
        return self._list() * n

    def __rmul__(self, n: SupportsIndex) -> list[Edit]:
        return self._list() * n

    def __reduce__(self) -> tuple[Any, ...]:
        c = self._c
        return (EditLog, (self._list() if c is None else c,))

    def __sizeof__(self) -> int:
        c = self._c
        if c is None:
            return super().__sizeof__()
        cols = [getattr(c, name) for name in _COLUMNS]
        return super().__sizeof__() + sum(a.buffer_info()[1] * a.itemsize for a in cols)

    # -- changing: into a plain list first -----------------------------------------

    def _materialise(self) -> None:
        c = self._c
        if c is not None:
            edits = [c.edit(k) for k in range(len(c))]
            self._c = None
            super().extend(edits)

    def append(self, e: Edit) -> None:
        self._materialise()
        super().append(e)

    def extend(self, edits: Iterable[Edit]) -> None:
        self._materialise()
        super().extend(edits)

    def insert(self, i: SupportsIndex, e: Edit) -> None:
        self._materialise()
        super().insert(i, e)

    def pop(self, i: SupportsIndex = -1) -> Edit:
        self._materialise()
        return super().pop(i)

    def remove(self, e: Edit) -> None:
        self._materialise()
        super().remove(e)

    def clear(self) -> None:
        self._c = None
        super().clear()

    def reverse(self) -> None:
        self._materialise()
        super().reverse()

    def sort(self, *args: Any, **kwargs: Any) -> None:
        self._materialise()
        super().sort(*args, **kwargs)

    def __setitem__(self, i: Any, value: Any) -> None:
        self._materialise()
        super().__setitem__(i, value)

    def __delitem__(self, i: SupportsIndex | slice) -> None:
        self._materialise()
        super().__delitem__(i)

    def __iadd__(self, edits: Iterable[Edit]) -> EditLog:  # type: ignore[override,misc]
        self._materialise()
        super().extend(edits)
        return self

    def __imul__(self, n: SupportsIndex) -> EditLog:  # type: ignore[misc]
        self._materialise()
        super().__imul__(n)
        return self
