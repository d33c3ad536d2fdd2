"""Error responses through the SDK: Prism's ``Prefer: code=N`` returns the spec's example error body
for status N, which must surface as the matching ``APIStatusError`` subclass with Codat's
``ErrorMessage`` parsed (the correlation id is compared with the spec's own first example).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from codat_sdk import (
    APIStatusError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    UnauthorizedError,
)
from tests.e2e.spec_support import NO_SOURCE, error_example, has_source, load_spec

COMPANY_ID = UUID("8a210b68-6988-11ed-a1eb-0242ac120002")

STATUSES: list[tuple[int, type[APIStatusError]]] = [
    (401, UnauthorizedError),
    (404, NotFoundError),
    (429, RateLimitError),
    (500, InternalServerError),
]
CASES = [pytest.param(status, error, id=str(status)) for status, error in STATUSES]


def _expected(api: str, path: str, status: int) -> dict[str, Any]:
    if not has_source():
        pytest.skip(NO_SOURCE)
    return error_example(api, load_spec(api)["paths"][path]["get"], status)


def _check(exc: APIStatusError, status: int, expected: dict[str, Any]) -> None:
    assert exc.status_code == status
    assert exc.response.status_code == status
    message = exc.error_message
    assert message is not None, f"ErrorMessage not parsed from {exc.body!r}"
    assert message.status_code == expected["statusCode"] == status
    assert message.correlation_id == expected["correlationId"]
    assert exc.correlation_id == expected["correlationId"]
    assert message.error == expected["error"]
    assert message.service == expected["service"]
    assert expected["correlationId"] in str(exc)


def _prefer(status: int) -> dict[str, str]:
    return {"Prefer": f"code={status}"}


@pytest.mark.parametrize(("status", "error"), CASES)
def test_get_company_error_sync(platform_client: CodatPlatform, status: int, error: type[APIStatusError]) -> None:
    expected = _expected("platform", "/companies/{companyId}", status)
    with pytest.raises(error) as caught:
        platform_client.companies.get(COMPANY_ID, extra_headers=_prefer(status))
    assert type(caught.value) is error
    _check(caught.value, status, expected)


@pytest.mark.parametrize(("status", "error"), CASES)
async def test_get_company_error_async(
    async_platform_client: AsyncCodatPlatform, status: int, error: type[APIStatusError]
) -> None:
    expected = _expected("platform", "/companies/{companyId}", status)
    with pytest.raises(error) as caught:
        await async_platform_client.companies.get(COMPANY_ID, extra_headers=_prefer(status))
    assert type(caught.value) is error
    _check(caught.value, status, expected)


# Downloads are streamed: their error bodies take another path through the client (read, then close).
# The SDK asks for ``Accept: application/octet-stream`` only; the spec documents the errors as JSON, and
# Prism (unlike Codat) then ignores ``Prefer: code=N`` and answers the 200 octet-stream example. So these
# tests also accept JSON, which is what a download's error responses are.
def _download_prefer(status: int) -> dict[str, str]:
    return {**_prefer(status), "Accept": "application/octet-stream, application/json"}


@pytest.mark.parametrize(("status", "error"), CASES)
def test_download_error_sync(files_client: CodatFiles, status: int, error: type[APIStatusError]) -> None:
    expected = _expected("files", "/companies/{companyId}/files/download", status)
    with pytest.raises(error) as caught:
        files_client.files.download_files(COMPANY_ID, extra_headers=_download_prefer(status))
    assert type(caught.value) is error
    _check(caught.value, status, expected)


@pytest.mark.parametrize(("status", "error"), CASES)
async def test_download_error_async(
    async_files_client: AsyncCodatFiles, status: int, error: type[APIStatusError]
) -> None:
    expected = _expected("files", "/companies/{companyId}/files/download", status)
    with pytest.raises(error) as caught:
        await async_files_client.files.download_files(COMPANY_ID, extra_headers=_download_prefer(status))
    assert type(caught.value) is error
    _check(caught.value, status, expected)
