"""Tasks from the store, pre-annotated with the model's output (never a label), and each
export format's own structure: Label Studio tasks and labeling config, doccano lines, CSV."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from fincorpus.annotations.export_tasks import labeling_config, utf16, write_tasks
from fincorpus.annotations.import_tasks import read_exported
from fincorpus.annotations.scheme import Scheme
from fincorpus.annotations.tasks import make_tasks, split_unit
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.labels import task_candidates


@pytest.fixture
def candidates(hard_store):
    return task_candidates(hard_store, "sentence", "stance")


def test_sentence_units_name_article_and_index_with_stored_prediction(candidates):
    assert len(candidates) == 19
    for task in candidates:
        article, index = split_unit(task.unit_id)
        assert article == task.article_id and index is not None
        assert task.prediction.values[0] in ("FAVOR", "AGAINST", "NONE")
        assert task.prediction.model_version.startswith("fincorpus.stance/")


def test_make_tasks_seeded_sample_is_stable_and_narrowed(candidates):
    first = make_tasks(candidates, n=5, seed=1)
    assert first == make_tasks(list(reversed(candidates)), n=5, seed=1)
    assert len(first) == 5 and first != make_tasks(candidates, n=5, seed=2)
    # adding units never reshuffles the draw of the others: a sample of a subset keeps them
    assert set(make_tasks(candidates[:10], n=3, seed=1)) <= set(candidates[:10])
    only = make_tasks(candidates, targets=("美国",))
    assert only and all(t.target == "美国" for t in only)
    article = candidates[0].article_id
    assert {t.article_id for t in make_tasks(candidates, ids=(article,))} == {article}
    with pytest.raises(BadInput, match="no field 'mood'"):
        make_tasks(candidates, field="mood")


def test_labelstudio_export_predictions_apart_and_config(candidates, tmp_path):
    scheme = Scheme.load()
    tasks_file, config_file = write_tasks(candidates, tmp_path / "t.json", "labelstudio", scheme)
    tasks = json.loads(tasks_file.read_text("utf-8"))
    assert set(tasks[0]["data"]) == {"text", "unit_id", "target", "article_id", "title"}
    [prediction] = tasks[0]["predictions"]
    assert prediction["result"][0]["value"]["choices"] == list(candidates[0].prediction.values)
    assert "annotations" not in tasks[0]
    assert read_exported(tasks_file) == []  # the untouched export holds no human label
    root = ET.fromstring(config_file.read_text("utf-8"))
    choices = root.find("Choices")
    assert choices.get("name") == "stance" and choices.get("toName") == "text"
    assert [c.get("value") for c in choices] == ["FAVOR", "AGAINST", "NONE"]
    spans = ET.fromstring(labeling_config(scheme, "entities")).find("Labels")
    assert "ORG" in [c.get("value") for c in spans]


def test_doccano_export_empty_label_and_utf16_predicted_spans(hard_store, tmp_path):
    spans = make_tasks(task_candidates(hard_store, "article", "entities"), "entities")
    write_tasks(spans, tmp_path / "t.jsonl", "doccano", Scheme.load())
    records = [json.loads(line) for line in (tmp_path / "t.jsonl").read_text("utf-8").splitlines()]
    assert all(r["label"] == [] for r in records)
    record, task = records[0], spans[0]
    first = task.prediction.spans[0]
    assert record["prediction"]["label"][0] == [utf16(task.text, first.start),
                                                utf16(task.text, first.end), first.tag]


def test_csv_refuses_spans_and_reserved_coder_names(hard_store, candidates, tmp_path):
    spans = make_tasks(task_candidates(hard_store, "article", "entities"), "entities")
    with pytest.raises(BadInput, match="not spans"):
        write_tasks(spans, tmp_path / "t.csv", "csv", Scheme.load(), ("a",))
    with pytest.raises(BadInput, match="rename prediction"):
        write_tasks(candidates, tmp_path / "t.csv", "csv", Scheme.load(), ("prediction",))


def test_csv_formula_cells_made_inert(candidates, tmp_path):
    from dataclasses import replace
    task = replace(candidates[0], text="=HYPERLINK(\"x\")美国")
    write_tasks([task], tmp_path / "t.csv", "csv", Scheme.load(), ("a",))
    assert "'=HYPERLINK" in (tmp_path / "t.csv").read_text("utf-8-sig")


def test_export_before_analysis_says_what_to_do(store):
    with pytest.raises(BadInput, match="run fincorpus analyze first"):
        task_candidates(store)
