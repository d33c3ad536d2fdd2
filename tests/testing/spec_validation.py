"""An independent check of the sandbox's bodies: jsonschema over the pinned spec as Codat publishes it.

The sandbox answers from tables codegen derives from the normalised spec; checking those answers with
the same tables would prove nothing. This validates against the raw pinned spec instead, every ``$ref``
resolved by ``referencing`` (JSON pointers into paths included), with OpenAPI 3.0's ``nullable: true``
(which Codat writes in its 3.1 documents) read as allowing null, and the formats jsonschema checks.

    validate_response("platform", "get-company", 200, body)     # raises AssertionError saying where
    validate_request_body("platform", "create-company", body)
    validate_error_message("platform", body)

Validators are compiled once per schema and cached: the sandbox's tests call this on every response.
"""

from __future__ import annotations

import copy
import functools
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from codegen import source
from codegen.normalise import HTTP_METHODS
from tests.spec_facts import NO_SOURCE

__all__ = [
    "operation",
    "parameter",
    "pinned",
    "response",
    "response_schema_pointer",
    "error_schema_pointer",
    "validate_error_message",
    "validate_parameter",
    "validate_request_body",
    "validate_response",
]

_BASE = "urn:codat-spec:"
JSON = "application/json"


@functools.cache
def pinned(api: str) -> dict[str, Any]:
    """The pinned spec of ``api`` exactly as Codat publishes it (not normalised)."""
    where = source.default_source()
    if where is None:
        pytest.skip(NO_SOURCE)
    return source.load_pinned(source.load_pins()[api], where)


def _allow_null(node: Any) -> Any:
    """A copy of ``node`` where every ``nullable: true`` schema also accepts null, as OpenAPI 3.0 meant."""
    if isinstance(node, list):
        return [_allow_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _allow_null(value) for key, value in node.items()}
    if out.get("nullable") is not True:
        return out
    del out["nullable"]
    return {"anyOf": [out, {"type": "null"}]}


@functools.cache
def _registry(api: str) -> Registry[Any]:
    document = _allow_null(copy.deepcopy(pinned(api)))
    resource: Resource[Any] = Resource.from_contents(document, default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_BASE + api, resource)
    return registry


@functools.cache
def _validator(api: str, pointer: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": f"{_BASE}{api}#{pointer}"}
    validator_class = jsonschema.Draft202012Validator
    return validator_class(schema, registry=_registry(api), format_checker=validator_class.FORMAT_CHECKER)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


@functools.cache
def _operations(api: str) -> dict[str, tuple[str, str]]:
    """operationId -> (path, method), for every operation of the pinned spec."""
    return {
        op["operationId"]: (path, method)
        for path, item in pinned(api)["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS and isinstance(op, dict) and "operationId" in op
    }


def operation(api: str, operation_id: str) -> dict[str, Any]:
    path, method = _operations(api)[operation_id]
    found: dict[str, Any] = pinned(api)["paths"][path][method]
    return found


def _follow(api: str, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
    """A response or body object with its ``$ref`` followed, and the pointer where it sits."""
    while "$ref" in node:
        pointer = node["$ref"].removeprefix("#")
        target: Any = pinned(api)
        for token in pointer.lstrip("/").split("/"):
            target = target[unquote(token).replace("~1", "/").replace("~0", "~")]
        node = target
    return node, pointer


def response(api: str, operation_id: str, status: int | str) -> dict[str, Any]:
    """The documented ``status`` response of ``operation_id`` (a component response's ``$ref`` followed)."""
    found, _pointer = _follow(api, operation(api, operation_id)["responses"][str(status)], "")
    return found


def response_schema_pointer(api: str, operation_id: str, status: int | str, media_type: str = JSON) -> str:
    """Where the schema of ``operation_id``'s ``status`` response sits in the pinned spec."""
    path, method = _operations(api)[operation_id]
    responses = operation(api, operation_id)["responses"]
    code = str(status)
    key = next((k for k in (code, f"{code[0]}XX", "default") if k in responses), None)
    if key is None:
        raise AssertionError(f"{api} {operation_id} documents no {status} response (it has {sorted(responses)})")
    base = f"/paths/{_escape(path)}/{method}/responses/{_escape(key)}"
    response, pointer = _follow(api, responses[key], base)
    content = response.get("content") or {}
    if media_type not in content or "schema" not in content[media_type]:
        raise AssertionError(f"{api} {operation_id} {key} documents no {media_type} body (it has {sorted(content)})")
    return f"{pointer}/content/{_escape(media_type)}/schema"


def _check(api: str, pointer: str, body: Any, what: str) -> None:
    error = jsonschema.exceptions.best_match(_validator(api, pointer).iter_errors(body))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(the body)"
        raise AssertionError(f"{what}: at {where}: {error.message}")


def validate_response(api: str, operation_id: str, status: int | str, json_body: Any, media_type: str = JSON) -> None:
    """Raise AssertionError unless ``json_body`` fits the pinned spec's schema for this response."""
    pointer = response_schema_pointer(api, operation_id, status, media_type)
    _check(api, pointer, json_body, f"{api} {operation_id} {status} response")


def validate_request_body(api: str, operation_id: str, json_body: Any, media_type: str = JSON) -> None:
    """Raise AssertionError unless ``json_body`` fits the pinned spec's request body schema."""
    path, method = _operations(api)[operation_id]
    body = operation(api, operation_id).get("requestBody")
    if body is None:
        raise AssertionError(f"{api} {operation_id} takes no request body")
    body, pointer = _follow(api, body, f"/paths/{_escape(path)}/{method}/requestBody")
    if media_type not in body.get("content", {}):
        raise AssertionError(f"{api} {operation_id} takes no {media_type} body")
    _check(api, f"{pointer}/content/{_escape(media_type)}/schema", json_body, f"{api} {operation_id} request body")


def parameter(api: str, operation_id: str, name: str) -> tuple[dict[str, Any], str]:
    """The pinned spec's parameter ``name`` of ``operation_id`` (refs followed) and where its schema sits."""
    path, method = _operations(api)[operation_id]
    item = pinned(api)["paths"][path]
    sites = [
        *(f"/paths/{_escape(path)}/{method}/parameters/{i}" for i in range(len(item[method].get("parameters", [])))),
        *(f"/paths/{_escape(path)}/parameters/{i}" for i in range(len(item.get("parameters", [])))),
    ]
    for site in sites:
        found, pointer = _follow(api, _at(api, site), site)
        if found.get("name") == name:
            return found, f"{pointer}/schema"
    raise KeyError(f"{api} {operation_id} has no parameter {name!r}")


def _at(api: str, pointer: str) -> dict[str, Any]:
    target: Any = pinned(api)
    for token in pointer.lstrip("/").split("/"):
        target = target[int(token)] if isinstance(target, list) else target[token.replace("~1", "/").replace("~0", "~")]
    found: dict[str, Any] = target
    return found


def validate_parameter(api: str, operation_id: str, name: str, value: Any) -> None:
    """Raise AssertionError unless ``value`` (typed: an int for an integer) fits the parameter's schema."""
    _param, pointer = parameter(api, operation_id, name)
    _check(api, pointer, value, f"{api} {operation_id} parameter {name}")


@functools.cache
def error_schema_pointer(api: str, status: int | None = None) -> str:
    """Where the spec's error body schema sits: a documented ``status`` response's, else ``ErrorMessage``'s,
    else any documented 4xx response's (Files declares its error schema inside a component response)."""
    candidates: list[int | None] = [status] if status is not None else []
    candidates += [None] if "ErrorMessage" in pinned(api).get("components", {}).get("schemas", {}) else []
    candidates += [400, 401, 404, 403, 429, 500]
    for code in candidates:
        if code is None:
            return "/components/schemas/ErrorMessage"
        for operation_id in _operations(api):
            if str(code) in operation(api, operation_id)["responses"]:
                try:
                    return response_schema_pointer(api, operation_id, code)
                except AssertionError:
                    continue
    raise AssertionError(f"{api} documents no error body")


def validate_error_message(api: str, json_body: Any, status: int | None = None) -> None:
    """Raise AssertionError unless ``json_body`` is a valid error body of the pinned spec (for ``status``)."""
    _check(api, error_schema_pointer(api, status), json_body, f"{api} error body")
