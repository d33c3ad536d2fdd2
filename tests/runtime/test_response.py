"""Binary downloads are streamed: a 100 MB body never sits in memory, and the response is closed after."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import cast

import httpx
import pytest

from codat_sdk import APIConnectionError, AsyncBinaryResponse, BinaryResponse, NotFoundError, RawResponse
from tests.conftest import COMPANY_ID, async_files, error_json, sync_files
from tests.runtime.memory import Peak

# One attempt per call: what a single failure raises (retries have their own tests).

CHUNK = bytes(range(256)) * 256  # 64 KiB
CHUNKS = 1600  # 100 MiB
TOTAL = len(CHUNK) * CHUNKS
MEMORY_BUDGET = 10 * 1024 * 1024


def _body() -> Iterator[bytes]:
    for _ in range(CHUNKS):
        yield CHUNK


async def _abody() -> AsyncIterator[bytes]:
    for _ in range(CHUNKS):
        yield CHUNK


def _download_response(request: httpx.Request) -> httpx.Response:
    assert "application/octet-stream" in request.headers["accept"]
    return httpx.Response(200, content=_body(), headers={"content-type": "application/zip"})


def _async_download_response(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=_abody(), headers={"content-type": "application/zip"})


def test_write_to_streams_to_a_path(tmp_path: Path) -> None:
    client = sync_files(httpx.MockTransport(_download_response))
    target = tmp_path / "files.zip"
    with Peak() as peak:
        download = client.files.download_files(COMPANY_ID)
        written = download.write_to(target)
    assert isinstance(download, BinaryResponse)
    assert written == TOTAL
    assert target.stat().st_size == TOTAL
    assert download.http_response.is_closed
    assert peak.growth < MEMORY_BUDGET, f"download held {peak.growth / 2**20:.1f} MiB at peak"
    with open(target, "rb") as handle:
        assert handle.read(len(CHUNK)) == CHUNK


def test_iter_bytes_streams(tmp_path: Path) -> None:
    client = sync_files(httpx.MockTransport(_download_response))
    received = 0
    with Peak() as peak:
        download = client.files.download_files(COMPANY_ID, date="2024-01-01")
        assert download.status_code == 200
        assert download.headers["content-type"] == "application/zip"
        for chunk in download.iter_bytes():
            received += len(chunk)
    assert received == TOTAL
    assert download.http_response.is_closed
    assert peak.growth < MEMORY_BUDGET


async def test_write_to_streams_to_a_path_async(tmp_path: Path) -> None:
    client = async_files(httpx.MockTransport(_async_download_response))
    target = tmp_path / "files.zip"
    with Peak() as peak:
        download = await client.files.download_files(COMPANY_ID)
        written = await download.write_to(target)
    assert isinstance(download, AsyncBinaryResponse)
    assert written == TOTAL == target.stat().st_size
    assert download.http_response.is_closed
    assert peak.growth < MEMORY_BUDGET


async def test_iter_bytes_streams_async() -> None:
    client = async_files(httpx.MockTransport(_async_download_response))
    received = 0
    with Peak() as peak:
        download = await client.files.download_files(COMPANY_ID)
        async for chunk in download.iter_bytes():
            received += len(chunk)
    assert received == TOTAL
    assert download.http_response.is_closed
    assert peak.growth < MEMORY_BUDGET


def _small(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=iter([b"abc", b"def"]))


def test_abandoned_iteration_closes_when_the_iterator_is_closed() -> None:
    download = sync_files(httpx.MockTransport(_small)).files.download_files(COMPANY_ID)
    chunks = cast(Generator[bytes, None, None], download.iter_bytes(chunk_size=1))
    assert next(chunks) == b"a"
    assert not download.http_response.is_closed
    chunks.close()
    assert download.http_response.is_closed


def test_context_manager_closes_an_unread_download() -> None:
    with sync_files(httpx.MockTransport(_small)).files.download_files(COMPANY_ID) as download:
        assert not download.http_response.is_closed
    assert download.http_response.is_closed


def test_read_returns_the_body_and_closes() -> None:
    download = sync_files(httpx.MockTransport(_small)).files.download_files(COMPANY_ID)
    assert download.read() == b"abcdef"
    assert download.http_response.is_closed


async def test_read_and_context_manager_async() -> None:
    def small(request: httpx.Request) -> httpx.Response:
        async def body() -> AsyncIterator[bytes]:
            yield b"abc"

        return httpx.Response(200, content=body())

    client = async_files(httpx.MockTransport(small))
    download = await client.files.download_files(COMPANY_ID)
    assert await download.read() == b"abc"
    assert download.http_response.is_closed
    async with await client.files.download_files(COMPANY_ID) as second:
        assert not second.http_response.is_closed
    assert second.http_response.is_closed


def test_error_status_on_a_download_is_read_parsed_and_closed() -> None:
    responses: list[httpx.Response] = []

    def not_found(request: httpx.Request) -> httpx.Response:
        response = httpx.Response(404, json=error_json(404))
        responses.append(response)
        return response

    with pytest.raises(NotFoundError) as info:
        sync_files(httpx.MockTransport(not_found)).files.download_files(COMPANY_ID)
    assert info.value.correlation_id == "bc997528a9d7abb9161ef45f05d38599"
    assert responses[0].is_closed


async def test_error_status_on_a_download_async() -> None:
    client = async_files(httpx.MockTransport(lambda request: httpx.Response(404, json=error_json(404))))
    with pytest.raises(NotFoundError) as info:
        await client.files.download_files(COMPANY_ID)
    assert info.value.error_message is not None


def test_raw_response_of_a_json_operation() -> None:
    client = sync_files(httpx.MockTransport(lambda request: httpx.Response(200, json=[], headers={"x-id": "1"})))
    raw = client.files.with_raw_response.list_files(COMPANY_ID)
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200
    assert raw.headers["x-id"] == "1"
    assert raw.parsed == []
    assert raw.http_response.is_closed


def _broken(request: httpx.Request) -> httpx.Response:
    def body() -> Iterator[bytes]:
        yield b"abc"
        raise httpx.ReadError("connection reset mid-body")

    return httpx.Response(200, content=body())


def test_network_failure_mid_download_is_api_connection_error(tmp_path: Path) -> None:
    download = sync_files(httpx.MockTransport(_broken)).files.download_files(COMPANY_ID)
    with pytest.raises(APIConnectionError):
        download.write_to(tmp_path / "partial.zip")


def test_network_failure_mid_download_still_closes(tmp_path: Path) -> None:
    download = sync_files(httpx.MockTransport(_broken)).files.download_files(COMPANY_ID)
    with pytest.raises(Exception, match="mid-body"):
        download.write_to(tmp_path / "partial.zip")
    assert download.http_response.is_closed


@pytest.mark.parametrize("chunk_size", [0, -3, 1.5, True])
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_iter_bytes_refuses_a_chunk_size_that_is_no_positive_int(chunk_size: object, mode: str) -> None:
    """A clear error, the response closed. Before, ``chunk_size=0`` (or a negative one) yielded empty
    chunks forever, and 1.5 raised a bare TypeError from deep inside the re-chunker."""
    if mode == "async":
        adownload = await async_files(httpx.MockTransport(_async_download_response)).files.download_files(COMPANY_ID)
        achunks = adownload.iter_bytes(chunk_size=chunk_size)  # type: ignore[arg-type]
        with pytest.raises((TypeError, ValueError), match="chunk_size must be"):
            for _ in range(5):
                await achunks.__anext__()
        assert adownload.http_response.is_closed
        return
    download = sync_files(httpx.MockTransport(_small)).files.download_files(COMPANY_ID)
    chunks = download.iter_bytes(chunk_size=chunk_size)  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError), match="chunk_size must be"):
        for _ in range(5):
            next(chunks)
    assert download.http_response.is_closed
