"""The pipeline: raw bytes stored before parsing, one article per page, failures recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.pipeline import add_paths, fetch_urls, reprocess, summarize
from fincorpus.corpus.sample import serve_sample
from fincorpus.scrapers.fetch import Fetcher, FetchSettings

COPY = """网易首页 > 网易号 > 正文 申请入驻

黄金储备连续增长的背后

0
分享至

央行公布的数据显示，黄金储备已经连续第十五个月增加，这一节奏比市场预期更稳。

分析人士认为，这一操作与外汇储备多元化的长期方向一致，短期金价波动不会改变趋势。

特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。
"""


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "gold.txt").write_text(COPY, encoding="utf-8")
    (folder / "empty.html").write_bytes(b"")
    (folder / "notes.md").write_text("not picked up inside folders")
    return folder


def test_add_stores_raw_page_and_article_then_reports_present(store, pages) -> None:
    first = add_paths([pages], store)
    assert [(Path(o.source).name, o.status) for o in first] == [("empty.html", "failed"),
                                                                ("gold.txt", "added")]
    assert "empty" in first[0].reason
    again = add_paths([pages], store)
    assert summarize(again) == {"added": 0, "updated": 0, "present": 1, "failed": 1}
    assert store.counts() == {"raw_pages": 2, "articles": 1, "extraction_failures": 1}


def test_a_page_that_fails_extraction_keeps_its_raw_bytes(store, pages) -> None:
    add_paths([pages / "empty.html"], store)
    (failure,) = store.failures()
    assert failure.kind == "empty-file" and store.raw_page(failure.raw_page_id).body == b""


def test_missing_path_is_a_clear_error(store, tmp_path) -> None:
    with pytest.raises(BadInput, match="no such file"):
        add_paths([tmp_path / "missing.html"], store)


def test_fetch_urls_over_real_http_stores_each_sample_page_once(store) -> None:
    with serve_sample() as (base, pages), Fetcher(FetchSettings(delay=0.0)) as fetcher:
        urls = [base + p.path for p in pages]
        first = fetch_urls(urls, store, fetcher)
        second = fetch_urls(urls + [base + "/missing.html"], store, fetcher)
    expected_failures = sum(p.kind in ("deleted", "antibot") for p in pages)
    assert summarize(first)["failed"] == expected_failures
    assert summarize(second)["added"] == 0 and second[-1].status == "failed"
    assert "404" in second[-1].reason
    assert store.counts()["articles"] == summarize(first)["added"]


def test_reprocess_reextracts_stored_pages_without_fetching(store, pages) -> None:
    add_paths([pages], store)
    (stored,) = list(store.articles())
    with store.transaction() as conn:  # as if an older extractor had kept a disclaimer
        conn.execute("UPDATE articles SET paragraphs = ?, extractor_version = '0'",
                     ('["旧版本的输出，带着特别声明。"]',))
    outcomes = reprocess(store)
    assert summarize(outcomes) == {"added": 0, "updated": 1, "present": 0, "failed": 1}
    (again,) = list(store.articles())
    assert again.article == stored.article
    assert summarize(reprocess(store))["updated"] == 0
