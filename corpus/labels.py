"""Human labels and gold labels in the store (schema v5, v6), apart from the model's output.

Labels come in from files (`import_files`): each file's labels are read by the annotation
readers, every unit must be a stored unit, and every span is checked against the stored unit
text. Importing a file again replaces what that file brought before (a coder's corrections
land, nothing doubles); one label is stored once however many files carry it. The units to
label, with the stored model output as their prediction, come from `task_candidates`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence

from fincorpus.annotations.adjudicate import (Adjudication, Gold, Item, adjudicate,
                                              read_decisions)
from fincorpus.annotations.agreement import agreement
from fincorpus.annotations.datasets import datasheet, examples, split, write_dataset
from fincorpus.annotations.import_tasks import read_exported
from fincorpus.annotations.readers import resolve_span
from fincorpus.annotations.scheme import UNITS, Scheme
from fincorpus.annotations.tasks import Prediction, Span, Task, sentence_unit, split_unit
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label, utcnow
from fincorpus.corpus.store import Store

_CHUNK = 500  # ids per IN (...) query, under SQLite's parameter limit
_LABEL_COLUMNS = "unit_id, field, value, coder, start, end, text, created_at, source"


@dataclass(frozen=True, slots=True)
class Imported:
    """What importing one file did: labels read, and how many were new to the store."""

    source: str
    labels: int
    added: int
    coders: tuple[str, ...]


class LabelStore:
    """Reads and writes the labels and gold tables of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, labels: Sequence[Label], source: str) -> int:
        """Store one file's labels in place of what it brought before; how many are new."""
        before = self._count()
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM labels WHERE source = ?", (source,))
            conn.executemany(
                f"INSERT OR IGNORE INTO labels ({_LABEL_COLUMNS}, article_id, imported_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                [(l.unit_id, l.field, l.value, l.coder, l.start, l.end, l.text,
                  l.created_at.isoformat() if l.created_at else None, source,
                  split_unit(l.unit_id)[0], utcnow().isoformat()) for l in labels])
        return max(self._count() - before, 0)

    def labels(self, field: str | None = None) -> list[Label]:
        """Every stored label (of `field`, or of `stance` for all its targets), import order."""
        rows = self.store.rows(f"SELECT {_LABEL_COLUMNS} FROM labels ORDER BY id")
        found = [Label(u, f, v, c, s, e, t, datetime.fromisoformat(at) if at else None, src)
                 for u, f, v, c, s, e, t, at, src in rows]
        return [l for l in found if field is None or field in (l.field, l.field.split(":")[0])]

    def put_gold(self, gold: Iterable[Gold]) -> int:
        """Replace every gold label with these, in one transaction; how many."""
        now = utcnow().isoformat()
        rows = [(g.unit_id, g.field, g.value, split_unit(g.unit_id)[0], g.decided_by,
                 json.dumps(dict(g.votes), ensure_ascii=False, sort_keys=True), now,
                 json.dumps([i.as_dict() for i in g.items], ensure_ascii=False)
                 if g.items else None) for g in gold]
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM gold")
            conn.executemany("INSERT INTO gold (unit_id, field, value, article_id, decided_by,"
                             " votes, decided_at, detail) VALUES (?,?,?,?,?,?,?,?)", rows)
        return len(rows)

    def gold(self) -> list[Gold]:
        """Every gold label, by unit and field."""
        rows = self.store.rows("SELECT unit_id, field, value, decided_by, votes, detail FROM"
                               " gold ORDER BY unit_id, field")
        return [Gold(u, f, v, how, tuple(sorted((c, _tupled(x)) for c, x in
                                                json.loads(votes).items())),
                     tuple(Item.from_dict(d) for d in json.loads(detail or "[]")))
                for u, f, v, how, votes, detail in rows]

    def labelled(self) -> set[tuple[str, str]]:
        """(unit, field) pairs that carry a human label."""
        return {(u, f) for u, f in self.store.rows("SELECT DISTINCT unit_id, field FROM labels")}

    def _count(self) -> int:
        return self.store.rows("SELECT count(*) FROM labels")[0][0]


def _tupled(value):
    """A JSON value with its lists made tuples (a coder's frames or spans, as voted)."""
    return tuple(_tupled(v) for v in value) if isinstance(value, list) else value


def import_files(store: Store, paths: Iterable[str | Path], coder: str | None = None,
                 scheme: Scheme | None = None, offsets: str = "auto") -> list[Imported]:
    """Read, check and store the labels of each file (one transaction per file)."""
    scheme = scheme or Scheme.load()
    results = []
    for path in paths:
        labels = read_exported(path, coder, scheme, offsets)
        scheme.check(labels)
        source = str(Path(path).resolve())
        labels = [replace(l, source=source) for l in check_units(store, labels, str(path))]
        added = LabelStore(store).put(labels, source)
        results.append(Imported(str(path), len(labels), added,
                                tuple(sorted({l.coder for l in labels}))))
    return results


def check_units(store: Store, labels: Sequence[Label], where: str) -> list[Label]:
    """The labels, each unit a stored one and each span reading its stated text there."""
    texts = unit_texts(store, {l.unit_id for l in labels})
    for label in labels:
        text = texts.get(label.unit_id)
        if text is None:
            raise BadInput(f"{where}: unit {label.unit_id} is not in the store; import labels of "
                           "units exported from this store (fincorpus annotate export)")
        if label.start is not None:
            resolve_span(text, label.start, label.end, label.text,
                         f"{where}: unit {label.unit_id} ({label.field})", "codepoints",
                         "codepoints")
    return list(labels)


def unit_texts(store: Store, unit_ids: Iterable[str]) -> dict[str, str]:
    """unit id -> stored text (sentence or article), for the ids that name a stored unit.

    One query per article for sentence ids, and one per chunk of article ids."""
    ids = set(unit_ids)
    wanted: dict[str, dict[int, str]] = defaultdict(dict)  # article -> sentence index -> unit
    for unit_id in ids:
        article_id, index = split_unit(unit_id)
        if index is not None:
            wanted[article_id][index] = unit_id
    found: dict[str, str] = {}
    for article_id, units in wanted.items():
        for index, text in store.rows("SELECT idx, text FROM sentences WHERE article_id = ?",
                                      (article_id,)):
            if index in units:
                found[units[index]] = text
    rest = sorted(ids - set(found))  # article ids (and sentence ids no sentence holds)
    for at in range(0, len(rest), _CHUNK):
        chunk = tuple(rest[at:at + _CHUNK])
        for article_id, paragraphs in store.rows(
                f"SELECT id, paragraphs FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                chunk):
            found[article_id] = "\n".join(json.loads(paragraphs))
    return found


def task_candidates(store: Store, unit: str = "sentence", field: str = "stance",
                    scheme: Scheme | None = None) -> list[Task]:
    """Every unit of the store that can be a task for `field`, with the stored model output
    as its prediction (stance: one task per unit and target it names)."""
    scheme = scheme or Scheme.load()
    spec = scheme.require(field)
    if unit not in UNITS:
        raise BadInput(f"unknown unit {unit!r}; use --unit sentence or article")
    if not store.rows("SELECT 1 FROM analyses LIMIT 1"):
        raise BadInput("no article is analysed yet, so there are no units to label; "
                       "run fincorpus analyze first")
    if spec.name == "stance":
        return _stance_tasks(store, unit)
    if spec.kind == "span":
        return _span_tasks(store, unit, spec.name, spec.choices)
    return _score_tasks(store, unit, spec.name)


def _units(store: Store, unit: str) -> dict[str, tuple[str, str, str | None, str]]:
    """unit id -> (article id, text, title, stance model version) of every analysed unit."""
    if unit == "sentence":
        rows = store.rows("SELECT s.article_id, s.idx, s.text, a.title, n.stages FROM sentences s"
                          " JOIN articles a ON a.id = s.article_id JOIN analyses n"
                          " ON n.article_id = s.article_id ORDER BY s.rowid")
        return {sentence_unit(a, i): (a, text, title, _version(stages))
                for a, i, text, title, stages in rows}
    rows = store.rows("SELECT a.id, a.paragraphs, a.title, n.stages FROM articles a"
                      " JOIN analyses n ON n.article_id = a.id ORDER BY a.rowid")
    return {a: (a, "\n".join(json.loads(p)), title, _version(stages))
            for a, p, title, stages in rows}


def _version(stages: str) -> str:
    """The name of the stance model that made the stored stances."""
    return json.loads(stages).get("stance", "unknown")


def _stage(store: Store, name: str) -> str:
    """The version of a stage as the latest analysis stored it (what made a prediction)."""
    rows = store.rows("SELECT stages FROM analyses ORDER BY analyzed_at DESC LIMIT 1")
    return json.loads(rows[0][0]).get(name, name) if rows else name


def _stance_tasks(store: Store, unit: str) -> list[Task]:
    """One task per unit and target, the stored stance its prediction."""
    units = _units(store, unit)
    where = "IS NOT NULL" if unit == "sentence" else "IS NULL"
    tasks = []
    for article_id, index, target, label, p_f, p_a, p_n in store.rows(
            "SELECT article_id, sentence, target, label, p_favor, p_against, p_none FROM stances"
            f" WHERE sentence {where} ORDER BY rowid"):
        unit_id = sentence_unit(article_id, index) if unit == "sentence" else article_id
        if unit_id in units:
            _, text, title, version = units[unit_id]
            prediction = Prediction(version, (label,), round(max(p_f, p_a, p_n), 4))
            tasks.append(Task(unit_id, article_id, "stance", text, target, title, prediction))
    return tasks


def _span_tasks(store: Store, unit: str, field: str, tags: tuple[str, ...]) -> list[Task]:
    """One task per unit, the stored entities (of the scheme's tags) its predicted spans."""
    spans: dict[str, list[Span]] = {}
    sentences: dict[str, list[tuple[int, int, int]]] = {}
    for article_id, index, start, end in store.rows(
            "SELECT article_id, idx, start, end FROM sentences ORDER BY article_id, start"):
        sentences.setdefault(article_id, []).append((start, end, index))
    for article_id, start, end, text, kind in store.rows(
            "SELECT article_id, start, end, text, type FROM entities ORDER BY rowid"):
        if kind not in tags:
            continue
        if unit == "article":
            spans.setdefault(article_id, []).append(Span(start, end, kind, text))
            continue
        holder = next(((s, i) for s, e, i in sentences.get(article_id, ())
                       if s <= start and end <= e), None)
        if holder is not None:
            spans.setdefault(sentence_unit(article_id, holder[1]), []).append(
                Span(start - holder[0], end - holder[0], kind, text))
    version = _stage(store, "entities")
    return [Task(u, a, field, text, None, title, Prediction(version, spans=tuple(spans.get(u, ()))))
            for u, (a, text, title, _) in _units(store, unit).items()]


def _score_tasks(store: Store, unit: str, field: str) -> list[Task]:
    """One task per unit, the stored frame (or topic) scores above zero its predicted values."""
    kind = "frame" if field == "frames" else "topic"
    level = "IS NOT NULL" if unit == "sentence" else "IS NULL"
    predicted: dict[str, list[str]] = {}
    for article_id, index, name in store.rows(
            f"SELECT article_id, sentence, name FROM scores WHERE kind = ? AND sentence {level}"
            " AND score > 0 ORDER BY article_id, sentence, score DESC", (kind,)):
        unit_id = sentence_unit(article_id, index) if unit == "sentence" else article_id
        predicted.setdefault(unit_id, []).append(name)
    version = _stage(store, kind + "s")
    return [Task(u, a, field, text, None, title, Prediction(version, tuple(predicted.get(u, ()))))
            for u, (a, text, title, _) in _units(store, unit).items()]


def stance_pool(store: Store, scheme: Scheme | None = None) -> list[Task]:
    """Sentence stance tasks that no coder has labelled yet (the active-learning pool)."""
    done = LabelStore(store).labelled()
    return [t for t in task_candidates(store, "sentence", "stance", scheme)
            if (t.unit_id, t.label_field) not in done]


def adjudicate_store(store: Store, decisions: str | Path | None = None,
                     scheme: Scheme | None = None) -> tuple[Adjudication, dict[str, str]]:
    """Vote on the stored labels, settle ties from the adjudicator's file, store the gold
    labels; the outcome and the texts of the tied units (for the ties file)."""
    scheme = scheme or Scheme.load()
    chosen = read_decisions(decisions, scheme) if decisions else {}
    stored = LabelStore(store)
    labels = stored.labels()
    if not labels:
        raise BadInput("no labels in the store; import the coders' files first "
                       "(fincorpus annotate import FILE... --db DB)")
    outcome = adjudicate(labels, chosen, scheme)
    check_gold_spans(store, outcome)
    stored.put_gold(outcome.gold)
    return outcome, unit_texts(store, {tie.unit_id for tie in outcome.ties})


def check_gold_spans(store: Store, outcome: Adjudication) -> None:
    """Refuse a gold or tied span whose text is not what the stored unit text reads there
    (as imports do), so that neither the gold label nor the ties file shows drifted text."""
    spans = [(g.unit_id, g.field, item) for g in outcome.gold for item in g.items]
    spans += [(t.unit_id, t.field, t.item) for t in outcome.ties if t.item is not None]
    spans = [(u, f, item) for u, f, item in spans if item.start is not None]
    texts = unit_texts(store, {u for u, _, _ in spans})
    for unit_id, field, item in spans:
        if unit_id not in texts:
            raise BadInput(f"gold span of unit {unit_id} ({field}): the unit is not in the "
                           "store; import labels of units exported from this store")
        resolve_span(texts[unit_id], item.start, item.end, item.text,
                     f"gold: unit {unit_id} ({field})", "codepoints", "codepoints")


def build_dataset(store: Store, out: str | Path, seed: int = 0, test: float = 0.2,
                  dev: float = 0.1, scheme: Scheme | None = None) -> tuple[list[Path], dict]:
    """Write the stance dataset of the stored gold labels to `out`; the files and datasheet."""
    scheme = scheme or Scheme.load()
    stored = LabelStore(store)
    gold = stored.gold()
    items = examples(gold, unit_texts(store, {g.unit_id for g in gold}))
    parts = split(items, test, dev, seed)
    labels = stored.labels("stance")
    try:
        report = agreement(labels, "stance", scheme).as_dict()
    except BadInput:
        report = None
    used = sorted({e.article_id for e in items})
    articles = {a: {"title": t, "published_at": p} for a, t, p in store.rows(
        f"SELECT id, title, published_at FROM articles WHERE id IN ({','.join('?' * len(used))})",
        tuple(used))}
    decided = Counter(g.decided_by for g in gold if g.field.startswith("stance:"))
    sheet = datasheet(parts, {"seed": seed, "test": test, "dev": dev},
                      Counter(l.coder for l in labels), report, decided, articles)
    return write_dataset(parts, sheet, out), sheet
