"""Redaction of credentials and secret-named fields from anything the SDK logs.

A name is secret when, lower-cased with everything but letters and digits removed, it contains one of
``SECRET_NAME_PARTS`` (``apiKey``, ``api_key``, ``X-Api-Key``, ``clientSecret``, ``accessToken``,
``Authorization``, ...). Their values are replaced by ``REDACTED`` in headers, query strings and JSON
bodies (at any depth); bodies that are not JSON, or are cut short, are redacted by pattern. Over-redacting
a harmless field is preferred to printing a credential.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

import httpx

REDACTED: Final = "[REDACTED]"
SECRET_NAME_PARTS: Final = (
    "apikey",
    "authorization",  # and Proxy-Authorization; not bare "auth": "401 Unauthorized: ..." is no secret
    "authheader",
    "token",
    "password",
    "passwd",
    "secret",
    "credential",
    "privatekey",
    "cookie",
    "signature",
)
# Bodies longer than this are not parsed as JSON (pattern redaction only) before being cut.
_MAX_PARSED_BODY: Final = 256 * 1024

_NON_ALNUM = re.compile(r"[^a-z0-9]")
# "name": value in JSON-ish text; the value may be cut short by truncation (a string without its end quote).
_JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^\s,}\]]+)')
# name=value in query strings, form bodies and free text.
_TEXT_PAIR = re.compile(r"([A-Za-z0-9_.\-]+)(\s*[=:]\s*)((?:(?:Basic|Bearer|Token)\s+)?[^&\s,;\"']+)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    normalised = _NON_ALNUM.sub("", name.lower())
    return any(part in normalised for part in SECRET_NAME_PARTS)


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers as a dict for logging; secret-named ones (Authorization first of all) redacted."""
    return {name: REDACTED if is_secret_name(name) else value for name, value in headers}


def redact_url(url: httpx.URL) -> str:
    """``url`` with secret-named query parameters and any user info redacted."""
    if url.userinfo:
        url = url.copy_with(username=REDACTED, password=None)
    if not url.query:
        return str(url)
    params = [(name, REDACTED if is_secret_name(name) else value) for name, value in url.params.multi_items()]
    return str(url.copy_with(params=params))


def redact_json(value: Any) -> Any:
    """A parsed JSON value with the value of every secret-named key replaced, at any depth."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED if isinstance(key, str) and is_secret_name(key) else redact_json(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    return value


def redact_text(text: str) -> str:
    """Pattern redaction for text that is not (whole) JSON: ``"name": value`` and ``name=value`` pairs."""

    def json_pair(match: re.Match[str]) -> str:
        if is_secret_name(match.group(1)):
            return f'"{match.group(1)}"{match.group(2)}"{REDACTED}"'
        return match.group(0)

    def text_pair(match: re.Match[str]) -> str:
        if is_secret_name(match.group(1)):
            return f"{match.group(1)}{match.group(2)}{REDACTED}"
        return match.group(0)

    return _TEXT_PAIR.sub(text_pair, _JSON_PAIR.sub(json_pair, text))


def redact_body(body: bytes, limit: int) -> str:
    """``body`` as loggable text: secrets redacted, cut to ``limit`` characters (noting how much was cut)."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace")
    redacted: str | None = None
    if len(body) <= _MAX_PARSED_BODY and text.lstrip()[:1] in ("{", "["):
        try:
            redacted = json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
        except (ValueError, RecursionError):
            redacted = None
    if redacted is None:
        # Cut before the patterns run (bounded work); a value cut short is still matched and redacted.
        redacted = redact_text(text[: limit * 2])
    if len(redacted) > limit:
        return f"{redacted[:limit]}... ({len(body)} bytes)"
    return redacted
