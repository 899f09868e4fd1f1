"""Find lexicon terms in raw text: leftmost-longest, non-overlapping, no segmentation needed.

Topics and frames both score text by the indicator terms it contains. Matching is a
scan of the characters instead of a lookup over jieba tokens, for three reasons:

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

The scan is one compiled regular expression per term set (see `_scanner`), because a
loop over the characters in Python costs several times as much, and before it only the
characters whose fold could change what the terms match are folded (see `_risky`). For
tens of thousands of terms (the stance cues) and long batches of text, `spans_each` finds
the same matches with array operations instead (`term_arrays`), several times faster.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import accumulate

from fincorpus.nlp.term_arrays import HashedTerms


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


def _fold_char(ch: str) -> str:
    """One character folded; a fold that would change the length leaves the character alone."""
    wide = unicodedata.normalize("NFKC", ch)
    ch = wide if len(wide) == 1 else ch
    low = ch.lower()
    ch = low if len(low) == 1 else ch
    return trad_simp_map().get(ch, ch)


class _FoldTable(dict):
    """Code point -> folded character for `str.translate`, each computed when first seen."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """The text as matching sees it: same length, width, case and script folded per character."""
    return text.translate(_FOLD)


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_WORD = "[0-9A-Za-z]"  # what _is_word_char accepts
# Blocks that Chinese text is written in: ASCII, Latin-1 and punctuation up to the CJK
# symbols, CJK ideographs, full-width forms. Characters elsewhere are always folded.
_COMMON = ((0x0000, 0x3400), (0x4E00, 0xA000), (0xFF00, 0xFFF0))


@lru_cache(maxsize=1)
def _common_folds() -> dict[str, str]:
    """Every character of the common blocks that the fold changes, and what it becomes."""
    changed: dict[str, str] = {}
    for low, high in _COMMON:
        for start in range(low, high, 64):
            chunk = "".join(map(chr, range(start, min(start + 64, high))))
            # A chunk already in NFKC and lower case holds no character either step changes.
            if not (unicodedata.is_normalized("NFKC", chunk) and chunk.lower() == chunk):
                changed.update((ch, fold(ch)) for ch in chunk)
    changed.update((ch, fold(ch)) for ch in trad_simp_map()
                   if any(low <= ord(ch) < high for low, high in _COMMON))
    return {ch: to for ch, to in changed.items() if to != ch}


#: `spans_each` scans with arrays (`term_arrays`) from this many keys and characters on:
#: the regular expression slows down with the number of keys, the arrays hardly do, but
#: each call of theirs costs a tenth of a millisecond or two.
ARRAY_MIN_KEYS = 5000
ARRAY_MIN_CHARS = 2000

# Characters that may join texts for one scan (the first that no key holds): the scanner
# finds the separator as a key of its own, so the keys can be dealt back to the texts.
_SEPARATORS = "\n\x00\x1f"


class TermMatcher:
    """A set of terms and a scanner that finds them, leftmost-longest and without overlaps.

    Terms that begin or end with an ASCII letter or digit only match at a word boundary
    on that side, so "AI" is found in "AI芯片" but not inside "MAIN", and "QE" not in "QED".
    """

    def __init__(self, terms: Iterable[str]) -> None:
        self._keys: set[str] = {key for key in map(fold, terms) if key}
        alphabet = set("".join(self._keys))
        self._sep = next((sep for sep in _SEPARATORS if sep not in alphabet), None)
        self._scan = None
        if self._keys:
            self._scan = _scanner(self._keys | {self._sep} if self._sep else self._keys)
        self._risky = _risky(alphabet)
        self._arrays: HashedTerms | None = None
        if self._keys and len(self._keys) >= ARRAY_MIN_KEYS:
            self._hashed()  # built with the matcher when `spans_each` will use it: loading pays

    def __contains__(self, term: str) -> bool:
        return fold(term) in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str) -> list[Match]:
        """Every term occurrence in the text, left to right, longest first, none overlapping."""
        if self._scan is None:
            return []
        sep = self._sep
        return [Match(key, m.start(), m.end()) for m in self._scan.finditer(self._folded(text))
                if (key := m[0]) != sep]

    def spans_each(self, texts: Sequence[str]) -> list[list[tuple[str, int, int]]]:
        """(key, start, end) of what `find` gives, for each text, from one scan of them all
        (many short texts cost one regex call, not one each)."""
        if self._scan is None:
            return [[] for _ in texts]
        sep = self._sep
        joined = sep.join(texts) if sep is not None else ""
        if sep is None or joined.count(sep) != len(texts) - 1:  # a text holds the separator
            return [[(m.key, m.start, m.end) for m in self.find(text)] for text in texts]
        if len(self._keys) >= ARRAY_MIN_KEYS and len(joined) >= ARRAY_MIN_CHARS:
            found = self._array_spans(texts, joined)
            if found is not None:
                return found
        each: list[list[tuple[str, int, int]]] = []
        spans: list[tuple[str, int, int]] = []
        base = 0
        for m in self._scan.finditer(self._folded(joined)):
            key, start, end = m[0], m.start(), m.end()
            if key == sep:
                each.append(spans)
                spans, base = [], end
            else:
                spans.append((key, start - base, end - base))
        each.append(spans)
        return each

    def _array_spans(self, texts: Sequence[str], joined: str
                     ) -> list[list[tuple[str, int, int]]] | None:
        """`spans_each` by `HashedTerms` (None if a hash misled it: scan with the regex)."""
        arrays = self._hashed()
        found = arrays.find(self._folded(joined)) if arrays.exact else None
        if found is None:
            return None
        names = arrays.keys
        each: list[list[tuple[str, int, int]]] = [[] for _ in texts]
        ends = list(accumulate(len(text) + 1 for text in texts))  # one past each separator
        index, base = 0, 0
        for start, end, key in zip(*found):
            while start >= ends[index]:
                base = ends[index]
                index += 1
            each[index].append((names[key], start - base, end - base))
        return each

    def _hashed(self) -> HashedTerms:
        """The keys as `HashedTerms`, built once."""
        if self._arrays is None:
            self._arrays = HashedTerms(sorted(self._keys))
        return self._arrays

    def find_keys(self, text: str) -> list[str]:
        """The folded keys that `find` gives, without their spans."""
        return self.find_keys_each([text])[0]

    def find_keys_each(self, texts: Sequence[str]) -> list[list[str]]:
        """`find_keys` of each text, from one scan of them all (what scoring needs)."""
        if self._scan is None:
            return [[] for _ in texts]
        sep = self._sep
        joined = sep.join(texts) if sep is not None else ""
        if sep is None or joined.count(sep) != len(texts) - 1:  # a text holds the separator
            return [[key for key in self._scan.findall(self._folded(text)) if key != sep]
                    for text in texts]
        each: list[list[str]] = []
        keys: list[str] = []
        for key in self._scan.findall(self._folded(joined)):
            if key == sep:
                each.append(keys)
                keys = []
            else:
                keys.append(key)
        each.append(keys)
        return each

    def _folded(self, text: str) -> str:
        """The text with just the characters folded whose fold matters for these keys."""
        return self._risky.sub(_fold_match, text) if self._risky.search(text) else text


def _fold_match(match: re.Match[str]) -> str:
    return fold(match[0])


def _risky(alphabet: set[str]) -> re.Pattern[str]:
    """A pattern for the runs of characters whose fold could change what these keys match.

    Elsewhere the unfolded text matches exactly as the folded one: a character that the
    fold changes but that is not in a key, does not become one, and is an ASCII letter
    or digit before the fold exactly when after it, is only ever looked at as "none of
    the key characters, and (not) a word character", the same before and after the fold.
    """
    risky = {ch for ch, to in _common_folds().items()
             if ch in alphabet or to in alphabet or _is_word_char(ch) != _is_word_char(to)}
    outside = "".join(f"{_class_char(a)}-{_class_char(b - 1)}"
                      for a, b in zip((0, *(high for _, high in _COMMON)),
                                      (*(low for low, _ in _COMMON), 0x110000), strict=True)
                      if a < b)
    return re.compile(f"[{outside}{''.join(map(_class_char, sorted(map(ord, risky))))}]+")


def _class_char(code: int) -> str:
    return f"\\U{code:08x}"


def _scanner(keys: set[str]) -> re.Pattern[str]:
    """One regular expression that finds the keys, leftmost-longest (`findall` gives the keys).

    Python's `re` searches position by position, skipping fast over characters outside
    the set the pattern must start with, and at a position takes the first alternative
    that leads to a match. So the pattern starts with the set of first characters and
    then lists, for each pair of first and second characters, a lookbehind naming the
    pair and the rest of the keys beyond it as a trie whose every node tries its longer
    continuations before ending; the one-character keys come last. The ASCII
    word-boundary rule is a lookbehind at a key's start and a lookahead at each end, so
    a key that fails it gives way to the next shorter key there, as the rule wants.

    A group whose alternatives begin with different characters skips the wrong ones at a
    test each, but tries every one before it gives up, which is what happens at most
    positions (about two in five characters of Chinese text start some key, few start
    one). So the pairs sit behind a test that the next character is the second of some
    pair, and are tried in groups of 24 second characters, a group entered only when the
    next character is one of them and the one before is the first of one of its pairs:
    a position that starts no key costs a few tests, not hundreds.
    """
    trie: dict[str, dict] = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    firsts = sorted(trie)
    # second character -> the first characters it follows in a key
    pairs: dict[str, list[str]] = {}
    for first in firsts:
        for second in trie[first]:
            if second:
                pairs.setdefault(second, []).append(first)
    seconds = sorted(pairs)
    options = []
    for group in (seconds[i:i + 24] for i in range(0, len(seconds), 24)):
        before = sorted({first for second in group for first in pairs[second]})
        keys_here = [f"(?<={re.escape(first + second)}){_start(first, 2)}"
                     + _rest(trie[first][second], second)
                     for second in group for first in pairs[second]]
        options.append(f"{_class(group)}(?<={_class(before)}.)(?:{'|'.join(keys_here)})")
    if options:  # most positions fail here, at one test
        options = [f"(?={_class(seconds)})(?:{'|'.join(options)})"]
    singles = [first for first in firsts if "" in trie[first]]
    if singles:
        ends = [f"(?<={re.escape(first)}){_start(first, 1)}{_rest({'': {}}, first)}"
                for first in singles]
        options.append(f"(?<={_class(singles)})(?:{'|'.join(ends)})")
    return re.compile(f"{_class(firsts)}(?:{'|'.join(options)})", re.DOTALL)


def _class(chars: list[str]) -> str:
    return f"[{re.escape(''.join(chars))}]"


def _start(first: str, consumed: int) -> str:
    """The start boundary, checked after the key's first `consumed` characters."""
    return f"(?<!{_WORD}{'.' * consumed})" if _is_word_char(first) else ""


def _rest(node: dict, last: str) -> str:
    """Longer continuations first, then the end of a key (and its boundary test) if one ends."""
    options = []
    for ch in sorted(ch for ch in node if ch):
        run, child = ch, node[ch]
        while "" not in child and len(child) == 1:  # a chain without branches: one literal
            (ch, child), = child.items()
            run += ch
        options.append(re.escape(run) + _rest(child, run[-1]))
    if "" in node:
        options.append(f"(?!{_WORD})" if _is_word_char(last) else "")
    return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"

