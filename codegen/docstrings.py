"""How spec text becomes docstring text: invisible characters dropped, lines wrapped without splitting a word.

Jinja's ``wordwrap`` breaks over-long words and at hyphens, which cut URLs (``platform-`` / ``api#/...``);
spec text carries byte-order marks and zero-width spaces that ``help()`` would print.
"""

from __future__ import annotations

import textwrap
from typing import Any

from openapi_python_client.strings import safe_for_docstring as escape_for_docstring

# Zero-width characters with no meaning in a docstring (U+FEFF opens several of Codat's descriptions).
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u2060"))


def safe_for_docstring(value: Any) -> str:
    """upstream's escaping for docstrings (backslashes, quotes, control characters), invisible characters dropped."""
    return escape_for_docstring(value).translate(_INVISIBLE)


def docwrap(text: str, width: int = 79) -> str:
    """Each line of ``text`` wrapped at ``width``; a longer word (a URL) stays whole on a line of its own.

    Invisible characters are dropped here too: some docstring text (upstream's ``to_docstring()``)
    reaches the wrapper without passing :func:`safe_for_docstring`.
    """
    return "\n".join(
        "\n".join(
            textwrap.wrap(
                line,
                width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
        for line in text.translate(_INVISIBLE).splitlines()
    )
