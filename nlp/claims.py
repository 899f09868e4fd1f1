"""Numeric claims (who, what measure, how much, when) and where texts disagree on them.

Self-media rewrites the same news with its own numbers: 6830 vs 6826 亿美元 of Treasuries,
gold bought 14 vs 13 months running. `extract_claims` turns each MONEY, PERCENT and QUANTITY
entity of an analysis into a `Claim`; `align` groups claims about one subject, measure,
period and unit, and `conflicts` flags groups whose values differ (both in nlp/claim_align.py).

How each part is found (the cue words are data, `data/claims.toml`):

- measure: the first table entry whose cue words occur around the number, else
  "other:<the word before the number>" (so that identical phrasings still align).
- subject: the nearest name (LOC/ORG/PER) before the number in its clause, else in its
  sentence, else the first after it in the clause, else, when the measure's topic words are
  only in the sentence before, the first name of that sentence (Chinese drops a subject it
  has just named, and self-media gives each sentence a paragraph). A name right after
  对/输/向 is an object, and a name inside a cue word (the 美国 of 美国国债) is no holder.
  Central banks, ministries and heads of state fold into their country (中国央行 -> Q148).
- time: a DATE in the number's clause, else the nearest DATE before it in the sentence,
  else the month the article was published; 自2008年/2008年以来 are never the time of a value.
  Periods are keys like "2025-11", "2025-Q3", "2025"; a month-end date (截至11月底) is its
  month. A year the text does not give is "*" ("*-11"), matching any year.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Analysis, Entity, Sentence
from fincorpus.nlp.datafiles import read_data

NUMERIC_TYPES = ("MONEY", "PERCENT", "QUANTITY")
NAME_TYPES = ("LOC", "ORG", "PER")
_CLAUSE_MARKS = re.compile(r"[，,；;：:、（）()]")
_SINCE_AFTER = ("以来", "来", "起")
_SINCE_BEFORE = ("自", "从")


@dataclass(frozen=True, slots=True)
class Subject:
    """Who a claim is about: `id` aligns (folded to a country), `entity_id`/`text` as written."""

    id: str
    text: str
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class Value:
    """A stated value: `amount` (None for a range), `low`..`high`, unit or currency, hedge."""

    amount: float | None
    low: float
    high: float
    unit: str
    qualifier: str | None = None


@dataclass(frozen=True, slots=True)
class Period:
    """The period a value refers to: `key` ("2025-11", "*-11") or None, and where it came from."""

    key: str | None
    text: str | None
    source: str  # "sentence", "article" or "none"


@dataclass(frozen=True, slots=True)
class Claim:
    """One number said about a subject; `start`/`end` are the number's span in the article."""

    article_id: str
    sentence: int
    sentence_text: str
    subject: Subject | None
    measure: str
    value: Value
    time: Period
    start: int
    end: int
    text: str
    cues: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        """The claim as flat columns (subject, value and period spelled out): the one layout
        that the claim export and the comparison tables pick their columns from."""
        who, v = self.subject, self.value
        return {"article_id": self.article_id, "sentence": self.sentence, "start": self.start,
                "end": self.end, "text": self.text, "subject_id": who.id if who else None,
                "subject": who.text if who else None, "measure": self.measure,
                "amount": v.amount, "low": v.low, "high": v.high, "unit": v.unit,
                "qualifier": v.qualifier, "period": self.time.key,
                "period_source": self.time.source, "sentence_text": self.sentence_text}


@dataclass(frozen=True, slots=True)
class Measure:
    """One entry of the cue table (see data/claims.toml for what each field tests)."""

    name: str
    types: tuple[str, ...]
    units: tuple[str, ...] = ()
    clause: tuple[tuple[str, ...], ...] = ()
    context: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MeasureTable:
    """The measures in order, and the settings for subjects and values."""

    measures: tuple[Measure, ...]
    state_kinds: frozenset[str] = frozenset()
    object_markers: tuple[str, ...] = ()
    count_units: frozenset[str] = frozenset()
    about: float = 0.05
    about_count: float = 1

    @classmethod
    def load(cls, path: str | Path | None = None) -> MeasureTable:
        """Read a cue table (the bundled one by default); a mistake names the file and entry."""
        text, source = read_data("fincorpus.nlp", "data/claims.toml", path, "claims table")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise BadInput(f"{source}: cannot read the claims table ({error}); "
                           "fix the file or pass another") from None
        measures = tuple(_measure(item, source) for item in data.get("measure", []))
        subjects, values = data.get("subjects", {}), data.get("values", {})
        return cls(measures, frozenset(subjects.get("state_kinds", ())),
                   tuple(subjects.get("object_markers", ())),
                   frozenset(values.get("count_units", ())), float(values.get("about", 0.05)),
                   float(values.get("about_count", 1)))

    def cue_words(self) -> frozenset[str]:
        """Every cue word of every measure (names inside them are never subjects)."""
        return frozenset(w for m in self.measures for group in (*m.clause, *m.context)
                         for w in group)


def _measure(item: Any, source: str) -> Measure:
    """A [[measure]] entry, checked: a name, entity types, and lists of cue words."""
    name = item.get("name") if isinstance(item, dict) else None
    if not isinstance(name, str) or not name or not item.get("types"):
        raise BadInput(f"{source}: [[measure]] {name or item!r} needs a name and types; add them")
    lists = {key: tuple(tuple(group) for group in item.get(key, [])) for key in ("clause",
                                                                               "context")}
    if any(isinstance(g, str) or not all(isinstance(w, str) for w in g)
           for key in lists for g in item.get(key, [])):
        raise BadInput(f"{source}: measure {name}: clause and context are lists of word "
                       "lists ([[\"连续\"], [\"黄金\"]]); fix the entry")
    return Measure(name, tuple(item["types"]), tuple(item.get("units", ())), lists["clause"],
                   lists["context"], tuple(item.get("exclude", ())))


@lru_cache(maxsize=1)
def default_table() -> MeasureTable:
    """The bundled cue table, read once per process."""
    return MeasureTable.load()


def extract_claims(analysis: Analysis, published: date | datetime | None = None,
                   table: MeasureTable | None = None, gazetteer: Any = None) -> list[Claim]:
    """Every numeric claim of an analysis; `published` dates claims whose sentence gives none."""
    table = table or default_table()
    if gazetteer is None:
        from fincorpus.nlp.gazetteer import default_gazetteer
        gazetteer = default_gazetteer()
    if isinstance(published, datetime):
        published = published.date()
    entities = sorted(analysis.entities, key=lambda e: e.start)
    starts = [e.start for e in entities]
    cues = table.cue_words()
    claims, previous_names = [], []
    for index, sentence in enumerate(analysis.sentences):
        inside = entities[bisect_left(starts, sentence.start):bisect_left(starts, sentence.end)]
        names = _names(sentence, inside, table, cues, gazetteer)
        # The sentence before, even across a paragraph break: self-media writes
        # one-sentence paragraphs that go on about what the last one named.
        context = analysis.sentences[index - 1].text if index else ""
        tokens = analysis.tokens[index] if index < len(analysis.tokens) else ()
        where = _Where(analysis.article_id, index, sentence, inside, names, previous_names,
                       context, tokens)
        claims += [_claim(where, entity, published, table) for entity in inside
                   if entity.type in NUMERIC_TYPES and entity.value]
        previous_names = names
    return claims


@dataclass(frozen=True, slots=True)
class _Where:
    """A sentence as its numbers' claims read it: its entities and names, the names of
    the sentence before (`carried`) and its text (`context`), and its words."""

    article_id: str
    index: int
    sentence: Sentence
    inside: list[Entity]
    names: list[tuple[Entity, Subject]]
    carried: list[tuple[Entity, Subject]]
    context: str
    tokens: Any


def _claim(where: _Where, entity: Entity, published: date | None, table: MeasureTable) -> Claim:
    """The claim one number makes, read off its clause and sentence."""
    sentence, context = where.sentence, where.context
    lo, hi = _clause(sentence, entity)
    clause = sentence.text[lo - sentence.start:hi - sentence.start]
    wider = context + sentence.text[:hi - sentence.start]
    value = _value(entity.value)
    measure, found, topic = _pick_measure(entity.type, value.unit, clause, wider, table)
    if measure is None:
        measure = _generic(sentence, entity, (lo, hi), where.inside, where.tokens)
    # A subject carries over from the sentence before only into a sentence that goes on
    # about the topic named there (…美国国债规模…。全年累计减持约700亿美元).
    carried = where.carried
    if not (topic and all(word not in wider[len(context):] for word in topic)):
        carried = []
    return Claim(where.article_id, where.index, sentence.text,
                 _subject(entity, where.names, carried, lo, hi), measure, value,
                 _period(entity, where.inside, lo, hi, published, sentence),
                 entity.start, entity.end, entity.text, found)


def _clause(sentence: Sentence, entity: Entity) -> tuple[int, int]:
    """Article offsets of the clause holding `entity`: between the marks around it.

    A clause that only leads in to the number (…暴涨67%，达1450亿美元) takes the clause
    before it too, where its topic was named.
    """
    text, offset = sentence.text, entity.start - sentence.start
    marks = [m.end() for m in _CLAUSE_MARKS.finditer(text, 0, offset)]
    lo = marks[-1] if marks else 0
    if len(marks) > 1 and len(re.sub(r"\W", "", text[lo:offset])) <= 2:
        lo = marks[-2]
    after = _CLAUSE_MARKS.search(text, entity.end - sentence.start)
    return sentence.start + lo, sentence.start + (after.start() if after else len(text))


def _pick_measure(kind, unit, clause, wider, table):
    """The first measure whose cues all occur around the number, its cues, its topic cues."""
    for measure in table.measures:
        if kind not in measure.types or (measure.units and unit not in measure.units):
            continue
        if any(word in clause for word in measure.exclude):
            continue
        topic = _all_groups(measure.context, wider)
        found = _all_groups(measure.clause, clause) + topic
        if None not in found:
            return measure.name, tuple(found), tuple(topic)
    return None, (), ()


def _all_groups(groups, text: str) -> list[str | None]:
    """For each cue list, the first word of it found in `text` (None when none is)."""
    return [next((w for w in group if w in text), None) for group in groups]


def _generic(sentence, entity, clause, inside, tokens) -> str:
    """"other:<word>": the nearest content word before the number in its clause (else after)."""
    from fincorpus.nlp.stopwords import bundled_stopwords, has_letter

    stop, taken = bundled_stopwords(), [(e.start, e.end) for e in inside]
    clause_start, clause_end = clause
    words = [t for t in tokens if clause_start <= t.start and t.end <= clause_end
             and len(t.text) >= 2
             and has_letter(t.text) and t.text not in stop
             and not any(a < t.end and t.start < b for a, b in taken)]
    before = [t for t in words if t.end <= entity.start]
    after = [t for t in words if t.start >= entity.end]
    if before or after:
        return f"other:{(before[-1] if before else after[0]).text}"
    head = sentence.text[clause_start - sentence.start:entity.start - sentence.start]
    letters = re.findall(r"[^\W\d_]+", head)
    return f"other:{letters[-1][-2:]}" if letters else "other"


def _names(sentence, inside, table, cues, gazetteer) -> list[tuple[Entity, Subject]]:
    """The names in a sentence that may be a claim's subject, in order, with folded ids."""
    text = sentence.text
    covered = [(m.start() + sentence.start, m.end() + sentence.start)
               for word in cues for m in re.finditer(re.escape(word), text)]
    names = []
    for entity in inside:
        if entity.type not in NAME_TYPES:
            continue
        head = text[:entity.start - sentence.start]
        if head.endswith(table.object_markers) or any(
                a <= entity.start and entity.end <= b for a, b in covered):
            continue
        names.append((entity, Subject(_fold(entity, table, gazetteer), entity.text, entity.id)))
    return names


def _fold(entity: Entity, table: MeasureTable, gazetteer: Any) -> str:
    """A state organ's or head of state's country; else the entity's id, else its name."""
    if entity.id is None:
        return f"name:{entity.text}"
    entry = gazetteer.entry(entity.id)
    if entry is not None and entry.kind in table.state_kinds and entry.country:
        return entry.country
    return entity.id


def _subject(entity, names, carried, lo, hi) -> Subject | None:
    """The nearest name before the number (clause, then sentence), after it, else carried over."""
    before = [s for e, s in names if e.end <= entity.start]
    in_clause = [s for e, s in names if e.end <= entity.start and e.start >= lo]
    after = [s for e, s in names if e.start >= entity.end and e.end <= hi]
    for found in (in_clause[-1:], before[-1:], after[:1], [s for _, s in carried][:1]):
        if found:
            return found[0]
    return None


def _value(value: Mapping[str, Any]) -> Value:
    """A numeric entity's normalised value as a `Value` (ranges keep both ends)."""
    unit = value.get("currency") or value.get("unit") or ""
    if value.get("per"):
        unit = f"{unit}/{value['per']}"
    if "low" in value:
        low, high, amount = float(value["low"]), float(value["high"]), None
    else:
        amount = float(value.get("amount", value.get("value", 0)))
        low = high = amount
    return Value(amount, low, high, unit, value.get("qualifier"))


def _period(entity, inside, lo, hi, published, sentence) -> Period:
    """The DATE a value refers to (its clause, else the sentence's opening clause), else the
    month the article was published."""
    dates = [e for e in inside if e.type == "DATE" and e.value and not _since(e, sentence)]
    in_clause = [e for e in dates if lo <= e.start and e.end <= hi]
    first = _CLAUSE_MARKS.search(sentence.text)
    opening = sentence.start + (first.start() if first else len(sentence.text))
    before = [e for e in dates if e.end <= min(entity.start, opening)]
    ranked = sorted(in_clause, key=lambda e: (e.start > entity.start, abs(e.start - entity.start)))
    chosen = ranked[:1] or before[-1:]
    if chosen:
        return Period(period_key(chosen[0].value), chosen[0].text, "sentence")
    if published is not None:
        return Period(f"{published.year}-{published.month:02d}", published.isoformat(), "article")
    return Period(None, None, "none")


def _since(entity: Entity, sentence: Sentence) -> bool:
    """True for the start of a span of time (自2008年, 2008年以来), never a value's date."""
    head = sentence.text[:entity.start - sentence.start]
    tail = sentence.text[entity.end - sentence.start:]
    return head.endswith(_SINCE_BEFORE) or tail.startswith(_SINCE_AFTER)


def period_key(value: Mapping[str, Any]) -> str | None:
    """A DATE value as a period key: "2025-11-14", "2025-11", "2025-Q3", "2025", "*-11"."""
    precision, qualifier = value.get("precision"), value.get("qualifier")
    if "low" in value:
        low, high = (period_key({"date": value[k], "precision": precision}) for k in ("low",
                                                                                    "high"))
        return f"{low}..{high}" if low and high else None
    if value.get("date"):
        year, month, day = value["date"].split("-")
    elif value.get("quarter") and not value.get("month"):
        return f"*-Q{value['quarter']}"
    elif value.get("month"):
        year, month, day = "*", f"{int(value['month']):02d}", f"{int(value.get('day') or 1):02d}"
    else:
        return None
    if qualifier == "end of year":
        return year
    if precision == "day" and qualifier != "end of month":
        return f"{year}-{month}-{day}"
    return {"quarter": f"{year}-Q{(int(month) - 1) // 3 + 1}",
            "half": f"{year}-H{1 if int(month) < 7 else 2}",
            "year": year}.get(precision, f"{year}-{month}")
