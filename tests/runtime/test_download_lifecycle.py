"""A streamed download always gives its connection back, and ``write_to`` never destroys a good file.

The clients here have a pool of one connection and a short pool timeout: a leaked connection makes
the next call fail with a PoolTimeout instead of waiting forever.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles

from codat_sdk import APIConnectionError, HookContext, HookError, Hooks
from tests.conftest import API_KEY, COMPANY_ID
from tests.runtime.faultserver import FaultServer, Raw, Reply

GOOD = bytes(range(256)) * 4096  # 1 MiB: the file a previous download left
NEW = b"new download " * 1000
ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)
POOL_WAIT = httpx.Timeout(5.0, pool=1.0)


def _zip(body: bytes) -> Reply:
    return Reply(200, body, {"Content-Type": "application/zip"})


def _cut_short(declared: int, sent: int) -> Raw:
    """A download that promises ``declared`` bytes, sends ``sent`` and drops the connection."""
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: {declared}\r\n\r\n".encode()
    return Raw(head + b"x" * sent)


def _client(server: FaultServer, hooks: Hooks | None = None) -> CodatFiles:
    http = httpx.Client(limits=ONE_CONNECTION, timeout=POOL_WAIT)
    return CodatFiles(api_key=API_KEY, server_url=server.url, client=http, hooks=hooks, timeout=POOL_WAIT)


def _async_client(server: FaultServer, hooks: Hooks | None = None) -> AsyncCodatFiles:
    http = httpx.AsyncClient(limits=ONE_CONNECTION, timeout=POOL_WAIT)
    return AsyncCodatFiles(api_key=API_KEY, server_url=server.url, client=http, hooks=hooks, timeout=POOL_WAIT)


def _leftovers(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".part"))


# -- after_response hooks ---------------------------------------------------------------------------------


def _raises(response: httpx.Response, context: HookContext) -> None:
    raise RuntimeError("audit failed")


def _replaces(response: httpx.Response, context: HookContext) -> httpx.Response:
    return httpx.Response(200, content=b"replaced", headers={"Content-Type": "application/zip"})


def test_a_raising_after_response_hook_releases_the_download_connection(server: FaultServer) -> None:
    server.script(_zip(NEW), _zip(NEW))
    hooks = Hooks()
    client = _client(server, hooks)
    hooks.after_response(_raises)
    with pytest.raises(HookError):
        client.files.download_files(COMPANY_ID)
    with client.with_options(hooks=Hooks()).files.download_files(COMPANY_ID) as download:
        assert download.read() == NEW  # before: PoolTimeout, the first response still held the connection


def test_a_replacing_after_response_hook_releases_the_download_connection(server: FaultServer) -> None:
    server.script(_zip(NEW), _zip(NEW))
    seen: list[httpx.Response] = []
    hooks = Hooks(after_response=[lambda response, context: seen.append(response)])
    hooks.after_response(_replaces)
    client = _client(server, hooks)
    with client.files.download_files(COMPANY_ID) as download:
        assert download.read() == b"replaced"
    assert seen[0].is_closed
    with client.with_options(hooks=Hooks()).files.download_files(COMPANY_ID) as download:
        assert download.read() == NEW


def test_after_response_hooks_release_the_download_connection_async(server: FaultServer) -> None:
    server.script(_zip(NEW), _zip(NEW), _zip(NEW))

    async def calls() -> bytes:
        client = _async_client(server, Hooks(after_response=[_raises]))
        with pytest.raises(HookError):
            await client.files.download_files(COMPANY_ID)
        replacing = client.with_options(hooks=Hooks(after_response=[_replaces]))
        async with await replacing.files.download_files(COMPANY_ID) as download:
            assert await download.read() == b"replaced"
        plain = client.with_options(hooks=Hooks())
        async with await plain.files.download_files(COMPANY_ID) as download:
            body = await download.read()
        await client.aclose()
        return body

    assert asyncio.run(calls()) == NEW


# -- write_to: failures close the response --------------------------------------------------------------------


@pytest.mark.parametrize("where", ["a directory", "a missing directory"])
def test_a_failed_write_to_releases_the_connection(server: FaultServer, tmp_path: Path, where: str) -> None:
    server.script(_zip(NEW), _zip(NEW))
    target = tmp_path if where == "a directory" else tmp_path / "missing" / "files.zip"
    client = _client(server)
    download = client.files.download_files(COMPANY_ID)
    with pytest.raises(OSError):
        download.write_to(target)
    assert download.http_response.is_closed
    with client.files.download_files(COMPANY_ID) as again:  # before: PoolTimeout
        assert again.write_to(tmp_path / "files.zip") == len(NEW)
    assert _leftovers(tmp_path) == []


def test_a_failed_write_to_releases_the_connection_async(server: FaultServer, tmp_path: Path) -> None:
    server.script(_zip(NEW), _zip(NEW))

    async def calls() -> int:
        async with _async_client(server) as client:
            download = await client.files.download_files(COMPANY_ID)
            with pytest.raises(OSError):
                await download.write_to(tmp_path)
            assert download.http_response.is_closed
            again = await client.files.download_files(COMPANY_ID)
            return await again.write_to(tmp_path / "files.zip")

    assert asyncio.run(calls()) == len(NEW)


class _DiskFull:
    """A download target whose writes fail, as on a full disk."""

    def __init__(self, real: object) -> None:
        self.real = real

    def write(self, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    def close(self) -> None:
        self.real.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_write_to_failing_mid_body_releases_the_connection_at_once(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """A failing write (disk full) closes the response before write_to raises, async as sync.

    Before, the async client left it to the body iterator's finaliser, run by the loop some time later:
    the response was still open when the error reached the caller.
    """
    import codat_sdk._response

    real_init = codat_sdk._response._AtomicFile.__init__

    def disk_full(self: codat_sdk._response._AtomicFile, path: str) -> None:
        real_init(self, path)
        self.file = _DiskFull(self.file)  # type: ignore[assignment]

    monkeypatch.setattr(codat_sdk._response._AtomicFile, "__init__", disk_full)
    server.script(_zip(NEW))
    target = tmp_path / "files.zip"

    async def call() -> None:
        async with _async_client(server) as client:
            download = await client.files.download_files(COMPANY_ID)
            with pytest.raises(OSError, match="No space"):
                await download.write_to(target)
            assert download.http_response.is_closed

    if mode == "async":
        asyncio.run(call())
    else:
        with _client(server) as client:
            download = client.files.download_files(COMPANY_ID)
            with pytest.raises(OSError, match="No space"):
                download.write_to(target)
            assert download.http_response.is_closed
    assert _leftovers(tmp_path) == []
    assert not target.exists()


# -- write_to: atomic replacement ------------------------------------------------------------------------------


def test_an_interrupted_download_keeps_the_previous_file(server: FaultServer, tmp_path: Path) -> None:
    target = tmp_path / "files.zip"
    target.write_bytes(GOOD)
    server.script(_cut_short(len(GOOD), 300_000))
    with CodatFiles(api_key=API_KEY, server_url=server.url) as client:
        download = client.files.download_files(COMPANY_ID)
        with pytest.raises(APIConnectionError, match="body failed mid-stream"):
            download.write_to(target)
    assert target.read_bytes() == GOOD  # before: truncated to the 300 000 bytes that arrived
    assert _leftovers(tmp_path) == []


def test_an_interrupted_download_keeps_the_previous_file_async(server: FaultServer, tmp_path: Path) -> None:
    target = tmp_path / "files.zip"
    target.write_bytes(GOOD)
    server.script(_cut_short(len(GOOD), 300_000))

    async def call() -> None:
        async with AsyncCodatFiles(api_key=API_KEY, server_url=server.url) as client:
            download = await client.files.download_files(COMPANY_ID)
            await download.write_to(target)

    with pytest.raises(APIConnectionError):
        asyncio.run(call())
    assert target.read_bytes() == GOOD
    assert _leftovers(tmp_path) == []


def test_a_complete_download_replaces_the_previous_file(server: FaultServer, tmp_path: Path) -> None:
    target = tmp_path / "files.zip"
    target.write_bytes(GOOD)
    server.script(_zip(NEW))
    with (
        CodatFiles(api_key=API_KEY, server_url=server.url) as client,
        client.files.download_files(COMPANY_ID) as download,
    ):
        assert download.write_to(str(target)) == len(NEW)
    assert target.read_bytes() == NEW
    assert _leftovers(tmp_path) == []


def test_write_to_an_interrupted_iteration_of_the_caller_keeps_the_previous_file(
    server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "files.zip"
    target.write_bytes(GOOD)
    server.script(_zip(NEW))
    with CodatFiles(api_key=API_KEY, server_url=server.url) as client:
        download = client.files.download_files(COMPANY_ID)

        def interrupted(chunk_size: int | None = None) -> object:
            yield NEW[:100]
            raise KeyboardInterrupt

        monkeypatch.setattr(download, "iter_bytes", interrupted)
        with pytest.raises(KeyboardInterrupt):
            download.write_to(target)
        download.close()
    assert target.read_bytes() == GOOD
    assert _leftovers(tmp_path) == []
