"""Exports written a chunk at a time: the same file whatever the chunk size, integer columns as
integers, and a failed export that loses nothing."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fincorpus.corpus import export as export_module
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.export import export, table_chunks, tables
from fincorpus.corpus.model import RawPage
from tests.corpus.test_store import make_article


@pytest.mark.parametrize("level", ["article", "sentence", "entity", "topic", "stance", "claim"])
def test_chunks_are_the_table_in_order_and_typed_alike(analysed, level) -> None:
    whole = tables(analysed, level)
    chunks = list(table_chunks(analysed, level, rows=7))
    assert len(chunks) == max(1, -(-len(whole) // 7)) and all(len(c) <= 7 for c in chunks)
    assert all((c.dtypes == whole.dtypes).all() for c in chunks)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_the_file_does_not_depend_on_the_chunk_size(analysed, tmp_path, monkeypatch,
                                                    suffix) -> None:
    one = tmp_path / f"one.{suffix}"
    rows = export(analysed, one, "stance")
    monkeypatch.setattr(export_module, "CHUNK_ROWS", 5)
    many = tmp_path / f"many.{suffix}"
    assert export(analysed, many, "stance") == rows > 10
    if suffix == "parquet":
        pd.testing.assert_frame_equal(pd.read_parquet(many), pd.read_parquet(one))
    else:
        assert many.read_bytes() == one.read_bytes()


def test_integer_columns_are_integers_and_empty_stays_empty(analysed, tmp_path) -> None:
    path = tmp_path / "stance.csv"
    export(analysed, path, "stance")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    article_rows = [r for r in rows if r["sentence"] == ""]
    sentence_rows = [r for r in rows if r["sentence"] != ""]
    assert article_rows and sentence_rows
    assert all(r["start"] == "" and r["end"] == "" for r in article_rows)
    assert all(r[c].isdigit() for r in sentence_rows for c in ("sentence", "start", "end"))
    first = json.loads(export_jsonl_line(analysed, tmp_path, "sentence"))
    assert isinstance(first["sentence"], int) and isinstance(first["start"], int)
    parquet = tmp_path / "stance.parquet"
    export(analysed, parquet, "stance")
    assert pq.read_schema(parquet).field("sentence").type == pa.int64()  # what R and Stata see
    assert str(pd.read_parquet(parquet)["sentence"].dtype) == "Int64"


def export_jsonl_line(store, folder, level: str) -> str:
    path = folder / f"{level}.jsonl"
    export(store, path, level)
    return path.read_text("utf-8").splitlines()[0]


def test_a_failed_export_keeps_the_old_file_and_leaves_no_part(store, tmp_path) -> None:
    raw_id, _ = store.put_raw(RawPage(url="a", body=b"a"))
    store.put_article(make_article(), raw_id)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "entities.csv"
    path.write_text("the last good export\n", encoding="utf-8")
    with pytest.raises(BadInput, match="run fincorpus analyze first"):
        export(store, path, "entity")
    assert path.read_text(encoding="utf-8") == "the last good export\n"
    assert [p.name for p in path.parent.iterdir()] == ["entities.csv"]


@pytest.mark.parametrize("level", ["article", "sentence", "entity", "frame", "stance", "claim"])
def test_filters_keep_the_same_rows_as_filtering_the_whole_table(analysed, level) -> None:
    ids = tables(analysed, "article")["article_id"].tolist()
    whole = tables(analysed, level)
    for where, kept in ((ids[1], [ids[1]]), (f"{ids[0]}", [ids[0]]), ("nothing", [])):
        chunks = list(table_chunks(analysed, level, [f"id={where}"], rows=3))
        expected = whole[whole["article_id"].isin(kept)].reset_index(drop=True)
        pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), expected)
    two = tables(analysed, level, [f"id={ids[0]}", f"id={ids[2]}"])
    assert set(two["article_id"]) == {ids[0], ids[2]} & set(whole["article_id"])


def test_export_benchmark_gate_fails_a_missed_floor(capsys) -> None:
    from tests.support.benchmarks import load_benchmark

    benchmark = load_benchmark("export")
    assert benchmark.main(["--mb", "0.05", "--levels", "entity", "--floor", "memory=-1"]) == 1
    printed = capsys.readouterr().out
    assert "entity    fincorpus" in printed and "FLOOR MISSED" in printed


def test_progress_counts_every_row_chunk_by_chunk(analysed, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(export_module, "CHUNK_ROWS", 10)
    seen: list[int] = []
    rows = export(analysed, tmp_path / "s.csv", "sentence", progress=seen.append)
    assert len(seen) > 1 and sum(seen) == rows == export_module.table_size(analysed, "sentence")
    assert export_module.table_size(analysed, "claim") is None
