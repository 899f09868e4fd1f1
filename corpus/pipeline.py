"""Runs the stages over the store: pages in, raw bytes stored first, then clean articles.

The only module that reads and writes the store while processing. Each input
gives one `Outcome`; a progress callback sees them as they come, so the command
line can draw a bar while library users get plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from fincorpus.corpus.errors import BadInput, NotAnArticle
from fincorpus.corpus.model import RawPage
from fincorpus.corpus.store import Store
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
