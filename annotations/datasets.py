"""A stance dataset from gold labels: train / dev / test split by article, and its datasheet.

The split keeps every article whole (no article's sentences in two splits, or a model would be
tested on the article it learned from) and the label proportions of each split close to the
whole's: a seeded greedy assignment, largest articles first, each to the split whose share of
each label is furthest below its target. Files: `<split>.csv` (UTF-8 with BOM, columns
target,text,label,unit_id,article_id, read directly by `fincorpus stance train --data`),
`<split>.parquet` (the exact text), and `datasheet.md` / `datasheet.json`.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from fincorpus.annotations.adjudicate import Gold
from fincorpus.annotations.tasks import split_unit
from fincorpus.corpus.cells import write_csv
from fincorpus.corpus.errors import BadInput

COLUMNS = ("target", "text", "label", "unit_id", "article_id")
SPLITS = ("train", "dev", "test")


@dataclass(frozen=True, slots=True)
class Example:
    """One gold-labelled (target, text) pair and the unit and article it comes from."""

    target: str
    text: str
    label: str
    unit_id: str
    article_id: str


def examples(gold: Iterable[Gold], texts: Mapping[str, str]) -> list[Example]:
    """The stance examples of the gold labels (`stance:<target>` fields), by unit."""
    found = [Example(g.field.split(":", 1)[1], texts[g.unit_id], g.value, g.unit_id,
                     split_unit(g.unit_id)[0])
             for g in gold if g.field.startswith("stance:") and g.unit_id in texts]
    if not found:
        raise BadInput("no gold stance labels in the store; import labels (fincorpus annotate "
                       "import) and decide them (fincorpus annotate adjudicate) first")
    return sorted(found, key=_order)


def _order(item: Example) -> tuple:
    """By article, sentence index (as a number) and target: the order of every file."""
    index = split_unit(item.unit_id)[1]
    return item.article_id, -1 if index is None else index, item.target


def split(items: Sequence[Example], test: float = 0.2, dev: float = 0.1,
          seed: int = 0) -> dict[str, list[Example]]:
    """train / dev / test, grouped by article and stratified by label (seeded, deterministic)."""
    if not (0 <= test < 1 and 0 <= dev < 1 and test + dev < 1):
        raise BadInput(f"--test {test} and --dev {dev} must be shares in [0, 1) that sum "
                       "below 1, e.g. --test 0.2 --dev 0.1")
    shares = {"train": 1 - test - dev, "dev": dev, "test": test}
    groups: dict[str, list[Example]] = defaultdict(list)
    for item in items:
        groups[item.article_id].append(item)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    order.sort(key=lambda a: -len(groups[a]))  # stable: equal sizes keep the seeded order
    totals = Counter(item.label for item in items)
    have = {name: Counter() for name in SPLITS}
    placed: dict[str, str] = {}
    for article in order:
        labels = Counter(item.label for item in groups[article])
        placed[article] = max((s for s in SPLITS if shares[s] > 0),
                              key=lambda s: _need(labels, shares[s], totals, have[s]))
        have[placed[article]].update(labels)
    ordered = sorted(items, key=_order)
    return {name: [item for item in ordered if placed[item.article_id] == name] for name in SPLITS}


def _need(labels: Counter, share: float, totals: Counter, have: Counter) -> tuple[float, float]:
    """How far a split lies below its target for this article's labels (then for its size)."""
    by_label = sum(n * (share * totals[l] - have[l]) / totals[l] for l, n in labels.items())
    size = share * sum(totals.values()) - sum(have.values())
    return round(by_label, 9), round(size, 9)


def datasheet(splits: Mapping[str, Sequence[Example]], settings: Mapping[str, Any],
              coders: Mapping[str, int], agreement: Mapping[str, Any] | None,
              decided: Mapping[str, int], articles: Mapping[str, Mapping[str, Any]]) -> dict:
    """What the dataset holds and how it was made, as a JSON-ready dict."""
    used = sorted({e.article_id for items in splits.values() for e in items})
    dates = sorted(str(articles[a]["published_at"]) for a in used
                   if articles.get(a, {}).get("published_at"))
    return {
        "settings": dict(settings),
        "splits": {name: _counts(items) for name, items in splits.items()},
        "coders": dict(sorted(coders.items())),
        "gold_decided_by": dict(decided),
        "agreement": agreement,
        "articles": {"count": len(used), "first_published": dates[0] if dates else None,
                     "last_published": dates[-1] if dates else None,
                     "undated": len(used) - len(dates),
                     "list": [{"id": a, **{k: _plain(v) for k, v in articles.get(a, {}).items()}}
                              for a in used]},
    }


def _counts(items: Sequence[Example]) -> dict[str, Any]:
    """Units, articles, labels and target × label counts of one split."""
    per_target: dict[str, Counter] = defaultdict(Counter)
    for item in items:
        per_target[item.target][item.label] += 1
    return {"units": len(items), "articles": len({e.article_id for e in items}),
            "labels": dict(sorted(Counter(e.label for e in items).items())),
            "targets": {t: dict(sorted(c.items())) for t, c in sorted(per_target.items())}}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def render_datasheet(sheet: Mapping[str, Any]) -> str:
    """The datasheet as Markdown, for people."""
    s, a = sheet["settings"], sheet["articles"]
    lines = ["# Stance dataset datasheet", "",
             f"Split by article (no article in two splits), stratified by label; seed {s['seed']}, "
             f"test share {s['test']}, dev share {s['dev']}.", "", "## Splits", "",
             "| split | units | articles | FAVOR | AGAINST | NONE |", "|---|---|---|---|---|---|"]
    for name, c in sheet["splits"].items():
        lab = c["labels"]
        lines.append(f"| {name} | {c['units']} | {c['articles']} | {lab.get('FAVOR', 0)} | "
                     f"{lab.get('AGAINST', 0)} | {lab.get('NONE', 0)} |")
    lines += ["", "## Per target (FAVOR / AGAINST / NONE)", "",
              "| target | " + " | ".join(sheet["splits"]) + " |",
              "|---|" + "---|" * len(sheet["splits"])]
    targets = sorted({t for c in sheet["splits"].values() for t in c["targets"]})
    for target in targets:
        cells = [c["targets"].get(target, {}) for c in sheet["splits"].values()]
        counts = (f"{x.get('FAVOR', 0)} / {x.get('AGAINST', 0)} / {x.get('NONE', 0)}" for x in cells)
        lines.append(f"| {target} | " + " | ".join(counts) + " |")
    lines += ["", "## Coders and gold", ""]
    lines += [f"- {coder}: {n} labels" for coder, n in sheet["coders"].items()]
    lines += [f"- gold decided {how}: {n}" for how, n in sheet["gold_decided_by"].items()]
    lines += ["", "## Agreement (stance)", ""] + _agreement_lines(sheet["agreement"])
    lines += ["", "## Source articles", "",
              f"{a['count']} articles, published {a['first_published'] or '?'} to "
              f"{a['last_published'] or '?'} ({a['undated']} undated).", ""]
    return "\n".join(lines)


def _agreement_lines(report: Mapping[str, Any] | None) -> list[str]:
    """One line per stance field: units, percent agreement, Fleiss' κ, Krippendorff's α."""
    if not report:
        return ["No field has two coders on a unit: no agreement figure."]
    return [f"- {f['field']}: {f['units']} units, {f['shared_units']} shared, "
            f"agreement {f['percent']}, Fleiss κ {f['fleiss']}, Krippendorff α {f['alpha']}"
            + (f" ({f['note']})" if f.get("note") else "") for f in report["fields"]]


def write_dataset(splits: Mapping[str, Sequence[Example]], sheet: Mapping[str, Any],
                  out: str | Path) -> list[Path]:
    """Write each split as CSV and Parquet, and the datasheet; the files written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SPLITS:
        frame = pd.DataFrame([asdict(e) for e in splits.get(name, ())], columns=list(COLUMNS))
        frame.to_parquet(out / f"{name}.parquet", index=False)
        write_csv(frame, out / f"{name}.csv")
        written += [out / f"{name}.csv", out / f"{name}.parquet"]
    (out / "datasheet.json").write_text(
        json.dumps(sheet, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    (out / "datasheet.md").write_text(render_datasheet(sheet), "utf-8")
    return written + [out / "datasheet.md", out / "datasheet.json"]
