"""Text normalisation with a map back to the original, and sentence splitting.

Offsets are sacred (DESIGN.md): `normalize` never loses the way back to the text it was
given, and `split_sentences` works on the original text so its offsets need no mapping.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from fincorpus.corpus.model import Sentence

# Full-width ASCII (U+FF01-FF5E) to ASCII, the ideographic space to a space, and the
# full-width currency signs. One character for one, so these never move an offset.
_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {
    0x3000: 0x20,
    0xFFE0: 0xA2,
    0xFFE1: 0xA3,
    0xFFE5: 0xA5,
    0xFFE6: 0x20A9,
}
# Invisible characters that web pages scatter inside words (zero-width space, joiners,
# soft hyphen, direction marks, a stray BOM): jieba would cut a word apart at each one.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text that still knows where each of its characters came from.

    `dropped_at` holds, for each dropped invisible character, the normalised index of the
    character that followed it; empty when nothing was dropped (offsets are then equal).
    """

    text: str
    original: str
    dropped_at: tuple[int, ...] = ()

    def position(self, index: int) -> int:
        """Where normalised character `index` sits in the original."""
        return index + bisect_right(self.dropped_at, index) if self.dropped_at else index

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span to the original, so that adjacent spans still tile it.

        A dropped character belongs to the span after it (to the last span at the end).
        """
        if not self.dropped_at:
            return start, end
        first = 0 if start == 0 else self.position(start - 1) + 1
        last = len(self.original) if end == len(self.text) else self.position(end - 1) + 1
        return first, last


_WIDE = re.compile("[" + "".join(map(chr, sorted(_WIDTH))) + "]")


def code_table(mapping: dict[int, int], dtype: type = np.uint32) -> np.ndarray:
    """A code-point map over the Basic Multilingual Plane as an array, for `map_codes`:
    on long texts an array lookup is far cheaper than `translate`'s dict per character."""
    table = np.arange(0x10000, dtype=dtype)
    table[list(mapping)] = list(mapping.values())
    return table


def map_codes(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Code points mapped through a `code_table`; those past the BMP stay as they are."""
    return np.where(codes < len(table), table[codes & 0xFFFF], codes)


# `_WIDTH` as an array (it changes code points below U+10000 only), for long texts.
_WIDTH_TABLE = code_table(_WIDTH)
_ARRAY_FOLD_MIN = 200  # characters; below it the array round trip costs more than it saves


def fold_width(text: str) -> str:
    """Full-width ASCII and the ideographic space to their half-width forms, one for one.

    Most text has none of them, and a search costs far less than `translate` on CJK text.
    A long text is mapped as an array of code points: `translate` looks each character up
    in a dict, four times the cost.
    """
    if not _WIDE.search(text):
        return text
    if len(text) < _ARRAY_FOLD_MIN:
        return text.translate(_WIDTH)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    return map_codes(codes, _WIDTH_TABLE).tobytes().decode("utf-32-le", "surrogatepass")


def display_width(text: str) -> int:
    """Terminal cells a text takes: two for wide (CJK, full-width) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def has_invisible(text: str) -> bool:
    """Whether `normalize` would drop characters from the text."""
    return _INVISIBLE.search(text) is not None


def normalize(text: str) -> Normalized:
    """Fold full-width forms and drop invisible characters, keeping the way back."""
    folded = fold_width(text)
    if not _INVISIBLE.search(folded):
        return Normalized(folded, text)
    dropped = [m.start() for m in _INVISIBLE.finditer(folded)]
    kept = _INVISIBLE.sub("", folded)
    return Normalized(kept, text, tuple(index - n for n, index in enumerate(dropped)))


# --- sentences -----------------------------------------------------------------------

# A run of sentence-final punctuation, then any closing quotes and brackets. A plain
# character class first, so the regex engine skips fast to the next candidate.
_CANDIDATE = re.compile(r"(?P<run>[。！？；｡…!?;.．]+)(?P<close>[”’」』）)】》〉］\]\"']*)")
_STRONG = re.compile(r"[。！？；｡]|…|\.\.|．．")
_STRONG_ALONE = frozenset("。！？；｡")  # the usual run: one strong stop, nothing else
_ELLIPSIS_ONLY = re.compile(r"(?:…|\.{2,}|．{2,})+")
# An enumeration item written inline after a space: "1. …", "2、…", "(3) …", "①…". The
# space is matched, not looked behind at, so the engine skips fast to the next space.
_ITEM = re.compile(r"\s(?P<item>\d{1,2}[.、．)）](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])")
# Words that end in a period without ending the sentence.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "inc", "ltd", "co", "corp", "vs", "etc",
    "eg", "ie", "no", "fig", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "gov", "gen", "sen", "rep", "u.s", "u.k", "e.g", "i.e", "a.m", "p.m",
})
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_CONTINUES = ",，、:："


def _period_ends(text: str, dot: int, after: int) -> bool:
    """Whether an ASCII (or full-width) period at `dot` ends an embedded English sentence."""
    before = text[dot - 1] if dot else ""
    nxt = text[after] if after < len(text) else ""
    if before.isdigit() or (nxt and nxt.isascii() and not nxt.isspace()):
        return False  # 3.5, list markers "1.", www.163.com, U.S.A
    if before and not before.isascii():
        return True  # 美债下跌.随后 (a period typed for 。)
    word = _WORD_BEFORE.search(text, 0, dot)
    if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
        return False  # Mr. Powell, J. Powell
    rest = text[after:].lstrip()
    return not rest or not rest[0].islower()


def _is_boundary(text: str, folded: str, match: re.Match[str]) -> bool:
    """Whether a candidate run of punctuation really ends a sentence (`folded`: width-folded)."""
    run, after = match.group("run"), match.end()
    if run in _STRONG_ALONE:
        return True
    nxt = text[after] if after < len(text) else ""
    if _ELLIPSIS_ONLY.fullmatch(run) and nxt and nxt in _CONTINUES:
        return False  # 黄金、白银……，都在涨
    if _STRONG.search(run):
        return True
    if run in (".", "．"):
        return _period_ends(folded, match.start(), after)
    # ASCII ! ? ; end a sentence unless something ASCII follows at once (a URL query).
    return not nxt or nxt.isspace() or not nxt.isascii() or bool(match.group("close"))


def _cuts(paragraph: str) -> list[int]:
    """Offsets inside one paragraph where a new sentence starts."""
    # One for one, so offsets agree; only a lone period reads it, so only then folded.
    folded = fold_width(paragraph) if "." in paragraph or "．" in paragraph else paragraph
    cuts = {m.end() for m in _CANDIDATE.finditer(paragraph) if _is_boundary(paragraph, folded, m)}
    cuts.update(m.start("item") for m in _ITEM.finditer(paragraph))
    return sorted(c for c in cuts if 0 < c < len(paragraph))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a text, offsets into that very text; a newline always ends one.

    Splits after 。！？；… (and ! ? ; when not inside ASCII such as a URL), keeping closing
    quotes and brackets with the sentence they close; an English period ends a sentence
    unless it is a decimal point, a list marker, an initial or a known abbreviation. An
    enumeration item written inline after a space ("… 2. …", "（3）", "②") starts a new
    sentence. Surrounding whitespace is left out; blank stretches give no sentence.
    """
    sentences: list[Sentence] = []
    base = 0
    for number, paragraph in enumerate(text.split("\n")):
        edges = [0, *_cuts(paragraph), len(paragraph)]
        for start, end in itertools.pairwise(edges):
            piece = paragraph[start:end]
            stripped = piece.strip()
            if stripped:
                first = base + start + (len(piece) - len(piece.lstrip()))
                sentences.append(Sentence(stripped, first, first + len(stripped), number))
        base += len(paragraph) + 1
    return sentences
