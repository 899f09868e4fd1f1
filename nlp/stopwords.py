"""Which tokens topic discovery keeps: no stopwords, punctuation, numbers or single characters.

The stopword list is data/stopwords_zh.txt, read on first use. `TokenFilter` is the
analyzer handed to scikit-learn's vectorizers; it is a plain class with data attributes
so that a vectorizer holding it can be pickled to worker processes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

BUNDLED = "data/stopwords_zh.txt"


def normalise(token: str) -> str:
    """A token as discovery counts it: NFKC (full-width to half-width), lower case, trimmed."""
    return unicodedata.normalize("NFKC", token).strip().lower()


def parse_stopwords(text: str) -> frozenset[str]:
    """The words of a stopword file: separated by spaces or line breaks, '#' comments."""
    words = set()
    for line in text.lstrip("\ufeff").splitlines():
        words.update(normalise(word) for word in line.split("#", 1)[0].split())
    return frozenset(words)


@lru_cache(maxsize=1)
def bundled_stopwords() -> frozenset[str]:
    """The bundled Chinese stopword list (read once per process)."""
    text = resources.files("fincorpus.nlp").joinpath(BUNDLED).read_text("utf-8")
    return parse_stopwords(text)


def has_letter(token: str) -> bool:
    """True when a token holds a letter or ideograph, i.e. is not only digits and punctuation."""
    return any(unicodedata.category(ch).startswith("L") for ch in token)


class TokenFilter:
    """A vectorizer analyzer: a document's tokens, normalised, minus the ones that carry no topic.

    A document is a sequence of tokens: strings, or objects with a `text` attribute
    (the project's `Token`). Dropped: stopwords, tokens without a letter (numbers,
    percentages, punctuation) and tokens shorter than `min_chars` characters.
    """

    def __init__(self, stopwords: Iterable[str] = (), min_chars: int = 2) -> None:
        self.stopwords = frozenset(normalise(word) for word in stopwords)
        self.min_chars = min_chars

    def __call__(self, document: Iterable[Any]) -> list[str]:
        kept = []
        for token in document:
            word = normalise(token if isinstance(token, str) else token.text)
            if len(word) >= self.min_chars and word not in self.stopwords and has_letter(word):
                kept.append(word)
        return kept

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TokenFilter):
            return NotImplemented
        return (self.stopwords, self.min_chars) == (other.stopwords, other.min_chars)

    def __hash__(self) -> int:
        return hash((self.stopwords, self.min_chars))
