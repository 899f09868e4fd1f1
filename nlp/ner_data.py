"""NER data in and out: CLUENER and BIO readers, BIO <-> spans, entity-level scores.

Training (`train_ner`), the benchmark and the tests read the same files the same way, so a
score printed anywhere means one thing: exact-span, exact-type matches over PER/LOC/ORG.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Entity

TYPES = ("PER", "LOC", "ORG")
#: CLUENER2020's fine labels -> our coarse types; the other five labels become O.
CLUENER_COARSE = {"name": "PER", "address": "LOC", "organization": "ORG",
                  "company": "ORG", "government": "ORG"}


@dataclass(frozen=True, slots=True)
class Example:
    """One sentence with every labelled span (fine CLUENER types, or PER/LOC/ORG)."""

    text: str
    entities: tuple[Entity, ...]


def read_cluener(path: Path) -> list[Example]:
    """CLUENER JSON lines ({"text", "label": {type: {mention: [[start, end_inclusive]]}}})."""
    examples = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                examples.append(_cluener_example(row))
            except (ValueError, KeyError, TypeError) as error:
                raise BadInput(f"{path}:{number}: not a CLUENER line ({error}); "
                               "expected {{\"text\": ..., \"label\": ...}}") from error
    return examples


def _cluener_example(row: dict) -> Example:
    """One CLUENER row; spans whose text does not match the mention are refused."""
    text = row["text"]
    found = []
    for kind, mentions in (row.get("label") or {}).items():
        for mention, spans in mentions.items():
            for start, last in spans:
                if text[start:last + 1] != mention:
                    raise ValueError(f"span {start}-{last} is not {mention!r}")
                found.append(Entity(mention, kind, start, last + 1))
    return Example(text, tuple(sorted(found, key=lambda e: (e.start, e.end))))


def coarse(example: Example, mapping: dict[str, str] = CLUENER_COARSE) -> Example:
    """The example with fine types mapped to PER/LOC/ORG and the rest dropped."""
    kept = tuple(Entity(e.text, mapping[e.type], e.start, e.end)
                 for e in example.entities if e.type in mapping)
    return Example(example.text, kept)


def read_bio(path: Path) -> list[Example]:
    """Char-per-line `char<TAB>tag` files (MSRA), a blank line between sentences."""
    examples, chars, tags = [], [], []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                if chars:
                    examples.append(from_tags("".join(chars), tags))
                chars, tags = [], []
                continue
            char, sep, tag = line.rpartition("\t")
            if not sep or len(char) != 1:
                raise BadInput(f"{path}:{number}: expected 'char<TAB>tag', got {line!r}")
            chars.append(char)
            tags.append(tag)
    if chars:
        examples.append(from_tags("".join(chars), tags))
    return examples


def to_tags(example: Example) -> list[str]:
    """BIO tags, one per character; a later overlapping span never overwrites an earlier one."""
    tags = ["O"] * len(example.text)
    for entity in example.entities:
        if all(tag == "O" for tag in tags[entity.start:entity.end]):
            tags[entity.start] = f"B-{entity.type}"
            for i in range(entity.start + 1, entity.end):
                tags[i] = f"I-{entity.type}"
    return tags


def spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(type, start, end) of each entity in a BIO sequence; a stray I- starts a new entity."""
    found: list[tuple[str, int, int]] = []
    kind, start = None, 0
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, label = tag.partition("-")
        if kind is not None and (prefix != "I" or label != kind):
            found.append((kind, start, i))
            kind = None
        if prefix == "B" or (prefix == "I" and kind is None):
            kind, start = label, i
    return found


def from_tags(text: str, tags: Sequence[str]) -> Example:
    """An example whose entities are the spans of a BIO sequence."""
    if len(tags) != len(text):
        raise ValueError(f"{len(tags)} tags for {len(text)} characters")
    return Example(text, tuple(Entity(text[s:e], t, s, e) for t, s, e in spans(tags)))


@dataclass(frozen=True, slots=True)
class Scores:
    """Entity-level exact-match counts for one type (or all) and the rates they give."""

    gold: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(gold: Iterable[Example], predicted: Iterable[Example],
          types: Sequence[str] = TYPES) -> dict[str, Scores]:
    """Per-type and micro ("ALL") scores: a hit needs the same start, end and type."""
    counts = {t: [0, 0, 0] for t in (*types, "ALL")}
    for g, p in zip(gold, predicted, strict=True):
        g_set = {(e.type, e.start, e.end) for e in g.entities if e.type in types}
        p_set = {(e.type, e.start, e.end) for e in p.entities if e.type in types}
        for kind, start, end in g_set:
            counts[kind][0] += 1
            counts[kind][2] += (kind, start, end) in p_set
        for kind, _, _ in p_set:
            counts[kind][1] += 1
    for t in types:
        for k in range(3):
            counts["ALL"][k] += counts[t][k]
    return {t: Scores(*c) for t, c in counts.items()}
