"""Path parameters: one value becomes exactly one URL path segment."""

from __future__ import annotations

from enum import Enum
from urllib.parse import quote

# httpx (like browsers) collapses these segments, so "/companies/C/connections/.." would address
# "/companies/C": a different resource. An empty value would do the same to the segment's parent.
_UNSAFE_SEGMENTS = frozenset({"", ".", ".."})


def path_segment(name: str, value: object) -> str:
    """Percent-encode ``value`` as a single path segment; ``""``, ``.`` and ``..`` raise ValueError."""
    text = value.value if isinstance(value, Enum) else value
    text = str(text)
    if text in _UNSAFE_SEGMENTS:
        raise ValueError(f"{name}={text!r} is not a valid path parameter: it would change which resource the URL names")
    return quote(text, safe="")
