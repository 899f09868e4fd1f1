"""Gold labels of multi-label and span fields, decided value by value and span by span.

The coders of a unit are everyone who labelled it in any field (as agreement counts them), so
a coder who chose no frame for an article still votes that each frame is absent.

- multi-label (frames): each value some coder chose is present in gold when a strict majority
  of the unit's coders chose it, absent when a strict majority did not; half and half is a tie.
  Values nobody chose are absent (unanimously) and not listed.
- span (entities): a span (start, end, tag) is gold when a strict majority of the unit's
  coders marked exactly it; any other span (marked by half or fewer, a rival reading of an
  overlapping span included) is a tie, shown to the adjudicator with the spans it overlaps.

An adjudicator's decision (present / absent, keep / drop) settles a tie and may override a
vote. The field's gold label is decided once none of its values or spans is tied: it is
`adjudicated` when any decision went into it, `single-coder` with one coder, `unanimous` when
every coder agreed on every value or span, else `majority`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

#: The words of the decision column, per field kind, and what they mean (in gold or not).
DECISION_WORDS = {"multi": {"present": True, "absent": False},
                  "span": {"keep": True, "drop": False}}
#: How a coder's choice of the disputed value or span shows in the ties file's votes column.
VOTE_WORDS = {"multi": ("present", "absent"), "span": ("marked", "not marked")}

Key = tuple  # (value,) of a multi-label value, (start, end, tag) of a span


@dataclass(frozen=True, slots=True)
class Item:
    """One value of a multi-label field, or one span (`value` its tag), on one unit: who chose
    it, and whether it is in the gold label (`present`, None while tied) and how so."""

    value: str
    coders: tuple[str, ...] = ()
    present: bool | None = None
    decided_by: str = ""
    start: int | None = None
    end: int | None = None
    text: str | None = None

    @property
    def key(self) -> Key:
        return (self.value,) if self.start is None else (self.start, self.end, self.value)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form kept in the gold table's `detail` column."""
        found: dict[str, Any] = {"value": self.value}
        if self.start is not None:
            found.update(start=self.start, end=self.end, text=self.text)
        found.update(present=self.present, decided_by=self.decided_by, coders=list(self.coders))
        return found

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Item:
        return cls(data["value"], tuple(data.get("coders", ())), data.get("present"),
                   data.get("decided_by", ""), data.get("start"), data.get("end"), data.get("text"))

    def describe(self) -> str:
        """`3-6 ORG 美联储 [alice, bob]`: a span (or value) and who marked it, for a person."""
        what = self.value if self.start is None else \
            f"{self.start}-{self.end} {self.value} {self.text}"
        return f"{what} [{', '.join(self.coders) or 'nobody'}]"


def marks(labels: Iterable[Label], span: bool) -> dict[Key, Item]:
    """Each value (or span) the coders gave one unit's field, with who gave it."""
    found: dict[Key, Item] = {}
    for label in labels:
        item = Item(label.value, (), None, "", label.start, label.end, label.text) if span \
            else Item(label.value)
        before = found.setdefault(item.key, item)
        if label.coder not in before.coders:
            found[item.key] = replace(before, coders=tuple(sorted((*before.coders, label.coder))))
    return found


def decide(items: Mapping[Key, Item], coders: Sequence[str], decided: Mapping[Key, bool],
           span: bool) -> list[Item]:
    """Each item with its decision (present None: tied), in key order."""
    n = len(coders)
    out = []
    for key, item in sorted(items.items()):
        k = len(item.coders)
        if key in decided:
            present, how = decided[key], "adjudicated"
        elif n == 1:
            present, how = True, "single-coder"
        elif k == n:
            present, how = True, "unanimous"
        elif 2 * k > n:
            present, how = True, "majority"
        elif 2 * k < n and not span:
            present, how = False, "majority"
        else:
            present, how = None, ""
        out.append(replace(item, present=present, decided_by=how))
    return out


def overall(items: Sequence[Item], coders: Sequence[str]) -> str:
    """How a whole multi-label or span gold label was decided, from its items."""
    hows = {item.decided_by for item in items}
    if "adjudicated" in hows:
        return "adjudicated"
    if len(coders) == 1:
        return "single-coder"
    return "unanimous" if hows <= {"unanimous"} else "majority"


def gold_value(items: Sequence[Item], order: Sequence[str] = ()) -> str:
    """The gold label as JSON: the present values (scheme order), or the gold spans as
    [start, end, tag, text]."""
    chosen = [item for item in items if item.present]
    if chosen and chosen[0].start is not None:
        return json.dumps([[i.start, i.end, i.value, i.text] for i in chosen], ensure_ascii=False)
    rank = {value: index for index, value in enumerate(order)}
    values = sorted((i.value for i in chosen), key=lambda v: (rank.get(v, len(rank)), v))
    return json.dumps(values, ensure_ascii=False)


def coder_votes(items: Sequence[Item], coders: Sequence[str]) -> tuple[tuple[str, tuple], ...]:
    """coder -> the values (or (start, end, tag) spans) they gave, an empty tuple for none."""
    return tuple((coder, tuple(i.key if i.start is not None else i.value for i in items
                               if coder in i.coders)) for coder in sorted(coders))


def item_votes(item: Item, coders: Sequence[str], kind: str) -> tuple[tuple[str, str], ...]:
    """coder -> present / absent (marked / not marked) of one disputed item."""
    yes, no = VOTE_WORDS[kind]
    return tuple((coder, yes if coder in item.coders else no) for coder in sorted(coders))


def overlapping(item: Item, items: Sequence[Item]) -> tuple[Item, ...]:
    """The other spans of the unit that overlap this one (rival readings of the same text)."""
    return tuple(other for other in items if other.key != item.key and other.start is not None
                 and other.start < item.end and item.start < other.end)


def decision_key(kind: str, field: str, cells: Mapping[str, str], where: str,
                 choices: Sequence[str]) -> tuple[Key, str]:
    """(item key, decision word) of one filled-in row of the ties file for a multi-label or span
    field, checked; BadInput names the row and the fix."""
    words = DECISION_WORDS[kind]
    word, value = cells["decision"].lower(), cells["value"]
    if word not in words:
        raise BadInput(f"{where}: decision {cells['decision']!r} for {field} is not "
                       f"{' or '.join(words)}; write one of them")
    if not value:
        raise BadInput(f"{where}: a decision on {field} needs the value column (the "
                       f"{'tag' if kind == 'span' else 'value'} it decides); copy the row "
                       "from the ties file")
    if choices and value not in choices:
        raise BadInput(f"{where}: {value!r} is not one of {', '.join(choices)} for {field}; "
                       "copy the row from the ties file")
    if kind == "multi":
        return (value,), word
    try:
        start, end = int(cells["start"]), int(cells["end"])
    except ValueError:
        raise BadInput(f"{where}: a span decision needs whole numbers in start and end (got "
                       f"{cells['start']!r}, {cells['end']!r}); copy the row from the ties "
                       "file") from None
    return (start, end, value), word
