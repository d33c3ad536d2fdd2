"""Path parameters: one value becomes exactly one URL path segment; a uuid one is checked to be a UUID."""

from __future__ import annotations

from enum import Enum
from urllib.parse import quote
from uuid import UUID

# httpx (like browsers) collapses these segments, so "/companies/C/connections/.." would address
# "/companies/C": a different resource. An empty value would do the same to the segment's parent.
_UNSAFE_SEGMENTS = frozenset({"", ".", ".."})
# Characters of a rejected id an error message shows.
_SHOWN = 60


def path_segment(name: str, value: object) -> str:
    """Percent-encode ``value`` as a single path segment; ``""``, ``.`` and ``..`` raise ValueError."""
    text = value.value if isinstance(value, Enum) else value
    text = str(text)
    if text in _UNSAFE_SEGMENTS:
        raise ValueError(f"{name}={text!r} is not a valid path parameter: it would change which resource the URL names")
    return quote(text, safe="")


def checked_uuid(name: str, value: object) -> UUID:
    """``value`` (a ``UUID``, or a ``str`` as ``uuid.UUID`` reads it) as a UUID, for a parameter the spec types
    uuid; anything else raises (ValueError, TypeError for neither a str nor a UUID) before a request exists."""
    if isinstance(value, UUID):
        return value
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str or a uuid.UUID, not {type(value).__name__}")
    try:
        return UUID(value)
    except ValueError:
        shown = value if len(value) <= _SHOWN else value[:_SHOWN] + "..."
        raise ValueError(
            f"{name}={shown!r} is not a UUID (such as '8a210b68-6988-11ed-a1eb-0242ac120002'); nothing was sent"
        ) from None
