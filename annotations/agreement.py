"""Inter-coder agreement per label field: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α.

How each field is treated (its kind comes from the scheme, else from the labels):
- choice (one value per unit and coder): nominal. Percent agreement is the mean, over units
  with two or more coders, of the share of coder pairs that agree on the unit. Cohen's κ for
  each coder pair on the units both labelled (scikit-learn). Fleiss' κ on the units every
  coder labelled. Krippendorff's α (nominal) on all units, missing labels allowed.
- multi (several values per unit and coder, like frames): one binary field per value,
  present/absent, with the same figures. A coder counts as having coded a unit when they
  gave it any label in any field; units are those where someone used the field.
- span: for each coder pair, exact-match F1 (same unit, start, end and tag) on the units
  both coded, and the mean over pairs.
A field with one coder, or no unit two coders share, says so instead of giving a figure;
so does a κ or α that is undefined (every label the same).
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from dataclasses import asdict, dataclass, replace
from itertools import combinations
from typing import Any, Iterable, Mapping

import numpy as np

from fincorpus.annotations.scheme import Scheme
from fincorpus.nlp.text import display_width
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

#: unit id -> coder -> value, for one nominal field.
Table = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class PairScore:
    """Agreement of two coders on the units both labelled: Cohen's κ, or span F1."""

    coder_a: str
    coder_b: str
    units: int
    kappa: float | None = None
    f1: float | None = None


@dataclass(frozen=True, slots=True)
class FieldAgreement:
    """The agreement figures of one field (or of one value of a multi-label field)."""

    field: str
    kind: str  # "choice", "binary" (one value of a multi-label field) or "span"
    units: int
    coders: tuple[str, ...]
    shared_units: int  # units labelled by two coders or more
    percent: float | None = None
    fleiss: float | None = None
    fleiss_units: int = 0
    alpha: float | None = None
    mean_f1: float | None = None
    pairs: tuple[PairScore, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Agreement per field, rendered as a plain-text table or a JSON-ready dict."""

    fields: tuple[FieldAgreement, ...]
    labels: int = 0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; figures rounded to 4 places."""
        return {"labels": self.labels, "fields": [_rounded(asdict(f)) for f in self.fields]}

    def to_text(self) -> str:
        """A plain-text table, one row per field, then the coder pairs and the notes."""
        return _render(self)


def agreement(labels: Iterable[Label], field: str | None = None,
              scheme: Scheme | None = None) -> AgreementReport:
    """Agreement of the coders per label field (`field`: one, or `stance` for all its targets)."""
    labels = list(dict.fromkeys(labels))  # a label exported twice counts once
    scheme = scheme or Scheme.load()
    coded: dict[str, set[str]] = defaultdict(set)
    for label in labels:
        coded[label.unit_id].add(label.coder)
    by_field: dict[str, list[Label]] = defaultdict(list)
    for label in labels:
        if field is None or label.field == field or label.field.split(":")[0] == field:
            by_field[label.field].append(label)
    if not labels:
        raise BadInput("no labels in these files; export the annotations (not only the tasks) "
                       "from the labeling tool")
    if not by_field:
        known = ", ".join(sorted({label.field for label in labels})) or "none"
        raise BadInput(f"no labels for field {field!r} (fields in these files: {known}); "
                       "pick one of those with --field")
    results: list[FieldAgreement] = []
    for name in sorted(by_field):
        results.extend(_field(name, by_field[name], coded, scheme))
    results.extend(_pooled(by_field, scheme))
    return AgreementReport(tuple(results), sum(len(v) for v in by_field.values()))


def _pooled(by_field: Mapping[str, list[Label]], scheme: Scheme) -> list[FieldAgreement]:
    """One more row per field labelled toward several targets (stance:美国, stance:中国 …):
    all its targets together, each (unit, target) pair one unit, as papers usually report it."""
    bases: dict[str, list[str]] = defaultdict(list)
    for name in by_field:
        if ":" in name and _kind(name, by_field[name], scheme) == "choice":
            bases[name.split(":")[0]].append(name)
    rows = []
    for base, names in sorted(bases.items()):
        if len(names) > 1:
            labels = [replace(label, unit_id=f"{label.unit_id}|{label.field}")
                      for name in names for label in by_field[name]]
            rows.append(nominal_agreement(f"{base} (all targets)", _table(base, labels), "choice"))
    return rows


def _field(name: str, labels: list[Label], coded: Mapping[str, set[str]],
           scheme: Scheme) -> list[FieldAgreement]:
    """The agreement rows of one field: one row, or one per value of a multi-label field."""
    kind = _kind(name, labels, scheme)
    if kind == "span":
        return [span_agreement(name, labels, coded)]
    if kind == "multi":
        spec = scheme.get(name)
        values = list(spec.choices if spec else ())
        values += sorted({label.value for label in labels} - set(values))
        return [nominal_agreement(f"{name}={value}", _binary(labels, value, coded), "binary")
                for value in values]
    return [nominal_agreement(name, _table(name, labels), "choice")]


def _kind(name: str, labels: list[Label], scheme: Scheme) -> str:
    """The scheme's kind for the field, else span / multi / choice from the labels themselves."""
    spec = scheme.get(name)
    if spec is not None:
        return spec.kind
    if any(label.start is not None for label in labels):
        return "span"
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for label in labels:
        seen[label.unit_id, label.coder].add(label.value)
    return "multi" if any(len(values) > 1 for values in seen.values()) else "choice"


def _table(name: str, labels: list[Label]) -> dict[str, dict[str, str]]:
    """unit -> coder -> value of a single-choice field; refuses two values by one coder."""
    table: dict[str, dict[str, str]] = defaultdict(dict)
    for label in labels:
        before = table[label.unit_id].setdefault(label.coder, label.value)
        if before != label.value:
            raise BadInput(
                f"{label.source or '<labels>'}: unit {label.unit_id}: coder {label.coder} gave "
                f"{name} two values ({before}, {label.value}); keep one in the labeling tool, or "
                f"make '{name.split(':')[0]}' kind = \"multi\" in your scheme (--scheme)")
    return table


def _binary(labels: list[Label], value: str,
            coded: Mapping[str, set[str]]) -> dict[str, dict[str, str]]:
    """unit -> coder -> present/absent of one value, for every coder who coded the unit."""
    chosen = {(label.unit_id, label.coder) for label in labels if label.value == value}
    units = sorted({label.unit_id for label in labels})
    return {unit: {coder: "present" if (unit, coder) in chosen else "absent"
                   for coder in coded[unit]} for unit in units}


def nominal_agreement(name: str, table: Table, kind: str = "choice") -> FieldAgreement:
    """Percent agreement, Cohen's κ per pair, Fleiss' κ and Krippendorff's α of a nominal table."""
    coders = tuple(sorted({c for row in table.values() for c in row}))
    shared = sum(1 for row in table.values() if len(row) > 1)
    base = dict(field=name, kind=kind, units=len(table), coders=coders, shared_units=shared)
    if len(coders) < 2:
        return FieldAgreement(**base, note="one coder only: nothing to compare")
    if not shared:
        return FieldAgreement(**base, note="no unit has two coders: nothing to compare")
    pairs = tuple(_pair(a, b, table) for a, b in combinations(coders, 2))
    complete = [row for row in table.values() if len(row) == len(coders)]
    fleiss = fleiss_kappa(_counts(complete)) if complete else None
    alpha = krippendorff_alpha(table, coders)
    notes = []
    if alpha is None or (complete and fleiss is None):
        notes.append("κ/α undefined where every label is the same value")
    if not complete:
        notes.append("no unit was labelled by every coder, so no Fleiss' κ")
    return FieldAgreement(**base, percent=percent_agreement(table), fleiss=fleiss,
                          fleiss_units=len(complete), alpha=alpha, pairs=pairs,
                          note="; ".join(notes))


def percent_agreement(table: Table) -> float | None:
    """Mean over units with ≥2 coders of the share of coder pairs that agree on the unit."""
    shares = []
    for row in table.values():
        values = list(row.values())
        if len(values) > 1:
            pairs = list(combinations(values, 2))
            shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return float(np.mean(shares)) if shares else None


def _pair(a: str, b: str, table: Table) -> PairScore:
    """Cohen's κ of two coders on the units both labelled (None if undefined)."""
    both = [row for row in table.values() if a in row and b in row]
    return PairScore(a, b, len(both), kappa=cohen_kappa([r[a] for r in both], [r[b] for r in both]))


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's κ of two coders' labels of the same units; None if undefined (one value only)."""
    if not first or len(set(first) | set(second)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 0/0 when both coders used one value each
        kappa = float(cohen_kappa_score(first, second))
    return None if np.isnan(kappa) else kappa


def _counts(rows: list[Mapping[str, str]]) -> np.ndarray:
    """The units × categories matrix of how many coders chose each category."""
    categories = sorted({v for row in rows for v in row.values()})
    index = {c: i for i, c in enumerate(categories)}
    counts = np.zeros((len(rows), len(categories)))
    for r, row in enumerate(rows):
        for value in row.values():
            counts[r, index[value]] += 1
    return counts


def fleiss_kappa(counts: Any) -> float | None:
    """Fleiss' κ of a units × categories count matrix, the same number of raters per unit.

    P_i = (Σ_j n_ij² − n) / (n(n − 1)), P̄ their mean, p_j = Σ_i n_ij / (N n),
    P_e = Σ_j p_j², κ = (P̄ − P_e) / (1 − P_e); None when P_e = 1 (one category only).
    """
    matrix = np.asarray(counts, dtype=float)
    raters = matrix.sum(axis=1)
    if matrix.ndim != 2 or not len(matrix) or np.ptp(raters) or raters[0] < 2:
        raise ValueError("fleiss_kappa needs a units × categories matrix with the same "
                         "number (≥ 2) of raters in every row")
    n = raters[0]
    p_i = ((matrix ** 2).sum(axis=1) - n) / (n * (n - 1))
    p_j = matrix.sum(axis=0) / matrix.sum()
    p_e = float((p_j ** 2).sum())
    if p_e >= 1 - 1e-12:
        return None
    return float((p_i.mean() - p_e) / (1 - p_e))


def krippendorff_alpha(table: Table, coders: tuple[str, ...]) -> float | None:
    """Krippendorff's α (nominal) with missing labels; None when undefined."""
    import krippendorff

    categories = sorted({v for row in table.values() for v in row.values()})
    if len(categories) < 2:
        return None
    index = {c: i for i, c in enumerate(categories)}
    data = np.full((len(coders), len(table)), np.nan)  # coders as rows, units as columns
    for u, row in enumerate(table.values()):
        for c, coder in enumerate(coders):
            if coder in row:
                data[c, u] = index[row[coder]]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return None if np.isnan(alpha) else alpha


def span_agreement(name: str, labels: list[Label], coded: Mapping[str, set[str]]) -> FieldAgreement:
    """Exact-match F1 (same unit, start, end and tag) per coder pair, on the units both coded."""
    spans: dict[str, set[tuple]] = defaultdict(set)
    for label in labels:
        spans[label.coder].add((label.unit_id, label.start, label.end, label.value))
    units = sorted({label.unit_id for label in labels})
    coders = tuple(sorted({c for unit in units for c in coded[unit]}))
    shared = sum(1 for unit in units if len(coded[unit]) > 1)
    base = dict(field=name, kind="span", units=len(units), coders=coders, shared_units=shared)
    if len(coders) < 2:
        return FieldAgreement(**base, note="one coder only: nothing to compare")
    pairs = []
    for a, b in combinations(coders, 2):
        both = {unit for unit in units if {a, b} <= coded[unit]}
        first = {s for s in spans[a] if s[0] in both}
        second = {s for s in spans[b] if s[0] in both}
        f1 = 2 * len(first & second) / (len(first) + len(second)) if first or second else None
        pairs.append(PairScore(a, b, len(both), f1=f1))
    scores = [p.f1 for p in pairs if p.f1 is not None]
    note = "" if scores else "no unit has spans from two coders: nothing to compare"
    return FieldAgreement(**base, mean_f1=float(np.mean(scores)) if scores else None,
                          pairs=tuple(pairs), note=note)


def _rounded(value: Any) -> Any:
    """Floats rounded to 4 places, through dicts, lists and tuples."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _render(report: AgreementReport) -> str:
    """The report as aligned plain text (CJK characters count two columns)."""
    head = ("field", "kind", "units", "coders", "shared", "% agree", "Fleiss κ (units)",
            "Krippendorff α", "span F1")
    rows = [head] + [(f.field, f.kind, str(f.units), str(len(f.coders)), str(f.shared_units),
                      _num(f.percent), _num(f.fleiss) + (f" ({f.fleiss_units})" if f.fleiss_units
                                                         else ""),
                      _num(f.alpha), _num(f.mean_f1)) for f in report.fields]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(_pad(cell, w, i > 1)
                       for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if any(f.kind == "binary" for f in report.fields):
        lines.append("binary: a multi-label field, agreement per value coded present/absent "
                     "for every coder of the unit")
    pair_lines = [f"  {f.field}  {p.coder_a} – {p.coder_b}: "
                  + (_figure("F1", p.f1) if f.kind == "span" else _figure("κ", p.kappa))
                  + f" on {p.units} units" for f in report.fields for p in f.pairs]
    if pair_lines:
        lines += ["", "coder pairs:"] + pair_lines
    notes = [f"  {f.field}: {f.note}" for f in report.fields if f.note]
    if notes:
        lines += ["", "notes:"] + notes
    return "\n".join(lines) + "\n"


def _figure(name: str, value: float | None) -> str:
    """`κ 0.556`, or `κ undefined`."""
    return f"{name} undefined" if value is None else f"{name} {value:.3f}"


def _num(value: float | None) -> str:
    """A figure to 3 places, or '-' when there is none."""
    return "-" if value is None else f"{value:.3f}"


def _pad(text: str, width: int, right: bool) -> str:
    """`text` padded to `width` terminal columns, right-aligned for figures."""
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill
