"""Secrets in bodies and echoed credentials never reach exception text or the debug log (either
direction); the raw body stays on ``.body`` for those who need it. One redactor does it all."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import pickle

import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import APIStatusError, ResponseValidationError, UnauthorizedError
from codat_sdk._redaction import REDACTED, redact_text
from tests.conftest import API_KEY, COMPANY_ID, companies_json, error_json
from tests.runtime.faultserver import FaultServer, Reply

TOKEN = "tok_live_8c1f0e9a7b6d5c4b3a29"
BASIC = "Basic " + base64.b64encode(API_KEY.encode()).decode()
B64 = BASIC.removeprefix("Basic ")
# What must never show: the issued token, the whole Authorization value, its base64 part, the key itself.
FORBIDDEN = (TOKEN, BASIC, B64, API_KEY)


def _assert_clean(text: str) -> None:
    for secret in FORBIDDEN:
        assert secret not in text


def test_request_secrets_are_the_header_its_credential_and_the_key() -> None:
    from codat_sdk._redaction import request_secrets

    secrets = request_secrets([("Authorization", BASIC), ("Accept", "application/json"), ("X-Api-Key", "k" * 20)])
    assert set(secrets) == {BASIC, B64, API_KEY, "k" * 20}
    assert list(secrets) == sorted(secrets, key=len, reverse=True)
    assert request_secrets([("Authorization", "Bearer short")]) == ("Bearer short",)  # "short" is too short
    assert redact_text(f"key {API_KEY} rejected", secrets) == f"key {REDACTED} rejected"


# -- ResponseValidationError on get_access_token ------------------------------------------------------------

BROKEN_BODIES = {
    "invalid JSON": b'{"accessToken": "' + TOKEN.encode() + b'", "expiresIn": ',
    "wrong shape": json.dumps([{"accessToken": TOKEN}]).encode(),
}


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES.keys())
def test_a_validation_error_does_not_quote_the_access_token(server: FaultServer, body: bytes) -> None:
    server.script(Reply(200, body))
    with (
        CodatPlatform(api_key=API_KEY, server_url=server.url) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.companies.get_access_token(COMPANY_ID)
    _assert_clean(str(caught.value))  # before: ...; body: {"accessToken": "tok_live_...
    assert REDACTED in str(caught.value)
    assert caught.value.body == body.decode()  # the raw body, for those who need it


@pytest.mark.parametrize("body", BROKEN_BODIES.values(), ids=BROKEN_BODIES.keys())
def test_a_pickled_validation_error_holds_no_access_token(server: FaultServer, body: bytes) -> None:
    # A pickle leaves the process: it loses the token, which only the in-memory .body keeps.
    server.script(Reply(200, body))
    with (
        CodatPlatform(api_key=API_KEY, server_url=server.url) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.companies.get_access_token(COMPANY_ID)
    pickled = pickle.dumps(caught.value)
    assert TOKEN.encode() not in pickled
    restored = pickle.loads(pickled)
    assert TOKEN not in restored.body and REDACTED in restored.body
    assert TOKEN not in restored.response.text
    assert caught.value.body == body.decode()


def test_a_validation_error_does_not_quote_the_access_token_async(server: FaultServer) -> None:
    server.script(Reply(200, BROKEN_BODIES["invalid JSON"]))

    async def call() -> None:
        async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as client:
            await client.companies.get_access_token(COMPANY_ID)

    with pytest.raises(ResponseValidationError) as caught:
        asyncio.run(call())
    _assert_clean(str(caught.value))
    assert TOKEN in caught.value.body


# -- credentials a server echoes back ---------------------------------------------------------------------

ECHOES = {
    "error field": Reply(401, error_json(401, error=f"Authorization header '{BASIC}' is not valid")),
    "html page": Reply(401, f"<p>key {API_KEY} unknown ({B64})</p>".encode(), {"Content-Type": "text/html"}),
    "nested json": Reply(401, {"request": {"headers": [["X-Seen", BASIC]]}, "detail": f"key={API_KEY}"}),
}


@pytest.mark.parametrize("reply", ECHOES.values(), ids=ECHOES.keys())
def test_echoed_credentials_do_not_reach_the_exception(server: FaultServer, reply: Reply) -> None:
    server.script(reply)
    with (
        CodatPlatform(api_key=API_KEY, server_url=server.url) as client,
        pytest.raises(UnauthorizedError) as caught,
    ):
        client.companies.list()
    _assert_clean(str(caught.value))  # before: the key or its header, verbatim
    _assert_clean(repr(caught.value.args))
    pickled = pickle.dumps(caught.value)
    for secret in FORBIDDEN:
        assert secret.encode() not in pickled
    assert API_KEY in caught.value.body or B64 in caught.value.body  # raw, in this process only


def test_echoed_credentials_do_not_reach_the_exception_async(server: FaultServer) -> None:
    server.script(ECHOES["error field"])

    async def call() -> None:
        async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as client:
            await client.companies.list()

    with pytest.raises(APIStatusError) as caught:
        asyncio.run(call())
    _assert_clean(str(caught.value))


# -- the debug log, both directions ------------------------------------------------------------------------


def test_echoed_credentials_do_not_reach_the_debug_log(server: FaultServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="codat_sdk")
    echoed = {"X-Echo": BASIC, "X-Debug-Key": API_KEY}  # named like nothing secret
    server.script(Reply(200, companies_json(), echoed), Reply(401, {"error": f"seen {B64}"}, echoed))
    with CodatPlatform(api_key=API_KEY, server_url=server.url) as client:
        client.companies.list(extra_query={"echo": API_KEY}, extra_headers={"X-Trace": f"from {API_KEY}"})
        with pytest.raises(UnauthorizedError):
            client.companies.list()
    text = caplog.text
    assert "response 200" in text and "response 401" in text and "failed (attempt 1)" in text
    assert "'x-echo': '[REDACTED]'" in text  # before: the Authorization value, as the server sent it
    assert "'x-trace': 'from [REDACTED]'" in text
    assert "echo=%5BREDACTED%5D" in text
    _assert_clean(text)


async def test_echoed_credentials_do_not_reach_the_debug_log_async(
    server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="codat_sdk")
    server.script(Reply(200, companies_json(), {"X-Echo": BASIC}))
    async with AsyncCodatPlatform(api_key=API_KEY, server_url=server.url) as client:
        await client.companies.list()
    assert "'x-echo': '[REDACTED]'" in caplog.text
    _assert_clean(caplog.text)
