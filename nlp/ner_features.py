"""Hashed feature slots of every character, for the NER tagger, computed for many sentences at once.

A feature is a (template, integer key) pair hashed into one of 2**bits slots, so a model is a
weight array with no vocabulary of its training text. Keys are made from code points (an
n-gram of up to three characters packs into 64 bits; longer strings get a polynomial hash), and
each template is computed for all characters of a batch in a few NumPy operations. There is no
Python loop per character: that is what lets the tagger run in a fraction of segmentation's time.

Cues that carry over from one kind of text to another:
- the characters within two places, their bigrams, the trigram around, coarse classes, and
  whether the character and the one before are common surnames;
- the word (our segmentation) the character sits in: its POS from the dictionaries, its place
  in the word (B/M/E/S), its length, a name-like suffix or title, the neighbouring words and POS;
- every dictionary name (nr/ns/nt/nz) of 2-6 characters that covers the character.
Bump FEATURES_VERSION whenever a feature changes: a model saved with another one is refused.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain

import numpy as np

from fincorpus.nlp.text import code_table, map_codes

FEATURES_VERSION = "3"

LOC_SUFFIXES = tuple("省市县区州国岛洲村镇乡街路山河江湖港湾") + ("地区", "半岛", "自治区")
ORG_SUFFIXES = ("公司", "银行", "集团", "委员会", "大学", "学院", "学校", "医院", "协会",
                "联合会", "俱乐部", "基金会", "研究所", "研究院", "中心", "组织", "联盟", "政府",
                "法院", "检察院", "电视台", "日报", "报社", "通讯社", "交易所", "党", "军", "队",
                "部", "局", "厅", "署", "委", "办", "会", "院", "所", "社", "行", "台")
TITLES = ("先生", "女士", "总统", "主席", "总理", "首相", "部长", "教授", "博士", "记者", "经理",
          "董事长", "行长", "总裁", "主任", "书记", "市长", "省长", "委员", "院长", "校长", "教练",
          "球员", "导演", "大使", "发言人", "司令", "将军", "同志", "表示", "说", "指出", "认为")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
            "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
            "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温施洪康牛樊葛")
#: Dictionary POS tags that say "this string can be a name", folded to four.
NAME_TAGS = {"nr": 1, "nrt": 1, "nrfg": 1, "ns": 2, "nt": 3, "nz": 4}
MAX_NAME = 6
#: A sentence, its words as (word, start, end, POS) tuples (such as `Token`s), and the
#: offset of the sentence that the words' offsets count from (0, or the sentence's start
#: in its article: then an article's tokens serve as they are).
Piece = tuple[str, Sequence[tuple[str, int, int, "str | None"]], int]

#: Padding code points at the edges of each sentence (beyond Unicode, so never text).
_BEFORE2, _BEFORE1, _AFTER1, _AFTER2 = 0x110001, 0x110002, 0x110003, 0x110004
_U64 = np.uint64
_BASE = 0x100000001B3
_START_BITS = 22  # odd, so it has an inverse modulo 2**64
_NAME_BITS = 22  # the table of names' hashes: 4 M slots, one in 40 set
_TEMPLATES = ("u-2", "u-1", "u0", "u1", "u2", "b-2", "b-1", "b0", "b1", "t", "cl", "sn",
              "wp", "w", "wl", "wc", "pp", "np", "pw", "nw", "pnp", "nc", "pc", "sr")
#: Template names of the variable-count features (dictionary names covering a character).
_LEXICON_TEMPLATES = ("lx", "lxs")
CLASSES = {"h": 1, "d": 2, "l": 3, "s": 4, "p": 5, "o": 6}


@dataclass(frozen=True, slots=True)
class Features:
    """Feature slots of n characters: `fixed` (n x templates) plus (row, slot) extras."""

    fixed: np.ndarray
    extra_rows: np.ndarray
    extra_slots: np.ndarray
    lengths: np.ndarray

    @property
    def n(self) -> int:
        return len(self.fixed)

    def matrix(self, bits: int):
        """The 0/1 (summed on collision) sparse matrix a linear model is trained on."""
        from scipy.sparse import csr_matrix

        n, width = self.fixed.shape
        rows = np.concatenate([np.repeat(np.arange(n), width), self.extra_rows])
        cols = np.concatenate([self.fixed.ravel(), self.extra_slots])
        return csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n, 2 ** bits))

    def scores(self, weights: np.ndarray) -> np.ndarray:
        """Sum of the weight rows of each character's slots (weights: slots x labels).

        The fixed slots go through a sparse product (C loops: a third of the time of adding
        up gathered float32 rows in NumPy, template by template); the few extras are added
        after.
        """
        from scipy.sparse import csr_matrix

        n, width = self.fixed.shape
        ones = np.ones(n * width, dtype=weights.dtype)
        fixed = csr_matrix((ones, self.fixed.ravel(), np.arange(0, n * width + 1, width)),
                           shape=(n, len(weights)))
        out = np.asarray(fixed @ weights)
        if len(self.extra_rows):
            np.add.at(out, self.extra_rows, weights[self.extra_slots])
        return out


class Featurizer:
    """Turns sentences and their words into feature slots; holds the name lexicon's hashes.

    Args:
        names: word -> dictionary POS; those tagged nr/ns/nt/nz and 2-6 characters long
            become the name lexicon.
        bits: slots are 0 .. 2**bits - 1.
    """

    def __init__(self, names: Mapping[str, str], bits: int) -> None:
        self.bits = bits
        entries = [(w, NAME_TAGS[t]) for w, t in names.items()
                   if t in NAME_TAGS and 2 <= len(w) <= MAX_NAME]
        if entries:
            joined = np.concatenate([codes(fold(w)) for w, _ in entries])
            lengths = np.array([len(w) for w, _ in entries])
            ends = np.cumsum(lengths)
            keys = substring_hashes(joined, ends - lengths, ends)
        else:
            keys, lengths = np.zeros(0, _U64), np.zeros(0, np.int64)
        order = np.argsort(keys, kind="stable")
        self._name_keys = keys[order]
        # Which two-character beginnings some name has: most positions start none, and a
        # table lookup rules them out before the sorted search.
        self._name_starts = np.zeros(1 << _START_BITS, dtype=bool)
        if entries:
            self._name_starts[_start_slots(joined[ends - lengths], joined[ends - lengths + 1])] = True
        self._name_tags = np.array([t for _, t in entries], dtype=np.int64)[order] if entries \
            else np.zeros(0, np.int64)
        # Which hashes some name may have (a slot per hash's top bits): most substrings are
        # no name, and a table lookup rules them out before the sorted search.
        self._name_bits = np.zeros(1 << _NAME_BITS, dtype=bool)
        self._name_bits[(self._name_keys >> _U64(64 - _NAME_BITS)).astype(np.int64)] = True
        self._pos_keys: dict[str | None, int] = {}
        self._titles = _hashes(TITLES)
        # (LOC, ORG) suffix hashes by length: a word's last n characters are looked up among
        # the suffixes n long only.
        self._suffixes = {size: (_hashes([s for s in LOC_SUFFIXES if len(s) == size]),
                                 _hashes([s for s in ORG_SUFFIXES if len(s) == size]))
                          for size in range(1, 4)}

    def __call__(self, pieces: Sequence[Piece]) -> Features:
        """Features of each character of the pieces, in order, each piece a sentence on its own.

        Every piece comes with its words (see `Piece`); what no word covers (spaces) becomes
        a word of POS "x", and words are cut at the piece's ends.
        """
        text = "".join(t for t, _, _ in pieces)
        lengths = np.array([len(t) for t, _, _ in pieces], dtype=np.int64)
        bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        cp = folded_codes(text)
        padded, at = _padded(cp, lengths)
        sentence_of = np.repeat(np.arange(len(lengths)), lengths)
        starts, ends, pos = self._words(pieces, bounds)
        hashes = SubstringHashes(cp)
        columns = _char_keys(padded, at) + self._word_keys(hashes, starts, ends, pos, sentence_of)
        fixed = np.empty((len(cp), len(columns)), dtype=np.int32)
        for t, keys in enumerate(columns):
            fixed[:, t] = self._slots(keys, t)
        rows, keys, templates = self._name_keys_of(hashes, sentence_of)
        extra = np.zeros(len(rows), dtype=np.int32)
        for t in np.unique(templates):
            mask = templates == t
            extra[mask] = self._slots(keys[mask], int(t))
        return Features(fixed, rows, extra, lengths)

    def _slots(self, keys: np.ndarray, template: int) -> np.ndarray:
        """Hash (template, key) into a slot: SplitMix64's finaliser, top `bits` bits."""
        z = keys.astype(_U64) + _U64((template + 1) * 0x9E3779B97F4A7C15 % 2 ** 64)
        z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
        z ^= z >> _U64(31)
        return (z >> _U64(64 - self.bits)).astype(np.int32)

    def _words(self, pieces: Sequence[Piece], bounds: np.ndarray):
        """Word starts, ends and POS keys covering every character, from the pieces' spans."""
        # All pieces' words at once: their offsets move by where the piece now starts.
        counts = [len(words) for _, words, _ in pieces]
        flat = list(chain.from_iterable(words for _, words, _ in pieces))
        shift = np.repeat(bounds[:-1] - np.array([origin for _, _, origin in pieces],
                                                 dtype=np.int64), counts)
        _, begin, end, tags = zip(*flat) if flat else ((), (), (), ())
        starts = np.fromiter(begin, np.int64, len(begin)) + shift
        ends = np.fromiter(end, np.int64, len(end)) + shift
        known = {tag: self._pos_key(tag) for tag in set(tags)}
        keys = np.fromiter(map(known.__getitem__, tags), np.int64, len(tags))
        # Every span edge and piece edge is a word edge; a word takes the POS of the span
        # that starts at it, or "x" where no span does (a gap).
        edges = np.concatenate([starts, np.minimum(ends, bounds[-1]), bounds])
        edges.sort()
        edges = edges[np.r_[True, edges[1:] != edges[:-1]] & (edges >= 0)]
        word_starts, word_ends = edges[:-1], edges[1:]
        order = np.argsort(starts, kind="stable")
        at = np.searchsorted(starts[order], word_starts)
        found = at < len(starts)
        found[found] = starts[order][at[found]] == word_starts[found]
        pos = np.full(len(word_starts), self._pos_key("x"), dtype=np.int64)
        pos[found] = keys[order][at[found]]
        return word_starts, word_ends, pos

    def _pos_key(self, tag: str | None) -> int:
        """A POS tag as a stable 19-bit number (None counts as "x")."""
        key = self._pos_keys.get(tag)
        if key is None:
            key = self._pos_keys[tag] = zlib.crc32((tag or "x").encode()) & 0x7FFFF
        return key

    def _word_keys(self, hashes: SubstringHashes, starts: np.ndarray, ends: np.ndarray,
                   pos: np.ndarray, sentence_of: np.ndarray) -> list[np.ndarray]:
        """Per character: keys of its word and of the words (and POS) on either side."""
        lengths = ends - starts
        text_hash = hashes(starts, ends)
        cue = self._cues(hashes, starts, ends, text_hash)
        sentence = sentence_of[starts] if len(starts) else starts
        first = np.r_[True, sentence[1:] != sentence[:-1]]
        last = np.r_[sentence[1:] != sentence[:-1], True]
        prev_pos, next_pos = _shifted(pos, first, last, 1 << 19, (1 << 19) + 1)
        prev_hash, next_hash = _shifted(text_hash, first, last, 1, 2)
        prev_cue, next_cue = _shifted(cue, first, last, 8, 9)
        word_of = np.repeat(np.arange(len(starts)), lengths)
        k = np.arange(len(word_of)) - starts[word_of]
        n = lengths[word_of]
        place = np.where(n == 1, 3, np.where(k == 0, 0, np.where(k == n - 1, 2, 1)))
        per_word = [prev_pos, next_pos, prev_hash, next_hash,
                    (prev_pos << 42) | (pos << 21) | next_pos, next_cue, prev_cue,
                    _single_runs(hashes.codes, starts, lengths, first)]
        return [(pos[word_of] << 2) | place, text_hash[word_of],
                (np.minimum(n, 6) << 2) | place, (cue[word_of] << 2) | place,
                *(column[word_of] for column in per_word)]

    def _cues(self, hashes: SubstringHashes, starts: np.ndarray, ends: np.ndarray,
              text_hash: np.ndarray) -> np.ndarray:
        """Each word's name-like cue: 1 a title, 2 an ORG suffix, 3 a LOC suffix, else 0."""
        lengths = ends - starts
        loc = np.zeros(len(starts), dtype=bool)
        org = np.zeros(len(starts), dtype=bool)
        for size, (loc_suffixes, org_suffixes) in self._suffixes.items():
            ok = lengths >= max(size, 2)
            suffix = hashes(np.where(ok, ends - size, starts), ends)
            loc |= ok & np.isin(suffix, loc_suffixes)
            org |= ok & np.isin(suffix, org_suffixes)
        cue = np.where(org, 2, np.where(loc, 3, 0))
        cue[np.isin(text_hash, self._titles)] = 1
        return cue

    def _name_keys_of(self, hashes: SubstringHashes, sentence_of: np.ndarray):
        """(row, key, template) of every dictionary name covering a character."""
        rows, keys, templates = [], [], []
        n = len(sentence_of)
        if not len(self._name_keys):
            empty = np.zeros(0, np.int64)
            return empty, empty, empty
        cp = hashes.codes
        begins = np.arange(max(n - 1, 0))
        begins = begins[self._name_starts[_start_slots(cp[begins], cp[begins + 1])]]
        for length in range(2, MAX_NAME + 1):
            starts = begins[begins + length <= n]
            starts = starts[sentence_of[starts] == sentence_of[starts + length - 1]]
            found_hashes = hashes(starts, starts + length)
            maybe = self._name_bits[(found_hashes >> _U64(64 - _NAME_BITS)).astype(np.int64)]
            starts, found_hashes = starts[maybe], found_hashes[maybe]
            at = np.minimum(np.searchsorted(self._name_keys, found_hashes), len(self._name_keys) - 1)
            hit = self._name_keys[at] == found_hashes
            found, tags = starts[hit], self._name_tags[at[hit]]
            for k in range(length):
                place = 3 if length == 1 else 0 if k == 0 else 2 if k == length - 1 else 1
                rows.append(found + k)
                keys.append((tags << 2) | place)
                templates.append(np.full(len(found), len(_TEMPLATES)))
            rows.append(found)
            keys.append((tags << 3) | length)
            templates.append(np.full(len(found), len(_TEMPLATES) + 1))
        return np.concatenate(rows), np.concatenate(keys), np.concatenate(templates)


def _single_runs(cp: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                 first: np.ndarray) -> np.ndarray:
    """Per word: in a run of 2+ one-character Han words, (run length up to 4, place), else 0.

    Such a run is where the dictionaries knew no word: often a name no dictionary lists.
    """
    if not len(starts):
        return starts
    single = (lengths == 1) & (_classes(cp[starts]) == CLASSES["h"])
    begins = single & (first | ~np.roll(single, 1))
    run = np.cumsum(begins)
    size = np.bincount(run[single], minlength=int(run[-1]) + 1)[run]
    index = np.arange(len(starts))
    k = index - np.maximum.accumulate(np.where(begins, index, 0))
    place = np.where(k == 0, 0, np.where(k == size - 1, 2, 1))
    return np.where(single & (size >= 2), (np.minimum(size, 4) << 2) | place, 0)


def _shifted(values: np.ndarray, first: np.ndarray, last: np.ndarray, before: int, after: int):
    """Each word's previous and next value within its sentence, or a padding value."""
    prev = np.where(first, before, np.roll(values, 1))
    nxt = np.where(last, after, np.roll(values, -1))
    return prev.astype(values.dtype), nxt.astype(values.dtype)


def _char_keys(padded: np.ndarray, at: np.ndarray) -> list[np.ndarray]:
    """Per character: code points within two places, bigrams, trigram, classes, surname flags."""
    # Classes and surname flags are looked up once per padded position, then shifted.
    classes, surnames = _classes(padded), surname_flags(padded)
    c = {o: padded[at + o] for o in (-2, -1, 0, 1, 2)}
    cls = {o: classes[at + o] for o in (-1, 0, 1)}
    surname = surnames[at] * 2 + surnames[at - 1]
    return [c[-2], c[-1], c[0], c[1], c[2],
            (c[-2] << 21) | c[-1], (c[-1] << 21) | c[0], (c[0] << 21) | c[1], (c[1] << 21) | c[2],
            (c[-1] << 42) | (c[0] << 21) | c[1],
            (cls[-1] << 8) | (cls[0] << 4) | cls[1], surname]


def _start_slots(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """A hashed slot of a character pair, for the table of names' beginnings."""
    pair = (first.astype(_U64) << _U64(21)) | second.astype(_U64)
    return ((pair * _U64(0x9E3779B97F4A7C15)) >> _U64(64 - _START_BITS)).astype(np.int64)


def _padded(cp: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Code points with two padding marks before and after each sentence; where each char went."""
    count = len(lengths)
    sentence_of = np.repeat(np.arange(count), lengths)
    at = np.arange(len(cp)) + 4 * sentence_of + 2
    padded = np.zeros(len(cp) + 4 * count, dtype=np.int64)
    begins = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64) + 4 * np.arange(count) + 2
    ends = begins + lengths
    padded[begins - 2], padded[begins - 1] = _BEFORE2, _BEFORE1
    padded[ends], padded[ends + 1] = _AFTER1, _AFTER2
    padded[at] = cp
    return padded, at


def _classes(cp: np.ndarray) -> np.ndarray:
    """Coarse class numbers (CLASSES) of code points; 0 for padding."""
    table = _class_table()
    inside = cp < len(table)
    return np.where(inside, table[np.minimum(cp, len(table) - 1)],
                    np.where(cp > 0x10FFFF, 0, CLASSES["o"]))


@cache
def _class_table() -> np.ndarray:
    """Class numbers of the Basic Multilingual Plane, built once."""
    table = np.full(0x10000, CLASSES["o"], dtype=np.int64)
    for code in range(0x10000):
        char = chr(code)
        if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
            table[code] = CLASSES["h"]
        elif char.isdigit():
            table[code] = CLASSES["d"]
        elif char.isascii() and char.isalpha():
            table[code] = CLASSES["l"]
        elif char.isspace():
            table[code] = CLASSES["s"]
        elif unicodedata.category(char).startswith(("P", "S")):
            table[code] = CLASSES["p"]
    return table


@cache
def _surname_codes() -> np.ndarray:
    return np.array(sorted(ord(c) for c in SURNAMES), dtype=np.int64)


def surname_flags(cp: np.ndarray) -> np.ndarray:
    """1 where the code point is a common surname, else 0."""
    return np.isin(cp, _surname_codes()).astype(np.int64)


def _hashes(words: Sequence[str]) -> np.ndarray:
    """substring_hashes of whole words (folded), for membership tests."""
    if not words:
        return np.zeros(0, dtype=_U64)
    joined = codes(fold("".join(words)))
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    ends = np.cumsum(lengths)
    return np.sort(substring_hashes(joined, ends - lengths, ends))


@cache
def _fold_table() -> dict[int, int]:
    """Full-width to ASCII, upper to lower case, every ASCII and full-width digit to 0."""
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = 0x20
    for code in range(0x41, 0x5B):
        table[code] = code + 0x20
        table[code + 0xFEE0] = code + 0x20
    for code in range(0x30, 0x3A):
        table[code] = table[code + 0xFEE0] = 0x30
    return table


def fold(text: str) -> str:
    """The text as the features see it (same length): widths, case and digits folded."""
    return text.translate(_fold_table())


@cache
def _fold_codes() -> np.ndarray:
    """`_fold_table` as an array over the Basic Multilingual Plane."""
    return code_table(_fold_table(), np.int64)


def folded_codes(text: str) -> np.ndarray:
    """codes(fold(text)), folded on the array (a translate looks every character up)."""
    return map_codes(codes(text), _fold_codes())


def codes(text: str) -> np.ndarray:
    """The code points of a text, as int64."""
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


class SubstringHashes:
    """64-bit polynomial hashes of any cp[start:end], equal for equal code points.

    One prefix sum of cp[i] * BASE**i serves every query; a substring's sum is then shifted
    back to its start by BASE's inverse (it exists modulo 2**64 because BASE is odd).
    """

    def __init__(self, cp: np.ndarray) -> None:
        self.codes = cp
        n = len(cp)
        powers, self._inverses = _powers(n + 1)
        self._prefix = np.zeros(n + 1, dtype=_U64)
        np.cumsum(cp.astype(_U64) * powers[:n], out=self._prefix[1:])

    def __call__(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        lengths = (ends - starts).astype(_U64)
        body = (self._prefix[ends] - self._prefix[starts]) * self._inverses[starts]
        return body ^ (lengths << _U64(56))


def substring_hashes(cp: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """SubstringHashes of cp for each (start, end)."""
    return SubstringHashes(cp)(starts, ends)


_POWERS: list[np.ndarray] = []


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """_BASE**i and its inverse**i modulo 2**64 for i < n (kept and grown as needed)."""
    if not _POWERS or len(_POWERS[0]) < n:
        size = max(n, 1 << 16, 2 * len(_POWERS[0]) if _POWERS else 0)
        inverse = pow(_BASE, -1, 2 ** 64)
        base = np.full(size, _BASE, dtype=_U64)
        base[0] = 1
        inv = np.full(size, inverse, dtype=_U64)
        inv[0] = 1
        _POWERS[:] = [np.cumprod(base), np.cumprod(inv)]
    return _POWERS[0], _POWERS[1]
