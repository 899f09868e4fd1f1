"""robots.txt: RFC 9309 reading, the per-origin cache, and the Fetcher obeying it over real sockets."""

from __future__ import annotations

import threading
from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from fincorpus.corpus.model import RawPage
from fincorpus.scrapers.fetch import ROBOTS_REFUSAL, Fetcher, FetchSettings, HostGate
from fincorpus.scrapers.robots import (ROBOTS_MAX_BYTES, Robots, RobotsCache, agent_token, origin,
                                       robots_from_page, robots_url)

try:  # tests/ is a package, so pytest puts the repo root on sys.path
    from tests.support.faultserver import FakeClock, FaultServer, free_port
except ImportError:  # tests/ without __init__.py: its conftest puts tests/ itself on sys.path
    from support.faultserver import FakeClock, FaultServer, free_port

AGENT = "fincorpus/0.1.0 (+https://github.com/fincorpus; research crawler; contact: a@b.org)"
WHEN = datetime(2025, 1, 1, tzinfo=UTC)
NO_PAGE = "User-agent: *\nDisallow: /page\n"


def fast(**changes) -> FetchSettings:
    """Quick, impolite settings for a local server, with robots.txt obeyed."""
    base = {"connect_timeout": 1.0, "read_timeout": 0.5, "retries": 1, "backoff_factor": 0.01,
            "delay": 0.0, "jitter": 0.0, "obey_robots": True}
    return FetchSettings(**{**base, **changes})


def robots(text: str = "", status: int | None = 200, error: str | None = None) -> Robots:
    return Robots(host="https://www.163.com", status=status, text=text, fetched_at=WHEN,
                  error=error)


def page(status: int | None, body: bytes = b"", error: str | None = None) -> RawPage:
    return RawPage(url="https://www.163.com/robots.txt", body=body, status=status, error=error,
                   fetched_at=WHEN)


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


# --- reading robots.txt ---------------------------------------------------------------------

@pytest.mark.parametrize("url, expected", [
    ("HTTPS://WWW.163.com:443/a/b.html?x=1#y", "https://www.163.com"),
    ("http://user:pw@money.163.com:8080/x", "http://money.163.com:8080"),
    ("http://163.com", "http://163.com"),
    ("http://[::1]:81/a", "http://[::1]:81"),
])
def test_origin_is_scheme_host_and_non_default_port(url, expected) -> None:
    assert origin(url) == expected
    assert robots_url(url) == expected + "/robots.txt"


def test_agent_token_is_the_product_name() -> None:
    assert agent_token(AGENT) == "fincorpus"
    assert agent_token("plainbot") == "plainbot"


def test_rules_for_our_token_win_over_the_wildcard_group() -> None:
    rules = robots("User-agent: FinCorpus\nDisallow: /private\n\nUser-agent: *\nDisallow: /\n")
    assert rules.allows("https://www.163.com/money/a.html", AGENT)
    assert not rules.allows("https://www.163.com/private/a.html", AGENT)
    assert not rules.allows("https://www.163.com/money/a.html", "otherbot/1.0")


@pytest.mark.parametrize("status, error, allowed", [
    (200, None, False),  # parsed: the rules disallow /a
    (404, None, True), (403, None, True), (410, None, True), (401, None, True),
    (429, None, False), (500, None, False), (503, None, False),
    (None, "connection failed: ConnectionRefusedError", False),
    (302, "too many redirects (more than 5)", False),
    (200, "truncated body: IncompleteRead", False),  # half a file could drop a Disallow
])
def test_status_decides_as_rfc_9309_says(status, error, allowed) -> None:
    judged = robots_from_page("https://www.163.com",
                              page(status, b"User-agent: *\nDisallow: /a\n", error))
    assert judged.allows("https://www.163.com/a", AGENT) is allowed
    assert judged.unreachable is (not allowed and (status, error) != (200, None))
    assert judged.fetched_at == WHEN and judged.status == status


def test_unreachable_robots_say_why() -> None:
    judged = robots_from_page("https://www.163.com", page(503, b"busy", "HTTP 503 (after 3 retries)"))
    assert judged.error == "robots.txt unreachable: HTTP 503 (after 3 retries)"
    assert judged.text == "" and judged.crawl_delay(AGENT) is None
    assert robots_from_page("https://x", page(500)).error == "robots.txt unreachable: HTTP 500"


def test_missing_robots_have_no_error_and_no_text() -> None:
    judged = robots_from_page("https://www.163.com", page(404, b"<html>not found</html>"))
    assert (judged.status, judged.text, judged.error) == (404, "", None)


def test_bom_and_bad_utf8_do_not_hide_the_rules() -> None:
    body = b"\xef\xbb\xbfUser-agent: *\n# caf\xe9\nDisallow: /a\n"
    judged = robots_from_page("https://www.163.com", page(200, body))
    assert judged.text.startswith("User-agent") and "\ufffd" in judged.text
    assert not judged.allows("https://www.163.com/a/1.html", AGENT)


def test_only_the_first_500_kib_is_read() -> None:
    body = b"User-agent: *\n#" + b"x" * ROBOTS_MAX_BYTES + b"\nDisallow: /\n"
    judged = robots_from_page("https://www.163.com", page(200, body))
    assert len(judged.text.encode()) == ROBOTS_MAX_BYTES
    assert judged.allows("https://www.163.com/a.html", AGENT)


@pytest.mark.parametrize("text, ours, others", [
    ("User-agent: *\nCrawl-delay: 4\n", 4.0, 4.0),
    ("User-agent: fincorpus\nCrawl-delay: 7\n\nUser-agent: *\nCrawl-delay: 1\n", 7.0, 1.0),
    ("User-agent: *\nCrawl-delay: 1.5\n", 2.0, 2.0),  # robotparser reads whole seconds: round up
    ("User-agent: *\nDisallow: /x\n", None, None),
])
def test_crawl_delay_for_our_agent(text, ours, others) -> None:
    assert robots(text).crawl_delay(AGENT) == ours
    assert robots(text).crawl_delay("otherbot") == others


def test_robots_are_frozen_values_without_the_parser() -> None:
    one, two = robots(NO_PAGE), robots(NO_PAGE)
    assert not one.allows("https://www.163.com/page", AGENT)  # parsed, and still equal
    assert one == two and hash(one) == hash(two) and one != robots("")
    assert set(asdict(one)) == {"host", "status", "text", "fetched_at", "error"}
    with pytest.raises(AttributeError):
        one.text = ""  # type: ignore[misc]


# --- the cache ------------------------------------------------------------------------------

def test_cache_refetches_after_the_ttl(server) -> None:
    server.robots = "User-agent: *\nDisallow: /v1\n"
    clock = FakeClock()
    with Fetcher(fast(obey_robots=False)) as plain:
        cache = RobotsCache(plain.fetch, ttl=60, clock=clock)
        first = cache.get(server.url("/page"))
        clock.now += 59
        assert cache.get(server.url("/echo")) is first
        assert server.hits("/robots.txt") == 1
        server.robots = "User-agent: *\nDisallow: /v2\n"
        clock.now += 1
        second = cache.get(server.url("/page"))
    assert server.hits("/robots.txt") == 2
    assert "/v2" in second.text and second.fetched_at > first.fetched_at
    assert cache.seen() == [first, second]  # the refetch is kept, not swapped in


def test_cache_tells_the_caller_about_each_fetch(server) -> None:
    fetched: list[Robots] = []
    with Fetcher(fast(obey_robots=False)) as plain:
        cache = RobotsCache(plain.fetch, on_fetch=fetched.append)
        cache.get(server.url("/page"))
        cache.get(server.url("/page"))
    assert fetched == cache.seen() and len(fetched) == 1


# --- the Fetcher obeying robots.txt ---------------------------------------------------------

def test_disallowed_url_is_refused_without_asking_for_it(server) -> None:
    server.robots = NO_PAGE
    with Fetcher(fast()) as fetcher:
        refused = fetcher.fetch(server.url("/page"))
        allowed = fetcher.fetch(server.url("/echo"))
    assert refused.error == f"{ROBOTS_REFUSAL} {server.url('/page')} for fincorpus"
    assert (refused.status, refused.body) == (None, b"")
    assert server.hits("/page") == 0
    assert (allowed.status, allowed.error) == (200, None)
    assert server.hits("/robots.txt") == 1


def test_robots_txt_itself_is_always_allowed(server) -> None:
    server.robots = "User-agent: *\nDisallow: /\n"
    with Fetcher(fast()) as fetcher:
        fetched = fetcher.fetch(server.url("/robots.txt"))
    assert (fetched.status, fetched.error) == (200, None)
    assert fetcher.robots_seen() == []


def test_rules_for_us_are_matched_by_product_token(server) -> None:
    server.robots = "User-agent: fincorpus\nDisallow: /page\n\nUser-agent: *\nAllow: /\n"
    with Fetcher(fast(contact="lab@example.org")) as ours:
        assert ours.fetch(server.url("/page")).error.startswith(ROBOTS_REFUSAL)
    with Fetcher(fast(user_agent="otherbot/1.0")) as other:
        assert other.fetch(server.url("/page")).error is None


def test_missing_robots_txt_allows_everything(server) -> None:
    with Fetcher(fast()) as fetcher:
        assert fetcher.fetch(server.url("/page")).error is None
        seen, = fetcher.robots_seen()
    assert (seen.host, seen.status, seen.error) == (server.url(""), 404, None)
    assert seen.fetched_at.tzinfo is UTC


def test_server_error_on_robots_txt_disallows_everything(server) -> None:
    server.robots = 500
    with Fetcher(fast()) as fetcher:
        refused = fetcher.fetch(server.url("/page"))
        assert fetcher.robots_for(server.url("/page")).unreachable
    assert refused.error == (f"{ROBOTS_REFUSAL} {server.url('/page')} for fincorpus "
                             "(robots.txt unreachable: HTTP 500 (after 1 retries))")
    assert server.hits("/page") == 0 and server.hits("/robots.txt") == 2  # retried once


def test_unreachable_host_is_a_robots_refusal_that_names_the_cause() -> None:
    url = f"http://127.0.0.1:{free_port()}/page"
    with Fetcher(fast(retries=0)) as fetcher:
        refused = fetcher.fetch(url)
    assert refused.error.startswith(f"{ROBOTS_REFUSAL} {url} for fincorpus "
                                    "(robots.txt unreachable: connection failed")


def test_robots_redirect_loop_stops_at_five_and_disallows(server) -> None:
    server.robots = 302  # Location: /robots.txt, forever
    with Fetcher(fast(max_redirects=1)) as fetcher:
        refused = fetcher.fetch(server.url("/page"))
    assert "robots.txt unreachable: too many redirects (more than 5)" in refused.error
    assert server.hits("/robots.txt") == 6  # RFC 9309's five, not the page limit of one


def test_long_robots_txt_is_read_past_the_page_size_limit(server) -> None:
    server.robots = "User-agent: *\n#" + "x" * 5000 + "\nDisallow: /page\n"
    with Fetcher(fast(max_bytes=1000)) as fetcher:
        assert fetcher.fetch(server.url("/page")).error.startswith(ROBOTS_REFUSAL)


def test_redirect_to_a_disallowed_url_is_refused_before_following(server) -> None:
    with FaultServer(robots=NO_PAGE) as strict, Fetcher(fast()) as fetcher:
        target = strict.url("/page")
        refused = fetcher.fetch(server.url(f"/redirect?to={target}"))
        assert strict.hits("/page") == 0 and strict.hits("/robots.txt") == 1
    assert refused.status == 302
    assert refused.error == f"{ROBOTS_REFUSAL} {target} for fincorpus"


def test_crawl_delay_becomes_the_host_interval(server) -> None:
    server.robots = "User-agent: *\nCrawl-delay: 3\n"
    clock = FakeClock()
    gate = HostGate(0.0, clock=clock, sleep=clock.sleep)
    with Fetcher(fast(), gate=gate) as fetcher:
        fetcher.fetch(server.url("/page"))  # robots.txt at 100, the page 3 s later
        assert (gate.delay_for("127.0.0.1"), clock.now) == (3.0, 103.0)
        fetcher.fetch(server.url("/page"))
    assert clock.now == 106.0
    assert gate.delay_for("localhost") == 0.0  # another host keeps the plain delay


def test_crawl_delay_below_the_delay_changes_nothing(server) -> None:
    server.robots = "User-agent: *\nCrawl-delay: 1\n"
    clock = FakeClock()
    gate = HostGate(5.0, clock=clock, sleep=clock.sleep)
    with Fetcher(fast(), gate=gate) as fetcher:
        fetcher.fetch(server.url("/page"))
    assert gate.delay_for("127.0.0.1") == 5.0


def test_robots_txt_is_fetched_once_per_origin(server) -> None:
    with Fetcher(fast()) as fetcher:
        for path in ["/page", "/echo", "/page"]:
            assert fetcher.fetch(server.url(path)).error is None
        assert fetcher.fetch(server.url("/page", host="localhost")).error is None
        hosts = [seen.host for seen in fetcher.robots_seen()]
    assert server.hits("/robots.txt") == 2
    assert hosts == sorted([server.url(""), server.url("", host="localhost")])


def test_four_threads_share_one_robots_fetch(server) -> None:
    server.robots_delay = 0.2  # slow enough that all four threads ask while it is in flight
    errors: list[str | None] = []
    start = threading.Barrier(4)
    with Fetcher(fast()) as fetcher:
        def work() -> None:
            start.wait()
            errors.append(fetcher.fetch(server.url("/page")).error)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == [None] * 4
    assert server.hits("/robots.txt") == 1 and server.hits("/page") == 4


def test_zero_ttl_asks_for_robots_txt_every_time(server) -> None:
    with Fetcher(fast(robots_ttl=0)) as fetcher:
        fetcher.fetch(server.url("/page"))
        fetcher.fetch(server.url("/page"))
    assert server.hits("/robots.txt") == 2


def test_ignoring_robots_never_asks_for_robots_txt(server) -> None:
    server.robots = "User-agent: *\nDisallow: /\n"
    with Fetcher(fast(obey_robots=False)) as fetcher:
        assert fetcher.fetch(server.url("/page")).error is None
        assert fetcher.robots_seen() == []
    assert server.hits("/robots.txt") == 0


def test_robots_for_refuses_what_fetch_refuses() -> None:
    with pytest.raises(ValueError, match="refused scheme"):
        Fetcher(fast()).robots_for("ftp://www.163.com/a.html")
