"""Every value that reaches a header is checked before anything is sent, by one function, and the
error never shows the value; a request httpx refuses to send is a local error, never retried."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import (
    API_KEY_ENV_VAR,
    APIConnectionError,
    BackoffStrategy,
    File,
    HookContext,
    Hooks,
    InvalidRequestError,
    RetryConfig,
)
from codat_sdk._headers import check_header
from tests.conftest import API_KEY, COMPANY_ID, CONNECTION_ID, companies_json
from tests.runtime.faultserver import FaultServer, Reply

SECRET = "Basic c2stbWFsZm9ybWVkLWhlYWRlci10ZXN0"
# Retries that would go on for a while (before the fix, a malformed header was retried as a network failure).
PERSISTENT = RetryConfig("backoff", BackoffStrategy(1, 1, 1.0, 60_000), max_attempts=5)

MALFORMED = {
    "trailing space": SECRET + " ",
    "trailing newline": SECRET + "\n",
    "leading space": " " + SECRET,
    "injected header": SECRET + "\r\nX-Injected: 1",
    "NUL": SECRET + "\x00",
    "tab": SECRET + "\t",
    "DEL": SECRET + "\x7f",
    "non-ASCII": SECRET + "é",
    "line separator": SECRET + "\u2028",
}


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_check_header_refuses_without_showing_the_value(value: str) -> None:
    with pytest.raises(ValueError, match="the value is not shown") as caught:
        check_header("X-Custom", value)
    assert "c2stbWFs" not in str(caught.value)
    assert "'X-Custom'" in str(caught.value)


@pytest.mark.parametrize("value", ["", "Basic abc", "a b\u0020c", "text/plain; charset=utf-8", '"quoted"'])
def test_check_header_accepts_sendable_values(value: str) -> None:
    check_header("X-Custom", value)


@pytest.mark.parametrize("name", ["", "X Custom", "X-Custom\r\n", "Fé", "X:Y"])
def test_check_header_refuses_names_that_are_not_tokens(name: str) -> None:
    with pytest.raises(ValueError, match="not a valid header name"):
        check_header(name, "v")


def test_check_header_refuses_non_strings() -> None:
    with pytest.raises(TypeError, match="must be a str, got bytes"):
        check_header("X-Custom", b"v")


# -- credentials ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_type", [CodatPlatform, AsyncCodatPlatform, CodatFiles, AsyncCodatFiles])
@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_auth_header_is_refused_at_construction(client_type: type[Any], value: str) -> None:
    # Before: a trailing space was accepted, then h11 refused it on every attempt, quoting it, and the
    # call was retried as a connection error for up to an hour.
    with pytest.raises(ValueError, match=r"auth_header= has .* \(the value is not shown\)") as caught:
        client_type(auth_header=value)
    assert "c2stbWFs" not in str(caught.value)


def test_a_malformed_api_key_is_refused_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="api_key= has leading or trailing whitespace") as caught:
        CodatPlatform(api_key=API_KEY + " ")
    assert API_KEY not in str(caught.value)
    monkeypatch.setenv(API_KEY_ENV_VAR, API_KEY + "\n")  # a key pasted from a file with its newline
    with pytest.raises(ValueError, match=rf"\${API_KEY_ENV_VAR} has a line break") as caught:
        CodatPlatform()
    assert API_KEY not in str(caught.value)


# -- default and per-call headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_default_headers_are_refused_at_construction_and_in_copies(value: str) -> None:
    with pytest.raises(ValueError, match="header 'X-Tenant' has") as caught:
        CodatPlatform(api_key=API_KEY, default_headers={"X-Tenant": value})
    assert "c2stbWFs" not in str(caught.value)
    with pytest.raises(ValueError, match="header 'X-Tenant' has"):
        CodatPlatform(api_key=API_KEY).with_options(default_headers={"X-Tenant": value})


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_extra_headers_are_refused_before_sending(server: FaultServer, value: str) -> None:
    with (
        CodatPlatform(api_key=API_KEY, server_url=server.url, retry_config=PERSISTENT) as client,
        pytest.raises(ValueError, match="header 'X-Request-Id' has") as caught,
    ):
        client.companies.list(extra_headers={"X-Request-Id": value})
    assert not isinstance(caught.value, APIConnectionError)
    assert "c2stbWFs" not in str(caught.value)
    assert server.requests == []


def test_malformed_extra_headers_are_refused_before_sending_async(server: FaultServer) -> None:
    async def call() -> None:
        async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url, retry_config=PERSISTENT) as client:
            await client.companies.list(extra_headers={"X-Request-Id": SECRET + " "})

    with pytest.raises(ValueError, match="header 'X-Request-Id' has leading or trailing whitespace"):
        asyncio.run(call())
    assert server.requests == []


# -- a request httpx refuses at send time ----------------------------------------------------------------------


def _corrupt_credentials(request: httpx.Request, context: HookContext) -> None:
    request.headers["Authorization"] = SECRET + " "  # past every check: only h11 sees it


def test_a_request_httpx_refuses_is_a_local_error_never_retried(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="codat_sdk")
    hooks = Hooks(before_request=[_corrupt_credentials])
    with (
        CodatPlatform(api_key=API_KEY, server_url=server.url, retry_config=PERSISTENT, hooks=hooks) as client,
        pytest.raises(InvalidRequestError) as caught,
    ):
        client.companies.list()
    error = caught.value
    assert isinstance(error, ValueError)
    assert not isinstance(error, APIConnectionError)  # before: APIConnectionError, retried 5 times here
    assert error.attempts == 1
    assert "LocalProtocolError" in str(error)
    assert "c2stbWFs" not in str(error)
    assert "c2stbWFs" not in caplog.text  # before: h11's message, quoting the header, was logged
    assert server.requests == []


def test_a_request_httpx_refuses_is_a_local_error_never_retried_async(server: FaultServer) -> None:
    attempts: list[int] = []

    async def call() -> None:
        hooks = Hooks(before_request=[_corrupt_credentials])
        hooks.on_error(lambda error, context: attempts.append(context.attempt))
        async with AsyncCodatPlatform(
            api_key=API_KEY, server_url=server.url, retry_config=PERSISTENT, hooks=hooks
        ) as client:
            await client.companies.list()

    with pytest.raises(InvalidRequestError) as caught:
        asyncio.run(call())
    assert "c2stbWFs" not in str(caught.value)
    assert attempts == [1]
    assert server.requests == []


def test_well_formed_headers_still_go_out(server: FaultServer) -> None:
    server.script(Reply(200, companies_json()))
    with CodatPlatform(auth_header=SECRET, server_url=server.url, default_headers={"X-Tenant": "t 1"}) as client:
        client.companies.list(extra_headers={"X-Request-Id": "r-1"})
    headers = server.requests[0].headers
    assert (headers["authorization"], headers["x-tenant"], headers["x-request-id"]) == (SECRET, "t 1", "r-1")


# -- multipart part headers --------------------------------------------------------------------------------------


INJECTED_TYPE = 'text/plain\r\nContent-Disposition: form-data; name="forged"'


def test_a_line_break_in_a_files_mime_type_cannot_inject_part_headers(server: FaultServer) -> None:
    upload = File(io.BytesIO(b"data"), "a.txt", mime_type=INJECTED_TYPE)
    with (
        CodatFiles(api_key=API_KEY, server_url=server.url) as client,
        pytest.raises(ValueError, match=r"file: File\(mime_type=...\) has a line break") as caught,
    ):
        client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=upload)
    assert "forged" not in str(caught.value)
    assert server.requests == []  # before: sent, with a forged header line in the part


def test_a_line_break_in_a_files_mime_type_cannot_inject_part_headers_async(server: FaultServer) -> None:
    async def call() -> None:
        async with AsyncCodatFiles(api_key=API_KEY, server_url=server.url) as client:
            upload = File(io.BytesIO(b"data"), "a.txt", mime_type="text/plain\n")
            await client.files.upload_files(COMPANY_ID, CONNECTION_ID, file=[b"ok", upload])

    with pytest.raises(ValueError, match="has a line break"):
        asyncio.run(call())
    assert server.requests == []


WRONG_TYPES: dict[str, Any] = {
    "not a mapping": [("X-Tenant", "t1")],
    "a name that is not a str": {1: "t1"},
    "a value that is not a str": {"X-Tenant": 1},
}


@pytest.mark.parametrize("headers", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_wrong_typed_headers_raise_one_type_error_per_call_as_per_client(
    server: FaultServer, headers: Any, mode: str
) -> None:
    """``extra_headers=`` of the wrong type raise the TypeError ``default_headers=`` does, nothing sent.

    Before, a list raised a bare AttributeError from deep inside the client and a non-str name a
    ValueError, where ``default_headers=`` raised TypeError for each.
    """
    with pytest.raises(TypeError, match="default_headers="):
        CodatPlatform(api_key=API_KEY, default_headers=headers)

    async def call() -> None:
        if mode == "async":
            async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as aclient:
                await aclient.companies.list(extra_headers=headers)
        else:
            with CodatPlatform(api_key=API_KEY, server_url=server.url) as client:
                client.companies.list(extra_headers=headers)

    with pytest.raises(TypeError, match="extra_headers="):
        asyncio.run(call())
    assert server.requests == []
