"""Stance scores as NLPCC 2016 defines them, plus macro-F1, accuracy, per target and confusion.

NLPCC's F_avg is the mean of the F1 of FAVOR and of AGAINST, pooled over all rows: NONE is
not averaged in, but a FAVOR or AGAINST call on a NONE row still lowers their precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from fincorpus.nlp.text import display_width as cells
from fincorpus.nlp.stance_targets import LABELS


def _clean(values) -> list[str]:
    return [str(v).strip().upper() for v in values]


def f_avg(y_true, y_pred) -> float:
    """NLPCC F_avg: mean F1 of FAVOR and AGAINST."""
    return float(f1_score(_clean(y_true), _clean(y_pred), labels=["FAVOR", "AGAINST"],
                          average="macro", zero_division=0))


def macro_f1(y_true, y_pred) -> float:
    """Macro-F1 over AGAINST, FAVOR and NONE."""
    return float(f1_score(_clean(y_true), _clean(y_pred), labels=list(LABELS),
                          average="macro", zero_division=0))


@dataclass(frozen=True)
class TargetScore:
    """F_avg and counts of one target's rows."""

    target: str
    n: int
    f_avg: float
    accuracy: float
    counts: tuple[int, int, int]  # gold rows per label, LABELS order


@dataclass(frozen=True)
class StanceReport:
    """How well predicted stances match the gold ones."""

    n: int
    f_avg: float
    f_favor: float
    f_against: float
    macro_f1: float
    accuracy: float
    confusion: tuple[tuple[int, ...], ...]  # rows true, columns predicted, LABELS order
    per_target: tuple[TargetScore, ...] = ()
    labels: tuple[str, ...] = LABELS

    def as_dict(self) -> dict:
        """Plain types for JSON, rates rounded to 4 places."""
        return {"n": self.n, "f_avg": round(self.f_avg, 4), "f_favor": round(self.f_favor, 4),
                "f_against": round(self.f_against, 4), "macro_f1": round(self.macro_f1, 4),
                "accuracy": round(self.accuracy, 4), "labels": list(self.labels),
                "confusion": [list(row) for row in self.confusion],
                "per_target": [{"target": t.target, "n": t.n, "f_avg": round(t.f_avg, 4),
                                "accuracy": round(t.accuracy, 4),
                                "counts": dict(zip(self.labels, t.counts))}
                               for t in self.per_target]}

    def to_text(self) -> str:
        """Overall scores, the per-target table and the confusion matrix, readable."""
        lines = [f"rows {self.n}   F_avg {self.f_avg:.4f}   F_favor {self.f_favor:.4f}   "
                 f"F_against {self.f_against:.4f}   macro-F1 {self.macro_f1:.4f}   "
                 f"accuracy {self.accuracy:.4f}"]
        if self.per_target:
            width = max(6, *(cells(t.target) for t in self.per_target))
            lines += ["", _pad("target", width) + "     n   F_avg    acc  "
                      + " ".join(f"{label:>7}" for label in self.labels)]
            for t in self.per_target:
                lines.append(_pad(t.target, width) + f" {t.n:5d}  {t.f_avg:.4f} {t.accuracy:.4f}  "
                             + " ".join(f"{c:7d}" for c in t.counts))
        lines += ["", "confusion (rows gold, columns predicted)",
                  " " * 9 + " ".join(f"{label:>7}" for label in self.labels)]
        for label, row in zip(self.labels, self.confusion):
            lines.append(f"{label:>8} " + " ".join(f"{c:7d}" for c in row))
        return "\n".join(lines)


def evaluate(y_true: Sequence[str], y_pred: Sequence[str],
             targets: Sequence[str] | None = None) -> StanceReport:
    """Scores of predicted labels against gold ones (any case); per target when given."""
    gold, predicted = _clean(y_true), _clean(y_pred)
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
    unknown = sorted(set(gold + predicted) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown stance labels {unknown}; use {', '.join(LABELS)}")
    favor, against = (float(v) for v in f1_score(gold, predicted, labels=["FAVOR", "AGAINST"],
                                                 average=None, zero_division=0))
    confusion = confusion_matrix(gold, predicted, labels=list(LABELS)) if gold else \
        np.zeros((3, 3), dtype=int)
    return StanceReport(
        n=len(gold), f_avg=(favor + against) / 2, f_favor=favor, f_against=against,
        macro_f1=macro_f1(gold, predicted),
        accuracy=float(accuracy_score(gold, predicted)) if gold else 0.0,
        confusion=tuple(tuple(int(c) for c in row) for row in confusion),
        per_target=_per_target(gold, predicted, targets))


def _per_target(gold: list[str], predicted: list[str],
                targets: Sequence[str] | None) -> tuple[TargetScore, ...]:
    if targets is None:
        return ()
    names = [str(t) for t in targets]
    if len(names) != len(gold):
        raise ValueError(f"{len(names)} targets for {len(gold)} labels")
    scores = []
    for name in dict.fromkeys(names):
        rows = [i for i, t in enumerate(names) if t == name]
        g, p = [gold[i] for i in rows], [predicted[i] for i in rows]
        scores.append(TargetScore(name, len(rows), f_avg(g, p), float(accuracy_score(g, p)),
                                  tuple(g.count(label) for label in LABELS)))
    return tuple(scores)


def _pad(text: str, width: int) -> str:
    """`text` padded with spaces to `width` terminal cells (CJK characters take two)."""
    return text + " " * (width - cells(text))
