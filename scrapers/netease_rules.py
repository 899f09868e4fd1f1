"""The NetEase rules of data/netease.toml, compiled once: selectors parsed, patterns to regexes.

Rules live beside the code as data so that a template change is a data edit.
Nothing is read at import time; `rules()` loads and compiles on first use.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from lxml import etree

from fincorpus.scrapers.netease_select import Compound, compound


@dataclass(frozen=True)
class DropRule:
    """Elements that never hold article text: by tag, by class token, or by a full compound."""

    tags: frozenset[str]
    classes: frozenset[str]
    others: tuple[Compound, ...]
    hidden_styles: tuple[str, ...]

    def __call__(self, el: etree._Element) -> bool:
        """True when the element is dropped (boilerplate, script, ad or hidden by inline CSS)."""
        if el.tag in self.tags:
            return True
        cls = el.get("class")
        if cls and not self.classes.isdisjoint(cls.split()):
            return True
        style = el.get("style")
        if style and any(h in style.replace(" ", "").lower() for h in self.hidden_styles):
            return True
        return any(part.matches(el) for part in self.others)


@dataclass(frozen=True)
class Rules:
    """The parsed TOML (`raw`) plus the compiled pieces the extractor uses on every page."""

    raw: dict[str, Any]
    dropped: DropRule
    paragraph_drop: tuple[re.Pattern[str], ...]
    otitle: re.Pattern[str]
    trailing_prompt: re.Pattern[str]
    caption_patterns: tuple[re.Pattern[str], ...]
    standalone_captions: tuple[re.Pattern[str], ...]
    sentence_end: re.Pattern[str]

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.raw[section]


def _drop_rule(body: dict[str, Any]) -> DropRule:
    parts = [compound(s) for s in body["drop"]]
    tags = {p.tag for p in parts if p.tag and not (p.classes or p.ident or p.attrs)}
    classes = {p.classes[0] for p in parts if len(p.classes) == 1 and not (p.tag or p.ident or p.attrs)}
    others = tuple(p for p in parts if p.tag not in tags and not (len(p.classes) == 1 and p.classes[0] in classes))
    return DropRule(frozenset(tags), frozenset(classes), others, tuple(body["hidden_styles"]))


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The bundled NetEase rules (read and compiled on first use, then cached)."""
    text = resources.files("fincorpus.scrapers").joinpath("data/netease.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    caption = raw["caption"]
    return Rules(
        raw=raw,
        dropped=_drop_rule(raw["body"]),
        paragraph_drop=_compile(raw["paragraph"]["drop"]),
        otitle=re.compile(raw["paragraph"]["otitle"]),
        trailing_prompt=re.compile(raw["paragraph"]["trailing_prompt"]),
        caption_patterns=_compile(caption["patterns"]),
        standalone_captions=_compile(caption["standalone_patterns"]),
        sentence_end=re.compile(caption["sentence_end"]),
    )
