"""Active learning: the units the stance model is least sure of, spread over articles and targets.

Uncertainty is the margin between the two most probable labels (small margin: unsure) or the
entropy of the three probabilities. Taking the n least sure units outright tends to take many
sentences of one confusing article about one target; so the pick goes round the targets (the
least sure first) and takes at most `per_article` units of any one article.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Sequence

import numpy as np

from fincorpus.annotations.tasks import Prediction, Task
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.stance import LABEL_ORDER, predictions

STRATEGIES = ("margin", "entropy")


def uncertainty(proba: np.ndarray, strategy: str = "margin") -> np.ndarray:
    """How unsure the model is of each row of probabilities (higher: less sure)."""
    if strategy not in STRATEGIES:
        raise BadInput(f"unknown strategy {strategy!r}; use {' or '.join(STRATEGIES)}")
    if strategy == "margin":
        top = np.sort(proba, axis=1)
        return 1.0 - (top[:, -1] - top[:, -2])
    clipped = np.clip(proba, 1e-12, 1.0)
    return -(clipped * np.log(clipped)).sum(axis=1)


def pick(tasks: Sequence[Task], scores: Sequence[float], n: int,
         per_article: int = 2) -> list[Task]:
    """Up to n tasks, least sure first, round-robin over targets, at most `per_article` each."""
    if n < 1 or per_article < 1:
        raise BadInput(f"--n and --per-article must be 1 or more, got {n} and {per_article}")
    queues: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for i, (task, score) in enumerate(zip(tasks, scores)):
        queues[task.target or ""].append((-round(float(score), 9), i))
    for queue in queues.values():
        queue.sort()
    order = sorted(queues, key=lambda target: (queues[target][0], target))
    taken: list[int] = []
    per: Counter[str] = Counter()
    while len(taken) < n and any(queues.values()):
        for target in order:
            queue = queues[target]
            while queue and per[tasks[queue[0][1]].article_id] >= per_article:
                queue.pop(0)  # this article has had its share
            if queue and len(taken) < n:
                i = queue.pop(0)[1]
                taken.append(i)
                per[tasks[i].article_id] += 1
    return [tasks[i] for i in taken]


def next_tasks(candidates: Sequence[Task], model, n: int = 50, per_article: int = 2,
               strategy: str = "margin") -> list[Task]:
    """The n stance tasks to label next, each carrying this model's prediction."""
    if not candidates:
        raise BadInput("every stance unit already has a human label (or none is analysed); "
                       "nothing left to pick")
    labels, proba = predictions(model, [(task.target or "", task.text) for task in candidates])
    version = f"{getattr(model, 'name', type(model).__name__)}-{getattr(model, 'version', '')}"
    scored = [replace(task, prediction=Prediction(version, (label,),
                                                  round(float(row[LABEL_ORDER.index(label)]), 4)))
              for task, label, row in zip(candidates, labels, proba)]
    return pick(scored, uncertainty(proba, strategy), n, per_article)
