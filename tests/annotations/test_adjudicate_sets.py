"""Adjudication of multi-label (frames) and span (entities) fields: value by value and span by
span, ties in the ties file for a person, the decisions read back, gold spans checked against
the stored unit text, and the command-line round trip with a decisions file."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

import fincorpus.corpus.cli_annotate  # noqa: F401  (registers `annotate` on app)
from fincorpus.annotations.adjudicate import TIE_COLUMNS, adjudicate, read_decisions, tie_rows
from fincorpus.annotations.export_tasks import sheet_text
from fincorpus.corpus.cli import app
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

DATA = Path(__file__).parent.parent / "data" / "annotations"
#: Invented: 美联储 0-3, 特朗普 8-11, 美联储 13-16.
TEXT = "美联储宣布加息，特朗普批评美联储。"


def frames(unit, **chosen):
    return [Label(unit, "frames", value, coder) for coder, values in chosen.items()
            for value in values]


def spans(unit, coder, *marked):
    return [Label(unit, "entities", tag, coder, s, e, TEXT[s:e]) for s, e, tag in marked]


def decided(gold):
    return {item.key: (item.present, item.decided_by) for item in gold.items}


def filled(ties, texts, choose, path):
    """The ties file as `fincorpus annotate adjudicate` writes it, decision column filled in."""
    rows = tie_rows(ties, texts)
    for row in rows[1:]:
        row[-1] = choose(dict(zip(TIE_COLUMNS, row)))
    path.write_text("\ufeff" + sheet_text(rows), encoding="utf-8", newline="")
    return path


def test_frames_majority_present_and_absent():
    found = frames("a1", alice=["conflict", "economic_consequences"],
                   bob=["conflict", "economic_consequences"],
                   carol=["economic_consequences", "morality"])
    outcome = adjudicate(found)
    assert not outcome.ties
    [gold] = outcome.gold
    assert gold.value == '["conflict", "economic_consequences"]'  # scheme order, JSON
    assert gold.decided_by == "majority"
    assert decided(gold) == {("conflict",): (True, "majority"),
                             ("economic_consequences",): (True, "unanimous"),
                             ("morality",): (False, "majority")}
    assert dict(gold.votes)["carol"] == ("economic_consequences", "morality")
    one = adjudicate(frames("a1", alice=["conflict"]) + frames("a1", bob=["conflict"]))
    assert [(g.value, g.decided_by) for g in one.gold] == [('["conflict"]', "unanimous")]


def test_frames_tie_goes_to_the_ties_file_then_decision(tmp_path):
    found = (frames("a2", alice=["conflict"], bob=["conflict", "responsibility"])
             + frames("a3", alice=["human_interest"])
             + [Label("a3", "stance:美国", "NONE", "bob")])  # bob coded a3: no frame, he says
    first = adjudicate(found)
    assert [(g.unit_id, g.field) for g in first.gold] == [("a3", "stance:美国")]
    rows = tie_rows(first.ties, {"a2": "关税战\n再起😡", "a3": "文本"})
    assert rows[0] == list(TIE_COLUMNS)
    assert [dict(zip(TIE_COLUMNS, row)) for row in rows[1:]] == [
        {"unit_id": "a2", "field": "frames", "candidates": "present | absent",
         "votes": "alice=absent; bob=present", "value": "responsibility", "start": "",
         "end": "", "span_text": "", "overlaps": "", "text": "关税战\n再起😡", "decision": ""},
        {"unit_id": "a3", "field": "frames", "candidates": "present | absent",
         "votes": "alice=present; bob=absent", "value": "human_interest", "start": "",
         "end": "", "span_text": "", "overlaps": "", "text": "文本", "decision": ""}]
    path = filled(first.ties, {}, lambda row: "Present" if row["unit_id"] == "a2" else "absent",
                  tmp_path / "ties.csv")
    chosen = read_decisions(path)
    assert chosen == {("a2", "frames", "responsibility"): "present",
                      ("a3", "frames", "human_interest"): "absent"}
    second = adjudicate(found, chosen)
    assert not second.ties
    gold = {g.unit_id: g for g in second.gold if g.field == "frames"}
    assert (gold["a2"].value, gold["a2"].decided_by) == ('["conflict", "responsibility"]',
                                                         "adjudicated")
    assert decided(gold["a2"]) == {("conflict",): (True, "unanimous"),
                                   ("responsibility",): (True, "adjudicated")}
    assert (gold["a3"].value, gold["a3"].decided_by) == ("[]", "adjudicated")


def test_spans_majority_minority_and_overlap_then_keep_or_drop(tmp_path):
    found = (spans("s1", "alice", (0, 3, "ORG"), (8, 11, "PER"))
             + spans("s1", "bob", (0, 3, "ORG"), (8, 11, "PER"))
             + spans("s1", "carol", (0, 3, "ORG"), (8, 10, "PER"), (13, 16, "ORG")))
    first = adjudicate(found)
    assert not first.gold
    rows = [dict(zip(TIE_COLUMNS, row)) for row in tie_rows(first.ties, {"s1": TEXT})[1:]]
    assert [(r["start"], r["end"], r["value"], r["span_text"], r["votes"], r["overlaps"])
            for r in rows] == [
        ("8", "10", "PER", "特朗", "alice=not marked; bob=not marked; carol=marked",
         "8-11 PER 特朗普 [alice, bob]"),
        ("13", "16", "ORG", "美联储", "alice=not marked; bob=not marked; carol=marked", "")]
    assert {r["candidates"] for r in rows} == {"keep | drop"} and rows[0]["text"] == TEXT
    path = filled(first.ties, {}, lambda row: "keep" if row["start"] == "13" else "drop",
                  tmp_path / "ties.csv")
    chosen = read_decisions(path)
    assert chosen == {("s1", "entities", 8, 10, "PER"): "drop",
                      ("s1", "entities", 13, 16, "ORG"): "keep"}
    [gold] = adjudicate(found, chosen).gold
    assert gold.value == ('[[0, 3, "ORG", "美联储"], [8, 11, "PER", "特朗普"], '
                          '[13, 16, "ORG", "美联储"]]')
    assert gold.decided_by == "adjudicated"
    assert decided(gold) == {(0, 3, "ORG"): (True, "unanimous"),
                             (8, 10, "PER"): (False, "adjudicated"),
                             (8, 11, "PER"): (True, "majority"),
                             (13, 16, "ORG"): (True, "adjudicated")}
    assert dict(gold.votes)["carol"] == ((0, 3, "ORG"), (8, 10, "PER"), (13, 16, "ORG"))


def test_spans_of_two_coders_that_disagree_are_both_ties():
    found = spans("s1", "alice", (8, 11, "PER")) + spans("s1", "bob", (8, 11, "ORG"))
    ties = adjudicate(found).ties
    assert [(t.item.key, [o.key for o in t.overlaps]) for t in ties] == [
        ((8, 11, "ORG"), [(8, 11, "PER")]), ((8, 11, "PER"), [(8, 11, "ORG")])]
    [gold] = adjudicate(spans("s1", "alice", (8, 11, "PER"))).gold
    assert (gold.value, gold.decided_by) == ('[[8, 11, "PER", "特朗普"]]', "single-coder")


def test_bad_decisions_refused(tmp_path):
    path = tmp_path / "d.csv"
    for text, message in [
            ("unit_id,field,value,decision\na1,frames,conflict,yes\n", "not present or absent"),
            ("unit_id,field,value,decision\na1,frames,,present\n", "needs the value column"),
            ("unit_id,field,value,decision\na1,frames,conflicts,present\n", "'conflicts' is not"),
            ("unit_id,field,value,start,end,decision\ns1,entities,ORG,x,3,keep\n", "whole numbers"),
            ("unit_id,field,value,start,end,decision\ns1,entities,ORG,0,3,absent\n",
             "not keep or drop")]:
        path.write_text(text, "utf-8")
        with pytest.raises(BadInput, match=message):
            read_decisions(path)
    found = spans("s1", "alice", (0, 3, "ORG")) + spans("s1", "bob", (8, 11, "PER"))
    with pytest.raises(BadInput, match="span 0-4 ORG of unit s1 .entities., which no coder"):
        adjudicate(found, {("s1", "entities", 0, 4, "ORG"): "keep"})
    with pytest.raises(BadInput, match="does not fit a span field"):
        adjudicate(found, {("s1", "entities"): "ORG"})


def test_gold_spans_checked_against_the_stored_text_and_kept(hard_store):
    from fincorpus.corpus.labels import LabelStore, adjudicate_store, task_candidates

    task = task_candidates(hard_store, "article", "entities")[0]
    start = task.text.index("美联储")
    good = [Label(task.unit_id, "entities", "ORG", coder, start, start + 3, "美联储")
            for coder in ("alice", "bob")]
    LabelStore(hard_store).put(good, "test")
    outcome, _ = adjudicate_store(hard_store)
    assert LabelStore(hard_store).gold() == list(outcome.gold)  # items and votes read back
    [gold] = LabelStore(hard_store).gold()
    marked = ((start, start + 3, "ORG"),)
    assert gold.items[0].text == "美联储" and gold.votes == (("alice", marked), ("bob", marked))
    drifted = [Label(task.unit_id, "entities", "ORG", "carol", start + 1, start + 4, "美联储")]
    LabelStore(hard_store).put(drifted, "drifted")  # past the import check, as an old store might
    with pytest.raises(BadInput, match="states '美联储'; the offsets drifted"):
        adjudicate_store(hard_store)


def test_v5_store_gold_read_after_migration(tmp_path):
    from fincorpus.corpus.labels import LabelStore
    from fincorpus.corpus.migrations import MIGRATIONS
    from fincorpus.corpus.store import Store

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:5]:
        conn.executescript(script)
    conn.execute("INSERT INTO gold VALUES ('a/0', 'stance:美国', 'NONE', 'a', 'unanimous',"
                 " '{\"alice\": \"NONE\", \"bob\": \"NONE\"}', '2026-01-01')")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with Store(path) as store:
        [gold] = LabelStore(store).gold()
    assert (gold.value, gold.votes, gold.items) == ("NONE", (("alice", "NONE"), ("bob", "NONE")),
                                                    ())


def _rows(text):
    return [row[:-1] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]


def test_cli_adjudicate_frames_and_entities_round_trip(runner, hard_db, tmp_path):
    from fincorpus.corpus.labels import LabelStore
    from fincorpus.corpus.store import Store

    def run(*args):
        result = runner.invoke(app, [str(a) for a in args])
        assert result.exit_code == 0, result.output
        return result.output

    run("annotate", "import", DATA / "adjudicate_alice.csv", DATA / "adjudicate_bob.csv",
        "--db", hard_db)
    ties = tmp_path / "ties.csv"
    out = run("annotate", "adjudicate", "--db", hard_db, "-o", ties)
    assert "gold labels: 2 (unanimous 2" in out and "ties left: 5" in out
    decisions = DATA / "adjudicate_decisions.csv"  # the ties file as an adjudicator filled it
    assert _rows(ties.read_text("utf-8")) == _rows(decisions.read_text("utf-8"))
    out = run("annotate", "adjudicate", "--db", hard_db, "--decisions", decisions)
    assert "gold labels: 6 (unanimous 2, majority 0, adjudicated 4" in out
    assert "ties left: 0" in out
    with Store(hard_db) as store:
        gold = {(g.unit_id[:4], g.field): g for g in LabelStore(store).gold()}
    assert gold["3a6b", "entities"].value == ('[[0, 5, "ORG", "中国商务部"], '
                                              '[35, 42, "ORG", "洛克希德·马丁"]]')
    assert decided(gold["3a6b", "entities"])[2, 5, "ORG"] == (False, "adjudicated")
    assert gold["3a6b", "frames"].value == '["conflict"]'
    assert gold["a27c", "frames"].value == '["conflict", "economic_consequences"]'
    assert gold["4fcf", "entities"].value == '[[11, 14, "PERCENT", "30%"]]'
    assert (gold["a27c", "entities"].decided_by, gold["4fcf", "frames"].decided_by) == (
        "unanimous", "unanimous")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(decisions.read_bytes().replace(b",keep\r\n", b",kept\r\n", 1))
    result = runner.invoke(app, ["annotate", "adjudicate", "--db", str(hard_db),
                                 "--decisions", str(bad)])
    assert result.exit_code == 1 and "not keep or drop" in result.output
    assert "Traceback" not in result.output
