"""Claims aligned across articles, and the values they disagree on.

`align` groups claims about one subject, measure, period and unit; `conflicts` compares the
values of each group.

Conflicts: stated values that differ by more than `rel_tol` (default 0.01 %: commentary that
writes 6830 where the source says 6826 is exactly what a reader of framing wants to see) or,
for counts (months, days), by anything at all. A hedge (约, 左右, 逾, 高达, 数百亿) widens a value
into an interval: `about` ±5 % of an amount or ±1 of a count, `more than`/`at least` upward
without bound, `less than`/`up to` downward, `several` up to tenfold. A conflict is "hard" when
even these intervals do not meet, "soft" when a hedge could reconcile the two; both are flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.claims import Claim, MeasureTable, Value, default_table


def compatible(a: str | None, b: str | None) -> bool:
    """Two period keys that may name one period: equal, or equal but for "*" parts."""
    if a is None or b is None:
        return True
    pa, pb = a.split("-"), b.split("-")
    return len(pa) == len(pb) and all(x == y or "*" in (x, y) for x, y in zip(pa, pb))


@dataclass(frozen=True, slots=True)
class ClaimGroup:
    """Claims about one subject, measure, period and unit, in the order they were given."""

    subject: str
    measure: str
    period: str | None
    unit: str
    claims: tuple[Claim, ...]


def align(*claim_sets: Iterable[Claim]) -> list[ClaimGroup]:
    """Group the claims of any number of articles by subject, measure, period and unit.

    A claim without a subject is never aligned (two unnamed holders are not known to be one).
    A claim whose period is partial or unknown joins the one group whose period it fits; when
    none or several fit, it stays with the claims of its own key.
    """
    buckets: dict[tuple[str, str, str], list[Claim]] = {}
    for claim in (c for claims in claim_sets for c in claims):
        if claim.subject is not None:
            key = (claim.subject.id, claim.measure, claim.value.unit)
            buckets.setdefault(key, []).append(claim)
    groups = []
    for (subject, measure, unit), claims in buckets.items():
        for period, members in _by_period(claims).items():
            groups.append(ClaimGroup(subject, measure, period, unit, tuple(members)))
    return sorted(groups, key=lambda g: (g.measure, g.subject, g.period or "", g.unit))


def _by_period(claims: list[Claim]) -> dict[str | None, list[Claim]]:
    """Claims by period key, partial keys merged into the single full key they fit."""
    full = lambda key: key is not None and "*" not in key  # noqa: E731
    found: dict[str | None, list[Claim]] = {}
    for claim in claims:
        if full(claim.time.key):
            found.setdefault(claim.time.key, []).append(claim)
    for claim in claims:
        if not full(claim.time.key):
            fits = [k for k in found if full(k) and compatible(claim.time.key, k)]
            found.setdefault(fits[0] if len(fits) == 1 else claim.time.key, []).append(claim)
    return found


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two claims of one group that disagree; `kind` "hard" or "soft" (a hedge may explain it).

    `difference` is relative (|a - b| / max) for amounts and absolute for counts.
    """

    group: ClaimGroup
    a: Claim
    b: Claim
    kind: str
    difference: float


def conflicts(groups: Iterable[ClaimGroup], rel_tol: float = 1e-4, soft: bool = True,
              table: MeasureTable | None = None) -> list[Conflict]:
    """Each pair of claims in a group whose values differ beyond the tolerance (see module)."""
    if not 0 <= rel_tol < 1:
        raise BadInput(f"rel_tol={rel_tol}: give a fraction in [0, 1), e.g. 1e-4 for 0.01 %")
    table = table or default_table()
    found = []
    for group in groups:
        count = group.unit in table.count_units
        for a, b in combinations(group.claims, 2):
            if (a.article_id, a.sentence) == (b.article_id, b.sentence):
                continue  # two numbers of one sentence are two facts (分别激增42%与31%)
            if not _differs(a.value, b.value, count, rel_tol):
                continue
            lo_a, hi_a = _hedged(a.value, count, table)
            lo_b, hi_b = _hedged(b.value, count, table)
            kind = "soft" if lo_a <= hi_b and lo_b <= hi_a else "hard"
            if soft or kind == "hard":
                found.append(Conflict(group, a, b, kind, _difference(a.value, b.value, count)))
    return found


def _differs(a: Value, b: Value, count: bool, rel_tol: float) -> bool:
    """True when two stated values are not the same (counts exactly, amounts within rel_tol)."""
    pairs = ((a.low, b.low), (a.high, b.high))
    if count:
        return any(x != y for x, y in pairs)
    return any(abs(x - y) > rel_tol * max(abs(x), abs(y)) for x, y in pairs)


def _hedged(value: Value, count: bool, table: MeasureTable) -> tuple[float, float]:
    """The interval a hedged value allows (see the module docstring)."""
    low, high, q = value.low, value.high, value.qualifier
    slack = table.about_count if count else table.about * max(abs(low), abs(high))
    if q == "about":
        return low - slack, high + slack
    if q in ("more than", "at least"):
        return low, float("inf")
    if q in ("less than", "up to"):
        return float("-inf"), high
    if q == "several":
        return low, high * 10
    return low, high


def _difference(a: Value, b: Value, count: bool) -> float:
    """How far apart two values are: absolute for counts, relative for amounts."""
    x, y = (a.low + a.high) / 2, (b.low + b.high) / 2
    if count:
        return abs(x - y)
    return abs(x - y) / max(abs(x), abs(y)) if max(abs(x), abs(y)) else 0.0
