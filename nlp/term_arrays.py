"""`TermMatcher`'s scan with array operations, for long texts and large lexicons.

The regular expression of `terms._scanner` tests, at every position, one group of keys
after another; with tens of thousands of keys (the stance cues) that costs about half a
microsecond a character. Here every key found at every position is looked up at once,
one key length after another, and the leftmost-longest choice is made on the arrays:

- a prefix of a key is looked up by a 64-bit hash (Horner's rule over a seeded random
  value per character of the keys' alphabet), extended by one character only where the
  shorter prefix is one of some key, until none is;
- a key that starts or ends with an ASCII letter or digit must not touch another one on
  that side (the matcher's word-boundary rule); at each position the longest key that
  keeps the rule wins, as in the regular expression;
- the chosen matches are then followed from the left, each resuming at the end of the
  one before.

Every chosen match is compared with its key before it is returned: were two strings ever
to share a hash, `find` gives None and the caller scans with the regular expression.
"""

from __future__ import annotations

import numpy as np

from fincorpus.nlp.hash_slots import HashSlots

_B = 0x9E3779B97F4A7C15  # odd multiplier of the rolling hash
_SEED = 0x243F6A8885A308D3  # the hash of ""
_MASK = (1 << 64) - 1
_BMP = 0x10000


class HashedTerms:
    """The keys of one matcher as hashes of all their prefixes (built once, on first use)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        alphabet = sorted({ord(ch) for key in keys for ch in key})
        self._alphabet = np.array(alphabet, dtype=np.int64)
        rand = np.random.default_rng(20250101).integers(
            0, 2**64 - 1, len(alphabet), np.uint64, endpoint=True)
        self._rand = rand
        value = dict(zip(alphabet, rand.tolist(), strict=True))
        prefixes: dict[int, tuple[str, int]] = {}  # hash -> (prefix, key index or -1)
        self.exact = True
        for index, key in enumerate(keys):
            h = _SEED
            for end, ch in enumerate(key, 1):
                h = (h * _B + value[ord(ch)]) & _MASK
                seen = prefixes.get(h)
                if seen is not None and seen[0] != key[:end]:
                    self.exact = False  # two prefixes share a hash: use the regex
                if end == len(key) or seen is None:
                    prefixes[h] = (key[:end], index if end == len(key) else
                                   (seen[1] if seen else -1))
        self._table(np.array(list(prefixes), dtype=np.uint64),
                    np.array([key for _, key in prefixes.values()], dtype=np.int64))
        # Code point -> index in the alphabet (-1: in no key), for the plane most text is in.
        self._index = np.full(_BMP + 1, -1, dtype=np.int64)
        inside = self._alphabet[self._alphabet < _BMP]
        self._index[inside] = np.searchsorted(self._alphabet, inside)
        word = [_word(key[0]) for key in keys], [_word(key[-1]) for key in keys]
        self._word_start = np.array(word[0], dtype=bool)
        self._word_end = np.array(word[1], dtype=bool)

    def _table(self, hashes: np.ndarray, keys: np.ndarray) -> None:
        """The prefixes' hashes as a probe table, each one's key index (or -1) at its slot.
        (No hash may be 0, the empty slot: `exact` is cleared if one is.)"""
        if (hashes == 0).any():
            self.exact = False
        table = HashSlots(hashes)
        self._lookup = table.lookup
        self._slot_key = np.full(table.size, -1, dtype=np.int64)
        self._slot_key[table.place] = keys

    def find(self, text: str) -> tuple[list[int], list[int], list[int]] | None:
        """(starts, ends, key indexes) of the leftmost-longest keys in `text` (folded as the
        keys are), or None if a hash misled (then scan with the regular expression)."""
        cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.int64)
        starts, ends, keys = self._candidates(cp)
        chosen = _leftmost(starts, ends)
        starts, ends, keys = starts[chosen].tolist(), ends[chosen].tolist(), keys[chosen].tolist()
        names = self.keys
        if any(text[a:b] != names[k] for a, b, k in zip(starts, ends, keys)):
            return None
        return starts, ends, keys

    def _candidates(self, cp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At each position where some key fits the boundary rule, the longest such key:
        (starts, ends, key indexes), sorted by start."""
        n = len(cp)
        at = self._index[np.minimum(cp, _BMP)]
        beyond = np.flatnonzero(cp >= _BMP)  # rare: looked up in the alphabet itself
        if len(beyond):
            near = np.minimum(np.searchsorted(self._alphabet, cp[beyond]), len(self._alphabet) - 1)
            at[beyond] = np.where(self._alphabet[near] == cp[beyond], near, -1)
        known = at >= 0
        values = self._rand[at]  # -1: any value, never used
        pos = np.flatnonzero(known)
        h = values[pos] + np.uint64(_SEED * _B & _MASK)
        found_pos, found_len, found_key = [], [], []
        length = 1
        while pos.size:
            slot = self._lookup(h)
            hit = slot >= 0
            pos, h, key = pos[hit], h[hit], self._slot_key[slot[hit]]
            whole = key >= 0
            found_pos.append(pos[whole])
            found_len.append(np.full(int(whole.sum()), length, dtype=np.int64))
            found_key.append(key[whole])
            nxt = pos + length
            more = nxt < n
            more[more] = known[nxt[more]]
            pos, h = pos[more], h[more] * np.uint64(_B) + values[nxt[more]]
            length += 1
        if not found_pos:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        starts, lengths, keys = map(np.concatenate, (found_pos, found_len, found_key))
        ends = starts + lengths
        word = _ascii_word(cp)
        before = np.zeros(len(starts), dtype=bool)
        inner = starts > 0
        before[inner] = word[starts[inner] - 1]
        after = np.zeros(len(ends), dtype=bool)
        inner = ends < n
        after[inner] = word[ends[inner]]
        fits = ~((self._word_start[keys] & before) | (self._word_end[keys] & after))
        starts, ends, keys = starts[fits], ends[fits], keys[fits]
        order = np.lexsort((starts - ends, starts))  # by start, the longest first
        starts, ends, keys = starts[order], ends[order], keys[order]
        first = np.r_[True, starts[1:] != starts[:-1]] if len(starts) else np.zeros(0, bool)
        return starts[first], ends[first], keys[first]


def _leftmost(starts: np.ndarray, ends: np.ndarray) -> list[int]:
    """Indexes of the matches taken left to right, each after the end of the one before."""
    following = np.searchsorted(starts, ends).tolist()  # the first match at or after the end
    chosen, at, count = [], 0, len(starts)
    while at < count:
        chosen.append(at)
        at = following[at]
    return chosen


def _word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _ascii_word(cp: np.ndarray) -> np.ndarray:
    """Where the code points are ASCII letters or digits (the matcher's word characters)."""
    return ((cp >= 48) & (cp <= 57)) | ((cp >= 65) & (cp <= 90)) | ((cp >= 97) & (cp <= 122))
