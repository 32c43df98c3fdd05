"""The offset map of a long line as runs, not one integer per character.

A line under repair maps each boundary of its current text to an offset in the
original line (see :class:`pipeline.repair.core._Line`). Between edits that map
is linear (boundary ``i`` is original ``o + i``), and inside a replacement it is
constant (the replacement's original start): so it is a list of runs, one or
two per edit. On a page scraped as one huge line that is about 1 byte a
character instead of the 4 of an array, and the map is what stays in memory
while every pass of every round runs over the line.

A run is a length and an origin: ``o >= 0`` a linear run starting at original
offset ``o``, ``o < 0`` a constant run at ``~o``. Lengths, not starts, so the
runs between two edits are copied to the new map by a slice, unshifted.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from itertools import accumulate


class OffsetRuns:
    """The map of a line of ``size`` boundaries (its length + 1), identity at first."""

    __slots__ = ("lens", "orgs", "starts", "_new_lens", "_new_orgs")

    def __init__(self, size: int, typecode: str = "i") -> None:
        self.lens = array(typecode, (size,))
        self.orgs = array(typecode, (0,))
        self.starts = self.lens  # replaced by begin()
        self._new_lens = self._new_orgs = self.lens

    def begin(self) -> None:
        """Start a rewrite: index the runs (their starts) and open the new map."""
        self.starts = array(self.lens.typecode, accumulate(self.lens, initial=0))
        self._new_lens = array(self.lens.typecode)
        self._new_orgs = array(self.lens.typecode)

    def at(self, i: int) -> int:
        """The original offset of boundary ``i`` of the text before the rewrite."""
        st = self.starts
        k = bisect_right(st, i) - 1
        o = self.orgs[k]
        return o + i - st[k] if o >= 0 else ~o

    def _emit(self, n: int, org: int) -> None:
        lens, orgs = self._new_lens, self._new_orgs
        if lens:
            p = orgs[-1]
            if p == org < 0 or (org >= 0 and p >= 0 and p + lens[-1] == org):
                lens[-1] += n
                return
        lens.append(n)
        orgs.append(org)

    def copy(self, a: int, b: int) -> None:
        """Append the old map of boundaries [a, b) to the new one."""
        if b <= a:
            return
        st, orgs = self.starts, self.orgs
        k = bisect_right(st, a) - 1
        o = orgs[k]
        stop = st[k + 1]
        self._emit(min(stop, b) - a, o + a - st[k] if o >= 0 else o)
        if stop >= b:
            return
        k2 = bisect_right(st, b - 1) - 1
        if k2 > k + 1:
            self._new_lens += self.lens[k + 1 : k2]
            self._new_orgs += orgs[k + 1 : k2]
        self._emit(b - st[k2], orgs[k2])

    def constant(self, n: int, origin: int) -> None:
        """Append ``n`` boundaries that all map to ``origin`` (a replacement)."""
        if n > 0:
            self._emit(n, ~origin)

    def finish(self) -> None:
        """Make the new map the map."""
        self.lens, self.orgs = self._new_lens, self._new_orgs
        self.cancel()

    def cancel(self) -> None:
        """End a rewrite that changed nothing: keep the map, drop the index."""
        self.starts = self._new_lens = self._new_orgs = self.lens

    def expand(self) -> array[int]:
        """The map as one offset per boundary (for tests and small lines)."""
        out = array("q")
        for n, o in zip(self.lens, self.orgs):
            if o >= 0:
                out.extend(range(o, o + n))
            else:
                out += array("q", (~o,)) * n
        return out
