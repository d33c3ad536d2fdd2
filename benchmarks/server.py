"""A fast canned Codat server on 127.0.0.1, run in its own process: ``python -m benchmarks.server``.

Raw HTTP/1.1 on asyncio streams with keep-alive and a listen backlog of 256, answering from bytes built
once at start-up, so the clients under test, not the server, bound every measurement:

- ``GET /companies?page=N&pageSize=S``: page N of ``--total`` companies (the paging fields follow the
  total, so a client can page through all of them); pages reuse one canned set of companies, shifted
  by one on even pages, so that no page repeats the one before (a paginator refuses repeated pages);
- ``GET /companies/{id}``: one company; the id :data:`SLOW_COMPANY_ID` answers after ``--slow-ms``;
- ``GET /companies/{id}/files/download``: ``--download-mb`` MiB of binary, written in 1 MiB chunks;
- ``POST /companies/{id}/connections/{id}/files``: reads and discards the upload, answers 200.

It prints ``READY <port>`` on stdout once it listens, and stops when stdin closes (its parent exited).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from urllib.parse import parse_qsl, urlsplit

from . import bodies

SLOW_COMPANY_ID = "5105c1e0-0000-4000-8000-000000000200"
LISTEN_BACKLOG = 256
MAX_PAGE_SIZE = 5000  # the spec's maximum for pageSize
_CHUNK = 1024 * 1024
_READ = 256 * 1024


def _head(status: int, content_type: str, length: int) -> bytes:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n"
        "Connection: keep-alive\r\n\r\n"
    ).encode()


def _json(status: int, body: bytes) -> list[bytes]:
    return [_head(status, "application/json", len(body)), body]


def _error(status: int, message: str) -> list[bytes]:
    body = f'{{"statusCode":{status},"service":"PublicApi","error":"{message}"}}'.encode()
    return _json(status, body)


class CannedCodat:
    def __init__(self, *, total: int, slow_ms: float, download_mb: int) -> None:
        self.total = total
        self.slow = slow_ms / 1000
        self.download_bytes = download_mb * _CHUNK
        self.items = bodies.company_items(min(total, MAX_PAGE_SIZE) + 1)
        self.company = self.items[0]
        self.joined: dict[tuple[int, int], bytes] = {}  # results arrays by (shift, length), joined once
        self.chunk = bytes(range(256)) * (_CHUNK // 256)

    def _results(self, shift: int, count: int) -> bytes:
        joined = self.joined.get((shift, count))
        if joined is None:
            joined = self.joined[shift, count] = b",".join(self.items[shift : shift + count])
        return joined

    def page(self, query: str) -> list[bytes]:
        try:
            params = dict(parse_qsl(query))
            number = int(params.get("page", "1"))
            size = int(params.get("pageSize", "100"))
        except ValueError:
            return _error(400, "page and pageSize must be integers")
        if number < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            return _error(400, "page must be >= 1 and pageSize within 1..5000")
        count = max(0, min(size, self.total - (number - 1) * size))
        parts = [
            bodies.page_prefix(),
            self._results(1 - number % 2, count),
            bodies.page_suffix(number, size, self.total),
        ]
        return [_head(200, "application/json", sum(map(len, parts))), *parts]

    async def respond(self, method: str, target: str, writer: asyncio.StreamWriter) -> None:
        url = urlsplit(target)
        segments = url.path.strip("/").split("/")
        if method == "GET" and segments == ["companies"]:
            writer.writelines(self.page(url.query))
        elif method == "GET" and len(segments) == 2 and segments[0] == "companies":
            if segments[1] == SLOW_COMPANY_ID:
                await asyncio.sleep(self.slow)
            writer.writelines(_json(200, self.company))
        elif (
            method == "GET"
            and len(segments) == 4
            and segments[0] == "companies"
            and segments[2:] == ["files", "download"]
        ):
            writer.write(_head(200, "application/octet-stream", self.download_bytes))
            remaining = self.download_bytes
            while remaining > 0:  # bounded: a fixed number of chunks, each awaited before the next
                piece = self.chunk[: min(remaining, _CHUNK)]
                writer.write(piece)
                remaining -= len(piece)
                await writer.drain()
        elif method == "POST" and len(segments) == 5 and segments[2] == "connections" and segments[4] == "files":
            writer.write(_head(200, "application/json", 0))
        else:
            writer.writelines(_error(404, f"no canned response for {method} {url.path}"))
        await writer.drain()


async def _discard_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> None:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:  # ends at the zero-size chunk; a closed connection raises IncompleteReadError
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":
                    pass
                return
            await reader.readexactly(size + 2)
    remaining = int(headers.get("content-length", "0"))
    while remaining > 0:
        chunk = await reader.read(min(remaining, _READ))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", remaining)
        remaining -= len(chunk)


async def _serve_connection(app: CannedCodat, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:  # one request per iteration until the client closes the connection
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            await _discard_body(reader, headers)
            await app.respond(method, target, writer)
            if headers.get("connection", "").lower() == "close":
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
        pass  # the client went away, or sent something this server does not speak: drop the connection
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _until_stdin_closes() -> None:
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.buffer.read)


async def serve(app: CannedCodat, port: int) -> None:
    server = await asyncio.start_server(
        lambda r, w: _serve_connection(app, r, w), "127.0.0.1", port, backlog=LISTEN_BACKLOG, limit=1024 * 1024
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"READY {bound}", flush=True)
    async with server:
        await _until_stdin_closes()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--total", type=int, default=100_000, help="companies behind the paged endpoint")
    parser.add_argument("--slow-ms", type=float, default=200.0)
    parser.add_argument("--download-mb", type=int, default=200)
    args = parser.parse_args(argv)
    app = CannedCodat(total=args.total, slow_ms=args.slow_ms, download_mb=args.download_mb)
    asyncio.run(serve(app, args.port))


if __name__ == "__main__":
    main()
