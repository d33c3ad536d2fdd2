"""Fixtures and helpers shared by the runtime, generated-code and architecture tests.

Test modules import the helpers as ``from tests.conftest import ...`` (the project root is on
``pythonpath``); the fixtures reach them through pytest as usual.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any
from uuid import UUID

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import API_KEY_ENV_VAR
from codat_sdk._retries import NO_RETRIES

API_KEY = "sk-test-9F8E7D6C5B4A-do-not-leak"
BASE_URL = "https://api.codat.io"
COMPANY_ID = UUID("8a210b68-6988-11ed-a1eb-0242ac120002")
CONNECTION_ID = UUID("2e9d2c44-f675-40ba-8049-353bfcb5e171")

Handler = Callable[[httpx.Request], httpx.Response]
AsyncHandler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


@pytest.fixture(autouse=True)
def _no_ambient_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own $CODAT_API_KEY must never reach, or satisfy, a test."""
    monkeypatch.delenv(API_KEY_ENV_VAR, raising=False)


@pytest.fixture(autouse=True)
def _no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """One call is one request outside tests/runtime/test_retries.py (which overrides this fixture).

    The generated clients retry per their spec's x-speakeasy-retries, with real waits of up to an hour.
    """
    for client_class in (CodatPlatform, AsyncCodatPlatform, CodatFiles, AsyncCodatFiles):
        monkeypatch.setattr(client_class, "RETRY_CONFIG", NO_RETRIES)


class Recorder:
    """An httpx MockTransport handler that records every request and answers with one response."""

    def __init__(self, status: int = 200, *, json: Any = None, content: bytes | None = None) -> None:
        self.status = status
        self.json = json
        self.content = content
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        if self.json is not None:
            return httpx.Response(self.status, json=self.json)
        return httpx.Response(self.status, content=self.content)

    @property
    def last(self) -> httpx.Request:
        assert self.requests, "no request was sent"
        return self.requests[-1]


def sync_platform(handler: Handler, **kwargs: Any) -> CodatPlatform:
    """A Platform client whose HTTP goes to ``handler`` (httpx.MockTransport)."""
    return CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(handler)), **kwargs)


def async_platform(handler: Handler | AsyncHandler, **kwargs: Any) -> AsyncCodatPlatform:
    return AsyncCodatPlatform(
        api_key=API_KEY, client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), **kwargs
    )


def sync_files(transport: httpx.BaseTransport, **kwargs: Any) -> CodatFiles:
    return CodatFiles(api_key=API_KEY, client=httpx.Client(transport=transport), **kwargs)


def async_files(transport: httpx.AsyncBaseTransport, **kwargs: Any) -> AsyncCodatFiles:
    return AsyncCodatFiles(api_key=API_KEY, client=httpx.AsyncClient(transport=transport), **kwargs)


def connection_json(**overrides: Any) -> dict[str, Any]:
    """A Connection as Codat returns it."""
    body: dict[str, Any] = {
        "id": str(CONNECTION_ID),
        "integrationId": "bf083d72-62c7-493e-aec9-81b4dbba7e2c",
        "integrationKey": "dfxm",
        "sourceId": "bdd831ce-eebd-4896-89a7-20e5ee8989ee",
        "platformName": "Basiq",
        "linkUrl": f"https://link-api.codat.io/companies/{COMPANY_ID}/connections/{CONNECTION_ID}/start",
        "status": "Linked",
        "lastSync": "2022-10-27T10:22:43.6464237Z",
        "created": "2022-10-27T09:53:29Z",
        "sourceType": "Banking",
    }
    body.update(overrides)
    return body


def company_json(**overrides: Any) -> dict[str, Any]:
    """A Company as Codat returns it."""
    body: dict[str, Any] = {
        "id": str(COMPANY_ID),
        "name": "Codat Ltd.",
        "description": "Requested early access to the new financing scheme.",
        "redirect": "https://link.codat.io/company/27628208-459c-46a2-a705-5641ce25f739",
        "lastSync": "2022-01-01T12:00:00.000Z",
        "created": "2022-01-01T12:00:00.000Z",
        "createdByUserName": "Codat",
        "products": ["spend-insights"],
        "tags": {"region": "uk"},
        "dataConnections": [connection_json()],
    }
    body.update(overrides)
    return body


def companies_json(page_number: int = 1, **overrides: Any) -> dict[str, Any]:
    """One page of List companies."""
    body: dict[str, Any] = {
        "results": [company_json()],
        "pageNumber": page_number,
        "pageSize": 100,
        "totalResults": 1,
        "_links": {"self": {"href": "/companies"}, "current": {"href": "/companies?page=1&pageSize=100"}},
    }
    body.update(overrides)
    return body


def error_json(status: int, **overrides: Any) -> dict[str, Any]:
    """Codat's ErrorMessage body."""
    body: dict[str, Any] = {
        "statusCode": status,
        "service": "PublicApi",
        "error": "Something about the request was wrong.",
        "correlationId": "bc997528a9d7abb9161ef45f05d38599",
        "canBeRetried": "Unknown" if status < 500 else "True",
        "detailedErrorCode": 0,
        "validation": {
            "errors": [{"itemId": "name", "message": "Name is required.", "validatorName": "Required"}],
            "warnings": [],
        },
    }
    body.update(overrides)
    return body


@pytest.fixture
def recorder() -> Recorder:
    return Recorder(json=companies_json())


@pytest.fixture
def platform(recorder: Recorder) -> Iterator[CodatPlatform]:
    """A sync Platform client answered by ``recorder``."""
    client = sync_platform(recorder)
    yield client
    client.close()
