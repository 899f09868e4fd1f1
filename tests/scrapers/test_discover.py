"""Discovery parsing (scrapers/discover.py): feeds, listings, sitemaps and seeds.

Fixtures in fixtures/feeds/ are invented content in NetEase's payload shapes. The last
tests fetch the sample corpus feeds over HTTP from serve_sample() with plain urllib.
"""

from __future__ import annotations

import gzip
import urllib.request
import urllib.robotparser
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fincorpus.corpus.sample import sample_feeds, sample_pages, serve_sample
from fincorpus.scrapers import discover
from fincorpus.scrapers.discover import (
    Found,
    author_seed,
    channel_seed,
    classify,
    parse,
)
from fincorpus.scrapers.urls import url_key

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.mark.parametrize(("url", "kind"), [
    ("https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W4983108759&size=10", "author-feed"),
    ("http://127.0.0.1:8000/v2/article/list.do?pageNo=2", "author-feed"),
    ("https://temp.163.com/special/00804KVA/cm_yaowen.js?callback=data_callback", "channel-feed"),
    ("http://temp.163.com/special/00804KVA/cm_guonei_02.js", "channel-feed"),
    ("https://temp.163.com/special/00804KVA/cm_yaowen20200213.js", "channel-feed"),
    ("https://news.163.com/special/0001220O/news_json.js", "channel-feed"),
    ("https://3g.163.com/touch/reconstruct/article/list/BA8EE5GMwangning/0-20.html", "channel-feed"),
    ("https://www.163.com/sitemap.xml", "sitemap"),
    ("https://www.163.com/sitemaps/dy-2025-10.xml.gz", "sitemap"),
    ("https://example.com/sitemap_index", "sitemap"),
    ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html", "article"),
    ("https://m.163.com/news/article/KE8V3N1P0001899O.html", "article"),
    ("https://c.m.163.com/news/a/KJ2A7Q3M0556F1TX.html", "article"),
    ("http://dy.163.com/v2/article/detail/F8KQ2M6Q0519QIKK.html", "article"),
    ("https://money.163.com/20/0819/07/FKCJDGA100259DLP.html", "article"),
    ("https://www.163.com/photoview/00AO0001/2321456.html", "article"),
    ("https://www.163.com/v/video/VK7M3Q9TB.html", "article"),
    ("https://www.163.com/dy/media/T1601234567890.html", "listing"),
    ("https://news.163.com/domestic/", "listing"),
    ("https://news.163.com/special/0001386F/rank_news.html", "listing"),
    ("https://money.163.com/special/002526BH/rank.html", "listing"),
    ("https://www.163.com/", "listing"),
    ("http://[broken/x", "listing"),
])
def test_classify(url: str, kind: str) -> None:
    assert classify(url) == kind


# --- author feed -------------------------------------------------------------------------

AUTHOR = "https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W4400000001&size=3"


def test_author_feed_gives_dy_articles_and_the_next_page() -> None:
    found = parse("author-feed", fixture("author_feed_W4400000001.json"), AUTHOR, "application/json")
    assert [lead.url for lead in found.leads] == [
        "https://www.163.com/dy/article/KC1A2B3C0556Z9XY.html",
        "https://www.163.com/dy/article/KC0Z9Y8X0556Z9XY.html"]
    first = found.leads[0]
    assert (first.kind, first.title, first.source) == ("article", "离岸人民币夜盘复盘： 三个信号值得注意", "夜盘笔记")
    assert first.published_at == at(2025, 10, 16, 20, 2, 18)
    assert found.feeds == (discover.Lead(AUTHOR.replace("pageNo=1", "pageNo=2"), "author-feed"),)


def test_author_feed_stops_on_a_short_or_empty_page() -> None:
    short = AUTHOR.replace("size=3", "size=20")
    assert parse("author-feed", fixture("author_feed_W4400000001.json"), short).feeds == ()
    empty = b'{"code":200,"data":{"list":[]}}'
    assert parse("author-feed", empty, AUTHOR) == Found()


def test_author_feed_adds_page_number_when_missing() -> None:
    body = b'{"code":200,"data":{"list":[{"docid":"KC1A2B3C0556Z9XY","title":"t"}]}}'
    found = parse("author-feed", body, "https://dy.163.com/v2/article/list.do?wemediaId=W1&size=1")
    assert found.feeds[0].url == "https://dy.163.com/v2/article/list.do?wemediaId=W1&size=1&pageNo=2"


def test_author_feed_on_a_mirror_points_back_at_the_mirror() -> None:
    body = b'{"code":200,"data":{"list":[{"docid":"KC1A2B3C0556Z9XY","title":"t"}]}}'
    found = parse("author-feed", body, "http://127.0.0.1:8123/v2/article/list.do?pageNo=4&size=1")
    assert found.leads[0].url == "http://127.0.0.1:8123/dy/article/KC1A2B3C0556Z9XY.html"
    assert found.feeds[0].url == "http://127.0.0.1:8123/v2/article/list.do?pageNo=5&size=1"


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html>busy</html>", "not JSON"),
    (b'{"code":200,"data":{"list":[', "not JSON"),
    (b'{"code":500,"msg":"\xe7\xb3\xbb\xe7\xbb\x9f\xe7\xb9\x81\xe5\xbf\x99"}', "code 500 (系统繁忙)"),
    (b'{"code":200,"data":{}}', "no data.list array"),
    (b"[1, 2]", "no data.list array"),
    (b"   ", "empty body"),
])
def test_malformed_author_feed_is_a_one_line_value_error(body: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match="author feed") as caught:
        parse("author-feed", body, AUTHOR)
    assert reason in str(caught.value) and AUTHOR in str(caught.value)
    assert "\n" not in str(caught.value)


# --- channel JSONP -----------------------------------------------------------------------

CHANNEL = "https://temp.163.com/special/00804KVA/cm_yaowen.js?callback=data_callback"


def test_channel_jsonp_with_bom_trailing_commas_and_semicolon() -> None:
    found = parse("channel-feed", fixture("cm_yaowen.js"), CHANNEL, "application/javascript")
    assert [lead.url for lead in found.leads] == [
        "https://www.163.com/news/article/KA1B2C3D0001899O.html",
        "https://www.163.com/money/article/KA1B2C3E00259DLP.html",
        "https://www.163.com/photoview/00AP0001/2330011.html"]  # 3g duplicate merged, special page left out
    first = found.leads[0]
    assert (first.title, first.source) == ("国务院常务会议部署稳外贸十条措施", "新华社")
    assert first.published_at == at(2025, 10, 16, 20, 2, 18)
    assert found.feeds == (discover.Lead(
        "https://temp.163.com/special/00804KVA/cm_yaowen_02.js?callback=data_callback", "channel-feed"),)


@pytest.mark.parametrize(("url", "following"), [
    ("https://temp.163.com/special/00804KVA/cm_guonei.js", "https://temp.163.com/special/00804KVA/cm_guonei_02.js"),
    ("https://temp.163.com/special/00804KVA/cm_guonei_02.js", "https://temp.163.com/special/00804KVA/cm_guonei_03.js"),
    ("https://temp.163.com/special/00804KVA/cm_guonei_09.js?callback=data_callback",
     "https://temp.163.com/special/00804KVA/cm_guonei_10.js?callback=data_callback"),
    ("https://temp.163.com/special/00804KVA/cm_yaowen20200213.js",
     "https://temp.163.com/special/00804KVA/cm_yaowen20200213_02.js"),
])
def test_channel_paging(url: str, following: str) -> None:
    body = b'data_callback([{"title":"t","docurl":"https://www.163.com/news/article/KA1B2C3D0001899O.html"}])'
    assert parse("channel-feed", body, url).feeds == (discover.Lead(following, "channel-feed"),)
    assert parse("channel-feed", b"data_callback([]);", url) == Found()


def test_channel_feed_accepts_js_style_single_quotes() -> None:
    body = b"data_callback([{'title':'it\\'s \"quoted\"','docurl':'https://www.163.com/news/article/KA1B2C3D0001899O.html',},])"
    (lead,) = parse("channel-feed", body, CHANNEL).leads
    assert lead.title == "it's \"quoted\""


def test_artilist_mobile_column_list() -> None:
    url = "https://3g.163.com/touch/reconstruct/article/list/BA8EE5GMwangning/0-20.html"
    found = parse("channel-feed", fixture("artilist_BA8EE5GMwangning.js"), url)
    assert [lead.url for lead in found.leads] == [
        "https://www.163.com/news/article/KB7C8D9E0001899O.html",
        "https://www.163.com/news/article/KB7C8D9F0001899O.html",
        "https://www.163.com/dy/article/KB7C8DA00001899O.html"]
    assert found.leads[1].published_at == at(2025, 10, 13, 21, 15, 30)
    assert found.feeds[0].url.endswith("/BA8EE5GMwangning/20-20.html")


@pytest.mark.parametrize(("body", "reason"), [
    (b"<!DOCTYPE html><html>404</html>", "not JSONP"),
    (b"data_callback([{\"title\": }])", "not JSON"),
    (b"data_callback(\"just a string\")", "expected a list"),
    (b"\n\n", "empty body"),
])
def test_malformed_channel_feed_is_a_one_line_value_error(body: bytes, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse("channel-feed", body, CHANNEL)
    assert str(caught.value).startswith(f"channel feed {CHANNEL}: {reason}")
    assert "\n" not in str(caught.value)


# --- listing HTML ------------------------------------------------------------------------

def test_channel_listing_takes_article_links_with_nearby_times() -> None:
    found = parse("listing", fixture("channel_domestic.html"), "https://news.163.com/domestic/",
                  "text/html; charset=utf-8")
    by_url = {lead.url: lead for lead in found.leads}
    assert list(by_url) == [
        "https://www.163.com/news/article/KD1E2F3G0001899O.html",
        "https://www.163.com/news/article/KD1E2F3H0001899O.html",
        "https://news.163.com/20/0819/07/FKCJDGA100014JB5.html",
        "https://news.163.com/photoview/00AO0001/2330012.html",
        "https://www.163.com/v/video/VKD1E2F3G.html",
        "https://www.163.com/dy/article/KD1E2F3J0556AB12.html"]
    first = by_url["https://www.163.com/news/article/KD1E2F3G0001899O.html"]
    assert (first.title, first.published_at) == ("多地出台举措促进消费回暖", at(2025, 10, 16, 9, 30))
    assert by_url["https://www.163.com/news/article/KD1E2F3H0001899O.html"].published_at == \
        at(2025, 10, 16, 8, 5, 9)
    assert by_url["https://news.163.com/photoview/00AO0001/2330012.html"].title == "图集：港口集装箱吞吐量再创新高"
    # "3小时前" is no time, and the list-wide .time belongs to no single item
    assert by_url["https://www.163.com/dy/article/KD1E2F3J0556AB12.html"].published_at is None
    assert by_url["https://news.163.com/20/0819/07/FKCJDGA100014JB5.html"].published_at is None
    assert found.feeds == ()


def test_gbk_rank_page() -> None:
    body = fixture("rank_money_gbk.html")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    found = parse("listing", body, "https://money.163.com/special/002526BH/rank.html", "text/html")
    assert [(lead.url, lead.title) for lead in found.leads] == [
        ("https://www.163.com/money/article/KE5F6G7H00259DLP.html", "A股三大指数集体收涨 成交额重回两万亿"),
        ("https://www.163.com/dy/article/KE5F6G7J0556Z9XY.html", "一文读懂三季度基金持仓变化")]


def test_listing_without_articles_is_empty_not_an_error() -> None:
    assert parse("listing", b"<html><body><a href='/about/'>about</a></body></html>",
                 "https://www.163.com/") == Found()


# --- sitemaps ----------------------------------------------------------------------------

def _check_news_sitemap(found: Found) -> None:
    assert [lead.url for lead in found.leads] == [
        "https://www.163.com/dy/article/KF1A2B3C0556Z9XY.html",
        "https://www.163.com/news/article/KF1A2B3D0001899O.html",
        "https://www.caijing-example.cn/a/20251016/100001.html"]
    first, second, _ = found.leads
    assert first.title == "稀土永磁出口数据点评"
    assert first.published_at == at(2025, 10, 16, 20, 2, 18)  # 12:02:18Z in Beijing time
    assert second.published_at is None  # <lastmod> is not a publish time
    assert found.feeds == ()


def test_sitemap_urlset_with_namespaces() -> None:
    _check_news_sitemap(parse("sitemap", fixture("sitemap_news.xml"), "https://www.163.com/sitemap.xml"))


def test_gzip_sitemap() -> None:
    body = gzip.compress(fixture("sitemap_news.xml"), mtime=0)
    _check_news_sitemap(parse("sitemap", body, "https://www.163.com/sitemaps/dy-2025-10.xml.gz"))


def test_sitemap_index_gives_child_sitemaps() -> None:
    found = parse("sitemap", fixture("sitemap_index.xml"), "https://www.163.com/sitemap_index.xml")
    assert found.leads == ()
    assert found.feeds == (discover.Lead("https://www.163.com/sitemaps/dy-2025-10.xml.gz", "sitemap"),
                           discover.Lead("https://www.163.com/sitemaps/news-2025-10.xml", "sitemap"))


def test_gzip_bomb_is_refused(monkeypatch) -> None:
    monkeypatch.setattr(discover, "MAX_SITEMAP_BYTES", 1000)
    body = gzip.compress(b"<urlset>" + b" " * 5000 + b"</urlset>", mtime=0)
    with pytest.raises(ValueError, match="more than"):
        parse("sitemap", body, "https://x.cn/s.xml.gz")


@pytest.mark.parametrize(("body", "reason"), [
    (gzip.compress(b"<urlset></urlset>", mtime=0)[:-12], "gzip data cut short"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xff", "bad gzip data"),
    (b"<urlset><url><loc>x</url>", "not XML"),
    (b"<!DOCTYPE html><html><body><br>404</body></html>", "not XML"),
    (b"<html><body>soft 404</body></html>", "not a sitemap (root element <html>)"),
])
def test_malformed_sitemap_is_a_one_line_value_error(body: bytes, reason: str) -> None:
    with pytest.raises(ValueError, match="sitemap https://x.cn/s.xml") as caught:
        parse("sitemap", body, "https://x.cn/s.xml")
    assert reason in str(caught.value) and "\n" not in str(caught.value)


def test_sitemap_entities_are_not_expanded() -> None:
    body = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<urlset><url><loc>https://x.cn/&e;</loc></url></urlset>")
    for lead in parse("sitemap", body, "https://x.cn/s.xml").leads:
        assert "root:" not in lead.url


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot parse kind 'article'"):
        parse("article", b"<html></html>", "https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html")


# --- seeds -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "url", "kind"), [
    ("W8812734501", "https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W8812734501&size=20",
     "author-feed"),
    (" T1601234567890 ", "https://www.163.com/dy/media/T1601234567890.html", "listing"),
    ("https://www.163.com/dy/media/T1601234567890.html?spm=x", "https://www.163.com/dy/media/T1601234567890.html",
     "listing"),
    ("https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W1&size=10",
     "https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W1&size=10", "author-feed"),
])
def test_author_seed(value: str, url: str, kind: str) -> None:
    assert author_seed(value) == discover.Lead(url, kind)


@pytest.mark.parametrize("value", ["宏观视界君", "W", "T12", "8812734501", "www.163.com/dy/media/T1.html", ""])
def test_author_seed_refuses_other_forms(value: str) -> None:
    with pytest.raises(ValueError, match="wemediaId"):
        author_seed(value)


@pytest.mark.parametrize(("value", "url", "kind"), [
    ("money", "https://temp.163.com/special/00804KVA/cm_money.js?callback=data_callback", "channel-feed"),
    ("YAOWEN", "https://temp.163.com/special/00804KVA/cm_yaowen.js?callback=data_callback", "channel-feed"),
    ("cm_dujia", "https://temp.163.com/special/00804KVA/cm_dujia.js?callback=data_callback", "channel-feed"),
    ("https://news.163.com/domestic/", "https://news.163.com/domestic/", "listing"),
    ("https://money.163.com/special/002526BH/rank.html", "https://money.163.com/special/002526BH/rank.html",
     "listing"),
])
def test_channel_seed(value: str, url: str, kind: str) -> None:
    assert channel_seed(value) == discover.Lead(url, kind)


def test_channel_seed_lists_known_names() -> None:
    with pytest.raises(ValueError, match="yaowen, guonei") as caught:
        channel_seed("finance")
    assert "finance" in str(caught.value)


# --- the sample corpus served over HTTP --------------------------------------------------

#: Manifest kinds that are web pages a crawl should reach (textcopy files are saved copies).
WEB_PAGE_KINDS = {page.kind for page in sample_pages()} - {"textcopy"}


def fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read(), response.headers.get("Content-Type", "")


def feed_url(base: str, feed) -> str:
    return base + feed.path + (f"?{feed.query}" if feed.query else "")


def test_sample_author_feed_over_http_pages_to_an_empty_list() -> None:
    with serve_sample() as (base, _):
        url = f"{base}/v2/article/list.do?pageNo=1&wemediaId=W8812734501&size=8"
        body, content_type = fetch(url)
        found = parse(classify(url), body, url, content_type)
        assert len(found.leads) == 8 and all(lead.url.startswith(base + "/dy/article/") for lead in found.leads)
        (following,) = found.feeds
        assert following.url == url.replace("pageNo=1", "pageNo=2")
        body, content_type = fetch(following.url)
        assert parse(following.kind, body, following.url, content_type) == Found()


def test_every_sample_feed_parses_and_together_they_reach_every_web_page() -> None:
    reached: set[str] = set()
    with serve_sample() as (base, pages):
        for feed in sample_feeds():
            if feed.kind == "robots":
                continue
            url = feed_url(base, feed)
            assert classify(url) == feed.kind, url
            body, content_type = fetch(url)
            assert b"{base}" not in body
            found = parse(feed.kind, body, url, content_type)
            assert all(lead.url.startswith(base) for lead in found.leads + found.feeds)
            reached |= {url_key(lead.url) for lead in found.leads}
        wanted = {url_key(base + page.path) for page in pages if page.kind in WEB_PAGE_KINDS}
    assert wanted - reached == set()


def test_sample_channel_feed_pages_end_on_the_server() -> None:
    with serve_sample() as (base, _):
        url = base + "/special/00804KVA/cm_money.js?callback=data_callback"
        body, content_type = fetch(url)
        (following,) = parse("channel-feed", body, url, content_type).feeds
        assert following.url == base + "/special/00804KVA/cm_money_02.js?callback=data_callback"
        body, content_type = fetch(following.url)
        assert parse("channel-feed", body, following.url, content_type) == Found()


def test_sample_manifest_feeds_are_complete() -> None:
    feeds = sample_feeds()
    assert {feed.kind for feed in feeds} == {*discover.FEED_KINDS, "robots"}
    for feed in feeds:
        assert feed.path.startswith("/") and feed.content_type and feed.about, feed
        assert feed.body("http://127.0.0.1:1").strip(), feed.file
    page_paths = {page.path for page in sample_pages()}
    assert not page_paths & {feed.path for feed in feeds}


def test_sample_robots_txt_allows_all_but_private() -> None:
    with serve_sample() as (base, _):
        body, _ = fetch(base + "/robots.txt")
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode("utf-8").splitlines())
    assert robots.can_fetch("fincorpus", base + "/dy/article/KJ2A7Q3M0556F1TX.html")
    assert not robots.can_fetch("fincorpus", base + "/private/about.html")
    assert robots.site_maps() == [base + "/sitemap.xml"]
