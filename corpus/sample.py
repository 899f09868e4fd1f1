"""The bundled sample corpus, and a local HTTP server that serves it like a website.

The pages are ours (invented text in NetEase's real page structure); the server
lets the demo and the tests fetch them with the project's own fetch code.
"""

from __future__ import annotations

import threading
import tomllib
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.abc import Traversable
from typing import Iterator


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


def sample_dir() -> Traversable:
    return resources.files("fincorpus.corpus").joinpath("data/sample")


@lru_cache(maxsize=1)
def sample_pages() -> tuple[SamplePage, ...]:
    """Every page listed in the sample corpus manifest, in manifest order."""
    manifest = tomllib.loads(sample_dir().joinpath("manifest.toml").read_text("utf-8"))
    return tuple(SamplePage(**entry) for entry in manifest["page"])


def _handler(pages: dict[str, SamplePage]) -> type[BaseHTTPRequestHandler]:
    class SampleHandler(BaseHTTPRequestHandler):
        """Serves each page's bytes at its path with its declared Content-Type."""

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            page = pages.get(self.path.split("?", 1)[0])
            if page is None:
                self.send_error(404, "not in the sample corpus")
                return
            body = page.body()
            self.send_response(200)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """Quiet: the demo prints its own summary."""

    return SampleHandler


@contextmanager
def serve_sample(host: str = "127.0.0.1") -> Iterator[tuple[str, tuple[SamplePage, ...]]]:
    """Serve the sample corpus on a free local port; yields (base URL, pages)."""
    pages = sample_pages()
    server = ThreadingHTTPServer((host, 0), _handler({p.path: p for p in pages}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
