"""The `fincorpus` command: a thin layer over the library; each command calls one function."""

from __future__ import annotations

import functools
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Callable, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                           TimeElapsedColumn)

from fincorpus.corpus.errors import FincorpusError
from fincorpus.corpus.export import FORMATS, LEVELS, table_size
from fincorpus.corpus.export import export as export_table
from fincorpus.corpus.pipeline import Outcome, add_paths, expand_paths, summarize
from fincorpus.corpus.pipeline import reprocess as reprocess_pages  # the command is named reprocess too
from fincorpus.corpus.store import Store, default_db_path
from fincorpus.scrapers.extract import extract_page
from fincorpus.scrapers.source import load_source

app = typer.Typer(help="Collect, clean and export Chinese financial commentary (NetEase 网易号 and more).",
                  no_args_is_help=True, add_completion=False, rich_markup_mode="markdown")
err = Console(stderr=True)
out = Console(highlight=False)

#: Keys of `extract --json`, in this order: the documented ones first.
JSON_KEYS = ("url", "docid", "site", "title", "author", "published_at", "paragraphs", "extractor",
             "source", "editor", "channel", "captions", "images", "flags", "encoding",
             "reading_order")

DbOption = Annotated[Path, typer.Option("--db", envvar="FINCORPUS_DB",
                                        help="Store file (default ./fincorpus.db, or $FINCORPUS_DB).",
                                        default_factory=default_db_path, show_default=False)]


def friendly_errors(command: Callable) -> Callable:
    """Turn a FincorpusError into one line on stderr and exit status 1 (never a traceback)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except FincorpusError as error:
            err.print(f"[red]error:[/red] {error}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def outcome_bar(total: int, label: str) -> Iterator[Callable[[Outcome], None]]:
    """A progress bar on stderr advanced once per outcome, with running counts."""
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[counts]}"),
               TimeElapsedColumn())
    counts = {"added": 0, "updated": 0, "present": 0, "failed": 0}
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task(label, total=total, counts="")

        def advance(outcome: Outcome) -> None:
            counts[outcome.status] += 1
            bar.update(task, advance=1, counts=" ".join(f"{k} {v}" for k, v in counts.items() if v))

        yield advance


def print_outcomes(outcomes: list[Outcome], show_present: bool = True) -> None:
    """One line per input (added with its title, or why it failed), then the totals."""
    for o in outcomes:
        if o.status == "added":
            out.print(f"added    {o.source}: {o.title or '(no title)'} (article {o.article_id})",
                      soft_wrap=True, markup=False)
        elif o.status == "failed":
            out.print(f"failed   {o.reason}", soft_wrap=True, markup=False)  # names the input
        elif o.status == "updated":
            out.print(f"updated  {o.source} (article {o.article_id})", soft_wrap=True)
        elif o.status == "present" and show_present:
            out.print(f"present  {o.source} (article {o.article_id})", soft_wrap=True)
    counts = summarize(outcomes)
    updated = f"{counts['updated']} updated, " if counts["updated"] else ""
    out.print(f"{counts['added']} added, {updated}{counts['present']} already present, "
              f"{counts['failed']} failed")


@app.command()
@friendly_errors
def add(paths: Annotated[list[Path], typer.Argument(help="HTML files, text copies or folders.")],
        db: DbOption) -> None:
    """Add saved HTML pages and copied-text pages to the store.

    Example: fincorpus add saved_pages/ article.html copy.txt --db study.db
    """
    files = list(expand_paths(paths))
    with Store(db) as store, outcome_bar(len(files), "adding") as progress:
        outcomes = add_paths(files, store, progress)
    print_outcomes(outcomes)
    if outcomes and all(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


@app.command()
@friendly_errors
def extract(source: Annotated[str, typer.Argument(help="An HTML file, a text copy, or an http(s) URL.")],
            as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Extract one page to a clean article, printed; nothing is stored.

    Example: fincorpus extract https://www.163.com/dy/article/K8A1B2C3D4E5F6G7.html --json
    """
    article = extract_page(load_source(source))
    if as_json:
        data = article.as_dict()
        record = {key: data[key] for key in JSON_KEYS}
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        return
    out.print(f"[bold]{article.title or '(no title)'}[/bold]", highlight=False)
    meta = [article.author or article.source, article.published_at and article.published_at.isoformat()]
    out.print(" · ".join(str(m) for m in meta if m), style="dim")
    for paragraph in article.paragraphs:
        out.print(paragraph, soft_wrap=True, markup=False)


@app.command()
@friendly_errors
def export(output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
           db: DbOption,
           level: Annotated[str, typer.Option(help=f"Unit per row: {', '.join(LEVELS)}.")] = "article",
           fmt: Annotated[Optional[str], typer.Option("--format", help=f"{', '.join(FORMATS)} "
                                                      "(default: from the file suffix).")] = None,
           encoding: Annotated[str, typer.Option(help="CSV encoding; utf-8-sig puts the BOM "
                                                 "Excel needs.")] = "utf-8-sig",
           where: Annotated[Optional[list[str]], typer.Option(
               help="Keep some articles: site=, author=, source=, since=YYYY-MM-DD, until=, "
                    "topic=, target=, id=; repeatable, all must hold.")] = None) -> None:
    """Export a table as CSV (Excel-ready), Parquet or JSON Lines.

    Tables: articles, or sentences, entities, topics, frames, stances, claims (--level).

    Example: fincorpus export --level stance --where target=美国 --where since=2025-10-01 -o us.csv
    """
    with Store(db) as store:
        total = None if where else table_size(store, level)
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("exporting", total=total)
            rows = export_table(store, output, level, fmt, encoding, where or (),
                                progress=lambda n: bar.advance(task, n))
    out.print(f"wrote {rows} rows to {output}")


@app.command()
@friendly_errors
def demo(out_dir: Annotated[Path, typer.Option("--out", help="Folder for the store and the CSV.")]
         = Path("fincorpus-demo")) -> None:
    """Run the whole chain on the bundled sample corpus, offline.

    Serves the sample pages and their feeds on 127.0.0.1, crawls them over HTTP
    (discovering the articles from the feeds), extracts, stores and exports articles.csv,
    analyses every article (words, entities, topics, frames, stance), exports stance.csv
    and compares the last quarter of 2025 with 2026 in report.html.

    Example: fincorpus demo --out /tmp/demo
    """
    from fincorpus.corpus.demo import run_demo

    with crawl_bar() as progress:
        result = run_demo(out_dir, progress)
    c = result.report.counts
    out.print(f"sample corpus: crawled from {len(result.seeds)} seeds (author feed, channel feed, "
              f"media page, sitemap, text copies); {c['fetched']} pages fetched over HTTP in "
              f"{result.seconds:.1f} s", soft_wrap=True)
    out.print(f"  {c['feeds']} feed pages read; {c['added']} articles added, {c['present']} already "
              f"present, {c['failed']} pages without an article (the sample holds a deleted page and "
              "an anti-bot page on purpose):", soft_wrap=True)
    for _, reason in result.report.failures:
        out.print(f"    {reason}", style="dim", soft_wrap=True, markup=False)
    out.print(f"store:    {result.db_path}")
    out.print(f"articles: {result.csv_path} ({result.articles_exported} rows, UTF-8 with BOM)")
    out.print(f"stance:   {result.stance_path} ({result.stance_rows} rows: each article and "
              f"sentence toward each target it names; {result.analyzed} articles analysed)",
              soft_wrap=True)
    groups = " vs ".join(f"{name} ({n} articles)" for name, n in result.groups)
    out.print(f"report:   {result.report_path} (framing compared: {groups})", soft_wrap=True)


Repeat = typer.Option  # options that may be given several times, typed as lists below


@app.command()
@friendly_errors
def crawl(
    db: DbOption,
    urls: Annotated[Optional[list[str]], typer.Argument(help="Article URLs, or feed/list/sitemap URLs.")] = None,
    url_file: Annotated[Optional[Path], typer.Option("--urls", help="File of URLs: one per line, or a CSV.")] = None,
    column: Annotated[Optional[str], typer.Option(help="CSV column holding the URLs.")] = None,
    author: Annotated[Optional[list[str]], Repeat(help="网易号 account: W… id (JSON feed), T… id or URL.")] = None,
    channel: Annotated[Optional[list[str]], Repeat(help="Channel feed name (money, guoji, …) or URL.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only articles published on or after (2025-10-01).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only articles published on or before.")] = None,
    max_pages: Annotated[Optional[int], typer.Option(min=1, help="Fetch at most N article pages this run.")] = None,
    max_feed_pages: Annotated[int, typer.Option(min=1, help="Follow each feed at most N pages deep.")] = 50,
    allow_host: Annotated[Optional[list[str]], Repeat(help="Only follow links to these hosts "
                                                      "(default: the seeds' hosts and 163.com).")] = None,
    delay: Annotated[float, typer.Option(min=0, help="Seconds between requests to one host.")] = 1.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Worker threads (across hosts).")] = 1,
    contact: Annotated[Optional[str], typer.Option(help="Your e-mail or URL, sent in the User-Agent.")] = None,
    ignore_robots: Annotated[bool, typer.Option(help="Do not obey robots.txt (recorded in the store).")] = False,
    retry_failed: Annotated[bool, typer.Option(help="Fetch again the URLs that failed before.")] = False,
    refresh: Annotated[bool, typer.Option(help="Re-check fetched articles (conditional GET).")] = False,
    list_only: Annotated[bool, typer.Option("--list", help="Print what would be fetched; fetch nothing.")] = False,
) -> None:
    """Crawl NetEase articles, author feeds, channel feeds and sitemaps into the store; resumable.

    Run it again (with or without the same arguments) to resume after an interruption.

    Example: fincorpus crawl --author W1234567890 --since 2025-10-01 --contact me@uni.edu
    """
    from fincorpus.corpus.crawl import Scope, crawl as run_crawl
    from fincorpus.corpus.seeds import parse_when, preview, seeds_from
    from fincorpus.scrapers.fetch import Fetcher, FetchSettings

    seeds = seeds_from(urls or (), url_file, column, author or (), channel or ())
    scope = Scope(since=None if since is None else parse_when(since),
                  until=None if until is None else parse_when(until, end_of_day=True),
                  max_pages=max_pages, max_feed_pages=max_feed_pages, allow_hosts=tuple(allow_host or ()))
    with Store(db) as store:
        if list_only:
            plan = preview(store, seeds)
            for lead in plan:
                out.print(f"{lead.kind:12} {lead.url}  {lead.title or ''}".rstrip(), soft_wrap=True, markup=False)
            out.print(f"{len(plan)} URLs would be fetched first (feeds add more as they are read)")
            return
        if ignore_robots:
            err.print("[yellow]warning:[/yellow] --ignore-robots: robots.txt is not obeyed; this run "
                      "records that in the store", highlight=False)
        settings = FetchSettings(delay=delay, contact=contact, obey_robots=not ignore_robots)
        with Fetcher(settings) as fetcher, crawl_bar() as progress:
            report = run_crawl(store, seeds, fetcher, scope, concurrency, retry_failed, refresh, progress)
    print_crawl_report(report)


@contextmanager
def crawl_bar() -> Iterator[Callable]:
    """A spinner line with pages done, failed, queued and the rate (the total grows as feeds are read)."""
    columns = (SpinnerColumn(), TextColumn("crawling  {task.fields[status]}"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("crawl", total=None, status="")

        def show(s) -> None:
            bar.update(task, status=f"done {s.done}  failed {s.failed}  queued {s.queued}  {s.rate:.1f}/s")

        yield show


def print_crawl_report(report) -> None:
    """The summary: counts, rate, hosts slowed down, and each failure with its reason."""
    c = report.counts
    out.print(f"crawl: {c['fetched']} pages fetched in {report.seconds:.1f} s ({report.rate:.1f}/s): "
              f"{c['added']} articles added, {c['present']} already present, {c['unchanged']} unchanged, "
              f"{c['failed']} failed, {c['skipped']} skipped", soft_wrap=True)
    out.print(f"       {c['feeds']} feed pages read, {c['discovered']} new URLs queued, "
              f"{c['out_of_scope']} out of scope, {report.queued_left} still queued", soft_wrap=True)
    for host, n in sorted(report.slowed_hosts.items()):
        out.print(f"slowed down {host}: {n} anti-bot responses (403/429, empty or title-only pages)")
    for url, reason in report.failures[:50]:
        out.print(f"  {reason}", style="dim", soft_wrap=True, markup=False)
    if len(report.failures) > 50:
        out.print(f"  … and {len(report.failures) - 50} more (fincorpus crawl --list shows the queue)")
    if report.queued_left:
        out.print("run the same command again to continue")


@app.command()
@friendly_errors
def reprocess(db: DbOption) -> None:
    """Extract every stored raw page again with the current extractors; nothing is re-fetched.

    Run it after upgrading fincorpus: articles that come out different are updated.

    Example: fincorpus reprocess --db study.db
    """
    with Store(db) as store:
        total = store.counts()["raw_pages"]
        with outcome_bar(total, "re-extracting") as progress:
            outcomes = reprocess_pages(store, progress)
    print_outcomes(outcomes, show_present=False)


@app.command()
@friendly_errors
def info(db: DbOption) -> None:
    """How many raw pages, articles and failed pages the store holds.

    Example: fincorpus info --db study.db
    """
    with Store(db) as store:
        counts, failures = store.counts(), store.failures()
    out.print(f"{db}: {counts['raw_pages']} raw pages, {counts['articles']} articles, "
              f"{counts['extraction_failures']} pages without an article")
    for failure in failures:
        out.print(f"  {failure.kind:12} {failure.reason}", soft_wrap=True)


def main() -> None:
    """Console-script entry point."""
    app()


# The analysis, stance and annotation commands live in their own modules; importing them
# registers them on `app`.
from fincorpus.corpus import (  # noqa: E402, F401
    cli_annotate, cli_compare, cli_dataset, cli_nlp, cli_stance)

if __name__ == "__main__":
    main()
