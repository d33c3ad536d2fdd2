"""Deprecated async methods are real coroutine functions, whatever ``typing_extensions`` is installed.

``typing_extensions.deprecated`` (and 3.13's ``warnings.deprecated``) wrap a function in a sync ``def``:
on 3.11, ``inspect.iscoroutinefunction`` is then False (and with typing_extensions 4.8, the declared
floor, ``asyncio.iscoroutinefunction`` too), so retry libraries treat the method as sync and
``mock.create_autospec`` returns a mock whose call cannot be awaited. The generated methods carry the
PEP 702 metadata only (``category=None``, which sets ``__deprecated__`` and wraps nothing, in every
typing_extensions since 4.5) and warn from their own body.
"""

from __future__ import annotations

import asyncio
import inspect
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform

from codat_sdk._generated import AsyncResource, RawResponseView
from tests.conftest import API_KEY, COMPANY_ID, Recorder
from tests.e2e.spec_support import HTTP_METHODS, PACKAGES, has_source, load_spec
from tests.generated.test_docstrings import OPERATION_ID, _methods

pytestmark = pytest.mark.skipif(not has_source(), reason="needs the pinned specs")


def _deprecated_operation_ids(api: str) -> set[str]:
    return {
        op["operationId"]
        for item in load_spec(api)["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS and op.get("deprecated")
    }


def _async_methods(api: str) -> Iterator[tuple[str, str, Callable[..., Any]]]:
    """(operationId, qualified name, function) of every async operation method, raw views included."""
    for name, method in _methods(PACKAGES[api]):
        match = OPERATION_ID.search(inspect.getdoc(method) or "")
        if name.startswith("Async") and match:
            yield match[1], name, method


DEPRECATED = [
    (operation_id, name, method)
    for api in (PACKAGES if has_source() else ())
    for operation_id, name, method in _async_methods(api)
    if operation_id in _deprecated_operation_ids(api)
]


def test_every_deprecated_operation_has_its_async_methods_checked() -> None:
    expected = set().union(*(_deprecated_operation_ids(api) for api in PACKAGES))
    assert expected, "the pinned specs deprecate no operation: nothing to check"
    # The group's method and its raw-response view's, for each deprecated operation.
    assert sorted(operation_id for operation_id, _, _ in DEPRECATED) == sorted(2 * list(expected))


@pytest.mark.parametrize(("operation_id", "name", "method"), DEPRECATED, ids=[row[1] for row in DEPRECATED])
def test_deprecated_async_method_is_a_coroutine_function(
    operation_id: str, name: str, method: Callable[..., Any]
) -> None:
    assert inspect.iscoroutinefunction(method), name
    assert asyncio.iscoroutinefunction(method), name
    # PEP 702 metadata for type checkers and introspection, naming what replaces the operation.
    message = getattr(method, "__deprecated__", None)
    assert isinstance(message, str), name
    assert message


@pytest.mark.parametrize(("operation_id", "name", "method"), DEPRECATED, ids=[row[1] for row in DEPRECATED])
def test_the_plain_method_is_not_wrapped(operation_id: str, name: str, method: Callable[..., Any]) -> None:
    """No runtime wrapper from typing_extensions: the result cannot depend on its version."""
    cls = name.split(".")[0]
    if "WithRawResponse" in cls:
        assert inspect.iscoroutinefunction(inspect.unwrap(method))
    else:
        assert not hasattr(method, "__wrapped__"), name
        assert method.__code__.co_flags & inspect.CO_COROUTINE


def _client() -> AsyncCodatPlatform:
    body = {"accessToken": "t", "expiresIn": 3600, "tokenType": "Bearer", "allowedOrigins": []}
    return AsyncCodatPlatform(
        api_key=API_KEY, client=httpx.AsyncClient(transport=httpx.MockTransport(Recorder(json=body)))
    )


async def test_bound_deprecated_methods_are_coroutine_functions_too() -> None:
    async with _client() as codat:
        for bound in (codat.connection_management.get, codat.connection_management.with_raw_response.get):
            assert inspect.iscoroutinefunction(bound)
            assert asyncio.iscoroutinefunction(bound)


async def test_create_autospec_gives_an_awaitable_mock() -> None:
    async with _client() as codat:
        group = codat.connection_management
        spec = mock.create_autospec(group.get, return_value="token")
        assert await spec(COMPANY_ID) == "token"
        spec_group = mock.create_autospec(group, instance=True)
        spec_group.get.return_value = "token"
        assert await spec_group.get(COMPANY_ID) == "token"


async def test_awaiting_warns_at_the_awaiting_line_and_returns_the_result() -> None:
    async with _client() as codat:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            token = await codat.connection_management.get(COMPANY_ID)
            raw = await codat.connection_management.with_raw_response.get(COMPANY_ID)
    assert token.access_token == "t"
    assert raw.status_code == 200
    assert raw.parsed.access_token == "t"
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert [w.filename for w in deprecations] == [__file__, __file__]
    assert all("client.companies.get_access_token()" in str(w.message) for w in deprecations)


def test_the_bases_are_what_the_generated_classes_derive_from() -> None:
    """The walk above reaches the async groups and their views (what the parametrisation relies on)."""
    from codat_sdk_platform.resources.connection_management import (
        AsyncConnectionManagementResource,
        AsyncConnectionManagementResourceWithRawResponse,
    )

    assert issubclass(AsyncConnectionManagementResource, AsyncResource)
    assert issubclass(AsyncConnectionManagementResourceWithRawResponse, RawResponseView)
