"""The retry layer, against a scripted server on 127.0.0.1 (tests/runtime/faultserver.py).

Waits go to a fake sleep that records them and advances a fake clock (real time plus the waits), so the
elapsed budget is exercised without waiting; only the read-timeout tests wait for real (a fraction of a
second, with generous upper bounds). Every scenario runs against the sync and the async client.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import logging
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import IO, Any, cast

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform._client import SPEC_RETRY_CONFIG
from codat_sdk_platform.models import CompanyRequestBody, CompanyUpdateRequest, ErrorMessage

from codat_sdk import (
    APIConnectionError,
    APITimeoutError,
    BackoffStrategy,
    HookError,
    InternalServerError,
    RateLimitError,
    RetryConfig,
    RetryEvent,
    ServiceUnavailableError,
    UnexpectedStatusError,
)
from codat_sdk._errors import APIStatusError, CodatError, status_error
from codat_sdk._generated import Operation
from codat_sdk._retries import NO_RETRIES, Retrier, next_wait, should_retry
from codegen import source
from codegen.retries import retry_defaults
from tests.conftest import API_KEY, COMPANY_ID, CONNECTION_ID, companies_json, company_json, error_json
from tests.runtime.faultserver import Drop, FaultServer, Reply, Stall, unused_port

SPEC_SOURCE = source.default_source()
needs_spec = pytest.mark.skipif(
    SPEC_SOURCE is None, reason="no spec source: set $CODAT_SPEC_SOURCE or provide ../shared/openapi (nothing to read)"
)


def _spec_retries(api: str) -> dict[str, Any]:
    """The pinned spec's raw ``x-speakeasy-retries``, read without the code under test."""
    spec = source.load_pinned(source.load_pins()[api], SPEC_SOURCE)
    raw: dict[str, Any] = spec["x-speakeasy-retries"]
    return raw


def _expected_config(raw: dict[str, Any]) -> RetryConfig:
    backoff = raw["backoff"]
    return RetryConfig(
        raw["strategy"],
        BackoffStrategy(
            backoff["initialInterval"], backoff["maxInterval"], backoff["exponent"], backoff["maxElapsedTime"]
        ),
        raw["retryConnectionErrors"],
        status_codes=tuple(str(code) for code in raw["statusCodes"]),
    )


# Fast, deterministic backoff for the scenarios: 0.5 s, 0.75 s, 1.125 s, ... (no jitter with random=0.5).
FAST = RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 3_600_000), True, max_attempts=5)


@pytest.fixture(autouse=True)
def _no_retries() -> None:
    """Overrides tests/conftest.py's fixture of the same name: here the spec's retry defaults apply."""


class FakeTime:
    """Records each wait and advances the clock by it instead of sleeping."""

    def __init__(self) -> None:
        self.slept: list[float] = []
        self.offset = 0.0
        self.draw: Callable[[], float] = lambda: 0.5  # the jitter's uniform draw: 0.5 is no jitter

    def clock(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.offset += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)

    def random(self) -> float:
        return self.draw()


AnyPlatform = CodatPlatform | AsyncCodatPlatform
AnyFiles = CodatFiles | AsyncCodatFiles


class Harness:
    """Builds sync or async clients pointed at the fault server, with fake time and a record of retries."""

    def __init__(self, mode: str, server: FaultServer) -> None:
        self.mode = mode
        self.server = server
        self.time = FakeTime()
        self.events: list[RetryEvent] = []
        self._clients: list[AnyPlatform | AnyFiles] = []

    def _install(self, client: AnyPlatform | AnyFiles) -> None:
        user_hook = client._retrier.on_retry

        def on_retry(event: RetryEvent) -> None:
            self.events.append(event)
            if user_hook is not None:
                user_hook(event)

        client._retrier = Retrier(
            on_retry=on_retry,
            clock=self.time.clock,
            sleep=self.time.sleep,
            async_sleep=self.time.async_sleep,
            random=self.time.random,
        )
        self._clients.append(client)

    def platform(self, **kwargs: Any) -> AnyPlatform:
        kwargs.setdefault("server_url", self.server.url)
        kwargs.setdefault("timeout", 5.0)
        client: AnyPlatform = (
            AsyncCodatPlatform(api_key=API_KEY, **kwargs)
            if self.mode == "async"
            else CodatPlatform(api_key=API_KEY, **kwargs)
        )
        self._install(client)
        return client

    def files(self, **kwargs: Any) -> AnyFiles:
        kwargs.setdefault("server_url", self.server.url)
        kwargs.setdefault("timeout", 5.0)
        client: AnyFiles = (
            AsyncCodatFiles(api_key=API_KEY, **kwargs)
            if self.mode == "async"
            else CodatFiles(api_key=API_KEY, **kwargs)
        )
        self._install(client)
        return client

    async def close(self) -> None:
        for client in self._clients:
            if isinstance(client, CodatPlatform | CodatFiles):
                client.close()
            else:
                await client.aclose()


async def done(result: Any) -> Any:
    """The result of a sync call, or of an async call once awaited."""
    return await result if inspect.isawaitable(result) else result


@pytest.fixture(params=["sync", "async"])
async def harness(request: pytest.FixtureRequest, server: FaultServer) -> AsyncIterator[Harness]:
    h = Harness(request.param, server)
    yield h
    await h.close()


def retry_after_reply(seconds: str) -> Reply:
    return Reply(429, error_json(429), {"Retry-After": seconds})


# --- spec defaults ---------------------------------------------------------------------------------


@needs_spec
def test_generated_clients_carry_the_spec_retry_defaults() -> None:
    clients = {"platform": (CodatPlatform, AsyncCodatPlatform), "files": (CodatFiles, AsyncCodatFiles)}
    for api, client_classes in clients.items():
        expected = _expected_config(_spec_retries(api))
        for client_class in client_classes:
            assert expected == client_class.RETRY_CONFIG
            assert client_class(api_key=API_KEY).retry_config == expected
    assert _expected_config(_spec_retries("platform")) == SPEC_RETRY_CONFIG


@needs_spec
def test_codegen_reads_the_spec_extension() -> None:
    raw = _spec_retries("platform")
    defaults = retry_defaults({"x-speakeasy-retries": raw})
    assert defaults is not None
    backoff = raw["backoff"]
    assert (defaults.initial_interval, defaults.max_interval, defaults.exponent, defaults.max_elapsed_time) == (
        backoff["initialInterval"],
        backoff["maxInterval"],
        backoff["exponent"],
        backoff["maxElapsedTime"],
    )
    assert defaults.status_codes == tuple(str(code) for code in raw["statusCodes"])
    assert defaults.retry_connection_errors is raw["retryConnectionErrors"]
    assert retry_defaults({}) is None


def test_client_retry_config_replaces_the_spec_defaults() -> None:
    assert CodatPlatform(api_key=API_KEY, retry_config=NO_RETRIES).retry_config == NO_RETRIES


def test_retry_config_validation() -> None:
    # Backoff without a strategy takes BackoffStrategy()'s defaults, as Codat's own RetryConfig() does.
    assert RetryConfig("backoff").backoff == RetryConfig().backoff == BackoffStrategy(500, 60_000, 1.5, 3_600_000)
    assert RetryConfig("none").backoff is None
    with pytest.raises(ValueError, match="strategy"):
        RetryConfig("sometimes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_attempts"):
        RetryConfig("none", max_attempts=0)
    with pytest.raises(ValueError, match="range"):
        RetryConfig("none", status_codes=("5XY",))
    with pytest.raises(ValueError, match="exponent"):
        BackoffStrategy(500, 1000, 0.5, 1000)
    assert RetryConfig("none", status_codes=[429, "5xx"]).status_codes == ("429", "5XX")


# --- pure decisions --------------------------------------------------------------------------------


def _status(status: int, method: str = "GET", **body: Any) -> APIStatusError:
    request = httpx.Request(method, "https://api.codat.io/companies")
    response = httpx.Response(status, json=error_json(status, **body), request=request)
    return status_error(response, ErrorMessage.from_dict)


def _transport(exc: httpx.TransportError) -> APIConnectionError:
    error = APITimeoutError("x") if isinstance(exc, httpx.TimeoutException) else APIConnectionError("x")
    error.__cause__ = exc
    return error


GET = Operation("list-companies", "GET", "/companies")
POST = Operation("create-company", "POST", "/companies")
PATCH = Operation("update-company", "PATCH", "/companies/{companyId}")


@pytest.mark.parametrize(
    ("operation", "error", "retried"),
    [
        (GET, _status(500), True),
        (GET, _status(502), True),
        (GET, _status(503), True),
        (GET, _status(408), True),
        (GET, _status(429), True),
        (GET, _status(400), False),
        (GET, _status(404), False),
        (GET, _status(503, canBeRetried="False"), False),
        (GET, _transport(httpx.ReadTimeout("x")), True),
        (GET, _transport(httpx.RemoteProtocolError("x")), True),
        (POST, _status(500), False),
        (POST, _status(502), False),
        (POST, _status(504), False),
        (POST, _status(503), True),
        (POST, _status(429), True),
        (POST, _status(408), True),
        (POST, _status(429, canBeRetried="False"), False),
        (PATCH, _status(500), False),
        (PATCH, _status(503), True),
        (POST, _transport(httpx.ConnectError("x")), True),
        (POST, _transport(httpx.ConnectTimeout("x")), True),
        (POST, _transport(httpx.PoolTimeout("x")), True),
        (POST, _transport(httpx.ReadTimeout("x")), False),
        (POST, _transport(httpx.WriteTimeout("x")), False),
        (POST, _transport(httpx.RemoteProtocolError("x")), False),
        (PATCH, _transport(httpx.ReadError("x")), False),
    ],
)
def test_should_retry(operation: Operation, error: CodatError, retried: bool) -> None:
    assert (should_retry(FAST, operation, error) is None) is retried


def test_should_retry_options() -> None:
    opt_in = RetryConfig("backoff", FAST.backoff, retry_non_idempotent=True)
    assert should_retry(opt_in, POST, _status(500)) is None
    assert should_retry(opt_in, POST, _transport(httpx.ReadTimeout("x"))) is None
    assert should_retry(opt_in, POST, _status(503, canBeRetried="False")) is not None
    no_conn = RetryConfig("backoff", FAST.backoff, retry_connection_errors=False)
    assert should_retry(no_conn, GET, _transport(httpx.ConnectError("x"))) is not None
    assert should_retry(NO_RETRIES, GET, _status(503)) is not None
    only_429 = RetryConfig("backoff", FAST.backoff, status_codes=("429",))
    assert should_retry(only_429, GET, _status(503)) is not None
    assert should_retry(only_429, GET, _status(429)) is None


def test_next_wait_backoff_jitter_and_cap() -> None:
    config = RetryConfig("backoff", BackoffStrategy(500, 2_000, 2.0, 60_000))
    assert [next_wait(config, n, None, 0.5) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 2.0, 2.0]
    assert next_wait(config, 1, None, 0.0) == pytest.approx(0.375)  # -25 %
    assert next_wait(config, 1, None, 0.999999) == pytest.approx(0.625, abs=1e-5)  # +25 %
    assert next_wait(config, 3, None, 0.999999) == 2.0  # jitter never passes max_interval
    assert next_wait(config, 1, 7.0, 0.9) == 7.0  # Retry-After wins, unjittered, even past max_interval


# --- scenarios against the server ------------------------------------------------------------------


async def test_503_503_200_retries_with_backoff(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(503, error_json(503)), Reply(503, error_json(503)), Reply(200, companies_json()))
    client = harness.platform()  # the spec's defaults: 500 ms, x1.5
    page = await done(client.companies.list())
    assert page.results[0].id == COMPANY_ID
    assert server.count("GET", "/companies") == 3
    assert harness.time.slept == [0.5, 0.75]
    assert [(e.attempt, e.wait, e.status_code, e.operation.id) for e in harness.events] == [
        (1, 0.5, 503, "list-companies"),
        (2, 0.75, 503, "list-companies"),
    ]


async def test_jittered_waits_stay_within_25_percent(harness: Harness, server: FaultServer) -> None:
    harness.time.draw = random.random
    server.script(*[Reply(502, b"bad gateway")] * 4, Reply(200, companies_json()))
    client = harness.platform()
    await done(client.companies.list())
    assert server.count("GET") == 5
    bases = [0.5, 0.75, 1.125, 1.6875]
    assert len(harness.time.slept) == 4
    for waited, base in zip(harness.time.slept, bases, strict=True):
        assert base * 0.75 <= waited <= base * 1.25


async def test_429_retry_after_seconds_is_honoured(harness: Harness, server: FaultServer) -> None:
    server.script(retry_after_reply("1"), Reply(200, companies_json()))
    await done(harness.platform().companies.list())
    assert server.count("GET") == 2
    assert harness.time.slept == [1.0]


async def test_429_retry_after_http_date_is_honoured(harness: Harness, server: FaultServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.script(retry_after_reply(when), Reply(200, companies_json()))
    await done(harness.platform(timeout=60).companies.list())  # a deadline the wait fits in
    assert server.count("GET") == 2
    assert len(harness.time.slept) == 1
    assert 28 <= harness.time.slept[0] <= 31


async def test_retry_after_beyond_the_budget_raises_at_once(harness: Harness, server: FaultServer) -> None:
    server.script(retry_after_reply("120"), Reply(200, companies_json()))
    client = harness.platform(
        retry_config=RetryConfig("backoff", BackoffStrategy(500, 60_000, 1.5, 60_000)), timeout=httpx.Timeout(None)
    )
    with pytest.raises(RateLimitError) as info:
        await done(client.companies.list())
    assert info.value.retry_after == 120.0
    assert info.value.attempts == 1
    assert "1 attempt" in str(info.value) and "budget" in str(info.value)
    assert server.count("GET") == 1
    assert harness.time.slept == []


async def test_post_500_is_not_retried_and_creates_once(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(500, error_json(500)), Reply(200, company_json()))
    client = harness.platform()
    with pytest.raises(InternalServerError) as info:
        await done(client.companies.create(body=CompanyRequestBody(name="Acme")))
    assert server.count("POST", "/companies") == 1  # exactly one server-side create
    assert info.value.attempts == 1
    assert "[1 attempt; POST may have been acted on (500)]" in str(info.value)
    assert harness.time.slept == []


@pytest.mark.parametrize("status", [502, 504])
async def test_post_502_504_are_not_retried(harness: Harness, server: FaultServer, status: int) -> None:
    server.script(Reply(status, b""), Reply(200, company_json()))
    with pytest.raises(UnexpectedStatusError):
        await done(harness.platform().companies.create(body=CompanyRequestBody(name="Acme")))
    assert server.count("POST") == 1


@pytest.mark.parametrize("status", [408, 429, 503])
async def test_post_is_retried_where_the_server_did_not_act(harness: Harness, server: FaultServer, status: int) -> None:
    server.script(Reply(status, error_json(status)), Reply(200, company_json()))
    company = await done(harness.platform().companies.create(body=CompanyRequestBody(name="Acme")))
    assert company.name == "Codat Ltd."
    assert server.count("POST") == 2
    assert harness.time.slept == [0.5]


async def test_post_500_retried_when_the_call_opts_in(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(500, error_json(500)), Reply(200, company_json()))
    opt_in = RetryConfig("backoff", BackoffStrategy(100, 1_000, 2.0, 10_000), retry_non_idempotent=True)
    await done(harness.platform().companies.create(body=CompanyRequestBody(name="Acme"), retries=opt_in))
    assert server.count("POST") == 2
    assert harness.time.slept == [0.1]


async def test_patch_500_is_not_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(500, error_json(500)), Reply(200, company_json()))
    with pytest.raises(InternalServerError):
        await done(harness.platform().companies.update(COMPANY_ID, body=CompanyUpdateRequest(name="Acme")))
    assert server.count("PATCH") == 1


async def test_can_be_retried_false_is_not_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(503, error_json(503, canBeRetried="False")), Reply(200, companies_json()))
    with pytest.raises(ServiceUnavailableError) as info:
        await done(harness.platform().companies.list())
    assert server.count("GET") == 1
    assert info.value.attempts == 1
    assert "canBeRetried" in str(info.value)


async def test_max_attempts_caps_the_calls(harness: Harness, server: FaultServer) -> None:
    server.script(*[Reply(503, error_json(503))] * 10)
    with pytest.raises(ServiceUnavailableError) as info:
        await done(harness.platform().companies.list(retries=RetryConfig("backoff", FAST.backoff, max_attempts=3)))
    assert server.count("GET") == 3
    assert info.value.attempts == 3
    assert "[3 attempts; max_attempts=3 reached]" in str(info.value)
    assert harness.time.slept == [0.5, 0.75]


async def test_elapsed_budget_stops_the_retries(harness: Harness, server: FaultServer) -> None:
    server.script(*[Reply(503, error_json(503))] * 10)
    budget = RetryConfig("backoff", BackoffStrategy(1_000, 60_000, 2.0, 2_500))  # waits 1 s, then 2 s > 1.5 s left
    with pytest.raises(ServiceUnavailableError) as info:
        await done(harness.platform(retry_config=budget).companies.list())
    assert server.count("GET") == 2
    assert info.value.attempts == 2
    assert harness.time.slept == [1.0]


async def test_retries_none_per_call(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(503, error_json(503)), Reply(200, companies_json()))
    with pytest.raises(ServiceUnavailableError) as info:
        await done(harness.platform().companies.list(retries=RetryConfig("none")))
    assert server.count("GET") == 1
    assert info.value.attempts == 1
    assert "attempt" not in str(info.value)  # retries off: the message is the plain status error


async def test_status_outside_the_retried_set_is_not_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(404, error_json(404)), Reply(200, companies_json()))
    with pytest.raises(CodatError):
        await done(harness.platform().companies.list())
    assert server.count("GET") == 1


async def test_dropped_connection_on_get_is_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Drop(), Reply(200, companies_json()))
    await done(harness.platform().companies.list())
    assert server.count("GET") == 2
    assert harness.events[0].reason == "RemoteProtocolError"


async def test_dropped_connection_on_post_is_not_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Drop(), Reply(200, company_json()))
    with pytest.raises(APIConnectionError) as info:
        await done(harness.platform().companies.create(body=CompanyRequestBody(name="Acme")))
    assert server.count("POST") == 1
    assert info.value.attempts == 1


async def test_read_timeout_on_post_is_not_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Stall(10), Reply(200, company_json()))
    client = harness.platform(timeout=httpx.Timeout(0.3, connect=5.0))
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        await done(client.companies.create(body=CompanyRequestBody(name="Acme")))
    assert time.monotonic() - started < 5  # generous: the read timeout is 0.3 s
    assert server.count("POST") == 1
    assert info.value.attempts == 1
    assert harness.time.slept == []


async def test_read_timeout_on_get_is_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Stall(10), Reply(200, companies_json()))
    client = harness.platform(timeout=httpx.Timeout(0.3, connect=5.0))
    await done(client.companies.list())
    assert server.count("GET") == 2
    assert harness.events[0].reason == "ReadTimeout"


async def test_connection_refused_on_post_is_retried(server: FaultServer, harness: Harness) -> None:
    port = unused_port()
    client = harness.platform(server_url=f"http://127.0.0.1:{port}")
    with pytest.raises(APIConnectionError) as info:
        await done(
            client.companies.create(
                body=CompanyRequestBody(name="Acme"), retries=RetryConfig("backoff", FAST.backoff, max_attempts=3)
            )
        )
    assert info.value.attempts == 3
    assert "3 attempts" in str(info.value)
    assert harness.time.slept == [0.5, 0.75]
    assert [e.reason for e in harness.events] == ["ConnectError", "ConnectError"]


async def test_connection_refused_then_server_up_creates_once(harness: Harness) -> None:
    port = unused_port()
    late: list[FaultServer] = []

    def start_server(event: RetryEvent) -> None:
        late.append(FaultServer(port).start())
        late[0].script(Reply(200, company_json()))

    client = harness.platform(server_url=f"http://127.0.0.1:{port}", on_retry=start_server)
    try:
        await done(client.companies.create(body=CompanyRequestBody(name="Acme")))
        assert late[0].count("POST", "/companies") == 1
        assert harness.time.slept == [0.5]
    finally:
        for fault in late:
            fault.stop()


async def test_connection_errors_not_retried_when_configured_off(harness: Harness) -> None:
    client = harness.platform(
        server_url=f"http://127.0.0.1:{unused_port()}",
        retry_config=RetryConfig("backoff", FAST.backoff, retry_connection_errors=False),
    )
    with pytest.raises(APIConnectionError) as info:
        await done(client.companies.list())
    assert info.value.attempts == 1
    assert harness.time.slept == []


class OneWayStream(io.RawIOBase):
    """A readable binary stream that cannot seek (a pipe, a socket)."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def _file_part(received_body: bytes, content_type: str) -> bytes:
    boundary = re.search(r"boundary=([^;]+)", content_type)
    assert boundary is not None
    return received_body.replace(boundary.group(1).encode(), b"BOUNDARY")


async def test_upload_of_a_non_seekable_stream_is_not_retried(harness: Harness, server: FaultServer) -> None:
    server.script(Reply(503, error_json(503)), Reply(200, b""))
    with pytest.raises(ServiceUnavailableError) as info:
        await done(
            harness.files().files.upload_files(
                COMPANY_ID, CONNECTION_ID, file=cast(IO[bytes], OneWayStream(b"%PDF-1.7 one way"))
            )
        )
    assert server.count("POST") == 1
    assert info.value.attempts == 1
    assert "cannot be rewound" in str(info.value)


async def test_upload_of_a_seekable_stream_is_retried_with_identical_bytes(
    harness: Harness, server: FaultServer
) -> None:
    server.script(Reply(503, error_json(503)), Reply(200, b""))
    payload = b"%PDF-1.7 " + bytes(range(256)) * 64
    stream = io.BytesIO(payload)
    await done(harness.files().files.upload_files(COMPANY_ID, CONNECTION_ID, file=stream))
    assert len(server.requests) == 2
    first, second = server.requests
    assert payload in first.body and payload in second.body  # the second attempt did not get a drained stream
    assert _file_part(first.body, first.headers["content-type"]) == _file_part(
        second.body, second.headers["content-type"]
    )
    assert harness.time.slept == [0.5]


async def test_upload_of_paths_and_bytes_is_retried(harness: Harness, server: FaultServer, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"date,amount\n2024-01-01,10\n")
    server.script(Reply(503, error_json(503)), Reply(200, b""))
    await done(harness.files().files.upload_files(COMPANY_ID, CONNECTION_ID, file=[str(path), b"raw bytes"]))
    first, second = server.requests
    assert b"2024-01-01,10" in second.body and b"raw bytes" in second.body
    assert _file_part(first.body, first.headers["content-type"]) == _file_part(
        second.body, second.headers["content-type"]
    )


async def test_download_is_retried(harness: Harness, server: FaultServer) -> None:
    server.script(
        Reply(503, error_json(503)), Reply(200, b"PK\x03\x04zip", {"Content-Type": "application/octet-stream"})
    )
    response = await done(harness.files().files.download_files(COMPANY_ID))
    content = await done(response.read())
    assert content == b"PK\x03\x04zip"
    assert server.count("GET") == 2


async def test_on_retry_may_stop_the_retries(harness: Harness, server: FaultServer) -> None:
    server.script(*[Reply(503, error_json(503))] * 3)

    def give_up(event: RetryEvent) -> None:
        raise RuntimeError(f"stop after attempt {event.attempt}")

    with pytest.raises(HookError, match=r"on_retry hook .* raised RuntimeError: stop after attempt 1") as info:
        await done(harness.platform(on_retry=give_up).companies.list())
    assert server.count("GET") == 1
    # wrapped as the other hooks' exceptions are: named, the cause kept, the failure it was told of attached
    assert info.value.stage == "on_retry"
    assert isinstance(info.value.__cause__, RuntimeError)
    assert isinstance(info.value.error, ServiceUnavailableError)
    assert info.value.attempts == 1


async def test_each_retry_is_logged_without_secrets(
    harness: Harness, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script(Reply(503, error_json(503)), Reply(429, error_json(429)), Reply(200, companies_json()))
    with caplog.at_level(logging.INFO, logger="codat_sdk"):  # INFO: retries are never silent
        await done(harness.platform().companies.list())
    records = [r for r in caplog.records if r.name == "codat_sdk" and "retrying" in r.getMessage()]
    assert [r.getMessage() for r in records] == [
        "list-companies (GET /companies): attempt 1 failed (503); retrying in 0.500 s",
        "list-companies (GET /companies): attempt 2 failed (429); retrying in 0.750 s",
    ]
    assert all(r.levelno == logging.INFO for r in records)
    assert API_KEY not in caplog.text and "Authorization" not in caplog.text and "Basic" not in caplog.text


# --- issue 11: Retry-After floors, overflow, asctime dates -----------------------------------------------


@pytest.mark.parametrize("retry_after", ["0", "Thu, 01 Jan 1970 00:00:00 GMT", "-5"])
async def test_a_retry_after_of_now_never_shortens_the_backoff(
    harness: Harness, server: FaultServer, retry_after: str
) -> None:
    """``Retry-After: 0`` or a past date once meant no wait at all: 2057 requests in a second."""
    server.script(*[Reply(503, error_json(503), {"Retry-After": retry_after})] * 3, Reply(200, companies_json()))
    await done(harness.platform().companies.list())
    assert harness.time.slept == [0.5, 0.75, 1.125]  # the spec's backoff, as without the header


def test_next_wait_takes_the_longer_of_retry_after_and_the_backoff() -> None:
    config = RetryConfig("backoff", BackoffStrategy(500, 2_000, 2.0, 60_000))
    assert next_wait(config, 1, 0.0, 0.5) == 0.5
    assert next_wait(config, 3, 0.1, 0.5) == 2.0
    assert next_wait(config, 1, 0.0, 0.0) == pytest.approx(0.375)  # jitter still spreads clients out
    assert next_wait(config, 1, 30.0, 0.5) == 30.0


@pytest.mark.parametrize("attempt", [1025, 1100, 10**6])
def test_the_backoff_stops_at_its_cap_without_overflowing(attempt: int) -> None:
    """``2.0 ** 1024`` overflows a float: the 1025th retry of BackoffStrategy(10, 100, 2.0, ...) raised."""
    config = RetryConfig("backoff", BackoffStrategy(10, 100, 2.0, 600_000))
    assert next_wait(config, attempt, None, 0.5) == 0.1


def test_a_long_run_of_retries_keeps_its_capped_wait() -> None:
    config = RetryConfig("backoff", BackoffStrategy(10, 100, 2.0, 600_000))
    waits: list[float] = []
    failures = 1100

    def send(attempt: int, remaining: float | None) -> str:
        if attempt <= failures:
            raise _status(503)
        return "ok"

    retrier = Retrier(sleep=waits.append, clock=lambda: 0.0, random=lambda: 0.5)
    assert retrier.run(GET, config, {}, send) == "ok"
    assert len(waits) == failures
    assert waits[:4] == [0.01, 0.02, 0.04, 0.08] and set(waits[4:]) == {0.1}


@pytest.mark.parametrize("exponent", [float("nan"), float("inf"), 0.5])
def test_a_backoff_exponent_must_be_finite_and_at_least_one(exponent: float) -> None:
    with pytest.raises(ValueError, match="exponent"):
        BackoffStrategy(500, 1000, exponent, 1000)


def test_an_asctime_retry_after_is_gmt_not_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP dates are GMT; the asctime form carries no zone and was read as local time (18 030 s in New York)."""
    from calendar import timegm

    from codat_sdk._errors import parse_retry_after

    now = timegm((1994, 11, 6, 8, 49, 7))
    monkeypatch.setenv("TZ", "EST+5")  # POSIX form: New York's offset in winter, no tz database needed
    time.tzset()
    try:
        assert parse_retry_after("Sun Nov  6 08:49:37 1994", now=now) == 30.0
        assert parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now=now) == 30.0
        assert parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now=now) == 30.0
    finally:
        monkeypatch.undo()
        time.tzset()
