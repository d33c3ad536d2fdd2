"""Helpers for the sandbox's own tests: clients whose every response is checked against the pinned spec.

``ValidatingTransport`` wraps a sandbox transport: each response is matched to its operation (through the
route tables, as the sandbox matches it) and its body validated by ``spec_validation`` (jsonschema over the
raw pinned spec, independent of the route tables). A response the spec does not document fails the test.
"""

from __future__ import annotations

from typing import Any

import httpx
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk.testing import SERVER_URL, Sandbox
from codat_sdk.testing._app import _match
from codat_sdk.testing._routes import RequestRejected
from tests.testing.spec_validation import operation, validate_error_message, validate_response

JSON = "application/json"


def assert_documented(method: str, path: str, response: httpx.Response) -> None:
    """``response`` is one the spec documents for the operation ``method path`` calls, body and all."""
    try:
        route, _ = _match(method, path)
    except RequestRejected:  # no operation: the body must still be Codat's ErrorMessage
        validate_error_message("platform", response.json(), response.status_code)
        return
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip()
    responses = operation(route.api, route.operation_id)["responses"]
    status = str(response.status_code)
    if response.is_error and not {status, f"{status[0]}XX", "default"} & responses.keys():
        # A refusal the operation does not list (the spec lists no 400 for every operation Codat checks
        # the body of): Codat's ErrorMessage all the same.
        validate_error_message(route.api, response.json(), response.status_code)
        return
    if media_type == JSON:
        validate_response(route.api, route.operation_id, response.status_code, response.json())
        return
    documented = responses.get(status)
    assert documented is not None, f"{route.operation_id}: HTTP {response.status_code} is not documented"
    content = documented.get("content") or {}
    if media_type:
        assert media_type in content, f"{route.operation_id} {response.status_code}: {media_type} not documented"
    else:
        assert not content and not response.content, f"{route.operation_id}: a body-less answer, but {sorted(content)}"


def _path(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii").partition("?")[0]


class ValidatingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        assert_documented(request.method, _path(request), response)
        return response


class AsyncValidatingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        assert_documented(request.method, _path(request), response)
        return response


def http(sandbox: Sandbox) -> httpx.Client:
    """Raw httpx on the sandbox, every answer validated; sends the sandbox's API key."""
    return httpx.Client(
        transport=ValidatingTransport(sandbox.transport()), base_url=SERVER_URL, headers=auth_headers(sandbox)
    )


def auth_headers(sandbox: Sandbox) -> dict[str, str]:
    import base64

    return {"Authorization": "Basic " + base64.b64encode(sandbox.api_key.encode()).decode()}


def client(sandbox: Sandbox, **options: Any) -> CodatPlatform:
    transport = ValidatingTransport(sandbox.transport())
    options.setdefault("api_key", sandbox.api_key)
    return CodatPlatform(client=httpx.Client(transport=transport), **options)


def async_client(sandbox: Sandbox, **options: Any) -> AsyncCodatPlatform:
    transport = AsyncValidatingTransport(sandbox.async_transport())
    return AsyncCodatPlatform(api_key=sandbox.api_key, client=httpx.AsyncClient(transport=transport), **options)


def files_client(sandbox: Sandbox, **options: Any) -> CodatFiles:
    transport = ValidatingTransport(sandbox.transport())
    return CodatFiles(api_key=sandbox.api_key, client=httpx.Client(transport=transport), **options)


def async_files_client(sandbox: Sandbox, **options: Any) -> AsyncCodatFiles:
    transport = AsyncValidatingTransport(sandbox.async_transport())
    return AsyncCodatFiles(api_key=sandbox.api_key, client=httpx.AsyncClient(transport=transport), **options)
