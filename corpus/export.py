"""Tables for study: the store as pandas DataFrames, written as CSV, Parquet or JSON Lines.

CSV is for people: UTF-8 with a byte-order mark so Excel shows the Chinese,
one row per unit, stable column names, and no cell that a spreadsheet would
run as a formula.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter
from pathlib import Path

import pandas as pd

from fincorpus.corpus.analyses import LEVEL_COLUMNS, LEVEL_TABLES, Analyses, stored_analysis
from fincorpus.corpus.cells import iso_times, write_csv
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.filters import matching_ids, parse_where
from fincorpus.corpus.store import Store, StoredArticle

LEVELS = ("article", *LEVEL_COLUMNS, "claim")

#: The claim table's columns: numeric claims found in the analysed sentences (nlp/claims.py).
CLAIM_COLUMNS = ("article_id", "sentence", "start", "end", "text", "subject_id", "subject",
                 "measure", "amount", "low", "high", "unit", "qualifier", "period",
                 "period_source", "sentence_text")
FORMATS = ("csv", "parquet", "jsonl")

#: The article table's columns, in order; the README's data dictionary documents each.
ARTICLE_COLUMNS = (
    "article_id", "key", "docid", "url", "site", "channel", "title", "author", "source", "editor",
    "published_at", "n_paragraphs", "n_chars", "text", "captions", "images", "flags",
    "source_kind", "encoding", "extractor", "raw_page_id", "fetched_at", "extracted_at",
)


def _article_record(stored: StoredArticle) -> dict:
    a = stored.article
    return {
        "article_id": a.id, "key": a.key, "docid": a.docid, "url": a.url, "site": a.site,
        "channel": a.channel, "title": a.title, "author": a.author, "source": a.source,
        "editor": a.editor, "published_at": a.published_at, "n_paragraphs": len(a.paragraphs),
        "n_chars": sum(len(p) for p in a.paragraphs), "text": a.text,
        "captions": "\n".join(a.captions), "images": "\n".join(a.images),
        "flags": ";".join(a.flags), "source_kind": a.source_kind, "encoding": a.encoding,
        "extractor": str(a.extractor), "raw_page_id": stored.raw_page_id,
        "fetched_at": stored.fetched_at, "extracted_at": stored.extracted_at,
    }


#: Rows an export builds and writes at a time: its memory stays flat however large the store.
CHUNK_ROWS = 10_000
#: Integer columns, nullable: an article-level row's empty `sentence` stays empty, and an
#: index prints as 8, not 8.0, in CSV (and is an integer in Parquet, R and Stata).
INTEGER_COLUMNS = frozenset({"sentence", "paragraph", "start", "end", "entity", "n_sentences",
                             "n_paragraphs", "n_chars", "raw_page_id"})
FLOAT_COLUMNS = frozenset({"score", "p_favor", "p_against", "p_none", "share_favor",
                           "share_against", "share_none", "amount", "low", "high"})


def tables(store: Store, level: str = "article", where: Iterable[str] = ()) -> pd.DataFrame:
    """One row per unit of `level`; timestamps tz-aware, counts numeric.

    `where`: filters such as "site=www.163.com", "since=2025-10-01", "target=美国"
    (corpus/filters.py lists them); only the articles they all keep give rows.
    """
    return pd.concat(list(table_chunks(store, level, where)), ignore_index=True)


def table_chunks(store: Store, level: str = "article", where: Iterable[str] = (),
                 rows: int | None = None) -> Iterator[pd.DataFrame]:
    """The `tables` table as consecutive frames of at most `rows` rows (at least one frame,
    empty when no row is kept), each typed alike, so a table of any size can be written
    a piece at a time (`rows` default: CHUNK_ROWS)."""
    rows = rows or CHUNK_ROWS
    if level not in LEVELS:
        raise BadInput(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    filters = parse_where(where)
    columns = ARTICLE_COLUMNS if level == "article" else \
        CLAIM_COLUMNS if level == "claim" else LEVEL_COLUMNS[level]
    found = _rows(store, level, matching_ids(store, filters) if filters else None)
    batch = list(islice(found, rows))
    while True:
        yield _typed(pd.DataFrame.from_records(batch, columns=list(columns), nrows=len(batch)))
        batch = list(islice(found, rows))
        if not batch:
            return


def _rows(store: Store, level: str, keep: set[str] | None) -> Iterator[tuple]:
    """The rows of `level` as tuples in column order (article_id first), in the order the
    articles were stored; only those of the `keep` articles when given."""
    if level == "article":
        stored = store.articles()
        return (itemgetter(*ARTICLE_COLUMNS)(_article_record(s)) for s in stored
                if keep is None or s.article.id in keep)
    analyses = Analyses(store)
    if not analyses.count() and store.counts()["articles"]:
        raise BadInput(f"no article is analysed yet, so there is no {level} table; "
                       "run fincorpus analyze first")
    if level == "claim":
        return _claim_rows(store, [a for a in analyses.analysed() if keep is None or a in keep])
    return analyses.rows(level, keep)


def _claim_rows(store: Store, analysed: list[str]) -> Iterator[tuple]:
    """Numeric claims of every analysed article: who, what measure, what value, for when."""
    from fincorpus.nlp.claims import extract_claims

    for article_id in analysed:
        published = store.get_article(article_id).article.published_at
        for claim in extract_claims(stored_analysis(store, article_id), published):
            yield itemgetter(*CLAIM_COLUMNS)(claim.record())


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every chunk of a table with the same column types: nullable integers, floats,
    tz-aware timestamps in microseconds (Asia/Shanghai for publish times, UTC for ours),
    text or None."""
    for column in frame.columns:
        if column in INTEGER_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        elif column in FLOAT_COLUMNS:
            frame[column] = frame[column].astype("float64")
        elif column == "published_at":
            frame[column] = pd.to_datetime(frame[column].astype(object), utc=True) \
                .dt.tz_convert("Asia/Shanghai").dt.as_unit("us")
        elif column in ("fetched_at", "extracted_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601") \
                .dt.as_unit("us")
        else:  # text: missing is None, whatever else the chunk holds
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def write_parquet(frames: Iterable[pd.DataFrame], path: Path) -> int:
    """Parquet keeps the types: tz-aware timestamps, nullable integer counts; one row group
    per chunk, under the schema of the first. Returns the rows written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, rows = None, 0
    try:
        for frame in frames:
            if writer is None:
                dtypes = pa.Schema.from_pandas(frame, preserve_index=False).metadata  # pandas'
                schema = pa.schema([(c, _arrow_type(frame[c].dtype)) for c in frame.columns],
                                   metadata=dtypes)
                writer = pq.ParquetWriter(path, schema)
            writer.write_table(pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
            rows += len(frame)
    finally:
        if writer is not None:
            writer.close()
    return rows


def _arrow_type(dtype):
    """The Arrow type of a column of a typed chunk (text where pandas says object)."""
    import pyarrow as pa

    if isinstance(dtype, pd.Int64Dtype):
        return pa.int64()
    if isinstance(dtype, pd.DatetimeTZDtype):
        return pa.timestamp(dtype.unit, tz=str(dtype.tz))
    return pa.float64() if dtype == "float64" else pa.string()


def write_jsonl(frames: Iterable[pd.DataFrame], path: Path) -> int:
    """One JSON object per line, UTF-8, ISO timestamps. Returns the rows written."""
    rows = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for frame in frames:
            if len(frame):
                lines = iso_times(frame).to_json(orient="records", lines=True, force_ascii=False)
                handle.write(lines if lines.endswith("\n") else lines + "\n")
                rows += len(frame)
    return rows


def export(store: Store, path: Path, level: str = "article", fmt: str | None = None,
           encoding: str = "utf-8-sig", where: Iterable[str] = (),
           progress: Callable[[int], None] | None = None) -> int:
    """Write the `level` table to `path` in `fmt` (default: from the suffix); returns the row
    count. The table is written a chunk at a time to a file beside `path` that replaces it
    only when complete: a failed export leaves no half-written table, nor loses an old one.
    `progress` is called with the rows of each chunk once it is written."""
    fmt = fmt or path.suffix.lstrip(".").lower()
    writers = {"csv": lambda frames, out: write_csv(frames, out, encoding),
               "parquet": write_parquet, "jsonl": write_jsonl}
    if fmt not in writers:
        raise BadInput(f"{path}: unknown format {fmt!r}; use --format csv, parquet or jsonl")
    if not path.parent.exists():
        raise BadInput(f"{path}: folder {path.parent} does not exist; create it first")
    partial = path.with_name(f".{path.name}.partial")
    try:
        frames = table_chunks(store, level, where)
        rows = writers[fmt](_reporting(frames, progress) if progress else frames, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return rows


def _reporting(frames: Iterator[pd.DataFrame], progress: Callable[[int], None]
               ) -> Iterator[pd.DataFrame]:
    """The frames, each reported to `progress` when the writer asks for the next."""
    for frame in frames:
        yield frame
        progress(len(frame))


def table_size(store: Store, level: str) -> int | None:
    """How many rows the `level` table has before any filter: the total of an export's
    progress bar (None for claims, found as they are exported, and for unknown levels)."""
    if level == "article":
        return store.counts()["articles"]
    return Analyses(store).size(level) if level in LEVEL_TABLES else None
