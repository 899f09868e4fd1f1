"""The crawl frontier: every URL a crawl has met, and how far it got, kept in the store.

A URL moves queued → fetched (its raw page is stored) → done, failed or skipped.
Nothing about a crawl lives only in memory, so a process killed at any moment
resumes from the file: queued URLs are fetched, fetched ones are extracted from
their stored bytes (never fetched again), and the key (DOCID, else canonical
URL) lets each article in only once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from fincorpus.corpus.model import Lead, utcnow
from fincorpus.corpus.store import Store
from fincorpus.scrapers.urls import host_of, url_key

STATES = ("queued", "fetched", "done", "failed", "skipped")
FEED_KINDS = ("author-feed", "channel-feed", "listing", "sitemap")

_COLUMNS = ("id", "key", "url", "kind", "state", "depth", "title", "published_at", "attempts",
            "raw_page_id", "etag", "last_modified", "reason")


@dataclass(frozen=True, slots=True)
class Entry:
    """One frontier row: a URL to fetch and what is known of it so far."""

    id: int
    key: str
    url: str
    kind: str
    state: str
    depth: int
    title: str | None = None
    published_at: datetime | None = None
    attempts: int = 0
    raw_page_id: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None

    @property
    def is_feed(self) -> bool:
        return self.kind in FEED_KINDS


def _entry(row: tuple) -> Entry:
    values = dict(zip(_COLUMNS, row))
    if values["published_at"]:
        values["published_at"] = datetime.fromisoformat(values["published_at"])
    return Entry(**values)


class Frontier:
    """The frontier table of one store; every method is one transaction."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, leads: Iterable[Lead], depth: int = 0) -> int:
        """Queue leads not met before (by key); returns how many were new."""
        now = utcnow().isoformat()
        added = 0
        with self.store.transaction() as conn:
            for lead in leads:
                published = lead.published_at.isoformat() if lead.published_at else None
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO frontier (key, url, kind, state, depth, title,"
                    " published_at, source, discovered_at, updated_at)"
                    " VALUES (?,?,?,'queued',?,?,?,?,?,?)",
                    (url_key(lead.url), lead.url, lead.kind, depth, lead.title, published,
                     lead.source, now, now))
                added += cursor.rowcount
        return added

    def contains(self, lead: Lead) -> bool:
        return bool(self.store.rows("SELECT 1 FROM frontier WHERE key = ?", (url_key(lead.url),)))

    def requeue(self, leads: Iterable[Lead]) -> int:
        """Queue these feeds again though they were read before: a seed feed is read every run."""
        keys = [(url_key(lead.url),) for lead in leads if lead.kind in FEED_KINDS]
        with self.store.transaction() as conn:
            before = conn.total_changes
            conn.executemany("UPDATE frontier SET state = 'queued', reason = NULL"
                             " WHERE key = ? AND state IN ('done', 'failed')", keys)
            return conn.total_changes - before

    def retry_failed(self) -> int:
        """Queue every failed URL again (`crawl --retry-failed`)."""
        return self._move("failed", "queued")

    def refresh(self) -> int:
        """Queue every done article again; its ETag/Last-Modified make it a conditional GET."""
        return self._move("done", "queued", "kind = 'article'")

    def _move(self, old: str, new: str, where: str = "1") -> int:
        with self.store.transaction() as conn:
            cursor = conn.execute(f"UPDATE frontier SET state = ?, updated_at = ? WHERE state = ?"
                                  f" AND {where}", (new, utcnow().isoformat(), old))
            return cursor.rowcount

    def entries(self, state: str, after_id: int = 0, limit: int = 1000) -> list[Entry]:
        """Entries in `state` with id above `after_id`, oldest first (a cursor over the queue)."""
        rows = self.store.rows(f"SELECT {', '.join(_COLUMNS)} FROM frontier WHERE state = ?"
                               " AND id > ? ORDER BY id LIMIT ?", (state, after_id, limit))
        return [_entry(row) for row in rows]

    def mark_fetched(self, entry: Entry, raw_page_id: int, headers: dict[str, str]) -> None:
        """The raw page is stored: from now on the URL is never fetched again."""
        lower = {k.lower(): v for k, v in headers.items()}
        self._set(entry, "fetched", raw_page_id=raw_page_id, etag=lower.get("etag"),
                  last_modified=lower.get("last-modified"), attempts=entry.attempts + 1)

    def mark_done(self, entry: Entry, article_id: str | None = None, reason: str | None = None) -> None:
        self._set(entry, "done", article_id=article_id, reason=reason)

    def mark_failed(self, entry: Entry, reason: str, fetched: bool = False) -> None:
        """A failure with its reason; `fetched` says the attempt reached the server."""
        attempts = entry.attempts if fetched else entry.attempts + 1
        self._set(entry, "failed", reason=reason, attempts=attempts)

    def mark_skipped(self, entry: Entry, reason: str) -> None:
        self._set(entry, "skipped", reason=reason)

    def _set(self, entry: Entry, state: str, **values: object) -> None:
        values.update(state=state, updated_at=utcnow().isoformat())
        columns = ", ".join(f"{name} = ?" for name in values)
        with self.store.transaction() as conn:
            conn.execute(f"UPDATE frontier SET {columns} WHERE id = ?", (*values.values(), entry.id))

    def feed_hosts(self) -> list[str]:
        """Hosts of the feeds met so far (few rows: feeds, not articles)."""
        rows = self.store.rows("SELECT DISTINCT url FROM frontier WHERE kind != 'article'")
        return sorted({host_of(url) for (url,) in rows})

    def counts(self) -> dict[str, int]:
        """How many URLs are in each state."""
        counts = dict.fromkeys(STATES, 0)
        for state, n in self.store.rows("SELECT state, count(*) FROM frontier GROUP BY state"):
            counts[state] = n
        return counts

    def failures(self) -> list[tuple[str, str]]:
        """(url, reason) of every failed or skipped URL, in the order they were met."""
        return [(url, reason or "") for url, reason in self.store.rows(
            "SELECT url, reason FROM frontier WHERE state IN ('failed', 'skipped') ORDER BY id")]


class CrawlLog:
    """What each crawl run was told (recorded, so `--ignore-robots` is never silent) and robots.txt seen."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(self, settings: dict[str, object]) -> int:
        with self.store.transaction() as conn:
            cursor = conn.execute("INSERT INTO crawl_runs (started_at, settings) VALUES (?, ?)",
                                  (utcnow().isoformat(), json.dumps(settings, sort_keys=True,
                                                                    ensure_ascii=False, default=str)))
            return cursor.lastrowid

    def finish(self, run_id: int, counts: dict[str, int]) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE crawl_runs SET finished_at = ?, counts = ? WHERE id = ?",
                         (utcnow().isoformat(), json.dumps(counts, sort_keys=True), run_id))

    def record_robots(self, records: Iterable) -> None:
        """Keep each host's robots.txt text and fetch time (the last one seen wins)."""
        with self.store.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO robots VALUES (?,?,?,?,?)",
                             [(r.host, r.status, r.text, r.error, r.fetched_at.isoformat())
                              for r in records])

    def runs(self) -> list[dict[str, object]]:
        rows = self.store.rows("SELECT id, started_at, finished_at, settings, counts FROM crawl_runs"
                               " ORDER BY id")
        return [{"id": i, "started_at": s, "finished_at": f, "settings": json.loads(c),
                 "counts": json.loads(n) if n else None} for i, s, f, c, n in rows]
