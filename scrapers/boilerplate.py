"""NetEase's boilerplate sentences and block markers, read from data/boilerplate_zh.txt."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Disclaimer sentences (removed anywhere) and block markers (start non-article blocks)."""

    disclaimers: tuple[str, ...]
    markers: tuple[str, ...]

    def strip_disclaimers(self, text: str) -> str:
        """The text with every disclaimer sentence removed, matched across width and spacing."""
        for sentence in self.disclaimers:
            text = _loose_pattern(sentence).sub("", text)
        return text.strip()

    def is_disclaimer(self, text: str) -> bool:
        """True when the text is nothing but disclaimer sentences (or starts like one)."""
        rest = self.strip_disclaimers(text)
        folded = _fold(text)
        return not rest or folded.startswith(("特别声明:以上内容", "notice:thecontentabove"))


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=64)
def _loose_pattern(sentence: str) -> re.Pattern[str]:
    """A regex matching the sentence whatever its punctuation width and spacing."""
    parts = []
    for ch in unicodedata.normalize("NFKC", sentence):
        if ch.isspace():
            parts.append(r"\s*")
            continue
        variants = {ch, unicodedata.normalize("NFKC", ch)}
        wide = chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else None
        if wide:
            variants.add(wide)
        parts.append("[" + "".join(re.escape(v) for v in sorted(variants)) + r"]\s*")
    return re.compile("".join(parts))


@lru_cache(maxsize=1)
def load() -> Boilerplate:
    """The bundled boilerplate list (read once per process)."""
    text = resources.files("fincorpus.scrapers").joinpath("data/boilerplate_zh.txt").read_text("utf-8")
    disclaimers, markers = [], []
    for line in text.splitlines():
        kind, _, value = line.partition(" ")
        if kind == "[disclaimer]":
            disclaimers.append(value.strip())
        elif kind == "[marker]":
            markers.append(value.strip())
    return Boilerplate(tuple(disclaimers), tuple(markers))
