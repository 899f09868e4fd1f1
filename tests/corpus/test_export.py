"""Exports: Excel-ready CSV, typed Parquet, JSON Lines."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.cells import inert
from fincorpus.corpus.export import ARTICLE_COLUMNS, export, tables
from fincorpus.corpus.model import RawPage
from tests.corpus.test_store import make_article


@pytest.fixture
def filled(store):
    raw_id, _ = store.put_raw(RawPage(url="a", body=b"a"))
    store.put_article(make_article(title="=HYPERLINK(\"http://evil\")", author="@某号",
                                   paragraphs=("-5%的跌幅", "第二段")), raw_id)
    raw_id, _ = store.put_raw(RawPage(url="b", body=b"b"))
    store.put_article(make_article(docid="ABCDEFGHIJKLMNOP", published_at=None, title="黄金"), raw_id)
    return store


@pytest.mark.parametrize("value, expected", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5%", "'-5%"),
                                             ("@x", "'@x"), ("\tx", "'\tx"), ("美债", "美债"), (3, 3)])
def test_formula_cells_are_made_inert(value, expected) -> None:
    assert inert(value) == expected


def test_csv_has_bom_chinese_and_no_live_formulas(filled, tmp_path) -> None:
    path = tmp_path / "articles.csv"
    assert export(filled, path, "article", "csv") == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    assert list(rows[0]) == list(ARTICLE_COLUMNS)
    assert rows[0]["title"].startswith("'=") and rows[0]["author"] == "'@某号"
    assert rows[0]["text"] == "'-5%的跌幅\n第二段"
    assert rows[0]["published_at"] == "2026-01-20T18:00:49+08:00"
    assert rows[1]["published_at"] == ""


def test_csv_without_bom_when_asked(filled, tmp_path) -> None:
    path = tmp_path / "a.csv"
    export(filled, path, "article", "csv", encoding="utf-8")
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_parquet_keeps_types(filled, tmp_path) -> None:
    path = tmp_path / "a.parquet"
    export(filled, path)
    frame = pd.read_parquet(path)
    assert str(frame["published_at"].dtype) == "datetime64[ns, Asia/Shanghai]" or \
        str(frame["published_at"].dt.tz) == "Asia/Shanghai"
    assert frame["n_chars"].dtype == "Int64" and frame.loc[0, "title"].startswith("=")


def test_jsonl_keeps_offsets_and_text(filled, tmp_path) -> None:
    path = tmp_path / "a.jsonl"
    export(filled, path)
    first = json.loads(path.read_text("utf-8").splitlines()[0])
    assert first["published_at"] == "2026-01-20T18:00:49+08:00" and first["text"] == "-5%的跌幅\n第二段"


def test_tables_is_the_same_data_for_pandas_users(filled) -> None:
    frame = tables(filled)
    assert list(frame.columns) == list(ARTICLE_COLUMNS) and len(frame) == 2


def test_unknown_format_and_level_are_clear_errors(filled, tmp_path) -> None:
    with pytest.raises(BadInput, match="unknown format"):
        export(filled, tmp_path / "a.xlsx")
    with pytest.raises(BadInput, match="unknown level 'paragraph'"):
        tables(filled, "paragraph")
    with pytest.raises(BadInput, match="run fincorpus analyze first"):
        tables(filled, "entity")
