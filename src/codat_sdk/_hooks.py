"""Request hooks: callables run around every HTTP attempt a client makes (retries included).

- ``before_request(request, context)``: may change the ``httpx.Request`` in place (add a header) or
  return a replacement; runs after the SDK has added credentials and headers, just before sending.
- ``after_response(response, context)``: sees every response, whatever its status, before the SDK
  checks it; may return a replacement ``httpx.Response`` (the one replaced is closed).
- ``on_error(error, context)``: sees every failed attempt's ``CodatError`` (a status error or a
  connection error) before the retry decision.

Hooks run in registration order. Async clients await hooks that return awaitables, so they take async
and sync hooks alike; sync clients take sync hooks only. Any exception a hook raises ends the call
with ``HookError`` naming the hook (its exception as ``__cause__``); nothing is sent after a failing
``before_request``.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from attrs import frozen

from ._errors import CodatError, HookError, hook_raised
from ._operation import Operation


@frozen
class HookContext:
    """Which operation, and which attempt of it (1-based; retries count up), a hook is called for."""

    operation: Operation
    attempt: int


BeforeRequestHook = Callable[[httpx.Request, HookContext], httpx.Request | Awaitable[httpx.Request | None] | None]
AfterResponseHook = Callable[[httpx.Response, HookContext], httpx.Response | Awaitable[httpx.Response | None] | None]
OnErrorHook = Callable[[CodatError, HookContext], object]

BeforeRequestT = TypeVar("BeforeRequestT", bound=BeforeRequestHook)
AfterResponseT = TypeVar("AfterResponseT", bound=AfterResponseHook)
OnErrorT = TypeVar("OnErrorT", bound=OnErrorHook)
H = TypeVar("H", bound=Callable[..., Any])


class Hooks:
    """The hooks of a client: ``client.hooks.before_request(fn)`` (also usable as a decorator), or
    ``Hooks(before_request=[...], ...)`` passed as ``hooks=``.

    Registering is thread-safe and never disturbs calls in flight: each call runs the hooks registered
    when its attempt started.
    """

    __slots__ = ("_after_response", "_before_request", "_lock", "_on_error", "active")

    def __init__(
        self,
        *,
        before_request: tuple[BeforeRequestHook, ...] | list[BeforeRequestHook] = (),
        after_response: tuple[AfterResponseHook, ...] | list[AfterResponseHook] = (),
        on_error: tuple[OnErrorHook, ...] | list[OnErrorHook] = (),
    ) -> None:
        self._lock = threading.Lock()
        # Tuples, replaced (never mutated) on registration: readers need no lock.
        self._before_request: tuple[BeforeRequestHook, ...] = tuple(_checked(h) for h in before_request)
        self._after_response: tuple[AfterResponseHook, ...] = tuple(_checked(h) for h in after_response)
        self._on_error: tuple[OnErrorHook, ...] = tuple(_checked(h) for h in on_error)
        # Whether any hook is registered: read on every attempt, so a plain attribute rather than a call.
        self.active = bool(self._before_request or self._after_response or self._on_error)

    def before_request(self, hook: BeforeRequestT) -> BeforeRequestT:
        """Register ``hook(request, context)``; it may edit the request or return a new one."""
        with self._lock:
            self._before_request = (*self._before_request, _checked(hook))
            self.active = True
        return hook

    def after_response(self, hook: AfterResponseT) -> AfterResponseT:
        """Register ``hook(response, context)``, called for every response, whatever its status."""
        with self._lock:
            self._after_response = (*self._after_response, _checked(hook))
            self.active = True
        return hook

    def on_error(self, hook: OnErrorT) -> OnErrorT:
        """Register ``hook(error, context)``, called for every failed attempt (its return value is ignored)."""
        with self._lock:
            self._on_error = (*self._on_error, _checked(hook))
            self.active = True
        return hook

    def copy(self) -> Hooks:
        """An independent copy: hooks registered on either later do not reach the other."""
        return Hooks(before_request=self._before_request, after_response=self._after_response, on_error=self._on_error)

    def __bool__(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        counts = (len(self._before_request), len(self._after_response), len(self._on_error))
        return "Hooks(before_request=%d, after_response=%d, on_error=%d)" % counts  # noqa: UP031

    # -- running (the clients call these) ------------------------------------------------------------

    def run_before_request(self, request: httpx.Request, context: HookContext) -> httpx.Request:
        for hook in self._before_request:
            request = _request_result(hook, _sync_result("before_request", hook, request, context), request)
        return request

    def run_after_response(self, response: httpx.Response, context: HookContext) -> httpx.Response:
        for hook in self._after_response:
            try:
                result = _response_result(hook, _sync_result("after_response", hook, response, context), response)
            except BaseException:
                response.close()  # the call ends here: release the connection a download holds
                raise
            if result is not response:
                response.close()  # replaced: nothing reads it again
            response = result
        return response

    def run_on_error(self, error: CodatError, context: HookContext) -> None:
        try:
            for hook in self._on_error:
                _sync_result("on_error", hook, error, context)
        except HookError as hook_error:
            hook_error.error = error
            raise

    async def arun_before_request(self, request: httpx.Request, context: HookContext) -> httpx.Request:
        for hook in self._before_request:
            result = await _async_result("before_request", hook, request, context)
            request = _request_result(hook, result, request)
        return request

    async def arun_after_response(self, response: httpx.Response, context: HookContext) -> httpx.Response:
        for hook in self._after_response:
            try:
                result = _response_result(
                    hook, await _async_result("after_response", hook, response, context), response
                )
            except BaseException:
                await response.aclose()  # the call ends here: release the connection a download holds
                raise
            if result is not response:
                await response.aclose()  # replaced: nothing reads it again
            response = result
        return response

    async def arun_on_error(self, error: CodatError, context: HookContext) -> None:
        try:
            for hook in self._on_error:
                await _async_result("on_error", hook, error, context)
        except HookError as hook_error:
            hook_error.error = error
            raise


def _checked(hook: H) -> H:
    if not callable(hook):
        raise TypeError(f"a hook must be callable, got {hook!r}")
    return hook


def _sync_result(stage: str, hook: Callable[..., Any], subject: object, context: HookContext) -> Any:
    try:
        result = hook(subject, context)
    except Exception as exc:  # any failure of user code becomes the SDK's HookError
        raise hook_raised(stage, hook, exc, subject) from exc
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # never awaited, and no "never awaited" warning either
        raise HookError(stage, hook, "is async: a sync client needs sync hooks (async clients take both)")
    return result


async def _async_result(stage: str, hook: Callable[..., Any], subject: object, context: HookContext) -> Any:
    try:
        result = hook(subject, context)
        if inspect.isawaitable(result):
            result = await result
    except Exception as exc:  # any failure of user code becomes the SDK's HookError
        raise hook_raised(stage, hook, exc, subject) from exc
    return result


def _request_result(hook: Callable[..., Any], result: object, request: httpx.Request) -> httpx.Request:
    if result is None:
        return request
    if not isinstance(result, httpx.Request):
        raise HookError("before_request", hook, f"returned {type(result).__name__}, not an httpx.Request or None")
    return result


def _response_result(hook: Callable[..., Any], result: object, response: httpx.Response) -> httpx.Response:
    if result is None:
        return response
    if not isinstance(result, httpx.Response):
        raise HookError("after_response", hook, f"returned {type(result).__name__}, not an httpx.Response or None")
    try:
        result.request  # noqa: B018 - raises RuntimeError when the hook built a response without one
    except RuntimeError:
        result.request = response.request  # errors and logs name the request a response answers
    return result
