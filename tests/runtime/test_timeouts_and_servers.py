"""Timeouts are never infinite by default, and servers can be chosen per client and per call, safely."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest
from codat_sdk_files import CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import DEFAULT_TIMEOUT
from tests.conftest import API_KEY, BASE_URL, Recorder, async_platform, companies_json, sync_platform
from tests.runtime.faultserver import FaultServer, Reply

# One attempt per call: what a single failure raises (retries have their own tests).

DEFAULTS = {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}


def _timeout(request: httpx.Request) -> dict[str, float | None]:
    timeout: dict[str, float | None] = request.extensions["timeout"]
    return timeout


# -- timeouts -----------------------------------------------------------------------------------------------


def test_default_timeout_is_finite() -> None:
    assert DEFAULT_TIMEOUT is not None
    assert DEFAULT_TIMEOUT.connect == 10.0
    assert DEFAULT_TIMEOUT.read == 60.0


def _seen_timeouts(client: CodatPlatform | AsyncCodatPlatform) -> list[dict[str, float | None]]:
    """The timeout of each request the client sends, as its before_request hooks see it."""
    seen: list[dict[str, float | None]] = []
    client.hooks.before_request(lambda request, context: seen.append(_timeout(request)))
    return seen


def test_default_timeout_reaches_the_request(server: FaultServer) -> None:
    server.script(Reply(200, companies_json()))
    with CodatPlatform(api_key=API_KEY, server_url=server.url) as client:
        seen = _seen_timeouts(client)
        client.companies.list()
    assert seen == [DEFAULTS]


async def test_default_timeout_reaches_the_request_async(server: FaultServer) -> None:
    server.script(Reply(200, companies_json()))
    async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as client:
        seen = _seen_timeouts(client)
        await client.companies.list()
    assert seen == [DEFAULTS]


CALLERS = {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}


def test_a_callers_own_httpx_client_keeps_its_timeout() -> None:
    """The caller's httpx.Client(timeout=...) wins unless the SDK client or the call sets one."""
    recorder = Recorder(json=companies_json())
    http = httpx.Client(transport=httpx.MockTransport(recorder), timeout=7.0)
    client = CodatPlatform(api_key=API_KEY, client=http)
    client.companies.list()
    assert _timeout(recorder.last) == CALLERS
    assert client.timeout == httpx.Timeout(7.0)
    client.companies.list(timeout=2.0)
    assert _timeout(recorder.last)["read"] == 2.0
    CodatPlatform(api_key=API_KEY, client=http, timeout=3.0).companies.list()
    assert _timeout(recorder.last)["read"] == 3.0
    client.with_options(timeout=4.0).companies.list()
    assert _timeout(recorder.last)["read"] == 4.0


async def test_a_callers_own_httpx_client_keeps_its_timeout_async() -> None:
    recorder = Recorder(json=companies_json())
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder), timeout=7.0)
    client = AsyncCodatPlatform(api_key=API_KEY, client=http)
    await client.companies.list()
    assert _timeout(recorder.last) == CALLERS
    await client.companies.list(timeout=2.0)
    assert _timeout(recorder.last)["read"] == 2.0
    await AsyncCodatPlatform(api_key=API_KEY, client=http, timeout=3.0).companies.list()
    assert _timeout(recorder.last)["read"] == 3.0


@pytest.mark.parametrize(
    ("timeout", "error"), [("5", TypeError), (True, TypeError), (-1, ValueError), (float("nan"), ValueError)]
)
def test_a_timeout_of_the_wrong_kind_is_refused_before_sending(timeout: Any, error: type[Exception]) -> None:
    recorder = Recorder(json=companies_json())
    with pytest.raises(error, match="timeout="):
        sync_platform(recorder, timeout=timeout)
    with pytest.raises(error, match="timeout="):
        sync_platform(recorder).companies.list(timeout=timeout)
    with pytest.raises(error, match="timeout="):
        sync_platform(recorder).with_options(timeout=timeout)
    assert recorder.requests == []


def test_client_it_creates_has_the_timeout_too() -> None:
    client = CodatPlatform(api_key=API_KEY)
    try:
        http = client._http
        assert isinstance(http, httpx.Client)
        assert http.timeout == DEFAULT_TIMEOUT
    finally:
        client.close()


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (5, {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}),
        (httpx.Timeout(1.0, read=30.0), {"connect": 1.0, "read": 30.0, "write": 1.0, "pool": 1.0}),
        (None, {"connect": None, "read": None, "write": None, "pool": None}),
    ],
)
def test_per_client_timeout(timeout: Any, expected: dict[str, float | None]) -> None:
    recorder = Recorder(json=companies_json())
    sync_platform(recorder, timeout=timeout).companies.list()
    assert _timeout(recorder.last) == expected


def test_per_call_timeout_overrides_the_clients() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, timeout=5)
    client.companies.list(timeout=2.5)
    assert _timeout(recorder.last) == {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5}
    client.companies.list(timeout=httpx.Timeout(3.0, connect=1.0))
    assert _timeout(recorder.last) == {"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}
    client.companies.list()
    assert _timeout(recorder.last)["read"] == 5.0, "a per-call timeout must not stick"


async def test_per_call_timeout_overrides_the_clients_async() -> None:
    recorder = Recorder(json=companies_json())
    client = async_platform(recorder, timeout=5)
    await client.companies.list(timeout=2.5)
    assert _timeout(recorder.last)["read"] == 2.5
    await client.companies.list()
    assert _timeout(recorder.last)["read"] == 5.0


def test_per_call_timeout_on_a_download() -> None:
    recorder = Recorder(content=b"zip")
    client = CodatFiles(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder)))
    with client.files.download_files("8a210b68-6988-11ed-a1eb-0242ac120002", timeout=7) as download:
        assert download.read() == b"zip"
    assert _timeout(recorder.last)["read"] == 7.0


# -- servers ------------------------------------------------------------------------------------------------


def test_default_server(recorder: Recorder, platform: CodatPlatform) -> None:
    assert platform.server_url == BASE_URL
    platform.companies.list()
    assert str(recorder.last.url).startswith(f"{BASE_URL}/companies")


def test_server_idx_zero_is_the_default() -> None:
    assert CodatPlatform(api_key=API_KEY, server_idx=0).server_url == BASE_URL


@pytest.mark.parametrize(
    ("server_url", "expected_url"),
    [
        ("https://sandbox.example.com", "https://sandbox.example.com/companies"),
        ("https://sandbox.example.com/", "https://sandbox.example.com/companies"),
        ("http://localhost:4010", "http://localhost:4010/companies"),
        ("https://proxy.example.com/codat/", "https://proxy.example.com/codat/companies"),
    ],
)
def test_per_client_server_url(server_url: str, expected_url: str) -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, server_url=server_url)
    client.companies.list(page=None, page_size=None)  # type: ignore[arg-type]
    assert str(recorder.last.url) == expected_url


def test_per_call_server_url_does_not_stick() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder)
    client.companies.list(server_url="https://eu.example.com/")
    assert recorder.last.url.host == "eu.example.com"
    assert client.server_url == BASE_URL
    client.companies.list()
    assert recorder.last.url.host == "api.codat.io"


async def test_per_call_server_url_async() -> None:
    recorder = Recorder(json=companies_json())
    client = async_platform(recorder, server_url="https://one.example.com")
    await client.companies.list(server_url="https://two.example.com")
    assert recorder.last.url.host == "two.example.com"
    assert client.server_url == "https://one.example.com"


INVALID_SERVER_URLS = ["", "api.codat.io", "ftp://api.codat.io", "http://", "https://", "/companies", "file:///etc"]


@pytest.mark.parametrize("server_url", INVALID_SERVER_URLS)
@pytest.mark.parametrize("client_type", [CodatPlatform, AsyncCodatPlatform, CodatFiles])
def test_invalid_server_url_is_refused_at_construction(client_type: type[Any], server_url: str) -> None:
    with pytest.raises(ValueError, match="server_url"):
        client_type(api_key=API_KEY, server_url=server_url)


@pytest.mark.parametrize("server_url", INVALID_SERVER_URLS)
def test_invalid_per_call_server_url_is_refused_before_sending(server_url: str) -> None:
    recorder = Recorder(json=companies_json())
    with pytest.raises(ValueError, match="server_url"):
        sync_platform(recorder).companies.list(server_url=server_url)
    assert recorder.requests == []


@pytest.mark.parametrize(
    "server_url",
    ["https://api.codat.io?x=1", "https://api.codat.io#frag", "https://exa mple.com", "http://[::1"],
)
def test_malformed_server_url_is_refused_with_value_error(server_url: str) -> None:
    with pytest.raises(ValueError):
        CodatPlatform(api_key=API_KEY, server_url=server_url)


@pytest.mark.parametrize("server_idx", [1, 2, -1, 99])
def test_invalid_server_idx_is_refused_at_construction(server_idx: int) -> None:
    with pytest.raises(ValueError, match="server_idx"):
        CodatPlatform(api_key=API_KEY, server_idx=server_idx)


def test_server_url_and_server_idx_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        CodatPlatform(api_key=API_KEY, server_url=BASE_URL, server_idx=0)


# -- concurrency --------------------------------------------------------------------------------------------

WORKERS = 50


def _echo_host(request: httpx.Request) -> httpx.Response:
    """Answers with the index encoded in the host, so each caller can check it got its own answer."""
    index = int(request.url.host.split(".")[0].removeprefix("s"))
    return httpx.Response(200, json=companies_json(page_number=index))


def test_per_call_server_urls_from_many_threads_do_not_mix() -> None:
    seen: list[tuple[int, str]] = []
    lock = threading.Lock()

    def handler(request: httpx.Request) -> httpx.Response:
        with lock:
            seen.append((threading.get_ident(), request.url.host))
        return _echo_host(request)

    client = sync_platform(handler)
    barrier = threading.Barrier(WORKERS)
    results: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            page = client.companies.list(server_url=f"https://s{index}.example.com")
            results[index] = (threading.get_ident(), page.page_number)
        except BaseException as exc:  # surfaced below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert {index: page for index, (_, page) in results.items()} == {i: i for i in range(WORKERS)}
    by_thread = dict(seen)
    for index, (ident, _) in results.items():
        assert by_thread[ident] == f"s{index}.example.com"
    assert client.server_url == BASE_URL


async def test_per_call_server_urls_from_many_tasks_do_not_mix() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let the other tasks interleave
        return _echo_host(request)

    client = async_platform(handler)

    async def call(index: int) -> int:
        await asyncio.sleep(0)
        page = await client.companies.list(server_url=f"https://s{index}.example.com")
        return page.page_number

    pages = await asyncio.gather(*(call(i) for i in range(WORKERS)))
    assert pages == list(range(WORKERS))
    assert client.server_url == BASE_URL
