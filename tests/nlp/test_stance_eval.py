"""NLPCC F_avg, macro-F1, per-target scores and the confusion matrix, worked by hand."""

from __future__ import annotations

import json

import pytest

from fincorpus.nlp.stance_eval import evaluate, f_avg, macro_f1

#        gold      predicted   target
ROWS = [("FAVOR", "FAVOR", "a"), ("FAVOR", "AGAINST", "a"), ("AGAINST", "AGAINST", "a"),
        ("AGAINST", "NONE", "b"), ("NONE", "FAVOR", "b"), ("NONE", "NONE", "b")]
GOLD, PRED, TARGETS = (list(column) for column in zip(*ROWS))


def test_f_avg_and_macro_f1_by_hand():
    # FAVOR: tp 1, fp 1 (a NONE row), fn 1 -> P 1/2, R 1/2, F1 1/2.
    # AGAINST: tp 1, fp 1, fn 1 -> F1 1/2. NONE: tp 1, fp 1, fn 1 -> F1 1/2.
    report = evaluate(GOLD, PRED, TARGETS)
    assert report.f_favor == pytest.approx(0.5)
    assert report.f_against == pytest.approx(0.5)
    assert report.f_avg == pytest.approx(0.5) == f_avg(GOLD, PRED)
    assert report.macro_f1 == pytest.approx(0.5) == macro_f1(GOLD, PRED)
    assert report.accuracy == pytest.approx(3 / 6)


def test_none_is_not_averaged_but_costs_precision():
    # Perfect on FAVOR and AGAINST; NONE always wrong (called FAVOR): FAVOR P 1/2, R 1.
    gold = ["FAVOR", "AGAINST", "NONE"]
    pred = ["FAVOR", "AGAINST", "FAVOR"]
    report = evaluate(gold, pred)
    assert report.f_favor == pytest.approx(2 / 3)
    assert report.f_against == pytest.approx(1.0)
    assert report.f_avg == pytest.approx((2 / 3 + 1) / 2)
    assert report.macro_f1 == pytest.approx((2 / 3 + 1 + 0) / 3)


def test_confusion_rows_gold_columns_predicted_in_labels_order():
    report = evaluate(GOLD, PRED)
    assert report.labels == ("AGAINST", "FAVOR", "NONE")
    assert report.confusion == ((1, 0, 1),   # AGAINST: 1 right, 1 called NONE
                                (1, 1, 0),   # FAVOR: 1 called AGAINST, 1 right
                                (0, 1, 1))   # NONE: 1 called FAVOR, 1 right


def test_per_target_scores_and_counts():
    report = evaluate(GOLD, PRED, TARGETS)
    a, b = report.per_target
    assert (a.target, a.n, a.counts) == ("a", 3, (1, 2, 0))
    # a: FAVOR P 1 R 1/2 -> 2/3; AGAINST P 1/2 R 1 -> 2/3.
    assert a.f_avg == pytest.approx(2 / 3)
    # b: no FAVOR or AGAINST right -> 0.
    assert (b.target, b.n, b.counts, b.f_avg) == ("b", 3, (1, 0, 2), 0.0)


def test_labels_any_case_and_bad_input():
    assert evaluate(["favor", "Against"], ["FAVOR", "against"]).f_avg == 1.0
    with pytest.raises(ValueError, match="unknown stance labels"):
        evaluate(["FAVOR"], ["POSITIVE"])
    with pytest.raises(ValueError, match="1 gold labels but 2"):
        evaluate(["FAVOR"], ["FAVOR", "NONE"])


def test_as_dict_is_json_and_text_shows_the_table():
    report = evaluate(GOLD, PRED, TARGETS)
    data = json.loads(json.dumps(report.as_dict()))
    assert data["f_avg"] == 0.5 and data["confusion"][0] == [1, 0, 1]
    assert data["per_target"][0]["counts"] == {"AGAINST": 1, "FAVOR": 2, "NONE": 0}
    text = report.to_text()
    assert "F_avg 0.5000" in text and "confusion" in text
    assert "\n" + "a".ljust(6) + "     3  0.6667" in text
