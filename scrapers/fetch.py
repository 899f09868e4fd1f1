"""HTTP fetching: one polite, retrying session per Fetcher; every failure recorded on the RawPage.

Network trouble is data, not an exception (STYLE section 9): a refused URL, a
timeout, a reset, a truncated or oversized body and an HTTP error all come back
as a `RawPage` whose `error` says, in one line, what failed and why.
Retries and backoff are urllib3's `Retry`; redirects are followed here, one hop
at a time, so that every hop passes the per-host politeness gate and the scheme
check. Bodies are kept as bytes: gzip is undone, charsets never are.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from typing import Callable, Iterator, Mapping
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from fincorpus.corpus.model import RawPage, utcnow

_SCHEMES = ("http", "https")
_RETRY_STATUSES = (429, 500, 502, 503, 504)
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024
# Exceptions that mean "the network or the server misbehaved", never a bug of ours.
_NETWORK_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, OSError)


def default_user_agent() -> str:
    """Name the crawler and where to read about it, so site owners can tell us apart."""
    try:
        version = metadata.version("fincorpus")
    except metadata.PackageNotFoundError:  # running from a bare checkout
        version = "0+unknown"
    return f"fincorpus/{version} (+https://github.com/fincorpus; research crawler)"


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

    def __post_init__(self) -> None:
        """Refuse settings that would hang, spin or hammer (a programming error, so raise)."""
        lows = {"connect_timeout": 0, "read_timeout": 0, "backoff_factor": 0, "delay": 0,
                "jitter": 0, "max_retry_after": 0, "retries": 0, "max_redirects": 0,
                "max_bytes": 1, "pool_size": 1}
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


class HostGate:
    """Per-host next-allowed start times, shared by every thread that uses one Fetcher.

    Politeness per thread is a top crawler complaint (DESIGN.md): N workers would
    hit a host N times as often. Each caller reserves the next slot under the lock
    and sleeps outside it, so waiting on one host never blocks another host.
    """

    def __init__(self, delay: float, jitter: float = 0.0, rng: random.Random | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay, self.jitter = delay, jitter
        self._rng = rng or random.Random()
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def _interval(self) -> float:
        """The delay with ±jitter, so many crawlers do not fall into lockstep."""
        if not self.jitter:
            return self.delay
        return self.delay * (1 + self._rng.uniform(-self.jitter, self.jitter))

    def wait(self, host: str) -> float:
        """Block until `host` may be asked again; return the seconds waited."""
        key = host.lower()
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(key, now))
            self._next[key] = start + self._interval()
        if start > now:
            self._sleep(start - now)
        return start - now


class _PoliteRetry(Retry):
    """urllib3's Retry that waits at least the host delay and caps a server's Retry-After.

    Retries run inside urllib3, past the HostGate; without the floor, urllib3's
    first retry is immediate and a flaky host would be hit twice at once.
    """

    def __init__(self, *args, min_backoff: float = 0.0, max_retry_after: float = 60.0,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.min_backoff, self.max_retry_after = min_backoff, max_retry_after

    def new(self, **kw) -> _PoliteRetry:
        # Retry.new rebuilds the object from its known parameters: carry ours along.
        kw.setdefault("min_backoff", self.min_backoff)
        kw.setdefault("max_retry_after", self.max_retry_after)
        return super().new(**kw)

    def get_backoff_time(self) -> float:
        return max(super().get_backoff_time(), self.min_backoff)

    def get_retry_after(self, response) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_retry_after)


def make_retry(settings: FetchSettings) -> Retry:
    """Retry transient trouble (connect, read, 429/5xx) inside urllib3, honouring Retry-After."""
    return _PoliteRetry(
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


def read_body(response: requests.Response, max_bytes: int) -> tuple[bytes, str | None]:
    """Stream the body (gzip undone, charset untouched) up to `max_bytes`; errors as text."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:  # refuse before downloading
        return b"", f"body over {max_bytes} bytes (Content-Length {declared})"
    chunks, size = [], 0
    try:
        # iter_content decodes Content-Encoding only; `.text` would guess a charset.
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > max_bytes:  # counted after gunzip: a small bomb is still refused
                return b"", f"body over {max_bytes} bytes"
            chunks.append(chunk)
    except _NETWORK_ERRORS as exc:
        # Keep what arrived: a cut page still tells the extractor something.
        return b"".join(chunks), f"{_body_failure(exc)}: {describe(exc)}"
    return b"".join(chunks), None


def _body_failure(exc: BaseException) -> str:
    """Name what went wrong while reading a body."""
    if isinstance(exc, requests.exceptions.ContentDecodingError):
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
    """Fetch URLs into RawPages with one pooled session and one per-host politeness gate.

    Safe to share between threads: the gate is shared on purpose, and the session
    is created once, lazily, on the first fetch.
    """

    def __init__(self, settings: FetchSettings | None = None, *,
                 rng: random.Random | None = None) -> None:
        self.settings = settings or FetchSettings()
        self.gate = HostGate(self.settings.delay, self.settings.jitter, rng)
        self._session: requests.Session | None = None
        self._lock = threading.Lock()

    @property
    def session(self) -> requests.Session:
        """The session, built on first use (nothing global, nothing at import)."""
        with self._lock:
            if self._session is None:
                self._session = make_session(self.settings)
            return self._session

    def close(self) -> None:
        """Close pooled connections; a later fetch opens a new session."""
        with self._lock:
            session, self._session = self._session, None
        if session is not None:
            session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fetch(self, url: str, *, etag: str | None = None,
              last_modified: str | None = None) -> RawPage:
        """GET `url` politely; never raises for network trouble (see `RawPage.error`)."""
        refusal = refuse_url(url)
        if refusal:
            return RawPage(url=url, body=b"", final_url=None, error=refusal)
        return self._follow(url.strip(), conditional_headers(etag, last_modified))

    def _follow(self, url: str, headers: dict[str, str]) -> RawPage:
        """Request `url`, then each redirect hop, each hop through the gate and the scheme check."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            response = self._get(current, headers)
            if isinstance(response, str):
                return RawPage(url=url, body=b"", final_url=current, error=response)
            with response:
                target = redirect_target(response)
                if target is None:
                    return self._page(url, response)
                refusal = refuse_url(target)
                if refusal:
                    return _page_of(url, response, b"", f"refused redirect to {target}: {refusal}")
            current = target
        return _page_of(url, response, b"",
                        f"too many redirects (more than {self.settings.max_redirects})")

    def _get(self, url: str, headers: dict[str, str]) -> requests.Response | str:
        """One GET after the politeness wait; a string says why it failed."""
        self.gate.wait(urlsplit(url).hostname or "")
        timeout = (self.settings.connect_timeout, self.settings.read_timeout)
        try:
            return self.session.get(url, headers=headers, timeout=timeout, stream=True,
                                    allow_redirects=False)
        # ValueError: requests parses the server's Location even with allow_redirects=False.
        except (*_NETWORK_ERRORS, ValueError) as exc:
            tries = self.settings.retries if _gave_up(exc) else 0
            note = f" (after {tries} retries)" if tries else ""
            return f"{_failure_kind(exc)}{note}: {describe(exc)}"

    def _page(self, url: str, response: requests.Response) -> RawPage:
        """Turn a final response into a RawPage: 304 is empty, >= 400 keeps its body."""
        if response.status_code == 304:
            return _page_of(url, response, b"", None)
        body, error = read_body(response, self.settings.max_bytes)
        if response.status_code >= 400:
            retried = _retry_count(response)
            http = f"HTTP {response.status_code}" + (
                f" (after {retried} retries)" if retried else "")
            error = f"{http}; {error}" if error else http
        return _page_of(url, response, body, error)


def _page_of(url: str, response: requests.Response, body: bytes, error: str | None) -> RawPage:
    """A RawPage from a response: plain-dict headers, tz-aware UTC time."""
    return RawPage(url=url, body=body, final_url=response.url, status=response.status_code,
                   headers=dict(response.headers), fetched_at=utcnow(), source_kind="http",
                   error=error)
