"""Credentials kept out of repr(), logs and exception text."""

from __future__ import annotations

import base64
import os
from typing import Final

from ._headers import check_header

API_KEY_ENV_VAR: Final = "CODAT_API_KEY"


class Secret:
    """A header value that never shows itself; ``reveal()`` is the only way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __reduce__(self) -> str | tuple[object, ...]:  # pickling would write the secret out in clear
        raise TypeError("credentials cannot be pickled")


def authorization(api_key: str | None, auth_header: str | None) -> Secret:
    """The Authorization header value: ``Basic base64(api_key)``, or ``auth_header`` as given.

    Falls back to ``$CODAT_API_KEY``. Raises ValueError (sending nothing, and never showing the value)
    when credentials are missing, empty, doubled, or malformed: a line break, another control character, a
    non-ASCII character, or whitespace around them (a key pasted from a file with its newline).
    """
    if api_key is not None and auth_header is not None:
        raise ValueError("pass either api_key= or auth_header=, not both")
    if auth_header is None:
        label = "api_key=" if api_key is not None else f"${API_KEY_ENV_VAR}"
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV_VAR)
        if not key:
            raise ValueError(f"no credentials: pass api_key=, auth_header=, or set ${API_KEY_ENV_VAR}")
        check_header("Authorization", key, label=label)
        auth_header = "Basic " + base64.b64encode(key.encode()).decode("ascii")
    elif auth_header == "":  # as an empty api_key is: not a header to send with every call
        raise ValueError("auth_header= is empty: pass the full Authorization header value, or api_key=")
    check_header("Authorization", auth_header, label="auth_header=")
    return Secret(auth_header)
