"""The store's schema as ordered migrations, applied once per database file.

`PRAGMA user_version` records how many have been applied; each runs in its own
transaction, so a crash leaves the file at the previous version, never half-way.
"""

from __future__ import annotations

import sqlite3

from fincorpus.corpus.errors import StoreError

_V1 = """
CREATE TABLE raw_pages (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT    NOT NULL UNIQUE,
    url          TEXT,
    final_url    TEXT,
    status       INTEGER,
    headers      TEXT    NOT NULL,   -- JSON object
    body         BLOB    NOT NULL,   -- zlib-compressed bytes exactly as fetched or read
    body_size    INTEGER NOT NULL,
    source_kind  TEXT    NOT NULL,   -- http | file
    fetched_at   TEXT    NOT NULL,
    added_at     TEXT    NOT NULL
);
CREATE INDEX raw_pages_url ON raw_pages(url);

CREATE TABLE articles (
    id                TEXT    PRIMARY KEY,
    key               TEXT    NOT NULL UNIQUE,  -- docid:…, url:… or sha256:…
    raw_page_id       INTEGER NOT NULL REFERENCES raw_pages(id),
    url               TEXT,
    docid             TEXT,
    site              TEXT,
    channel           TEXT,
    title             TEXT,
    author            TEXT,
    source            TEXT,
    editor            TEXT,
    published_at      TEXT,             -- ISO 8601 with offset
    paragraphs        TEXT    NOT NULL, -- JSON array
    captions          TEXT    NOT NULL,
    images            TEXT    NOT NULL,
    flags             TEXT    NOT NULL,
    extras            TEXT    NOT NULL, -- JSON object
    source_kind       TEXT    NOT NULL,
    encoding          TEXT,
    extractor         TEXT    NOT NULL,
    extractor_version TEXT    NOT NULL,
    extracted_at      TEXT    NOT NULL
);
CREATE INDEX articles_raw_page ON articles(raw_page_id);
CREATE INDEX articles_published ON articles(published_at);

CREATE TABLE extraction_failures (
    raw_page_id  INTEGER PRIMARY KEY REFERENCES raw_pages(id),
    kind         TEXT NOT NULL,
    reason       TEXT NOT NULL,
    failed_at    TEXT NOT NULL
);
"""

# v2: the crawl frontier, so a crawl killed at any moment resumes from the file.
_V2 = """
CREATE TABLE frontier (
    id            INTEGER PRIMARY KEY,
    key           TEXT    NOT NULL UNIQUE,  -- docid:… or url:…, the same key as the article's
    url           TEXT    NOT NULL,         -- canonical URL to fetch
    kind          TEXT    NOT NULL,         -- article | author-feed | channel-feed | listing | sitemap
    state         TEXT    NOT NULL,         -- queued | fetched | done | failed | skipped
    depth         INTEGER NOT NULL,         -- feed pages followed from the seed
    title         TEXT,                     -- what the feed said, before fetching
    published_at  TEXT,
    source        TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    raw_page_id   INTEGER REFERENCES raw_pages(id),
    article_id    TEXT,
    reason        TEXT,
    etag          TEXT,
    last_modified TEXT,
    discovered_at TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX frontier_state ON frontier(state, id);

CREATE TABLE robots (
    origin     TEXT PRIMARY KEY,
    status     INTEGER,
    text       TEXT NOT NULL,
    error      TEXT,
    fetched_at TEXT NOT NULL
);

CREATE TABLE crawl_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    settings    TEXT NOT NULL,   -- JSON: scope, politeness, concurrency, ignore_robots
    counts      TEXT             -- JSON, written when the run ends
);
"""

# v3: what the nlp stages found in each article; offsets point into the article's text.
_V3 = """
CREATE TABLE analyses (
    article_id  TEXT PRIMARY KEY REFERENCES articles(id),
    stages      TEXT NOT NULL,   -- JSON: stage name -> version
    analyzed_at TEXT NOT NULL
);

CREATE TABLE sentences (
    article_id TEXT    NOT NULL REFERENCES articles(id),
    idx        INTEGER NOT NULL,
    paragraph  INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    tokens     TEXT    NOT NULL,   -- JSON: [[word, pos], ...]
    PRIMARY KEY (article_id, idx)
);

CREATE TABLE entities (
    article_id TEXT    NOT NULL REFERENCES articles(id),
    idx        INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    end        INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    entity_id  TEXT,
    value      TEXT,               -- JSON, normalised value of numeric kinds
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX entities_id ON entities(entity_id);

CREATE TABLE scores (
    article_id TEXT    NOT NULL REFERENCES articles(id),
    kind       TEXT    NOT NULL,   -- topic | frame
    sentence   INTEGER,            -- NULL for the article-level score
    name       TEXT    NOT NULL,
    score      REAL    NOT NULL,
    evidence   TEXT    NOT NULL,   -- JSON: matched terms
    sentences  TEXT    NOT NULL    -- JSON: evidence sentence indexes (article level)
);
CREATE INDEX scores_article ON scores(article_id, kind);
"""

# v4: stance toward targets, per sentence and (sentence NULL) per article.
_V4 = """
CREATE TABLE stances (
    article_id  TEXT    NOT NULL REFERENCES articles(id),
    sentence    INTEGER,            -- NULL for the article-level stance
    target      TEXT    NOT NULL,   -- the target's name (美国)
    target_id   TEXT    NOT NULL,   -- its id (the gazetteer's, or term:…)
    label       TEXT    NOT NULL,   -- FAVOR | AGAINST | NONE
    p_favor     REAL    NOT NULL,
    p_against   REAL    NOT NULL,
    p_none      REAL    NOT NULL,
    n_favor     INTEGER NOT NULL,   -- sentences of each label (article level), 0 or 1 per sentence
    n_against   INTEGER NOT NULL,
    n_none      INTEGER NOT NULL
);
CREATE INDEX stances_article ON stances(article_id);
CREATE INDEX stances_target ON stances(target_id);
"""

# v5: human labels, each with its coder, time and source file, apart from model output; and
# the gold label of each unit with how it was decided.
_V5 = """
CREATE TABLE labels (
    id          INTEGER PRIMARY KEY,
    unit_id     TEXT    NOT NULL,   -- article id, or <article id>/<sentence index>
    article_id  TEXT,               -- the stored article the unit belongs to, if any
    field       TEXT    NOT NULL,   -- stance:<target> | frames | entities | ...
    value       TEXT    NOT NULL,
    coder       TEXT    NOT NULL,
    start       INTEGER,            -- span offsets into the unit text (code points)
    end         INTEGER,
    text        TEXT,               -- the span's own text, checked against the unit text
    created_at  TEXT,               -- when the coder labelled it, as the tool said
    source      TEXT    NOT NULL,   -- the file it was imported from
    imported_at TEXT    NOT NULL
);
CREATE UNIQUE INDEX labels_key ON labels(unit_id, field, coder, value, coalesce(start, -1),
                                         coalesce(end, -1));
CREATE INDEX labels_article ON labels(article_id);
CREATE INDEX labels_source ON labels(source);

CREATE TABLE gold (
    unit_id    TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    article_id TEXT,
    decided_by TEXT NOT NULL,   -- unanimous | majority | adjudicated | single-coder
    votes      TEXT NOT NULL,   -- JSON: coder -> value
    decided_at TEXT NOT NULL,
    PRIMARY KEY (unit_id, field)
);
"""

# v6: gold labels of multi-label and span fields too. Their `value` is a JSON array (the values
# present, or the gold spans as [start, end, tag, text]), their `votes` coder -> JSON array, and
# `detail` the decision on each value or span, NULL for a single-choice field: a JSON array of
# {value, start, end, text, present, decided_by, coders}. (No SQL comment on the ALTER line:
# SQLite copies it into the table's stored definition, where it would swallow the ")".)
_V6 = """
ALTER TABLE gold ADD COLUMN detail TEXT
"""

# v7: every line of the article column in reading order, as a JSON array of [kind, text]
# (Article.reading_order); '[]' for articles extracted before it existed.
_V7 = """
ALTER TABLE articles ADD COLUMN reading_order TEXT NOT NULL DEFAULT '[]'
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, name: str) -> None:
    """Bring the database to SCHEMA_VERSION; refuse a file written by a newer fincorpus."""
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StoreError(f"{name}: store schema v{current} is newer than this fincorpus "
                         f"(v{SCHEMA_VERSION}); upgrade fincorpus to open it")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[version - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
