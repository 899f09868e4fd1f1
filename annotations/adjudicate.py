"""Gold labels from several coders: majority vote, ties left to a person, and how each was decided.

Every labelled unit and field gets a gold label, whatever the field's kind:
- single-choice (stance toward a target): one coder gives a `single-coder` gold label; coders
  who all agree, `unanimous`; a value more coders chose than any other, `majority`; anything
  else is a tie, listed (with its candidates and the unit text) for an adjudicator, whose
  decision makes the gold label `adjudicated`. The gold value is the chosen value.
- multi-label (frames) and span (entities) fields are decided value by value and span by span
  (adjudicate_sets.py has the rules); the gold value is a JSON array (the present values, or
  the gold spans as [start, end, tag, text]) and `items` records the decision on each.
A decision also overrides a majority, when the adjudicator gives one.

The ties file (`tie_rows`, CSV) has one row per decision to make, columns TIE_COLUMNS:
- stance: one row per unit and field; `candidates` the tied values, decision one of them.
- frames: one row per unit and disputed value (`value`), so that each row asks one yes/no
  question a spreadsheet can sort and filter; decision `present` or `absent`.
- entities: one row per unit and disputed span (`start`, `end`, tag in `value`, its text in
  `span_text`), `overlaps` the rival spans over the same text; decision `keep` or `drop`.
`votes` says what each coder gave (`alice=present; bob=absent`), `text` is the unit text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from fincorpus.annotations.adjudicate_sets import (DECISION_WORDS, Item, coder_votes, decide,
                                                   decision_key, gold_value, item_votes, marks,
                                                   overall, overlapping)
from fincorpus.annotations.readers import csv_rows, load_text
from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

HOW = ("unanimous", "majority", "adjudicated", "single-coder")
TIE_COLUMNS = ("unit_id", "field", "candidates", "votes", "value", "start", "end", "span_text",
               "overlaps", "text", "decision")

Votes = tuple[tuple[str, Any], ...]  # (coder, value), by coder: a value, or a tuple of them
Decisions = Mapping[tuple, str]  # see `adjudicate`

__all__ = ["HOW", "TIE_COLUMNS", "Adjudication", "Gold", "Item", "Tie", "adjudicate",
           "read_decisions", "tie_rows", "vote"]


@dataclass(frozen=True, slots=True)
class Gold:
    """The gold label of one unit and field, and how it was decided (`items`: the decision on
    each value or span of a multi-label or span field)."""

    unit_id: str
    field: str
    value: str
    decided_by: str
    votes: Votes
    items: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Tie:
    """A decision waiting for a person: a unit and single-choice field the coders split on
    evenly (its candidates), or one disputed value or span (`item`) of a multi or span field."""

    unit_id: str
    field: str
    candidates: tuple[str, ...]
    votes: Votes
    item: Item | None = None
    overlaps: tuple[Item, ...] = ()


@dataclass(frozen=True, slots=True)
class Adjudication:
    """Gold labels decided, and the ties still waiting for a decision."""

    gold: tuple[Gold, ...]
    ties: tuple[Tie, ...]

    def counts(self) -> dict[str, int]:
        """How many gold labels each way of deciding gave, and ties left."""
        found = Counter(g.decided_by for g in self.gold)
        return {**{how: found[how] for how in HOW}, "ties": len(self.ties)}


def adjudicate(labels: Iterable[Label], decisions: Decisions | None = None,
               scheme: Scheme | None = None) -> Adjudication:
    """Gold labels of every labelled unit and field, and the ties left. `decisions` settle
    ties and may override a vote: (unit, field) -> value for a single-choice field,
    (unit, field, value) -> present/absent for a multi-label one, (unit, field, start, end,
    tag) -> keep/drop for a span (what `read_decisions` gives)."""
    scheme = scheme or Scheme.load()
    decisions = decisions or {}
    groups, coders = _groups(labels, scheme)
    _check_decisions(decisions, groups, scheme)
    per_item: dict[tuple[str, str], dict[tuple, str]] = defaultdict(dict)
    for key, word in decisions.items():
        if len(key) > 2:
            per_item[key[:2]][key[2:]] = word
    gold, ties = [], []
    for (unit_id, field), (kind, found) in sorted(groups.items()):
        if kind != "choice":
            outcome = _decide_set(unit_id, field, kind, found, coders[unit_id],
                                  per_item.get((unit_id, field), {}), scheme)
            if isinstance(outcome, Gold):
                gold.append(outcome)
            else:
                ties.extend(outcome)
            continue
        votes = _choice_votes(found)
        decided = decisions.get((unit_id, field))
        if decided is not None:
            gold.append(Gold(unit_id, field, decided, "adjudicated", votes))
            continue
        outcome = vote(votes)
        if isinstance(outcome, Gold):
            gold.append(Gold(unit_id, field, outcome.value, outcome.decided_by, votes))
        else:
            ties.append(Tie(unit_id, field, outcome, votes))
    return Adjudication(tuple(gold), tuple(ties))


def vote(votes: Votes) -> Gold | tuple[str, ...]:
    """A gold label (value and how) from one unit's votes, or the tied candidates."""
    counts = Counter(value for _, value in votes)
    ranked = counts.most_common()
    if len(votes) == 1:
        return Gold("", "", ranked[0][0], "single-coder", votes)
    if len(ranked) == 1:
        return Gold("", "", ranked[0][0], "unanimous", votes)
    if ranked[0][1] > ranked[1][1]:
        return Gold("", "", ranked[0][0], "majority", votes)
    return tuple(sorted(value for value, count in ranked if count == ranked[0][1]))


def _groups(labels: Iterable[Label], scheme: Scheme
            ) -> tuple[dict[tuple[str, str], tuple[str, list[Label]]], dict[str, set[str]]]:
    """(unit, field) -> (field kind, its labels); and unit -> every coder who labelled it."""
    by_field: dict[tuple[str, str], list[Label]] = defaultdict(list)
    coders: dict[str, set[str]] = defaultdict(set)
    for label in labels:
        by_field[label.unit_id, label.field].append(label)
        coders[label.unit_id].add(label.coder)
    groups = {}
    for key, found in by_field.items():
        spec = scheme.get(key[1])
        kind = spec.kind if spec is not None else (
            "span" if any(x.start is not None for x in found) else "choice")
        found = [x for x in found if (x.start is not None) == (kind == "span")]
        if found:
            groups[key] = (kind, found)
    return groups, coders


def _choice_votes(labels: list[Label]) -> Votes:
    """Each coder's one value of a single-choice field, by coder."""
    coders: dict[str, str] = {}
    for label in labels:
        before = coders.setdefault(label.coder, label.value)
        if before != label.value:
            raise BadInput(f"{label.source or '<labels>'}: unit {label.unit_id}: coder "
                           f"{label.coder} gave {label.field} two values ({before}, "
                           f"{label.value}); keep one and import the file again")
    return tuple(sorted(coders.items()))


def _decide_set(unit_id: str, field: str, kind: str, labels: list[Label], coders: set[str],
                decisions: Mapping[tuple, str], scheme: Scheme) -> Gold | list[Tie]:
    """The gold label of a multi-label or span field on one unit, or its ties; `decisions`:
    item key (value,) or (start, end, tag) -> the adjudicator's word."""
    span = kind == "span"
    words = DECISION_WORDS[kind]
    found = marks(labels, span)
    decided = {key: words[word.lower()] for key, word in decisions.items()}
    if not span:
        for key in decided:
            found.setdefault(key, Item(key[0]))  # a value no coder chose, decided all the same
    items = decide(found, sorted(coders), decided, span)
    tied = [item for item in items if item.present is None]
    if tied:
        return [Tie(unit_id, field, tuple(words), item_votes(item, sorted(coders), kind), item,
                    overlapping(item, items) if span else ()) for item in tied]
    spec = scheme.get(field)
    return Gold(unit_id, field, gold_value(items, spec.choices if spec else ()),
                overall(items, sorted(coders)), coder_votes(items, coders), tuple(items))


def _check_decisions(decisions: Decisions, groups: Mapping[tuple[str, str], tuple],
                     scheme: Scheme) -> None:
    """Refuse a decision on a unit and field no coder labelled, or on a span no coder marked."""
    sizes = {"choice": 2, "multi": 3, "span": 5}
    for key in sorted(decisions, key=str):
        unit_id, field = key[:2]
        if (unit_id, field) not in groups:
            raise BadInput(f"the decisions name unit {unit_id} field {field}, which no coder "
                           "labelled; fix the unit_id or field in the decisions file")
        kind, labels = groups[unit_id, field]
        if len(key) != sizes[kind]:
            raise BadInput(f"the decision on unit {unit_id} field {field} does not fit a "
                           f"{kind} field; copy its row from the ties file")
        if kind != "choice" and str(decisions[key]).lower() not in DECISION_WORDS[kind]:
            raise BadInput(f"the decision on unit {unit_id} field {field} is "
                           f"{decisions[key]!r}; write {' or '.join(DECISION_WORDS[kind])}")
        spec = scheme.get(field)
        if kind == "multi" and spec is not None and key[2] not in spec.choices:
            raise BadInput(f"the decisions name value {key[2]!r} of {field} (unit {unit_id}), "
                           f"not one of {', '.join(spec.choices)}; copy the row from the ties file")
        if kind == "span" and key[2:] not in marks(labels, True):
            start, end, tag = key[2:]
            raise BadInput(f"the decisions keep or drop span {start}-{end} {tag} of unit "
                           f"{unit_id} ({field}), which no coder marked; decide only the spans "
                           "the ties file lists")


def read_decisions(path: str | Path, scheme: Scheme | None = None) -> dict[tuple, str]:
    """The adjudicator's decisions from the ties file, filled in (rows with an empty decision
    are skipped): (unit, field) -> value for a single-choice field, (unit, field, value) ->
    present/absent for a multi-label one, (unit, field, start, end, tag) -> keep/drop for a
    span."""
    scheme = scheme or Scheme.load()
    rows = csv_rows(load_text(path))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    missing = [c for c in ("unit_id", "field", "decision") if c not in header]
    if missing:
        raise BadInput(f"{path}: no column {', '.join(missing)}; fill in the decision column of "
                       "the ties file `fincorpus annotate adjudicate` wrote")
    names = ("unit_id", "field", "decision", "value", "start", "end")
    at = {name: header.index(name) for name in names if name in header}
    found: dict[tuple, str] = {}
    for number, row in enumerate(rows[1:], 2):
        cells = {k: row[at[k]].strip() if k in at and at[k] < len(row) else "" for k in names}
        unit_id, field, value = cells["unit_id"], cells["field"], cells["decision"]
        if not value:
            continue
        spec = scheme.get(field)
        kind = spec.kind if spec is not None else (
            "span" if cells["start"] else "multi" if cells["value"] else "choice")
        if kind != "choice":
            key, word = decision_key(kind, field, cells, f"{path}: row {number}",
                                     spec.choices if spec else ())
            found[(unit_id, field, *key)] = word
            continue
        if spec is not None and value not in spec.choices:
            raise BadInput(f"{path}: row {number}: decision {value!r} for {field} is not one of "
                           f"{', '.join(spec.choices)}; write one of them")
        found[unit_id, field] = value
    return found


def tie_rows(ties: Iterable[Tie], texts: Mapping[str, str]) -> list[list[str]]:
    """The ties as CSV rows (header first) for the adjudicator, decision column empty."""
    rows = [list(TIE_COLUMNS)]
    for tie in ties:
        votes = "; ".join(f"{coder}={value}" for coder, value in tie.votes)
        item = tie.item
        where = ["", "", "", ""] if item is None else [
            item.value, "" if item.start is None else str(item.start),
            "" if item.end is None else str(item.end), item.text or ""]
        rows.append([tie.unit_id, tie.field, " | ".join(tie.candidates), votes, *where,
                     "; ".join(other.describe() for other in tie.overlaps),
                     texts.get(tie.unit_id, ""), ""])
    return rows
