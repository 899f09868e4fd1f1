"""Find lexicon terms in raw text: leftmost-longest, non-overlapping, no segmentation needed.

Topics and frames both score text by the indicator terms it contains. Matching is a
plain scan of the characters instead of a lookup over jieba tokens, for three reasons:

- it is cheap and needs nothing loaded (a jieba dictionary takes about a second per
  process), so scoring one sentence costs microseconds;
- a multiword indicator such as 国债收益率 or 稀土出口管制 is found whatever the
  segmenter makes of it (jieba may split it, or merge it with a neighbour);
- the result does not change when someone edits the segmentation dictionaries.

At each position the longest term that starts there wins and the scan resumes after
it, so a hit is never counted twice: 稀土出口管制 is one hit, not also 出口管制.
Text and terms are compared after a per-character fold (full-width to half-width,
lower case, traditional to simplified characters from data/trad_simp.txt), which keeps
every offset valid because it never changes the length of the text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Term:
    """An indicator term of a lexicon and its weight (1.0 unless the lexicon says otherwise)."""

    text: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Match:
    """One term found in a text: its folded `key`, and the span [start, end) it covers."""

    key: str
    start: int
    end: int


@lru_cache(maxsize=1)
def trad_simp_map() -> dict[str, str]:
    """Traditional-to-simplified characters for matching (read once, on first use)."""
    text = resources.files("fincorpus.nlp").joinpath("data/trad_simp.txt").read_text("utf-8")
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        for pair in line.split("#", 1)[0].split():
            if len(pair) == 2:
                mapping[pair[0]] = pair[1]
    return mapping


@lru_cache(maxsize=16384)
def _fold_char(ch: str) -> str:
    """One character folded; a fold that would change the length leaves the character alone."""
    wide = unicodedata.normalize("NFKC", ch)
    ch = wide if len(wide) == 1 else ch
    low = ch.lower()
    ch = low if len(low) == 1 else ch
    return trad_simp_map().get(ch, ch)


def fold(text: str) -> str:
    """The text as matching sees it: same length, width, case and script folded per character."""
    return "".join(map(_fold_char, text))


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class TermMatcher:
    """A set of terms and a scanner that finds them, leftmost-longest and without overlaps.

    Terms that begin or end with an ASCII letter or digit only match at a word boundary
    on that side, so "AI" is found in "AI芯片" but not inside "MAIN", and "QE" not in "QED".
    """

    def __init__(self, terms: Iterable[str]) -> None:
        self._keys: set[str] = set()
        lengths: dict[str, set[int]] = {}
        for term in terms:
            key = fold(term)
            if key:
                self._keys.add(key)
                lengths.setdefault(key[0], set()).add(len(key))
        # For each first character, the term lengths to try, longest first.
        self._lengths = {ch: sorted(ls, reverse=True) for ch, ls in lengths.items()}

    def __contains__(self, term: str) -> bool:
        return fold(term) in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str) -> list[Match]:
        """Every term occurrence in the text, left to right, longest first, none overlapping."""
        folded = fold(text)
        found: list[Match] = []
        i, n = 0, len(folded)
        while i < n:
            end = self._longest_at(folded, i)
            if end:
                found.append(Match(folded[i:end], i, end))
                i = end
            else:
                i += 1
        return found

    def _longest_at(self, folded: str, i: int) -> int:
        """The end of the longest term starting at i (0 when none does)."""
        for length in self._lengths.get(folded[i], ()):
            end = i + length
            if end <= len(folded) and folded[i:end] in self._keys and _bounded(folded, i, end):
                return end
        return 0


def _bounded(folded: str, start: int, end: int) -> bool:
    """False when an ASCII-word term would cut through an ASCII word of the text."""
    if _is_word_char(folded[start]) and start > 0 and _is_word_char(folded[start - 1]):
        return False
    last = folded[end - 1]
    return not (_is_word_char(last) and end < len(folded) and _is_word_char(folded[end]))
