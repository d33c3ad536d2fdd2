"""What generated code needs from the runtime that users do not: the generated packages' one private import.

Generated modules import the names users also use (``UNSET``, ``RawResponse``, ``Query``, ...) from
``codat_sdk`` and everything else from here, so ``codat_sdk.__all__`` stays the surface users read.
"""

from typing import TYPE_CHECKING

from . import _lazy
from ._decoding import (
    DECODE_ERRORS,
    check_list,
    check_value,
    decode_list,
    decode_map,
    decode_with_gc_paused,
    new_instance,
    not_an_object,
    parse_uuid,
    reraise_at,
    reraise_missing,
    reraise_not_an_object,
    wrong_type,
)
from ._operation import Operation
from ._pagination import PageContents, present
from ._paths import checked_uuid, path_segment
from ._request_bodies import json_body
from ._resource import (
    AsyncResource,
    RawResponseView,
    SyncResource,
    async_raw_response_method,
    raw_response_method,
    same_response_method,
    warn_deprecated,
)
from ._types import FileTypes, RequestFiles
from ._uploads import MultipartFiles
from ._webhooks import WebhookEventTypes

if TYPE_CHECKING:
    from ._query import to_order_by_param, to_query_param

# Loaded with the query builders, on first use (as codat_sdk loads them).
_LAZY = frozenset({"to_order_by_param", "to_query_param"})


__getattr__ = _lazy.from_query_module(globals(), _LAZY)


__all__ = [
    "AsyncResource",
    "DECODE_ERRORS",
    "FileTypes",
    "MultipartFiles",
    "Operation",
    "PageContents",
    "RawResponseView",
    "RequestFiles",
    "SyncResource",
    "WebhookEventTypes",
    "async_raw_response_method",
    "check_list",
    "checked_uuid",
    "check_value",
    "decode_list",
    "decode_map",
    "decode_with_gc_paused",
    "json_body",
    "new_instance",
    "not_an_object",
    "parse_uuid",
    "path_segment",
    "present",
    "raw_response_method",
    "reraise_at",
    "reraise_missing",
    "reraise_not_an_object",
    "same_response_method",
    "to_order_by_param",
    "to_query_param",
    "warn_deprecated",
    "wrong_type",
]
