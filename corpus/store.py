"""The corpus store: one SQLite file holding raw pages, articles and extraction failures.

Raw pages go in before anything parses them, keyed by the SHA-256 of their
bytes; articles are keyed by `Article.key` (DOCID, else URL, else content hash),
so adding the same page twice stores it once. Every write is one transaction.
"""

from __future__ import annotations

import json
import os
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from fincorpus.corpus.errors import StoreError
from fincorpus.corpus.migrations import migrate
from fincorpus.corpus.model import Article, Provenance, RawPage, utcnow

DEFAULT_DB = "fincorpus.db"


def default_db_path() -> Path:
    """`$FINCORPUS_DB`, else ./fincorpus.db."""
    return Path(os.environ.get("FINCORPUS_DB") or DEFAULT_DB)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored: the Article plus where it came from and when."""

    article: Article
    raw_page_id: int
    extracted_at: str
    fetched_at: str


@dataclass(frozen=True, slots=True)
class Failure:
    """A raw page that held no article, with the reason."""

    raw_page_id: int
    url: str | None
    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class PackedBody:
    """A raw page's SHA-256 and its zlib-compressed bytes, as the store keeps them."""

    sha256: str
    compressed: bytes


def pack_body(page: RawPage) -> PackedBody:
    """Hash and compress a page's bytes (pure; safe in any thread)."""
    return PackedBody(page.sha256, zlib.compress(page.body, 6))


class Store:
    """A SQLite corpus file (WAL mode, schema migrated on open)."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_DB) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder; give a database file path with --db")
        if not self.path.parent.exists():
            raise StoreError(f"{self.path}: folder {self.path.parent} does not exist; create it first")
        try:
            self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            # In WAL mode NORMAL survives any process crash (SIGKILL included); only a power
            # cut can lose the last commits, and it saves an fsync per page while crawling.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._depth = 0
            migrate(self._conn, str(self.path))
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: not a fincorpus database ({error}); "
                             "give another --db path") from error

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it lands or none of it does.

        Nested calls join the outer transaction, so callers can make several store
        writes (a raw page and its frontier state) land together.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self._conn
            finally:
                self._depth -= 1
            return
        self._conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        else:
            self._conn.execute("COMMIT")
        finally:
            self._depth = 0

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of a read query, for the modules that keep their own tables here (frontier)."""
        return self._conn.execute(sql, params).fetchall()

    def stream(self, sql: str, params: tuple = ()) -> Iterator[tuple]:
        """The rows of a read query one at a time, for tables too large to hold (exports)."""
        yield from self._conn.execute(sql, params)

    # raw pages -----------------------------------------------------------

    def put_raw(self, page: RawPage, packed: PackedBody | None = None) -> tuple[int, bool]:
        """Store a raw page unless its bytes are already here; (row id, newly added).

        `packed` is `pack_body(page)` when a worker thread already made it (a crawl does, so
        hashing and compressing run beside the writer: both release the GIL).
        """
        packed = packed or pack_body(page)
        sha = packed.sha256
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM raw_pages WHERE sha256 = ?", (sha,)).fetchone()
            if row:
                return row[0], False
            cursor = conn.execute(
                "INSERT INTO raw_pages (sha256, url, final_url, status, headers, body, body_size,"
                " source_kind, fetched_at, added_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (sha, page.url, page.final_url, page.status, json.dumps(dict(page.headers)),
                 packed.compressed, len(page.body), page.source_kind,
                 page.fetched_at.isoformat(), utcnow().isoformat()))
            return cursor.lastrowid, True

    def raw_page(self, raw_page_id: int) -> RawPage:
        """The raw page with that id, body decompressed."""
        row = self._conn.execute(
            "SELECT url, final_url, status, headers, body, source_kind, fetched_at"
            " FROM raw_pages WHERE id = ?", (raw_page_id,)).fetchone()
        if row is None:
            raise KeyError(raw_page_id)
        url, final_url, status, headers, body, kind, fetched_at = row
        return RawPage(url=url, body=zlib.decompress(body), final_url=final_url, status=status,
                       headers=json.loads(headers), fetched_at=datetime.fromisoformat(fetched_at),
                       source_kind=kind)

    def raw_page_ids(self) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT id FROM raw_pages ORDER BY id")]

    # articles ------------------------------------------------------------

    def put_article(self, article: Article, raw_page_id: int) -> bool:
        """Store an article unless one with the same key is here; True when newly added."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE key = ?", (article.key,)).fetchone():
                return False
            conn.execute("DELETE FROM extraction_failures WHERE raw_page_id = ?", (raw_page_id,))
            conn.execute(f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(_COLUMNS))})", _article_row(article, raw_page_id))
            return True

    def replace_article(self, article: Article, raw_page_id: int) -> None:
        """Overwrite the stored article of that key (a re-extraction of the same raw page)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM articles WHERE key = ?", (article.key,))
            conn.execute("DELETE FROM extraction_failures WHERE raw_page_id = ?", (raw_page_id,))
            conn.execute(f"INSERT INTO articles ({', '.join(_COLUMNS)}) VALUES "
                         f"({', '.join('?' * len(_COLUMNS))})", _article_row(article, raw_page_id))

    def article_for_raw(self, raw_page_id: int) -> str | None:
        """The id of the article extracted from a raw page, if any."""
        row = self._conn.execute("SELECT id FROM articles WHERE raw_page_id = ?",
                                 (raw_page_id,)).fetchone()
        return row[0] if row else None

    def articles(self) -> Iterator[StoredArticle]:
        """Every stored article, oldest first."""
        query = (f"SELECT {', '.join('a.' + c for c in _COLUMNS)}, r.fetched_at FROM articles a"
                 " JOIN raw_pages r ON r.id = a.raw_page_id ORDER BY a.rowid")
        for row in self._conn.execute(query):
            yield _stored_article(row)

    def get_article(self, article_id: str) -> StoredArticle | None:
        query = (f"SELECT {', '.join('a.' + c for c in _COLUMNS)}, r.fetched_at FROM articles a"
                 " JOIN raw_pages r ON r.id = a.raw_page_id WHERE a.id = ?")
        row = self._conn.execute(query, (article_id,)).fetchone()
        return _stored_article(row) if row else None

    # failures ------------------------------------------------------------

    def put_failure(self, raw_page_id: int, kind: str, reason: str) -> None:
        """Record why a raw page held no article (replacing an older reason)."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO extraction_failures VALUES (?,?,?,?)",
                         (raw_page_id, kind, reason, utcnow().isoformat()))

    def failures(self) -> list[Failure]:
        rows = self._conn.execute(
            "SELECT f.raw_page_id, coalesce(r.final_url, r.url), f.kind, f.reason"
            " FROM extraction_failures f JOIN raw_pages r ON r.id = f.raw_page_id ORDER BY 1")
        return [Failure(*row) for row in rows]

    def counts(self) -> dict[str, int]:
        """How many raw pages, articles and failures the store holds."""
        tables = ("raw_pages", "articles", "extraction_failures")
        return {t: self._conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


_COLUMNS = ("id", "key", "raw_page_id", "url", "docid", "site", "channel", "title", "author",
            "source", "editor", "published_at", "paragraphs", "captions", "images", "flags",
            "extras", "source_kind", "encoding", "extractor", "extractor_version", "extracted_at",
            "reading_order")
_JSON = {"paragraphs", "captions", "images", "flags", "extras", "reading_order"}


def _article_row(article: Article, raw_page_id: int) -> tuple:
    a = article
    return (a.id, a.key, raw_page_id, a.url, a.docid, a.site, a.channel, a.title, a.author,
            a.source, a.editor, a.published_at.isoformat() if a.published_at else None,
            *(json.dumps(list(v), ensure_ascii=False) for v in (a.paragraphs, a.captions, a.images,
                                                                a.flags)),
            json.dumps(dict(a.extras), ensure_ascii=False, sort_keys=True), a.source_kind,
            a.encoding, a.extractor.name, a.extractor.version, utcnow().isoformat(),
            json.dumps([list(line) for line in a.reading_order], ensure_ascii=False))


def _stored_article(row: tuple) -> StoredArticle:
    values = dict(zip(_COLUMNS, row[:-1]))
    for name in _JSON:
        values[name] = json.loads(values[name])
    published = values["published_at"]
    article = Article(
        title=values["title"], paragraphs=tuple(values["paragraphs"]),
        extractor=Provenance(values["extractor"], values["extractor_version"]),
        url=values["url"], docid=values["docid"], site=values["site"], channel=values["channel"],
        author=values["author"], source=values["source"], editor=values["editor"],
        published_at=datetime.fromisoformat(published) if published else None,
        captions=tuple(values["captions"]), images=tuple(values["images"]),
        source_kind=values["source_kind"], encoding=values["encoding"],
        flags=tuple(values["flags"]), extras=values["extras"],
        reading_order=tuple((kind, text) for kind, text in values["reading_order"]))
    return StoredArticle(article, values["raw_page_id"], values["extracted_at"], row[-1])
