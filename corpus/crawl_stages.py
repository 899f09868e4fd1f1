"""The crawl's two stages besides fetching: a per-host queue, and page parsing in processes."""

from __future__ import annotations

from collections import Counter, deque
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.frontier import Entry
from fincorpus.corpus.model import Article, RawPage
from fincorpus.corpus.workers import process_pool
from fincorpus.scrapers.extract import extract_page
from fincorpus.scrapers.urls import host_of


def extract_or_reason(body: bytes, url: str | None, content_type: str) -> Article | tuple[str, str]:
    """The article of a page, or (kind, reason) why there is none; runs in worker processes.

    A crash is a reason too: a parser bug must not stop a day-long crawl, and the raw page
    is already stored for `fincorpus reprocess` once the bug is fixed.
    """
    try:
        return extract_page(RawPage(url=url, body=body, headers={"Content-Type": content_type}))
    except NotAnArticle as error:
        return error.kind, str(error)
    except Exception as error:  # noqa: BLE001 (see above)
        return "extractor-error", f"{url}: extractor error {type(error).__name__}: {error}"


class ExtractStage:
    """Parsing of fetched pages: inline with no workers, else in a pool of processes.

    Results come back through `finished()` to the one writer. `full` applies back-pressure,
    so fetching never runs far ahead of parsing (memory stays bounded on long crawls).
    """

    def __init__(self, workers: int) -> None:
        self._pool = None
        if workers > 0:
            self._pool = process_pool(workers)
        self._limit = max(workers, 1) * 8
        self._pending: dict[Future, tuple[Entry, int]] = {}
        self._ready: list[tuple[Entry, int, Article | tuple[str, str]]] = []

    def __enter__(self) -> ExtractStage:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    @property
    def futures(self) -> list[Future]:
        return list(self._pending)

    @property
    def busy(self) -> bool:
        return bool(self._pending or self._ready)

    @property
    def full(self) -> bool:
        return len(self._pending) >= self._limit

    def submit(self, entry: Entry, raw_id: int, page: RawPage) -> None:
        args = (page.body, page.final_url or page.url, page.content_type)
        if self._pool is None:
            self._ready.append((entry, raw_id, extract_or_reason(*args)))
            return
        try:
            self._pending[self._pool.submit(extract_or_reason, *args)] = (entry, raw_id)
        except BrokenProcessPool:  # a worker died (out of memory?): parse here from now on
            self._pool = None
            self._ready.append((entry, raw_id, extract_or_reason(*args)))

    def finished(self) -> list[tuple[Entry, int, Article | tuple[str, str]]]:
        """Every parse that has completed since the last call, in completion order."""
        done = [f for f in self._pending if f.done()]
        for future in done:
            entry, raw_id = self._pending.pop(future)
            try:
                outcome = future.result()
            except BrokenProcessPool as error:
                outcome = ("extractor-error", f"{entry.url}: extractor process died ({error})")
            self._ready.append((entry, raw_id, outcome))
        ready, self._ready = self._ready, []
        return ready


class HostQueue:
    """Queued entries grouped by host, handed out round-robin under a per-host cap."""

    def __init__(self, per_host: int) -> None:
        self.per_host = per_host
        self._queues: dict[str, deque[Entry]] = {}
        self.busy: Counter = Counter()

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def push(self, entry: Entry) -> None:
        self._queues.setdefault(host_of(entry.url), deque()).append(entry)

    def pop(self) -> Entry | None:
        """The next entry of the least busy host under its cap, or None."""
        hosts = [h for h, q in self._queues.items() if q and self.busy[h] < self.per_host]
        if not hosts:
            return None
        host = min(hosts, key=lambda h: self.busy[h])
        self.busy[host] += 1
        return self._queues[host].popleft()

    def release(self, entry: Entry) -> None:
        self.busy[host_of(entry.url)] -= 1
