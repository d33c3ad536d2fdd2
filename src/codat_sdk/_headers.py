"""The one check of every value that reaches a header, before anything is sent.

Credentials, default and per-call headers, header parameters and the Content-Type of an uploaded
part all go through ``check_header``. A line break would start a header of the caller's (or an
attacker's) choosing; leading or trailing whitespace, another control character or a non-ASCII
character makes httpx or h11 refuse the request, quoting the value, which may be the credentials. The
error names the header and the problem but never shows the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

# RFC 9110 token characters: what a header name may hold.
_TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _problem(value: str) -> str | None:
    for index, char in enumerate(value):
        if char in "\r\n":
            return f"a line break at index {index}"
        if not char.isascii():
            return f"a non-ASCII character at index {index}"
        if not char.isprintable():
            return f"a control character at index {index}"
    if value.strip(" ") != value:
        return "leading or trailing whitespace"
    return None


def check_header(name: str, value: object, *, label: str | None = None) -> None:
    """Raise TypeError / ValueError, without showing ``value``, unless ``name: value`` is a sendable header.

    ``label`` names the value in the message when it is not the header itself (``auth_header=``).
    """
    what = label or f"header {name!r}"
    if not isinstance(name, str) or not _TOKEN.fullmatch(name):
        raise ValueError(f"{name!r} is not a valid header name")
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__}")
    problem = _problem(value)
    if problem is not None:
        raise ValueError(f"{what} has {problem} (the value is not shown)")


def check_headers(headers: Mapping[str, object] | None) -> None:
    """``check_header`` on every entry."""
    if headers:
        for name, value in headers.items():
            check_header(name, value)
