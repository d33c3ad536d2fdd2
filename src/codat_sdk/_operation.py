"""What the runtime knows about one API operation; generated code declares one per operation."""

from __future__ import annotations

from attrs import frozen


@frozen
class Operation:
    """An operation's identity, for errors, logs and (per its method) retry safety."""

    id: str
    method: str
    path: str
