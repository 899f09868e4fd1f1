"""Passages reused across articles: MinHash signatures, LSH banding, exact Jaccard to confirm.

Self-media accounts rewrite each other: a paragraph comes back with a few words changed.
Each passage (a paragraph, or a window of consecutive sentences) becomes the set of its
character k-grams (k = 5) after folding: NFKC, lower case, and no whitespace or punctuation,
so 6826亿美元， and 6826 亿美元 read alike. A MinHash signature of `num_perm` values estimates
the Jaccard similarity of two sets; LSH splits it into bands and makes two passages
candidates when one band is identical, with rows per band chosen so that a pair at the
threshold is a candidate with probability at least 0.99. Candidates are then confirmed with
their exact Jaccard, so the answer holds no false positives and (almost surely) no misses.

All of it is NumPy: k-grams hash as a rolling polynomial over code points, the permutations
are (a·x + b) mod (2^61 − 1) with a fixed seed, so the same input gives the same pairs.
Pairs are flagged, never dropped: the caller decides what a reused passage means.
Passages that fold to the same text are compared once: a paragraph reposted by a thousand
accounts costs one signature, and its copies pair up with Jaccard 1 without a check each.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Article

_PRIME = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
_BASE = np.uint64(1_000_003)
#: Shingles hashed per block: bounds the (shingles x permutations) matrix to ~32 MB.
_BLOCK = 1 << 15


@dataclass(frozen=True, slots=True)
class Pair:
    """Two passages that share most of their character k-grams; spans into each text."""

    a_id: str
    a_start: int
    a_end: int
    b_id: str
    b_start: int
    b_end: int
    similarity: float  # exact Jaccard of the k-gram sets
    estimate: float  # MinHash estimate of it


@dataclass(frozen=True, slots=True)
class Passage:
    """One unit compared: its text's id and its span in that text."""

    id: str
    start: int
    end: int


def fold(text: str) -> str:
    """Text as compared: NFKC, lower case, no whitespace, punctuation or symbols."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZSC")


def shingles(text: str, k: int = 5) -> np.ndarray:
    """The sorted distinct hashes (uint64) of the k-grams of the folded text.

    A text shorter than k is one shingle of itself, so short passages still compare.
    """
    return _hashes(fold(text), k)


def _hashes(folded: str, k: int) -> np.ndarray:
    """`shingles` of a text already folded."""
    codes = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if codes.size == 0:
        return np.zeros(0, dtype=np.uint64)
    k = min(k, codes.size)
    windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    powers = _BASE ** np.arange(k - 1, -1, -1, dtype=np.uint64)  # wraps mod 2^64, on purpose
    with np.errstate(over="ignore"):
        hashed = (windows * powers).sum(axis=1, dtype=np.uint64)
    return np.unique(hashed)


def passages(items: Iterable[Article] | Mapping[str, str] | Iterable[str],
             window: int | None = None) -> tuple[list[Passage], list[str]]:
    """Passages (paragraphs, or `window` sentences) of articles, {id: text} or plain texts."""
    texts = _texts(items)
    found, bodies = [], []
    for id_, text in texts:
        spans = _paragraph_spans(text) if window is None else _window_spans(text, window)
        for start, end in spans:
            found.append(Passage(id_, start, end))
            bodies.append(text[start:end])
    return found, bodies


def _texts(items) -> list[tuple[str, str]]:
    """(id, text) of each input; plain strings are numbered "0", "1", … in order."""
    if isinstance(items, Mapping):
        pairs = [(str(k), v) for k, v in items.items()]
    else:
        pairs = [(x.id, x.text) if isinstance(x, Article) else (str(i), x)
                 for i, x in enumerate(items)]
    for id_, text in pairs:
        if not isinstance(text, str):
            raise TypeError(f"near_duplicates: {id_} is {type(text).__name__}; give Articles, "
                            "texts or a mapping of id to text")
    ids = [id_ for id_, _ in pairs]
    if len(set(ids)) != len(ids):
        raise BadInput("near_duplicates: the same id is given twice; give each text its own id")
    return pairs


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-blank lines of a text (Article.text joins paragraphs with "\\n")."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _window_spans(text: str, window: int) -> list[tuple[int, int]]:
    """Spans of `window` consecutive sentences, one starting at each sentence."""
    from fincorpus.nlp.text import split_sentences

    if window < 1:
        raise BadInput(f"window={window}: give a number of sentences of at least 1")
    found = split_sentences(text)
    last = max(len(found) - window, 0)
    return [(found[i].start, found[min(i + window, len(found)) - 1].end)
            for i in range(last + 1)] if found else []


def minhash(sets: list[np.ndarray], num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """The (len(sets), num_perm) uint64 MinHash signatures; an empty set gets all-max values."""
    rng = np.random.default_rng(seed)
    a = rng.integers(1, 1 << 32, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64)
    signatures = np.full((len(sets), num_perm), _MAX32, dtype=np.uint64)
    sizes = np.array([s.size for s in sets], dtype=np.int64)
    rows = np.flatnonzero(sizes)
    block: list[int] = []
    filled = 0
    for row in rows:
        block.append(row)
        filled += sizes[row]
        if filled >= _BLOCK or row == rows[-1]:
            signatures[block] = _block_minimum([sets[r] for r in block], a, b)
            block, filled = [], 0
    return signatures


def _block_minimum(sets: list[np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row minima of the permuted hashes of several non-empty sets at once."""
    values = np.concatenate(sets) & _MAX32  # 32 bits, so a·x + b stays below 2^64
    permuted = ((values[:, None] * a[None, :] + b[None, :]) % _PRIME) & _MAX32
    offsets = np.cumsum([0] + [s.size for s in sets[:-1]])
    return np.minimum.reduceat(permuted, offsets, axis=0)


def bands_for(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows): the most rows per band that still catch a pair at `threshold`
    with probability 0.99 (fewer rows: more candidates, more exact checks)."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= 0.99:
            return bands, rows
    return num_perm, 1


def candidates(signatures: np.ndarray, bands: int, rows: int,
               valid: np.ndarray | None = None) -> set[tuple[int, int]]:
    """Index pairs (i < j) whose signatures agree on every row of at least one band."""
    found: set[tuple[int, int]] = set()
    keep = np.flatnonzero(valid) if valid is not None else np.arange(len(signatures))
    powers = _BASE ** np.arange(rows, dtype=np.uint64)
    for band in range(bands):
        chunk = signatures[keep, band * rows:(band + 1) * rows]
        with np.errstate(over="ignore"):  # a bucket key; a collision only adds a candidate
            keys = (chunk * powers).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        groups = np.split(keep[order], np.flatnonzero(np.diff(keys[order])) + 1)
        for group in groups:
            if len(group) > 1:
                found.update(combinations(group.tolist(), 2))
    return found


def jaccard(x: np.ndarray, y: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct hash arrays."""
    union = np.union1d(x, y).size
    return np.intersect1d(x, y, assume_unique=True).size / union if union else 0.0


def near_duplicates(items: Iterable[Article] | Mapping[str, str] | Iterable[str],
                    threshold: float = 0.6, *, k: int = 5, num_perm: int = 128,
                    seed: int = 1, window: int | None = None, min_chars: int = 20,
                    same_text: bool = False) -> list[Pair]:
    """Passages of different texts whose k-gram Jaccard is at least `threshold`, best first.

    Args:
        items: Articles (ids are Article.id), a mapping of id to text, or texts ("0", "1", …).
        window: None compares paragraphs; n compares every run of n sentences.
        min_chars: passages shorter than this once folded are left out (bylines, captions).
        same_text: also pair passages of one text with each other.
    """
    if not 0 < threshold <= 1 or k < 1 or num_perm < 1:
        raise BadInput(f"threshold={threshold}, k={k}, num_perm={num_perm}: give a threshold "
                       "in (0, 1] and k, num_perm of at least 1")
    units, bodies = passages(items, window)
    copies: dict[str, list[int]] = {}  # each distinct folded passage: where it occurs
    for index, body in enumerate(bodies):
        copies.setdefault(fold(body), []).append(index)
    texts, places = list(copies), list(copies.values())
    sets = [_hashes(text, k) for text in texts]
    valid = np.array([len(text) >= min_chars for text in texts], dtype=bool)
    signatures = minhash(sets, num_perm, seed)
    pairs = []

    def add(similarity: float, estimate: float, where: Iterable[tuple[int, int]]) -> None:
        for i, j in where:
            a, b = units[min(i, j)], units[max(i, j)]
            if a.id != b.id or same_text:
                pairs.append(Pair(a.id, a.start, a.end, b.id, b.start, b.end, similarity,
                                  estimate))

    for text, found in enumerate(places):  # a passage reposted word for word: Jaccard 1
        if valid[text] and sets[text].size and len(found) > 1:
            add(1.0, 1.0, combinations(found, 2))
    for x, y in candidates(signatures, *bands_for(threshold, num_perm), valid):
        similarity = jaccard(sets[x], sets[y])
        if similarity >= threshold:
            estimate = float(np.mean(signatures[x] == signatures[y]))
            add(similarity, estimate, product(places[x], places[y]))
    return sorted(pairs, key=lambda p: (-p.similarity, p.a_id, p.a_start, p.b_id, p.b_start))
