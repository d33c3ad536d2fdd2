"""``Sandbox``: a stateful local Codat for tests, in process (httpx transports) or on a loopback port."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import httpx

from codat_sdk import AsyncAPIClient, SyncAPIClient

from . import _companies, _connections, _refresh, _server
from ._app import App, Exchange, operation_ids, schema_answered_operations, stateful_operations
from ._calls import Problem
from ._clock import DEFAULT_START, DEFAULT_TICK, Clock
from ._delivery import Webhooks
from ._faults import Faults
from ._ids import IdGenerator
from ._state import Record, State
from ._transport import AsyncSandboxTransport, SandboxTransport

if TYPE_CHECKING:
    from codat_sdk_files import AsyncCodatFiles, CodatFiles
    from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

SyncClientT = TypeVar("SyncClientT", bound=SyncAPIClient)
AsyncClientT = TypeVar("AsyncClientT", bound=AsyncAPIClient)

SERVER_URL = "https://api.codat.io"
"""The base URL the in-process clients use: Codat's own, so code that builds its own URLs works unchanged."""

DEFAULT_API_KEY = "sandbox-api-key"


class Sandbox:
    """A local Codat holding state, for tests: companies, connections, pull operations, webhook consumers, files.

    - ``seed`` makes ids, the webhook secret and ``faults.rate`` reproducible; the clock starts at ``start``
      (default 2024-01-01T00:00:00Z) and moves ``tick`` (default 1 s) per request, and by ``clock.advance``.
    - ``api_key``: when given, a request with another key gets 401; else any key is accepted (none is a 401).
    - ``pull_operations``: ``"auto"`` completes queued pull operations at the next request; ``"manual"``
      leaves them queued until ``complete_pull_operations()``.
    - ``webhook_secret`` (``whsec_...``) signs deliveries; by default one is drawn from the seed.
      Deliveries are stamped with the real time (``signing_clock``), so receivers verify them as they are.

    In process: ``client()``, ``async_client()``, ``files_client()``, ``async_files_client()``, or
    ``transport()`` / ``async_transport()`` for an ``httpx`` client of your own. Over HTTP: ``with
    sandbox.serve() as url``. Every operation of both APIs answers; those without a model here answer
    from their schema (``Sandbox.schema_answered_operations()``), after checking that the company and connection exist.
    """

    def __init__(
        self,
        *,
        seed: int | str | bytes = 0,
        start: datetime = DEFAULT_START,
        tick: timedelta = DEFAULT_TICK,
        api_key: str | None = None,
        webhook_secret: str | None = None,
        pull_operations: Literal["auto", "manual"] = "auto",
        signing_clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(seed, int | str | bytes):  # random.Random(None) would draw from the OS: no run repeats
            raise TypeError(f"seed must be an int, str or bytes, not {type(seed).__name__}")
        if api_key is not None and not isinstance(api_key, str):
            raise TypeError(f"api_key must be a str, not {type(api_key).__name__}")
        if api_key is not None and not api_key.strip():
            raise ValueError("api_key must not be empty: leave it out to accept any key")
        if pull_operations not in ("auto", "manual"):
            raise ValueError(f"pull_operations must be 'auto' or 'manual', not {pull_operations!r}")
        self.clock = Clock(start, tick=tick)
        ids = IdGenerator(seed)
        self.webhooks = Webhooks(webhook_secret or ids.webhook_secret(), ids, self.clock, signing_clock)
        known = operation_ids()
        self.faults = Faults(seed, known.__contains__)
        self._api_key = api_key
        self._state = State(self.clock, ids)
        self._app = App(
            self._state,
            self.faults,
            self.webhooks,
            api_key=api_key,
            auto_complete=pull_operations == "auto",
            correlation_ids=IdGenerator(f"{seed!r}/correlation ids"),
        )

    stateful_operations = staticmethod(stateful_operations)
    schema_answered_operations = staticmethod(schema_answered_operations)

    def __repr__(self) -> str:
        return f"Sandbox(companies={len(self._state.companies)}, calls={len(self.calls)}, clock={self.clock!r})"

    @property
    def calls(self) -> list[Exchange]:
        """Every request answered so far, oldest first (method, path, operation id, status, fault)."""
        return list(self._app.calls)

    @property
    def api_key(self) -> str:
        """The key the sandbox's own clients send."""
        return self._api_key or DEFAULT_API_KEY

    # -- in process -----------------------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport answering from this sandbox: ``httpx.Client(transport=sandbox.transport())``."""
        return SandboxTransport(self._app)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        return AsyncSandboxTransport(self._app)

    def _sync(self, client_class: type[SyncClientT], options: dict[str, Any]) -> SyncClientT:
        if "auth_header" not in options:
            options.setdefault("api_key", self.api_key)
        return client_class(client=httpx.Client(transport=self.transport(), base_url=SERVER_URL), **options)

    def _async(self, client_class: type[AsyncClientT], options: dict[str, Any]) -> AsyncClientT:
        if "auth_header" not in options:
            options.setdefault("api_key", self.api_key)
        http = httpx.AsyncClient(transport=self.async_transport(), base_url=SERVER_URL)
        return client_class(client=http, **options)

    def client(self, **options: Any) -> CodatPlatform:
        """A ``CodatPlatform`` calling this sandbox in process; ``options`` go to its constructor."""
        from codat_sdk_platform import CodatPlatform

        return self._sync(CodatPlatform, options)

    def async_client(self, **options: Any) -> AsyncCodatPlatform:
        from codat_sdk_platform import AsyncCodatPlatform

        return self._async(AsyncCodatPlatform, options)

    def files_client(self, **options: Any) -> CodatFiles:
        from codat_sdk_files import CodatFiles

        return self._sync(CodatFiles, options)

    def async_files_client(self, **options: Any) -> AsyncCodatFiles:
        from codat_sdk_files import AsyncCodatFiles

        return self._async(AsyncCodatFiles, options)

    # -- over HTTP ------------------------------------------------------------------------------------

    def serve(self, port: int = 0) -> AbstractContextManager[str]:
        """``with sandbox.serve() as url:`` the sandbox on ``http://127.0.0.1:<free port>`` until the block ends."""
        return _server.serve(self._app, port)

    # -- what the test does in Codat's place ----------------------------------------------------------

    @contextmanager
    def _control(self) -> Iterator[State]:
        """The state, under the lock; the events raised meanwhile are delivered once it is released.

        An unknown company or connection raises ``LookupError`` (the API would answer 404).
        """
        with self._app.lock:
            try:
                yield self._state
            except Problem as problem:
                raise LookupError(problem.message) from None
            deliveries = self.webhooks.prepare(self._state.take_events(), self._state.webhook_consumers.values())
        self.webhooks.deliver(deliveries)

    def add_company(self, name: str, *, description: str | None = None, tags: dict[str, str] | None = None) -> Record:
        """Create a company as ``create-company`` does (raising ``company.created``); returns its JSON."""
        fields: Record = {"name": name}
        if description is not None:
            fields["description"] = description
        if tags is not None:
            fields["tags"] = dict(tags)
        with self._control() as state:
            return copy.deepcopy(_companies.add_company(state, fields))

    def link(self, company_id: object, connection_id: object) -> Record:
        """The company's user completed the connection's authorisation: ``Linked`` (``connection.connected``)."""
        return self._set_status(company_id, connection_id, "Linked")

    def deauthorize(self, company_id: object, connection_id: object) -> Record:
        """The user (or the platform) withdrew access: ``Deauthorized`` (``connection.disconnected``)."""
        return self._set_status(company_id, connection_id, "Deauthorized")

    def _set_status(self, company_id: object, connection_id: object, status: str) -> Record:
        with self._control() as state:
            return copy.deepcopy(_connections.set_status(state, str(company_id), str(connection_id), status))

    def complete_pull_operations(self, company_id: object | None = None) -> int:
        """Complete the queued pull operations (of one company, or all), raising ``read.completed``; how many."""
        with self._control() as state:
            return _refresh.complete(state, None if company_id is None else str(company_id))

    def company(self, company_id: object) -> Record:
        """The company's JSON as ``get-company`` answers it (a copy); ``LookupError`` if there is none."""
        with self._control() as state:
            return copy.deepcopy(state.company_view(str(company_id)))

    def companies(self) -> list[Record]:
        with self._app.lock:
            return copy.deepcopy([self._state.company_view(company_id) for company_id in self._state.companies])
