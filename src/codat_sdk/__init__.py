"""Runtime of the Codat SDK: errors, retries, paginators, query builders, hooks, HTTP client protocols,
upload and response types, base clients, webhook verification and routing.

The API clients themselves live in ``codat_sdk_platform`` and ``codat_sdk_files``; what only their
generated code needs is in ``codat_sdk._generated``.
"""

from typing import TYPE_CHECKING

from . import _lazy
from ._bodies import DEFAULT_MAX_RESPONSE_BYTES, MAX_ERROR_BODY
from ._client import DEFAULT_TIMEOUT, AsyncAPIClient, SyncAPIClient, Timeout
from ._credentials import API_KEY_ENV_VAR, Secret
from ._debug import LOGGER_NAME, MAX_LOGGED_BODY
from ._decoding import DecodeError, parse_date, parse_datetime
from ._enums import OpenIntEnum, OpenStrEnum
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    CodatError,
    ConflictError,
    ErrorMessageLike,
    ForbiddenError,
    HookError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    ServiceUnavailableError,
    UnauthorizedError,
    UnavailableForLegalReasonsError,
    UnexpectedStatusError,
)
from ._hooks import HookContext, Hooks
from ._pagination import AsyncPaginator, PaginationError, SyncPaginator
from ._request_bodies import RequestValidationError
from ._response import AsyncBinaryResponse, BinaryResponse, RawResponse
from ._retries import BackoffStrategy, RetryConfig, RetryEvent
from ._transport import AsyncHttpClient, HttpClient
from ._types import UNSET, File, Unset, Upload
from ._version import __version__
from ._webhooks import (
    DEFAULT_WEBHOOK_TOLERANCE,
    HeadersLike,
    UnknownWebhookEvent,
    VerifiedWebhook,
    WebhookEvent,
    WebhookHeaderError,
    WebhookMissingHeaderError,
    WebhookPayloadError,
    WebhookRouter,
    WebhookSecretError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookTimestampTooNewError,
    WebhookTimestampTooOldError,
    WebhookVerificationError,
    WebhookVerifier,
    verify_webhook,
)

if TYPE_CHECKING:
    from ._query import (
        MAX_QUERY_LENGTH,
        BoolField,
        DateField,
        DateTimeField,
        EnumField,
        Field,
        MapField,
        NumberField,
        OrderBy,
        Query,
        QueryError,
        StringField,
        Unlisted,
        order_by,
    )

# The query builders load on first use: most programs never build a query, and they cost a tenth of
# the package's import time. (to_query_param and to_order_by_param are generated code's: codat_sdk._generated.)
_LAZY = frozenset(
    {
        "MAX_QUERY_LENGTH",
        "BoolField",
        "DateField",
        "DateTimeField",
        "EnumField",
        "Field",
        "MapField",
        "NumberField",
        "OrderBy",
        "Query",
        "QueryError",
        "StringField",
        "Unlisted",
        "order_by",
    }
)


__getattr__ = _lazy.from_query_module(globals(), _LAZY)


__all__ = [
    "API_KEY_ENV_VAR",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WEBHOOK_TOLERANCE",
    "LOGGER_NAME",
    "MAX_ERROR_BODY",
    "MAX_LOGGED_BODY",
    "MAX_QUERY_LENGTH",
    "UNSET",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAPIClient",
    "AsyncBinaryResponse",
    "AsyncHttpClient",
    "AsyncPaginator",
    "BackoffStrategy",
    "BadRequestError",
    "BinaryResponse",
    "BoolField",
    "CodatError",
    "ConflictError",
    "DateField",
    "DateTimeField",
    "DecodeError",
    "EnumField",
    "ErrorMessageLike",
    "Field",
    "File",
    "ForbiddenError",
    "HeadersLike",
    "HookContext",
    "HookError",
    "Hooks",
    "HttpClient",
    "InternalServerError",
    "InvalidRequestError",
    "MapField",
    "NotFoundError",
    "NumberField",
    "OpenIntEnum",
    "OpenStrEnum",
    "OrderBy",
    "PaginationError",
    "PaymentRequiredError",
    "Query",
    "QueryError",
    "RateLimitError",
    "RawResponse",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryConfig",
    "RetryEvent",
    "Secret",
    "ServiceUnavailableError",
    "StringField",
    "SyncAPIClient",
    "SyncPaginator",
    "Timeout",
    "UnauthorizedError",
    "UnavailableForLegalReasonsError",
    "UnexpectedStatusError",
    "UnknownWebhookEvent",
    "Unlisted",
    "Unset",
    "Upload",
    "VerifiedWebhook",
    "WebhookEvent",
    "WebhookHeaderError",
    "WebhookMissingHeaderError",
    "WebhookPayloadError",
    "WebhookRouter",
    "WebhookSecretError",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookTimestampTooNewError",
    "WebhookTimestampTooOldError",
    "WebhookVerificationError",
    "WebhookVerifier",
    "__version__",
    "order_by",
    "parse_date",
    "parse_datetime",
    "verify_webhook",
]
