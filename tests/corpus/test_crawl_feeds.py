"""Crawls that start from feeds: the sample author feed, channel JSONP, media page and sitemap.

Real HTTP on 127.0.0.1 from serve_sample() (a Site for the broken feed), through the
project's Fetcher with robots.txt obeyed, into a real store. `hits` counts what the
server was asked, so "skipped before fetching" means the server never saw the request.
One worker throughout: concurrency is test_crawl.py's subject, and it would start parser
processes that cost more than these small crawls.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fincorpus.corpus.crawl import CrawlReport, Scope, crawl
from fincorpus.corpus.frontier import Frontier
from fincorpus.corpus.model import Lead
from fincorpus.corpus.sample import sample_feeds, sample_pages, serve_sample
from fincorpus.corpus.seeds import parse_when
from fincorpus.corpus.store import Store
from fincorpus.scrapers.fetch import Fetcher, FetchSettings
from fincorpus.scrapers.politeness import HostGate
from fincorpus.scrapers.urls import host_of

from tests.support.site import Route, Site

AUTHOR_LIST = "/v2/article/list.do"
AUTHOR_QUERY = "pageNo=1&wemediaId=W8812734501&size=8"
FAILING = {"/dy/article/KJ0D8E3F0556AB12.html",   # deleted
           "/dy/article/KJ8W2E4R0556F1TX.html"}   # anti-bot, title only
WEB_PAGES = {p.path for p in sample_pages() if p.kind != "textcopy"}  # saved copies are in no feed


def dy(*docids: str) -> set[str]:
    return {f"/dy/article/{docid}.html" for docid in docids}


#: The article paths each sample feed lists (read off corpus/data/sample/feeds/).
LISTED = {
    "author-feed": dy("KJ8W2E4R0556F1TX", "KJ2A7Q3M0556F1TX", "KJ5C1V8E0511W2RN", "KJ0D8E3F0556AB12",
                      "KIU3D8PL0519C7AB", "KHL8N4TS0530J9UE", "KHX7B1CW0535R4ME", "KDF6R2NB0556K3QZ"),
    "channel-feed": {"/3g/money/article/KJB6H2QF00259DLP.html", "/money/article/KJ3M8S5B00259DLP.html",
                     "/money/article/KI9R4D2C00259DLP.html", "/tech/article/KHG1Z6XM00097U7R.html",
                     "/news/article/KFS2L7PA0001899O.html", "/m/news/article/KE8V3N1P0001899O.html",
                     "/dy/article/KJ2A7Q3M0556F1TX.html", "/news/19/0510/08/EF7KQ2M40001875P.html"},
    "listing": dy("KIP4G6ZY0519M5HC", "KHQ3F8UV0519G2YT", "KGS9M3BD0556T7PW", "KGR6T9HN0552D3KF",
                  "KGE2Q5JA0534N6VB", "KFC0H7WQ0514X8LD", "KIU3D8PL0519C7AB")
               | {"/v2/article/detail/F8KQ2M6Q0519QIKK.html", "/money/article/KI9R4D2C00259DLP.html"},
    "sitemap": {"/photoview/00AO0001/2321456.html", "/v/video/VK7M3Q9TB.html",
                "/money/20/0807/07/FJ5N2P8R00259DLP.html", "/a/20251203/102345.html",
                "/a/20251018/098812.html", "/v2/article/detail/F8KQ2M6Q0519QIKK.html"},
}


def seed(base: str, kind: str) -> Lead:
    """The first page of the sample feed of `kind`, at the path the manifest serves it on."""
    feed = next(f for f in sample_feeds() if f.kind == kind)
    query = f"?{AUTHOR_QUERY}" if kind == "author-feed" else ""
    return Lead(base + feed.path + query, kind)


def fetcher() -> Fetcher:
    """No politeness delay; the gate keeps its books but never sleeps, because the anti-bot
    page would otherwise slow 127.0.0.1 to 2 s a request for the rest of the crawl."""
    return Fetcher(FetchSettings(delay=0.0, jitter=0.0), gate=HostGate(0.0, sleep=lambda _: None))


def crawl_sample(store: Store, kinds: list[str], scope: Scope | None = None,
                 hits: Counter | None = None) -> tuple[str, CrawlReport]:
    """Crawl the sample server from the first page of each feed kind; (base URL, report)."""
    with serve_sample(hits=hits) as (base, _), fetcher() as fetching:
        report = crawl(store, [seed(base, kind) for kind in kinds], fetching, scope or Scope())
    return base, report


def fetched_paths(store: Store, base: str) -> set[str]:
    return {url.removeprefix(base) for (url,) in store.rows("SELECT url FROM raw_pages")}


def feed_urls(store: Store, kind: str) -> list[tuple[str, str]]:
    return store.rows("SELECT url, state FROM frontier WHERE kind = ? ORDER BY id", (kind,))


@pytest.mark.parametrize("kind", sorted(LISTED))
def test_each_feed_reaches_the_articles_it_lists_and_fetches_each_once(store, kind):
    """A feed alone is enough to seed a crawl; every page it lists is asked for exactly once."""
    hits: Counter = Counter()
    base, report = crawl_sample(store, [kind], hits=hits)
    listed = LISTED[kind]
    assert fetched_paths(store, base) == listed
    assert {path: hits[path] for path in listed} == dict.fromkeys(listed, 1)
    assert store.counts()["articles"] == report.counts["added"] == len(listed - FAILING)
    assert report.counts["failed"] == len(listed & FAILING)


def test_the_four_feeds_together_reach_every_page_that_direct_urls_reach(store, tmp_path: Path):
    """Discovery loses nothing: the same articles as seeding every page URL by hand, each stored
    once though several feeds list it, and the two pages without an article failed with reasons."""
    hits: Counter = Counter()
    base, report = crawl_sample(store, sorted(LISTED), hits=hits)
    with (Store(tmp_path / "direct.db") as direct, serve_sample() as (direct_base, _),
          fetcher() as fetching):
        crawl(direct, [Lead(direct_base + path) for path in sorted(WEB_PAGES)], fetching)
        direct_keys = direct.rows("SELECT key FROM articles ORDER BY key")
    assert fetched_paths(store, base) == WEB_PAGES
    assert all(hits[path] == 1 for path in WEB_PAGES)
    assert store.rows("SELECT key FROM articles ORDER BY key") == direct_keys
    assert len(direct_keys) == len(WEB_PAGES - FAILING) == report.counts["added"]
    failures = dict(Frontier(store).failures())
    assert {url.removeprefix(base) for url in failures} == FAILING
    assert "deleted article" in failures[base + "/dy/article/KJ0D8E3F0556AB12.html"]
    assert "anti-bot" in failures[base + "/dy/article/KJ8W2E4R0556F1TX.html"]
    assert report.counts["anti_bot"] == 1


def test_feed_paging_follows_next_pages_until_an_empty_one(store):
    """The author feed's page 2 and the channel's cm_money_02.js are empty: paging ends there."""
    hits: Counter = Counter()
    base, _ = crawl_sample(store, ["author-feed", "channel-feed"], hits=hits)
    page = f"{base}{AUTHOR_LIST}?{AUTHOR_QUERY}"
    assert feed_urls(store, "author-feed") == [(page, "done"),
                                               (page.replace("pageNo=1", "pageNo=2"), "done")]
    assert [url for url, _ in feed_urls(store, "channel-feed")] == [
        f"{base}/special/00804KVA/cm_money.js", f"{base}/special/00804KVA/cm_money_02.js"]
    assert hits[AUTHOR_LIST] == 2 and hits["/special/00804KVA/cm_money_03.js"] == 0


def test_max_feed_pages_1_reads_only_the_first_page(store):
    """The page budget bounds a feed that never says where it ends; its leads are still fetched."""
    hits: Counter = Counter()
    base, report = crawl_sample(store, ["author-feed"], Scope(max_feed_pages=1), hits)
    assert feed_urls(store, "author-feed") == [(f"{base}{AUTHOR_LIST}?{AUTHOR_QUERY}", "done")]
    assert hits[AUTHOR_LIST] == 1 and report.counts["feeds"] == 1
    assert fetched_paths(store, base) == LISTED["author-feed"]


def test_publish_window_skips_feed_leads_before_fetching_them(store):
    """The feed's ptime is enough to leave a page out: the server is never asked for it."""
    scope = Scope(since=parse_when("2026-01-01"), until=parse_when("2026-01-20", end_of_day=True))
    hits: Counter = Counter()
    base, report = crawl_sample(store, ["author-feed"], scope, hits)
    outside = dy("KJ8W2E4R0556F1TX",                                        # 2026-01-21
                 "KHL8N4TS0530J9UE", "KHX7B1CW0535R4ME", "KDF6R2NB0556K3QZ")  # 2025
    assert report.counts["out_of_scope"] == len(outside)
    assert all(hits[path] == 0 for path in outside)
    assert fetched_paths(store, base) == LISTED["author-feed"] - outside
    queued = {url for (url,) in store.rows("SELECT url FROM frontier")}
    assert not queued & {base + path for path in outside}  # not even queued for later


def test_lead_on_another_host_is_not_followed(store):
    """Seeded on localhost, the media page's one absolute 127.0.0.1 link is outside the
    allow-list (the seeds' hosts and 163.com) and is never fetched; its relative links are."""
    hits: Counter = Counter()
    with serve_sample(hits=hits) as (base, _), fetcher() as fetching:
        media = seed(base, "listing").url.replace("127.0.0.1", "localhost")
        report = crawl(store, [Lead(media, "listing")], fetching)
    elsewhere = "/dy/article/KHQ3F8UV0519G2YT.html"  # written {base}/… in the page: 127.0.0.1
    assert report.counts["out_of_scope"] == 1 and hits[elsewhere] == 0
    assert store.counts()["articles"] == len(LISTED["listing"]) - 1
    assert {host_of(url) for (url,) in store.rows("SELECT url FROM raw_pages")} == {"localhost"}


BROKEN_JSONP = b'data_callback([\n{"title": "x" "docurl": "/dy/article/KJ2A7Q3M0556F1TX.html"}\n]);\n'


def test_malformed_feed_fails_with_a_one_line_reason_and_the_crawl_goes_on(store):
    """A broken feed is one failure among many URLs, never the end of the crawl."""
    article = "/dy/article/KIU3D8PL0519C7AB.html"
    site = Site({"/special/00804KVA/cm_money.js": Route(body=BROKEN_JSONP,
                                                        content_type="application/javascript"),
                 article: Route(body=next(p for p in sample_pages() if p.path == article).body())})
    with site, fetcher() as fetching:
        feed = site.url("/special/00804KVA/cm_money.js")
        report = crawl(store, [Lead(feed, "channel-feed"), Lead(site.url(article))], fetching)
    ((url, reason),) = Frontier(store).failures()
    assert url == feed and report.counts["failed"] == 1
    assert reason.startswith(f"channel feed {feed}: not JSON") and "\n" not in reason
    assert report.counts["added"] == 1 and site.hits(article) == 1


# --- known bugs in corpus/crawl.py, pinned so the fix shows up -------------------------------

def channel_page(*paths: str) -> Route:
    items = [{"title": path, "docurl": path} for path in paths]
    return Route(body=f"data_callback({json.dumps(items)});".encode(),
                 content_type="application/javascript")


def article_routes(*paths: str) -> dict[str, Route]:
    pages = {p.path: p for p in sample_pages()}
    return {path: Route(body=pages[path].body()) for path in paths}


def test_until_keeps_paging_past_a_page_of_newer_articles(store):
    """Feeds are newest first: a page entirely after --until says nothing about older pages."""
    newer, older = "/dy/article/KJ2A7Q3M0556F1TX.html", "/dy/article/KDF6R2NB0556K3QZ.html"
    page_1 = json.dumps([{"docurl": newer, "time": "01/19/2026 20:15:33"}])
    page_2 = json.dumps([{"docurl": older, "time": "10/12/2025 22:36:08"}])
    site = Site({"/special/x/cm_t.js": Route(body=f"data_callback({page_1});".encode()),
                 "/special/x/cm_t_02.js": Route(body=f"data_callback({page_2});".encode()),
                 "/special/x/cm_t_03.js": channel_page(), **article_routes(older)})
    with site, fetcher() as fetching:
        crawl(store, [Lead(site.url("/special/x/cm_t.js"), "channel-feed")], fetching,
              Scope(until=parse_when("2025-12-31", end_of_day=True)))
    assert site.hits(older) == 1 and store.counts()["articles"] == 1


def test_resume_without_seeds_keeps_following_the_first_runs_host(store):
    """`crawl` run again with no arguments must go on where it stopped (the command's own help)."""
    first, second, third = ("/dy/article/KJ2A7Q3M0556F1TX.html", "/dy/article/KDF6R2NB0556K3QZ.html",
                            "/dy/article/KIU3D8PL0519C7AB.html")
    site = Site({"/special/x/cm_t.js": channel_page(second), "/special/x/cm_t_02.js": channel_page(third),
                 "/special/x/cm_t_03.js": channel_page(), **article_routes(first, second, third)})
    with site, fetcher() as fetching:
        seeds = [Lead(site.url("/special/x/cm_t.js"), "channel-feed"), Lead(site.url(first))]
        crawl(store, seeds, fetching, Scope(max_pages=1))  # stops with cm_t_02.js still queued
        crawl(store, [], fetching)
    assert site.hits(third) == 1 and store.counts()["articles"] == 3
