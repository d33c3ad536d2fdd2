"""Reading the pinned specs for the end-to-end tests: operations, example values, and the reference tables.

Everything here is computed from the raw spec JSON (read through ``codegen.source``, never copied into
the project), so an operation added to a spec shows up in the tests without editing them.
"""

from __future__ import annotations

import functools
import re
import types
import typing
import uuid
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import unquote
from uuid import UUID

from codegen.source import ROOT, default_source, load_pinned, load_pins

APIS = ("platform", "files")
PACKAGES = {"platform": "codat_sdk_platform", "files": "codat_sdk_files"}
REFERENCE_DIR = ROOT / "generated" / "reference"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
NO_SOURCE = "no spec source: set CODAT_SPEC_SOURCE or provide ../shared/openapi/ (the pinned Codat specs)"

# A generous bound: the synthesised example of a schema never needs to go deeper than this.
_MAX_DEPTH = 8


def has_source() -> bool:
    return default_source() is not None


@functools.cache
def load_spec(api: str) -> dict[str, Any]:
    """The pinned spec of ``api`` from the configured source (callers check :func:`has_source` first)."""
    return load_pinned(load_pins()[api], default_source())


@dataclass(frozen=True)
class SpecOperation:
    api: str
    operation_id: str
    method: str
    path: str
    deprecated: bool

    @property
    def id(self) -> str:
        return f"{self.api}:{self.operation_id}"

    @property
    def module_name(self) -> str:
        return f"{PACKAGES[self.api]}.operations.{snake(self.operation_id)}"

    def raw(self) -> dict[str, Any]:
        operation: dict[str, Any] = load_spec(self.api)["paths"][self.path][self.method]
        return operation


def spec_operations(api: str) -> list[SpecOperation]:
    """Every operation of the spec, minus those marked ``x-speakeasy-ignore`` (which the SDK omits)."""
    found = []
    for path, item in load_spec(api)["paths"].items():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None or operation.get("x-speakeasy-ignore"):
                continue
            found.append(
                SpecOperation(
                    api=api,
                    operation_id=operation["operationId"],
                    method=method,
                    path=path,
                    deprecated=bool(operation.get("deprecated")),
                )
            )
    return sorted(found, key=lambda op: op.operation_id)


def snake(name: str) -> str:
    """``get-company-syncSettings`` -> ``get_company_sync_settings``; ``companyId`` -> ``company_id``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.replace("-", "_"))
    return spaced.lower()


# --- $ref resolution --------------------------------------------------------------------------------


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """``node`` with ``$ref`` followed (any JSON pointer into the document, percent-escapes included)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        seen += 1
        if seen > 50:
            raise ValueError(f"$ref cycle at {node['$ref']}")
        ref: str = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"external $ref not supported: {ref}")
        target: Any = spec
        for token in ref[2:].split("/"):
            key = unquote(token).replace("~1", "/").replace("~0", "~")
            target = target[int(key)] if isinstance(target, list) else target[key]
        node = target
    return node


def parameters(op: SpecOperation) -> list[dict[str, Any]]:
    """Path-item and operation parameters, resolved; the operation's own win on (name, in)."""
    spec = load_spec(op.api)
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*spec["paths"][op.path].get("parameters", []), *op.raw().get("parameters", [])]:
        param: dict[str, Any] = resolve(spec, raw)
        merged[(param["name"], param["in"])] = param
    return list(merged.values())


# --- example values ---------------------------------------------------------------------------------


def _first_example(spec: dict[str, Any], holder: dict[str, Any]) -> tuple[bool, Any]:
    """(found, value) of ``holder``'s ``example``, else its first ``examples`` entry (map or list)."""
    if "example" in holder:
        return True, holder["example"]
    examples = holder.get("examples")
    if isinstance(examples, dict) and examples:
        first = resolve(spec, next(iter(examples.values())))
        if isinstance(first, dict) and "value" in first:
            return True, first["value"]
    if isinstance(examples, list) and examples:
        return True, examples[0]
    return False, None


def parameter_value(op: SpecOperation, param: dict[str, Any]) -> Any:
    """An example value for ``param``: its example, its schema's example/enum, a uuid for format uuid."""
    return example_value(load_spec(op.api), param)


def example_value(spec: dict[str, Any], param: dict[str, Any]) -> Any:
    """:func:`parameter_value` for a parameter of any spec."""
    found, value = _first_example(spec, param)
    if found:
        return value
    return schema_example(spec, param.get("schema", {}))


def annotation_members(annotation: Any) -> tuple[Any, ...]:
    """The members of a union annotation (``X | Y``, ``Optional[X]``), else the annotation alone."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def as_annotated(value: Any, annotation: Any) -> Any:
    """``value`` (JSON from the spec) as the type a ``build`` parameter is annotated with."""
    for member in annotation_members(annotation):
        if member is UUID:
            return UUID(str(value))
        if isinstance(member, type) and issubclass(member, Enum):
            return member(value)
    return value


def schema_example(spec: dict[str, Any], schema: Any, depth: int = 0, *, examples: bool = True) -> Any:
    """A value valid for ``schema``: its own example where it has one, else built from its parts.

    Objects get their required properties, plus optional ones that carry an example of their own.
    ``examples=False`` builds from the types alone, for a spec whose examples break its own schema.
    """
    schema = resolve(spec, schema)
    if not isinstance(schema, dict):
        return None
    found, value = _first_example(spec, schema) if examples else (False, None)
    if found:
        return value
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    if depth > _MAX_DEPTH:
        return None
    for combiner in ("oneOf", "anyOf"):
        if schema.get(combiner):
            return schema_example(spec, schema[combiner][0], depth + 1, examples=examples)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            part_value = schema_example(spec, part, depth + 1, examples=examples)
            if isinstance(part_value, dict):
                merged.update(part_value)
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        own = _object_example(spec, rest, depth, examples) if "properties" in rest else {}
        return {**merged, **own}
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return _object_example(spec, schema, depth, examples)
    if kind == "array":
        return [schema_example(spec, schema.get("items", {}), depth + 1, examples=examples)]
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    if kind == "string":
        return _string_example(schema)
    return None


def _object_example(spec: dict[str, Any], schema: dict[str, Any], depth: int, examples: bool = True) -> dict[str, Any]:
    required = set(schema.get("required", []))
    result: dict[str, Any] = {}
    for name, raw in schema.get("properties", {}).items():
        prop = resolve(spec, raw)
        if not isinstance(prop, dict) or prop.get("readOnly"):
            continue
        has_own_example = examples and ("example" in prop or "example" in raw)
        if name in required or has_own_example:
            own = examples and "example" in raw
            result[name] = raw["example"] if own else schema_example(spec, prop, depth + 1, examples=examples)
    return result


def _string_example(schema: dict[str, Any]) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date-time":
        return "2023-01-01T00:00:00Z"
    if fmt == "date":
        return "2023-01-01"
    if fmt in ("uri", "url"):
        return "https://example.com"
    if fmt == "email":
        return "someone@example.com"
    length = int(schema.get("minLength", 4))
    return "abcd"[:length] if length <= 4 else "a" * length


@dataclass(frozen=True)
class RequestBody:
    media_type: str
    schema: dict[str, Any]
    required: bool
    # The spec's own request example (first ``examples`` value, else ``example``), else synthesised.
    example: Any
    from_spec_example: bool


def request_body(op: SpecOperation) -> RequestBody | None:
    spec = load_spec(op.api)
    raw = op.raw().get("requestBody")
    if raw is None:
        return None
    body = resolve(spec, raw)
    content: dict[str, Any] = body.get("content", {})
    media_type = next(iter(content))
    media = content[media_type]
    found, example = _first_example(spec, media)
    if not found:
        example = schema_example(spec, media.get("schema", {}))
    return RequestBody(
        media_type=media_type,
        schema=resolve(spec, media.get("schema", {})),
        required=bool(body.get("required")),
        example=example,
        from_spec_example=found,
    )


def error_example(api: str, operation: dict[str, Any], status: int) -> dict[str, Any]:
    """The first example of ``operation``'s JSON response for ``status`` (what static Prism returns)."""
    spec = load_spec(api)
    response = resolve(spec, operation["responses"][str(status)])
    media = response["content"]["application/json"]
    found, value = _first_example(spec, media)
    if not found or not isinstance(value, dict):
        raise AssertionError(f"no JSON example for {status}")
    return value


# --- the generated reference tables -----------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceRow:
    operation_id: str
    call: tuple[str, ...]  # attribute path from the client, e.g. ("connection_management", "cors", "get")
    http: str
    deprecated: bool


_ROW = re.compile(
    r"^\| `(?P<id>[^`]+)` \| `client\.(?P<call>[\w.]+)\(\.\.\.\)` \| `(?P<http>[^`]+)` \| (?P<dep>[^|]*)\|$"
)
_COUNT = re.compile(r"^(?P<count>\d+) operations?\.$", re.MULTILINE)


def reference_path(api: str, directory: Path = REFERENCE_DIR) -> Path:
    return directory / f"{api}.md"


def reference_rows(api: str, directory: Path = REFERENCE_DIR) -> dict[str, ReferenceRow]:
    """The reference table of ``api`` (of generated/, or of a package generated into ``directory``)."""
    rows = {}
    for line in reference_path(api, directory).read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match:
            rows[match["id"]] = ReferenceRow(
                operation_id=match["id"],
                call=tuple(match["call"].split(".")),
                http=match["http"],
                deprecated=match["dep"].strip() == "yes",
            )
    return rows


def reference_count(api: str) -> int:
    match = _COUNT.search(reference_path(api).read_text(encoding="utf-8"))
    if match is None:
        raise AssertionError(f"{reference_path(api)} has no 'N operations.' line")
    return int(match["count"])
