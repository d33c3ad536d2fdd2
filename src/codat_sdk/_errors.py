"""The one exception hierarchy every SDK call raises from.

CodatError
├── APIStatusError            a non-2xx response (one subclass per status the specs document)
├── APIConnectionError        the request did not get a response (``__cause__`` is httpx's exception)
│   └── APITimeoutError
├── ResponseValidationError   a 2xx response whose body does not match its schema
│   └── ResponseTooLargeError a 2xx body over the client's ``max_response_bytes``, not decoded
├── InvalidRequestError       httpx refused to send the request as built (also a ValueError)
│   └── RequestValidationError a body given as a mapping that does not fit its model (_request_bodies)
└── HookError                 a hook registered on the client raised (``__cause__`` is its exception)

Messages quote at most ``MESSAGE_EXCERPT`` characters of anything a server sent, through the redactor
(``_redaction``): neither secret-named fields nor the request's own credentials reach them. Every error
survives ``pickle`` and ``copy`` (it can cross a process pool); a pickled error holds a stand-in
``response`` with the status, headers and body but no credentials.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

import httpx

from ._redaction import (
    redact_body,
    redact_excerpt,
    redact_text,
    redact_url,
    redacted_header_items,
    request_secrets,
    scrub,
    scrub_json,
)

if TYPE_CHECKING:
    from ._types import Unset

# Characters of a body, or of a server's error text, that an exception message quotes.
MESSAGE_EXCERPT: Final = 500

E = TypeVar("E", bound="CodatError")
X = TypeVar("X", bound=BaseException)


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

    def __reduce__(self) -> tuple[Any, ...]:
        # BaseException's own reduce calls cls(*args), which the subclasses' signatures refuse: rebuild
        # without __init__, from a state that holds nothing a pickle must not (see _pickled_state).
        return _rebuild, (type(self), self.args, self._pickled_state())

    def __copy__(self: E) -> E:
        return _rebuild(type(self), self.args, dict(self.__dict__))

    def _pickled_state(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _rebuild(cls: type[X], args: tuple[Any, ...], state: dict[str, Any]) -> X:
    """Unpickling: an exception of ``cls`` with ``args`` and its attributes, without running ``__init__``."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class APIConnectionError(CodatError):
    """The request got no response: connection refused or dropped, DNS, TLS, protocol errors."""


class APITimeoutError(APIConnectionError):
    """A connect, read, write or pool timeout expired, or the call's deadline (``timeout=``) passed."""


class ClientClosedError(APIConnectionError):
    """The SDK client was closed (``close()`` / ``aclose()``) while the call was in flight: never retried,
    as every later attempt would find the client closed."""


class InvalidRequestError(CodatError, ValueError):
    """httpx or the HTTP/1.1 layer refused the request as built (a header value it will not send, a body
    longer than its declared length): a local error, never a connection failure, so never retried."""


class HookError(CodatError):
    """A before_request, after_response or on_error hook raised (or returned something unusable).

    ``stage`` names the hook point, ``hook_name`` the callable (``hook`` is the callable itself, None
    once unpickled); ``__cause__`` is the hook's own exception; for an on_error hook, ``error`` is the
    error it was handed. The call is not retried.
    """

    error: CodatError | None = None

    def __init__(self, stage: str, hook: Callable[..., object], problem: str) -> None:
        self.stage = stage
        self.hook: Callable[..., object] | None = hook
        self.hook_name = hook_name(hook)
        super().__init__(f"{stage} hook {self.hook_name} {problem}")

    def _pickled_state(self) -> dict[str, Any]:
        return {**self.__dict__, "hook": None}  # a lambda or a bound method of anything may not pickle


def hook_raised(stage: str, hook: Callable[..., object], exc: Exception, subject: object) -> HookError:
    """The ``HookError`` for ``hook`` raising ``exc`` when handed ``subject`` (a request, a response or an error).

    The hook's own text is user code's, and may quote what it was handed (an Authorization header it
    parsed): it is redacted and cut as a server's text is.
    """
    text = redact_excerpt(str(exc), MESSAGE_EXCERPT, _secrets_of(subject))
    return HookError(stage, hook, f"raised {type(exc).__name__}: {text}")


def _secrets_of(subject: object) -> tuple[str, ...]:
    """The credentials of the request ``subject`` is, answers, or failed on (none if it has no request)."""
    request = subject
    if not isinstance(request, httpx.Request):
        response = subject if isinstance(subject, httpx.Response) else getattr(subject, "response", None)
        try:
            request = response.request if isinstance(response, httpx.Response) else None
        except RuntimeError:  # a response built without its request
            request = None
    return request_secrets(request.headers.multi_items()) if isinstance(request, httpx.Request) else ()


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

    def _pickled_state(self) -> dict[str, Any]:
        return _without_credentials(self.__dict__, self.response)

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
        secrets = request_secrets(request.headers.multi_items())
        reason = redact_excerpt(self.response.reason_phrase, 80, secrets)
        head = f"{request.method} {request.url.path} -> {self.status_code} {reason}".rstrip()
        detail = getattr(self.error_message, "error", None)
        if isinstance(detail, str) and detail:
            detail = redact_excerpt(detail, MESSAGE_EXCERPT, secrets)
        else:
            detail = body_excerpt(self.response, secrets)
        text = f"{head}: {detail}" if detail else head
        if self.correlation_id:
            text += f" (correlation id {redact_excerpt(self.correlation_id, 80, secrets)})"
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
    """A successful response whose body does not match the schema the spec documents for it.

    ``body`` is the raw text; the message quotes it redacted and cut.
    """

    def __init__(self, message: str, *, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.body = body_text(response)
        secrets = request_secrets(response.request.headers.multi_items())
        message = redact_excerpt(message, 2 * MESSAGE_EXCERPT, secrets)  # it may quote a value of the body
        super().__init__(f"{message}; body: {body_excerpt(response, secrets)}")

    def _pickled_state(self) -> dict[str, Any]:
        return _without_credentials(self.__dict__, self.response)


class ResponseTooLargeError(ResponseValidationError):
    """A successful body longer than the client's ``max_response_bytes``: it was not decoded.

    ``limit`` is that cap; ``body`` holds the body's first bytes only.
    """

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        self.limit = limit
        super().__init__(message, response=response)


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


def connection_error(context: str, exc: httpx.RequestError) -> APIConnectionError | InvalidRequestError:
    """``exc`` as the SDK's error: ``APITimeoutError`` for timeouts, ``InvalidRequestError`` for a request
    httpx refused to send (never retried), else ``APIConnectionError``.

    httpx's text is redacted: h11 quotes a header value it refuses, which may be the credentials.
    """
    kind: type[APIConnectionError | InvalidRequestError]
    if isinstance(exc, httpx.LocalProtocolError):
        kind = InvalidRequestError
    elif isinstance(exc, httpx.TimeoutException):
        kind = APITimeoutError
    else:
        kind = APIConnectionError
    try:
        secrets = request_secrets(exc.request.headers.multi_items())
    except RuntimeError:  # an exception raised without its request
        secrets = ()
    return kind(f"{context}: {type(exc).__name__}: {redact_excerpt(str(exc), MESSAGE_EXCERPT, secrets)}")


def body_text(response: httpx.Response) -> str:
    """The body as text, whatever charset the server claims (a bogus one must not mask the error)."""
    try:
        return response.text
    except Exception:  # noqa: BLE001 - e.g. charset=base64 makes httpx's decoder raise
        return response.content.decode("utf-8", "replace")


def body_excerpt(response: httpx.Response, secrets: Sequence[str]) -> str:
    """The start of a (read) body for a message: redacted, cut, decoded as its charset says."""
    return redact_body(body_text(response).encode(), MESSAGE_EXCERPT, secrets)


def _without_credentials(state: dict[str, Any], response: httpx.Response) -> dict[str, Any]:
    """An error's state for a pickle: nothing in it holds the request's credentials.

    ``response`` becomes a stand-in (same status, headers and body; its request keeps the method and the
    redacted URL) and the credentials are scrubbed from the body and the parsed error message, where a
    server may have echoed them. A pickle leaves the process (a queue, a log, another host), so the body
    also loses the values of its secret-named fields (an ``accessToken``); in memory ``.body`` stays raw.
    """
    request = response.request
    secrets = request_secrets(request.headers.multi_items())
    stand_in_request = httpx.Request(
        request.method,
        redact_url(request.url, secrets),
        headers=redacted_header_items(request.headers.multi_items(), secrets),
    )
    headers = redacted_header_items(response.headers.multi_items(), secrets)
    try:
        content = redact_text(body_text(response), secrets).encode()
    except httpx.ResponseNotRead:
        content = b""
    stand_in = httpx.Response(
        response.status_code,
        # The body is decoded text now: an encoding or length header would make httpx decode it again.
        headers=[(k, v) for k, v in headers if k.lower() not in ("content-encoding", "content-length")],
        content=content,
        request=stand_in_request,
        extensions={"reason_phrase": scrub(response.reason_phrase, secrets).encode("ascii", "replace")},
    )
    pickled = {**state, "response": stand_in}
    if "headers" in state:
        pickled["headers"] = httpx.Headers(headers)
    if isinstance(state.get("body"), str):
        pickled["body"] = redact_text(state["body"], secrets)
    if state.get("error_message") is not None:
        pickled["error_message"] = _scrubbed_model(state["error_message"], secrets)
    return pickled


def _scrubbed_model(model: Any, secrets: Sequence[str]) -> Any:
    """A generated model rebuilt from its dict with ``secrets`` scrubbed (None if it cannot be)."""
    try:
        return type(model).from_dict(scrub_json(model.to_dict(), secrets))
    except Exception:  # noqa: BLE001 - not a generated model: drop it rather than pickle a credential
        return None


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
        if when.tzinfo is None:  # asctime dates carry no zone; HTTP dates are always GMT (RFC 9110)
            when = when.replace(tzinfo=datetime.UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(seconds, 0.0) if math.isfinite(seconds) else None  # NaN and infinity are not waits
