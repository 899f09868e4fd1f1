"""A small website on 127.0.0.1 for crawl tests: each path is a `Route` that may misbehave.

Unlike FaultServer (one fault per route, for the fetcher), a Site is built per
test from a dict of routes, so a crawl can meet good pages, feeds and faults in
one run; `hits` counts requests per path, to prove what was (not) fetched again.

    site = Site({"/a.html": Route(body=page), "/slow": Route(body=page, delay=0.3)})
    with site:
        crawl(store, [Lead(site.url("/a.html"))], fetcher)
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    """One path's behaviour; `fail_first` serves `status` that many times, then 200."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0            # seconds before answering
    fault: str | None = None      # "reset" | "truncate" | None
    redirect: str | None = None   # Location (a path on this site or a URL)
    fail_first: int | None = None
    etag: str | None = None       # answer 304 to a matching If-None-Match


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:  # clients hang up on purpose
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # no ~40 ms delayed-ACK stall per keep-alive response
    server: _Server

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        site: Site = self.server.site  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        hit = site.record(path)
        route = site.routes.get(path)
        if route is None:
            return self._send(404, b"<html><body>not found</body></html>", "text/html")
        time.sleep(route.delay)
        if route.fault == "reset":
            self.connection.shutdown(2)  # no response at all: the client sees a reset/EOF
            return
        if route.redirect:
            return self._send(302, b"", "text/html", {"Location": route.redirect})
        if route.etag and self.headers.get("If-None-Match") == route.etag:
            return self._send(304, b"", route.content_type, {"ETag": route.etag}, length=False)
        status = route.status if route.fail_first is None or hit <= route.fail_first else 200
        headers = dict(route.headers, **({"ETag": route.etag} if route.etag else {}))
        if route.fault == "truncate":
            return self._send(status, route.body[: len(route.body) // 2], route.content_type, headers,
                              claimed=len(route.body))
        self._send(status, route.body, route.content_type, headers)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None,
              claimed: int | None = None, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(claimed if claimed is not None else len(body)))
        self.end_headers()
        self.wfile.write(body)
        if claimed is not None:
            self.wfile.flush()
            self.close_connection = True


class Site:
    """Serve `routes` on a free port of 127.0.0.1 while the `with` block runs."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self._hits: Counter = Counter()
        self._lock = threading.Lock()
        self.log: list[tuple[float, str]] = []

    def record(self, path: str) -> int:
        with self._lock:
            self._hits[path] += 1
            self.log.append((time.monotonic(), path))
            return self._hits[path]

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> Site:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
