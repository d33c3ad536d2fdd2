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

from codat_sdk import DEFAULT_TIMEOUT, Hooks, RetryConfig, __version__
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


def test_with_options_shares_hooks_unless_replaced() -> None:
    client = sync_platform(Recorder(json=companies_json()))
    assert client.with_options(timeout=1).hooks is client.hooks


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
