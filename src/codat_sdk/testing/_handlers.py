"""The operations the sandbox keeps state for, by operation id; every other one answers from the schema."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from . import _companies, _connections, _files, _refresh, _webhook_consumers
from ._calls import Call, Reply
from ._state import State

Handler = Callable[[State, Call], Reply]

HANDLERS: Mapping[str, Handler] = {
    **_companies.HANDLERS,
    **_connections.HANDLERS,
    **_refresh.HANDLERS,
    **_webhook_consumers.HANDLERS,
    **_files.HANDLERS,
}
