"""The bundled sample corpus, and a local HTTP server that serves it like a website.

The pages are ours (invented text in NetEase's real page structure); the server
lets the demo and the tests fetch them with the project's own fetch code. The
feeds (author feed, channel JSONP, media listing, sitemap, robots.txt) let a
crawl discover the pages the way it would on 163.com.
"""

from __future__ import annotations

import threading
import tomllib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.abc import Traversable
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class SamplePage:
    """One page of the sample corpus: its file, the path it is served at, and its expectation."""

    file: str
    path: str
    content_type: str
    expected: str
    kind: str
    about: str = ""

    def body(self) -> bytes:
        return sample_dir().joinpath(self.file).read_bytes()


@dataclass(frozen=True, slots=True)
class SampleFeed:
    """A discovery feed of the sample corpus, served at `path` (and `query`, when given).

    Its body holds the placeholder `{base}`, replaced by the server's own base URL so
    that every link points back at the local server.
    """

    file: str
    path: str
    content_type: str
    kind: str
    query: str = ""
    about: str = ""

    def body(self, base: str) -> bytes:
        raw = sample_dir().joinpath(self.file).read_bytes()
        return raw.replace(b"{base}", base.encode("ascii"))

    def answers(self, query: str) -> bool:
        """Whether a request's query string carries every parameter this entry names."""
        asked = set(parse_qsl(query, keep_blank_values=True))
        return set(parse_qsl(self.query, keep_blank_values=True)) <= asked


def sample_dir() -> Traversable:
    return resources.files("fincorpus.corpus").joinpath("data/sample")


@lru_cache(maxsize=1)
def sample_pages() -> tuple[SamplePage, ...]:
    """Every page listed in the sample corpus manifest, in manifest order."""
    return tuple(SamplePage(**entry) for entry in _manifest()["page"])


@lru_cache(maxsize=1)
def sample_feeds() -> tuple[SampleFeed, ...]:
    """Every discovery feed listed in the sample corpus manifest, in manifest order."""
    return tuple(SampleFeed(**entry) for entry in _manifest().get("feed", ()))


def _manifest() -> dict:
    """The parsed manifest.toml."""
    return tomllib.loads(sample_dir().joinpath("manifest.toml").read_text("utf-8"))


def _find(path: str, query: str, pages: dict[str, SamplePage],
          feeds: tuple[SampleFeed, ...], base: str) -> tuple[bytes, str] | None:
    """(body, content type) answering a request, or None when nothing is served there."""
    if path in pages:
        return pages[path].body(), pages[path].content_type
    feed = next((f for f in feeds if f.path == path and f.answers(query)), None)
    return (feed.body(base), feed.content_type) if feed else None


def _handler(pages: dict[str, SamplePage], feeds: tuple[SampleFeed, ...],
             hits: Counter | None = None) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class SampleHandler(BaseHTTPRequestHandler):
        """Serves each page's bytes at its path with its declared Content-Type, and the feeds."""

        def do_GET(self) -> None:
            path, _, query = self.path.partition("?")
            if hits is not None:
                with lock:
                    hits[path] += 1
            found = _find(path, query, pages, feeds, self.server.base_url)
            if found is None:
                self.send_error(404, "not in the sample corpus")
                return
            body, content_type = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet: the demo prints its own summary."""

    return SampleHandler


@contextmanager
def serve_sample(host: str = "127.0.0.1",
                 hits: Counter | None = None) -> Iterator[tuple[str, tuple[SamplePage, ...]]]:
    """Serve the sample corpus on a free local port; yields (base URL, pages).

    `hits`, when given, counts requests by path (query left out), so a test can
    show what the server was never asked for.
    """
    pages = sample_pages()
    server = ThreadingHTTPServer((host, 0), _handler({p.path: p for p in pages}, sample_feeds(), hits))
    server.base_url = f"http://{host}:{server.server_address[1]}"  # what {base} in feeds becomes
    # Polled every 50 ms rather than 0.5 s, so leaving the `with` block does not wait half a second.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server.base_url, pages
    finally:
        server.shutdown()
        server.server_close()
