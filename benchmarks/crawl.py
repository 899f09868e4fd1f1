"""Crawl benchmark: fincorpus crawl at concurrency 1 and 8 vs a bare requests + BeautifulSoup loop.

Usage: python benchmarks/crawl.py [--pages 5000] [--latency 0.02] [--floor c1=1.2 --floor c8=5]
       [--json OUT]

A local server in a separate process (so it never competes with the crawler for the GIL)
serves generated 网易号 pages, each answered after `--latency` seconds. Every contender
fetches the same URLs in the same run:
- bare: `requests.get(url)` then `BeautifulSoup(body, "lxml")`, one page after another;
- fincorpus: `crawl()` into a fresh SQLite store (raw page, article and frontier written
  per page), politeness off (delay 0, robots.txt not asked: the server is ours).
Floors: c1 = the most c1's time may be over the bare loop's (1.2 = 20 % slower);
c8 = the least c8 must be faster than c1.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests
from bs4 import BeautifulSoup

from fincorpus.corpus.crawl import crawl
from fincorpus.corpus.model import Lead
from fincorpus.corpus.sample import sample_pages
from fincorpus.corpus.store import Store
from fincorpus.scrapers.fetch import Fetcher, FetchSettings

TEMPLATE_DOCID = b"KJ2A7Q3M0556F1TX"


def docid(i: int) -> str:
    """A 16-character NetEase-shaped DOCID per generated page."""
    return f"BENCH{i:011d}"


def generated_page(template: bytes, i: int) -> bytes:
    """The sample 网易号 page with its own DOCID and a numbered title, so every page is distinct."""
    return template.replace(TEMPLATE_DOCID, docid(i).encode()).replace(
        "<title>".encode(), f"<title>第{i}篇 ".encode(), 1)


def serve(port_queue: multiprocessing.Queue, latency: float) -> None:
    """Serve /dy/article/<DOCID>.html for every generated DOCID, after `latency` seconds."""
    template = next(p for p in sample_pages() if p.kind == "dy").body()
    prefix = "/dy/article/BENCH"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, as production servers set it (nginx's tcp_nodelay is on by default):
        # http.server writes headers and body separately, and with Nagle on, a keep-alive
        # client waits ~40 ms for a delayed ACK on every response.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:  # noqa: N802
            time.sleep(latency)
            if not self.path.startswith(prefix):
                self.send_error(404)
                return
            body = generated_page(template, int(self.path[len(prefix):len(prefix) + 11]))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    pages: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.pages / self.seconds


def bare_loop(urls: list[str]) -> Run:
    """The plain-library baseline: requests.get and BeautifulSoup, nothing stored."""
    started = time.perf_counter()
    for url in urls:
        response = requests.get(url, timeout=30)
        BeautifulSoup(response.content, "lxml").find("h1")
    return Run("bare requests + BeautifulSoup", len(urls), time.perf_counter() - started)


def fincorpus_crawl(urls: list[str], concurrency: int, folder: Path) -> Run:
    """A real crawl into a fresh store; fails loudly if any page did not become an article."""
    settings = FetchSettings(delay=0.0, jitter=0.0, obey_robots=False)
    started = time.perf_counter()
    with Store(folder / f"c{concurrency}.db") as store, Fetcher(settings) as fetcher:
        report = crawl(store, [Lead(url) for url in urls], fetcher, concurrency=concurrency)
        articles = store.counts()["articles"]
    seconds = time.perf_counter() - started
    if articles != len(urls):
        raise SystemExit(f"crawl at concurrency {concurrency} stored {articles} of {len(urls)} "
                         f"articles: {report.failures[:3]}")
    return Run(f"fincorpus crawl, concurrency {concurrency}", len(urls), seconds)


def parse_floors(values: list[str]) -> dict[str, float]:
    floors = {}
    for value in values:
        name, _, number = value.partition("=")
        if name not in ("c1", "c8") or not number:
            raise SystemExit(f"--floor {value!r}: write c1=1.2 or c8=5")
        floors[name] = float(number)
    return floors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--floor", action="append", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    floors = parse_floors(args.floor)

    ports: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(ports, args.latency), daemon=True)
    server.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=30)}"
        urls = [f"{base}/dy/article/{docid(i)}.html" for i in range(args.pages)]
        with tempfile.TemporaryDirectory() as folder:
            runs = [bare_loop(urls), fincorpus_crawl(urls, 1, Path(folder)),
                    fincorpus_crawl(urls, 8, Path(folder))]
    finally:
        server.terminate()

    bare, c1, c8 = runs
    c1_ratio, c8_speedup = c1.seconds / bare.seconds, c1.seconds / c8.seconds
    print(f"{args.pages} generated 网易号 pages on 127.0.0.1, {args.latency * 1000:.0f} ms latency per "
          "response; fincorpus with politeness off (delay 0, no robots.txt)\n")
    print(f"{'run':40} {'seconds':>8} {'pages/s':>8}")
    for run in runs:
        print(f"{run.name:40} {run.seconds:8.1f} {run.rate:8.1f}")
    print(f"\nconcurrency 1 time / bare loop time: {c1_ratio:.2f} (goal <= 1.2)")
    print(f"concurrency 8 speed-up over concurrency 1: {c8_speedup:.2f}x (goal >= 5)")
    if args.json:
        args.json.write_text(json.dumps({"runs": [asdict(r) for r in runs], "c1_ratio": c1_ratio,
                                         "c8_speedup": c8_speedup}, indent=1))
    short = []
    if "c1" in floors and c1_ratio > floors["c1"]:
        short.append(f"c1 ratio {c1_ratio:.2f} over the floor {floors['c1']}")
    if "c8" in floors and c8_speedup < floors["c8"]:
        short.append(f"c8 speed-up {c8_speedup:.2f} under the floor {floors['c8']}")
    for line in short:
        print(f"FLOOR MISSED: {line}", file=sys.stderr)
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
