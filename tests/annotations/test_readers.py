"""Readers: Label Studio, doccano and CSV files give the same labels and the same spans.

The fixtures in tests/data/annotations hold one invented study (two articles with entity
spans and frames, four sentences with stance toward 美联储, coders alice and bob) in every
format. Their texts hold an emoji before and inside spans (astral characters: one code point,
two UTF-16 units), full-width punctuation and line breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fincorpus.annotations.readers import (detect_format, read_labels, read_many,
                                           resolve_span, utf16_to_codepoints)
from fincorpus.corpus.errors import BadInput

DATA = Path(__file__).parent.parent / "data" / "annotations"
A1 = "🚀美联储宣布加息：\n利率升至5.5%。欧洲央行（ECB）表示，2023年\n7月再议💰500亿美元。"


def key(labels):
    """What must agree across formats (not the file or the time)."""
    return sorted((l.unit_id, l.field, l.value, l.coder, l.start, l.end, l.text) for l in labels)


@pytest.fixture
def from_labelstudio():
    return read_labels(DATA / "labelstudio.json")


def test_readers_same_labels_in_every_format(from_labelstudio):
    doccano = read_many([DATA / "alice@example.org.jsonl", DATA / "bob.jsonl"])
    sheet = read_labels(DATA / "long.csv")
    # 2 coders × (7 spans + 3 frames... ) = 14 spans + 6 frame labels + 8 stance labels
    assert len(from_labelstudio) == 28
    assert key(from_labelstudio) == key(doccano) == key(sheet)


def test_readers_spans_with_emoji_fullwidth_and_line_break(from_labelstudio):
    spans = {(l.coder, l.text): l for l in from_labelstudio if l.field == "entities"}
    alice = "alice@example.org"
    for text, start, tag in [("美联储", 1, "ORG"), ("欧洲央行（ECB）", 19, "ORG"),
                             ("2023年\n7月", 31, "DATE"), ("💰500亿美元", 41, "MONEY")]:
        label = spans[alice, text]
        assert (label.start, label.end, label.value) == (start, start + len(text), tag)
        assert A1[label.start:label.end] == text


def test_readers_doccano_offsets_are_utf16_and_converted():
    line = json.loads((DATA / "alice@example.org.jsonl").read_text("utf-8").splitlines()[0])
    assert line["entities"][4] == [42, 50, "MONEY"]  # 🚀 and 💰 count two units each in doccano
    money = [l for l in read_labels(DATA / "alice@example.org.jsonl") if l.value == "MONEY"]
    assert (money[0].start, money[0].end, money[0].text) == (41, 48, "💰500亿美元")


def test_readers_doccano_codepoint_option_reads_differently():
    with pytest.raises(BadInput, match="outside the unit text"):
        read_labels(DATA / "alice@example.org.jsonl", offsets="codepoints")


def test_readers_doccano_coder_from_line_option_or_file_name():
    stem = {l.coder for l in read_labels(DATA / "alice@example.org.jsonl")}
    named = {l.coder for l in read_labels(DATA / "alice@example.org.jsonl", coder="A")}
    by_line = {l.coder for l in read_labels(DATA / "bob.jsonl", coder="ignored")}
    assert (stem, named, by_line) == ({"alice@example.org"}, {"A"}, {"bob@example.org"})


def test_readers_doccano_unit_id_falls_back_to_id_then_line(tmp_path: Path):
    path = tmp_path / "carol.jsonl"
    path.write_text('{"id": 7, "text": "加息", "label": ["FAVOR"]}\n\n'
                    '{"text": "降息", "label": [[0, 2, "ORG"]]}\n', encoding="utf-8")
    labels = read_labels(path)
    assert [(l.unit_id, l.field, l.value, l.coder, l.text) for l in labels] == [
        ("7", "stance", "FAVOR", "carol", None), ("3", "entities", "ORG", "carol", "降息")]


def test_readers_labelstudio_details(from_labelstudio):
    coders = {l.coder for l in from_labelstudio}
    assert coders == {"alice@example.org", "bob@example.org"}  # the cancelled one is skipped
    assert "morality" not in {l.value for l in from_labelstudio}
    assert all(l.created_at and l.created_at.year == 2024 for l in from_labelstudio)
    assert {l.field for l in from_labelstudio} == {"entities", "frames", "stance:美联储"}
    frames = sorted(l.value for l in from_labelstudio
                    if l.unit_id == "a1" and l.coder == "alice@example.org" and l.field == "frames")
    assert frames == ["conflict", "economic_consequences"]  # one Label per chosen value


def labelstudio_file(tmp_path: Path, start: int, end: int, text: str, coder=5) -> Path:
    task = {"id": 1, "data": {"text": A1}, "annotations": [{"completed_by": coder, "result": [
        {"from_name": "entities", "to_name": "text", "type": "labels",
         "value": {"start": start, "end": end, "text": text, "labels": ["MONEY"]}}]}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    return path


def test_readers_old_labelstudio_utf16_offsets_are_converted(tmp_path: Path):
    [label] = read_labels(labelstudio_file(tmp_path, 42, 50, "💰500亿美元"))
    assert (label.start, label.end, label.coder, label.unit_id) == (41, 48, "5", "1")


def test_readers_labelstudio_text_under_another_key(tmp_path: Path):
    path = labelstudio_file(tmp_path, 41, 48, "💰500亿美元")
    path.write_text(path.read_text("utf-8").replace('"text": "🚀', '"content": "🚀'), "utf-8")
    [label] = read_labels(path)
    assert (label.start, label.end) == (41, 48)
    path.write_text(path.read_text("utf-8").replace('"start": 41', '"start": 40'), "utf-8")
    with pytest.raises(BadInput, match="drifted"):
        read_labels(path)


def test_readers_refuse_drifted_span_in_one_line(tmp_path: Path):
    path = labelstudio_file(tmp_path, 40, 47, "💰500亿美元")  # one off in both counts
    with pytest.raises(BadInput) as caught:
        read_labels(path)
    message = str(caught.value)
    assert "\n" not in message
    for part in (str(path), "unit 1", "40–47", repr(A1[40:47]), "'💰500亿美元'", "drifted"):
        assert part in message


def test_readers_refuse_span_past_the_text(tmp_path: Path):
    with pytest.raises(BadInput, match="outside the unit text"):
        read_labels(labelstudio_file(tmp_path, 60, 70, "x"))


def test_readers_refuse_drifted_span_in_csv(tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_text('unit_id,coder,label,start,end,span_text,text\n'
                    'a1,alice,ORG,0,3,美联储,"🚀美联储"\n', encoding="utf-8")
    with pytest.raises(BadInput, match=r"row 2 \(unit a1\): span 0–3 covers '🚀美联' .* '美联储'"):
        read_labels(path)


def test_readers_wide_csv_one_column_per_coder():
    labels = read_labels(DATA / "wide.csv")
    assert len(labels) == 10  # carol left s3 and s4 empty
    assert {l.field for l in labels} == {"stance:美联储"}
    assert sorted(l.unit_id for l in labels if l.coder == "carol") == ["s1", "s2"]


def test_readers_long_csv_splits_multi_label_cells():
    frames = sorted(l.value for l in read_labels(DATA / "long.csv")
                    if l.field == "frames" and l.unit_id == "a1" and l.coder == "alice@example.org")
    assert frames == ["conflict", "economic_consequences"]


def test_readers_wide_csv_frames_and_tsv(tmp_path: Path):
    path = tmp_path / "frames.tsv"
    path.write_text("unit_id\tA\tB\na1\tconflict；morality\tconflict\na2\t\thuman_interest\n",
                    encoding="utf-8-sig")
    assert key(read_labels(path)) == [
        ("a1", "frames", "conflict", "A", None, None, None),
        ("a1", "frames", "conflict", "B", None, None, None),
        ("a1", "frames", "morality", "A", None, None, None),
        ("a2", "frames", "human_interest", "B", None, None, None)]


@pytest.mark.parametrize("name, expected", [
    ("labelstudio.json", "labelstudio"), ("bob.jsonl", "doccano"),
    ("long.csv", "csv"), ("wide.csv", "csv")])
def test_readers_detect_format_from_content(tmp_path: Path, name: str, expected: str):
    renamed = tmp_path / "labels.dat"  # the extension says nothing
    renamed.write_bytes((DATA / name).read_bytes())
    assert detect_format(renamed) == expected


@pytest.mark.parametrize("content, words", [
    ("这不是标注文件。\n", "neither a Label Studio JSON export"),
    ('[{"a": 1}]', "neither 'data' (Label Studio) nor 'text' (doccano)"),
    ('[{"data": ', "starts like JSON but is not"),
    ('{"text": "x", "label": []}\n{oops\n', "line 2 is not valid JSON"),
    ('{"label": ["FAVOR"]}\n', "line 1 has no 'text'"),
    ("unit_id,text\ns1,加息\n", "nor one column per coder"),
])
def test_readers_refuse_unknown_content_in_one_line(tmp_path: Path, content: str, words: str):
    path = tmp_path / "labels.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        read_labels(path)
    assert words in str(caught.value) and "\n" not in str(caught.value)


def test_readers_refuse_non_utf8(tmp_path: Path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("unit_id,coder,label\ns1,张三,FAVOR\n".encode("gbk"))
    with pytest.raises(BadInput, match="not UTF-8.*save it as UTF-8"):
        read_labels(path)


@pytest.mark.parametrize("offset, expected", [(0, 0), (1, None), (2, 1), (5, 4), (42, 41),
                                              (43, None), (51, 49), (52, None)])
def test_readers_utf16_to_codepoints(offset: int, expected):
    assert utf16_to_codepoints(A1, offset) == expected


def test_readers_resolve_span_without_unit_text_needs_span_text():
    assert resolve_span(None, 3, 5, "加息", "f: unit 1") == (3, 5, "加息")
    with pytest.raises(BadInput, match="neither its text nor the unit text"):
        resolve_span(None, 3, 5, None, "f: unit 1")
    with pytest.raises(BadInput, match="start < end"):
        resolve_span("加息", 2, 1, None, "f: unit 1")
