"""Names a package loads from the query builders' module on first use (most programs never build a query)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def from_query_module(namespace: dict[str, Any], names: frozenset[str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that loads ``names`` from ``codat_sdk._query`` into ``namespace``."""

    def load(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        from . import _query

        value = getattr(_query, name)
        namespace[name] = value
        return value

    return load
