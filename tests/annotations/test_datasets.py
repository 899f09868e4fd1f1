"""Dataset splits: whole articles per split, label proportions kept, seeded; files that
`stance train` reads; the datasheet's counts."""

from __future__ import annotations

import json
import random
from collections import Counter

import pandas as pd
import pytest

from fincorpus.annotations.datasets import Example, datasheet, split, write_dataset
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.stance_model import read_labeled

LABELS = ("FAVOR", "AGAINST", "NONE")


def corpus(seed: int = 7, articles: int = 60) -> list[Example]:
    """Invented examples: articles of 1–8 sentences, labels skewed (NONE most)."""
    rng = random.Random(seed)
    items = []
    for a in range(articles):
        for i in range(rng.randint(1, 8)):
            label = rng.choices(LABELS, weights=(2, 3, 5))[0]
            items.append(Example(rng.choice(("美国", "黄金", "美元")), f"第{a}篇第{i}句😀，\n完",
                                 label, f"art{a:02d}/{i}", f"art{a:02d}"))
    return items


def shares(items):
    counts = Counter(e.label for e in items)
    return {label: counts[label] / len(items) for label in LABELS}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_split_groups_by_article_and_keeps_proportions(seed):
    items = corpus()
    parts = split(items, test=0.2, dev=0.1, seed=seed)
    homes = {}
    for name, part in parts.items():
        for e in part:
            assert homes.setdefault(e.article_id, name) == name  # never in two splits
    assert sum(len(p) for p in parts.values()) == len(items)
    whole = shares(items)
    for name, target in (("train", 0.7), ("dev", 0.1), ("test", 0.2)):
        assert abs(len(parts[name]) / len(items) - target) < 0.05
        assert all(abs(shares(parts[name])[l] - whole[l]) < 0.1 for l in LABELS), name


def test_split_is_seeded():
    items = corpus()
    assert split(items, seed=3) == split(list(reversed(items)), seed=3)
    assert split(items, seed=3) != split(items, seed=4)


def test_split_refuses_bad_shares():
    with pytest.raises(BadInput, match="--test 0.6 and --dev 0.5"):
        split(corpus(), test=0.6, dev=0.5)


def test_write_dataset_files_read_by_stance_train(tmp_path):
    items = corpus(articles=12)
    parts = split(items)
    sheet = datasheet(parts, {"seed": 0, "test": 0.2, "dev": 0.1}, {"alice": 3}, None,
                      {"unanimous": len(items)},
                      {"art00": {"title": "t", "published_at": "2025-01-02"}})
    written = write_dataset(parts, sheet, tmp_path / "ds")
    assert {p.name for p in written} >= {"train.csv", "test.parquet", "datasheet.md"}
    assert (tmp_path / "ds" / "train.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    train = read_labeled(tmp_path / "ds" / "train.csv")
    assert list(train.columns) == ["target", "text", "label", "unit_id", "article_id"]
    assert len(train) == len(parts["train"]) and train["text"].iloc[0] == parts["train"][0].text
    parquet = pd.read_parquet(tmp_path / "ds" / "test.parquet")
    assert list(parquet["unit_id"]) == [e.unit_id for e in parts["test"]]
    saved = json.loads((tmp_path / "ds" / "datasheet.json").read_text("utf-8"))
    assert saved["splits"]["train"]["units"] == len(parts["train"])
    assert sum(saved["splits"]["test"]["labels"].values()) == len(parts["test"])
    assert saved["articles"]["first_published"] == "2025-01-02"
    assert "| train |" in (tmp_path / "ds" / "datasheet.md").read_text("utf-8")
