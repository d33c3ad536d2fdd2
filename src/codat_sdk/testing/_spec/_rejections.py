"""What the sandbox answers a request Codat would refuse: a status and Codat's ``ErrorMessage`` body."""

from __future__ import annotations

import json
import secrets
from typing import Any

from ..._errors import _rebuild

__all__ = ["ERROR_CONTENT_TYPE", "MethodNotAllowed", "RequestRejected", "RouteNotFound", "error_body", "error_response"]

ERROR_CONTENT_TYPE = "application/json"
# What Codat's gateway names itself in ``service``, and its ``canBeRetried`` verdict on a refused request.
SERVICE = "PublicApi"
NOT_RETRYABLE = "Unknown"


def error_body(
    status: int, message: str, *, field: str | None = None, correlation_id: str | None = None
) -> dict[str, object]:
    """Codat's ``ErrorMessage``; a bad parameter or field is named in ``validation.errors`` as well."""
    errors = [{"itemId": field, "message": message, "validatorName": "RequestValidator"}] if field else []
    return {
        "statusCode": status,
        "service": SERVICE,
        "error": message,
        "correlationId": correlation_id or secrets.token_hex(16),
        "validation": {"errors": errors, "warnings": []},
        "canBeRetried": NOT_RETRYABLE,
        "detailedErrorCode": 0,
    }


def error_response(status: int, message: str, *, correlation_id: str | None = None) -> tuple[int, str, bytes]:
    """(status, content type, body) of an ``ErrorMessage`` answer."""
    return status, ERROR_CONTENT_TYPE, json.dumps(error_body(status, message, correlation_id=correlation_id)).encode()


class RequestRejected(Exception):
    """A request Codat would refuse: ``status`` (400, 401, 404, 405, 415), ``message`` naming what is wrong.

    ``field`` names the parameter or body field at fault (``pageSize``, ``body.name``), when one is.
    """

    def __init__(self, status: int, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take other arguments: rebuilt from their state, not by calling __init__ again.
        return _rebuild, (type(self), self.args, self.__dict__)

    def body(self, correlation_id: str | None = None) -> dict[str, object]:
        """The ``ErrorMessage`` Codat sends with this status."""
        return error_body(self.status, self.message, field=self.field, correlation_id=correlation_id)

    def response(self, correlation_id: str | None = None) -> tuple[int, str, bytes]:
        """(status, content type, body) to answer with."""
        return self.status, ERROR_CONTENT_TYPE, json.dumps(self.body(correlation_id)).encode()


class RouteNotFound(RequestRejected):
    """No operation has this path (404)."""

    def __init__(self, path: str) -> None:
        super().__init__(404, f"No resource at {path}.")


class MethodNotAllowed(RequestRejected):
    """The path exists, but not for this method (405); ``allowed`` lists the methods it has."""

    def __init__(self, http_method: str, path: str, allowed: tuple[str, ...]) -> None:
        super().__init__(405, f"{http_method} is not allowed on {path} (allowed: {', '.join(allowed)}).")
        self.allowed = allowed
