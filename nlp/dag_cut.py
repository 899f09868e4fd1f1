"""jieba's `cut(text, HMM=False)`, vectorised with NumPy over a whole batch of texts.

jieba walks every sentence in Python, character by character: building the DAG, choosing
the route and buffering Latin letters cost about 5 µs a character. `DagCutter` does the same
work for all texts of a batch at once, in array operations, and gives exactly jieba's words
(tests/nlp/test_dag_cut.py compares them on the PKU and MSR test sets and random strings).

How it stays exact:
- Blocks: jieba cuts a text into runs of `re_han_default` characters ("han" blocks, where
  the DAG runs) and the rest, where every character is a word except a "\\r\\n" pair.
- DAG: a substring is looked up by a 64-bit hash (Horner's rule over a seeded random value
  per character, modulo 2**64), extending length L only where the length L-1 prefix was
  a key of FREQ, exactly where jieba's `while frag in FREQ` loop goes on. Two different
  strings share a hash with a chance of about 2**-64, so a wrong lookup is astronomically
  rare, though not impossible.
- Route: each word's weight `log(freq) - log(total)` is computed with `math.log`, as jieba
  does (np.log may differ in the last bit), and added to the route in float64 in jieba's
  order; ties go to the longest word, as jieba's `max` over (value, end) tuples does.
- Latin: consecutive one-character words matching `[a-zA-Z0-9]` are joined, as in
  `__cut_DAG_NO_HMM`.

Only batches gain: each route step costs a few NumPy calls however many blocks share it,
so a lone short text (about 8x slower than jieba) or one long run without punctuation
(a 20,000-character one: about 3x slower) is better left to jieba.

The cutter is a snapshot of the tokenizer's FREQ and total: build a new one after
`add_word`, `del_word`, `suggest_freq(..., tune=True)` or `load_userdict`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate, pairwise
from typing import Any

import numpy as np

from fincorpus.nlp.hash_slots import HashSlots

_TOP = 0x9FD6  # code points above U+9FD5 are never in a han block
_B = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier of the rolling hash
_SEED = np.uint64(0x243F6A8885A308D3)  # the hash of "", so lengths differ in hash
_SEED_B = np.uint64(0x243F6A8885A308D3 * 0x9E3779B97F4A7C15 % 2**64)
_CHUNK = 1 << 17  # characters handled at once: bounds the (chars x word length) matrix


def _char_classes() -> tuple[np.ndarray, np.ndarray]:
    """Lookup tables over code points 0..U+9FD6: in `re_han_default`, and in `re_eng`."""
    han = np.zeros(_TOP + 1, bool)
    eng = np.zeros(_TOP + 1, bool)
    for lo, hi in (("a", "z"), ("A", "Z"), ("0", "9")):
        eng[ord(lo):ord(hi) + 1] = True
    han[eng] = True
    han[[ord(c) for c in "+#&._%-"]] = True
    han[0x4E00:_TOP] = True
    return han, eng


_HAN, _ENG = _char_classes()
_RAND = np.random.default_rng(20250101).integers(
    0, 2**64 - 1, _TOP + 1, np.uint64, endpoint=True)  # a random value per character


def _codepoints(text: str) -> np.ndarray:
    """Code points as int64 (lone surrogates kept, as Python counts them)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32).astype(np.int64)


def _weights(freqs: list[Any], logtotal: float) -> np.ndarray:
    """jieba's `log(freq) - logtotal` for each freq, NaN for 0 (a prefix, not a word).

    math.log, as jieba, not np.log; called once per distinct frequency, as most repeat.
    """
    values = np.array(freqs)
    if values.dtype.kind != "i":  # huge or non-integer frequencies: one by one
        return np.array([math.log(f) - logtotal if f else math.nan for f in freqs])
    distinct, back = np.unique(values, return_inverse=True)
    logs = np.array([math.log(f) if f else math.nan for f in distinct.tolist()])
    return (logs - logtotal)[back]


class DagCutter:
    """Exactly `tokenizer.cut(text, HMM=False)`, for many texts at once.

    Built once from an initialised `jieba.Tokenizer` (its FREQ and total, user words
    included); jieba's global tokenizer is never touched.
    """

    def __init__(self, tokenizer: Any) -> None:
        tokenizer.check_initialized()
        if not tokenizer.total > 0:  # jieba fails too, at log(total), on any han block
            raise ValueError(f"the dictionary's total frequency is {tokenizer.total!r}")
        logtotal = math.log(tokenizer.total)
        self._fallback = 0.0 - logtotal  # jieba: log(FREQ.get(frag) or 1) - logtotal
        keys = list(tokenizer.FREQ)
        # Only keys made of han-block characters can ever be looked up.
        cp = _codepoints("\0".join(keys) + "\0")
        lens = np.fromiter(map(len, keys), np.int64, len(keys))
        starts = np.concatenate(([0], np.cumsum(lens + 1)[:-1]))
        bad = np.add.reduceat((~_HAN[np.minimum(cp, _TOP)]).astype(np.int64), starts)
        usable = (bad == 1) & (lens > 0)  # the only non-han character: the "\0" after it
        weights = _weights(list(tokenizer.FREQ.values()), logtotal)[usable]
        lens, starts = lens[usable], starts[usable]

        one = lens == 1
        self._one_known = np.zeros(_TOP + 1, bool)  # single characters, indexed by code point
        self._one_known[cp[starts[one]]] = True
        self._one_weight = np.full(_TOP + 1, math.nan)
        self._one_weight[cp[starts[one]]] = weights[one]

        lens, starts, weights = lens[~one], starts[~one], weights[~one]
        hashes = np.full(len(lens), _SEED)
        for j in range(int(lens.max(initial=0))):
            rows = np.flatnonzero(lens > j)
            hashes[rows] = hashes[rows] * _B + _RAND[cp[starts[rows] + j]]
        self._longest = int(lens.max(initial=1))
        self._build_table(hashes, weights)

    def _build_table(self, hashes: np.ndarray, weights: np.ndarray) -> None:
        """The words' hashes as a probe table, each word's weight at its slot."""
        if len(np.unique(hashes)) < len(hashes) or (hashes == 0).any():
            raise RuntimeError("64-bit hash collision between dictionary words")
        table = HashSlots(hashes)
        self._lookup = table.lookup
        self._weights = np.full(table.size, math.nan)
        self._weights[table.place] = weights

    def cut_many(self, texts: Sequence[str]) -> list[list[int]]:
        """For each text, the end offset of each of its words: words are text[prev_end:end]."""
        ends, counts = self.cut_flat(texts)
        flat = ends.tolist()  # one conversion, then list slices
        bounds = [0, *accumulate(counts.tolist())]
        return [flat[a:b] for a, b in pairwise(bounds)]

    def cut_flat(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """`cut_many` as two arrays: the word ends of every text, one text after another,
        and how many words each text has."""
        ends, counts = [], []
        for batch in _chunks(texts):
            relative, lo, hi = self._ends(batch)
            inside = np.zeros(len(relative) + 1, np.int64)  # ends of a text, not of a "\0"
            np.add.at(inside, lo, 1)
            np.add.at(inside, hi, -1)
            ends.append(relative[np.cumsum(inside[:-1]) > 0])
            counts.append(hi - lo)
        if not ends:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(ends), np.concatenate(counts)

    def cut(self, text: str) -> list[str]:
        """The words of one text, = list(tokenizer.cut(text, HMM=False))."""
        ends = self.cut_many([text])[0]
        return [text[a:b] for a, b in zip([0, *ends], ends)]

    def _ends(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Word ends of the texts, each from its text's start, with the range [lo, hi) of
        each text's (the ends between are those of the "\0" separators)."""
        # One array for all texts, each followed by a "\0" separator: a non-han character,
        # so no block crosses a text's end and every block is followed by a route end of 0.
        cp = _codepoints("\0".join(texts) + "\0")
        n = len(cp)
        han = _HAN[np.minimum(cp, _TOP)]
        is_end = np.zeros(n + 1, bool)  # is_end[i]: a word ends before character i
        is_end[0] = True
        # Outside han blocks every character is a word, but "\r\n" is one word.
        is_end[np.flatnonzero(~han) + 1] = True
        is_end[np.flatnonzero((cp[:-1] == 13) & (cp[1:] == 10)) + 1] = False
        if han.any():
            self._cut_blocks(cp, han, is_end)
        # Consecutive one-character words matching [a-zA-Z0-9] become one word.
        eng = is_end[:-1] & is_end[1:] & _ENG[np.minimum(cp, _TOP)]
        is_end[np.flatnonzero(eng[:-1] & eng[1:]) + 1] = False

        ends = np.flatnonzero(is_end)
        lengths = np.fromiter(map(len, texts), np.int64, len(texts))
        offsets = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
        lo = np.searchsorted(ends, offsets, "right")
        hi = np.searchsorted(ends, offsets + lengths, "right")
        owner = np.maximum(np.searchsorted(offsets, ends, "right") - 1, 0)
        return ends - offsets[owner], lo, hi

    def _cut_blocks(self, cp: np.ndarray, han: np.ndarray, is_end: np.ndarray) -> None:
        """Mark the word ends of jieba's best route through every han block."""
        n = len(cp)
        # DAG: (start, length, weight) of every dictionary word in a han block.
        pos = np.flatnonzero(han)
        known = self._one_known[cp[pos]]
        edge_pos, edge_len, edge_w = [pos], [np.zeros(len(pos), np.int64)], [
            np.where(known, self._one_weight[cp[pos]], math.nan)]
        pos = pos[known]
        hashes = _RAND[cp[pos]] + _SEED_B
        for length in range(2, self._longest + 1):
            keep = han[pos + length - 1]  # the "\0" at the end keeps this in range
            pos, hashes = pos[keep], hashes[keep]
            hashes = hashes * _B + _RAND[cp[pos + length - 1]]
            slot = self._lookup(hashes)
            hit = slot >= 0
            pos, hashes, slot = pos[hit], hashes[hit], slot[hit]
            if not pos.size:
                break
            edge_pos.append(pos)
            edge_len.append(np.full(len(pos), length - 1))
            edge_w.append(self._weights[slot])
        starts, lens, weights = map(np.concatenate, (edge_pos, edge_len, edge_w))
        word = ~np.isnan(weights)  # NaN: a prefix only, not a word
        starts, lens, weights = starts[word], lens[word], weights[word]
        width = int(lens.max(initial=0)) + 1
        dense = np.full((n, width), -np.inf)  # dense[p, l]: weight of the word cp[p:p+l+1]
        dense[starts, lens] = weights
        # A position where no word starts is a one-character word of frequency 0.
        starting = np.zeros(n, bool)
        starting[starts] = True
        dense[np.flatnonzero(han & ~starting), 0] = self._fallback
        route = self._route(han, dense)
        # Follow the route from each block's start, all blocks in step.
        at = np.flatnonzero(han & ~np.concatenate(([False], han[:-1])))
        while at.size:
            at = route[at]
            is_end[at] = True
            at = at[han[at]]

    @staticmethod
    def _route(han: np.ndarray, dense: np.ndarray) -> np.ndarray:
        """jieba's `calc` for all blocks at once: the end of the best first word at each p.

        Step t handles the t-th position from each block's end; blocks are sorted longest
        first so that the blocks still running are the first rows.
        """
        n, width = dense.shape
        edges = np.diff(np.concatenate(([0], han.view(np.int8), [0])))
        begin, end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        order = np.argsort(begin - end, kind="stable")
        last = end[order] - 1
        lengths = (end - begin)[order]
        running = len(lengths) - np.searchsorted(lengths[::-1], np.arange(lengths[0]), "right")
        best = np.zeros(n + width + 1)  # best[p]: route value from p; 0 after a block
        nxt = np.zeros(n, np.int64)
        cols = np.arange(1, width + 1)
        rows = np.arange(len(lengths))
        for t, m in enumerate(running.tolist()):
            p = last[:m] - t
            value = dense[p] + best[p[:, None] + cols]
            pick = width - 1 - value[:, ::-1].argmax(1)  # ties: the longest word
            best[p] = value[rows[:m], pick]
            nxt[p] = p + pick + 1
        return nxt


def _chunks(texts: Sequence[str]):
    """The texts in consecutive batches of about _CHUNK characters (at least one text each)."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > _CHUNK:
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text) + 1
    if batch:
        yield batch
