"""The HTTP clients the SDK sends through: the protocols a custom one follows, and who closes what.

``client=`` takes an ``httpx.Client`` (``httpx.AsyncClient`` for the async SDK clients) or any object
with the two methods of ``HttpClient`` / ``AsyncHttpClient``, e.g. a wrapper adding headers or logging
around an httpx client. The SDK never closes a client it was given. One it creates itself is closed by
``close()`` / ``aclose()`` / leaving ``with`` / ``async with``, and otherwise when the last SDK client
using it is garbage-collected (or the interpreter exits). Async ones are made per event loop, each closed
when its loop shuts down (``asyncio.run`` returning); see ``AsyncTransport``.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import httpx

from ._deadline import deadline_transport

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


def _client_timeout(client: object) -> httpx.Timeout | None:
    """The timeout requests get when the SDK passes none: the client's own (None: not an httpx client)."""
    own = getattr(client, "timeout", None)
    return own if isinstance(own, httpx.Timeout) else None


class SyncTransport:
    """The HTTP client behind a sync SDK client and its ``with_options`` copies (which share it)."""

    __slots__ = ("__weakref__", "_finalizer", "http", "owned")

    def __init__(self, client: HttpClient | None, timeout: Any) -> None:
        self.owned = client is None
        if client is None:
            tls = _shared_tls_context()
            # Connects through DeadlineBackend, so each call's deadline ends even a server that trickles bytes.
            client = httpx.Client(timeout=timeout, verify=tls, transport=deadline_transport(verify=tls))
        self.http: HttpClient = client
        # An owned client is closed once no SDK client uses it, even if close() is never called; weakref.finalize
        # also runs at interpreter exit, so its sockets never reach the "unclosed socket" ResourceWarning.
        self._finalizer = weakref.finalize(self, _close_sync, self.http) if self.owned else None

    @property
    def timeout(self) -> httpx.Timeout | None:
        return _client_timeout(self.http)

    @property
    def closed(self) -> bool:
        return self._finalizer is not None and not self._finalizer.alive

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()


def _close_sync(http: HttpClient) -> None:
    assert isinstance(http, httpx.Client)
    http.close()


class AsyncTransport:
    """The HTTP client behind an async SDK client and its ``with_options`` copies: one pool per event loop.

    An ``httpx.AsyncClient`` belongs to the loop it first ran on, so an owned one is made per loop: one
    SDK client then serves any number of threads, each with its own loop, and loop after loop
    (``asyncio.run`` twice). Each is closed on its own loop, which a garbage-collector callback or an
    ``atexit`` handler cannot reach. So next to each one an async generator (the guard) is parked on its
    loop: asyncio closes unfinished async generators when the loop shuts down (``shutdown_asyncgens()``,
    which ``asyncio.run`` calls), and schedules their ``aclose()`` on the loop when they are garbage-collected
    (with this transport) while it runs; the guard's ``finally`` closes the client. A loop closed without
    ``shutdown_asyncgens()`` can do neither: its client is dropped, its sockets left to the garbage collector.
    """

    __slots__ = ("__weakref__", "_closed", "_last", "_lock", "_make", "_pools", "_timeout", "_user", "owned")

    def __init__(self, client: AsyncHttpClient | None, timeout: Any) -> None:
        self.owned = client is None
        self._user = client
        self._timeout = httpx.Timeout(timeout)
        self._last: httpx.AsyncClient | None = None
        self._make: Callable[[], httpx.AsyncClient] = lambda: httpx.AsyncClient(
            timeout=timeout, verify=_shared_tls_context()
        )
        # Keyed weakly: a loop that shut down (its client closed, so nothing refers to it) is let go.
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pool] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._closed = False

    @property
    def timeout(self) -> httpx.Timeout | None:
        return self._timeout if self._user is None else _client_timeout(self._user)

    @property
    def http(self) -> AsyncHttpClient:
        """The caller's client, else the running loop's (outside a loop: the last one opened)."""
        if self._user is not None:
            return self._user
        import asyncio

        try:
            return self._pool(asyncio.get_running_loop()).http
        except RuntimeError:  # no running loop
            if self._last is None:
                raise RuntimeError("no event loop has used this client yet") from None
            return self._last

    async def current(self) -> tuple[AsyncHttpClient, set[asyncio.Timeout] | None]:
        """The client to send with from the running loop (an owned one is opened for each loop, as needed).

        With it, where ``aclose()`` can reach them, the time limits of the attempts in flight: each attempt
        adds its own while it runs, and ``aclose()`` ends them all at once.
        """
        if self._user is not None:
            return self._user, None
        import asyncio

        pool = self._pool(asyncio.get_running_loop())
        if not pool.started:
            await pool.start()
        return pool.http, pool.in_flight

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` has been called (on an owned client)."""
        return self._closed

    def _pool(self, loop: asyncio.AbstractEventLoop) -> _Pool:
        with self._lock:
            if self._closed:
                raise RuntimeError("this SDK client has been closed (aclose() or `async with`); create a new one")
            pool = self._pools.get(loop)
            if pool is None or pool.http.is_closed:
                self._drop_dead_loops()
                pool = self._pools[loop] = _Pool(self._make())
                self._last = pool.http
            return pool

    def _drop_dead_loops(self) -> None:
        """Forget the clients of loops closed without shutdown_asyncgens(): no loop is left to close them on."""
        for loop in [loop for loop in self._pools if loop.is_closed()]:
            self._pools.pop(loop).abandon()

    async def aclose(self) -> None:
        """Close an owned client on every loop still able to run it; a user's own is left open."""
        if not self.owned:
            return
        import asyncio

        with self._lock:
            if self._closed:
                return
            self._closed = True
            pools = list(self._pools.items())
            self._pools.clear()
        running = asyncio.get_running_loop()
        for loop, pool in pools:
            if loop is running:
                await pool.close()
            elif loop.is_closed():
                pool.abandon()
            elif loop.is_running():  # another thread's loop: close its client there
                await _close_on(loop, pool)
            # else: an idle loop's client closes with that loop (its guard), or when collected while it runs


async def _close_on(loop: asyncio.AbstractEventLoop, pool: _Pool) -> None:
    """Close ``pool`` on ``loop``, another thread's; bounded, as that loop may stop before it runs the close
    (its pool then closes with it, by its guard)."""
    import asyncio

    closing = pool.close()
    try:
        future = asyncio.run_coroutine_threadsafe(closing, loop)
    except RuntimeError:  # that loop closed meanwhile
        closing.close()
        return
    await asyncio.wait([asyncio.wrap_future(future)], timeout=_OTHER_LOOP_CLOSE_WAIT)


# How long aclose() waits for another thread's loop to close the pool it holds.
_OTHER_LOOP_CLOSE_WAIT = 5.0


class _Pool:
    """One loop's ``httpx.AsyncClient``, the guard that closes it when the loop shuts down, and its calls in flight."""

    __slots__ = ("_agen", "_state", "http", "in_flight", "started")

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.started = False
        self.in_flight: set[asyncio.Timeout] = set()
        self._state = {"abandoned": False}
        self._agen = _close_on_exit(http, self._state)

    async def start(self) -> None:
        self.started = True  # first: the guard must be started once (a second __anext__ would end it)
        await self._agen.__anext__()  # asyncio now tracks the generator for the running loop

    async def close(self) -> None:
        # Closing the client closes the connections it holds, but not one still being opened: its request
        # would go out afterwards, on a connection no pool holds any more, left open until collected. So
        # the attempts in flight are ended first (their limits expire now), which closes their sockets too.
        import asyncio

        now = asyncio.get_running_loop().time()
        for limit in list(self.in_flight):
            limit.reschedule(now)
        await self._agen.aclose()  # the guard's finally closes the client
        await self.http.aclose()  # a client whose guard never started

    def abandon(self) -> None:
        """Finish the guard synchronously, closing nothing, so asyncio never schedules it on a loop."""
        self._state["abandoned"] = True
        closing = self._agen.aclose()
        try:
            closing.send(None)
        except (StopIteration, RuntimeError):
            pass
        finally:
            closing.close()


async def _close_on_exit(http: httpx.AsyncClient, state: dict[str, bool]) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        if not state["abandoned"]:
            await http.aclose()
