"""Majority vote, ties for a person, the adjudicator's decisions, and how each gold label was
decided, in the store."""

from __future__ import annotations

import pytest

from fincorpus.annotations.adjudicate import adjudicate, read_decisions, tie_rows, vote
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label


def labels(unit, field, **votes):
    return [Label(unit, field, value, coder) for coder, value in votes.items()]


@pytest.mark.parametrize("votes, outcome", [
    ({"a": "FAVOR"}, ("FAVOR", "single-coder")),
    ({"a": "NONE", "b": "NONE"}, ("NONE", "unanimous")),
    ({"a": "NONE", "b": "NONE", "c": "FAVOR"}, ("NONE", "majority")),
    ({"a": "NONE", "b": "FAVOR"}, ("AGAINST", "FAVOR", "NONE")[1:]),
    ({"a": "NONE", "b": "FAVOR", "c": "AGAINST"}, ("AGAINST", "FAVOR", "NONE")),
    ({"a": "NONE", "b": "NONE", "c": "FAVOR", "d": "FAVOR"}, ("FAVOR", "NONE")),
])
def test_vote(votes, outcome):
    result = vote(tuple(sorted(votes.items())))
    got = (result.value, result.decided_by) if hasattr(result, "value") else result
    assert got == outcome


def test_adjudicate_ties_then_decisions():
    found = (labels("a1/0", "stance:美国", alice="NONE", bob="AGAINST")
             + labels("a1/1", "stance:美国", alice="FAVOR", bob="FAVOR")
             + labels("a1/2", "stance:美国", alice="FAVOR", bob="NONE", carol="NONE")
             + [Label("a1", "entities", "ORG", "alice", 0, 2, "美国")])  # one coder's span
    first = adjudicate(found)
    assert [(g.unit_id, g.decided_by) for g in first.gold] == [("a1", "single-coder"),
                                                              ("a1/1", "unanimous"),
                                                              ("a1/2", "majority")]
    [tie] = first.ties
    assert tie.candidates == ("AGAINST", "NONE") and tie.votes == (("alice", "NONE"),
                                                                   ("bob", "AGAINST"))
    rows = tie_rows(first.ties, {"a1/0": "美国又加息了\n😡"})
    assert rows[0][-1] == "decision" and rows[1][2] == "AGAINST | NONE" and rows[1][-1] == ""
    second = adjudicate(found, {("a1/0", "stance:美国"): "AGAINST",
                                ("a1/2", "stance:美国"): "FAVOR"})
    assert not second.ties
    assert {g.unit_id: (g.value, g.decided_by) for g in second.gold} == {
        "a1": ('[[0, 2, "ORG", "美国"]]', "single-coder"),
        "a1/0": ("AGAINST", "adjudicated"), "a1/1": ("FAVOR", "unanimous"),
        "a1/2": ("FAVOR", "adjudicated")}
    with pytest.raises(BadInput, match="unit zz/1 field stance:美国, which no coder"):
        adjudicate(found, {("zz/1", "stance:美国"): "NONE"})


def test_two_values_from_one_coder_refused():
    found = labels("u/0", "stance:美国", alice="NONE") + labels("u/0", "stance:美国", alice="FAVOR")
    with pytest.raises(BadInput, match="coder alice gave stance:美国 two values"):
        adjudicate(found)


def test_read_decisions(tmp_path):
    path = tmp_path / "ties.csv"
    path.write_text("\ufeffunit_id,field,candidates,votes,text,decision\n"
                    "a/0,stance:美国,AGAINST | NONE,x,\"多行\n文本\",AGAINST\n"
                    "a/1,stance:美国,AGAINST | NONE,x,y,\n", "utf-8")
    assert read_decisions(path) == {("a/0", "stance:美国"): "AGAINST"}
    path.write_text("unit_id,field,decision\na/0,stance:美国,FAVOUR\n", "utf-8")
    with pytest.raises(BadInput, match="row 2: decision 'FAVOUR'"):
        read_decisions(path)
    path.write_text("unit_id,label\na/0,FAVOR\n", "utf-8")
    with pytest.raises(BadInput, match="no column field, decision"):
        read_decisions(path)


def test_gold_in_store_records_how(hard_store, tmp_path):
    from fincorpus.corpus.labels import LabelStore, adjudicate_store, task_candidates

    a, b = task_candidates(hard_store)[:2]
    found = (labels(a.unit_id, a.label_field, alice="NONE", bob="FAVOR")
             + labels(b.unit_id, b.label_field, alice="FAVOR"))
    LabelStore(hard_store).put(found, "test")
    outcome, texts = adjudicate_store(hard_store)
    assert texts == {a.unit_id: a.text} and len(outcome.ties) == 1
    assert [(g.unit_id, g.decided_by) for g in LabelStore(hard_store).gold()] == [
        (b.unit_id, "single-coder")]
    decisions = tmp_path / "d.csv"
    decisions.write_text(f"unit_id,field,decision\n{a.unit_id},{a.label_field},FAVOR\n", "utf-8")
    adjudicate_store(hard_store, decisions)
    gold = {g.unit_id: g for g in LabelStore(hard_store).gold()}
    assert gold[a.unit_id].decided_by == "adjudicated"
    assert gold[a.unit_id].votes == (("alice", "NONE"), ("bob", "FAVOR"))
