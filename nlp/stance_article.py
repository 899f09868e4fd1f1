"""An article's stance toward a target, rolled up from its sentences' stances.

Rule (`aggregate`): only sentences that mention the target are passed in. The article is
NONE when no sentence is FAVOR or AGAINST. Otherwise the side with more probability mass
(the sum of its column over the sentences) wins, provided it has at least one sentence
with its label and its mass exceeds the other side's by at least `margin` (20 %) of its
own; else the article is NONE (mixed: as much for as against).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fincorpus.nlp.stance_targets import LABELS

__all__ = ["ArticleStance", "aggregate"]

MARGIN = 0.2


@dataclass(frozen=True, slots=True)
class ArticleStance:
    """The stance of a whole article toward one target, with the sentence shares behind it."""

    target: str
    label: str
    n_sentences: int
    share_favor: float
    share_against: float
    share_none: float
    p_favor: float
    p_against: float
    p_none: float


def aggregate(labels: Sequence[str], probas: Any, target: str = "",
              margin: float = MARGIN) -> ArticleStance:
    """Roll sentence labels and (n × 3, LABELS order) probabilities up to one ArticleStance."""
    labels = [str(label) for label in labels]
    rows = _rows(probas)
    if len(labels) != len(rows):
        raise ValueError(f"{len(labels)} labels but {len(rows)} probability rows")
    n = len(labels)
    if n == 0:
        return ArticleStance(target, "NONE", 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    share = {label: labels.count(label) / n for label in LABELS}
    # Each column summed row after row, as NumPy sums an (n × 3) array down its columns.
    mass = dict(zip(LABELS, [sum(column) for column in zip(*rows)], strict=True))
    mean = {label: mass[label] / n for label in LABELS}
    label = "NONE"
    side, other = ("FAVOR", "AGAINST") if mass["FAVOR"] >= mass["AGAINST"] else ("AGAINST", "FAVOR")
    if share[side] > 0 and mass[side] - mass[other] >= margin * mass[side]:
        label = side
    return ArticleStance(target, label, n, round(share["FAVOR"], 6), round(share["AGAINST"], 6),
                         round(share["NONE"], 6), round(mean["FAVOR"], 6),
                         round(mean["AGAINST"], 6), round(mean["NONE"], 6))


def _rows(probas: Any) -> list[list[float]]:
    """The (n × 3) probabilities as rows of floats; a list of triples (what analyze rolls
    up, thousands of small groups a batch) without the cost of NumPy's calls."""
    if isinstance(probas, list) and all(
            isinstance(row, tuple) and len(row) == len(LABELS) for row in probas):
        return [[float(p) for p in row] for row in probas]
    return np.asarray(probas, dtype=np.float64).reshape(-1, len(LABELS)).tolist()
