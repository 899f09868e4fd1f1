"""robots.txt per origin, read the way RFC 9309 says, cached with its fetch time.

A `Robots` is one fetch of one origin's robots.txt: what came back and when.
Whether it allows a URL follows RFC 9309 section 2.3.1: a 2xx file is parsed,
a 4xx means there are no rules (everything allowed), and a 5xx, a network
error or a redirect loop means the file is unreachable, so everything is
disallowed until it can be read. Parsing is `urllib.robotparser`'s, which
matches rules first-match (not longest-match) and knows no `*` or `$` wildcards.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from fincorpus.corpus.model import RawPage

#: RFC 9309 2.5: crawlers may stop reading after 500 KiB; rules past it are ignored.
ROBOTS_MAX_BYTES = 500 * 1024
#: RFC 9309 2.4: a cached robots.txt should not be used for more than 24 hours.
ROBOTS_TTL = 24 * 3600.0
#: RFC 9309 2.3.1.2: follow at least five redirects for robots.txt.
ROBOTS_MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}
_DECIMAL_CRAWL_DELAY = re.compile(r"^(\s*crawl-delay\s*:\s*)(\d*\.\d+)\s*$", re.IGNORECASE)


def origin(url: str) -> str:
    """scheme://host[:port] of `url`, lower-cased and without a default port (robots.txt scope).

    Raises ValueError for a URL without a host or with a bad port.
    """
    parts = urlsplit(url.strip())
    host = parts.hostname
    if not host:
        raise ValueError(f"no host in URL {url!r}")
    scheme = parts.scheme.lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def robots_url(url: str) -> str:
    """Where the robots.txt that governs `url` lives."""
    return origin(url) + "/robots.txt"


def agent_token(agent: str) -> str:
    """The product token robots.txt groups are matched on: "fincorpus" of "fincorpus/0.1 (...)"."""
    return agent.split("/", 1)[0].strip() or agent.strip()


@dataclass(frozen=True, slots=True)
class Robots:
    """One fetch of one origin's robots.txt; `error` says why it could not be read."""

    host: str
    status: int | None
    text: str
    fetched_at: datetime
    error: str | None = None

    @property
    def unreachable(self) -> bool:
        """True when robots.txt could not be read, so every URL of the origin is disallowed."""
        return self._verdict() is False

    def allows(self, url: str, agent: str) -> bool:
        """Whether `agent` may fetch `url` under this file (RFC 9309 for missing files)."""
        verdict = self._verdict()
        if verdict is not None:
            return verdict
        return _parser(self.text).can_fetch(agent_token(agent), url)

    def crawl_delay(self, agent: str) -> float | None:
        """Seconds this file asks `agent` to wait between requests, or None when it does not say."""
        if self._verdict() is not None:
            return None
        delay = _parser(self.text).crawl_delay(agent_token(agent))
        return None if delay is None else float(delay)

    def _verdict(self) -> bool | None:
        """True or False when the status decides for every URL; None when the rules decide."""
        status = self.status
        if self.error is not None or status is None:
            return False
        if 200 <= status < 300:
            return None
        # 429 is the server saying "too fast", not "no file": treat it as unreachable.
        return 400 <= status < 500 and status != 429


def decode_robots(body: bytes) -> str:
    """The text of a robots.txt: first 500 KiB, UTF-8 with replacement, no BOM."""
    return body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace").removeprefix("\ufeff")


def robots_from_page(host: str, page: RawPage) -> Robots:
    """Judge one fetch of robots.txt for origin `host` by RFC 9309's status rules."""
    status = page.status
    readable = status is not None and 200 <= status < 300 and page.error is None
    absent = status is not None and 400 <= status < 500 and status != 429
    if readable or absent:
        text = decode_robots(page.body) if readable else ""
        return Robots(host=host, status=status, text=text, fetched_at=page.fetched_at)
    why = page.error or f"HTTP {status}"
    return Robots(host=host, status=status, text="", fetched_at=page.fetched_at,
                  error=f"robots.txt unreachable: {why}")


def _whole_seconds(line: str) -> str:
    """Round a decimal Crawl-delay up, since robotparser ignores anything but whole numbers."""
    match = _DECIMAL_CRAWL_DELAY.match(line)
    if not match:
        return line
    return f"{match.group(1)}{math.ceil(float(match.group(2)))}"


@functools.lru_cache(maxsize=256)
def _parser(text: str) -> RobotFileParser:
    """A parsed robots.txt, shared by every Robots with the same text (read-only once parsed)."""
    parser = RobotFileParser()
    parser.parse([_whole_seconds(line) for line in text.splitlines()])
    return parser


class RobotsCache:
    """robots.txt per origin, fetched once per `ttl` seconds however many threads ask.

    A lock per origin makes a second worker wait for the first one's fetch
    instead of fetching the same file again; other origins are not held up.
    """

    def __init__(self, fetch: Callable[[str], RawPage], *, ttl: float = ROBOTS_TTL,
                 clock: Callable[[], float] = time.monotonic,
                 on_fetch: Callable[[Robots], None] | None = None) -> None:
        self._fetch, self.ttl, self._clock, self._on_fetch = fetch, ttl, clock, on_fetch
        self._lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}
        self._current: dict[str, tuple[Robots, float]] = {}
        self._history: list[Robots] = []

    def get(self, url: str) -> Robots:
        """The robots.txt governing `url`, fetched now if missing or older than `ttl`."""
        key = origin(url)
        robots = self._fresh(key)
        if robots is not None:
            return robots
        with self._origin_lock(key):
            robots = self._fresh(key)  # another worker may have fetched it while we waited
            if robots is not None:
                return robots
            robots = robots_from_page(key, self._fetch(robots_url(key)))
            with self._lock:
                self._current[key] = (robots, self._clock())
                self._history.append(robots)
            if self._on_fetch is not None:
                self._on_fetch(robots)
            return robots

    def seen(self) -> list[Robots]:
        """Every robots.txt fetched so far, refetches included, by host then fetch time."""
        with self._lock:
            return sorted(self._history, key=lambda robots: (robots.host, robots.fetched_at))

    def _fresh(self, key: str) -> Robots | None:
        """The cached Robots for origin `key` if younger than `ttl`."""
        with self._lock:
            cached = self._current.get(key)
        if cached is None or self._clock() - cached[1] >= self.ttl:
            return None
        return cached[0]

    def _origin_lock(self, key: str) -> threading.Lock:
        """The lock that serialises fetches of one origin's robots.txt."""
        with self._lock:
            return self._origin_locks.setdefault(key, threading.Lock())
