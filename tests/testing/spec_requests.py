"""A valid request for any operation of a pinned spec, built from the raw spec and checked independently.

Values come from codegen's schema sampler run over the spec as Codat publishes it (not the route table),
and each is validated with ``spec_validation`` before use, so a request built here is one Codat documents
as valid: the sandbox must accept it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from codegen.routes import sample_value
from tests.testing import spec_validation

__all__ = ["API_KEY_HEADERS", "SpecRequest", "valid_request"]

API_KEY_HEADERS = {"Authorization": "Basic c2FuZGJveA=="}


@dataclass(frozen=True)
class SpecRequest:
    http_method: str
    path: str  # concrete, each path parameter percent-encoded
    path_params: dict[str, str]
    query: dict[str, list[str]]
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    json_body: Any = None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(map(_text, value)) if isinstance(value, list) else str(value)


def _parameter_value(api: str, operation_id: str, name: str) -> Any:
    param, _pointer = spec_validation.parameter(api, operation_id, name)
    value = sample_value(spec_validation.pinned(api), param.get("schema") or {})
    spec_validation.validate_parameter(api, operation_id, name, value)
    return value


def _body(api: str, operation_id: str) -> tuple[dict[str, str], bytes, Any]:
    op = spec_validation.operation(api, operation_id)
    body = op.get("requestBody")
    if body is None:
        return {}, b"", None
    content = body.get("content", {})
    if "application/json" in content:
        value = sample_value(spec_validation.pinned(api), content["application/json"].get("schema") or {})
        spec_validation.validate_request_body(api, operation_id, value)
        return {"Content-Type": "application/json"}, json.dumps(value).encode(), value
    if "multipart/form-data" in content:
        # One small file per part: Codat's forms are file uploads.
        request = httpx.Request(
            "POST", "https://x", files={"file": ("report.pdf", b"%PDF-1.4 sample", "application/pdf")}
        )
        return {"Content-Type": request.headers["Content-Type"]}, request.read(), None
    raise AssertionError(f"{api} {operation_id}: no body builder for {sorted(content)}")


def valid_request(api: str, operation_id: str) -> SpecRequest:
    """A request for ``operation_id`` with every required parameter, a valid body and an API key."""
    op = spec_validation.operation(api, operation_id)
    path, method = next(
        (path, method)
        for path, item in spec_validation.pinned(api)["paths"].items()
        for method, candidate in item.items()
        if candidate is op
    )
    item = spec_validation.pinned(api)["paths"][path]
    path_params: dict[str, str] = {}
    query: dict[str, list[str]] = {}
    headers = dict(API_KEY_HEADERS)
    for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
        name = raw.get("name") or raw["$ref"].rsplit("/", 1)[-1]
        param, _pointer = spec_validation.parameter(api, operation_id, name) if "$ref" in raw else (raw, "")
        name = param["name"]
        if param["in"] == "path":
            path_params[name] = _text(_parameter_value(api, operation_id, name))
        elif param.get("required") and param["in"] == "query":
            query[name] = [_text(_parameter_value(api, operation_id, name))]
        elif param.get("required") and param["in"] == "header":
            headers[name] = _text(_parameter_value(api, operation_id, name))
    concrete = path
    for name, value in path_params.items():
        concrete = concrete.replace("{" + name + "}", quote(value, safe=""))
    body_headers, body, json_body = _body(api, operation_id)
    return SpecRequest(method.upper(), concrete, path_params, query, {**headers, **body_headers}, body, json_body)
