"""``with_raw_response``: each group's own methods, returning ``RawResponse[T]``; typed by ``mypy --strict``.

The view's methods are wrappers over the group's methods (no second copy of each method is generated),
so their parameters, docstrings and deprecation metadata are the group's; only the result differs.
"""

from __future__ import annotations

import inspect
from typing import Any, assert_type

import httpx
import pytest
from codat_sdk_files import AsyncCodatFiles, CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import Company

from codat_sdk import AsyncBinaryResponse, BinaryResponse, RawResponse
from codat_sdk._generated import AsyncResource, RawResponseView, SyncResource
from tests.conftest import API_KEY, COMPANY_ID, Recorder
from tests.e2e.spec_support import PACKAGES
from tests.generated.test_docstrings import _resource_modules

COMPANY = {"id": str(COMPANY_ID), "name": "Toft stores", "redirect": "https://link.codat.io", "products": []}


def _pairs() -> list[tuple[type[Any], type[Any]]]:
    """(group class, its raw-response view class), sync and async, in both packages."""
    pairs = []
    for package in PACKAGES.values():
        for module in _resource_modules(package):
            for cls in vars(module).values():
                if (
                    isinstance(cls, type)
                    and issubclass(cls, SyncResource | AsyncResource)
                    and cls.__module__ == module.__name__
                ):
                    pairs.append((cls, vars(module)[f"{cls.__name__}WithRawResponse"]))
    return pairs


PAIRS = _pairs()


@pytest.mark.parametrize(("group", "view"), PAIRS, ids=[group.__qualname__ for group, _ in PAIRS])
def test_the_view_has_each_operation_with_the_groups_parameters(group: type[Any], view: type[Any]) -> None:
    assert issubclass(view, RawResponseView)
    operations = {name for name in vars(view) if not name.startswith("_")}
    paginators = {name for name, member in vars(group).items() if "page after page" in (member.__doc__ or "")}
    public = {name for name, member in vars(group).items() if inspect.isfunction(member) and not name.startswith("_")}
    assert operations == public - paginators
    for name in operations:
        plain, raw = getattr(group, name), getattr(view, name)
        assert inspect.signature(raw).parameters == inspect.signature(plain).parameters
        assert raw.__doc__ == plain.__doc__
        assert inspect.iscoroutinefunction(raw) == inspect.iscoroutinefunction(plain)


def test_sync_raw_response_is_typed_and_carries_status_headers_and_the_parsed_body() -> None:
    http = httpx.Client(transport=httpx.MockTransport(Recorder(json=COMPANY)))
    with CodatPlatform(api_key=API_KEY, client=http) as codat:
        raw = codat.companies.with_raw_response.get(COMPANY_ID)
        assert_type(raw, RawResponse[Company])
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "application/json"
        assert raw.parsed == codat.companies.get(COMPANY_ID)
        with pytest.raises(TypeError):
            codat.companies.with_raw_response.get(COMPANY_ID, no_such_option=1)  # type: ignore[call-arg]


async def test_async_raw_response_is_typed() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(json=COMPANY)))
    async with AsyncCodatPlatform(api_key=API_KEY, client=http) as codat:
        raw = await codat.companies.with_raw_response.get(COMPANY_ID, timeout=5)
        assert_type(raw, RawResponse[Company])
        assert raw.parsed.name == "Toft stores"
        # The view never changes the group: its plain calls still return the model.
        assert_type(await codat.companies.get(COMPANY_ID), Company)
        assert isinstance(await codat.companies.get(COMPANY_ID), Company)


def test_downloads_on_the_view_are_the_streamed_response_they_already_are() -> None:
    http = httpx.Client(transport=httpx.MockTransport(Recorder(content=b"zip bytes")))
    with CodatFiles(api_key=API_KEY, client=http) as codat:
        download = codat.files.with_raw_response.download_files(COMPANY_ID)
        assert_type(download, BinaryResponse)
        with download:
            assert download.status_code == 200
            assert b"".join(download.iter_bytes()) == b"zip bytes"


async def test_async_downloads_on_the_view() -> None:
    http = httpx.AsyncClient(transport=httpx.MockTransport(Recorder(content=b"zip bytes")))
    async with AsyncCodatFiles(api_key=API_KEY, client=http) as codat:
        download = await codat.files.with_raw_response.download_files(COMPANY_ID)
        assert_type(download, AsyncBinaryResponse)
        async with download:
            assert download.status_code == 200
