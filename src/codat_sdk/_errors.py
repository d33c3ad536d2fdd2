"""The one exception hierarchy every SDK call raises from.

CodatError
├── APIStatusError            a non-2xx response (one subclass per status the specs document)
├── APIConnectionError        the request did not get a response (``__cause__`` is httpx's exception)
│   └── APITimeoutError
├── ResponseValidationError   a 2xx response whose body does not match its schema
└── HookError                 a hook registered on the client raised (``__cause__`` is its exception)
"""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    from ._types import Unset

_BODY_EXCERPT = 500


class ErrorMessageLike(Protocol):
    """The fields of Codat's ``ErrorMessage`` schema that error handling relies on."""

    @property
    def status_code(self) -> int | Unset: ...
    @property
    def service(self) -> str | Unset: ...
    @property
    def error(self) -> str | Unset: ...
    @property
    def correlation_id(self) -> str | Unset: ...
    @property
    def can_be_retried(self) -> bool | str | Unset: ...
    @property
    def detailed_error_code(self) -> int | Unset: ...
    @property
    def validation(self) -> Any: ...


ErrorParser = Callable[[Any], ErrorMessageLike]


class CodatError(Exception):
    """Base class of every error this SDK raises.

    ``attempts`` is how many requests the call made, retries included (the message says so too).
    """

    attempts: int = 1


class APIConnectionError(CodatError):
    """The request got no response: connection refused or dropped, DNS, TLS, protocol errors."""


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired."""


class HookError(CodatError):
    """A before_request, after_response or on_error hook raised (or returned something unusable).

    ``stage`` names the hook point, ``hook_name`` the callable (``hook`` is the callable itself);
    ``__cause__`` is the hook's own exception; for an on_error hook, ``error`` is the error it was
    handed. The call is not retried.
    """

    error: CodatError | None = None

    def __init__(self, stage: str, hook: Callable[..., object], problem: str) -> None:
        self.stage = stage
        self.hook = hook
        self.hook_name = hook_name(hook)
        super().__init__(f"{stage} hook {self.hook_name} {problem}")


def hook_name(hook: Callable[..., object]) -> str:
    module = getattr(hook, "__module__", None)
    name = getattr(hook, "__qualname__", None) or type(hook).__qualname__
    return f"{module}.{name}" if module else name


class APIStatusError(CodatError):
    """Codat answered with a non-2xx status.

    ``error_message`` is the parsed Codat ``ErrorMessage`` when the body is Codat's JSON error, else None.
    """

    status_code: int
    headers: httpx.Headers
    body: str
    response: httpx.Response
    error_message: ErrorMessageLike | None

    def __init__(self, response: httpx.Response, error_message: ErrorMessageLike | None = None) -> None:
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body_text(response)
        self.error_message = error_message
        super().__init__(self._describe())

    @property
    def correlation_id(self) -> str | None:
        value = getattr(self.error_message, "correlation_id", None)
        return value if isinstance(value, str) else None

    @property
    def can_be_retried(self) -> bool | None:
        """Codat's own verdict on retrying, None when absent or "Unknown".

        The spec types ``canBeRetried`` as a string ("True", "False", "Unknown") but examples carry JSON
        booleans, so both are read.
        """
        value = getattr(self.error_message, "can_be_retried", None)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        return None

    @property
    def detailed_error_code(self) -> int | None:
        value = getattr(self.error_message, "detailed_error_code", None)
        return value if isinstance(value, int) else None

    def _describe(self) -> str:
        request = self.response.request
        head = f"{request.method} {request.url.path} -> {self.status_code} {self.response.reason_phrase}".rstrip()
        detail = getattr(self.error_message, "error", None)
        if not isinstance(detail, str) or not detail:
            detail = self.body[:_BODY_EXCERPT] + ("…" if len(self.body) > _BODY_EXCERPT else "")
        text = f"{head}: {detail}" if detail else head
        if self.correlation_id:
            text += f" (correlation id {self.correlation_id})"
        return text


class BadRequestError(APIStatusError):
    """400: the request was malformed, or a query did not parse."""


class UnauthorizedError(APIStatusError):
    """401: missing or invalid API key."""


class PaymentRequiredError(APIStatusError):
    """402: the account's plan does not include this operation."""


class ForbiddenError(APIStatusError):
    """403: the API key may not perform this operation."""


class NotFoundError(APIStatusError):
    """404: the company, connection or other resource does not exist."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's current state."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the wait the server asked for, in seconds."""

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))


class UnavailableForLegalReasonsError(APIStatusError):
    """451: the data cannot be served for legal reasons."""


class InternalServerError(APIStatusError):
    """500: Codat failed while handling the request."""


class ServiceUnavailableError(APIStatusError):
    """503: Codat is temporarily unavailable."""


class UnexpectedStatusError(APIStatusError):
    """Any other non-2xx status."""


class ResponseValidationError(CodatError):
    """A successful response whose body does not match the schema the spec documents for it."""

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body = body_text(response)
        super().__init__(f"{message}; body: {self.body[:_BODY_EXCERPT]}")


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
    451: UnavailableForLegalReasonsError,
    500: InternalServerError,
    503: ServiceUnavailableError,
}


def connection_error(context: str, exc: httpx.RequestError) -> APIConnectionError:
    """``exc`` as the SDK's error: ``APITimeoutError`` for timeouts, else ``APIConnectionError``.

    httpx's message names the failure, never the request headers (which hold the credentials).
    """
    kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return kind(f"{context}: {type(exc).__name__}: {exc}")


def body_text(response: httpx.Response) -> str:
    """The body as text, whatever charset the server claims (a bogus one must not mask the error)."""
    try:
        return response.text
    except Exception:  # noqa: BLE001 - e.g. charset=base64 makes httpx's decoder raise
        return response.content.decode("utf-8", "replace")


def status_error(response: httpx.Response, parse_error_message: ErrorParser | None) -> APIStatusError:
    """The error for a non-2xx ``response`` (whose body has been read), whatever its body holds."""
    return STATUS_ERRORS.get(response.status_code, UnexpectedStatusError)(
        response, _error_message(response, parse_error_message)
    )


def _error_message(response: httpx.Response, parse: ErrorParser | None) -> ErrorMessageLike | None:
    if parse is None or not response.content:
        return None
    try:
        data = response.json()
    except (ValueError, RecursionError):  # HTML from a proxy, plain text, truncated or absurdly deep JSON
        return None
    if not isinstance(data, dict):
        return None
    try:
        return parse(data)
    except Exception:  # noqa: BLE001 - an odd error body must never mask the status error itself
        # (NotImplementedError included: a client without an error model keeps the raw body only)
        return None


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: delta-seconds or an HTTP date; None when absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(seconds, 0.0) if math.isfinite(seconds) else None  # NaN and infinity are not waits
