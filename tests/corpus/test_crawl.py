"""The crawl over real sockets: the sample corpus and a site of faults on 127.0.0.1.

Nothing here mocks the network: pages come over HTTP from `serve_sample()` or a
`Site`, through the project's own Fetcher, into a real SQLite file.
"""

from __future__ import annotations

import json

import pytest

from fincorpus.corpus.crawl import Scope, crawl
from fincorpus.corpus.frontier import CrawlLog, Frontier
from fincorpus.corpus.model import Lead
from fincorpus.corpus.sample import sample_pages, serve_sample
from fincorpus.scrapers.fetch import Fetcher, FetchSettings, HostGate
from fincorpus.scrapers.urls import canonical_url
from tests.support.site import Route, Site

FAILING_KINDS = {"deleted", "antibot"}  # sample pages that hold no article on purpose
PAGES = {p.kind: p for p in sample_pages()}


def fast(**overrides) -> Fetcher:
    """A fetcher with politeness off and quick retries, for a local server."""
    settings = dict(delay=0.0, jitter=0.0, backoff_factor=0.0, retries=1, read_timeout=3.0)
    return Fetcher(FetchSettings(**{**settings, **overrides}))


def body(kind: str) -> bytes:
    return PAGES[kind].body()


def test_sample_corpus_is_crawled_once_then_resumed_without_refetching(store):
    articles = [p for p in sample_pages() if p.kind not in FAILING_KINDS]
    with serve_sample() as (base, pages):
        seeds = [Lead(canonical_url(base + p.path)) for p in pages]
        with fast() as fetcher:
            first = crawl(store, seeds, fetcher, concurrency=4)
        with fast() as fetcher:
            second = crawl(store, seeds, fetcher, concurrency=4)
    assert first.counts["added"] == len(articles) == store.counts()["articles"]
    assert first.counts["failed"] == len(FAILING_KINDS)
    assert second.counts["fetched"] == 0 and second.counts["added"] == 0
    assert store.counts()["raw_pages"] == len(pages)
    reasons = " ".join(reason for _, reason in Frontier(store).failures())
    assert "deleted article" in reasons and "anti-bot" in reasons


def test_mobile_and_tracking_variants_of_one_article_are_fetched_once(store):
    page = body("dy")
    site = Site({"/dy/article/KJ2A7Q3M0556F1TX.html": Route(body=page)})
    with site, fast() as fetcher:
        url = site.url("/dy/article/KJ2A7Q3M0556F1TX.html")
        seeds = [Lead(canonical_url(u)) for u in (url, url + "?f=post2020_dy_recommends",
                                                   url + "#comments")]
        report = crawl(store, seeds, fetcher)
    assert site.hits("/dy/article/KJ2A7Q3M0556F1TX.html") == 1
    assert report.counts["added"] == 1


def fault_site() -> Site:
    """Good pages, slow and flaky pages, and one of every fault the crawl must survive."""
    gbk = PAGES["legacy"].body()  # a GBK page, served with a header that says UTF-8
    return Site({
        "/good/1.html": Route(body=body("dy")),
        "/slow/2.html": Route(body=body("channel"), delay=0.4),
        "/throttled/3.html": Route(body=body("mobile"), status=429, fail_first=1,
                                   headers={"Retry-After": "1"}),
        "/flaky/4.html": Route(body=body("old_dy"), status=503, fail_first=1),
        "/charset/5.html": Route(body=gbk, content_type="text/html; charset=utf-8"),
        "/down/6.html": Route(body=body("video"), status=500),
        "/reset/7.html": Route(body=body("photoset"), fault="reset"),
        "/truncated/8.html": Route(body=body("traditional"), fault="truncate"),
        "/loop/9.html": Route(redirect="/loop/9.html"),
        "/huge/10.html": Route(body=b"<html><body>" + "黄金".encode() * 300_000 + b"</body></html>"),
        "/missing/11.html": Route(status=404, body=b"<html>gone</html>"),
        "/private/12.html": Route(body=body("generic")),
        "/robots.txt": Route(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    })


def test_faults_end_with_good_pages_stored_once_and_bad_ones_recorded(store):
    site = fault_site()
    good = ["/good/1.html", "/slow/2.html", "/throttled/3.html", "/flaky/4.html", "/charset/5.html"]
    bad = {"/down/6.html": "HTTP 500", "/reset/7.html": "connection", "/truncated/8.html": "truncated",
           "/loop/9.html": "too many redirects", "/huge/10.html": "over", "/missing/11.html": "HTTP 404",
           "/private/12.html": "robots.txt disallows"}
    with site, fast(max_bytes=500_000, max_redirects=3) as fetcher:
        report = crawl(store, [Lead(site.url(p)) for p in [*good, *bad]], fetcher, concurrency=3)
        again = crawl(store, [Lead(site.url(p)) for p in [*good, *bad]], fetcher, concurrency=3)
    assert report.counts["added"] == len(good) == store.counts()["articles"]
    recorded = dict(Frontier(store).failures())
    for path, words in bad.items():
        assert words.lower() in recorded[site.url(path)].lower(), (path, recorded[site.url(path)])
    assert site.hits("/private/12.html") == 0  # refused before asking
    assert again.counts["fetched"] == 0 and all(site.hits(p) <= 2 for p in good)


def test_retry_failed_fetches_only_the_failures_again(store):
    site = Site({"/a.html": Route(body=body("dy")),
                 "/b.html": Route(body=body("channel"), status=500, fail_first=1)})
    with site, fast(retries=0) as fetcher:
        seeds = [Lead(site.url("/a.html")), Lead(site.url("/b.html"))]
        first = crawl(store, seeds, fetcher)
        plain = crawl(store, seeds, fetcher)
        hits_before_retry = site.hits("/b.html")
        retried = crawl(store, seeds, fetcher, retry_failed=True)
    assert (first.counts["added"], first.counts["failed"]) == (1, 1)
    assert plain.counts["fetched"] == 0 and hits_before_retry == 1
    assert retried.counts["added"] == 1 and site.hits("/a.html") == 1 and site.hits("/b.html") == 2


def test_anti_bot_pages_slow_the_host_and_are_not_stored(store):
    site = Site({"/blocked.html": Route(body=b"<html>denied</html>", status=403),
                 "/dy/article/KJ8W2E4R0556F1TX.html": Route(body=body("antibot"))})
    # The gate keeps its books but does not sleep: a slowed host would cost this test seconds.
    gate = HostGate(0.05, sleep=lambda seconds: None)
    with site, Fetcher(FetchSettings(delay=0.05, retries=0), gate=gate) as fetcher:
        host = "127.0.0.1"
        before = fetcher.gate.delay_for(host)
        report = crawl(store, [Lead(site.url("/blocked.html")),
                               Lead(site.url("/dy/article/KJ8W2E4R0556F1TX.html"))], fetcher)
        assert fetcher.gate.delay_for(host) > before
    assert report.counts["anti_bot"] == 2 and report.slowed_hosts[host] == 2
    assert store.counts()["articles"] == 0


def test_refresh_sends_conditional_requests_and_counts_unchanged(store):
    site = Site({"/a.html": Route(body=body("dy"), etag='"v1"')})
    with site, fast() as fetcher:
        crawl(store, [Lead(site.url("/a.html"))], fetcher)
        report = crawl(store, [], fetcher, refresh=True)
    assert report.counts["unchanged"] == 1 and site.hits("/a.html") == 2
    assert store.counts()["raw_pages"] == 1


def test_max_pages_stops_the_run_and_the_next_run_continues(store):
    paths = [p for p in sample_pages() if p.kind not in FAILING_KINDS][:6]
    with serve_sample() as (base, _), fast() as fetcher:
        seeds = [Lead(base + p.path) for p in paths]
        first = crawl(store, seeds, fetcher, Scope(max_pages=2))
        rest = crawl(store, [], fetcher)
    assert first.counts["fetched"] == 2 and first.queued_left == 4
    assert rest.counts["fetched"] == 4 and store.counts()["articles"] == 6


def test_publish_window_skips_articles_outside_it(store):
    from fincorpus.corpus.seeds import parse_when
    page = PAGES["dy"]
    with serve_sample() as (base, _), fast() as fetcher:
        report = crawl(store, [Lead(base + page.path)], fetcher, Scope(since=parse_when("2030-01-01")))
    assert report.counts["skipped"] == 1 and store.counts()["articles"] == 0
    assert "before --since" in report.failures[0][1]


def test_politeness_per_host_holds_with_many_workers(store):
    """Two host names of one server: each keeps its own 0.15 s spacing, and they overlap."""
    routes = {f"/p/{i}.html": Route(body=body("dy").replace(b"KJ2A7Q3M0556F1TX", f"KJ2A7Q3M0556F{i:03d}".encode()))
              for i in range(8)}
    site = Site(routes)
    with site, fast(delay=0.15, jitter=0.0) as fetcher:
        seeds = [Lead(site.url(f"/p/{i}.html", host="127.0.0.1" if i % 2 else "localhost"))
                 for i in range(8)]
        crawl(store, seeds, fetcher, concurrency=4)
    times = sorted(t for t, path in site.log if path.startswith("/p/"))
    by_host = {h: sorted(t for t, path in site.log if path.startswith("/p/")
                         and int(path[3]) % 2 == (h == "127.0.0.1")) for h in ("127.0.0.1", "localhost")}
    for stamps in by_host.values():
        # Arrival times at the server wobble by scheduling; with no politeness they would be ~0 apart.
        assert all(b - a >= 0.1 for a, b in zip(stamps, stamps[1:]))
    assert times[-1] - times[0] < 0.15 * 7  # the two hosts ran side by side


def test_ignore_robots_is_recorded_in_the_run_log(store):
    site = fault_site()
    with site, fast(obey_robots=False) as fetcher:
        crawl(store, [Lead(site.url("/private/12.html"))], fetcher)
    run = CrawlLog(store).runs()[-1]
    assert run["settings"]["ignore_robots"] is True and run["counts"]["added"] == 1
    assert site.hits("/robots.txt") == 0


def test_robots_txt_is_stored_with_its_fetch_time(store):
    site = fault_site()
    with site, fast() as fetcher:
        crawl(store, [Lead(site.url("/good/1.html"))], fetcher)
    (origin, text, fetched_at), = store.rows("SELECT origin, text, fetched_at FROM robots")
    assert origin == site.url("") and "Disallow: /private/" in text and fetched_at


@pytest.mark.parametrize("bad", [0, -1])
def test_concurrency_must_be_positive(store, bad):
    from fincorpus.corpus.crawl import Crawler
    with pytest.raises(ValueError, match="concurrency"):
        Crawler(store, fast(), concurrency=bad)


def test_run_log_counts_match_the_report(store):
    with serve_sample() as (base, pages), fast() as fetcher:
        report = crawl(store, [Lead(base + pages[0].path)], fetcher)
    assert CrawlLog(store).runs()[-1]["counts"] == json.loads(json.dumps(dict(report.counts)))
