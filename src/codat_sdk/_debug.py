"""Debug logging of each HTTP attempt: method, URL, status, timing, attempt number, headers and bodies.

Everything goes through ``_redaction`` first (Authorization and every secret-named header, query
parameter and JSON field, and the request's own credentials wherever a server echoes them), and bodies
are cut to ``MAX_LOGGED_BODY`` characters. The clients call these
only when their logger is enabled for DEBUG, so a quiet logger costs one ``isEnabledFor`` per attempt.
"""

from __future__ import annotations

import logging
import time
from typing import Final

import httpx

from ._errors import CodatError
from ._operation import Operation
from ._redaction import redact_body, redact_excerpt, redact_headers, redact_text, redact_url, request_secrets

# The standard logger every client logs to unless given ``debug_logger=``.
LOGGER_NAME: Final = "codat_sdk"
MAX_LOGGED_BODY: Final = 2048

_TEXTUAL = ("json", "text/", "xml", "x-www-form-urlencoded")


def _is_textual(content_type: str) -> bool:
    return any(kind in content_type for kind in _TEXTUAL)


def _secrets(request: httpx.Request) -> tuple[str, ...]:
    return request_secrets(request.headers.multi_items())


def _describe_body(content: bytes, content_type: str, secrets: tuple[str, ...]) -> str:
    if content and not _is_textual(content_type):
        return f"<{len(content)} bytes of {content_type or 'binary'}>"
    return redact_body(content, MAX_LOGGED_BODY, secrets)


def _request_body(request: httpx.Request, secrets: tuple[str, ...]) -> str:
    try:
        content = request.content
    except httpx.RequestNotRead:
        return "<streamed>"  # uploads: read from disk as they are sent
    return _describe_body(content, request.headers.get("content-type", ""), secrets)


def _response_body(response: httpx.Response, secrets: tuple[str, ...]) -> str:
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return "<streamed>"  # downloads: read by the caller
    return _describe_body(content, response.headers.get("content-type", ""), secrets)


def log_request(logger: logging.Logger, operation: Operation, request: httpx.Request, attempt: int) -> float:
    """Log the request about to be sent; returns the start time for the elapsed time of its outcome."""
    secrets = _secrets(request)
    logger.debug(
        "%s: request %s %s (attempt %d) headers=%s body=%s",
        operation.id,
        request.method,
        redact_url(request.url, secrets),
        attempt,
        redact_headers(request.headers.multi_items(), secrets),
        _request_body(request, secrets),
    )
    return time.perf_counter()


def log_response(
    logger: logging.Logger, operation: Operation, response: httpx.Response, attempt: int, started: float
) -> None:
    secrets = _secrets(response.request)
    logger.debug(
        "%s: response %d %s to %s %s (attempt %d) in %.1f ms headers=%s body=%s",
        operation.id,
        response.status_code,
        redact_excerpt(response.reason_phrase, 80, secrets),  # as the status error's message quotes it
        response.request.method,
        redact_url(response.request.url, secrets),
        attempt,
        (time.perf_counter() - started) * 1000,
        redact_headers(response.headers.multi_items(), secrets),
        _response_body(response, secrets),
    )


def log_error(
    logger: logging.Logger,
    operation: Operation,
    request: httpx.Request,
    attempt: int,
    started: float,
    error: CodatError,
) -> None:
    secrets = _secrets(request)
    logger.debug(
        "%s: %s %s failed (attempt %d) after %.1f ms: %s: %s",
        operation.id,
        request.method,
        redact_url(request.url, secrets),
        attempt,
        (time.perf_counter() - started) * 1000,
        type(error).__name__,
        redact_text(str(error), secrets),
    )
