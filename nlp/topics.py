"""Topics by lexicon: a TOML taxonomy of indicator terms, scored per sentence and per article.

The bundled taxonomy is data/topics.toml; a user's own file in the same format is loaded
with `Taxonomy.load(path)` and checked entry by entry, so a mistake is reported in one
line naming the file, the topic and the fix. Scoring is `CategoryScorer`'s: weighted
indicator hits per 100 characters, with the terms and sentences behind each score.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Score
from fincorpus.nlp.term_scores import LexiconScorer, lexicon_digest
from fincorpus.nlp.terms import Term, fold

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_TOPIC_KEYS = {"id", "label_en", "label_zh", "description", "terms", "weights"}
_TOP_KEYS = {"topic"}
BUNDLED = "data/topics.toml"


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic of a taxonomy: its id, labels, description and weighted indicator terms."""

    id: str
    label_en: str
    label_zh: str
    terms: tuple[Term, ...]
    description: str = ""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The topics to tag with, in file order, and where they came from (for error messages)."""

    topics: tuple[Topic, ...]
    source: str = "<string>"

    @classmethod
    def load(cls, path: str | Path | None = None) -> Taxonomy:
        """The taxonomy in a TOML file (the bundled data/topics.toml when no path is given)."""
        if path is None:
            text = resources.files("fincorpus.nlp").joinpath(BUNDLED).read_text("utf-8")
            return cls.loads(text, source=f"fincorpus.nlp/{BUNDLED}")
        try:
            text = Path(path).read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise BadInput(f"{path}: cannot read the taxonomy ({_one_line(error)})") from error
        return cls.loads(text, source=str(path))

    @classmethod
    def loads(cls, text: str, source: str = "<string>") -> Taxonomy:
        """The taxonomy in TOML text; `source` names it in error messages."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise BadInput(f"{source}: not valid TOML ({_one_line(error)})") from error
        return cls(_topics(data, source), source)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(topic.id for topic in self.topics)

    def __getitem__(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    def digest(self) -> str:
        """A short hash of the topics and terms: which taxonomy a stored score came from."""
        return lexicon_digest({topic.id: topic.terms for topic in self.topics})

    def to_toml(self) -> str:
        """The taxonomy as TOML that `Taxonomy.loads` reads back to the same topics."""
        return "".join(_topic_toml(topic) for topic in self.topics)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def _topics(data: dict[str, Any], source: str) -> tuple[Topic, ...]:
    extra = sorted(set(data) - _TOP_KEYS)
    if extra:
        raise BadInput(f"{source}: unknown top-level key {extra[0]!r}; "
                       "topics go in [[topic]] tables")
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        raise BadInput(f"{source}: no topics; add at least one [[topic]] table")
    topics, seen = [], set()
    for number, entry in enumerate(entries, 1):
        topic = _topic(entry, f"{source}: topic #{number}")
        if topic.id in seen:
            raise BadInput(f"{source}: topic #{number}: id {topic.id!r} is used twice; "
                           "ids must be unique")
        seen.add(topic.id)
        topics.append(topic)
    return tuple(topics)


def _topic(entry: Any, where: str) -> Topic:
    if not isinstance(entry, dict):
        raise BadInput(f"{where}: not a table; write each topic as a [[topic]] table")
    extra = sorted(set(entry) - _TOPIC_KEYS)
    if extra:
        allowed = ", ".join(sorted(_TOPIC_KEYS))
        raise BadInput(f"{where}: unknown key {extra[0]!r}; allowed: {allowed}")
    topic_id = entry.get("id")
    if not isinstance(topic_id, str) or not _ID.match(topic_id):
        raise BadInput(f"{where}: id {topic_id!r} must be lower-case letters, digits "
                       "and _ (like 'gold')")
    where = f"{where} ({topic_id!r})"
    labels = [_text(entry, key, where, required=True) for key in ("label_en", "label_zh")]
    description = _text(entry, "description", where, required=False)
    terms = _terms(entry.get("terms"), entry.get("weights", {}), where)
    return Topic(topic_id, labels[0], labels[1], terms, description)


def _text(entry: dict[str, Any], key: str, where: str, required: bool) -> str:
    value = entry.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadInput(f"{where}: {key} must be a non-empty string")
    return value


def _terms(terms: Any, weights: Any, where: str) -> tuple[Term, ...]:
    if not isinstance(terms, list) or not terms:
        raise BadInput(f"{where}: terms must be a non-empty list of strings")
    if not isinstance(weights, dict):
        raise BadInput(f"{where}: weights must be a table of term = number")
    seen: dict[str, str] = {}
    for term in terms:
        if not isinstance(term, str) or not term.strip() or term != term.strip():
            raise BadInput(f"{where}: term {term!r} must be a non-empty string "
                           "without outer spaces")
        if fold(term) in seen:
            raise BadInput(f"{where}: term {term!r} is listed twice (as {seen[fold(term)]!r})")
        seen[fold(term)] = term
    for term, weight in weights.items():
        if term not in terms:
            raise BadInput(f"{where}: weight for {term!r}, which is not in terms; add it to terms")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise BadInput(f"{where}: weight of {term!r} must be a number, not {weight!r}")
        if not (math.isfinite(weight) and weight >= 0):
            raise BadInput(f"{where}: weight of {term!r} must be a finite number >= 0, "
                           f"not {weight!r}")
    return tuple(Term(term, float(weights.get(term, 1.0))) for term in terms)


def _toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML; DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _topic_toml(topic: Topic) -> str:
    terms = ",\n".join(f"    {_toml_str(term.text)}" for term in topic.terms)
    lines = [
        "[[topic]]",
        f"id = {_toml_str(topic.id)}",
        f"label_en = {_toml_str(topic.label_en)}",
        f"label_zh = {_toml_str(topic.label_zh)}",
        f"description = {_toml_str(topic.description)}",
        f"terms = [\n{terms},\n]",
    ]
    weighted = [term for term in topic.terms if term.weight != 1.0]
    if weighted:
        lines.append("[topic.weights]")
        lines += [f"{_toml_str(term.text)} = {term.weight!r}" for term in weighted]
    return "\n".join(lines) + "\n\n"


class TopicScorer(LexiconScorer):
    """Topic scores for sentences and articles from a taxonomy's indicator terms."""

    name = "topic-lexicon"

    def __init__(self, taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy if taxonomy is not None else Taxonomy.load()
        super().__init__({t.id: t.terms for t in self.taxonomy.topics}, self.taxonomy.digest())


def top_topic(scores: Sequence[Score]) -> str | None:
    """The id of the best-scoring topic, or None when no topic was found."""
    return scores[0].name if scores else None
