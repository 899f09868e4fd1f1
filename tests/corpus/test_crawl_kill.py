"""A crawl killed with SIGKILL part-way resumes: nothing stored is fetched again or lost, no duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fincorpus.corpus.sample import sample_pages
from tests.support.site import Route, Site

PAGES = 40
DOCID = b"KJ2A7Q3M0556F1TX"


def docid(i: int) -> str:
    return f"KJ2A7Q3M0556{i:04d}"


def article_site() -> Site:
    """40 distinct 网易号 pages, each answering after 50 ms, so a crawl takes a couple of seconds."""
    page = next(p for p in sample_pages() if p.kind == "dy").body()
    return Site({f"/dy/article/{docid(i)}.html": Route(body=page.replace(DOCID, docid(i).encode()),
                                                       delay=0.05) for i in range(PAGES)})


def run_crawl(db: Path, urls: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "fincorpus.corpus.cli", "crawl", "--db", str(db),
               "--urls", str(urls), "--delay", "0", "--concurrency", "2"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stored(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # schema not created yet
            return []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only")
def test_sigkill_part_way_then_resume(tmp_path):
    db, urls = tmp_path / "crawl.db", tmp_path / "urls.txt"
    with article_site() as site:
        urls.write_text("\n".join(site.url(f"/dy/article/{docid(i)}.html") for i in range(PAGES)))
        process = run_crawl(db, urls)
        deadline = time.monotonic() + 60
        while len(stored(db, "SELECT id FROM articles")) < 8:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "crawl made no progress"
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        before = {url for (url,) in stored(db, "SELECT url FROM raw_pages")}
        assert 8 <= len(before) < PAGES, "the kill came too late to test a resume"

        resumed = run_crawl(db, urls)
        output, errors = resumed.communicate(timeout=120)
        assert resumed.returncode == 0, errors.decode()

        hits = {site.url(path): site.hits(path) for path in site.routes}
    assert len(stored(db, "SELECT id FROM articles")) == PAGES
    assert len(stored(db, "SELECT id FROM raw_pages")) == PAGES
    assert stored(db, "SELECT count(*) FROM frontier WHERE state != 'done'") == [(0,)]
    # A page stored before the kill was never asked for again; pages in flight at the kill may be.
    assert all(hits[url] == 1 for url in before)
    assert sum(hits.values()) <= PAGES + 2
