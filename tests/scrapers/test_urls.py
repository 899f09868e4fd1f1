"""Canonical URLs and DOCID keys (scrapers/urls.py): the URL families of NETEASE.md §1 and §4."""

from __future__ import annotations

import pytest
from fincorpus.corpus.model import Article, Provenance
from fincorpus.scrapers.urls import (
    canonical_url,
    docid_of,
    host_allowed,
    host_of,
    is_article_url,
    url_key,
)
from hypothesis import given
from hypothesis import strategies as st

DY = "https://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html"
NEWS = "https://www.163.com/news/article/KE8V3N1P0001899O.html"

#: (input, canonical URL, DOCID)
CASES = [
    # 网易号 and channel articles on www
    (DY, DY, "KJ2A7Q3M0556F1TX"),
    ("http://www.163.com/dy/article/KJ2A7Q3M0556F1TX.html", DY, "KJ2A7Q3M0556F1TX"),
    (DY + "?f=post2020_dy_recommends", DY, "KJ2A7Q3M0556F1TX"),
    (DY + "?spss=dy_author&from=timeline#comments", DY, "KJ2A7Q3M0556F1TX"),
    ("  HTTPS://WWW.163.COM/dy/article/KJ2A7Q3M0556F1TX.html \n", DY, "KJ2A7Q3M0556F1TX"),
    ("https://www.163.com:443/dy/article/KJ2A7Q3M0556F1TX.html", DY, "KJ2A7Q3M0556F1TX"),
    ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX_0.html", DY, "KJ2A7Q3M0556F1TX"),
    ("https://www.163.com/dy/article/KJ2A7Q3M0556F1TX_all.html?x=1", DY, "KJ2A7Q3M0556F1TX"),
    (NEWS, NEWS, "KE8V3N1P0001899O"),
    ("https://www.163.com/money/article/KI9R4D2C00259DLP.html?f=post1603_tab_news",
     "https://www.163.com/money/article/KI9R4D2C00259DLP.html", "KI9R4D2C00259DLP"),
    ("https://www.163.com/tech/article/KHG1Z6XM00097U7R.html",
     "https://www.163.com/tech/article/KHG1Z6XM00097U7R.html", "KHG1Z6XM00097U7R"),
    # mobile hosts go to www
    ("https://m.163.com/news/article/KE8V3N1P0001899O.html", NEWS, "KE8V3N1P0001899O"),
    ("http://m.163.com/news/article/KE8V3N1P0001899O.html?spss=adap_pc", NEWS, "KE8V3N1P0001899O"),
    ("https://3g.163.com/money/article/KJB6H2QF00259DLP.html",
     "https://www.163.com/money/article/KJB6H2QF00259DLP.html", "KJB6H2QF00259DLP"),
    ("https://3g.163.com/dy/article/KJ2A7Q3M0556F1TX_0.html", DY, "KJ2A7Q3M0556F1TX"),
    # app share links and the old 网易号 site go to www/dy
    ("https://c.m.163.com/news/a/KJ2A7Q3M0556F1TX.html", DY, "KJ2A7Q3M0556F1TX"),
    ("http://c.m.163.com/news/a/KJ2A7Q3M0556F1TX.html?spss=newsapp&spsw=1", DY, "KJ2A7Q3M0556F1TX"),
    ("http://dy.163.com/v2/article/detail/F8KQ2M6Q0519QIKK.html",
     "https://www.163.com/dy/article/F8KQ2M6Q0519QIKK.html", "F8KQ2M6Q0519QIKK"),
    ("https://dy.163.com/v2/article/detail/F8KQ2M6Q0519QIKK.html?f=wangning#p",
     "https://www.163.com/dy/article/F8KQ2M6Q0519QIKK.html", "F8KQ2M6Q0519QIKK"),
    # legacy dated layout keeps host and path, on https
    ("http://news.163.com/20/0819/07/FKCJDGA100014JB5.html",
     "https://news.163.com/20/0819/07/FKCJDGA100014JB5.html", "FKCJDGA100014JB5"),
    ("https://money.163.com/20/0819/07/FKCJDGA100259DLP.html?from=index",
     "https://money.163.com/20/0819/07/FKCJDGA100259DLP.html", "FKCJDGA100259DLP"),
    ("http://money.163.com/20/0819/07/FKCJDGA100259DLP_2.html",
     "https://money.163.com/20/0819/07/FKCJDGA100259DLP.html", "FKCJDGA100259DLP"),
    # photo sets and videos: articles without a DOCID in the URL
    ("http://www.163.com/photoview/00AO0001/2321456.html?from=tj#p=GH1",
     "https://www.163.com/photoview/00AO0001/2321456.html", None),
    ("https://www.163.com/v/video/VK7M3Q9TB.html?f=x",
     "https://www.163.com/v/video/VK7M3Q9TB.html", None),
    # a local mirror keys the same way but keeps its host, scheme and non-tracking query
    ("http://127.0.0.1:8765/dy/article/KJ2A7Q3M0556F1TX.html?utm_source=x",
     "http://127.0.0.1:8765/dy/article/KJ2A7Q3M0556F1TX.html", "KJ2A7Q3M0556F1TX"),
    ("http://127.0.0.1:8765/m/news/article/KE8V3N1P0001899O.html",
     "http://127.0.0.1:8765/m/news/article/KE8V3N1P0001899O.html", "KE8V3N1P0001899O"),
    ("http://127.0.0.1:8765/news/19/0510/08/EF7KQ2M40001875P.html",
     "http://127.0.0.1:8765/news/19/0510/08/EF7KQ2M40001875P.html", "EF7KQ2M40001875P"),
    ("http://LOCALHOST:80/v2/article/detail/F8KQ2M6Q0519QIKK.html",
     "http://localhost/v2/article/detail/F8KQ2M6Q0519QIKK.html", "F8KQ2M6Q0519QIKK"),
    # discovery endpoints: the query is the request, only trackers go
    ("https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W8812734501&size=20",
     "https://dy.163.com/v2/article/list.do?pageNo=1&wemediaId=W8812734501&size=20", None),
    ("http://temp.163.com/special/00804KVA/cm_yaowen.js?callback=data_callback",
     "http://temp.163.com/special/00804KVA/cm_yaowen.js?callback=data_callback", None),
    ("https://3g.163.com/touch/reconstruct/article/list/BA8EE5GMwangning/0-20.html",
     "https://3g.163.com/touch/reconstruct/article/list/BA8EE5GMwangning/0-20.html", None),
    ("https://www.163.com/dy/media/T1601234567890.html?spm=a.b",
     "https://www.163.com/dy/media/T1601234567890.html", None),
    ("https://news.163.com/special/0001386F/rank_news.html",
     "https://news.163.com/special/0001386F/rank_news.html", None),
    ("https://news.163.com/domestic/", "https://news.163.com/domestic/", None),
    ("https://www.163.com", "https://www.163.com/", None),
    # other sites: trackers out, everything else kept in its order
    ("https://Example.COM:8443/a/20251203/102345.html?b=2&utm_source=wx&a=1&fbclid=Z#top",
     "https://example.com:8443/a/20251203/102345.html?b=2&a=1", None),
    ("https://example.com/p?f=pdf&from=home&share_token=t&gclid=g&utm_MEDIUM=m",
     "https://example.com/p?f=pdf", None),
    ("https://example.com/p?f=post2020_dy_recommends&id=7", "https://example.com/p?id=7", None),
    # lowercase DOCIDs and short ids are not DOCIDs
    ("https://www.163.com/dy/article/kj2a7q3m0556f1tx.html",
     "https://www.163.com/dy/article/kj2a7q3m0556f1tx.html", None),
    ("https://example.com/article/123.html", "https://example.com/article/123.html", None),
    # not http(s): left alone apart from surrounding space and the fragment
    ("mailto:editor@163.com", "mailto:editor@163.com", None),
    ("/dy/article/KJ2A7Q3M0556F1TX.html", "/dy/article/KJ2A7Q3M0556F1TX.html", "KJ2A7Q3M0556F1TX"),
]


@pytest.mark.parametrize(("url", "canonical", "docid"), CASES, ids=[c[0].strip()[:70] for c in CASES])
def test_canonical_url_and_docid(url: str, canonical: str, docid: str | None) -> None:
    assert canonical_url(url) == canonical
    assert docid_of(url) == docid
    assert docid_of(canonical) == docid
    assert canonical_url(canonical) == canonical


def test_every_spelling_of_one_article_shares_one_key() -> None:
    spellings = [DY, DY + "?f=post2020_dy_recommends", "https://3g.163.com/dy/article/KJ2A7Q3M0556F1TX.html",
                 "https://c.m.163.com/news/a/KJ2A7Q3M0556F1TX.html",
                 "http://127.0.0.1:9/dy/article/KJ2A7Q3M0556F1TX_0.html"]
    assert {url_key(url) for url in spellings} == {"docid:KJ2A7Q3M0556F1TX"}


def test_url_key_without_docid_is_the_canonical_url() -> None:
    assert url_key("https://www.163.com/v/video/VK7M3Q9TB.html?f=x#t") == \
        "url:https://www.163.com/v/video/VK7M3Q9TB.html"


def test_url_key_matches_the_stored_article_key() -> None:
    article = Article(title="t", paragraphs=("p",), extractor=Provenance("x", "1"),
                      url=DY, docid=docid_of(DY))
    assert url_key(DY + "?f=post2020_dy_recommends") == article.key
    page = Article(title="t", paragraphs=("p",), extractor=Provenance("x", "1"),
                   url=canonical_url("https://example.com/a?utm_source=x"))
    assert url_key("https://example.com/a?utm_source=x") == page.key


@pytest.mark.parametrize(("url", "expected"), [
    (DY, True),
    ("https://www.163.com/photoview/00AO0001/2321456.html", True),
    ("https://www.163.com/v/video/VK7M3Q9TB.html", True),
    ("http://127.0.0.1:1/photoview/00AO0001/2321456.html", True),
    ("https://www.163.com/dy/media/T1601234567890.html", False),
    ("https://news.163.com/domestic/", False),
    ("https://temp.163.com/special/00804KVA/cm_yaowen.js", False),
    ("https://www.163.com/v/video/", False),
    ("not a url", False),
])
def test_is_article_url(url: str, expected: bool) -> None:
    assert is_article_url(url) is expected


@pytest.mark.parametrize(("url", "allow", "expected"), [
    (DY, (), True),
    (DY, ("163.com",), True),
    ("https://news.163.com/domestic/", ["163.com"], True),
    ("https://x163.com/a", ["163.com"], False),
    ("https://www.163.com/a", {"www.163.com"}, True),
    ("https://m.163.com/a", {"www.163.com"}, False),
    ("http://127.0.0.1:8000/a", ["127.0.0.1"], True),
    ("https://example.com/a", ["163.com", ".Example.com"], True),
    ("not a url", ["163.com"], False),
])
def test_host_allowed(url: str, allow, expected: bool) -> None:
    assert host_allowed(url, allow) is expected


def test_host_of() -> None:
    assert host_of("https://WWW.163.com:443/x") == "www.163.com"
    assert host_of("http://[::1]:80/x") == "::1"
    assert host_of("http://[bad/x") == ""
    assert host_of("relative/path") == ""


def test_malformed_urls_do_not_raise() -> None:
    for url in ("http://[bad/x", "http://a.com:99999999/", "http://", "", "   ", "http://@:/"):
        assert canonical_url(canonical_url(url)) == canonical_url(url)
        assert docid_of(url) is None


HOSTS = st.sampled_from(["www.163.com", "WWW.163.com", "m.163.com", "3g.163.com", "c.m.163.com",
                         "dy.163.com", "news.163.com", "temp.163.com", "127.0.0.1:8000",
                         "Example.com:443", "example.com:80", "user@host.cn:8080", "[::1]:80"])
PATHS = st.sampled_from(["/dy/article/KJ2A7Q3M0556F1TX.html", "/news/article/KE8V3N1P0001899O_0.html",
                         "/news/a/KJ2A7Q3M0556F1TX.html", "/v2/article/detail/F8KQ2M6Q0519QIKK.html",
                         "/20/0819/07/FKCJDGA100014JB5.html", "/photoview/00AO0001/2321456.html",
                         "/v/video/VK7M3Q9TB.html", "/dy/media/T1.html", "/", "", "/a b/ c "])
PARAMS = st.lists(st.tuples(st.sampled_from(["utm_source", "f", "from", "a", "spm", "pageNo", "", " "]),
                            st.text(max_size=6)), max_size=4)


@given(st.sampled_from(["http", "HTTPS", "https", "ftp"]), HOSTS, PATHS | st.text(max_size=12),
       PARAMS, st.text(max_size=5), st.sampled_from(["", " ", "\t", "\u3000"]))
def test_canonical_url_is_idempotent(scheme, host, path, params, fragment, pad) -> None:
    query = "&".join(f"{name}={value}" for name, value in params)
    url = f"{pad}{scheme}://{host}{path}" + (f"?{query}" if params else "") + f"#{fragment}{pad}"
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert url_key(once) == url_key(url)


@given(st.text(max_size=40))
def test_canonical_url_is_idempotent_on_any_text(text: str) -> None:
    once = canonical_url(text)
    assert canonical_url(once) == once
