"""Redaction of credentials and secret-named fields: the one redactor for logs and exception text.

A name is secret when, lower-cased with everything but letters and digits removed, it contains one of
``SECRET_NAME_PARTS`` (``apiKey``, ``api_key``, ``X-Api-Key``, ``clientSecret``, ``accessToken``,
``Authorization``, ...). Their values are replaced by ``REDACTED`` in headers, query strings and JSON
bodies (at any depth); bodies that are not JSON, or are cut short, are redacted by pattern. Over-redacting
a harmless field is preferred to printing a credential.

The credentials a request carried (``request_secrets``) are also replaced wherever they appear, under any
name: a server that echoes the Authorization header back, in a body, a message or a response header of
its own naming, must not put it into a log line or an exception.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
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
# Shorter credential fragments are not searched for: they would redact ordinary words.
_MIN_SECRET: Final = 8
# Authorization schemes whose credentials follow a space ("Basic <base64>").
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9._~+/-]*\s+(\S.*)$")

_NON_ALNUM = re.compile(r"[^a-z0-9]")
# "name": value in JSON-ish text; the value may be cut short by truncation (a string without its end quote).
_JSON_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*(?:"|$)|[^\s,}\]]+)')
# name=value in query strings, form bodies and free text.
_TEXT_PAIR = re.compile(r"([A-Za-z0-9_.\-]+)(\s*[=:]\s*)((?:(?:Basic|Bearer|Token)\s+)?[^&\s,;\"']+)", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    normalised = _NON_ALNUM.sub("", name.lower())
    return any(part in normalised for part in SECRET_NAME_PARTS)


def request_secrets(headers: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The credentials in a request's secret-named headers, longest first, to search for anywhere.

    For ``Authorization: Basic <base64>`` that is the whole value, the base64 part and what it decodes to
    (the API key), so an echo of any of them is caught.
    """
    found: set[str] = set()
    for name, value in headers:
        if not is_secret_name(name):
            continue
        found.add(value)
        scheme = _SCHEME.match(value)
        if scheme is None:
            continue
        credential = scheme.group(1).strip()
        found.add(credential)
        if value[:6].lower() == "basic ":
            with contextlib.suppress(binascii.Error, UnicodeDecodeError):
                found.add(base64.b64decode(credential, validate=True).decode("utf-8"))
    return tuple(sorted((s for s in found if len(s) >= _MIN_SECRET), key=len, reverse=True))


def scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every occurrence of each of ``secrets`` replaced by ``REDACTED``."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redacted_header_items(headers: Iterable[tuple[str, str]], secrets: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Name-value pairs (headers, query parameters) with secret-named values, and any of ``secrets``
    inside the other values, redacted."""
    return [(name, REDACTED if is_secret_name(name) else scrub(value, secrets)) for name, value in headers]


def redact_headers(headers: Iterable[tuple[str, str]], secrets: Sequence[str] = ()) -> dict[str, str]:
    """Headers as a dict for logging; secret-named ones (Authorization first of all) redacted."""
    return dict(redacted_header_items(headers, secrets))


def redact_url(url: httpx.URL, secrets: Sequence[str] = ()) -> str:
    """``url`` with secret-named query parameters (any of ``secrets`` in the others) and user info redacted."""
    if url.userinfo:
        url = url.copy_with(username=REDACTED, password=None)
    if not url.query:
        return str(url)
    return str(url.copy_with(params=redacted_header_items(url.params.multi_items(), secrets)))


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


def scrub_json(value: Any, secrets: Sequence[str]) -> Any:
    """A parsed JSON value with any of ``secrets`` replaced inside every string, keys included."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, Mapping):
        return {scrub_json(key, secrets): scrub_json(item, secrets) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_json(item, secrets) for item in value]
    return value


def redact_text(text: str, secrets: Sequence[str] = ()) -> str:
    """Pattern redaction for text that is not (whole) JSON: ``"name": value`` and ``name=value`` pairs.

    Any of ``secrets`` (see ``request_secrets``) is replaced too, whatever it is called.
    """

    def json_pair(match: re.Match[str]) -> str:
        if is_secret_name(match.group(1)):
            return f'"{match.group(1)}"{match.group(2)}"{REDACTED}"'
        return match.group(0)

    def text_pair(match: re.Match[str]) -> str:
        if is_secret_name(match.group(1)):
            return f"{match.group(1)}{match.group(2)}{REDACTED}"
        return match.group(0)

    return _TEXT_PAIR.sub(text_pair, _JSON_PAIR.sub(json_pair, scrub(text, secrets)))


def _window(text: str, limit: int, secrets: Sequence[str]) -> str:
    # Cut before the patterns run (bounded work), yet long enough that a credential straddling the
    # cut is still whole when it is searched for; a secret-named value cut short is still matched.
    return text[: limit * 2 + (len(secrets[0]) if secrets else 0)]


def redact_excerpt(text: str, limit: int, secrets: Sequence[str] = ()) -> str:
    """Untrusted ``text`` fit for an exception message: redacted, then cut to ``limit`` characters."""
    redacted = redact_text(_window(text, limit, secrets), secrets)
    return f"{redacted[:limit]}…" if len(redacted) > limit else redacted


def redact_body(body: bytes, limit: int, secrets: Sequence[str] = ()) -> str:
    """``body`` as loggable text: secrets redacted, cut to ``limit`` characters (noting how much was cut)."""
    if not body:
        return ""
    text = body.decode("utf-8", "replace")
    redacted: str | None = None
    if len(body) <= _MAX_PARSED_BODY and text.lstrip()[:1] in ("{", "["):
        try:
            redacted = scrub(json.dumps(redact_json(json.loads(text)), ensure_ascii=False), secrets)
        except (ValueError, RecursionError):
            redacted = None
    if redacted is None:
        redacted = redact_text(_window(text, limit, secrets), secrets)
    if len(redacted) > limit:
        return f"{redacted[:limit]}... ({len(body)} bytes)"
    return redacted
