"""Politeness shared by every worker: per-host request spacing, and retries that respect it."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from urllib3.util import Retry


class HostGate:
    """Per-host next-allowed start times, shared by every thread that uses one Fetcher.

    Politeness per thread is a top crawler complaint (DESIGN.md): N workers would
    hit a host N times as often. Each caller reserves the next slot under the lock
    and sleeps outside it, so waiting on one host never blocks another host.
    A host's interval is the largest of `delay`, its robots.txt Crawl-delay
    (`set_min_delay`) and its anti-bot slow-down (`slow_down`), with ±jitter.
    """

    def __init__(self, delay: float, jitter: float = 0.0, rng: random.Random | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.delay, self.jitter = delay, jitter
        self._rng = rng or random.Random()
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._last: dict[str, float] = {}  # start of each host's latest reserved request
        self._floor: dict[str, float] = {}  # Crawl-delay per host
        self._slowed: dict[str, float] = {}  # interval after anti-bot symptoms per host

    def delay_for(self, host: str) -> float:
        """The interval `host` gets now, before jitter."""
        with self._lock:
            return self._base(host.lower())

    def set_min_delay(self, host: str, seconds: float) -> None:
        """Space `host`'s requests at least `seconds` apart (robots.txt Crawl-delay); replaces."""
        key = host.lower()
        with self._lock:
            self._floor[key] = max(0.0, seconds)
            self._stretch(key)

    def slow_down(self, host: str, factor: float = 2.0, cap: float = 60.0) -> float:
        """Multiply `host`'s interval after an anti-bot symptom; return the new interval.

        The interval grows from at least 1 s (so a zero delay still slows down) to
        `factor` times that, up to `cap`; it never shrinks, so a Crawl-delay above
        `cap` stays. The request already booked for the host moves out to match.
        """
        if factor < 1:
            raise ValueError(f"slow_down factor must be >= 1, got {factor}")
        key = host.lower()
        with self._lock:
            current = self._base(key)
            slowed = max(current, min(cap, max(current, 1.0) * factor))
            self._slowed[key] = slowed
            self._stretch(key)
            return slowed

    def wait(self, host: str) -> float:
        """Block until `host` may be asked again; return the seconds waited."""
        key = host.lower()
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(key, now))
            self._last[key] = start
            self._next[key] = start + self._interval(key)
        if start > now:
            self._sleep(start - now)
        return start - now

    def _base(self, key: str) -> float:
        """The largest of the global delay, the host's Crawl-delay and its slow-down."""
        return max(self.delay, self._floor.get(key, 0.0), self._slowed.get(key, 0.0))

    def _interval(self, key: str) -> float:
        """The host's interval with ±jitter, so many crawlers do not fall into lockstep."""
        base = self._base(key)
        if not self.jitter:
            return base
        return base * (1 + self._rng.uniform(-self.jitter, self.jitter))

    def _stretch(self, key: str) -> None:
        """Push the host's booked next slot out to a longer interval, so it applies at once."""
        if key in self._last:
            self._next[key] = max(self._next[key], self._last[key] + self._base(key))


class PoliteRetry(Retry):
    """urllib3's Retry that waits at least the host delay and caps a server's Retry-After.

    Retries run inside urllib3, past the HostGate; without the floor, urllib3's
    first retry is immediate and a flaky host would be hit twice at once.
    """

    def __init__(self, *args, min_backoff: float = 0.0, max_retry_after: float = 60.0,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.min_backoff, self.max_retry_after = min_backoff, max_retry_after

    def new(self, **kw) -> PoliteRetry:
        # Retry.new rebuilds the object from its known parameters: carry ours along.
        kw.setdefault("min_backoff", self.min_backoff)
        kw.setdefault("max_retry_after", self.max_retry_after)
        return super().new(**kw)

    def get_backoff_time(self) -> float:
        return max(super().get_backoff_time(), self.min_backoff)

    def get_retry_after(self, response) -> float | None:
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, self.max_retry_after)
