"""Bases of the generated resource groups (``client.companies``, ...) and of their raw-response views.

A group's ``with_raw_response`` view is not a second copy of every method: each of its methods is the
group's own method run on a copy of the group in raw mode, where a call returns its ``RawResponse``.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Self, TypeVar, cast

from ._client import AsyncAPIClient, SyncAPIClient
from ._response import RawResponse

if TYPE_CHECKING:
    from types import FrameType

    import httpx

    from ._operation import Operation

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")
ClientT = TypeVar("ClientT", SyncAPIClient, AsyncAPIClient)
ResourceT = TypeVar("ResourceT", bound="Resource[Any]")


class Resource(Generic[ClientT]):
    """A resource group: its methods call ``self._call``, which a raw copy answers with a ``RawResponse``."""

    def __init__(self, client: ClientT, *, raw: bool = False) -> None:
        self._client: ClientT = client
        self._raw = raw

    def _raw_copy(self) -> Self:
        """This group on the same client, its calls returning their ``RawResponse``."""
        return type(self)(self._client, raw=True)


class SyncResource(Resource[SyncAPIClient]):
    def _call(
        self, operation: Operation, request: dict[str, Any], parse: Callable[[httpx.Response], T], **options: Any
    ) -> T:
        if self._raw:
            # Only a raw-response view builds a raw resource, and its methods are typed RawResponse[T].
            return cast(T, self._client._call_raw(operation, request, parse, **options))
        return self._client._call(operation, request, parse, **options)


class AsyncResource(Resource[AsyncAPIClient]):
    async def _call(
        self, operation: Operation, request: dict[str, Any], parse: Callable[[httpx.Response], T], **options: Any
    ) -> T:
        if self._raw:
            return cast(T, await self._client._call_raw(operation, request, parse, **options))
        return await self._client._call(operation, request, parse, **options)


class RawResponseView(Generic[ResourceT]):
    """A group's operations, each returning a ``RawResponse``: status, headers and the parsed body."""

    def __init__(self, resource: ResourceT) -> None:
        self._resource: ResourceT = resource._raw_copy()


def raw_response_method(
    method: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[RawResponseView[Any], P], RawResponse[R]]:
    """``method`` of a sync group, as a view's method returning its ``RawResponse[R]``."""
    return cast(Callable[Concatenate[RawResponseView[Any], P], RawResponse[R]], _on_raw_resource(method))


def async_raw_response_method(
    method: Callable[Concatenate[Any, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[RawResponseView[Any], P], Coroutine[Any, Any, RawResponse[R]]]:
    """``method`` of an async group, as a view's coroutine method returning its ``RawResponse[R]``."""
    return cast(
        Callable[Concatenate[RawResponseView[Any], P], Coroutine[Any, Any, RawResponse[R]]], _on_raw_resource(method)
    )


def same_response_method(method: Callable[Concatenate[Any, P], R]) -> Callable[Concatenate[RawResponseView[Any], P], R]:
    """``method`` unchanged on the view: its response (a streamed download) already has status and headers."""
    return cast(Callable[Concatenate[RawResponseView[Any], P], R], _on_raw_resource(method))


def _on_raw_resource(method: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps keeps help(), the signature and PEP 702's __deprecated__ of the group's method.
    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def call_async(view: RawResponseView[Any], /, *args: Any, **kwargs: Any) -> Any:
            return await method(view._resource, *args, **kwargs)

        return call_async

    @functools.wraps(method)
    def call(view: RawResponseView[Any], /, *args: Any, **kwargs: Any) -> Any:
        return method(view._resource, *args, **kwargs)

    return call


def warn_deprecated(method: Callable[..., Any]) -> None:
    """Warn that the generated ``method`` (marked with PEP 702's ``__deprecated__``) was called.

    Called first thing in the method's body, so an ``async def`` method stays a coroutine function; the
    warning points at the line that called (or awaited) the method, past any raw-response view.
    """
    stacklevel = 3  # this function, the method, the method's caller
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") == __name__:  # a view's wrapper
        frame = frame.f_back
        stacklevel += 1
    warnings.warn(method.__deprecated__, DeprecationWarning, stacklevel=stacklevel)  # type: ignore[attr-defined]
