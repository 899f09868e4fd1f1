"""The fetcher against a real local server that misbehaves on purpose (no mocks of requests)."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC
from itertools import pairwise

import pytest
import requests

from fincorpus.scrapers.fetch import FetchSettings, Fetcher, HostGate, default_user_agent

try:  # tests/ is a package, so pytest puts the repo root on sys.path
    from tests.support.faultserver import (ETAG, GBK_BODY, LAST_MODIFIED, PAGE, FakeClock,
                                           FaultServer, free_port)
except ImportError:  # tests/ without __init__.py: its conftest puts tests/ itself on sys.path
    from support.faultserver import (ETAG, GBK_BODY, LAST_MODIFIED, PAGE, FakeClock, FaultServer,
                                     free_port)

# Small timeouts and backoff so the whole file runs in a few seconds; no delay, no jitter.
# robots.txt is off here so request counts are the page's own (test_robots.py covers it).
FAST = FetchSettings(connect_timeout=1.0, read_timeout=0.3, retries=3, backoff_factor=0.01,
                     delay=0.0, jitter=0.0, max_bytes=100_000, obey_robots=False)


def settings(**changes) -> FetchSettings:
    """FAST with a few fields changed."""
    fields = {name: getattr(FAST, name) for name in FAST.__dataclass_fields__}
    return FetchSettings(**{**fields, **changes})


@pytest.fixture
def server():
    with FaultServer() as running:
        yield running


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as opened:
        yield opened


def test_fetch_page_keeps_bytes_and_metadata(server, fetcher) -> None:
    url = server.url("/page")
    page = fetcher.fetch(url)
    assert page.error is None
    assert (page.status, page.url, page.final_url, page.source_kind) == (200, url, url, "http")
    assert page.body == PAGE.encode("utf-8")
    assert type(page.headers) is dict and page.headers["X-Route"] == "page"
    assert page.fetched_at.tzinfo is UTC


def test_slow_response_times_out_and_is_retried(server) -> None:
    with Fetcher(settings(read_timeout=0.2, retries=1)) as fetcher:
        page = fetcher.fetch(server.url("/slow?s=1"))
    assert page.error.startswith("timed out (after 1 retries): ReadTimeoutError")
    assert (page.status, page.body) == (None, b"")
    assert server.hits("/slow") == 2


def test_429_waits_for_retry_after_then_succeeds(server, fetcher) -> None:
    started = time.monotonic()
    page = fetcher.fetch(server.url("/retry-after"))
    assert (page.status, page.error, page.body) == (200, None, PAGE.encode("utf-8"))
    assert server.hits("/retry-after") == 2
    assert time.monotonic() - started >= 0.95


def test_retry_after_is_capped(server) -> None:
    started = time.monotonic()
    with Fetcher(settings(max_retry_after=0.1)) as fetcher:
        page = fetcher.fetch(server.url("/retry-after?after=100"))
    assert page.status == 200 and time.monotonic() - started < 2


def test_500_twice_then_200(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/flaky"))
    assert (page.status, page.error) == (200, None)
    assert server.hits("/flaky") == 3


def test_retries_wait_at_least_the_host_delay(server) -> None:
    with Fetcher(settings(delay=0.2)) as fetcher:
        assert fetcher.fetch(server.url("/flaky")).status == 200
    times = [arrived for path, _, arrived in server.seen]
    assert len(times) == 3
    assert min(b - a for a, b in pairwise(times)) >= 0.19  # urllib3 alone retries at once


def test_503_forever_exhausts_retries(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/unavailable"))
    assert page.status == 503
    assert page.error == "HTTP 503 (after 3 retries)"
    assert page.body == b"down for maintenance"
    assert server.hits("/unavailable") == 4


def test_http_error_is_a_status_not_an_exception(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/status?code=404"))
    assert (page.status, page.error) == (404, "HTTP 404")
    assert b"status 404" in page.body
    assert server.hits("/status") == 1  # 404 is not worth retrying


def test_connection_reset_is_recorded(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/reset"))
    assert page.error.startswith("connection failed (after 3 retries): ")
    assert "\n" not in page.error
    assert page.status is None and page.body == b""
    assert server.hits("/reset") == 4


def test_connection_refused_is_recorded() -> None:
    with Fetcher(settings(retries=1)) as fetcher:
        page = fetcher.fetch(f"http://127.0.0.1:{free_port()}/page")
    assert page.error.startswith("connection failed (after 1 retries): ")
    assert "refused" in page.error.lower()


def test_content_length_mismatch_is_recorded(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/truncated"))
    assert page.status == 200
    assert page.error == ("truncated body: IncompleteRead: "
                          "IncompleteRead(100 bytes read, 900 more expected)")


def test_cut_chunked_body_is_recorded_with_what_arrived(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/chunked-truncated"))
    assert page.status == 200
    assert page.error.startswith("truncated body: ")
    assert page.body == b"y" * 100


def test_redirect_loop_stops_at_the_limit(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/loop"))
    assert page.error == "too many redirects (more than 5)"
    assert page.status == 302
    assert server.hits("/loop") == 6  # the first request and five redirects


@pytest.mark.parametrize("target", ["ftp://example.com/a.html", "file:///etc/passwd",
                                    "javascript:alert(1)"])
def test_redirect_to_another_scheme_is_refused(server, fetcher, target) -> None:
    page = fetcher.fetch(server.url(f"/redirect?to={target}"))
    assert page.status == 302
    assert page.error.startswith(f"refused redirect to {target}: refused scheme")
    assert page.body == b""


def test_relative_redirect_is_followed(server, fetcher) -> None:
    url = server.url("/redirect?to=/page&code=301")
    page = fetcher.fetch(url)
    assert (page.status, page.error) == (200, None)
    assert (page.url, page.final_url) == (url, server.url("/page"))


@pytest.mark.parametrize("path, error", [
    ("/big?n=4096", "body over 1000 bytes (Content-Length 4096)"),
    ("/big-chunked?n=4", "body over 1000 bytes"),
    ("/gzip-bomb?n=5000", "body over 1000 bytes"),
])
def test_oversized_body_is_refused(server, path, error) -> None:
    with Fetcher(settings(max_bytes=1000)) as fetcher:
        page = fetcher.fetch(server.url(path))
    assert (page.status, page.error, page.body) == (200, error, b"")


def test_gzip_is_undone(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/gzip"))
    assert page.error is None
    assert page.body == PAGE.encode("utf-8")


def test_wrong_charset_header_leaves_bytes_untouched(server, fetcher) -> None:
    page = fetcher.fetch(server.url("/gbk"))
    assert page.body == GBK_BODY
    assert page.content_type == "text/html; charset=utf-8"


@pytest.mark.parametrize("validator", [{"etag": ETAG}, {"last_modified": LAST_MODIFIED}])
def test_conditional_request_gets_304(server, fetcher, validator) -> None:
    first = fetcher.fetch(server.url("/etag"))
    assert (first.status, first.headers["ETag"]) == (200, ETAG)
    again = fetcher.fetch(server.url("/etag"), **validator)
    assert (again.status, again.body, again.error) == (304, b"", None)
    sent = server.seen[-1][1]
    assert sent.get("If-None-Match") == validator.get("etag")
    assert sent.get("If-Modified-Since") == validator.get("last_modified")


@pytest.mark.parametrize("url", ["ftp://www.163.com/a.html", "file:///etc/passwd",
                                 "javascript:alert(1)", "", "   ", "www.163.com/a.html",
                                 "http:///no-host", "http://[::1/", None,
                                 "http://www.163.com:99999/a.html", "http://www.163.com:0/",
                                 "http://www.163.com:x/"])
def test_non_http_urls_are_refused_without_a_request(url) -> None:
    fetcher = Fetcher(settings(obey_robots=True))
    page = fetcher.fetch(url)
    assert page.error and page.status is None and page.body == b""
    assert fetcher._sessions == []  # refused before any session existed
    assert fetcher.robots_seen() == []  # and before robots.txt was asked for


def test_headers_name_the_crawler_and_contact(server) -> None:
    extra = {"Referer": "https://news.163.com/"}
    with Fetcher(settings(contact="lab@example.org", extra_headers=extra)) as fetcher:
        fetcher.fetch(server.url("/echo"))
    sent = server.seen[-1][1]
    assert sent["User-Agent"] == default_user_agent()[:-1] + "; contact: lab@example.org)"
    assert sent["User-Agent"].startswith("fincorpus/")
    assert sent["Referer"] == "https://news.163.com/"
    assert "If-None-Match" not in sent and "gzip" in sent["Accept-Encoding"]


def test_session_is_lazy_and_reopens_after_close(server) -> None:
    fetcher = Fetcher(FAST)
    assert fetcher._sessions == []
    with fetcher:
        assert fetcher.fetch(server.url("/page")).status == 200
        first = fetcher.session
        assert fetcher.session is first  # one per thread, kept between fetches
    assert fetcher._sessions == []
    assert fetcher.fetch(server.url("/page")).status == 200
    assert fetcher.session is not first
    fetcher.close()


def _open_pools(session: requests.Session) -> int:
    """How many connection pools a session holds (close() empties them)."""
    return len(session.get_adapter("http://").poolmanager.pools)


def test_each_thread_has_its_own_session_and_close_closes_them_all(server) -> None:
    fetcher = Fetcher(FAST)
    sessions: list[requests.Session] = []
    together = threading.Barrier(4)

    def work() -> None:
        assert fetcher.fetch(server.url("/page")).status == 200
        together.wait()  # all four threads alive at once, so none can inherit another's
        sessions.append(fetcher.session)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    assert len({id(session) for session in sessions}) == 4
    assert sorted(map(id, fetcher._sessions)) == sorted(map(id, sessions))
    assert all(_open_pools(session) == 1 for session in sessions)
    fetcher.close()
    assert fetcher._sessions == []
    assert all(_open_pools(session) == 0 for session in sessions)


def test_connections_are_reused_between_fetches(server, fetcher) -> None:
    for _ in range(3):
        assert fetcher.fetch(server.url("/page")).error is None
    assert server.connections == 1  # read1 streaming still hands the connection back


def test_trickling_body_stops_at_the_deadline(server) -> None:
    started = time.monotonic()
    with Fetcher(settings(deadline=0.2, read_timeout=1.0)) as fetcher:
        page = fetcher.fetch(server.url("/trickle?n=300&every=0.01"))
    assert page.status == 200
    assert page.error == "timed out reading body (over the 0.2 s deadline)"
    assert 0 < len(page.body) < 300 and set(page.body) == {ord("t")}  # what arrived is kept
    assert time.monotonic() - started < 1.5  # the whole body would take 3 s


def test_body_within_the_deadline_is_whole(server) -> None:
    with Fetcher(settings(deadline=5.0)) as fetcher:
        page = fetcher.fetch(server.url("/trickle?n=20&every=0.005"))
    assert (page.error, page.body) == (None, b"t" * 20)


def _fetch_in_threads(fetcher: Fetcher, urls: list[str]) -> None:
    threads = [threading.Thread(target=fetcher.fetch, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_same_host_waits_even_across_threads(server) -> None:
    with Fetcher(settings(delay=0.3)) as fetcher:
        _fetch_in_threads(fetcher, [server.url("/page"), server.url("/page")])
    first, second = sorted(arrived for _, _, arrived in server.seen)
    assert second - first >= 0.29  # the gate spaces request starts by 0.3 s


def test_different_hosts_do_not_wait_for_each_other(server) -> None:
    started = time.monotonic()
    with Fetcher(settings(delay=1.0)) as fetcher:
        _fetch_in_threads(fetcher, [server.url("/page"), server.url("/page", host="localhost")])
    assert server.hits("/page") == 2
    assert time.monotonic() - started < 0.9


def test_gate_spaces_one_host_and_ignores_others() -> None:
    clock = FakeClock()
    gate = HostGate(1.0, clock=clock, sleep=clock.sleep)
    assert gate.wait("www.163.com") == 0
    assert gate.wait("dy.163.com") == 0
    assert gate.wait("WWW.163.com") == 1.0
    clock.now += 5
    assert gate.wait("www.163.com") == 0


def test_gate_jitter_is_bounded_and_seedable() -> None:
    def waits(seed: int) -> list[float]:
        clock = FakeClock()
        gate = HostGate(1.0, 0.2, random.Random(seed), clock=clock, sleep=clock.sleep)
        return [gate.wait("h") for _ in range(20)][1:]

    assert waits(7) == waits(7)
    assert all(0.8 <= w <= 1.2 for w in waits(7))
    assert len(set(waits(7))) > 1


def test_slow_down_doubles_from_a_second_and_caps() -> None:
    clock = FakeClock()
    gate = HostGate(0.0, clock=clock, sleep=clock.sleep)
    assert [gate.slow_down("www.163.com", cap=10) for _ in range(5)] == [2, 4, 8, 10, 10]
    assert (gate.delay_for("WWW.163.com"), gate.delay_for("dy.163.com")) == (10, 0)
    assert HostGate(3.0).slow_down("h") == 6.0
    assert HostGate(1.0).slow_down("h", factor=3.0) == 3.0


def test_slow_down_never_lowers_a_crawl_delay() -> None:
    gate = HostGate(1.0)
    gate.set_min_delay("h", 120.0)
    assert gate.slow_down("h") == 120.0 and gate.delay_for("h") == 120.0


def test_slow_down_and_min_delay_move_the_booked_request() -> None:
    clock = FakeClock()
    gate = HostGate(1.0, clock=clock, sleep=clock.sleep)
    assert gate.wait("h") == 0  # the next request was booked 1 s later
    gate.slow_down("h")
    assert gate.wait("h") == 2.0
    gate.set_min_delay("h", 5.0)
    assert gate.wait("h") == 5.0
    assert gate.wait("other") == 0


def test_fetcher_slows_down_the_url_host() -> None:
    fetcher = Fetcher(FAST)
    assert fetcher.slow_down("http://WWW.163.com:8080/a.html") == 2.0
    assert fetcher.gate.delay_for("www.163.com") == 2.0
    assert fetcher.gate.delay_for("money.163.com") == 0.0


@pytest.mark.parametrize("bad", [{"delay": -1}, {"retries": -1}, {"max_bytes": 0},
                                 {"jitter": 1.5}, {"deadline": -1}, {"robots_ttl": -1}])
def test_settings_refuse_nonsense(bad) -> None:
    with pytest.raises(ValueError):
        settings(**bad)
