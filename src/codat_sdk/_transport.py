"""The HTTP clients the SDK sends through: the protocols a custom one follows, and who closes what.

``client=`` takes an ``httpx.Client`` (``httpx.AsyncClient`` for the async SDK clients) or any object
with the two methods of ``HttpClient`` / ``AsyncHttpClient``, e.g. a wrapper adding headers or logging
around an httpx client. The SDK never closes a client it was given. One it creates itself is closed by
``close()`` / ``aclose()`` / leaving ``with`` / ``async with``, and otherwise when the last SDK client
using it is garbage-collected (or the interpreter exits); an async one also when the event loop it ran
on shuts down (``asyncio.run`` returning), after which the next call from another loop opens a new one.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import httpx

if TYPE_CHECKING:
    import asyncio  # at run time imported where a loop is running: sync-only programs never pay for it
    import ssl


@runtime_checkable
class HttpClient(Protocol):
    """What the sync SDK clients need from ``client=``; ``httpx.Client`` has it.

    ``build_request`` receives httpx's keyword arguments (``params``, ``json``, ``content``, ``data``,
    ``files``, ``headers``, ``timeout``) and returns an ``httpx.Request``; ``send`` sends it.
    """

    def build_request(
        self,
        method: str,
        url: str,
        *,
        params: Any = ...,
        json: Any = ...,
        content: Any = ...,
        data: Any = ...,
        files: Any = ...,
        headers: Any = ...,
        timeout: Any = ...,
    ) -> httpx.Request: ...

    def send(self, request: httpx.Request, *, stream: bool = ...) -> httpx.Response: ...


@runtime_checkable
class AsyncHttpClient(Protocol):
    """What the async SDK clients need from ``client=``; ``httpx.AsyncClient`` has it."""

    def build_request(
        self,
        method: str,
        url: str,
        *,
        params: Any = ...,
        json: Any = ...,
        content: Any = ...,
        data: Any = ...,
        files: Any = ...,
        headers: Any = ...,
        timeout: Any = ...,
    ) -> httpx.Request: ...

    async def send(self, request: httpx.Request, *, stream: bool = ...) -> httpx.Response: ...


def check_client(client: object, *, is_async: bool) -> None:
    """A clear TypeError at construction for a client of the wrong kind, rather than at the first call."""
    wrong, right, sdk = (
        (httpx.Client, "httpx.AsyncClient", "async") if is_async else (httpx.AsyncClient, "httpx.Client", "sync")
    )
    if isinstance(client, wrong):
        raise TypeError(f"client= got an {type(client).__qualname__} but the {sdk} SDK client needs an {right}")
    missing = [name for name in ("build_request", "send") if not callable(getattr(client, name, None))]
    if missing:
        raise TypeError(
            f"client= must be an {right} or have build_request() and send() methods; "
            f"{type(client).__qualname__} lacks {' and '.join(missing)}()"
        )


@functools.cache
def _shared_tls_context() -> ssl.SSLContext | bool:
    """One TLS context for every HTTP client the SDK creates: building one loads the CA bundle (~40 ms).

    Built as httpx builds its default (certifi, or $SSL_CERT_FILE / $SSL_CERT_DIR); httpx < 0.28 has
    no public way to, and there each client builds its own (``True``).
    """
    create: Callable[[], ssl.SSLContext] | None = getattr(httpx, "create_ssl_context", None)
    return create() if create is not None else True


class SyncTransport:
    """The HTTP client behind a sync SDK client and its ``with_options`` copies (which share it)."""

    __slots__ = ("__weakref__", "_finalizer", "http", "owned")

    def __init__(self, client: HttpClient | None, timeout: Any) -> None:
        self.owned = client is None
        self.http: HttpClient = (
            httpx.Client(timeout=timeout, verify=_shared_tls_context()) if client is None else client
        )
        # An owned client is closed once no SDK client uses it, even if close() is never called; weakref.finalize
        # also runs at interpreter exit, so its sockets never reach the "unclosed socket" ResourceWarning.
        self._finalizer = weakref.finalize(self, _close_sync, self.http) if self.owned else None

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


def _close_sync(http: HttpClient) -> None:
    assert isinstance(http, httpx.Client)
    http.close()


class AsyncTransport:
    """The HTTP client behind an async SDK client and its ``with_options`` copies.

    Closing an ``httpx.AsyncClient`` needs its event loop, which a garbage-collector callback or an
    ``atexit`` handler does not have. So on the first call from a loop an async generator (the guard) is
    parked on that loop: asyncio closes unfinished async generators when the loop shuts down
    (``loop.shutdown_asyncgens()``, which ``asyncio.run`` calls) and schedules their ``aclose()`` on the
    loop when they are garbage-collected; the guard's ``finally`` closes the client. Either way the client
    is closed on its own loop, with no ResourceWarning and nothing left for interpreter exit.
    """

    __slots__ = ("__weakref__", "_closed", "_guard", "_guard_finalizer", "_guard_loop", "_make", "http", "owned")

    def __init__(self, client: AsyncHttpClient | None, timeout: Any) -> None:
        self.owned = client is None
        self._make: Callable[[], httpx.AsyncClient] = lambda: httpx.AsyncClient(
            timeout=timeout, verify=_shared_tls_context()
        )
        self.http: AsyncHttpClient = self._make() if client is None else client
        self._guard: _Guard | None = None
        self._guard_loop: asyncio.AbstractEventLoop | None = None
        self._guard_finalizer: weakref.finalize[Any, Any] | None = None
        self._closed = False

    async def current(self) -> AsyncHttpClient:
        """The client to send with from the running loop (an owned one is opened, or reopened, as needed)."""
        http = self.http
        if self.owned and (self._guard is None or http.is_closed):  # type: ignore[attr-defined]
            return await self._open()
        return http

    async def _open(self) -> AsyncHttpClient:
        if self._closed:
            raise RuntimeError("this SDK client has been closed (aclose() or `async with`); create a new one")
        http = self.http
        assert isinstance(http, httpx.AsyncClient)
        if http.is_closed:  # closed by the shutdown of the loop it ran on: this is a later loop
            http = self.http = self._make()
        if self._guard_finalizer is not None:
            # The previous loop's guard: settle it now rather than keep it (and its closed loop and client)
            # alive until the transport goes, one more for every loop the client has been used from.
            self._guard_finalizer()
        self._guard = guard = _Guard(http)
        import asyncio

        self._guard_loop = asyncio.get_running_loop()
        # Ends the guard without touching the loop if that loop is closed when the transport goes away
        # (a loop closed without shutdown_asyncgens() cannot run the guard's aclose()).
        self._guard_finalizer = weakref.finalize(self, guard.abandon_if_loop_closed, self._guard_loop)
        await guard.start()
        return http

    async def aclose(self) -> None:
        """Close an owned client; a user's own is left open."""
        if not self.owned or self._closed:
            return
        self._closed = True
        guard, self._guard = self._guard, None
        import asyncio

        if guard is not None and self._guard_loop is asyncio.get_running_loop():
            await guard.close()  # closes the client, on its own loop
            return
        if guard is not None:
            guard.abandon()
        http = self.http
        assert isinstance(http, httpx.AsyncClient)
        await http.aclose()


class _Guard:
    """An async generator parked on a loop that closes ``http`` when the loop shuts down or it is collected."""

    __slots__ = ("_agen", "_state")

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._state = {"abandoned": False}
        self._agen = _close_on_exit(http, self._state)

    async def start(self) -> None:
        await self._agen.__anext__()  # asyncio now tracks the generator for the running loop

    async def close(self) -> None:
        await self._agen.aclose()

    def abandon(self) -> None:
        """Finish the generator synchronously, closing nothing, so asyncio never schedules it on a loop."""
        self._state["abandoned"] = True
        closing = self._agen.aclose()
        try:
            closing.send(None)
        except (StopIteration, RuntimeError):
            pass
        finally:
            closing.close()

    def abandon_if_loop_closed(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop.is_closed():
            self.abandon()


async def _close_on_exit(http: httpx.AsyncClient, state: dict[str, bool]) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        if not state["abandoned"]:
            await http.aclose()
