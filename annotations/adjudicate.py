"""Gold labels from several coders: majority vote, ties left to a person, and how each was decided.

For each unit and single-choice field (stance toward a target): one coder gives a
`single-coder` gold label; coders who all agree, `unanimous`; a value more coders chose than
any other, `majority`; anything else is a tie, listed (with its candidates and the unit text)
for an adjudicator, whose decision makes the gold label `adjudicated`. A decision also
overrides a majority, when the adjudicator gives one. Multi-label and span fields are not
voted on here (their labels stay in the store for agreement).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from fincorpus.annotations.readers import load_text, _csv_rows
from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

HOW = ("unanimous", "majority", "adjudicated", "single-coder")
TIE_COLUMNS = ("unit_id", "field", "candidates", "votes", "text", "decision")

Votes = tuple[tuple[str, str], ...]  # (coder, value), by coder


@dataclass(frozen=True, slots=True)
class Gold:
    """The gold label of one unit and field, and how it was decided."""

    unit_id: str
    field: str
    value: str
    decided_by: str
    votes: Votes


@dataclass(frozen=True, slots=True)
class Tie:
    """A unit and field the coders split on evenly: the values in the running, for a person."""

    unit_id: str
    field: str
    candidates: tuple[str, ...]
    votes: Votes


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
    gold, ties = [], []
    for (unit_id, field), (kind, found) in sorted(groups.items()):
        if kind != "choice":
            outcome = _decide_set(unit_id, field, kind, found, coders[unit_id], decisions,
                                  scheme)
            (gold if isinstance(outcome, Gold) else ties).extend(
                [outcome] if isinstance(outcome, Gold) else outcome)
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


def _votes(labels: Iterable[Label], scheme: Scheme) -> dict[tuple[str, str], Votes]:
    """(unit, field) -> each coder's one value, for single-choice fields only."""
    by_unit: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for label in labels:
        spec = scheme.get(label.field)
        if label.start is not None or (spec is not None and spec.kind != "choice"):
            continue
        before = by_unit[label.unit_id, label.field].setdefault(label.coder, label.value)
        if before != label.value:
            raise BadInput(f"{label.source or '<labels>'}: unit {label.unit_id}: coder "
                           f"{label.coder} gave {label.field} two values ({before}, "
                           f"{label.value}); keep one and import the file again")
    return {key: tuple(sorted(coders.items())) for key, coders in by_unit.items()}


def read_decisions(path: str | Path, scheme: Scheme | None = None) -> dict[tuple[str, str], str]:
    """(unit, field) -> decided value from an adjudicator's CSV (the ties file, filled in);
    rows with an empty decision are skipped."""
    scheme = scheme or Scheme.load()
    rows = _csv_rows(load_text(path))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    missing = [c for c in ("unit_id", "field", "decision") if c not in header]
    if missing:
        raise BadInput(f"{path}: no column {', '.join(missing)}; fill in the decision column of "
                       "the ties file `fincorpus annotate adjudicate` wrote")
    at = {name: header.index(name) for name in ("unit_id", "field", "decision")}
    found: dict[tuple[str, str], str] = {}
    for number, row in enumerate(rows[1:], 2):
        unit_id, field, value = (row[at[k]].strip() if at[k] < len(row) else ""
                                 for k in ("unit_id", "field", "decision"))
        if not value:
            continue
        spec = scheme.get(field)
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
        rows.append([tie.unit_id, tie.field, " | ".join(tie.candidates), votes,
                     texts.get(tie.unit_id, ""), ""])
    return rows
