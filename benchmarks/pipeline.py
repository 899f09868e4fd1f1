"""Analysis benchmark: `analyze` over the sample corpus replicated to about 5 MB, vs bare jieba.lcut.

Usage: python benchmarks/pipeline.py [--mb 5] [--floor ratio=1.5 --floor scaling=1.8] [--json OUT]

The bundled sample pages are extracted once and their articles stored again and again under
new DOCIDs until the articles' text reaches --mb megabytes (UTF-8). Timed in the same run, on
the same texts:
- jieba: a bare `jieba.Tokenizer()`'s `lcut(text)` (HMM on, as `jieba.lcut` defaults) over
  every article's text, its dictionary loaded before the clock starts;
- analyze, 1 worker: `analyze_articles(store, workers=1)` on a fresh copy of the store:
  sentences, words, entities (the NER model included), topics, frames, and every row written
  to SQLite; the stages loaded before the clock starts (one warm-up article);
- analyze, 2 workers: the same through a pool of 2 processes, each worker warmed up first.
The three take turns --repeats times and the best time of each counts; a cold run with 2
workers (loading included) is printed too. ratio = analyze with 1 worker / jieba (goal:
at most 1.5); scaling = 1 worker's time / 2 workers' (goal: at least 1.8). Floors make the exit
status 1 when missed. Scaling needs two idle cores: other load on the machine lowers it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import jieba
from fincorpus.corpus.analyses import Analyses
from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Article, RawPage
from fincorpus.corpus.pipeline import BATCH_CHARS, analyze_articles
from fincorpus.corpus.sample import sample_pages
from fincorpus.corpus.store import Store
from fincorpus.corpus.workers import process_pool
from fincorpus.nlp.analyze import analyze_batch
from fincorpus.scrapers.extract import extract_page
from floors import parse_floors


def sample_articles() -> list[tuple[Article, bytes]]:
    """Every article of the bundled sample pages, with the page it came from."""
    found = []
    for page in sample_pages():
        raw = RawPage(url="http://127.0.0.1" + page.path, body=page.body(),
                      headers={"Content-Type": page.content_type})
        try:
            found.append((extract_page(raw), raw.body))
        except NotAnArticle:
            continue
    return found


def build_store(path: Path, megabytes: float) -> tuple[int, int, int]:
    """A store holding copies of the sample articles up to `megabytes` of text.

    Returns (articles, characters, UTF-8 bytes) of the article text stored.
    """
    originals = sample_articles()
    target = int(megabytes * 1_000_000)
    articles = chars = size = 0
    with Store(path) as store:
        copy = 0
        while size < target:
            with store.transaction():
                for index, (article, body) in enumerate(originals):
                    docid = f"BENCH{copy:05d}{index:03d}"
                    url = f"https://www.163.com/dy/article/{docid}.html"
                    raw_id, _ = store.put_raw(RawPage(url=url, body=body + docid.encode()))
                    store.put_article(replace(article, docid=docid, url=url), raw_id)
                    articles += 1
                    chars += len(article.text)
                    size += len(article.text.encode("utf-8"))
            copy += 1
    return articles, chars, size


def texts_of(path: Path) -> list[str]:
    with Store(path) as store:
        return [stored.article.text for stored in store.articles()]


def time_jieba(texts: list[str], clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds for a bare jieba.Tokenizer's lcut over every text (dictionary loaded first),
    by `clock` (wall time; analyze_split.py asks for process time)."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.lcut("预热")
    began = clock()
    for text in texts:
        tokenizer.lcut(text)
    return clock() - began


def warm(articles: list[Article]) -> int:
    """In a worker: load every stage by analysing a few articles; returns the worker's pid."""
    analyze_batch(articles)
    time.sleep(1.0)  # keep this worker busy so the other warm-up goes to the other worker
    return os.getpid()


def timed_analyze(source: Path, copy: Path, workers: int, pool=None,
                  batch_chars: int = BATCH_CHARS) -> float:
    """Seconds for analyze_articles over a fresh copy of the store (all articles analysed)."""
    shutil.copy(source, copy)
    os.sync()  # the last run's ~100 MB of writes go to disk now, not during this run's clock
    with Store(copy) as store:
        expected = len(Analyses(store).pending())
        began = time.perf_counter()
        report = analyze_articles(store, workers=workers, pool=pool, batch_chars=batch_chars)
        seconds = time.perf_counter() - began
    if report.analyzed != expected:
        reasons = sorted({reason for _, reason in report.failures})
        raise SystemExit(f"error: analyze stored {report.analyzed} of {expected} articles "
                         f"with {workers} worker(s): {'; '.join(reasons)[:300]}")
    return seconds


def measure(source: Path, folder: Path, texts: list[str], repeats: int,
            batch_chars: int = BATCH_CHARS) -> dict[str, float]:
    """Best of `repeats` for jieba, analyze with 1 worker and with 2 (taking turns, so load
    from elsewhere hits them alike), then one cold run with 2 workers (loading included)."""
    with Store(source) as store:
        first = store.get_article(Analyses(store).pending()[0]).article
    best = {"jieba": float("inf"), "1": float("inf"), "2": float("inf")}
    with process_pool(2) as pool:
        pids = {f.result() for f in [pool.submit(warm, [first]) for _ in range(2)]}
        if len(pids) != 2:
            print(f"warning: only {len(pids)} of 2 workers warmed up", file=sys.stderr)
        analyze_batch([first])  # this process's stages, for the 1-worker runs
        for run in range(repeats):  # a new file each run: workers keep their connections
            best["jieba"] = min(best["jieba"], time_jieba(texts))
            best["1"] = min(best["1"], timed_analyze(source, folder / f"one-{run}.db", 1,
                                                    batch_chars=batch_chars))
            best["2"] = min(best["2"], timed_analyze(source, folder / f"two-{run}.db", 2, pool,
                                                    batch_chars=batch_chars))
    best["2 cold"] = timed_analyze(source, folder / "cold.db", 2, batch_chars=batch_chars)
    return best


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="megabytes of article text")
    parser.add_argument("--floor", action="append", default=[], metavar="NAME=VALUE",
                        help="ratio=MAX (analyze 1 worker / jieba) or scaling=MIN (1 / 2 workers)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument("--batch-chars", type=int, default=BATCH_CHARS,
                        help="characters of article text per batch (analyze's default)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    args.floors = parse_floors(parser, args.floor, ("ratio", "scaling"), "scaling=1.8")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "corpus.db"
        articles, chars, size = build_store(source, args.mb)
        texts = texts_of(source)
        print(f"corpus: {articles} articles, {chars:,} characters, {size / 1e6:.2f} MB of text; "
              f"{os.cpu_count()} CPUs, Python {platform.python_version()}; best of {args.repeats}")
        times = measure(source, folder, texts, args.repeats, args.batch_chars)
    ratio = times["1"] / times["jieba"]
    scaling = times["1"] / times["2"]
    names = {"jieba": "jieba.lcut (bare, HMM on)", "1": "analyze, 1 worker",
             "2": "analyze, 2 workers", "2 cold": "analyze, 2 workers, cold (loading included)"}
    print(f"{'run':44} {'seconds':>8} {'articles/s':>11} {'chars/s':>10}")
    for key, seconds in times.items():
        print(f"{names[key]:44} {seconds:8.2f} {articles / seconds:11.1f} {chars / seconds:10.0f}")
    print(f"ratio analyze (1 worker) / jieba: {ratio:.2f}x   (goal <= 1.5)")
    print(f"scaling 1 worker / 2 workers:     {scaling:.2f}x   (goal >= 1.8)")
    if args.json:
        args.json.write_text(json.dumps({
            "articles": articles, "chars": chars, "bytes": size, "seconds": times,
            "ratio": ratio, "scaling": scaling}, indent=1) + "\n", encoding="utf-8")
    missed = []
    if "ratio" in args.floors and ratio > args.floors["ratio"]:
        missed.append(f"FLOOR MISSED: ratio {ratio:.2f} > {args.floors['ratio']:g}")
    if "scaling" in args.floors and scaling < args.floors["scaling"]:
        missed.append(f"FLOOR MISSED: scaling {scaling:.2f} < {args.floors['scaling']:g}")
    for line in missed:
        print(line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
