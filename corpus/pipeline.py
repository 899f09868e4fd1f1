"""Runs the stages over the store: pages in, raw bytes stored first, then clean articles.

The only module that reads and writes the store while processing. Each input
gives one `Outcome`; a progress callback sees them as they come, so the command
line can draw a bar while library users get plain values.
"""

from __future__ import annotations

import math
import time
from collections import deque
from contextlib import nullcontext
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

from fincorpus.corpus.analyses import Analyses, AnalysisRows, analysis_rows
from fincorpus.corpus.errors import BadInput, NotAnArticle
from fincorpus.corpus.model import RawPage
from fincorpus.corpus.store import Store
from fincorpus.corpus.workers import process_pool
from fincorpus.nlp.analyze import AnalyzerSettings, analyze_batch, collection_paused
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


#: Characters of article text per batch of `analyze_articles`: a batch pays fixed costs (a
#: Viterbi step per character of its longest sentence, a commit, every array scan's set-up),
#: so large batches run faster (1.3x at 300k characters against 30k), while a worker's
#: memory stays well under a gigabyte.
BATCH_CHARS = 300_000


def analyze_articles(store: Store, workers: int = 1, redo: bool = False,
                     settings: AnalyzerSettings = AnalyzerSettings(),
                     batch_chars: int = BATCH_CHARS, progress: Callable[[int], None] | None = None,
                     pool: Executor | None = None, remote: bool = False) -> AnalyzeReport:
    """Run the nlp stages over articles not analysed yet (all with `redo`) and store the results.

    Articles go in batches of ids, about `batch_chars` characters each (the NER model tags a
    whole batch at once; see `sized_batches`). Whoever
    analyses a batch reads its articles and writes its results, in one transaction per
    batch: this process with one worker, else each process of a pool (`pool`: one the
    caller started and keeps, e.g. warmed up), so that this process only hands out ids and
    two workers run twice as fast as one. SQLite lets one writer in at a time; a batch's
    write takes milliseconds, and the others wait for it (busy timeout). A killed run keeps
    every batch written so far; the next run does the rest. An article that fails is
    reported with its reason and never stops the others.

    `remote`: the pool's `workers` cannot open the store file (a Dask cluster, through
    `Client.get_executor()`; `workers` its threads). This process then reads each batch's
    articles and sends them, the workers run the pure `analysis_rows_of` and send back the
    rows, and this process writes them, a batch per transaction as before.
    """
    if workers < 1:
        raise BadInput(f"--workers must be 1 or more, got {workers}")
    started = time.perf_counter()
    batches = sized_batches(Analyses(store).pending_sizes(redo), batch_chars, workers)
    done, failures = 0, []
    if remote and pool is None:
        raise BadInput("remote=True needs the pool its workers run in (a Dask client's "
                       "get_executor())")
    run = _run_remote(store, batches, workers, settings, pool) if remote else \
        _run_batches(store, batches, workers, settings, pool)
    for batch, outcome in zip(batches, run):
        if isinstance(outcome, BaseException):
            outcome = (0, [(i, f"analysis failed: {type(outcome).__name__}: {outcome}")
                           for i in batch])
        done += outcome[0]
        failures += outcome[1]
        if progress:
            progress(len(batch))
    return AnalyzeReport(done, tuple(failures), time.perf_counter() - started)


def sized_batches(sizes: list[tuple[str, int]], batch_chars: int = BATCH_CHARS,
                  workers: int = 1) -> list[list[str]]:
    """Ids in order, cut into batches of about `batch_chars` characters (each closed by the
    article that fills it). With several workers the batches are a multiple of the workers
    in number, each a little smaller to match, so that the workers finish together."""
    if workers > 1:
        total = sum(size for _, size in sizes)
        count = math.ceil(max(1, math.ceil(total / batch_chars)) / workers) * workers
        batch_chars = max(1, math.ceil(total / count))
    batches: list[list[str]] = []
    batch: list[str] = []
    filled = 0
    for article_id, size in sizes:
        batch.append(article_id)
        filled += size
        if filled >= batch_chars:
            batches.append(batch)
            batch, filled = [], 0
    return batches + [batch] if batch else batches


def _run_batches(store: Store, batches: list[list[str]], workers: int, settings: AnalyzerSettings,
                 pool: Executor | None = None) -> Iterator:
    """Each batch's outcome in order (or the exception it raised), inline or in a pool."""
    if pool is None and workers == 1:
        for batch in batches:
            try:
                yield analyze_stored(store, batch, settings)
            except Exception as error:  # noqa: BLE001 (one bad batch must not stop the rest)
                yield error
        return
    with nullcontext(pool) if pool is not None else process_pool(workers) as running:
        jobs = ((batch, running.submit(analyze_stored, str(store.path), batch, settings))
                for batch in batches)
        for _, future in _in_flight(jobs, 2 * workers):
            yield _result(future)


def _run_remote(store: Store, batches: list[list[str]], workers: int,
                settings: AnalyzerSettings, pool: Executor) -> Iterator:
    """`_run_batches` for `workers` that cannot reach the store: articles out, rows back,
    this process the one writer."""
    jobs = ((articles, pool.submit(analysis_rows_of, articles, settings))
            for articles in ([found.article for found in map(store.get_article, batch) if found]
                             for batch in batches))
    for articles, future in _in_flight(jobs, 2 * workers):
        outcomes = _result(future)
        yield outcomes if isinstance(outcomes, BaseException) else \
            _store_outcomes(store, articles, outcomes)


def _in_flight(jobs: Iterator[tuple], ahead: int) -> Iterator[tuple]:
    """(data, future) jobs in order, each taken once `ahead` more are submitted (or none are
    left): the pool stays busy, and memory stays bounded however many batches there are."""
    window: deque[tuple] = deque()
    for job in jobs:
        window.append(job)
        if len(window) > ahead:
            yield window.popleft()
    yield from window


def analyze_stored(where: Store | str, ids: list[str],
                   settings: AnalyzerSettings = AnalyzerSettings()
                   ) -> tuple[int, list[tuple[str, str]]]:
    """Read, analyse and store one batch of articles: what each worker runs.

    `where` is the store, or in a pool worker its path (the worker opens it once).
    Returns how many were stored and, for those that failed, why.
    """
    store = where if isinstance(where, Store) else _worker_store(where)
    with collection_paused():  # the batch's objects are all gone when collections resume
        return _analyze_and_store(store, ids, settings)


def _analyze_and_store(store: Store, ids: list[str], settings: AnalyzerSettings
                       ) -> tuple[int, list[tuple[str, str]]]:
    articles = [stored.article for stored in map(store.get_article, ids) if stored]
    return _store_outcomes(store, articles, analysis_rows_of(articles, settings))


def _store_outcomes(store: Store, articles: list, outcomes: list[AnalysisRows | str]
                    ) -> tuple[int, list[tuple[str, str]]]:
    """Write a batch's rows in one transaction; how many were stored, and why the rest failed."""
    rows = [o for o in outcomes if not isinstance(o, str)]
    Analyses(store).put_rows(rows)
    failed = [(a.id, o) for a, o in zip(articles, outcomes) if isinstance(o, str)]
    return len(rows), failed


@lru_cache(maxsize=2)
def _worker_store(path: str) -> Store:
    """This worker's own connection to the store, opened on its first batch."""
    return Store(path)


def analysis_rows_of(articles: list, settings: AnalyzerSettings = AnalyzerSettings()
                     ) -> list[AnalysisRows | str]:
    """A batch's table rows, or for an article that fails, why.

    The batch is analysed as one; if that fails, each article alone, to find the bad one.
    """
    try:
        return [analysis_rows(a) for a in analyze_batch(articles, settings)]
    except Exception:  # noqa: BLE001 (one bad article must not stop the rest)
        if len(articles) == 1:
            raise
        return [_rows_or_reason(article, settings) for article in articles]


def _rows_or_reason(article, settings: AnalyzerSettings) -> AnalysisRows | str:
    try:
        return analysis_rows(analyze_batch([article], settings)[0])
    except Exception as error:  # noqa: BLE001
        return f"analysis failed: {type(error).__name__}: {error}"


def _result(future: Future) -> tuple | BaseException:
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001 (one bad batch must not stop the rest)
        return error
