"""A resumable crawl: URLs from the frontier, fetched by worker threads, written by one writer.

Workers only fetch and parse (pure work: a page in, an article or leads out);
this thread alone writes to the store, in the order that keeps a kill harmless:
the raw page and its "fetched" state land in one transaction before the article
is written in the next. Politeness lives in the Fetcher's per-host gate, shared
by every worker; the scheduler adds a per-host cap so a slow host never holds
every worker while other hosts wait.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

from fincorpus.corpus.crawl_stages import ExtractStage, HostQueue
from fincorpus.corpus.frontier import CrawlLog, Entry, Frontier
from fincorpus.corpus.model import Article, Lead, RawPage
from fincorpus.corpus.store import PackedBody, Store, pack_body
from fincorpus.scrapers.discover import Found, parse as parse_feed
from fincorpus.scrapers.fetch import ROBOTS_REFUSAL, Fetcher
from fincorpus.scrapers.urls import host_allowed, host_of

#: Extraction failures that look like a throttled or blocked response, not a real page.
ANTI_BOT_KINDS = frozenset({"empty-body", "empty-file"})
#: HTTP statuses that say "slow down" or "go away".
ANTI_BOT_STATUSES = frozenset({403, 429})


@dataclass(frozen=True, slots=True)
class Scope:
    """Which URLs a crawl may follow: publish-time window, hosts, and page budgets."""

    since: datetime | None = None
    until: datetime | None = None
    max_pages: int | None = None        # article pages fetched in this run
    max_feed_pages: int = 50            # pages followed down one feed (next page, child sitemap)
    allow_hosts: tuple[str, ...] = ()   # empty: the seeds' hosts and 163.com

    def in_window(self, when: datetime | None) -> bool:
        """Unknown times pass: the article's own time is checked after extraction."""
        if when is None:
            return True
        return (self.since is None or when >= self.since) and (self.until is None or when <= self.until)

    def window_reason(self, when: datetime) -> str:
        bound = "before --since" if self.since and when < self.since else "after --until"
        return f"published {when.isoformat()}, {bound}"


@dataclass(frozen=True, slots=True)
class CrawlStatus:
    """A snapshot for the progress bar."""

    done: int
    failed: int
    queued: int
    rate: float  # pages per second


@dataclass
class CrawlReport:
    """What a crawl run did; `counts` keys are listed in COUNT_KEYS."""

    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    slowed_hosts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    queued_left: int = 0

    @property
    def rate(self) -> float:
        pages = self.counts["fetched"]
        return pages / self.seconds if self.seconds else 0.0


COUNT_KEYS = ("fetched", "added", "present", "unchanged", "failed", "skipped", "feeds",
              "discovered", "out_of_scope", "anti_bot")


@dataclass(frozen=True, slots=True)
class _Fetched:
    """What a fetch worker brings back: the page, and for a feed what it lists."""

    entry: Entry
    page: RawPage
    found: Found | None = None
    failure: tuple[str, str] | None = None  # (kind, reason)
    packed: PackedBody | None = None


def _fetch(fetcher: Fetcher, entry: Entry) -> _Fetched:
    """Fetch one entry; a feed is parsed here too (cheap). Never raises."""
    page = fetcher.fetch(entry.url, etag=entry.etag, last_modified=entry.last_modified)
    if page.error or page.status == 304:
        return _Fetched(entry, page)
    if not entry.is_feed:
        return _Fetched(entry, page, packed=pack_body(page))
    try:
        return _Fetched(entry, page, parse_feed(entry.kind, page.body, page.final_url or entry.url,
                                                page.content_type))
    except ValueError as error:
        return _Fetched(entry, page, failure=("bad-feed", str(error)))


class Crawler:
    """One crawl run over a store's frontier; `run()` returns its report."""

    def __init__(self, store: Store, fetcher: Fetcher, scope: Scope = Scope(), concurrency: int = 1,
                 progress: Callable[[CrawlStatus], None] | None = None,
                 extract_workers: int | None = None) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency}")
        self.store, self.fetcher, self.scope = store, fetcher, scope
        self.frontier = Frontier(store)
        self.concurrency, self.progress = concurrency, progress
        # Parsing is CPU work that threads cannot share (the GIL): with more than one worker
        # it runs in processes, one per core at most.
        if extract_workers is None:
            extract_workers = 0 if concurrency == 1 else min(concurrency, os.cpu_count() or 1)
        self.extract_workers = extract_workers
        self.report = CrawlReport()
        self._allow = scope.allow_hosts
        self._dispatched_articles = 0
        self._queued = 0
        self._started = 0.0

    # seeds ---------------------------------------------------------------

    def seed(self, leads: Iterable[Lead]) -> int:
        """Put the seeds in the frontier (seed feeds are read again each run); new count."""
        leads = list(leads)
        if not self._allow:
            # This run's seeds and every feed met before, so a resume without arguments
            # follows what the first run followed.
            hosts = {host_of(lead.url) for lead in leads} | set(self.frontier.feed_hosts())
            self._allow = tuple(sorted(hosts | {"163.com"}))
        added = self.frontier.add(leads)
        self.frontier.requeue(leads)
        return added

    # the run -------------------------------------------------------------

    def run(self) -> CrawlReport:
        """Extract pages fetched by a killed run, then fetch the queue until it is empty or the budget is spent."""
        self._started = time.perf_counter()
        self._queued = self.frontier.counts()["queued"]
        per_host = self.concurrency if self.fetcher.settings.delay == 0 else 1
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="fetch") as fetchers, \
                ExtractStage(self.extract_workers) as extractors:
            for entry in list(self._all("fetched")):
                extractors.submit(entry, entry.raw_page_id, self.store.raw_page(entry.raw_page_id))
            self._loop(fetchers, extractors, HostQueue(per_host))
        self.report.seconds = time.perf_counter() - self._started
        self.report.queued_left = self.frontier.counts()["queued"]
        CrawlLog(self.store).record_robots(self.fetcher.robots_seen())
        return self.report

    def _all(self, state: str) -> Iterable[Entry]:
        cursor = 0
        while batch := self.frontier.entries(state, cursor, 1000):
            yield from batch
            cursor = batch[-1].id

    def _loop(self, fetchers: ThreadPoolExecutor, extractors: ExtractStage, queue: HostQueue) -> None:
        """Keep `concurrency` fetches in flight; write each result as it comes back."""
        inflight: dict[Future, Entry] = {}
        cursor, exhausted = 0, False
        while True:
            for entry, raw_id, outcome in extractors.finished():
                self._finish_article(entry, raw_id, outcome)
            if not exhausted and len(queue) < self.concurrency * 4:
                batch = self.frontier.entries("queued", cursor, 500)
                exhausted = not batch
                for entry in batch:
                    queue.push(entry)
                cursor = batch[-1].id if batch else cursor
            while len(inflight) < self.concurrency and not self._budget_spent() and not extractors.full:
                entry = queue.pop()
                if entry is None:
                    break
                self._dispatched_articles += not entry.is_feed
                inflight[fetchers.submit(_fetch, self.fetcher, entry)] = entry
            if not inflight and not extractors.busy:
                if exhausted or self._budget_spent():
                    return
                continue
            finished, _ = wait([*inflight, *extractors.futures], return_when=FIRST_COMPLETED)
            for future in finished:
                if future in inflight:
                    queue.release(inflight.pop(future))
                    if self._record(future.result(), extractors):
                        exhausted = False  # new leads have higher ids than the cursor: refill finds them

    def _budget_spent(self) -> bool:
        limit = self.scope.max_pages
        return limit is not None and self._dispatched_articles >= limit

    # the writer ----------------------------------------------------------

    def _record(self, result: _Fetched, extractors: ExtractStage) -> int:
        """Write one fetch: the raw page lands (with its frontier state) before it is parsed."""
        entry, page = result.entry, result.page
        self._queued -= 1
        new = 0
        if page.error:
            self._fetch_failed(entry, page)
        elif page.status == 304:
            self.report.counts["unchanged"] += 1
            self.frontier.mark_done(entry, reason="unchanged (HTTP 304)")
        elif entry.is_feed:
            new = self._finish_feed(entry, result)
        else:
            with self.store.transaction():
                raw_id, _ = self.store.put_raw(page, result.packed)
                self.frontier.mark_fetched(entry, raw_id, dict(page.headers))
            self.report.counts["fetched"] += 1
            extractors.submit(entry, raw_id, page)
        self._tick()
        return new

    def _fetch_failed(self, entry: Entry, page: RawPage) -> None:
        reason = f"{entry.url}: {page.error}"
        if page.error.startswith(ROBOTS_REFUSAL):
            self._skip(entry, reason)
            return
        if page.status in ANTI_BOT_STATUSES:
            self._anti_bot(entry)
        self._fail(entry, reason)

    def _finish_article(self, entry: Entry, raw_id: int, outcome: Article | tuple[str, str]) -> None:
        """Store the article of a fetched page, or why it has none."""
        if isinstance(outcome, tuple):
            kind, reason = outcome
            if kind in ANTI_BOT_KINDS:
                self._anti_bot(entry)
            with self.store.transaction():
                self.store.put_failure(raw_id, kind, reason)
                self._fail(entry, reason, fetched=True)
        elif not self.scope.in_window(outcome.published_at):
            self._skip(entry, f"{entry.url}: {self.scope.window_reason(outcome.published_at)}")
        else:
            with self.store.transaction():
                added = self.store.put_article(outcome, raw_id)
                self.frontier.mark_done(entry, outcome.id)
            self.report.counts["added" if added else "present"] += 1
        self._tick()

    def _finish_feed(self, entry: Entry, result: _Fetched) -> int:
        """Queue a feed's in-scope leads and its next page; the feed is then done."""
        if result.failure:
            self._fail(entry, result.failure[1])
            return 0
        found = result.found
        leads = [lead for lead in found.leads if self._admits(lead)]
        self.report.counts["out_of_scope"] += len(found.leads) - len(leads)
        follow = [feed for feed in found.feeds if host_allowed(feed.url, self._allow)]
        if self._older_than_window(found.leads) or entry.depth + 1 >= self.scope.max_feed_pages:
            follow = [feed for feed in follow if feed.kind == "sitemap"]  # index children are not "next pages"
        with self.store.transaction():
            new = self.frontier.add(leads, entry.depth) + self.frontier.add(follow, entry.depth + 1)
            self.frontier.mark_done(entry, reason=f"{len(found.leads)} leads, {new} new")
        self._queued += new
        self.report.counts["feeds"] += 1
        self.report.counts["discovered"] += new
        return new

    def _older_than_window(self, leads: tuple[Lead, ...]) -> bool:
        """An empty page, or one whose every lead is before --since: feeds are newest first, so
        the next page holds nothing in the window (a page after --until says nothing of it)."""
        if not leads:
            return True
        since = self.scope.since
        return since is not None and all(lead.published_at and lead.published_at < since
                                         for lead in leads)

    def _admits(self, lead: Lead) -> bool:
        return host_allowed(lead.url, self._allow) and self.scope.in_window(lead.published_at)

    def _fail(self, entry: Entry, reason: str, fetched: bool = False) -> None:
        self.frontier.mark_failed(entry, reason, fetched)
        self.report.counts["failed"] += 1
        self.report.failures.append((entry.url, reason))

    def _skip(self, entry: Entry, reason: str) -> None:
        self.frontier.mark_skipped(entry, reason)
        self.report.counts["skipped"] += 1
        self.report.failures.append((entry.url, reason))

    def _anti_bot(self, entry: Entry) -> None:
        """Throttled or blocked: the host's interval grows for every worker."""
        self.fetcher.slow_down(entry.url)
        self.report.counts["anti_bot"] += 1
        self.report.slowed_hosts[host_of(entry.url)] += 1

    def _tick(self) -> None:
        if self.progress:
            c = self.report.counts
            elapsed = time.perf_counter() - self._started
            done = c["added"] + c["present"] + c["unchanged"] + c["feeds"]
            self.progress(CrawlStatus(done, c["failed"] + c["skipped"], max(self._queued, 0),
                                      (done + c["failed"]) / elapsed if elapsed else 0.0))


def crawl(store: Store, seeds: Iterable[Lead], fetcher: Fetcher, scope: Scope = Scope(),
          concurrency: int = 1, retry_failed: bool = False, refresh: bool = False,
          progress: Callable[[CrawlStatus], None] | None = None,
          extract_workers: int | None = None) -> CrawlReport:
    """Seed the frontier, then crawl it to the end (or the budget); resumes a killed run.

    `extract_workers`: processes that parse pages (default: none at concurrency 1,
    else one per core up to `concurrency`; 0 parses in this process).
    """
    crawler = Crawler(store, fetcher, scope, concurrency, progress, extract_workers)
    log = CrawlLog(store)
    run_id = log.start({"since": scope.since, "until": scope.until, "max_pages": scope.max_pages,
                        "allow_hosts": list(scope.allow_hosts), "concurrency": concurrency,
                        "delay": fetcher.settings.delay, "ignore_robots": not fetcher.settings.obey_robots,
                        "user_agent": fetcher.settings.agent, "retry_failed": retry_failed,
                        "refresh": refresh})
    crawler.seed(seeds)
    if retry_failed:
        crawler.frontier.retry_failed()
    if refresh:
        crawler.frontier.refresh()
    report = crawler.run()
    log.finish(run_id, dict(report.counts))
    return report

