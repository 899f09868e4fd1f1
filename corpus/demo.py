"""The main job on the bundled sample corpus: serve it locally, fetch, extract, store, export."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from fincorpus.corpus.export import export
from fincorpus.corpus.pipeline import Outcome, Progress, fetch_urls, summarize
from fincorpus.corpus.sample import serve_sample
from fincorpus.corpus.store import Store
from fincorpus.scrapers.fetch import Fetcher, FetchSettings


@dataclass(frozen=True, slots=True)
class DemoResult:
    """Where the demo wrote its files, and what happened to each page."""

    db_path: Path
    csv_path: Path
    outcomes: tuple[Outcome, ...]
    articles_exported: int
    seconds: float

    @property
    def counts(self) -> dict[str, int]:
        return summarize(self.outcomes)


def run_demo(out_dir: Path, progress: Progress | None = None) -> DemoResult:
    """Fetch every sample page over HTTP from 127.0.0.1, store it, and export articles.csv."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path, csv_path = out_dir / "fincorpus.db", out_dir / "articles.csv"
    # The server is our own and local: no politeness delay is needed.
    settings = FetchSettings(delay=0.0)
    with serve_sample() as (base_url, pages), Store(db_path) as store, Fetcher(settings) as fetcher:
        outcomes = fetch_urls([base_url + page.path for page in pages], store, fetcher, progress)
        exported = export(store, csv_path, "article", "csv")
    return DemoResult(db_path, csv_path, tuple(outcomes), exported, time.perf_counter() - started)
