"""Custom HTTP clients (httpx or the documented protocol), and who closes which client when."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
import time
import warnings
import weakref
from pathlib import Path
from typing import Any

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import AsyncHttpClient, HttpClient
from tests.conftest import API_KEY, companies_json
from tests.runtime.faultserver import FaultServer, Reply

ROOT = Path(__file__).resolve().parents[2]


def _ok(server: FaultServer, count: int = 1) -> None:
    server.script(*[Reply(200, companies_json()) for _ in range(count)])


# -- a user's wrapper following the protocol ---------------------------------------------------------------


class HeaderAdding:
    """Not an httpx client: wraps one and adds a header to everything it sends (the README's example)."""

    def __init__(self, inner: httpx.Client) -> None:
        self.inner = inner
        self.sent = 0

    def build_request(self, method: str, url: str, **kwargs: Any) -> httpx.Request:
        return self.inner.build_request(method, url, **kwargs)

    def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        request.headers["X-Team"] = "payments"
        self.sent += 1
        return self.inner.send(request, stream=stream)


class AsyncHeaderAdding:
    def __init__(self, inner: httpx.AsyncClient) -> None:
        self.inner = inner

    def build_request(self, method: str, url: str, **kwargs: Any) -> httpx.Request:
        return self.inner.build_request(method, url, **kwargs)

    async def send(self, request: httpx.Request, *, stream: bool = False) -> httpx.Response:
        request.headers["X-Team"] = "payments"
        return await self.inner.send(request, stream=stream)


def test_wrappers_and_httpx_clients_match_the_protocols() -> None:
    with httpx.Client() as sync_http:
        assert isinstance(sync_http, HttpClient)
        assert isinstance(HeaderAdding(sync_http), HttpClient)
    assert isinstance(AsyncHeaderAdding(httpx.AsyncClient()), AsyncHttpClient)


def test_a_header_adding_wrapper_reaches_the_server(server: FaultServer) -> None:
    _ok(server)
    with httpx.Client() as inner:
        wrapper = HeaderAdding(inner)
        client = CodatPlatform(api_key=API_KEY, server_url=server.url, client=wrapper)
        page = client.companies.list()
        client.close()
        assert not inner.is_closed, "the SDK must not close a client it was given"
    assert page.page_number == 1
    assert wrapper.sent == 1
    received = server.requests[-1]
    assert received.headers["x-team"] == "payments"
    assert received.headers["authorization"].startswith("Basic ")


async def test_a_header_adding_wrapper_reaches_the_server_async(server: FaultServer) -> None:
    _ok(server)
    async with httpx.AsyncClient() as inner:
        async with AsyncCodatPlatform(
            api_key=API_KEY, server_url=server.url, client=AsyncHeaderAdding(inner)
        ) as client:
            await client.companies.list()
        assert not inner.is_closed
    assert server.requests[-1].headers["x-team"] == "payments"


@pytest.mark.parametrize(
    ("client_type", "http", "message"),
    [
        (CodatPlatform, httpx.AsyncClient(), "needs an httpx.Client"),
        (AsyncCodatPlatform, httpx.Client(), "needs an httpx.AsyncClient"),
        (CodatPlatform, object(), "lacks build_request and send"),
        (AsyncCodatPlatform, "http://x", "lacks build_request and send"),
    ],
)
def test_a_client_of_the_wrong_kind_is_refused_at_construction(client_type: Any, http: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        client_type(api_key=API_KEY, client=http)


# -- closing, checked on the transport ------------------------------------------------------------------------


class ClosingTransport(httpx.MockTransport):
    """Answers every request and records whether the client closed it."""

    def __init__(self) -> None:
        super().__init__(lambda request: httpx.Response(200, json=companies_json()))
        self.closed = 0

    def close(self) -> None:
        self.closed += 1

    async def aclose(self) -> None:
        self.closed += 1


def _owned_sync(transport: httpx.MockTransport) -> CodatPlatform:
    """A client that creates its own httpx.Client, whose transport is then swapped for ``transport``."""
    client = CodatPlatform(api_key=API_KEY)
    http = client._http
    assert isinstance(http, httpx.Client)
    http._transport = transport
    return client


def test_sdk_created_client_is_closed_on_leaving_with() -> None:
    transport = ClosingTransport()
    with _owned_sync(transport) as client:
        client.companies.list()
        assert transport.closed == 0
    assert transport.closed == 1
    assert client._http.is_closed  # type: ignore[attr-defined]


def test_close_is_idempotent() -> None:
    transport = ClosingTransport()
    client = _owned_sync(transport)
    client.close()
    client.close()
    assert transport.closed == 1


def test_users_client_is_left_open_on_leaving_with() -> None:
    transport = ClosingTransport()
    http = httpx.Client(transport=transport)
    with CodatPlatform(api_key=API_KEY, client=http) as client:
        client.companies.list()
    assert transport.closed == 0
    assert not http.is_closed
    http.close()
    assert transport.closed == 1


def test_sdk_created_client_is_closed_when_the_sdk_client_is_collected() -> None:
    transport = ClosingTransport()
    client = _owned_sync(transport)
    client.companies.list()
    reference = weakref.ref(client)
    del client
    gc.collect()
    assert reference() is None
    assert transport.closed == 1


async def test_sdk_created_async_client_is_closed_on_leaving_async_with() -> None:
    transport = ClosingTransport()
    async with AsyncCodatPlatform(api_key=API_KEY) as client:
        http = client._http
        assert isinstance(http, httpx.AsyncClient)
        http._transport = transport
        await client.companies.list()
        assert transport.closed == 0
    assert transport.closed == 1
    assert http.is_closed


async def test_users_async_client_is_left_open_on_leaving_async_with() -> None:
    transport = ClosingTransport()
    http = httpx.AsyncClient(transport=transport)
    async with AsyncCodatPlatform(api_key=API_KEY, client=http) as client:
        await client.companies.list()
    assert transport.closed == 0
    assert not http.is_closed
    await http.aclose()


async def test_a_closed_async_client_refuses_further_calls() -> None:
    client = AsyncCodatPlatform(api_key=API_KEY)
    await client.aclose()
    with pytest.raises(RuntimeError, match="has been closed"):
        await client.companies.list()


def test_with_options_copy_does_not_close_the_shared_client() -> None:
    transport = ClosingTransport()
    client = _owned_sync(transport)
    with client.with_options(timeout=5) as copy:
        copy.companies.list()
    assert transport.closed == 0
    client.companies.list()
    client.close()
    assert transport.closed == 1


def test_an_async_client_used_from_many_loops_keeps_only_the_last_one_alive(server: FaultServer) -> None:
    """Each asyncio.run() gets a fresh pool; the earlier loops and their closed clients are let go."""
    import asyncio

    _ok(server, 5)
    codat = AsyncCodatPlatform(api_key=API_KEY, server_url=server.url)
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def one_call() -> None:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        await codat.companies.list()

    for _ in range(5):
        asyncio.run(one_call())
    gc.collect()
    assert sum(loop() is not None for loop in loops) <= 1


async def test_with_options_copy_does_not_close_the_shared_async_client() -> None:
    transport = ClosingTransport()
    async with AsyncCodatPlatform(api_key=API_KEY) as client:
        http = client._http
        assert isinstance(http, httpx.AsyncClient)
        http._transport = transport
        async with client.with_options(timeout=5) as copy:
            await copy.companies.list()
        assert transport.closed == 0
        await client.companies.list()
    assert transport.closed == 1


# -- no leaks, no warnings: in a fresh interpreter with every warning an error ---------------------------------

SCRIPT_HEAD = """
import asyncio, gc, sys
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
URL = sys.argv[1]
"""

LIFECYCLES = {
    "sync, never closed, collected": """
        client = CodatPlatform(api_key="k", server_url=URL)
        client.companies.list()
        del client
        gc.collect()
    """,
    "sync, never closed, alive at exit": """
        client = CodatPlatform(api_key="k", server_url=URL)
        client.companies.list()
    """,
    "async, never closed, loop ends (asyncio.run), then used from a second loop": """
        client = AsyncCodatPlatform(api_key="k", server_url=URL)
        asyncio.run(client.companies.list())
        assert client._http.is_closed, "closed with the loop it ran on"
        asyncio.run(client.companies.list())
        del client
        gc.collect()
    """,
    "async, never closed, collected while its loop runs": """
        async def main():
            client = AsyncCodatPlatform(api_key="k", server_url=URL)
            await client.companies.list()
            http = client._http
            del client
            gc.collect()
            for _ in range(10):
                await asyncio.sleep(0)
            assert http.is_closed
        asyncio.run(main())
    """,
    "async, never closed, alive at exit": """
        client = AsyncCodatPlatform(api_key="k", server_url=URL)
        asyncio.run(client.companies.list())
    """,
    "async, aclose() with calls in flight": """
        import socket
        from codat_sdk import RetryConfig
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # never accepts: the calls wait for an answer or to connect
        async def main():
            client = AsyncCodatPlatform(
                api_key="k", server_url="http://127.0.0.1:%d" % listener.getsockname()[1], timeout=5.0
            )
            calls = [asyncio.create_task(client.companies.list(retries=RetryConfig("none"))) for _ in range(5)]
            await asyncio.sleep(0.3)
            await client.aclose()
            await asyncio.gather(*calls, return_exceptions=True)
        asyncio.run(main())
        listener.close()
        gc.collect()
    """,
    "async, one client on two threads' loops, never closed": """
        import threading
        client = AsyncCodatPlatform(api_key="k", server_url=URL)
        threads = [threading.Thread(target=asyncio.run, args=(client.companies.list(),)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        del client
        gc.collect()
    """,
}


@pytest.mark.parametrize("lifecycle", sorted(LIFECYCLES))
def test_no_connection_leaks_or_warnings_without_close(lifecycle: str, server: FaultServer) -> None:
    _ok(server, 2)
    script = SCRIPT_HEAD + textwrap.dedent(LIFECYCLES[lifecycle]) + "print('done')\n"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script, server.url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    assert result.stderr == "", "warnings or 'Exception ignored' at exit"


# -- issue 11: loops closed without shutdown_asyncgens(), one client on many threads' loops, aclose() in flight --


def test_an_async_client_outlives_a_loop_closed_without_shutdown_asyncgens(server: FaultServer) -> None:
    """Such a loop cannot close its pool; the client used to keep sending through it: 'Event loop is closed'."""
    import asyncio

    _ok(server, 3)
    codat = AsyncCodatPlatform(api_key=API_KEY, server_url=server.url)
    loop = asyncio.new_event_loop()
    assert loop.run_until_complete(codat.companies.list()).page_number == 1
    loop.close()  # no loop.shutdown_asyncgens(), unlike asyncio.run
    for _ in range(2):
        assert asyncio.run(codat.companies.list()).page_number == 1
    asyncio.run(codat.aclose())
    with pytest.raises(RuntimeError, match="has been closed"):
        asyncio.run(codat.companies.list())
    del loop, codat
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # that loop's sockets go to the collector, as documented
        gc.collect()


def test_one_async_client_serves_threads_each_with_its_own_loop(server: FaultServer) -> None:
    """One pool per loop: calls from two threads' loops used to fail ('bound to a different event loop') or hang."""
    import asyncio
    import threading

    threads_count, calls, concurrent = 2, 100, 10
    _ok(server, threads_count * calls)
    codat = AsyncCodatPlatform(api_key=API_KEY, server_url=server.url)
    barrier = threading.Barrier(threads_count)
    failures: list[BaseException] = []
    done: list[int] = []

    async def many() -> None:
        barrier.wait()
        for _ in range(calls // concurrent):
            pages = await asyncio.gather(*(codat.companies.list() for _ in range(concurrent)), return_exceptions=True)
            failures.extend(page for page in pages if isinstance(page, BaseException))
            done.extend(page.page_number for page in pages if not isinstance(page, BaseException))

    workers = [threading.Thread(target=asyncio.run, args=(many(),)) for _ in range(threads_count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "a thread's calls hung"
    assert failures == []
    assert len(done) == threads_count * calls


def _open_sockets_to(port: int) -> int:
    """This process's TCP sockets connected to 127.0.0.1:``port`` (Linux: /proc)."""
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    count = 0
    for line in Path("/proc/self/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        remote_port = int(fields[2].split(":")[1], 16)
        if remote_port == port and fields[9] in inodes:
            count += 1
    return count


@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="counts sockets through Linux's /proc")
async def test_aclose_closes_the_sockets_of_calls_in_flight() -> None:
    """aclose() used to close the connections its pool held, not those still being opened (fds 8 -> 18).

    A server that never accepts: the first connections complete in the kernel's backlog and wait for an
    answer, the rest hang in connect. Each request still connecting went out after aclose() on a
    connection no pool held, open until its call's timeout, then left to the garbage collector.
    """
    import asyncio
    import socket

    from codat_sdk import APIConnectionError, RetryConfig

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        codat = AsyncCodatPlatform(
            api_key=API_KEY, server_url=f"http://127.0.0.1:{port}", retry_config=RetryConfig("none"), timeout=3.0
        )
        calls = [asyncio.create_task(codat.companies.list()) for _ in range(10)]
        for _ in range(100):  # until every call has its socket
            await asyncio.sleep(0.02)
            if _open_sockets_to(port) == 10:
                break
        assert _open_sockets_to(port) == 10
        started = time.monotonic()
        await codat.aclose()
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
        assert time.monotonic() - started < 1.5  # ended by aclose(), not by the 3 s timeout
        assert all(isinstance(outcome, APIConnectionError) for outcome in outcomes), outcomes
        assert all("closed" in str(outcome) for outcome in outcomes), outcomes
        await asyncio.sleep(0.05)  # asyncio closes a transport's socket on a later turn of the loop
        assert _open_sockets_to(port) == 0


def test_aclose_closes_the_pools_of_other_threads_loops(server: FaultServer) -> None:
    import asyncio
    import threading

    _ok(server, 2)
    codat = AsyncCodatPlatform(api_key=API_KEY, server_url=server.url)
    other = asyncio.new_event_loop()
    thread = threading.Thread(target=other.run_forever)
    thread.start()
    try:

        async def call_and_get_pool() -> Any:
            await codat.companies.list()
            return codat._http

        other_http = asyncio.run_coroutine_threadsafe(call_and_get_pool(), other).result(timeout=10)

        async def here() -> Any:
            await codat.companies.list()
            mine = codat._http
            await codat.aclose()
            return mine

        mine = asyncio.run(here())
        assert mine is not other_http, "one pool per loop"
        assert mine.is_closed and other_http.is_closed
    finally:
        other.call_soon_threadsafe(other.stop)
        thread.join(timeout=10)
        other.run_until_complete(other.shutdown_asyncgens())
        other.close()


async def test_a_call_ended_by_aclose_is_not_retried(server: FaultServer) -> None:
    """With retries on (the specs' default), a call aclose() ends raises APIConnectionError at once.

    Before, that error was retried as a connection failure: after the backoff's wait, the next attempt
    found the client closed and the call raised a bare RuntimeError instead.
    """
    import asyncio

    from codat_sdk import APIConnectionError, BackoffStrategy, RetryConfig
    from tests.runtime.faultserver import Stall

    server.script(*[Stall(3.0)] * 3)
    retries = RetryConfig("backoff", BackoffStrategy(100, 100, 1.0, 60_000))
    codat = AsyncCodatPlatform(api_key=API_KEY, server_url=server.url, retry_config=retries)
    call = asyncio.create_task(codat.companies.list())
    for _ in range(100):  # until the request has reached the server
        await asyncio.sleep(0.02)
        if server.requests:
            break
    await codat.aclose()
    with pytest.raises(APIConnectionError, match="closed") as info:
        await call
    assert info.value.attempts == 1
    assert len(server.requests) == 1
