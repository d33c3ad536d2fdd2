"""Runtime of the Codat SDK: transport, errors, credentials and the primitives generated code uses.

The API clients themselves live in ``codat_sdk_platform`` and ``codat_sdk_files``.
"""

from ._client import DEFAULT_TIMEOUT, AsyncAPIClient, SyncAPIClient, Timeout
from ._credentials import API_KEY_ENV_VAR, Secret
from ._debug import LOGGER_NAME, MAX_LOGGED_BODY
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
from ._resource import AsyncResource, SyncResource
from ._response import AsyncBinaryResponse, BinaryResponse, RawResponse
from ._retries import BackoffStrategy, RetryConfig, RetryEvent
from ._transport import AsyncHttpClient, HttpClient
from ._types import UNSET, File, FileContent, FileTypes, RequestFiles, Unset, Upload
from ._uploads import MultipartFiles
from ._version import __version__

__all__ = [
    "API_KEY_ENV_VAR",
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
    "order_by",
    "path_segment",
    "present",
    "to_order_by_param",
    "to_query_param",
]
