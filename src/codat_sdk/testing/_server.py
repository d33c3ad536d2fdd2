"""The sandbox on a loopback port, for apps that reach Codat through code of their own (any HTTP client)."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._app import App, split_target

LOOPBACK = "127.0.0.1"


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close (after their sockets are shut down): nothing outlives ``serve``.
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-exchange is its own business; a fault of the sandbox's still prints.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close_open_connections(self) -> None:
        """End idle keep-alive connections too, so their threads finish and closing does not wait on clients."""
        with self.sockets_lock:
            for sock in self.open_sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.sockets_lock:
            self.server.open_sockets.add(self.connection)

    def finish(self) -> None:
        with self.server.sockets_lock:
            self.server.open_sockets.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is the test's."""

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = _size(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(_size(self.headers.get("Content-Length") or "0", 10))

    def _serve(self) -> None:
        try:
            body = self._body()
        except ValueError:  # a Content-Length or chunk size that is no number: where the next request starts is lost
            self.close_connection = True
            refusal = self.server.app.error(400, "The request body's length or chunking is malformed.")
            self._send(refusal.status, refusal.headers, refusal.content)
            return
        path, query = split_target(self.path)
        headers = {name.lower(): value for name, value in self.headers.items()}
        app = self.server.app
        outcome = app.handle(self.command, path, query, headers, body)
        app.webhooks.deliver(outcome.deliveries)
        if outcome.dropped:
            self.close_connection = True
            return
        self._send(outcome.status, outcome.headers, outcome.content)

    def _send(self, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


def _size(text: str | bytes, base: int) -> int:
    """A Content-Length or chunk size; ValueError unless a count (``read(-1)`` would wait for the client to close)."""
    size = int(text, base)
    if size < 0:
        raise ValueError(f"negative size {size}")
    return size


@contextmanager
def serve(app: App, port: int = 0) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 (a free port unless ``port``) in a thread; yields its base URL."""
    server = _Server((LOOPBACK, port), app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.close_open_connections()
        server.server_close()
        thread.join()
