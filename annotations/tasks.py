"""Annotation tasks: stored units, each with the model's current output kept apart as a prediction.

A unit is what one `unit_id` names: an article (its id) or a sentence (`<article id>/<index>`).
A task is a unit to label for one field, toward one target when the field is per target
(stance). The model's output rides along as a `Prediction` so a labeling tool can show it as
pre-annotation; it never becomes a label, and importing the file back reads the coders' labels
only. The store side (corpus/labels.py) reads the units; everything here is pure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Sequence

from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput


@dataclass(frozen=True, slots=True)
class Span:
    """A predicted span: offsets into the unit text, its tag and its own text."""

    start: int
    end: int
    tag: str
    text: str


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a model said about a task: a label (or several), their score, spans; and which model."""

    model_version: str
    values: tuple[str, ...] = ()
    score: float | None = None
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    """One unit to label for one field (and target): its text and where it comes from."""

    unit_id: str
    article_id: str
    field: str
    text: str
    target: str | None = None
    title: str | None = None
    prediction: Prediction | None = None

    @property
    def label_field(self) -> str:
        """The field its labels are stored under: `stance:<target>` for a per-target field."""
        return f"{self.field}:{self.target}" if self.target else self.field


def sentence_unit(article_id: str, index: int) -> str:
    """The unit id of a sentence."""
    return f"{article_id}/{index}"


def split_unit(unit_id: str) -> tuple[str, int | None]:
    """(article id, sentence index or None) of a unit id."""
    head, sep, tail = unit_id.rpartition("/")
    if sep and tail.isdigit():
        return head, int(tail)
    return unit_id, None


def make_tasks(candidates: Iterable[Task], field: str = "stance", targets: Sequence[str] = (),
               n: int | None = None, seed: int = 0, ids: Sequence[str] = (),
               scheme: Scheme | None = None) -> list[Task]:
    """The tasks to hand out: candidates of `field` narrowed to `targets` and unit `ids`, then a
    seeded sample of `n` (all when n is None), in a stable order (by unit, then target).

    A seeded sample, not the first n, so that the tasks spread over the corpus. Each task draws
    its own lot (a hash of seed, unit and target), so the same seed picks the same tasks, and
    adding articles to the store never reshuffles the lots of the others.
    """
    (scheme or Scheme.load()).require(field)
    wanted_ids = set(ids)
    chosen = [t for t in candidates if t.field == field
              and (not targets or t.target in targets)
              and (not wanted_ids or t.unit_id in wanted_ids or t.article_id in wanted_ids)]
    if wanted_ids and not chosen:
        raise BadInput(f"none of the ids {', '.join(sorted(wanted_ids))[:80]} names a unit with "
                       f"a {field} task; give article ids or <article id>/<sentence> ids")
    chosen.sort(key=_order)
    if n is not None and n < len(chosen):
        if n < 1:
            raise BadInput(f"--n must be 1 or more, got {n}")
        chosen = sorted(sorted(chosen, key=lambda t: _lot(t, seed))[:n], key=_order)
    return chosen


def _lot(task: Task, seed: int) -> str:
    """A task's place in the seeded draw."""
    return hashlib.sha1(f"{seed}\x1f{task.unit_id}\x1f{task.target or ''}".encode()).hexdigest()


def _order(task: Task) -> tuple:
    """Article, then sentence index as a number (so 10 comes after 9), then target."""
    article, index = split_unit(task.unit_id)
    return article, -1 if index is None else index, task.target or ""
