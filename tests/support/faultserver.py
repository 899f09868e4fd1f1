"""A real HTTP server on 127.0.0.1 whose routes misbehave on purpose.

Fetch code is only trustworthy against real sockets: mocks of requests or
urllib3 cannot reset a connection or lie about Content-Length. Each route below
injects one fault; `hits(path)` counts requests per path so tests can see
retries happen, and `seen` keeps every request's headers and arrival time.
`robots` sets what /robots.txt answers: its text, a status code, or None for 404.
`connections` counts TCP connections, to show pooled connections are reused.

    with FaultServer() as server:
        page = fetcher.fetch(server.url("/flaky"))
        assert server.hits("/flaky") == 3
"""

from __future__ import annotations

import gzip
import json
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, urlsplit

PAGE = ("<html><head><title>测试</title></head>"
        "<body><p>美联储加息，A股震荡。</p></body></html>")
#: Bytes of a GBK page; served with a header that wrongly says UTF-8.
GBK_BODY = "<html><body><p>网易财经：人民币汇率走强</p></body></html>".encode("gbk")
ETAG = '"v1"'
LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"


class _Server(ThreadingHTTPServer):
    """Daemon handler threads, and silence for clients that hung up on a slow route."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass


class FaultHandler(BaseHTTPRequestHandler):
    """Route by path to one `route_*` method; the query string tunes the fault."""

    protocol_version = "HTTP/1.1"  # keep-alive and chunked, as real servers do
    server: _Server

    def log_message(self, format, *args) -> None:  # keep test output clean
        pass

    def setup(self) -> None:
        super().setup()
        self.fault.connected()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.fault.record(parts.path, dict(self.headers))
        name = parts.path.strip("/").replace("-", "_").replace(".", "_")
        route = getattr(self, "route_" + name, None)
        (route or self.route_not_found)()

    @property
    def fault(self) -> FaultServer:
        return self.server.fault  # type: ignore[attr-defined]

    @property
    def hit(self) -> int:
        """How many times this path has been asked for, this request included."""
        return self.fault.hits(urlsplit(self.path).path)

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
             content_type: str = "text/html; charset=utf-8") -> None:
        """A complete response with an honest Content-Length."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_not_found(self) -> None:
        self.send(404, b"<html><body>not found</body></html>")

    def route_page(self) -> None:
        self.send(200, PAGE.encode("utf-8"), {"X-Route": "page"})

    def route_echo(self) -> None:
        """The request headers back as JSON, so tests can see what the client sent."""
        self.send(200, json.dumps(dict(self.headers)).encode(), content_type="application/json")

    def route_status(self) -> None:
        code = int(self.query.get("code", "404"))
        self.send(code, f"<html><body>status {code}</body></html>".encode())

    def route_slow(self) -> None:
        """Sleep before answering: longer than a short read timeout."""
        time.sleep(float(self.query.get("s", "1.0")))
        self.send(200, PAGE.encode("utf-8"))

    def route_retry_after(self) -> None:
        """429 with Retry-After on the first request, then the page."""
        if self.hit == 1:
            self.send(429, b"slow down", {"Retry-After": self.query.get("after", "1")})
        else:
            self.send(200, PAGE.encode("utf-8"))

    def route_flaky(self) -> None:
        """500 twice, then the page."""
        if self.hit <= 2:
            self.send(500, b"oops")
        else:
            self.send(200, PAGE.encode("utf-8"))

    def route_unavailable(self) -> None:
        self.send(503, b"down for maintenance")

    def route_reset(self) -> None:
        """Close abruptly: SO_LINGER 0 makes close() send a TCP RST, not a FIN."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def route_truncated(self) -> None:
        """Promise 1000 bytes, send 100, hang up."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"x" * 100)
        self.wfile.flush()
        self.close_connection = True

    def route_chunked_truncated(self) -> None:
        """One chunk of a chunked body, then hang up without the final 0-chunk."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"64\r\n" + b"y" * 100 + b"\r\n")
        self.wfile.flush()
        self.close_connection = True

    def route_trickle(self) -> None:
        """?n= bytes, one every ?every= seconds: each gap is under a read timeout, the sum is not."""
        size, every = int(self.query.get("n", "100")), float(self.query.get("every", "0.01"))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for _ in range(size):
            self.wfile.write(b"t")
            self.wfile.flush()
            time.sleep(every)

    def route_robots_txt(self) -> None:
        """The server's robots setting: text as 200, a status code (3xx loops back), None as 404."""
        time.sleep(self.fault.robots_delay)
        robots = self.fault.robots
        if robots is None:
            self.route_not_found()
        elif isinstance(robots, int):
            headers = {"Location": "/robots.txt"} if 300 <= robots < 400 else {}
            self.send(robots, f"status {robots}".encode(), headers, content_type="text/plain")
        else:
            self.send(200, robots.encode("utf-8"), content_type="text/plain; charset=utf-8")

    def route_loop(self) -> None:
        self.send(302, b"", {"Location": "/loop"})

    def route_redirect(self) -> None:
        """302 to ?to=..., which may be relative, another host, ftp:// or file://."""
        self.send(int(self.query.get("code", "302")), b"", {"Location": self.query["to"]})

    def route_big(self) -> None:
        self.send(200, b"z" * int(self.query.get("n", "4096")))

    def route_big_chunked(self) -> None:
        """A big body with no Content-Length, so only counting can catch it."""
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"z" * 1024
        for _ in range(int(self.query.get("n", "64"))):
            self.wfile.write(b"400\r\n" + chunk + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def route_gzip(self) -> None:
        self.send(200, gzip.compress(PAGE.encode("utf-8"), mtime=0), {"Content-Encoding": "gzip"})

    def route_gzip_bomb(self) -> None:
        """A few KiB on the wire that inflate to ?n= bytes."""
        body = gzip.compress(b"\0" * int(self.query.get("n", "1000000")), mtime=0)
        self.send(200, body, {"Content-Encoding": "gzip"})

    def route_gbk(self) -> None:
        self.send(200, GBK_BODY, content_type="text/html; charset=utf-8")

    def route_etag(self) -> None:
        """Revalidation: 304 when the client already holds this version."""
        fresh = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        if self.headers.get("If-None-Match") == ETAG or \
                self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.send_response(304)
            for name, value in fresh.items():
                self.send_header(name, value)
            self.end_headers()
        else:
            self.send(200, PAGE.encode("utf-8"), fresh)


class FaultServer:
    """Run FaultHandler on a free port of 127.0.0.1 in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1", robots: str | int | None = None) -> None:
        self.host = host
        #: What /robots.txt answers, and after how long; tests may change both between requests.
        self.robots = robots
        self.robots_delay = 0.0
        #: (path, request headers, time.monotonic() on arrival) for every request.
        self.seen: list[tuple[str, dict[str, str], float]] = []
        self._hits: Counter[str] = Counter()
        #: TCP connections accepted, so tests can see keep-alive reuse.
        self.connections = 0
        self._lock = threading.Lock()
        self._httpd: _Server | None = None

    @property
    def port(self) -> int:
        assert self._httpd is not None, "FaultServer not started"
        return self._httpd.server_address[1]

    def url(self, path: str = "/page", host: str | None = None) -> str:
        """An absolute URL on this server; `host="localhost"` names it differently."""
        return f"http://{host or self.host}:{self.port}{path}"

    def connected(self) -> None:
        with self._lock:
            self.connections += 1

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self._hits[path] += 1
            self.seen.append((path, headers, time.monotonic()))

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    def start(self) -> FaultServer:
        self._httpd = _Server((self.host, 0), FaultHandler)
        self._httpd.fault = self  # type: ignore[attr-defined]
        thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                  name=f"faultserver:{self.port}", daemon=True)
        thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def free_port() -> int:
    """A port nothing listens on (bound, then released), for connection-refused tests."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeClock:
    """A monotonic clock that only moves when slept on, so waits can be checked exactly."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
