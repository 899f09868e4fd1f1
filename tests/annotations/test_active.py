"""Active learning: the least certain units first, spread over targets and articles."""

from __future__ import annotations

import numpy as np
import pytest

from fincorpus.annotations.active import next_tasks, pick, uncertainty
from fincorpus.annotations.tasks import Task
from fincorpus.corpus.errors import BadInput


def test_uncertainty_margin_and_entropy():
    proba = np.array([[0.9, 0.05, 0.05], [0.4, 0.35, 0.25], [1 / 3, 1 / 3, 1 / 3]])
    assert np.allclose(uncertainty(proba, "margin"), [0.15, 0.95, 1.0])
    entropy = uncertainty(proba, "entropy")
    assert entropy[2] == pytest.approx(np.log(3)) and entropy[0] < entropy[1] < entropy[2]
    with pytest.raises(BadInput, match="unknown strategy"):
        uncertainty(proba, "random")


def task(article, index, target):
    return Task(f"{article}/{index}", article, "stance", f"{target}句{index}", target)


def test_pick_round_robin_over_targets_and_per_article_cap():
    tasks = [task("a", i, "美国") for i in range(6)] + [task("b", 0, "黄金"), task("c", 0, "美国")]
    scores = [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.5, 0.1]
    chosen = pick(tasks, scores, n=4, per_article=2)
    assert [t.unit_id for t in chosen] == ["a/0", "b/0", "a/1", "c/0"]


class Fixed:
    """A stand-in model: probabilities by text."""

    name, version, classes_ = "fixed", "1", np.array(["AGAINST", "FAVOR", "NONE"])

    def __init__(self, table):
        self.table = table

    def predict_proba(self, pairs):
        return np.array([self.table[text] for _, text in pairs])


def test_next_tasks_carry_the_model_prediction():
    pool = [task("a", 0, "美国"), task("b", 0, "美国"), task("c", 0, "黄金")]
    model = Fixed({"美国句0": [0.1, 0.8, 0.1], "黄金句0": [0.34, 0.33, 0.33]})
    chosen = next_tasks(pool, model, n=2)
    assert [t.unit_id for t in chosen] == ["c/0", "a/0"]
    assert chosen[0].prediction.values == ("AGAINST",)
    assert chosen[0].prediction.model_version == "fixed-1"
    with pytest.raises(BadInput, match="nothing left"):
        next_tasks([], model)
