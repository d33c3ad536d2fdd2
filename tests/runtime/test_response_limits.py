"""What a response may cost in memory: a capped success body, a bounded prefix of an error body, cut
exception messages, and compressed bodies inflated in bounded steps (downloads included)."""

from __future__ import annotations

import functools
import gzip
import json
import zlib
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import (
    DEFAULT_MAX_RESPONSE_BYTES,
    MAX_ERROR_BODY,
    APIConnectionError,
    BadRequestError,
    ResponseTooLargeError,
    ServiceUnavailableError,
)
from codat_sdk._bodies import DECODED_CHUNK, iter_decoded, rechunk
from tests.conftest import API_KEY, COMPANY_ID, companies_json
from tests.runtime.faultserver import FaultServer, Reply
from tests.runtime.memory import Peak

T = TypeVar("T")
README = Path(__file__).parents[2] / "README.md"
MiB = 1024 * 1024
BOMB_SIZE = 32 * MiB  # what the compressed bodies below inflate to
PEAK_BUDGET = 6 * MiB  # far below BOMB_SIZE; inflating it whole (as before) exceeds it five times over


@functools.cache
def gzip_bomb() -> bytes:
    """``BOMB_SIZE`` zero bytes, gzip-compressed (about 32 KB on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MiB)
    return b"".join(compressor.compress(block) for _ in range(BOMB_SIZE // MiB)) + compressor.flush()


def _platform(server: FaultServer, **options: Any) -> CodatPlatform:
    return CodatPlatform(api_key=API_KEY, server_url=server.url, **options)


def _async_platform(server: FaultServer, **options: Any) -> AsyncCodatPlatform:
    return AsyncCodatPlatform(api_key=API_KEY, server_url=server.url, **options)


def _run(coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    import asyncio

    return asyncio.run(coroutine())


# -- the cap on a successful body ------------------------------------------------------------------------


def test_the_documented_default_cap() -> None:
    assert 64 * MiB == DEFAULT_MAX_RESPONSE_BYTES
    assert CodatPlatform(api_key=API_KEY).max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES
    assert AsyncCodatPlatform(api_key=API_KEY).max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES
    assert CodatFiles(api_key=API_KEY).max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES
    readme = " ".join(README.read_text().split())
    assert "`max_response_bytes=` (default 64 MiB" in readme
    assert "raises `ResponseTooLargeError`" in readme
    assert f"first {MAX_ERROR_BODY // 1024} KiB" in readme


def test_the_cap_is_set_per_client_and_per_copy() -> None:
    client = CodatPlatform(api_key=API_KEY, max_response_bytes=1000)
    assert client.max_response_bytes == 1000
    assert client.with_options(max_response_bytes=2000).max_response_bytes == 2000
    assert client.max_response_bytes == 1000
    with pytest.raises(ValueError, match="at least 1"):
        CodatPlatform(api_key=API_KEY, max_response_bytes=0)
    with pytest.raises(TypeError, match="must be an int"):
        CodatPlatform(api_key=API_KEY, max_response_bytes="1MB")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be an int"):
        client.with_options(max_response_bytes=1.5)  # type: ignore[arg-type]


def _big_page(size: int) -> bytes:
    page = companies_json()
    company = page["results"][0]
    count = size // len(json.dumps(company)) + 1
    return json.dumps({**page, "results": [company] * count}).encode()


def test_a_body_over_the_cap_is_not_read_nor_decoded(server: FaultServer) -> None:
    body = _big_page(8 * MiB)
    server.script(Reply(200, body))
    with (
        _platform(server, max_response_bytes=MiB) as client,
        Peak() as peak,
        pytest.raises(ResponseTooLargeError) as caught,
    ):
        client.companies.list()
    assert peak.growth < 3 * MiB  # before: the whole 8 MiB read, then decoded into far more
    error = caught.value
    assert error.limit == MiB
    assert error.status_code == 200
    assert "max_response_bytes=1048576" in str(error)
    assert len(error.body) <= MAX_ERROR_BODY
    assert body.decode().startswith(error.body)


def test_a_body_over_the_cap_is_not_read_nor_decoded_async(server: FaultServer) -> None:
    server.script(Reply(200, _big_page(4 * MiB)))

    async def call() -> None:
        async with _async_platform(server, max_response_bytes=MiB) as client:
            await client.companies.list()

    with pytest.raises(ResponseTooLargeError):
        _run(call)


def test_a_body_within_the_cap_decodes(server: FaultServer) -> None:
    body = json.dumps(companies_json()).encode()
    server.script(Reply(200, body), Reply(200, gzip.compress(body), headers={"Content-Encoding": "gzip"}))
    with _platform(server, max_response_bytes=len(body)) as client:
        assert client.companies.list().results
        assert client.companies.list().results  # the cap applies to the decompressed size


def test_a_compressed_body_is_capped_by_what_it_inflates_to(server: FaultServer) -> None:
    server.script(Reply(200, gzip_bomb(), headers={"Content-Encoding": "gzip"}))
    with _platform(server, max_response_bytes=MiB) as client, Peak() as peak, pytest.raises(ResponseTooLargeError):
        client.companies.list()
    assert peak.growth < PEAK_BUDGET


# -- error bodies ------------------------------------------------------------------------------------------


def test_an_error_body_keeps_a_bounded_prefix(server: FaultServer) -> None:
    server.script(Reply(503, b"<html>" + b"x" * (16 * MiB), headers={"Content-Type": "text/html"}))
    with _platform(server) as client, Peak() as peak, pytest.raises(ServiceUnavailableError) as caught:
        client.companies.list()
    assert peak.growth < PEAK_BUDGET  # before: 16 MiB of body, more as text
    assert len(caught.value.body) == MAX_ERROR_BODY
    assert caught.value.body.startswith("<html>xxx")


def test_an_error_body_keeps_a_bounded_prefix_async(server: FaultServer) -> None:
    server.script(Reply(503, b"x" * (4 * MiB), headers={"Content-Type": "text/plain"}))

    async def call() -> ServiceUnavailableError:
        async with _async_platform(server) as client:
            with pytest.raises(ServiceUnavailableError) as caught:
                await client.companies.list()
            return caught.value

    assert len(_run(call).body) == MAX_ERROR_BODY


def test_a_compressed_error_body_is_not_inflated_whole(server: FaultServer) -> None:
    server.script(Reply(503, gzip_bomb(), headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"}))
    with _platform(server) as client, Peak() as peak, pytest.raises(ServiceUnavailableError) as caught:
        client.companies.list()
    assert peak.growth < PEAK_BUDGET  # before: .body held all 32 MiB
    assert len(caught.value.body) == MAX_ERROR_BODY


def test_a_long_error_field_is_cut_in_the_message(server: FaultServer) -> None:
    server.script(Reply(400, {"statusCode": 400, "error": "y" * 100_000, "correlationId": "c-1"}))
    with _platform(server) as client, pytest.raises(BadRequestError) as caught:
        client.companies.list()
    message = str(caught.value)
    assert len(message) < 700  # before: 100 047 characters
    assert message.startswith("GET /companies -> 400 Bad Request: yyy")
    assert "…" in message
    assert message.endswith("(correlation id c-1)")
    assert caught.value.error_message is not None
    assert caught.value.error_message.error == "y" * 100_000  # the parsed field keeps it whole


# -- downloads -----------------------------------------------------------------------------------------------


def _download_reply() -> Reply:
    return Reply(200, gzip_bomb(), headers={"Content-Encoding": "gzip", "Content-Type": "application/zip"})


def test_a_compressed_download_is_inflated_in_bounded_chunks(server: FaultServer) -> None:
    server.script(_download_reply())
    total = largest = 0
    with (
        CodatFiles(api_key=API_KEY, server_url=server.url) as client,
        Peak() as peak,
        client.files.download_files(COMPANY_ID) as download,
    ):
        for chunk in download.iter_bytes():
            total += len(chunk)
            largest = max(largest, len(chunk))
    assert peak.growth < PEAK_BUDGET  # before: about 193 MB for a 512 MB bomb; here the 32 MiB at once
    assert total == BOMB_SIZE
    assert largest <= DECODED_CHUNK


def test_a_compressed_download_is_inflated_in_bounded_chunks_async(server: FaultServer, tmp_path: Path) -> None:
    server.script(_download_reply())
    target = tmp_path / "files.zip"

    async def call() -> int:
        async with AsyncCodatFiles(api_key=API_KEY, server_url=server.url) as client:
            download = await client.files.download_files(COMPANY_ID)
            return await download.write_to(target)

    with Peak() as peak:
        written = _run(call)
    assert peak.growth < PEAK_BUDGET
    assert written == target.stat().st_size == BOMB_SIZE


# -- the bounded inflater itself ----------------------------------------------------------------------------


def _streamed(body: bytes, encoding: str) -> httpx.Response:
    def handler(request: httpx.Request) -> httpx.Response:
        pieces = [body[i : i + 1000] for i in range(0, len(body), 1000)]  # arbitrary network reads
        return httpx.Response(200, content=iter(pieces), headers={"Content-Encoding": encoding})

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        return http.send(http.build_request("GET", "https://example.test/"), stream=True)


def _deflate(data: bytes, wbits: int) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    return compressor.compress(data) + compressor.flush()


PLAIN = bytes(range(256)) * 4000 + b"tail"
ENCODINGS: list[tuple[str, Callable[[bytes], bytes]]] = [
    ("gzip", gzip.compress),
    ("x-gzip", gzip.compress),
    ("deflate", lambda data: _deflate(data, zlib.MAX_WBITS)),  # with its zlib header
    ("deflate", lambda data: _deflate(data, -zlib.MAX_WBITS)),  # raw, as some servers send it
    ("gzip, deflate", lambda data: _deflate(gzip.compress(data), zlib.MAX_WBITS)),  # applied in order
    ("identity", lambda data: data),
    ("", lambda data: data),
]


@pytest.mark.parametrize(("encoding", "encode"), ENCODINGS, ids=[f"{e!r}-{i}" for i, (e, _) in enumerate(ENCODINGS)])
def test_every_encoding_inflates_to_the_same_bytes_as_httpx(encoding: str, encode: Callable[[bytes], bytes]) -> None:
    encoded = encode(PLAIN)
    pieces = list(iter_decoded(_streamed(encoded, encoding)))
    assert b"".join(pieces) == PLAIN
    assert max(len(piece) for piece in pieces) <= DECODED_CHUNK
    if encoding != "x-gzip":  # which httpx leaves as it is; RFC 9110 (8.4.1.3) reads it as gzip
        assert _streamed(encoded, encoding).read() == PLAIN  # httpx's own reading agrees


def test_a_body_that_does_not_inflate_is_a_decoding_error() -> None:
    with pytest.raises(httpx.DecodingError):
        list(iter_decoded(_streamed(b"not gzip at all", "gzip")))


def test_a_corrupt_compressed_body_is_a_connection_error(server: FaultServer) -> None:
    corrupt = gzip.compress(b"{}")[:10] + b"\xff" * 20  # a gzip header, then an invalid deflate block
    server.script(Reply(200, corrupt, headers={"Content-Encoding": "gzip"}))
    with _platform(server) as client, pytest.raises(APIConnectionError, match="DecodingError"):
        client.companies.list()


@pytest.mark.parametrize("size", [None, 1, 7, 4096])
def test_rechunk_gives_exact_chunks(size: int | None) -> None:
    pieces: Iterator[bytes] = iter([b"abc", b"", b"defghij", b"k" * 5000])
    chunks = list(rechunk(pieces, size))
    assert b"".join(chunks) == b"abcdefghij" + b"k" * 5000
    if size is not None:
        assert all(len(chunk) == size for chunk in chunks[:-1])
        assert 0 < len(chunks[-1]) <= size
    else:
        assert all(chunks)
