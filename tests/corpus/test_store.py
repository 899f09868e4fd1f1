"""The store: raw pages first, one article per key, migrations, transactions."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fincorpus.corpus.errors import StoreError
from fincorpus.corpus.migrations import SCHEMA_VERSION
from fincorpus.corpus.model import Article, Provenance, RawPage
from fincorpus.corpus.store import Store

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_article(**changes) -> Article:
    fields = dict(title="美债持仓再创新低", paragraphs=("第一段。", "第二段，6826亿美元。"),
                  extractor=Provenance("netease", "1"), url="https://www.163.com/dy/article/K8A1B2C3D4E5F6G7.html",
                  docid="K8A1B2C3D4E5F6G7", site="163.com", author="某财经号",
                  published_at=datetime(2026, 1, 20, 18, 0, 49, tzinfo=SHANGHAI),
                  captions=("图为会场",), images=("https://example.com/a.jpg",), flags=("x",),
                  extras={"wemedia_id": "W123"},
                  reading_order=(("paragraph", "第一段。"), ("caption", "图为会场"),
                                 ("paragraph", "第二段，6826亿美元。")))
    fields.update(changes)
    return Article(**fields)


def test_new_store_is_wal_and_at_current_schema(db_path) -> None:
    with Store(db_path):
        pass
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_store_written_by_a_newer_version_is_refused(db_path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        Store(db_path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 100)
    with pytest.raises(StoreError, match="not a fincorpus database"):
        Store(path)


def test_missing_folder_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "nope" / "x.db")


def test_same_raw_bytes_are_stored_once(store) -> None:
    page = RawPage(url="http://127.0.0.1/a.html", body=b"<html>same</html>")
    first = store.put_raw(page)
    second = store.put_raw(RawPage(url="http://127.0.0.1/other.html", body=b"<html>same</html>"))
    assert first[1] is True and second == (first[0], False)
    assert store.counts()["raw_pages"] == 1


def test_raw_page_round_trips_bytes_and_headers(store) -> None:
    body = "网易".encode("gbk") * 1000
    raw_id, _ = store.put_raw(RawPage(url="u", body=body, status=200, headers={"Content-Type": "text/html"}))
    back = store.raw_page(raw_id)
    assert back.body == body and back.status == 200 and back.headers == {"Content-Type": "text/html"}


def test_article_with_the_same_docid_is_stored_once(store) -> None:
    raw_a, _ = store.put_raw(RawPage(url="a", body=b"a"))
    raw_b, _ = store.put_raw(RawPage(url="b", body=b"b"))
    assert store.put_article(make_article(), raw_a) is True
    mobile = make_article(url="https://m.163.com/dy/article/K8A1B2C3D4E5F6G7.html")
    assert store.put_article(mobile, raw_b) is False
    assert store.counts()["articles"] == 1


def test_failed_write_leaves_nothing_behind(store) -> None:
    raw_id, _ = store.put_raw(RawPage(url="a", body=b"a"))
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            conn.execute("DELETE FROM raw_pages")
            raise RuntimeError("crash half-way")
    assert store.counts()["raw_pages"] == 1 and store.raw_page(raw_id).body == b"a"


text_st = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.none() | text_st, paragraphs=st.lists(text_st, min_size=1, max_size=4),
       docid=st.none() | st.from_regex(r"[A-Z0-9]{16}", fullmatch=True),
       when=st.none() | st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_articles_round_trip_through_the_store(tmp_path_factory, title, paragraphs, docid, when) -> None:
    article = make_article(title=title, paragraphs=tuple(paragraphs), docid=docid, url=None,
                           published_at=when.replace(tzinfo=SHANGHAI) if when else None)
    with Store(tmp_path_factory.mktemp("rt") / "c.db") as store:
        raw_id, _ = store.put_raw(RawPage(url=None, body=b"x"))
        store.put_article(article, raw_id)
        (stored,) = list(store.articles())
    assert stored.article == article and stored.raw_page_id == raw_id


def test_articles_stored_before_reading_order_existed_read_back_without_one(db_path) -> None:
    from fincorpus.corpus.migrations import MIGRATIONS

    with Store(db_path) as store:
        raw_id, _ = store.put_raw(RawPage(url="a", body=b"a"))
        store.put_article(make_article(), raw_id)
    conn = sqlite3.connect(db_path)  # back to v6: the column gone, as in an older file
    conn.execute("ALTER TABLE articles DROP COLUMN reading_order")
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
    conn.commit()
    conn.close()
    with Store(db_path) as store:
        (stored,) = list(store.articles())
    assert stored.article.reading_order == ()
    assert stored.article.reader_text == stored.article.text
