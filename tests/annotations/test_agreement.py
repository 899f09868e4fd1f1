"""Agreement figures against hand-worked values and the published worked examples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fincorpus.annotations.agreement import (agreement, cohen_kappa, fleiss_kappa,
                                             percent_agreement)
from fincorpus.annotations.readers import read_labels
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

DATA = Path(__file__).parent.parent / "data" / "annotations"

# Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal
# data, 4 observers, 12 units, missing values (None); alpha = 0.743.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]}


def labels_of(rows: dict[str, list], field: str = "stance:x") -> list[Label]:
    """Labels from coder -> values by unit (None: not labelled)."""
    return [Label(f"u{unit}", field, str(value), coder)
            for coder, values in rows.items() for unit, value in enumerate(values, 1)
            if value is not None]


def only(report, field):
    [row] = [f for f in report.fields if f.field == field]
    return row


def test_agreement_fleiss_wikipedia_matrix():
    # P̄ = 0.378, P_e = 0.213 (p_j = .143 .200 .279 .150 .229): κ = (0.378 − 0.213)/(1 − 0.213)
    assert fleiss_kappa(WIKIPEDIA_FLEISS) == pytest.approx(0.210, abs=5e-4)


def test_agreement_fleiss_wikipedia_through_labels():
    rows: dict[str, list] = {f"rater{r}": [] for r in range(14)}
    for counts in WIKIPEDIA_FLEISS:
        ratings = [category for category, n in enumerate(counts) for _ in range(n)]
        for r, category in enumerate(ratings):
            rows[f"rater{r}"].append(category)
    result = only(agreement(labels_of(rows)), "stance:x")
    assert result.fleiss == pytest.approx(0.210, abs=5e-4)
    assert (result.units, len(result.coders), result.fleiss_units) == (10, 14, 10)


def test_agreement_fleiss_needs_equal_raters():
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 1], [2, 1]])
    assert fleiss_kappa([[2, 0], [2, 0]]) is None  # one category only: undefined


def test_agreement_krippendorff_2011_nominal_with_missing():
    result = only(agreement(labels_of(KRIPPENDORFF_2011)), "stance:x")
    assert result.alpha == pytest.approx(0.743, abs=5e-4)
    # units 1-11 have two or more observers; only units 2-9 have all four (Fleiss' κ)
    assert (result.units, result.shared_units, result.fleiss_units) == (12, 11, 8)


def test_agreement_cohen_hand_worked_table():
    # 50 units: both yes 20, A yes/B no 5, A no/B yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    result = only(agreement(labels_of({"A": a, "B": b})), "stance:x")
    assert result.pairs[0].kappa == pytest.approx(0.4) and result.percent == pytest.approx(0.7)
    # Scott's π (Fleiss' κ for two coders): P_e = 0.55² + 0.45² = 0.505; (0.7 − 0.505)/0.495
    assert result.fleiss == pytest.approx(0.195 / 0.495)
    # α: coincidences o(yes,no) = o(no,yes) = 15, n_yes = 55, n_no = 45, n = 100:
    # α = 1 − (n − 1)·30 / (2·55·45) = 1 − 2970/4950 = 0.4
    assert result.alpha == pytest.approx(0.4)


def test_agreement_percent_pairwise_over_units_with_two_coders():
    # u1 x,x,x → 3/3 pairs agree; u2 x,y,x → 1/3; u3 x,y → 0/1; u4 (one coder) left out.
    # mean = (1 + 1/3 + 0) / 3 = 4/9
    table = {"u1": {"A": "x", "B": "x", "C": "x"}, "u2": {"A": "x", "B": "y", "C": "x"},
             "u3": {"A": "x", "B": "y"}, "u4": {"A": "x"}}
    assert percent_agreement(table) == pytest.approx(4 / 9)


def test_agreement_on_fixture_study():
    report = agreement(read_labels(DATA / "labelstudio.json"))
    stance = only(report, "stance:美联储")
    # alice F A N A, bob F A A A: p_o = 3/4; p_e = (1·1 + 2·3 + 1·0)/16 = 7/16;
    # κ = (12/16 − 7/16)/(9/16) = 5/9
    assert stance.pairs[0].kappa == pytest.approx(5 / 9)
    assert stance.percent == pytest.approx(0.75)
    # spans: alice and bob agree on 6 of their 7 spans each: F1 = 2·6/(7 + 7)
    assert only(report, "entities").mean_f1 == pytest.approx(12 / 14)
    # frames is multi-label: one present/absent row per frame. conflict: a1 alice only, a2 both.
    # Fleiss: P̄ = (0 + 1)/2, p = (1/4, 3/4), P_e = 10/16: κ = (0.5 − 0.625)/0.375 = −1/3
    conflict = only(report, "frames=conflict")
    assert conflict.kind == "binary" and conflict.percent == pytest.approx(0.5)
    assert conflict.fleiss == pytest.approx(-1 / 3)
    assert only(report, "frames=economic_consequences").pairs[0].kappa == pytest.approx(1.0)
    morality = only(report, "frames=morality")  # nobody chose it: undefined, not a crash
    assert morality.alpha is None and morality.percent == 1.0 and "undefined" in morality.note


def test_agreement_one_coder_or_no_overlap_says_so():
    alone = only(agreement(labels_of({"A": ["x", "y"]})), "stance:x")
    apart = only(agreement(labels_of({"A": ["x", None], "B": [None, "y"]})), "stance:x")
    assert alone.note == "one coder only: nothing to compare" and alone.percent is None
    assert apart.note.startswith("no unit has two coders") and apart.alpha is None
    spans = [Label("a1", "entities", "ORG", "A", 0, 3, "美联储")]
    assert "one coder only" in agreement(spans).to_text()


def test_agreement_refuses_two_values_for_single_choice_field():
    labels = [Label("s1", "stance:x", "FAVOR", "A", source="a.json"),
              Label("s1", "stance:x", "AGAINST", "A", source="a.json")]
    with pytest.raises(BadInput, match=r'a.json: unit s1: coder A gave stance:x two values .* '
                                       r'kind = "multi"'):
        agreement(labels)


def test_agreement_field_filter_and_unknown_field():
    labels = read_labels(DATA / "labelstudio.json")
    assert [f.field for f in agreement(labels, "stance").fields] == ["stance:美联储"]
    with pytest.raises(BadInput, match="no labels for field 'topic'.*entities, frames"):
        agreement(labels, "topic")


def test_agreement_infers_kind_of_fields_outside_the_scheme():
    labels = [Label("u1", "topic", "trade", "A"), Label("u1", "topic", "rates", "A"),
              Label("u1", "topic", "trade", "B")]
    assert [f.field for f in agreement(labels).fields] == ["topic=rates", "topic=trade"]


def test_agreement_report_text_and_json():
    report = agreement(read_labels(DATA / "labelstudio.json"))
    text = report.to_text()
    assert text.splitlines()[0].split()[:3] == ["field", "kind", "units"]
    assert "0.556" in text and "F1 0.857" in text and "κ undefined" in text
    assert "multi-label field, agreement per value" in text
    data = json.loads(json.dumps(report.as_dict()))
    stance = [f for f in data["fields"] if f["field"] == "stance:美联储"][0]
    assert stance["pairs"][0]["kappa"] == 0.5556 and data["labels"] == 28


def test_a_field_toward_several_targets_also_gets_one_pooled_row():
    from fincorpus.annotations.agreement import agreement
    from fincorpus.corpus.model import Label

    answers = {("u1", "美国"): ("AGAINST", "AGAINST"), ("u2", "美国"): ("FAVOR", "NONE"),
               ("u1", "中国"): ("FAVOR", "FAVOR"), ("u3", "中国"): ("NONE", "NONE")}
    labels = [Label(unit, f"stance:{target}", value, coder)
              for (unit, target), values in answers.items()
              for coder, value in zip(("a", "b"), values)]
    rows = {row.field: row for row in agreement(labels, "stance").fields}
    pooled = rows["stance (all targets)"]
    assert pooled.units == 4 and pooled.percent == 0.75  # 3 of 4 (unit, target) pairs agree
    assert rows["stance:美国"].units == 2
