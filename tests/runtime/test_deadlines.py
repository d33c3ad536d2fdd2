"""A call's deadline: ``timeout=`` bounds the whole call, not each socket read (issue 11, item 1).

Hostile servers on 127.0.0.1 (tests/runtime/faultserver.py) trickle a response a few bytes at a time, or
send ``102 Processing`` again and again: every read comes well within the read timeout, so before the
deadline each of these calls lasted as long as the server liked (here: until the whole answer arrived,
about 3 s, and succeeded). Deadlines are sub-second; the bounds asserted are generous.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import APITimeoutError, BackoffStrategy, RateLimitError, RetryConfig, ServiceUnavailableError
from tests.conftest import API_KEY, COMPANY_ID, companies_json, error_json
from tests.runtime.faultserver import FaultServer, Reply, Stall, Trickle

DEADLINE = 0.5
# What the hostile servers take to send their whole answer: far past the deadline, short enough to wait for.
SERVER_TAKES = 3.0
# Generous: the deadline plus scheduling noise on a loaded 2-core machine, well short of SERVER_TAKES.
WITHIN = DEADLINE + 1.5

RETRIES = RetryConfig("backoff", BackoffStrategy(100, 100, 1.0, 60_000))


def _page() -> bytes:
    return json.dumps(companies_json()).encode()


def _head(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)


def _one_byte_at_a_time(data: bytes, parts: int = 20) -> Trickle:
    """``data`` spread over ``parts`` writes lasting ``SERVER_TAKES`` in all (a byte at a time, then the rest)."""
    chunks = (*(data[i : i + 1] for i in range(parts - 1)), data[parts - 1 :])
    return Trickle(chunks, SERVER_TAKES / parts)


HOSTILE: dict[str, Callable[[], Trickle]] = {
    "headers a byte at a time": lambda: _one_byte_at_a_time(_head(_page()) + _page()),
    "body a byte at a time": lambda: Trickle(
        (_head(_page()), *_one_byte_at_a_time(_page(), 19).parts), SERVER_TAKES / 20
    ),
    "102 Processing, again and again": lambda: Trickle(
        (*[b"HTTP/1.1 102 Processing\r\n\r\n"] * 19, _head(_page()) + _page()), SERVER_TAKES / 20
    ),
}


def _platform(mode: str, server: FaultServer, **kwargs: Any) -> CodatPlatform | AsyncCodatPlatform:
    kwargs.setdefault("retry_config", RetryConfig("none"))
    cls = AsyncCodatPlatform if mode == "async" else CodatPlatform
    return cls(api_key=API_KEY, server_url=server.url, **kwargs)


async def _list(client: CodatPlatform | AsyncCodatPlatform, **options: Any) -> Any:
    if isinstance(client, AsyncCodatPlatform):
        async with client:
            return await client.companies.list(**options)
    with client:
        return client.companies.list(**options)


async def test_the_hostile_servers_do_answer_in_full(server: FaultServer) -> None:
    """The scenarios are valid answers: without a deadline each call succeeds, after SERVER_TAKES."""
    for make in HOSTILE.values():
        server.script(make())
    no_deadline = httpx.Timeout(5.0, read=None)
    async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url, timeout=no_deadline) as client:
        started = time.monotonic()
        pages = await asyncio.gather(*[client.companies.list() for _ in HOSTILE])
        assert time.monotonic() - started >= SERVER_TAKES * 0.8
    assert [page.results[0].id for page in pages if page.results] == [COMPANY_ID] * len(HOSTILE)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("scenario", sorted(HOSTILE))
@pytest.mark.parametrize("where", ["client", "call"])
async def test_a_trickling_server_cannot_hold_a_call_past_its_deadline(
    server: FaultServer, mode: str, scenario: str, where: str
) -> None:
    server.script(HOSTILE[scenario]())
    client_timeout, call_options = (DEADLINE, {}) if where == "client" else (30.0, {"timeout": DEADLINE})
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match="deadline") as info:
        await _list(_platform(mode, server, timeout=client_timeout), **call_options)
    assert time.monotonic() - started < WITHIN
    assert info.value.attempts == 1


async def test_the_deadline_cuts_a_callers_own_async_client(server: FaultServer) -> None:
    """Async calls run under asyncio's timeout, whatever client sends them."""
    server.script(HOSTILE["headers a byte at a time"]())
    async with httpx.AsyncClient(timeout=5.0) as http:
        client = AsyncCodatPlatform(
            api_key=API_KEY, server_url=server.url, client=http, retry_config=RetryConfig("none")
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline"):
            await client.companies.list(timeout=DEADLINE)
        assert time.monotonic() - started < WITHIN


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_retries_and_their_waits_stay_within_the_deadline(server: FaultServer, mode: str) -> None:
    """503 after 503: retried every 0.1 s until the deadline, then the last error, naming the deadline.

    The last is the 503 whose retry would start too late, or the attempt the deadline cut short.
    """
    server.script(*[Reply(503, error_json(503))] * 50)
    started = time.monotonic()
    with pytest.raises((ServiceUnavailableError, APITimeoutError), match="deadline") as info:
        await _list(_platform(mode, server, timeout=DEADLINE, retry_config=RETRIES))
    assert time.monotonic() - started < WITHIN
    assert 2 <= info.value.attempts < 10


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_retry_after_past_the_deadline_raises_at_once(server: FaultServer, mode: str) -> None:
    """``timeout=0.5`` told ``Retry-After: 3``: the wait cannot fit, so the 429 is raised at once, not after 3 s."""
    server.script(Reply(429, error_json(429), {"Retry-After": "3"}), Reply(200, companies_json()))
    started = time.monotonic()
    with pytest.raises(RateLimitError, match="deadline") as info:
        await _list(_platform(mode, server, timeout=DEADLINE, retry_config=RETRIES))
    assert time.monotonic() - started < WITHIN
    assert info.value.retry_after == 3.0
    assert server.count("GET") == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_streamed_download_body_is_read_at_the_callers_pace(server: FaultServer, mode: str) -> None:
    """The deadline ends with the headers of a download; its body then takes as long as the caller reads."""
    content = b"PK\x03\x04" + b"z" * 20
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(content)
    server.script(Trickle((head, *[content[i : i + 2] for i in range(0, len(content), 2)]), 0.1))  # ~1.2 s
    if mode == "async":
        async with AsyncCodatFiles(api_key=API_KEY, server_url=server.url, timeout=DEADLINE) as files:
            download = await files.files.download_files(COMPANY_ID)
            async with download:
                assert await download.read() == content
    else:
        sync_files = CodatFiles(api_key=API_KEY, server_url=server.url, timeout=DEADLINE)
        with sync_files, sync_files.files.download_files(COMPANY_ID) as sync_download:
            assert sync_download.read() == content


@pytest.mark.parametrize(
    ("timeout", "seconds"),
    [
        (2, 2.0),
        (0.5, 0.5),
        (httpx.Timeout(60.0, connect=10.0), 60.0),
        (httpx.Timeout(5.0, read=30.0), 30.0),
        (httpx.Timeout(5.0, pool=None), 5.0),
        (httpx.Timeout(5.0, read=None), None),
        (None, None),
    ],
)
def test_a_timeout_gives_the_call_its_longest_limit_as_deadline(timeout: Any, seconds: float | None) -> None:
    from codat_sdk._deadline import total_seconds

    assert total_seconds(timeout) == seconds


@pytest.mark.parametrize("client_type", [CodatPlatform, AsyncCodatPlatform])
def test_the_default_deadline_is_60_seconds(client_type: type[CodatPlatform | AsyncCodatPlatform]) -> None:
    from codat_sdk._types import UNSET

    client = client_type(api_key=API_KEY)
    assert client._call_deadline(UNSET) == 60.0
    assert client._call_deadline(2) == 2.0
    assert client.with_options(timeout=None)._call_deadline(UNSET) is None


async def test_retries_are_logged_to_the_debug_logger_when_given(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    server.script(Reply(503, error_json(503)), Reply(200, companies_json()))
    logger = logging.getLogger("my_app.codat")
    with caplog.at_level(logging.INFO, logger="my_app.codat"):
        await _list(_platform("sync", server, retry_config=RETRIES, debug_logger=logger))
    messages = [r.getMessage() for r in caplog.records if r.name == "my_app.codat" and r.levelno == logging.INFO]
    assert len(messages) == 1
    assert re.fullmatch(
        r"list-companies \(GET /companies\): attempt 1 failed \(503\); retrying in 0\.\d{3} s", messages[0]
    )


def test_a_callers_sync_client_is_not_changed_but_retries_keep_the_deadline(server: FaultServer) -> None:
    """A sync httpx.Client of the caller's keeps its transport (per-read limits within an attempt); the
    deadline still bounds the retries and their waits."""
    from codat_sdk._deadline import DeadlineBackend

    server.script(Reply(429, error_json(429), {"Retry-After": "3"}), Reply(200, companies_json()))
    with httpx.Client() as http:
        backend = http._transport._pool._network_backend  # type: ignore[attr-defined]
        client = CodatPlatform(api_key=API_KEY, server_url=server.url, client=http, retry_config=RETRIES)
        started = time.monotonic()
        with pytest.raises(RateLimitError, match="deadline"):
            client.companies.list(timeout=DEADLINE)
        assert time.monotonic() - started < WITHIN
        assert http._transport._pool._network_backend is backend  # type: ignore[attr-defined]
        assert not isinstance(backend, DeadlineBackend)
    with CodatPlatform(api_key=API_KEY) as owned:
        assert isinstance(owned._http._transport._pool._network_backend, DeadlineBackend)  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_time_spent_in_before_request_hooks_counts_against_the_deadline(server: FaultServer, mode: str) -> None:
    """The deadline is fixed when the attempt starts: a slow hook does not push it back.

    Before, the attempt's deadline was set after its before_request hooks ran, so a hook taking longer
    than the whole ``timeout=`` still left the request a full ``timeout=`` to answer in.
    """
    server.script(Reply(200, companies_json()))
    client = _platform(mode, server, timeout=DEADLINE)
    client.hooks.before_request(lambda request, context: time.sleep(DEADLINE * 1.5))
    with pytest.raises(APITimeoutError, match="deadline"):
        await _list(client)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_waiting_for_a_pooled_connection_ends_at_the_deadline(server: FaultServer, mode: str) -> None:
    """A call queued behind another for the pool's only connection ends at its own deadline.

    ``timeout=httpx.Timeout(DEADLINE, pool=None)`` gives a DEADLINE-second call and no pool limit.
    Before, a sync call then waited for the connection as long as the call holding it took (the
    server's SERVER_TAKES stall), because that wait happens before any socket operation the deadline
    bounds; async calls were already cut by their ``asyncio.timeout``.
    """
    server.script(Stall(SERVER_TAKES), Reply(200, companies_json()))
    limits = httpx.Limits(max_connections=1)
    if mode == "async":
        async with httpx.AsyncClient(limits=limits) as http:
            client = AsyncCodatPlatform(api_key=API_KEY, server_url=server.url, client=http)
            holder = asyncio.create_task(client.companies.list(timeout=SERVER_TAKES * 2))
            await _until(lambda: len(server.requests) == 1)
            started = time.monotonic()
            with pytest.raises(APITimeoutError, match="deadline"):
                await client.companies.list(timeout=httpx.Timeout(DEADLINE, pool=None))
            assert time.monotonic() - started < WITHIN
            holder.cancel()
            await asyncio.gather(holder, return_exceptions=True)
        return
    with httpx.Client(limits=limits) as sync_http:
        sync_client = CodatPlatform(api_key=API_KEY, server_url=server.url, client=sync_http)
        holding = threading.Thread(target=_quietly(lambda: sync_client.companies.list(timeout=SERVER_TAKES * 2)))
        holding.start()
        await _until(lambda: len(server.requests) == 1)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="deadline"):
            sync_client.companies.list(timeout=httpx.Timeout(DEADLINE, pool=None))
        assert time.monotonic() - started < WITHIN
        holding.join(SERVER_TAKES * 3)


async def _until(condition: Callable[[], bool]) -> None:
    """Wait (at most SERVER_TAKES) until ``condition()`` holds."""
    ends = time.monotonic() + SERVER_TAKES
    while not condition():
        assert time.monotonic() < ends, "the holding call never reached the server"
        await asyncio.sleep(0.01)


def _quietly(call: Callable[[], object]) -> Callable[[], None]:
    """``call`` for a thread whose outcome the test does not need (the stalled call fails either way)."""

    def run() -> None:
        with contextlib.suppress(Exception):
            call()

    return run
