"""`fincorpus crawl` in-process: what it prints, what it stores, and its one-line errors.

Every run fetches the sample corpus over real HTTP from serve_sample() on 127.0.0.1,
with --delay 0; `hits` counts what the server was asked.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fincorpus.corpus.cli import app
from fincorpus.corpus.frontier import Frontier
from fincorpus.corpus.model import Lead
from fincorpus.corpus.sample import serve_sample
from fincorpus.corpus.store import Store
from typer.testing import Result

ARTICLE = "/dy/article/KJ2A7Q3M0556F1TX.html"
OTHER = "/dy/article/KIU3D8PL0519C7AB.html"
LEGACY = "/money/20/0807/07/FJ5N2P8R00259DLP.html"  # in the sitemap, published 2020-08-07 07:45
SITEMAP_PAGES = 6


@pytest.fixture
def server():
    """(base URL, hits by path) of a running sample server."""
    hits: Counter = Counter()
    with serve_sample(hits=hits) as (base, _):
        yield base, hits


def crawl(runner, db: Path, *args: str) -> Result:
    return runner.invoke(app, ["crawl", *args, "--db", str(db), "--delay", "0"])


def stored(db: Path, sql: str) -> list[tuple]:
    with Store(db) as store:
        return store.rows(sql)


def test_crawl_a_feed_url_prints_the_summary_and_stores_its_articles(runner, db_path, server):
    """A sitemap URL on the command line is read as a feed, and its pages become articles."""
    base, _ = server
    result = crawl(runner, db_path, f"{base}/sitemap.xml")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"crawl: {SITEMAP_PAGES} pages fetched in ")
    assert f"{SITEMAP_PAGES} articles added" in result.stdout and "1 feed pages read" in result.stdout
    assert stored(db_path, "SELECT count(*) FROM articles") == [(SITEMAP_PAGES,)]


def test_list_prints_seeds_and_the_stored_queue_and_fetches_nothing(runner, db_path, server):
    """--list is a dry run: not even robots.txt is asked for, and no page lands in the store."""
    base, hits = server
    with Store(db_path) as store:  # a queue as a killed run leaves it
        Frontier(store).add([Lead(base + OTHER)])
    result = runner.invoke(app, ["crawl", "--list", f"{base}/sitemap.xml", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"sitemap      {base}/sitemap.xml",
                                          f"article      {base}{OTHER}",
                                          "2 URLs would be fetched first (feeds add more as they are read)"]
    assert hits == Counter() and stored(db_path, "SELECT count(*) FROM raw_pages") == [(0,)]


def test_urls_file_one_per_line(runner, db_path, tmp_path, server):
    """Comments and blank lines are skipped; a tracking variant is the same article."""
    base, hits = server
    urls = tmp_path / "seeds.txt"
    urls.write_text(f"# October\n\n{base}{ARTICLE}\n{base}{ARTICLE}?f=post2020_dy_recommends\n"
                    f"{base}{OTHER}\n", encoding="utf-8")
    result = crawl(runner, db_path, "--urls", str(urls))
    assert result.exit_code == 0, result.output
    assert "2 articles added" in result.stdout and hits[ARTICLE] == 1


def test_urls_csv_column(runner, db_path, tmp_path, server):
    """--column picks the URL column of a spreadsheet export; other URL columns are left alone."""
    base, hits = server
    sheet = tmp_path / "export.csv"
    sheet.write_text(f"\ufefftitle,source,target\n美债,{base}{OTHER},{base}{ARTICLE}\n", encoding="utf-8")
    result = crawl(runner, db_path, "--urls", str(sheet), "--column", "target")
    assert result.exit_code == 0, result.output
    assert "1 articles added" in result.stdout
    assert hits[ARTICLE] == 1 and hits[OTHER] == 0


@pytest.mark.parametrize("args, words", [
    (["--author", "宏观视界君"], "expected a wemediaId"),
    (["--channel", "finance"], "expected an http(s) URL or one of"),
    (["--since", "notadate"], "'notadate' is not a date"),
    (["--until", ""], "'' is not a date"),
    (["--urls", "missing.txt"], "cannot read the URL file"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_1(runner, db_path, tmp_path, monkeypatch, args, words):
    """A typo costs one readable line, never a traceback, and is caught before the store is opened."""
    monkeypatch.chdir(tmp_path)
    result = crawl(runner, db_path, *args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: ") and words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not db_path.exists()


def test_ignore_robots_warns_and_is_recorded_in_the_run(runner, db_path, server):
    """Ignoring robots.txt is never silent: a warning now, and a record in the store for later."""
    base, hits = server
    result = crawl(runner, db_path, "--ignore-robots", base + ARTICLE)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("warning: --ignore-robots")
    ((settings,),) = stored(db_path, "SELECT settings FROM crawl_runs")
    assert json.loads(settings)["ignore_robots"] is True and hits["/robots.txt"] == 0


def test_same_crawl_twice_fetches_nothing_the_second_time(runner, db_path, server):
    """A finished crawl run again is a no-op: every page is already in the store."""
    base, hits = server
    first = crawl(runner, db_path, base + ARTICLE)
    second = crawl(runner, db_path, base + ARTICLE)
    assert first.stdout.startswith("crawl: 1 pages fetched") and "1 articles added" in first.stdout
    assert second.exit_code == 0 and second.stdout.startswith("crawl: 0 pages fetched")
    assert hits[ARTICLE] == 1


@pytest.mark.parametrize("day", ["2020-08-07", "20200807"])
def test_until_a_day_includes_that_whole_day(runner, db_path, server, day):
    """Both ISO spellings of a day mean its end, so a page from that morning is kept."""
    base, hits = server
    result = crawl(runner, db_path, f"{base}/sitemap.xml", "--until", day)
    assert result.exit_code == 0, result.output
    assert hits[LEGACY] == 1
    assert ("https://money.163.com/20/0807/07/FJ5N2P8R00259DLP.html",) in stored(
        db_path, "SELECT url FROM articles")
