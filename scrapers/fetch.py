"""HTTP fetching: polite, retrying, robots.txt-obeying; every failure recorded on the RawPage.

Network trouble is data, not an exception (STYLE section 9): a refused URL, a
timeout, a reset, a truncated or oversized body and an HTTP error all come back
as a `RawPage` whose `error` says, in one line, what failed and why.
Retries and backoff are urllib3's `Retry`; redirects are followed here, one hop
at a time, so that every hop passes the per-host politeness gate, the scheme
check and robots.txt. Bodies are kept as bytes: gzip is undone, charsets never are.
Each worker thread gets its own pooled session; the gate and the robots.txt
cache are shared by all of them.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Self
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from fincorpus.corpus.model import RawPage, package_version, utcnow
from fincorpus.scrapers.politeness import HostGate, PoliteRetry
from fincorpus.scrapers.robots import (ROBOTS_MAX_BYTES, ROBOTS_MAX_REDIRECTS, ROBOTS_TTL, Robots,
                                       RobotsCache, agent_token)

#: How every robots.txt refusal's error begins, so callers can tell it from a failure.
ROBOTS_REFUSAL = "robots.txt disallows"

_SCHEMES = ("http", "https")
_RETRY_STATUSES = (429, 500, 502, 503, 504)
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
# Exceptions that mean "the network or the server misbehaved", never a bug of ours.
_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, OSError)


def default_user_agent() -> str:
    """Name the crawler and where to read about it, so site owners can tell us apart."""
    return f"fincorpus/{package_version()} (+https://github.com/fincorpus; research crawler)"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How patient and how polite a Fetcher is; times in seconds."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff_factor: float = 0.5
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    delay: float = 1.0
    jitter: float = 0.2
    user_agent: str = field(default_factory=default_user_agent)
    contact: str | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)
    pool_size: int = 10
    #: Cap on a server's Retry-After, so one "come back tomorrow" cannot park a worker.
    max_retry_after: float = 60.0
    obey_robots: bool = True
    robots_ttl: float = ROBOTS_TTL
    #: Seconds to read one body: a server trickling bytes under read_timeout still stops here.
    deadline: float = 120.0
    #: The longest interval anti-bot slow-downs may stretch a host to.
    max_slowdown: float = 60.0

    def __post_init__(self) -> None:
        """Refuse settings that would hang, spin or hammer (a programming error, so raise)."""
        lows = {"connect_timeout": 0, "read_timeout": 0, "backoff_factor": 0, "delay": 0,
                "jitter": 0, "max_retry_after": 0, "max_slowdown": 0, "retries": 0, "max_redirects": 0,
                "max_bytes": 1, "pool_size": 1, "robots_ttl": 0, "deadline": 0}
        for name, low in lows.items():
            value = getattr(self, name)
            if value < low:
                raise ValueError(f"FetchSettings.{name} must be >= {low}, got {value}")
        if self.jitter > 1:
            raise ValueError(f"FetchSettings.jitter is a fraction of delay (0..1): {self.jitter}")

    @property
    def agent(self) -> str:
        """The User-Agent sent; the contact goes inside the comment so the header stays valid."""
        if not self.contact:
            return self.user_agent
        if self.user_agent.endswith(")"):
            return f"{self.user_agent[:-1]}; contact: {self.contact})"
        return f"{self.user_agent}; contact: {self.contact}"


def make_retry(settings: FetchSettings) -> Retry:
    """Retry transient trouble (connect, read, 429/5xx) inside urllib3, honouring Retry-After."""
    return PoliteRetry(
        total=settings.retries, connect=settings.retries, read=settings.retries,
        status=settings.retries, redirect=0, status_forcelist=_RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}), backoff_factor=settings.backoff_factor,
        respect_retry_after_header=True, raise_on_status=False,
        min_backoff=settings.delay, max_retry_after=settings.max_retry_after)


def make_session(settings: FetchSettings) -> requests.Session:
    """A pooled session whose adapters retry; headers name us and ask for Chinese pages."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=settings.pool_size, pool_maxsize=settings.pool_size,
                          max_retries=make_retry(settings))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({
        "User-Agent": settings.agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
    })
    session.headers.update(dict(settings.extra_headers))
    return session


def refuse_url(url: object) -> str | None:
    """Why `url` must not be requested (only absolute http/https URLs are), or None."""
    if not isinstance(url, str) or not url.strip():
        return f"not a URL: {url!r}"
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # "http://[::1" and friends
        return f"malformed URL {url!r}: {exc}"
    if parts.scheme.lower() not in _SCHEMES:
        return f"refused scheme {parts.scheme or '(none)'!r}: only http and https are fetched"
    if not parts.hostname:
        return f"no host in URL {url!r}"
    try:
        port = parts.port  # urlsplit checks the port only when asked
    except ValueError as exc:
        return f"bad port in URL {url!r}: {exc}"
    if port == 0:
        return f"bad port in URL {url!r}: 0"
    return None


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """requests -> MaxRetryError -> ProtocolError -> the socket's own error, outermost first."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        inner = getattr(exc, "reason", None)
        exc = inner if isinstance(inner, BaseException) else next(
            (a for a in reversed(exc.args) if isinstance(a, BaseException)), None)


def describe(exc: BaseException) -> str:
    """One line naming the root cause, without requests' nested reprs."""
    root = list(_chain(exc))[-1]
    text, kind = str(root).replace("\n", " ").strip(), type(root).__name__
    return f"{kind}: {text}" if text and text != kind else kind


def _failure_kind(exc: BaseException) -> str:
    """A short human prefix for a failed request: bad URL, timed out, or could not connect/read."""
    if isinstance(exc, ValueError):  # requests.InvalidURL is one too
        return "bad URL"
    text = " ".join(f"{type(e).__name__} {e}" for e in _chain(exc)).lower()
    return "timed out" if "timeout" in text or "timed out" in text else "connection failed"


def _gave_up(exc: BaseException) -> bool:
    """Whether urllib3 exhausted its retries (a MaxRetryError somewhere in the chain)."""
    return any(isinstance(e, urllib3.exceptions.MaxRetryError) for e in _chain(exc))


def _retry_count(response: requests.Response) -> int:
    """How many retries urllib3 made before this response (0 when unknown)."""
    retries = getattr(response.raw, "retries", None)
    return len(retries.history) if retries is not None else 0


def read_body(response: requests.Response, max_bytes: int, *, deadline: float | None = None,
              truncate: bool = False) -> tuple[bytes, str | None]:
    """Stream the body (gzip undone, charset untouched) up to `max_bytes`; errors as text.

    Past `max_bytes` the body is refused, or cut there without an error when
    `truncate` is set. Past `deadline` seconds the read stops, keeping what arrived.
    """
    declared = response.headers.get("Content-Length", "")
    if not truncate and declared.isdigit() and int(declared) > max_bytes:  # refuse up front
        return b"", f"body over {max_bytes} bytes (Content-Length {declared})"
    chunks, size, started = [], 0, time.monotonic()
    try:
        for chunk in _arriving_chunks(response):
            size += len(chunk)
            if size > max_bytes:  # counted after gunzip: a small bomb is still refused
                if truncate:
                    chunks.append(chunk[:len(chunk) - (size - max_bytes)])
                    break
                return b"", f"body over {max_bytes} bytes"
            chunks.append(chunk)
            if deadline is not None and time.monotonic() - started > deadline:
                return b"".join(chunks), f"timed out reading body (over the {deadline:g} s deadline)"
    except _NETWORK_ERRORS as exc:
        # Keep what arrived: a cut page still tells the extractor something.
        return b"".join(chunks), f"{_body_failure(exc)}: {describe(exc)}"
    return b"".join(chunks), None


def _arriving_chunks(response: requests.Response) -> Iterator[bytes]:
    """Decoded body bytes as each socket read delivers them (Content-Encoding undone).

    `iter_content` blocks until a whole chunk has arrived, so a server trickling
    one byte at a time would never let a deadline be checked; read1 returns
    after a single read from the socket.
    """
    raw = response.raw
    if not hasattr(raw, "read1"):  # not urllib3: a plain file-like object
        yield from response.iter_content(_CHUNK)
        return
    while chunk := raw.read1(_CHUNK, decode_content=True):
        yield chunk


def _body_failure(exc: BaseException) -> str:
    """Name what went wrong while reading a body."""
    if isinstance(exc, (requests.exceptions.ContentDecodingError,
                        urllib3.exceptions.DecodeError)):
        return "undecodable Content-Encoding"
    if _failure_kind(exc) == "timed out":
        return "timed out reading body"
    return "truncated body"


def redirect_target(response: requests.Response) -> str | None:
    """The absolute URL a redirect points to, or None when this is not a redirect."""
    location = response.headers.get("Location")
    if response.status_code not in _REDIRECT_STATUSES or not location:
        return None
    try:
        return urljoin(response.url, location)
    except ValueError:  # a garbled Location: let refuse_url name it
        return location


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Revalidation headers, so an unchanged page costs the host a 304 and no body."""
    pairs = (("If-None-Match", etag), ("If-Modified-Since", last_modified))
    return {name: value for name, value in pairs if value}


class Fetcher:
    """Fetch URLs into RawPages: a pooled session per thread, one shared politeness gate and
    one shared robots.txt cache.

    Safe to share between threads; each thread's session is created lazily on
    its first fetch. With `settings.obey_robots`, every URL and every redirect
    hop is checked against its origin's robots.txt first, and a robots.txt
    Crawl-delay for us becomes that host's minimum interval.
    """

    def __init__(self, settings: FetchSettings | None = None, *,
                 rng: random.Random | None = None, gate: HostGate | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.gate = gate or HostGate(self.settings.delay, self.settings.jitter, rng)
        self.robots_cache = RobotsCache(self._fetch_robots_txt, ttl=self.settings.robots_ttl,
                                        on_fetch=self._obey_crawl_delay)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """This thread's session, built on its first use (nothing global, nothing at import)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = make_session(self.settings)
            with self._lock:
                self._sessions.append(session)
                self._local.session = session
        return session

    def close(self) -> None:
        """Close every thread's pooled connections; a later fetch opens new sessions."""
        with self._lock:
            sessions, self._sessions = self._sessions, []
            self._local = threading.local()
        for session in sessions:
            session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, url: str, *, etag: str | None = None,
              last_modified: str | None = None) -> RawPage:
        """GET `url` politely; never raises for network trouble (see `RawPage.error`)."""
        refusal = refuse_url(url)
        if refusal:
            return RawPage(url=url, body=b"", final_url=None, error=refusal)
        url = url.strip()
        refusal = self._robots_refusal(url)
        if refusal:
            return RawPage(url=url, body=b"", final_url=None, error=refusal)
        return self._follow(url, conditional_headers(etag, last_modified))

    def robots_for(self, url: str) -> Robots:
        """The robots.txt governing `url`, fetched if not cached; ValueError for a refused URL."""
        refusal = refuse_url(url)
        if refusal:
            raise ValueError(refusal)
        return self.robots_cache.get(url.strip())

    def robots_seen(self) -> list[Robots]:
        """Every robots.txt fetched so far, by host then fetch time, for the crawl to store."""
        return self.robots_cache.seen()

    def slow_down(self, url: str, factor: float = 2.0) -> float:
        """Slow `url`'s host after an anti-bot symptom (see HostGate.slow_down); the new interval."""
        return self.gate.slow_down(_host(url), factor, self.settings.max_slowdown)

    def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids `url`, or None when it allows it or robots are not obeyed."""
        # RFC 9309 2.2.2: /robots.txt itself is always allowed.
        if not self.settings.obey_robots or urlsplit(url).path == "/robots.txt":
            return None
        robots = self.robots_cache.get(url)
        if robots.allows(url, self.settings.agent):
            return None
        why = f" ({robots.error})" if robots.error else ""
        return f"{ROBOTS_REFUSAL} {url} for {agent_token(self.settings.agent)}{why}"

    def _obey_crawl_delay(self, robots: Robots) -> None:
        """Make a freshly read Crawl-delay for us the host's minimum interval."""
        delay = robots.crawl_delay(self.settings.agent)
        if delay is not None:
            self.gate.set_min_delay(_host(robots.host), delay)

    def _fetch_robots_txt(self, url: str) -> RawPage:
        """GET a robots.txt: no robots check of its own, RFC 9309's redirects, long files cut."""
        return self._follow(url, {}, robots_txt=True)

    def _follow(self, url: str, headers: dict[str, str], *, robots_txt: bool = False) -> RawPage:
        """Request `url`, then each redirect hop, each through the gate, scheme and robots checks."""
        limit = ROBOTS_MAX_REDIRECTS if robots_txt else self.settings.max_redirects
        current = url
        for _ in range(limit + 1):
            response = self._get(current, headers)
            if isinstance(response, str):
                return RawPage(url=url, body=b"", final_url=current, error=response)
            with response:
                target = redirect_target(response)
                if target is None:
                    return self._page(url, response, robots_txt=robots_txt)
            # Checked with the response closed, so its connection is free for the next hop.
            refusal = refuse_url(target)
            if refusal:
                return _page_of(url, response, b"", f"refused redirect to {target}: {refusal}")
            refusal = None if robots_txt else self._robots_refusal(target)
            if refusal:
                return _page_of(url, response, b"", refusal)
            current = target
        return _page_of(url, response, b"", f"too many redirects (more than {limit})")

    def _get(self, url: str, headers: dict[str, str]) -> requests.Response | str:
        """One GET after the politeness wait; a string says why it failed."""
        session = self.session  # built before the wait, so building it cannot shift the slot
        self.gate.wait(_host(url))
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        try:
            return session.get(url, headers=headers, timeout=timeout, stream=True,
                               allow_redirects=False)
        # ValueError: requests parses the server's Location even with allow_redirects=False.
        except (*_NETWORK_ERRORS, ValueError) as exc:
            tries = self.settings.retries if _gave_up(exc) else 0
            note = f" (after {tries} retries)" if tries else ""
            return f"{_failure_kind(exc)}{note}: {describe(exc)}"

    def _page(self, url: str, response: requests.Response, *, robots_txt: bool) -> RawPage:
        """Turn a final response into a RawPage: 304 is empty, >= 400 keeps its body."""
        if response.status_code == 304:
            return _page_of(url, response, b"", None)
        # RFC 9309 2.5: a long robots.txt is read up to the limit, not refused.
        max_bytes = ROBOTS_MAX_BYTES if robots_txt else self.settings.max_bytes
        body, error = read_body(response, max_bytes, deadline=self.settings.deadline,
                                truncate=robots_txt)
        if response.status_code >= 400:
            retried = _retry_count(response)
            http = f"HTTP {response.status_code}" + (
                f" (after {retried} retries)" if retried else "")
            error = f"{http}; {error}" if error else http
        return _page_of(url, response, body, error)


def _host(url: str) -> str:
    """The host name the politeness gate keys on (port ignored: one machine, one budget)."""
    return urlsplit(url).hostname or ""


def _page_of(url: str, response: requests.Response, body: bytes, error: str | None) -> RawPage:
    """A RawPage from a response: plain-dict headers, tz-aware UTC time."""
    return RawPage(url=url, body=body, final_url=response.url, status=response.status_code,
                   headers=dict(response.headers), fetched_at=utcnow(), source_kind="http",
                   error=error)
