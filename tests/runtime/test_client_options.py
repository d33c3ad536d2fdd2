"""with_options copies, per-call options under concurrency, the User-Agent, and server selection errors."""

from __future__ import annotations

import asyncio
import logging
import platform
import re
import threading
from typing import Any

import httpx
import pytest
from codat_sdk_files import CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import DEFAULT_TIMEOUT, HookContext, Hooks, RetryConfig, __version__
from tests.conftest import API_KEY, BASE_URL, Recorder, async_platform, companies_json, sync_platform

WORKERS = 40


def _timeout(request: httpx.Request) -> dict[str, float | None]:
    timeout: dict[str, float | None] = request.extensions["timeout"]
    return timeout


# -- with_options -------------------------------------------------------------------------------------------


def test_with_options_changes_the_copy_only() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, timeout=DEFAULT_TIMEOUT, default_headers={"X-Team": "a"})
    hooks = Hooks()
    logger = logging.getLogger("copy")
    copy = client.with_options(
        server_url="https://eu.example.com/",
        timeout=3,
        default_headers={"X-Tenant": "t1"},
        retry_config=RetryConfig("none"),
        hooks=hooks,
        debug_logger=logger,
    )
    copy.companies.list()
    sent = recorder.last
    assert sent.url.host == "eu.example.com"
    assert _timeout(sent)["read"] == 3
    assert sent.headers["x-team"] == "a" and sent.headers["x-tenant"] == "t1"
    assert copy.server_url == "https://eu.example.com"
    assert copy.hooks is hooks and copy.debug_logger is logger

    client.companies.list()
    sent = recorder.last
    assert sent.url.host == "api.codat.io"
    assert _timeout(sent) == {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}
    assert "x-tenant" not in sent.headers
    assert client.timeout == DEFAULT_TIMEOUT
    assert client.hooks is not hooks
    assert client.debug_logger.name == "codat_sdk"
    assert "X-Tenant" not in client.default_headers


def test_with_options_resources_belong_to_the_copy() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder)
    client.companies.list()  # caches the original's resource group
    copy = client.with_options(server_url="https://eu.example.com")
    assert copy.companies is not client.companies
    copy.companies.list()
    assert recorder.last.url.host == "eu.example.com"
    assert copy._http is client._http, "the copy shares the connection pool"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_hooks_registered_on_a_copy_never_reach_the_original(mode: str) -> None:
    # The copy used to share the original's Hooks object: registering on the copy changed the original.
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder) if mode == "sync" else async_platform(recorder)
    seen: list[str] = []

    @client.hooks.before_request
    def on_original(request: httpx.Request, context: HookContext) -> None:
        seen.append("original")

    copy = client.with_options(timeout=1)
    assert copy.hooks is not client.hooks
    copy.hooks.before_request(lambda request, context: seen.append("copy"))
    client.hooks.on_error(lambda error, context: None)  # after the copy: the original's alone

    async def list_companies(target: CodatPlatform | AsyncCodatPlatform) -> None:
        if isinstance(target, AsyncCodatPlatform):
            await target.companies.list()
        else:
            target.companies.list()

    await list_companies(client)
    assert seen == ["original"]
    seen.clear()
    await list_companies(copy)
    assert seen == ["original", "copy"]  # the copy starts with the original's hooks
    assert repr(client.hooks) == "Hooks(before_request=1, after_response=0, on_error=1)"
    assert repr(copy.hooks) == "Hooks(before_request=2, after_response=0, on_error=0)"


class CodatsBackoffStrategy:
    """The shape of ``codat_platform.utils.BackoffStrategy`` (Codat's own SDK, not installed here)."""

    def __init__(self, initial_interval: int, max_interval: int, exponent: float, max_elapsed_time: int) -> None:
        self.initial_interval = initial_interval
        self.max_interval = max_interval
        self.exponent = exponent
        self.max_elapsed_time = max_elapsed_time


class CodatsRetryConfig:
    """The shape of ``codat_platform.utils.RetryConfig``: strategy, backoff, retry_connection_errors."""

    def __init__(self, strategy: str, backoff: CodatsBackoffStrategy, retry_connection_errors: bool) -> None:
        self.strategy = strategy
        self.backoff = backoff
        self.retry_connection_errors = retry_connection_errors


CodatsRetryConfig.__module__ = CodatsBackoffStrategy.__module__ = "codat_platform.utils.retries"
CodatsRetryConfig.__qualname__, CodatsBackoffStrategy.__qualname__ = "RetryConfig", "BackoffStrategy"
CODATS_RETRY_CONFIG = CodatsRetryConfig("backoff", CodatsBackoffStrategy(500, 60_000, 1.5, 3_600_000), True)


@pytest.mark.parametrize("cls", [CodatPlatform, AsyncCodatPlatform])
def test_codats_own_retry_config_is_refused_at_construction_saying_what_to_pass(cls: type) -> None:
    # It used to be accepted, then every call failed with AttributeError: ... no attribute 'max_attempts'.
    with pytest.raises(TypeError) as raised:
        cls(api_key=API_KEY, retry_config=CODATS_RETRY_CONFIG)
    message = str(raised.value)
    assert "retry_config= must be a codat_sdk.RetryConfig, got codat_platform.utils.retries.RetryConfig" in message
    assert "from codat_sdk import BackoffStrategy, RetryConfig" in message
    assert 'RetryConfig("none")' in message


async def test_codats_own_retry_config_is_refused_by_with_options_and_per_call() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder)
    with pytest.raises(TypeError, match=r"retry_config= must be a codat_sdk\.RetryConfig"):
        client.with_options(retry_config=CODATS_RETRY_CONFIG)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"retries= must be a codat_sdk\.RetryConfig"):
        client.companies.list(retries=CODATS_RETRY_CONFIG)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"retry_config= backoff must be a codat_sdk\.BackoffStrategy\(.* got codat_platform"
    ):
        client.with_options(retry_config=RetryConfig("backoff", CODATS_RETRY_CONFIG.backoff))  # type: ignore[arg-type]
    async_client = async_platform(recorder)
    with pytest.raises(TypeError, match=r"retries= must be a codat_sdk\.RetryConfig"):
        await async_client.companies.list(retries=CODATS_RETRY_CONFIG)  # type: ignore[arg-type]
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("setting", "value", "error", "message"),
    [
        ("timeout", "5", TypeError, "timeout= must be seconds .* got str"),
        ("timeout", True, TypeError, "timeout= must be seconds .* got bool"),
        ("timeout", -1, ValueError, "timeout= must be a finite number of seconds, at least 0, got -1"),
        ("timeout", float("nan"), ValueError, "got nan"),
        ("default_headers", [("X-A", "b")], TypeError, "default_headers= must be a mapping .* got list"),
        ("default_headers", {"X-Count": 1}, TypeError, "names and values must be str, got str: int for 'X-Count'"),
        ("on_retry", 5, TypeError, "on_retry= must be a callable or None, got int"),
        ("retry_config", {"strategy": "none"}, TypeError, "retry_config= must be a codat_sdk.RetryConfig, got dict"),
    ],
)
@pytest.mark.parametrize("where", ["constructor", "with_options"])
def test_settings_of_the_wrong_type_are_refused_when_given(
    where: str, setting: str, value: Any, error: type, message: str
) -> None:
    # Each used to be accepted and to fail every call (or, for on_retry, the first retry) instead.
    recorder = Recorder(json=companies_json())
    with pytest.raises(error, match=message):
        if where == "constructor":
            sync_platform(recorder, **{setting: value})
        else:
            sync_platform(recorder).with_options(**{setting: value})
    with pytest.raises(error, match=message):
        if where == "constructor":
            async_platform(recorder, **{setting: value})
        else:
            async_platform(recorder).with_options(**{setting: value})
    assert recorder.requests == []


def test_a_header_value_of_the_wrong_type_is_not_echoed() -> None:
    with pytest.raises(TypeError) as raised:
        sync_platform(Recorder(), default_headers={"X-Api-Secret": b"s3cr3t-value"})
    assert "s3cr3t" not in str(raised.value)


def test_server_url_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match="server_url must be a str, got int"):
        CodatPlatform(api_key=API_KEY, server_url=4010)  # type: ignore[arg-type]


def test_valid_settings_of_every_accepted_type() -> None:
    for timeout in (0, 2, 2.5, None, httpx.Timeout(3.0)):
        assert sync_platform(Recorder(), timeout=timeout).with_options(timeout=timeout).timeout == timeout
    client = sync_platform(Recorder(), default_headers={"X-A": "b"}, on_retry=print, retry_config=RetryConfig("none"))
    assert client.with_options(on_retry=None, default_headers={}).retry_config == RetryConfig("none")


def test_with_options_refuses_bad_input_before_copying() -> None:
    client = sync_platform(Recorder(json=companies_json()))
    with pytest.raises(ValueError, match="server_url"):
        client.with_options(server_url="ftp://x")
    with pytest.raises(TypeError, match="hooks="):
        client.with_options(hooks=[])  # type: ignore[arg-type]


async def test_async_with_options() -> None:
    recorder = Recorder(json=companies_json())
    client = async_platform(recorder)
    await client.with_options(server_url="https://eu.example.com", timeout=2).companies.list()
    assert recorder.last.url.host == "eu.example.com"
    assert _timeout(recorder.last)["read"] == 2
    await client.companies.list()
    assert recorder.last.url.host == "api.codat.io"


# -- concurrency: per-call options and copies never leak into other calls ------------------------------------


def _echo(request: httpx.Request) -> httpx.Response:
    """Answers with the worker index taken from the host, the header and the timeout, so each can check its own."""
    index = int(request.url.host.split(".")[0].removeprefix("s"))
    assert request.headers["x-worker"] == str(index)
    assert _timeout(request)["read"] == float(index + 1)
    assert request.url.params["extra"] == str(index)
    return httpx.Response(200, json=companies_json(page_number=index))


def _options(index: int) -> dict[str, Any]:
    return {
        "server_url": f"https://s{index}.example.com",
        "timeout": float(index + 1),
        "extra_headers": {"X-Worker": str(index)},
        "extra_query": {"extra": str(index)},
        "retries": RetryConfig("none"),
    }


def _assert_client_unchanged(client: CodatPlatform | AsyncCodatPlatform, headers: dict[str, str]) -> None:
    assert client.server_url == BASE_URL
    assert client.timeout == httpx.Timeout(5.0)  # the caller's httpx client's own (httpx's default)
    assert dict(client.default_headers) == headers
    assert client.retry_config == type(client).RETRY_CONFIG


def test_per_call_options_and_copies_from_many_threads() -> None:
    client = sync_platform(_echo)
    headers = dict(client.default_headers)
    barrier = threading.Barrier(WORKERS)
    results: dict[int, int] = {}
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            if index % 2:
                page = client.companies.list(**_options(index))
            else:  # the same through a copy
                options = _options(index)
                copy = client.with_options(
                    server_url=options["server_url"],
                    timeout=options["timeout"],
                    default_headers=options["extra_headers"],
                )
                page = copy.companies.list(extra_query=options["extra_query"])
            results[index] = page.page_number
        except BaseException as exc:  # surfaced below, on the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == {i: i for i in range(WORKERS)}
    _assert_client_unchanged(client, headers)


async def test_per_call_options_and_copies_from_many_tasks() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let the other tasks interleave
        return _echo(request)

    client = async_platform(handler)
    headers = dict(client.default_headers)

    async def call(index: int) -> int:
        await asyncio.sleep(0)
        options = _options(index)
        if index % 2:
            page = await client.companies.list(**options)
        else:
            copy = client.with_options(
                server_url=options["server_url"], timeout=options["timeout"], default_headers=options["extra_headers"]
            )
            page = await copy.companies.list(extra_query=options["extra_query"])
        return page.page_number

    assert await asyncio.gather(*(call(i) for i in range(WORKERS))) == list(range(WORKERS))
    _assert_client_unchanged(client, headers)


# -- User-Agent -----------------------------------------------------------------------------------------------


def test_user_agent_names_sdk_spec_and_python() -> None:
    recorder = Recorder(json=companies_json())
    sync_platform(recorder).companies.list()
    spec = f"{CodatPlatform.SPEC_TITLE} {CodatPlatform.SPEC_VERSION}"
    expected = f"codat-sdk-python/{__version__} (Python {platform.python_version()}; {spec})"
    assert recorder.last.headers["user-agent"] == expected
    assert spec.startswith("Platform API ")
    assert CodatFiles.user_agent().endswith(f"; Files API {CodatFiles.SPEC_VERSION})")


async def test_user_agent_async() -> None:
    recorder = Recorder(json=companies_json())
    await async_platform(recorder).companies.list()
    assert recorder.last.headers["user-agent"] == AsyncCodatPlatform.user_agent()


def test_user_supplied_headers_are_kept_with_the_user_agent() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, default_headers={"user-agent": "my-app/2.1", "X-Team": "payments"})
    client.companies.list(extra_headers={"X-Request-Id": "r1"})
    sent = recorder.last.headers
    assert sent.get_list("user-agent") == [f"my-app/2.1 {CodatPlatform.user_agent()}"]
    assert sent["x-team"] == "payments"
    assert sent["x-request-id"] == "r1"


def test_header_names_are_merged_case_insensitively() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, default_headers={"accept": "application/problem+json"})
    client.companies.list(extra_headers={"X-Trace": "1", "x-trace": "2"})
    assert recorder.last.headers.get_list("accept") == ["application/problem+json"]
    assert recorder.last.headers.get_list("x-trace") == ["2"]


# -- server selection errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_type", [CodatPlatform, AsyncCodatPlatform])
def test_invalid_server_idx_names_the_servers(client_type: Any) -> None:
    servers = ", ".join(f"{index}: {url}" for index, url in enumerate(client_type.SERVERS))
    bad = len(client_type.SERVERS)
    with pytest.raises(ValueError, match=re.escape(f"server_idx={bad} is out of range: ") + ".*" + re.escape(servers)):
        client_type(api_key=API_KEY, server_idx=bad)


def test_server_idx_must_be_an_int() -> None:
    with pytest.raises(TypeError, match="server_idx must be an int"):
        CodatPlatform(api_key=API_KEY, server_idx="0")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="server_idx must be an int"):
        CodatPlatform(api_key=API_KEY, server_idx=True)


def test_default_headers_cannot_replace_the_credentials() -> None:
    recorder = Recorder(json=companies_json())
    client = sync_platform(recorder, default_headers={"authorization": "Basic other"})
    client.companies.list()
    client.companies.list(extra_headers={"AUTHORIZATION": "Basic other"})
    for request in recorder.requests:
        assert request.headers.get_list("authorization") == [client._authorization.reveal()]
    assert "authorization" not in {name.lower() for name in client.default_headers}
