"""The main job on the bundled sample corpus: serve it locally, crawl it, extract, store,
analyse, export, and compare two periods in an HTML report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fincorpus.corpus.crawl import CrawlReport, CrawlStatus, crawl
from fincorpus.corpus.compare import compare
from fincorpus.corpus.export import export
from fincorpus.corpus.groups import groups_from_specs
from fincorpus.corpus.frontier import FEED_KINDS
from fincorpus.corpus.model import Lead
from fincorpus.corpus.pipeline import analyze_articles
from fincorpus.corpus.report import write_report
from fincorpus.corpus.sample import sample_feeds, sample_pages, serve_sample
from fincorpus.corpus.store import Store
from fincorpus.scrapers.fetch import Fetcher, FetchSettings


@dataclass(frozen=True, slots=True)
class DemoResult:
    """Where the demo wrote its files, and what the crawl did."""

    db_path: Path
    csv_path: Path
    stance_path: Path
    report_path: Path
    seeds: tuple[Lead, ...]
    report: CrawlReport
    articles_exported: int
    analyzed: int
    stance_rows: int
    groups: tuple[tuple[str, int], ...]
    seconds: float

#: The two groups the demo compares: the sample's last quarter of 2025 against 2026.
DEMO_GROUPS = ("2025Q4=since:2025-10-01,until:2025-12-31", "2026=since:2026-01-01")


def demo_seeds(base_url: str) -> list[Lead]:
    """The first page of each sample feed (the crawl pages on by itself), and the text copies.

    Text copies are files a reader saved, not pages any feed links to, so they are seeded
    by URL, as a user would list them in a URL file.
    """
    feeds = [Lead(f"{base_url}{f.path}{'?' + f.query if f.query else ''}", f.kind)
             for f in sample_feeds() if f.kind in FEED_KINDS and not f.query.endswith("2")
             and not f.path.endswith("_02.js")]
    copies = [Lead(base_url + p.path) for p in sample_pages() if p.kind == "textcopy"]
    return feeds + copies


def run_demo(out_dir: Path, progress: Callable[[CrawlStatus], None] | None = None) -> DemoResult:
    """Crawl the sample corpus from its feeds over HTTP on 127.0.0.1, store it, export
    articles.csv, analyse every article, export stance.csv and write report.html."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path, csv_path = out_dir / "fincorpus.db", out_dir / "articles.csv"
    stance_path, report_path = out_dir / "stance.csv", out_dir / "report.html"
    # The server is our own and local: no politeness delay is needed (robots.txt is still
    # obeyed), and the sample's anti-bot page may slow the host down only a little.
    settings = FetchSettings(delay=0.0, jitter=0.0, max_slowdown=0.05)
    with serve_sample() as (base_url, _), Store(db_path) as store, Fetcher(settings) as fetcher:
        seeds = demo_seeds(base_url)
        report = crawl(store, seeds, fetcher, concurrency=4, progress=progress, extract_workers=0)
        exported = export(store, csv_path, "article", "csv")
        analyzed = analyze_articles(store).analyzed
        stance_rows = export(store, stance_path, "stance", "csv")
        groups = groups_from_specs(store, list(DEMO_GROUPS))
        write_report(compare(store, groups), report_path)
    return DemoResult(db_path, csv_path, stance_path, report_path, tuple(seeds), report, exported,
                      analyzed, stance_rows, tuple((g.name, len(g.ids)) for g in groups),
                      time.perf_counter() - started)
