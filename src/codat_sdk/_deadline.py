"""A call's deadline: one limit on the whole call, where httpx limits each socket operation separately.

httpx's ``timeout=`` bounds each connect, read and write on its own, so a server sending one byte every
half second, or ``102 Processing`` forever, holds a call for as long as it likes. Each SDK call has a
deadline instead: its timeout's longest limit (``timeout=2``: 2 s; the default, 60 s). Retries and the
waits between them happen only within it (``_retries``), and each attempt is cut where it passes it:

- async clients run the attempt under ``asyncio.timeout`` (any client: ours or the caller's);
- sync clients cannot be interrupted from outside, so the HTTP clients the SDK creates connect through
  ``DeadlineBackend``, which bounds each socket operation by what is left of the call's deadline (held in
  a context variable while the attempt runs). A sync ``httpx.Client`` of the caller's keeps its
  per-operation limits only: the SDK does not change a client it was given.

The deadline covers waiting for a pooled connection (sync: ``bound_pool_wait``; async: the attempt's
``asyncio.timeout``), connecting, sending and receiving the headers and body; a streamed download's
body is read afterwards, at the caller's pace, each read limited by the read timeout.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

# The absolute time.monotonic() by which the running attempt must end, or None.
CALL_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("codat_sdk_call_deadline", default=None)


def total_seconds(timeout: float | httpx.Timeout | None) -> float | None:
    """The deadline a timeout gives a call: its longest limit; None (no deadline) without a read limit."""
    if timeout is None:
        return None
    if not isinstance(timeout, httpx.Timeout):
        return float(timeout)
    if timeout.read is None:
        return None
    return max(value for value in (timeout.connect, timeout.read, timeout.write, timeout.pool) if value is not None)


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = CALL_DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise expired("the call's deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)


def bound_pool_wait(request: httpx.Request, deadline: float) -> None:
    """Let ``request`` wait for a pooled connection no longer than its call has left.

    The wait for a free connection (httpx's ``pool`` timeout) happens before any socket operation, so
    ``DeadlineBackend`` cannot end it, and with ``pool=None`` or after retries it could outlast the
    deadline. It is set on the request, so a sync ``httpx.Client`` of the caller's is bounded too.
    """
    timeouts = request.extensions.get("timeout") or {}
    remaining = max(deadline - time.monotonic(), 0.0)
    pool = timeouts.get("pool")
    # Within a millisecond of the time left (a first attempt whose deadline is its pool limit), the
    # request keeps the limit it was given, as hooks and logs see it.
    if pool is None or pool > remaining + 0.001:
        request.extensions["timeout"] = {**timeouts, "pool": remaining}


class _DeadlineStream(httpcore.NetworkStream):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        inner = self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps httpcore's sync network backend: every socket operation ends by the running call's deadline."""

    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _bounded(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _bounded(timeout, httpcore.ConnectTimeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def deadline_transport(**kwargs: Any) -> httpx.HTTPTransport:
    """httpx's default transport, connecting through ``DeadlineBackend``.

    httpx takes no network backend, so it is set on the transport's connection pool; should a future
    httpx or httpcore rename that, calls keep httpx's per-operation limits (a test pins this one).
    """
    transport = httpx.HTTPTransport(**kwargs)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport
