"""The spec layer of the sandbox, in one place: routes, request checks and answers built from schemas.

Everything here is read from the route tables codegen writes into each generated package
(``codat_sdk_platform._routes``, ``codat_sdk_files._routes``); no spec is needed at run time.
"""

from __future__ import annotations

import json

from ._spec._checks import CheckedRequest, check_request
from ._spec._multipart import FilePart
from ._spec._rejections import (
    ERROR_CONTENT_TYPE,
    MethodNotAllowed,
    RequestRejected,
    RouteNotFound,
    error_body,
    error_response,
)
from ._spec._schemas import SchemaProblem, find_problem
from ._spec._table import BodyContent, Parameter, RequestBody, Response, Route, RouteTable

__all__ = [
    "ERROR_CONTENT_TYPE",
    "BodyContent",
    "CheckedRequest",
    "FilePart",
    "MethodNotAllowed",
    "Parameter",
    "RequestBody",
    "RequestRejected",
    "Response",
    "Route",
    "RouteNotFound",
    "RouteTable",
    "SchemaProblem",
    "check_request",
    "error_body",
    "error_response",
    "find_problem",
    "schema_response",
]


def schema_response(route: Route) -> tuple[int, str, bytes]:
    """(status, content type, body) of ``route``'s first success response, its body the schema-built sample.

    A response without content answers an empty body and no content type (``""``); a download, empty bytes.
    """
    success = route.success
    if success is None:
        return 200, "", b""
    status = int(success.status) if success.status.isdigit() else 200
    if success.media_type is None:
        return status, "", b""
    kind = success.media_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        return status, success.media_type, json.dumps(success.sample).encode()
    return status, success.media_type, b""
