"""A set of 64-bit hashes as an open-addressing table that numpy probes for many at once.

The array scanners (`dag_cut`, `term_arrays`) look up every candidate word of a batch in one
go; a Python dict would cost a call per candidate. Linear probing, home slot = the hash's top
bits, load below a half: most lookups take one probe. The hashes sit in the table in
ascending order, so a probe stops at the first larger one: a miss costs no more than a hit.
"""

from __future__ import annotations

import numpy as np


class HashSlots:
    """The table of some distinct non-zero hashes; `place[i]` is the slot of the i-th one, so
    callers keep their values in arrays indexed by slot."""

    def __init__(self, hashes: np.ndarray) -> None:
        bits = max(4, int(2 * len(hashes)).bit_length())  # load factor below 1/2
        self._shift = np.uint64(64 - bits)
        # Sorted by hash, home slots never decrease, so linear probing puts the i-th at
        # i + cummax(home - i): the table is built without a Python loop.
        order = np.argsort(hashes)
        home = (hashes[order] >> self._shift).astype(np.int64)
        rank = np.arange(len(home))
        placed = rank + np.maximum.accumulate(home - rank)
        self.place = np.empty(len(hashes), np.int64)
        self.place[order] = placed
        # Every home slot, the overflow past the last, and an empty slot that ends probes.
        self.size = max(1 << bits, int(placed.max(initial=0)) + 1) + 1
        self._slots = np.zeros(self.size, np.uint64)  # 0 = empty
        self._slots[placed] = hashes[order]

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """Slot of each hash, or -1 when it is not in the table."""
        slot = (hashes >> self._shift).astype(np.int64)
        found = np.full(len(hashes), -1, np.int64)
        todo = np.arange(len(hashes))
        while todo.size:
            stored = self._slots[slot[todo]]
            wanted = hashes[todo]
            hit = stored == wanted
            found[todo[hit]] = slot[todo[hit]]
            todo = todo[(stored < wanted) & (stored != 0)]  # past it, or empty: not there
            slot[todo] += 1
        return found
