"""Multipart uploads: safe boundaries, every accepted source, early rejection, streaming, closed files."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import email.parser
import email.policy
import io
import os
import threading
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles

from codat_sdk import (
    APIConnectionError,
    BackoffStrategy,
    File,
    InternalServerError,
    RetryConfig,
    ServiceUnavailableError,
    Upload,
)
from tests.conftest import API_KEY, COMPANY_ID, CONNECTION_ID, async_files, sync_files
from tests.runtime.faultserver import FaultServer, Received, Reply

# One attempt per call: what a single failure raises (retries have their own tests).

# Content crafted to look like multipart framing: if the boundary were guessable or fixed, this would
# split the part in two (or forge a new one).
TRICKY = (
    b"\r\n--+++\r\n"
    b"--boundary\r\n"
    b'Content-Disposition: form-data; name="file"; filename="forged.txt"\r\n'
    b"Content-Type: text/plain\r\n\r\nforged\r\n"
    b"--boundary--\r\n"
    b"\r\n----\r\n--\r\n\r\n\x00\xff"
)


class Part:
    def __init__(self, headers: dict[str, str], data: bytes) -> None:
        self.headers = headers
        self.data = data

    @property
    def filename(self) -> str:
        disposition = self.headers["content-disposition"]
        return disposition.split('filename="', 1)[1].split('"', 1)[0]


def parse_multipart(request: httpx.Request) -> list[Part]:
    """A strict parser of httpx's multipart/form-data layout."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=", 1)[1].encode()
    delimiter = b"--" + boundary
    body = request.content
    assert body.startswith(delimiter + b"\r\n")
    closing = b"\r\n" + delimiter + b"--\r\n"
    assert body.endswith(closing)
    inner = body[len(delimiter) + 2 : -len(closing)]
    parts = []
    for chunk in inner.split(b"\r\n" + delimiter + b"\r\n"):
        head, separator, data = chunk.partition(b"\r\n\r\n")
        assert separator
        headers = {}
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(": ")
            headers[name.lower()] = value
        parts.append(Part(headers, data))
    return parts


def count_parts_with_email(request: httpx.Request) -> int:
    """The same count by the standard library's MIME parser, as a cross-check."""
    raw = b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.content
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert message.is_multipart()
    return len(cast(list[Any], message.get_payload()))


class Capture:
    """A MockTransport handler keeping the (fully read) requests."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status)


@pytest.fixture
def capture() -> Capture:
    return Capture()


def upload(capture: Capture, file: Upload | list[Upload]) -> None:
    client = sync_files(httpx.MockTransport(capture))
    client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=file)


@pytest.fixture
def tricky_path(tmp_path: Path) -> Path:
    path = tmp_path / "statement.csv"
    path.write_bytes(TRICKY)
    return path


# -- boundaries ---------------------------------------------------------------------------------------------


def test_boundary_is_random_per_request(capture: Capture) -> None:
    upload(capture, b"same content")
    upload(capture, b"same content")
    first, second = (r.headers["content-type"] for r in capture.requests)
    assert first != second
    assert len(first.split("boundary=")[1]) >= 16


def test_boundary_like_content_cannot_forge_parts(capture: Capture, tricky_path: Path) -> None:
    upload(
        capture,
        [
            TRICKY,
            tricky_path,
            io.BytesIO(TRICKY),
            File(io.BytesIO(TRICKY), file_name="deck.pdf", mime_type="application/pdf"),
        ],
    )
    (request,) = capture.requests
    parts = parse_multipart(request)
    assert len(parts) == 4
    assert count_parts_with_email(request) == 4
    assert all(part.data == TRICKY for part in parts)
    assert all('name="file"' in part.headers["content-disposition"] for part in parts)


def test_content_containing_the_actual_boundary_is_impossible_to_predict(capture: Capture) -> None:
    upload(capture, b"x")
    boundary = capture.requests[0].headers["content-type"].split("boundary=")[1]
    upload(capture, f"\r\n--{boundary}\r\nforged".encode())
    assert len(parse_multipart(capture.requests[1])) == 1


# -- what can be uploaded -----------------------------------------------------------------------------------


def test_each_source_kind(capture: Capture, tmp_path: Path) -> None:
    csv = tmp_path / "ledger.csv"
    csv.write_bytes(b"a,b\n1,2\n")
    pdf = tmp_path / "deck.pdf"
    pdf.write_bytes(b"%PDF-1.7")
    unknown = tmp_path / "blob.zzz-unknown"
    unknown.write_bytes(b"?")
    with open(pdf, "rb") as handle:
        upload(
            capture,
            [
                str(csv),
                unknown,
                handle,
                b"raw bytes",
                io.BytesIO(b"anonymous stream"),
                File(io.BytesIO(b"named"), file_name="report.xlsx"),
                File(io.BytesIO(b"typed"), file_name="notes", mime_type="text/markdown"),
            ],
        )
        assert not handle.closed, "a caller's own file object is the caller's to close"
    parts = parse_multipart(capture.requests[0])
    summary = [(p.filename, p.headers["content-type"], p.data) for p in parts]
    assert summary == [
        ("ledger.csv", "text/csv", b"a,b\n1,2\n"),
        ("blob.zzz-unknown", "application/octet-stream", b"?"),
        ("deck.pdf", "application/pdf", b"%PDF-1.7"),
        ("file", "application/octet-stream", b"raw bytes"),
        ("file", "application/octet-stream", b"anonymous stream"),
        ("report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"named"),
        ("notes", "text/markdown", b"typed"),
    ]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("path", id="str-path"),
        pytest.param("pathlib", id="pathlib"),
        pytest.param("bytes", id="bytes"),
        pytest.param("fileobj", id="file-object"),
        pytest.param("File", id="File"),
    ],
)
def test_single_values_are_one_part(capture: Capture, tricky_path: Path, source: str) -> None:
    sources: dict[str, Upload] = {
        "path": str(tricky_path),
        "pathlib": tricky_path,
        "bytes": TRICKY,
        "fileobj": io.BytesIO(TRICKY),
        "File": File(io.BytesIO(TRICKY)),
    }
    value = sources[source]
    upload(capture, value)
    (part,) = parse_multipart(capture.requests[0])
    assert part.data == TRICKY
    assert part.headers["content-type"]


def test_every_part_has_a_content_type_line(capture: Capture, tricky_path: Path) -> None:
    upload(capture, [tricky_path, TRICKY, io.BytesIO(b"x"), File(io.BytesIO(b"y"))])
    parts = parse_multipart(capture.requests[0])
    assert all(part.headers.get("content-type") for part in parts)


# -- rejection before sending -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [5, 3.5, None, object(), bytearray(b"abc"), [b"ok", 7], [b"ok", None], (b"ok", object())],
    ids=repr,
)
def test_non_file_argument_raises_type_error_before_sending(capture: Capture, value: Any) -> None:
    with pytest.raises(TypeError):
        upload(capture, value)
    assert capture.requests == []


def test_text_stream_raises_type_error_before_sending(capture: Capture) -> None:
    with pytest.raises(TypeError):
        upload(capture, cast(Any, io.StringIO("text, not bytes")))
    assert capture.requests == []


def test_mapping_argument_raises_type_error(capture: Capture) -> None:
    with pytest.raises(TypeError):
        upload(capture, cast(Any, {"report.pdf": b"data"}))
    assert capture.requests == []


def test_empty_list_raises_before_sending(capture: Capture) -> None:
    with pytest.raises(ValueError, match="at least one"):
        upload(capture, [])
    assert capture.requests == []


def test_missing_path_raises_before_sending(capture: Capture, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        upload(capture, tmp_path / "missing.pdf")
    with pytest.raises(FileNotFoundError):
        upload(capture, str(tmp_path / "missing.pdf"))
    assert capture.requests == []


# -- opened paths are closed --------------------------------------------------------------------------------


class OpenSpy:
    """Records the files opened through builtins.open while installed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.handles: list[IO[Any]] = []
        real_open = builtins.open

        def spy(*args: Any, **kwargs: Any) -> Any:
            handle = real_open(*args, **kwargs)
            self.handles.append(handle)
            return handle

        monkeypatch.setattr(builtins, "open", spy)


def test_opened_paths_are_closed_after_the_call(monkeypatch: pytest.MonkeyPatch, tricky_path: Path) -> None:
    capture = Capture()
    client = sync_files(httpx.MockTransport(capture))
    spy = OpenSpy(monkeypatch)
    client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=[tricky_path, str(tricky_path)])
    assert len(spy.handles) == 2
    assert all(handle.closed for handle in spy.handles)


def test_opened_paths_are_closed_when_the_call_fails(monkeypatch: pytest.MonkeyPatch, tricky_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    failing = sync_files(httpx.MockTransport(refuse))
    erroring = sync_files(httpx.MockTransport(Capture(500)))
    spy = OpenSpy(monkeypatch)
    with pytest.raises(APIConnectionError):
        failing.files.upload_files(COMPANY_ID, CONNECTION_ID, file=tricky_path)
    with pytest.raises(InternalServerError):
        erroring.files.upload_files(COMPANY_ID, CONNECTION_ID, file=tricky_path)
    assert len(spy.handles) == 2
    assert all(handle.closed for handle in spy.handles)


def test_paths_opened_before_a_missing_one_are_closed(monkeypatch: pytest.MonkeyPatch, tricky_path: Path) -> None:
    capture = Capture()
    client = sync_files(httpx.MockTransport(capture))
    spy = OpenSpy(monkeypatch)
    with pytest.raises(FileNotFoundError):
        client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=[tricky_path, tricky_path.with_name("nope")])
    assert capture.requests == []
    assert spy.handles and all(handle.closed for handle in spy.handles)


async def test_opened_paths_are_closed_after_the_call_async(monkeypatch: pytest.MonkeyPatch, tricky_path: Path) -> None:
    capture = Capture()
    client = async_files(httpx.MockTransport(capture))
    spy = OpenSpy(monkeypatch)
    await client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=tricky_path)
    assert len(spy.handles) == 1
    assert spy.handles[0].closed
    assert len(parse_multipart(capture.requests[0])) == 1


# -- streaming ----------------------------------------------------------------------------------------------

BIG = 50 * 1024 * 1024
MEMORY_BUDGET = 10 * 1024 * 1024


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("uploads") / "big.csv"
    block = os.urandom(1024 * 1024)
    with open(path, "wb") as handle:
        for _ in range(BIG // len(block)):
            handle.write(block)
    yield path
    path.unlink()


class ConsumingTransport(httpx.BaseTransport):
    """Reads the request body chunk by chunk, as a socket would, never holding it whole."""

    def __init__(self) -> None:
        self.received = 0
        self.largest_chunk = 0
        self.content_length: int | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        self.content_length = int(request.headers["content-length"])
        for chunk in request.stream:
            self.received += len(chunk)
            self.largest_chunk = max(self.largest_chunk, len(chunk))
        return httpx.Response(200)


class AsyncConsumingTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.received = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        stream = cast(AsyncIterator[bytes], request.stream)
        async for chunk in stream:
            self.received += len(chunk)
        return httpx.Response(200)


def _peak_growth_of(call: Any) -> int:
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - baseline


@pytest.mark.parametrize("kind", ["path", "File"])
def test_upload_is_streamed(big_file: Path, kind: str) -> None:
    transport = ConsumingTransport()
    client = sync_files(transport)

    def call() -> None:
        if kind == "path":
            client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=big_file)
        else:
            with open(big_file, "rb") as handle:
                client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=File(handle, "big.csv"))

    growth = _peak_growth_of(call)
    assert transport.received > BIG
    assert transport.received == transport.content_length
    assert transport.largest_chunk < MEMORY_BUDGET
    assert growth < MEMORY_BUDGET, f"upload held {growth / 2**20:.1f} MiB at peak"


async def test_upload_is_streamed_async(big_file: Path) -> None:
    transport = AsyncConsumingTransport()
    client = async_files(transport)
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        await client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=big_file)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert transport.received > BIG
    assert peak - baseline < MEMORY_BUDGET


# -- sources that cannot seek: pipes and stdin ------------------------------------------------------------

PIPED = bytes(range(256)) * 800  # 200 KiB: more than a pipe's buffer, so the writer blocks until it is read


@contextmanager
def _pipe(data: bytes) -> Iterator[IO[bytes]]:
    """The read end of a pipe a thread fills with ``data`` (what ``sys.stdin.buffer`` is under ``cat f |``)."""
    read_fd, write_fd = os.pipe()

    def write() -> None:
        # The reader may close first: closing the sink then flushes into a broken pipe, so the
        # suppression wraps the close as well as the write.
        with contextlib.suppress(BrokenPipeError), open(write_fd, "wb") as sink:
            sink.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    with open(read_fd, "rb") as source:
        yield source
    writer.join(timeout=5)


def _uploaded(received: Received) -> bytes:
    assert received.headers.get("transfer-encoding") == "chunked"
    assert "content-length" not in received.headers
    boundary = received.headers["content-type"].split("boundary=", 1)[1].encode()
    head, _, rest = received.body.partition(b"\r\n\r\n")
    assert b'filename="stdin.csv"' in head
    return rest[: -len(b"\r\n--" + boundary + b"--\r\n")]


def test_a_pipe_is_uploaded_with_chunked_encoding(server: FaultServer) -> None:
    server.script(Reply(200, None))
    with CodatFiles(api_key=API_KEY, server_url=server.url) as client, _pipe(PIPED) as source:
        # before: h11 LocalProtocolError "Too much data for declared Content-Length" (fstat says 0 bytes)
        client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=File(source, "stdin.csv", "text/csv"))
    assert _uploaded(server.requests[0]) == PIPED


def test_a_pipe_is_uploaded_with_chunked_encoding_async(server: FaultServer) -> None:
    server.script(Reply(200, None))

    async def call() -> None:
        async with AsyncCodatFiles(api_key=API_KEY, server_url=server.url) as client:
            with _pipe(PIPED) as source:
                await client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=File(source, "stdin.csv"))

    asyncio.run(call())
    assert _uploaded(server.requests[0]) == PIPED


def test_a_pipe_upload_is_not_retried(server: FaultServer) -> None:
    server.script(Reply(503, None), Reply(200, None))
    retries = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 60_000), max_attempts=3)
    with (
        CodatFiles(api_key=API_KEY, server_url=server.url, retry_config=retries) as client,
        _pipe(PIPED) as source,
        pytest.raises(ServiceUnavailableError, match="cannot be rewound"),
    ):
        client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=File(source, "stdin.csv"))
    assert len(server.requests) == 1


def test_a_text_mode_stream_is_refused_before_sending(server: FaultServer) -> None:
    with CodatFiles(api_key=API_KEY, server_url=server.url) as client, _pipe(b"a,b\n") as source:
        text = io.TextIOWrapper(source)
        with pytest.raises(TypeError, match="open it in binary mode"):
            client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=File(text, "stdin.csv"))  # type: ignore[arg-type]
        text.detach()
    assert server.requests == []
