"""A scripted HTTP/1.1 server on 127.0.0.1 for fault-injection tests of the retry layer.

Each request is read in full (so the server has "acted" on it: it is recorded in ``requests``), then
answered by the next action of the script: a reply, a dropped connection (the socket is closed without a
response), a stall (no answer until the stall ends or the server stops), a trickle (raw bytes, a few at
a time) or raw bytes (anything, such as a body shorter than its Content-Length, then the connection is
closed). An exhausted script answers
599 so a test that sends more requests than it scripted fails on its assertions rather than hanging,
unless the server has a ``responder``: a function choosing the action for each request itself (used
for servers too long to script, such as 10 000 records of pages with random faults).
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

EXHAUSTED = 599


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None  # a JSON value, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drop:
    """Close the connection without sending a response."""


@dataclass(frozen=True)
class Stall:
    """Send nothing for ``seconds`` (or until the server stops), then close without a response."""

    seconds: float


@dataclass(frozen=True)
class Trickle:
    """Send ``parts`` (raw bytes: status line, headers, body) one at a time, ``every`` seconds apart, then close.

    A hostile server: each write comes well within a per-read timeout, but the whole takes as long as it likes.
    """

    parts: tuple[bytes, ...]
    every: float


@dataclass(frozen=True)
class Raw:
    """Send ``data`` as it is (status line, headers and all), then close the connection."""

    data: bytes


Action = Reply | Drop | Stall | Trickle | Raw


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle's algorithm each keep-alive response would wait
    # for the client's delayed ACK (~40 ms), which makes runs of hundreds of requests slow.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _handle(self) -> None:
        received = Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, self._body())
        action = self.server.fault.take(received)
        if isinstance(action, Drop):
            self.close_connection = True
            return
        if isinstance(action, Stall):
            self.server.fault.stopping.wait(action.seconds)
            self.close_connection = True
            return
        if isinstance(action, Trickle):
            self.close_connection = True
            for part in action.parts:
                if self.server.fault.stopping.wait(action.every):
                    return
                self.wfile.write(part)
                self.wfile.flush()
            return
        if isinstance(action, Raw):
            self.wfile.write(action.data)
            self.wfile.flush()
            self.close_connection = True
            return
        body = action.body if isinstance(action.body, bytes) else json.dumps(action.body).encode()
        if action.body is None:
            body = b""
        self.send_response(action.status)
        headers = {"Content-Type": "application/json", **action.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fault: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (read timeout) leaves a broken pipe behind: expected here


class FaultServer:
    """Serves one script; ``requests`` holds every request received, in order."""

    def __init__(self, port: int = 0, responder: Callable[[Received], Action] | None = None) -> None:
        self._port = port
        self._responder = responder
        self._script: deque[Action] = deque()
        self._lock = threading.Lock()
        self.requests: list[Received] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def script(self, *actions: Action) -> None:
        with self._lock:
            self._script.extend(actions)

    def take(self, received: Received) -> Action:
        with self._lock:
            self.requests.append(received)
            if self._script:
                return self._script.popleft()
            if self._responder is not None:
                return self._responder(received)
            return Reply(EXHAUSTED, {"error": "script exhausted"})

    def count(self, method: str, path: str | None = None) -> int:
        return sum(1 for r in self.requests if r.method == method and (path is None or r.path.startswith(path)))

    def start(self) -> FaultServer:
        server = _Server(("127.0.0.1", self._port), _Handler)
        server.fault = self
        self._port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def serving(port: int = 0, responder: Callable[[Received], Action] | None = None) -> Iterator[FaultServer]:
    server = FaultServer(port, responder).start()
    try:
        yield server
    finally:
        server.stop()


def unused_port() -> int:
    """A local port nothing listens on (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
