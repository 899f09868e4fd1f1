"""Runs the stages over the store: pages in, raw bytes stored first, then clean articles.

The only module that reads and writes the store while processing. Each input
gives one `Outcome`; a progress callback sees them as they come, so the command
line can draw a bar while library users get plain values.
"""

from __future__ import annotations

import time
from collections import deque
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from fincorpus.corpus.analyses import Analyses, AnalysisRows, analysis_rows
from fincorpus.corpus.errors import BadInput, NotAnArticle
from fincorpus.corpus.model import RawPage
from fincorpus.corpus.store import Store
from fincorpus.corpus.workers import process_pool
from fincorpus.nlp.analyze import analyze_batch
from fincorpus.scrapers.extract import extract_page
from fincorpus.scrapers.fetch import Fetcher
from fincorpus.scrapers.local import read_file

#: File suffixes `add` picks up inside folders (files named directly are always tried).
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".txt")

Progress = Callable[["Outcome"], None]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one input: "added", "updated", "present" (already stored) or "failed"."""

    source: str
    status: str
    article_id: str | None = None
    title: str | None = None
    reason: str | None = None


def ingest(page: RawPage, store: Store, source: str) -> Outcome:
    """Store the raw page, then extract and store its article (or the reason there is none)."""
    raw_id, new_raw = store.put_raw(page)
    if not new_raw and (existing := store.article_for_raw(raw_id)):
        return Outcome(source, "present", existing)
    try:
        article = extract_page(page)
    except NotAnArticle as error:
        store.put_failure(raw_id, error.kind, str(error))
        return Outcome(source, "failed", reason=str(error))
    added = store.put_article(article, raw_id)
    return Outcome(source, "added" if added else "present", article.id, article.title)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and page files inside folders (sorted, recursive)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
                              and not p.name.endswith(".expected.json"))
        elif path.exists():
            yield path
        else:
            raise BadInput(f"{path}: no such file or folder; check the path")


def add_paths(paths: Iterable[Path], store: Store, progress: Progress | None = None) -> list[Outcome]:
    """Add saved HTML pages and text copies (files or folders) to the store."""
    outcomes = []
    for path in expand_paths(paths):
        try:
            outcome = ingest(read_file(path), store, str(path))
        except BadInput as error:
            outcome = Outcome(str(path), "failed", reason=str(error))
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def fetch_urls(urls: Iterable[str], store: Store, fetcher: Fetcher,
               progress: Progress | None = None) -> list[Outcome]:
    """Fetch each URL over HTTP and ingest what came back; fetch errors are outcomes too."""
    outcomes = []
    for url in urls:
        page = fetcher.fetch(url)
        if page.error:
            outcome = Outcome(url, "failed", reason=f"{url}: {page.error}")
        else:
            outcome = ingest(page, store, url)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def reprocess(store: Store, progress: Progress | None = None) -> list[Outcome]:
    """Extract every stored raw page again with the current extractors: a parser fix, no re-crawl.

    An article that comes out different replaces the stored one ("updated"); a page that
    now fails keeps its earlier article and gets its failure recorded.
    """
    outcomes = []
    for raw_id in store.raw_page_ids():
        outcome = _reextract(store, raw_id)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes


def _reextract(store: Store, raw_id: int) -> Outcome:
    page = store.raw_page(raw_id)
    source = page.final_url or page.url or f"raw page {raw_id}"
    try:
        article = extract_page(page)
    except NotAnArticle as error:
        store.put_failure(raw_id, error.kind, str(error))
        return Outcome(source, "failed", reason=str(error))
    stored = store.get_article(article.id)
    if stored is None:
        store.put_article(article, raw_id)
        return Outcome(source, "added", article.id, article.title)
    if stored.raw_page_id != raw_id or stored.article == article:
        return Outcome(source, "present", article.id, article.title)
    store.replace_article(article, raw_id)
    return Outcome(source, "updated", article.id, article.title)


def summarize(outcomes: Iterable[Outcome]) -> dict[str, int]:
    """Counts of added / updated / present / failed."""
    counts = {"added": 0, "updated": 0, "present": 0, "failed": 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return counts


@dataclass(frozen=True, slots=True)
class AnalyzeReport:
    """How many articles were analysed, how many failed (with reasons), and how long it took."""

    analyzed: int
    failures: tuple[tuple[str, str], ...]
    seconds: float


def analyze_articles(store: Store, workers: int = 1, redo: bool = False, user_dicts: tuple[str, ...] = (),
                     batch_size: int = 32, progress: Callable[[int], None] | None = None,
                     pool: Executor | None = None) -> AnalyzeReport:
    """Run the nlp stages over articles not analysed yet (all with `redo`); one writer stores them.

    Articles go in batches (the NER model tags a whole batch at once). With `workers` > 1,
    batches go to a process pool whose workers load dictionaries and models once each
    (`pool`: one the caller started and keeps, e.g. already warmed up); their rows come back
    here and each batch is written in one transaction. An article that fails is reported
    with its reason and never stops the others.
    """
    if workers < 1:
        raise BadInput(f"--workers must be 1 or more, got {workers}")
    started, tables = time.perf_counter(), Analyses(store)
    ids = tables.pending(redo)
    batches = [ids[i:i + batch_size] for i in range(0, len(ids), batch_size)]
    articles = ([store.get_article(i).article for i in batch] for batch in batches)
    done, failures = 0, []
    for batch, results in zip(batches, _run_batches(articles, workers, user_dicts, pool)):
        if isinstance(results, BaseException):
            results = [f"analysis failed: {type(results).__name__}: {results}"] * len(batch)
        failures += [(i, r) for i, r in zip(batch, results) if isinstance(r, str)]
        rows = [r for r in results if not isinstance(r, str)]
        tables.put_rows(rows)
        done += len(rows)
        if progress:
            progress(len(batch))
    return AnalyzeReport(done, tuple(failures), time.perf_counter() - started)


def _run_batches(batches: Iterable[list], workers: int, user_dicts: tuple[str, ...],
                 pool: Executor | None = None) -> Iterator:
    """Each batch's analyses in order (or the exception it raised), inline or in a pool."""
    if pool is not None:
        yield from _pooled(batches, pool, workers, user_dicts)
    elif workers == 1:
        for batch in batches:
            try:
                yield analysis_rows_of(batch, user_dicts)
            except Exception as error:  # noqa: BLE001 (one bad article must not stop the rest)
                yield error
    else:
        with process_pool(workers) as own:
            yield from _pooled(batches, own, workers, user_dicts)


def _pooled(batches: Iterable[list], pool: Executor, workers: int,
            user_dicts: tuple[str, ...]) -> Iterator:
    """Batches through a pool, a few ahead of the writer so that memory stays bounded."""
    window: deque[Future] = deque()
    for batch in batches:
        window.append(pool.submit(analysis_rows_of, batch, user_dicts))
        if len(window) > 2 * workers:
            yield _result(window.popleft())
    while window:
        yield _result(window.popleft())


def analysis_rows_of(articles: list, user_dicts: tuple[str, ...] = ()) -> list[AnalysisRows | str]:
    """A batch's table rows, or for an article that fails, why: what a pool worker runs.

    The batch is analysed as one; if that fails, each article alone, to find the bad one.
    """
    try:
        return [analysis_rows(a) for a in analyze_batch(articles, user_dicts)]
    except Exception:  # noqa: BLE001 (one bad article must not stop the rest)
        if len(articles) == 1:
            raise
        return [_rows_or_reason(article, user_dicts) for article in articles]


def _rows_or_reason(article, user_dicts: tuple[str, ...]) -> AnalysisRows | str:
    try:
        return analysis_rows(analyze_batch([article], user_dicts)[0])
    except Exception as error:  # noqa: BLE001
        return f"analysis failed: {type(error).__name__}: {error}"


def _result(future: Future) -> list | BaseException:
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 (one bad batch must not stop the rest)
        return error
