"""One entity layer per text: names linked to the gazetteer, numbers with normalised values.

Numeric spans (MONEY, PERCENT, DATE, QUANTITY) win over gazetteer names where they overlap
(the 美 of 美元 is never a country), and gazetteer names win over a statistical model's spans.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from fincorpus.corpus.model import Entity
from fincorpus.nlp.gazetteer import Gazetteer, default_gazetteer
from fincorpus.nlp.numbers import numeric_entities
from fincorpus.nlp.numerals import json_number

#: Keys of each entity in `entities_jsonl`, in this order.
JSONL_KEYS = ("text", "type", "start", "end", "id", "value")


class NamedEntityModel(Protocol):
    """Any statistical tagger of PER/LOC/ORG spans (offsets into the text it is given)."""

    def entities(self, text: str) -> Iterable[Entity]: ...


class EntityTagger:
    """Gazetteer names, numeric entities and, optionally, a model's spans, merged."""

    name = "fincorpus.entities"
    version = "1"

    def __init__(self, gazetteer: Gazetteer | None = None,
                 ner: NamedEntityModel | None = None) -> None:
        self._gazetteer = gazetteer
        self.ner = ner

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer in use: the bundled one unless another was given."""
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    def entities(self, text: str, reference_date: date | None = None,
                 named: Iterable[Entity] | None = None) -> list[Entity]:
        """Entities of `text`, sorted by start, never overlapping, offsets into `text`.

        `reference_date` (the article's publish date) dates 1月14日, 今年, 去年 and picks
        office holders for 总统 or 财长. `named`: the model's spans in `text` when the
        caller has them already (analyze tags a whole batch at once); else the model runs.
        """
        if named is None and self.ner is not None:
            named = self.ner.entities(text)
        spans = [_checked(span, text) for span in named or ()]
        found = overlay(*self.gazetteer.find_and_link(text, spans, reference_date,
                                                      names_win=True))
        return overlay(numeric_entities(text, reference_date), found)


def overlay(winners: list[Entity], others: Iterable[Entity]) -> list[Entity]:
    """`winners` (disjoint) plus those of `others` that overlap nothing kept, sorted by start."""
    kept = sorted(winners, key=lambda e: e.start)
    starts = [e.start for e in kept]
    for entity in sorted(others, key=lambda e: (e.start, e.start - e.end)):
        at = bisect_right(starts, entity.start)
        if (at and kept[at - 1].end > entity.start) or (at < len(kept)
                                                         and kept[at].start < entity.end):
            continue
        kept.insert(at, entity)
        starts.insert(at, entity.start)
    return kept


def _checked(span: Entity, text: str) -> Entity:
    """A model span whose offsets do not give back its text is a bug in the model."""
    if text[span.start:span.end] != span.text:
        raise ValueError(f"NER span {span.text!r} at {span.start}:{span.end} does not match "
                         f"the text there ({text[span.start:span.end]!r}); fix the model's offsets")
    return span


def entities_jsonl(lines: Iterable[str], tagger: EntityTagger | None = None,
                   reference_date: date | None = None) -> Iterator[str]:
    """One JSON list of entities per input line (empty lines too), offsets into that line."""
    tagger = tagger or EntityTagger()
    for line in lines:
        line = line.rstrip("\r\n")
        records = [entity_record(e) for e in tagger.entities(line, reference_date)]
        yield json.dumps(records, ensure_ascii=False)


def entity_record(entity: Entity) -> dict[str, Any]:
    """An entity as a JSON-ready dict with the keys of JSONL_KEYS, in that order."""
    return {"text": entity.text, "type": entity.type, "start": entity.start, "end": entity.end,
            "id": entity.id, "value": json_safe(entity.value)}


def json_safe(value: Any) -> Any:
    """Values JSON can hold: Decimals as numbers, dates as ISO strings, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
