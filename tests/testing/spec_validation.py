"""An independent check of the sandbox's bodies: jsonschema over the spec as Codat publishes it.

The sandbox answers from tables codegen derives from the normalised spec; checking those answers with
the same tables would prove nothing. This validates against the raw pinned spec instead, every ``$ref``
resolved by ``referencing`` (JSON pointers into paths included), with the formats jsonschema checks and
two keywords read as Codat means them (``_as_meant``: ``nullable``, ``additionalProperties`` beside ``allOf``).

    validate_response("platform", "get-company", 200, body)     # raises AssertionError saying where
    validate_request_body("platform", "create-company", body)
    validate_error_message("platform", body, 404)

Validators are compiled once per schema and cached: the sandbox's tests call this on every response.
``SpecValidator(document)`` does the same for any spec (the corpus tests use it).
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
    "JSON",
    "SpecValidator",
    "error_schema_pointer",
    "operation",
    "parameter",
    "pinned",
    "response",
    "response_schema_pointer",
    "validate_error_message",
    "validate_parameter",
    "validate_request_body",
    "validate_response",
    "validator",
]

JSON = "application/json"
_BASE = "urn:codat-spec"
# Error statuses whose documented body is tried, in order, when the one asked for is not documented.
_ERROR_STATUSES = (400, 401, 404, 403, 429, 500)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _as_meant(node: Any) -> Any:
    """A copy of ``node`` read as its authors meant, where JSON Schema 2020-12 reads it otherwise.

    ``nullable: true`` (OpenAPI 3.0, in Codat's 3.1 documents) also accepts null. ``additionalProperties:
    false`` beside ``allOf`` (Codat-Expenses' pages) would refuse the properties the ``allOf`` parts declare,
    which makes the schema unsatisfiable; it meant ``unevaluatedProperties: false``.
    """
    if isinstance(node, list):
        return [_as_meant(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _as_meant(value) for key, value in node.items()}
    if out.get("additionalProperties") is False and any(k in out for k in ("allOf", "anyOf", "oneOf", "$ref")):
        del out["additionalProperties"]
        out["unevaluatedProperties"] = False
    if out.get("nullable") is not True:
        return out
    del out["nullable"]
    return {"anyOf": [out, {"type": "null"}]}


class SpecValidator:
    """Validates bodies and parameters against one OpenAPI document (left unchanged)."""

    def __init__(self, document: dict[str, Any], name: str = "spec") -> None:
        self.document = document
        self.name = name
        resource: Resource[Any] = Resource.from_contents(
            _as_meant(copy.deepcopy(document)), default_specification=DRAFT202012
        )
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self.operations: dict[str, tuple[str, str]] = {
            op["operationId"]: (path, method)
            for path, item in document.get("paths", {}).items()
            for method, op in item.items()
            if method in HTTP_METHODS and isinstance(op, dict) and "operationId" in op
        }

    def _validator(self, pointer: str) -> jsonschema.protocols.Validator:
        found = self._validators.get(pointer)
        if found is None:
            cls = jsonschema.Draft202012Validator
            found = cls({"$ref": f"{_BASE}#{pointer}"}, registry=self._registry, format_checker=cls.FORMAT_CHECKER)
            self._validators[pointer] = found
        return found

    def check(self, pointer: str, value: Any, what: str) -> None:
        """Raise AssertionError unless ``value`` fits the schema at ``pointer``, saying where it does not."""
        error = jsonschema.exceptions.best_match(self._validator(pointer).iter_errors(value))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(the body)"
            raise AssertionError(f"{self.name} {what}: at {where}: {error.message}")

    def at(self, pointer: str) -> Any:
        target: Any = self.document
        for token in pointer.lstrip("/").split("/") if pointer.strip("/") else ():
            token = unquote(token).replace("~1", "/").replace("~0", "~")
            target = target[int(token)] if isinstance(target, list) else target[token]
        return target

    def follow(self, node: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        """A response, body or parameter object with its ``$ref`` chain followed, and where it sits."""
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = self.at(pointer)
        return node, pointer

    def operation(self, operation_id: str) -> dict[str, Any]:
        path, method = self.operations[operation_id]
        found: dict[str, Any] = self.document["paths"][path][method]
        return found

    def _operation_pointer(self, operation_id: str) -> str:
        path, method = self.operations[operation_id]
        return f"/paths/{_escape(path)}/{method}"

    def response(self, operation_id: str, status: int | str) -> dict[str, Any]:
        """The documented ``status`` response (a component response's ``$ref`` followed)."""
        found, _pointer = self.follow(self.operation(operation_id)["responses"][str(status)], "")
        return found

    def response_schema_pointer(self, operation_id: str, status: int | str, media_type: str = JSON) -> str:
        """Where the schema of ``operation_id``'s ``status`` response (or its ``4XX``/``default``) sits."""
        responses = self.operation(operation_id)["responses"]
        code = str(status)
        key = next((k for k in (code, f"{code[0]}XX", "default") if k in responses), None)
        if key is None:
            raise AssertionError(
                f"{self.name} {operation_id} documents no {status} response (it has {sorted(responses)})"
            )
        base = f"{self._operation_pointer(operation_id)}/responses/{_escape(key)}"
        found, pointer = self.follow(responses[key], base)
        content = found.get("content") or {}
        if media_type not in content or "schema" not in content[media_type]:
            raise AssertionError(f"{self.name} {operation_id} {key} documents no {media_type} body ({sorted(content)})")
        return f"{pointer}/content/{_escape(media_type)}/schema"

    def validate_response(self, operation_id: str, status: int | str, body: Any, media_type: str = JSON) -> None:
        pointer = self.response_schema_pointer(operation_id, status, media_type)
        self.check(pointer, body, f"{operation_id} {status} response")

    def request_body_pointer(self, operation_id: str, media_type: str = JSON) -> str:
        declared = self.operation(operation_id).get("requestBody")
        if declared is None:
            raise AssertionError(f"{self.name} {operation_id} takes no request body")
        found, pointer = self.follow(declared, f"{self._operation_pointer(operation_id)}/requestBody")
        if media_type not in found.get("content", {}):
            raise AssertionError(f"{self.name} {operation_id} takes no {media_type} body")
        return f"{pointer}/content/{_escape(media_type)}/schema"

    def validate_request_body(self, operation_id: str, body: Any, media_type: str = JSON) -> None:
        self.check(self.request_body_pointer(operation_id, media_type), body, f"{operation_id} request body")

    def errors(self, pointer: str, value: Any) -> list[jsonschema.ValidationError]:
        """Every way ``value`` breaks the schema at ``pointer`` (empty when it fits)."""
        return list(self._validator(pointer).iter_errors(value))

    def parameter(self, operation_id: str, name: str) -> tuple[dict[str, Any], str]:
        """Parameter ``name`` of ``operation_id`` (refs followed, the operation's winning), its schema's pointer."""
        path, method = self.operations[operation_id]
        item = self.document["paths"][path]
        sites = [
            f"/paths/{_escape(path)}/{method}/parameters/{i}" for i in range(len(item[method].get("parameters", [])))
        ]
        sites += [f"/paths/{_escape(path)}/parameters/{i}" for i in range(len(item.get("parameters", [])))]
        for site in sites:
            found, pointer = self.follow(self.at(site), site)
            if found.get("name") == name:
                return found, f"{pointer}/schema"
        raise KeyError(f"{self.name} {operation_id} has no parameter {name!r}")

    def validate_parameter(self, operation_id: str, name: str, value: Any) -> None:
        """Raise AssertionError unless ``value`` (typed: an int for an integer) fits the parameter's schema."""
        _param, pointer = self.parameter(operation_id, name)
        self.check(pointer, value, f"{operation_id} parameter {name}")

    @functools.cached_property
    def _has_error_message(self) -> bool:
        return "ErrorMessage" in self.document.get("components", {}).get("schemas", {})

    def error_schema_pointer(self, status: int | None = None) -> str:
        """The error body's schema: a documented ``status`` response's, else ``ErrorMessage``'s, else any
        documented error response's (Files declares its error schema inside a component response)."""
        candidates: list[int | None] = [status] if status is not None else []
        candidates += [None] if self._has_error_message else []
        for code in [*candidates, *_ERROR_STATUSES]:
            if code is None:
                return "/components/schemas/ErrorMessage"
            for operation_id in self.operations:
                if str(code) in self.operation(operation_id)["responses"]:
                    try:
                        return self.response_schema_pointer(operation_id, code)
                    except AssertionError:
                        continue
        raise AssertionError(f"{self.name} documents no error body")

    def validate_error_message(self, body: Any, status: int | None = None) -> None:
        self.check(self.error_schema_pointer(status), body, "error body")


@functools.cache
def pinned(api: str) -> dict[str, Any]:
    """The pinned spec of ``api`` exactly as Codat publishes it (not normalised)."""
    where = source.default_source()
    if where is None:
        pytest.skip(NO_SOURCE)
    return source.load_pinned(source.load_pins()[api], where)


@functools.cache
def validator(api: str) -> SpecValidator:
    """The validator of a pinned API's spec (built once)."""
    return SpecValidator(pinned(api), api)


def operation(api: str, operation_id: str) -> dict[str, Any]:
    return validator(api).operation(operation_id)


def response(api: str, operation_id: str, status: int | str) -> dict[str, Any]:
    return validator(api).response(operation_id, status)


def response_schema_pointer(api: str, operation_id: str, status: int | str, media_type: str = JSON) -> str:
    return validator(api).response_schema_pointer(operation_id, status, media_type)


def parameter(api: str, operation_id: str, name: str) -> tuple[dict[str, Any], str]:
    return validator(api).parameter(operation_id, name)


def error_schema_pointer(api: str, status: int | None = None) -> str:
    return validator(api).error_schema_pointer(status)


def validate_response(api: str, operation_id: str, status: int | str, json_body: Any, media_type: str = JSON) -> None:
    """Raise AssertionError unless ``json_body`` fits the pinned spec's schema for this response."""
    validator(api).validate_response(operation_id, status, json_body, media_type)


def validate_request_body(api: str, operation_id: str, json_body: Any, media_type: str = JSON) -> None:
    """Raise AssertionError unless ``json_body`` fits the pinned spec's request body schema."""
    validator(api).validate_request_body(operation_id, json_body, media_type)


def validate_parameter(api: str, operation_id: str, name: str, value: Any) -> None:
    validator(api).validate_parameter(operation_id, name, value)


def validate_error_message(api: str, json_body: Any, status: int | None = None) -> None:
    """Raise AssertionError unless ``json_body`` is a valid error body of the pinned spec (for ``status``)."""
    validator(api).validate_error_message(json_body, status)
