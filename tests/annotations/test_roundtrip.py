"""Round trips: export tasks → fill in labels in each tool's own structure → import → the same
labels and spans, character for character, on texts with emoji (astral characters, two UTF-16
units each), full-width punctuation and line breaks (article units span paragraphs)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from fincorpus.annotations.export_tasks import utf16, write_tasks
from fincorpus.annotations.scheme import Scheme
from fincorpus.annotations.tasks import make_tasks
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.labels import LabelStore, import_files, task_candidates

VALUES = ("FAVOR", "AGAINST", "NONE")
#: Spans the coder marks in article texts: after emoji, holding emoji, across a line break,
#: with full-width brackets and the middle dot.
SPANS = (("🚀美联储", "ORG"), ("5.5%", "PERCENT"), ("撑不住了。\n美元", "MONEY"),
         ("人民币", "ORG"), ("美军工企业（如洛克希德·马丁）", "ORG"), ("😱，美国", "LOC"),
         ("超过30%", "PERCENT"), ("🌍，美国", "LOC"))


def stance_tasks(store):
    return make_tasks(task_candidates(store, "sentence", "stance"), "stance")


def span_tasks(store):
    return make_tasks(task_candidates(store, "article", "entities"), "entities")


def spans_in(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, tag, text) in code points of each SPANS entry found in `text`."""
    found = []
    for span, tag in SPANS:
        at = text.find(span)
        if at >= 0:
            found.append((at, at + len(span), tag, span))
    return found


def expected(stance, spans, coder="alice"):
    rows = {(t.unit_id, t.label_field, VALUES[i % 3], coder, None, None, None)
            for i, t in enumerate(stance)}
    rows |= {(t.unit_id, "entities", tag, coder, s, e, span)
             for t in spans for s, e, tag, span in spans_in(t.text)}
    return rows


def stored(store):
    return {(l.unit_id, l.field, l.value, l.coder, l.start, l.end, l.text)
            for l in LabelStore(store).labels()}


def test_roundtrip_labelstudio(hard_store, tmp_path):
    stance, spans, scheme = stance_tasks(hard_store), span_tasks(hard_store), Scheme.load()
    assert any(ord(c) > 0xFFFF for t in stance for c in t.text)  # the test means something
    assert any("\n" in t.text for t in spans)
    write_tasks(stance, tmp_path / "stance.json", "labelstudio", scheme)
    write_tasks(spans, tmp_path / "spans.json", "labelstudio", scheme)
    tasks = json.loads((tmp_path / "stance.json").read_text("utf-8"))
    for i, task in enumerate(tasks):  # a coder answers in Label Studio, which exports this
        task["id"] = i + 1
        task["annotations"] = [{"id": 100 + i, "completed_by": {"id": 7, "email": "alice"},
                                "created_at": "2026-02-03T09:00:00Z", "result": [
                                    {"from_name": "stance", "to_name": "text", "type": "choices",
                                     "value": {"choices": [VALUES[i % 3]]}}]}]
    ents = json.loads((tmp_path / "spans.json").read_text("utf-8"))
    for task in ents:
        task["annotations"] = [{"completed_by": {"email": "alice"}, "result": [
            {"from_name": "entities", "to_name": "text", "type": "labels",
             "value": {"start": s, "end": e, "text": span, "labels": [tag]}}
            for s, e, tag, span in spans_in(task["data"]["text"])]}]
    (tmp_path / "alice.json").write_text(json.dumps(tasks + ents, ensure_ascii=False), "utf-8")
    [result] = import_files(hard_store, [tmp_path / "alice.json"])
    assert stored(hard_store) == expected(stance, spans)
    assert result.added == len(expected(stance, spans)) and result.coders == ("alice",)
    # the predictions rode along in the file, and none became a label
    assert all("predictions" in t for t in tasks)
    assert {l.coder for l in LabelStore(hard_store).labels()} == {"alice"}


def test_roundtrip_doccano_utf16_offsets(hard_store, tmp_path):
    stance, spans, scheme = stance_tasks(hard_store), span_tasks(hard_store), Scheme.load()
    write_tasks(stance + spans, tmp_path / "tasks.jsonl", "doccano", scheme)
    text = (tmp_path / "tasks.jsonl").read_text("utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    for i, record in enumerate(lines[:len(stance)]):
        record["label"] = [VALUES[i % 3]]
    for record in lines[len(stance):]:  # doccano counts UTF-16 units, as the browser does
        text = record["text"]
        record["label"] = [[utf16(text, s), utf16(text, e), tag] for s, e, tag, _ in spans_in(text)]
    # doccano exports one file per user, named after them
    (tmp_path / "alice.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    import_files(hard_store, [tmp_path / "alice.jsonl"])
    assert stored(hard_store) == expected(stance, spans)


def test_roundtrip_csv_sheet(hard_store, tmp_path):
    stance, scheme = stance_tasks(hard_store), Scheme.load()
    frames = make_tasks(task_candidates(hard_store, "article", "frames"), "frames")
    write_tasks(stance + frames, tmp_path / "sheet.csv", "csv", scheme, ("alice", "bob"))
    raw = (tmp_path / "sheet.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel shows the Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["unit_id", "field", "target", "text", "prediction", "alice", "bob"]
    assert all(row[5] == row[6] == "" for row in rows[1:])
    for i, row in enumerate(rows[1:len(stance) + 1]):
        row[5] = VALUES[i % 3]
    for row in rows[len(stance) + 1:]:  # a multi-label cell, split on the full-width ；
        row[6] = "conflict；economic_consequences"
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    (tmp_path / "filled.csv").write_text("\ufeff" + buffer.getvalue(), "utf-8", newline="")
    import_files(hard_store, [tmp_path / "filled.csv"])
    want = expected(stance, [])
    want |= {(t.unit_id, "frames", v, "bob", None, None, None) for t in frames
             for v in ("conflict", "economic_consequences")}
    assert stored(hard_store) == want  # and no coder named "prediction"


def test_import_again_adds_nothing_and_takes_corrections(hard_store, tmp_path):
    stance = stance_tasks(hard_store)
    write_tasks(stance, tmp_path / "t.csv", "csv", Scheme.load(), ("bob",))
    text = (tmp_path / "t.csv").read_text("utf-8-sig")
    lines = text.splitlines()
    filled = [lines[0]] + [line + "NONE" for line in lines[1:] if line]
    (tmp_path / "bob.csv").write_text("\r\n".join(filled), "utf-8")
    first, again = (import_files(hard_store, [tmp_path / "bob.csv"])[0] for _ in range(2))
    assert first.added == len(stance) and again.added == 0
    assert len(LabelStore(hard_store).labels()) == len(stance)
    filled[1] = filled[1][:-4] + "FAVOR"  # bob changes his mind on one unit
    (tmp_path / "bob.csv").write_text("\r\n".join(filled), "utf-8")
    import_files(hard_store, [tmp_path / "bob.csv"])
    values = sorted(l.value for l in LabelStore(hard_store).labels())
    assert len(values) == len(stance) and values.count("FAVOR") == 1


def test_drifted_span_refused_with_file_unit_offsets_and_both_strings(hard_store, tmp_path):
    [task] = [t for t in span_tasks(hard_store) if "🚀" in t.text]
    start = task.text.index("美联储")
    bad = [{"data": {"text": task.text.replace("🚀", ""), "unit_id": task.unit_id},
            "annotations": [{"completed_by": 1, "result": [
                {"from_name": "entities", "to_name": "text", "type": "labels",
                 "value": {"start": start - 1, "end": start + 2, "text": "美联储",
                           "labels": ["ORG"]}}]}]}]
    (tmp_path / "drift.json").write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    with pytest.raises(BadInput) as error:
        import_files(hard_store, [tmp_path / "drift.json"])
    message = str(error.value)
    assert "drift.json" in message and task.unit_id in message and "\n" not in message
    assert f"{start - 1}–{start + 2}" in message and "'🚀美联'" in message and "'美联储'" in message
    assert LabelStore(hard_store).labels() == []  # nothing of the file was stored


def test_unknown_unit_refused(hard_store, tmp_path):
    (tmp_path / "x.csv").write_text("unit_id,target,alice\nnope/3,美国,FAVOR\n", "utf-8")
    with pytest.raises(BadInput, match=r"x.csv: unit nope/3 is not in the store"):
        import_files(hard_store, [tmp_path / "x.csv"])


def test_coder_option_names_the_one_coder(hard_store, tmp_path):
    stance = stance_tasks(hard_store)[:2]
    write_tasks(stance, tmp_path / "t.csv", "csv", Scheme.load(), ("c1", "c2"))
    rows = (tmp_path / "t.csv").read_text("utf-8-sig").splitlines()
    (tmp_path / "two.csv").write_text("\r\n".join([rows[0], rows[1][:-1] + "NONE,FAVOR"]), "utf-8")
    with pytest.raises(BadInput, match="labels by 2 coders"):
        import_files(hard_store, [tmp_path / "two.csv"], coder="zoe")
    (tmp_path / "one.csv").write_text("\r\n".join([rows[0], rows[1][:-1] + "NONE,"]), "utf-8")
    import_files(hard_store, [tmp_path / "one.csv"], coder="zoe")
    assert {l.coder for l in LabelStore(hard_store).labels()} == {"zoe"}
