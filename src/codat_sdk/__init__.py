"""Runtime of the Codat SDK: transport, errors, credentials and the primitives generated code uses.

The API clients themselves live in ``codat_sdk_platform`` and ``codat_sdk_files``.
"""

from typing import TYPE_CHECKING, Any

from ._client import DEFAULT_TIMEOUT, AsyncAPIClient, SyncAPIClient, Timeout
from ._credentials import API_KEY_ENV_VAR, Secret
from ._debug import LOGGER_NAME, MAX_LOGGED_BODY
from ._decoding import (
    DECODE_ERRORS,
    DecodeError,
    check_list,
    check_value,
    decode_list,
    decode_map,
    decode_with_gc_paused,
    not_an_object,
    parse_date,
    parse_datetime,
    parse_uuid,
    reraise_at,
    reraise_missing,
    reraise_not_an_object,
    wrong_type,
)
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
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    ResponseValidationError,
    ServiceUnavailableError,
    UnauthorizedError,
    UnavailableForLegalReasonsError,
    UnexpectedStatusError,
)
from ._hooks import HookContext, Hooks
from ._operation import Operation
from ._pagination import AsyncPaginator, PageContents, SyncPaginator, present
from ._paths import path_segment
from ._resource import AsyncResource, SyncResource
from ._response import AsyncBinaryResponse, BinaryResponse, RawResponse
from ._retries import BackoffStrategy, RetryConfig, RetryEvent
from ._transport import AsyncHttpClient, HttpClient
from ._types import UNSET, File, FileContent, FileTypes, RequestFiles, Unset, Upload
from ._uploads import MultipartFiles
from ._version import __version__

if TYPE_CHECKING:
    from ._query import (
        MAX_QUERY_LENGTH,
        BoolField,
        DateField,
        DateTimeField,
        EnumField,
        Field,
        NumberField,
        OrderBy,
        Query,
        QueryError,
        StringField,
        order_by,
        to_order_by_param,
        to_query_param,
    )

# The query builders load on first use: most programs never build a query, and they cost a tenth of
# the package's import time.
_LAZY = frozenset(
    {
        "MAX_QUERY_LENGTH",
        "BoolField",
        "DateField",
        "DateTimeField",
        "EnumField",
        "Field",
        "NumberField",
        "OrderBy",
        "Query",
        "QueryError",
        "StringField",
        "order_by",
        "to_order_by_param",
        "to_query_param",
    }
)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from . import _query

    value = getattr(_query, name)
    globals()[name] = value
    return value


__all__ = [
    "API_KEY_ENV_VAR",
    "DECODE_ERRORS",
    "DEFAULT_TIMEOUT",
    "LOGGER_NAME",
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
    "AsyncResource",
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
    "FileContent",
    "FileTypes",
    "ForbiddenError",
    "HookContext",
    "HookError",
    "Hooks",
    "HttpClient",
    "InternalServerError",
    "MultipartFiles",
    "NotFoundError",
    "NumberField",
    "OpenIntEnum",
    "OpenStrEnum",
    "Operation",
    "OrderBy",
    "PageContents",
    "PaymentRequiredError",
    "Query",
    "QueryError",
    "RateLimitError",
    "RawResponse",
    "RequestFiles",
    "ResponseValidationError",
    "RetryConfig",
    "RetryEvent",
    "Secret",
    "ServiceUnavailableError",
    "StringField",
    "SyncAPIClient",
    "SyncPaginator",
    "SyncResource",
    "Timeout",
    "UnauthorizedError",
    "UnavailableForLegalReasonsError",
    "UnexpectedStatusError",
    "Unset",
    "Upload",
    "__version__",
    "check_list",
    "check_value",
    "decode_list",
    "decode_map",
    "decode_with_gc_paused",
    "not_an_object",
    "order_by",
    "parse_date",
    "parse_datetime",
    "parse_uuid",
    "path_segment",
    "present",
    "reraise_at",
    "reraise_missing",
    "reraise_not_an_object",
    "to_order_by_param",
    "to_query_param",
    "wrong_type",
]
