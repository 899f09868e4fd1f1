"""Tables for study: the store as pandas DataFrames, written as CSV, Parquet or JSON Lines.

CSV is for people: UTF-8 with a byte-order mark so Excel shows the Chinese,
one row per unit, stable column names, and no cell that a spreadsheet would
run as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from fincorpus.corpus.analyses import LEVEL_COLUMNS, Analyses, stored_analysis
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


def tables(store: Store, level: str = "article", where: Iterable[str] = ()) -> pd.DataFrame:
    """One row per unit of `level`; timestamps tz-aware, counts numeric.

    `where`: filters such as "site=www.163.com", "since=2025-10-01", "target=美国"
    (corpus/filters.py lists them); only the articles they all keep give rows.
    """
    if level not in LEVELS:
        raise BadInput(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    filters = parse_where(where)
    build = {"article": _article_table, "claim": _claim_table}.get(level)
    frame = build(store) if build else _analysis_table(store, level)
    if filters:
        frame = frame[frame["article_id"].isin(matching_ids(store, filters))].reset_index(drop=True)
    return frame


def _article_table(store: Store) -> pd.DataFrame:
    """The article level: one row per stored article."""
    frame = pd.DataFrame([_article_record(s) for s in store.articles()],
                         columns=list(ARTICLE_COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"].astype(object), utc=True)
    frame["published_at"] = frame["published_at"].dt.tz_convert("Asia/Shanghai")
    for column in ("fetched_at", "extracted_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame.astype({"n_paragraphs": "int64", "n_chars": "int64", "raw_page_id": "int64"})


def _analysis_table(store: Store, level: str) -> pd.DataFrame:
    """Sentence, entity, topic or frame rows, each with its article id and offsets."""
    analyses = Analyses(store)
    if not analyses.count() and store.counts()["articles"]:
        raise BadInput(f"no article is analysed yet, so there is no {level} table; "
                       "run fincorpus analyze first")
    return pd.DataFrame(list(analyses.records(level)), columns=list(LEVEL_COLUMNS[level]))


def _claim_table(store: Store) -> pd.DataFrame:
    """Numeric claims of every analysed article: who, what measure, what value, for when."""
    from fincorpus.nlp.claims import extract_claims

    analysed = Analyses(store).analysed()
    if not analysed and store.counts()["articles"]:
        raise BadInput("no article is analysed yet, so there is no claim table; "
                       "run fincorpus analyze first")
    rows = []
    for article_id in analysed:
        published = store.get_article(article_id).article.published_at
        rows += [c.record() for c in extract_claims(stored_analysis(store, article_id), published)]
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet keeps the types: tz-aware timestamps, integer counts."""
    frame.to_parquet(path, index=False)


def write_jsonl(frame: pd.DataFrame, path: Path) -> None:
    """One JSON object per line, UTF-8, ISO timestamps."""
    iso_times(frame).to_json(path, orient="records", lines=True, force_ascii=False)


def export(store: Store, path: Path, level: str = "article", fmt: str | None = None,
           encoding: str = "utf-8-sig", where: Iterable[str] = ()) -> int:
    """Write the `level` table to `path` in `fmt` (default: from the suffix); returns the row count."""
    fmt = fmt or path.suffix.lstrip(".").lower()
    writers = {"csv": lambda f: write_csv(f, path, encoding), "parquet": lambda f: write_parquet(f, path),
               "jsonl": lambda f: write_jsonl(f, path)}
    if fmt not in writers:
        raise BadInput(f"{path}: unknown format {fmt!r}; use --format csv, parquet or jsonl")
    if not path.parent.exists():
        raise BadInput(f"{path}: folder {path.parent} does not exist; create it first")
    frame = tables(store, level, where)
    writers[fmt](frame)
    return len(frame)
