"""Semantic diff of two normalised specs, in the terms of the SDK generated from them.

``api_diff(old, new, names)`` compares two specs (each already through ``normalise``) and returns one
``Change`` per difference a user of the SDK can notice: operations (methods) added, removed, moved or
deprecated; their parameters (arguments), request bodies and return types; models, their fields and
enum values; and webhook payloads. Each change says whether it breaks code written against the old SDK,
and why, and which Keep a Changelog section it belongs to.

Breaking-ness depends on direction. A model the SDK only *returns* (responses, webhook payloads) may gain
required fields freely, but a field that becomes optional is now ``Unset`` sometimes; a model the user
*builds* (request bodies, parameters) is the other way round. Models used both ways, or not at all, get
the stricter verdict. Enums are open in this SDK (unknown values parse), so a new value never breaks;
a removed one removes a member.

Docs-only edits (descriptions, examples) and refs that moved without changing what they point to produce
no changes: only what the generated code would expose is compared.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from openapi_python_client.strings import snake_case

from .normalise import HTTP_METHODS, pointer_tokens, resolve

Spec = dict[str, Any]
Schema = dict[str, Any]

SCHEMA_PREFIX = "#/components/schemas/"

# Keep a Changelog sections, in the order a changelog lists them.
ADDED, CHANGED, DEPRECATED, REMOVED = "Added", "Changed", "Deprecated", "Removed"
SECTIONS = (ADDED, CHANGED, DEPRECATED, REMOVED)

INPUT, OUTPUT = "input", "output"
BOTH = frozenset({INPUT, OUTPUT})

_FORMATS = {"date-time": "datetime", "date": "date", "uuid": "UUID", "binary": "File"}
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}


@dataclass(frozen=True)
class Change:
    """One difference, as it appears to code using the SDK."""

    kind: str  # e.g. "operation.removed", "field.optional", "enum.value_added"
    path: str  # SDK terms: "companies.list", "companies.list(page_size)", "Company.created_by_user_name"
    spec_path: str  # spec terms: operationId, "Company.createdByUserName", "list-companies query:page"
    breaking: bool
    reason: str
    section: str
    old: str | None = None
    new: str | None = None
    # Component schemas the change happened in (webhook payloads report changes to the models they use).
    models: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["models"] = list(self.models)
        return data


@dataclass(frozen=True)
class MethodName:
    """Where an operation lives on the client: ``call_path`` (``connection_management.cors``) + ``method``."""

    call_path: str
    method: str

    def __str__(self) -> str:
        return f"{self.call_path}.{self.method}"


# ------------------------------------------------------------------------------------------ spec access


def _resolve(spec: Spec, node: Any) -> Any:
    """Follow non-schema refs (component parameters, responses, request bodies); bounded by the spec size."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node and not str(node["$ref"]).startswith(SCHEMA_PREFIX):
        ref = str(node["$ref"])
        tokens = pointer_tokens(ref)
        if ref in seen or tokens is None:
            return {}
        seen.add(ref)
        target = resolve(spec, tokens)
        node = target if target is not None else {}
    return node


def _component_name(schema: Any) -> str | None:
    if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(SCHEMA_PREFIX):
        return str(schema["$ref"])[len(SCHEMA_PREFIX) :]
    return None


def operations_by_id(spec: Spec) -> dict[str, tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """operationId -> (path, method, operation, path item)."""
    found = {}
    for path, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if isinstance(op, dict) and op.get("operationId"):
                found[str(op["operationId"])] = (path, method, op, item)
    return found


def _parameters(spec: Spec, op: dict[str, Any], item: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(location, name) -> parameter; operation-level parameters override path-level ones."""
    params: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
        param = _resolve(spec, raw)
        if isinstance(param, dict) and "name" in param:
            params[(str(param.get("in", "query")), str(param["name"]))] = param
    return params


def _media_schema(spec: Spec, holder: Any) -> tuple[str, Any] | None:
    """The first media type of a request body or response, and its schema (None: no content)."""
    resolved = _resolve(spec, holder)
    content = resolved.get("content") if isinstance(resolved, dict) else None
    if not content:
        return None
    media_type = sorted(content, key=lambda ct: ("json" not in ct, ct))[0]
    return media_type, (content[media_type] or {}).get("schema", {})


def _success_schemas(spec: Spec, op: dict[str, Any]) -> list[tuple[str, Any]]:
    found = []
    for status, response in sorted((op.get("responses") or {}).items()):
        if str(status).startswith("2"):
            media = _media_schema(spec, response)
            if media is not None:
                found.append(media)
    return found


def _webhook_bodies(spec: Spec) -> dict[str, Any]:
    """Webhook event name -> payload schema (OpenAPI 3.1 ``webhooks``: one POST with a JSON body each)."""
    bodies = {}
    for name, item in (spec.get("webhooks") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if isinstance(op, dict):
                media = _media_schema(spec, op.get("requestBody") or {})
                bodies[str(name)] = media[1] if media else {}
                break
    return bodies


# ------------------------------------------------------------------------------------------ types


def type_members(schema: Any) -> frozenset[str]:
    """The Python type a schema generates, as a set of union members (``"None"`` for nullable)."""
    if not isinstance(schema, dict):
        return frozenset({"Any"})
    members: set[str] = set()
    name = _component_name(schema)
    if name is not None:
        members.add(name)
    elif "allOf" in schema:
        parts = ["|".join(sorted(type_members(part))) for part in schema["allOf"]]
        members.add(" & ".join(sorted(parts)) if len(parts) > 1 else parts[0] if parts else "Any")
    elif "anyOf" in schema or "oneOf" in schema:
        for part in schema.get("anyOf", []) + schema.get("oneOf", []):
            members |= type_members(part)
    else:
        types = schema.get("type")
        for kind in types if isinstance(types, list) else [types]:
            members.add(_single_type(schema, kind))
    if schema.get("nullable") is True or (isinstance(schema.get("enum"), list) and None in schema["enum"]):
        members.add("None")
    return frozenset(members)


def _single_type(schema: Schema, kind: Any) -> str:
    if isinstance(schema.get("enum"), list):
        return f"enum<{_PRIMITIVES.get(str(kind), 'str')}>"
    if kind == "array":
        return "list[" + " | ".join(sorted(type_members(schema.get("items", {})))) + "]"
    if kind == "object" or (kind is None and "properties" in schema):
        if "properties" in schema or "allOf" in schema:
            return "object"  # a model class; its fields are compared one by one
        # A free-form object: a class holding only additional properties, a dict to the user.
        extra = schema.get("additionalProperties")
        return "dict[str, " + (" | ".join(sorted(type_members(extra))) if isinstance(extra, dict) else "Any") + "]"
    if kind == "string" and schema.get("format") in _FORMATS:
        return _FORMATS[str(schema["format"])]
    if kind is None:
        return "Any"
    return _PRIMITIVES.get(str(kind), str(kind))


def show_type(members: Iterable[str]) -> str:
    ordered = sorted(members, key=lambda member: (member == "None", member))
    return " | ".join(ordered) if ordered else "None"


def _is_inline_object(schema: Any) -> bool:
    return isinstance(schema, dict) and _component_name(schema) is None and "properties" in schema


def _inline_enum(schema: Any) -> list[Any] | None:
    if isinstance(schema, dict) and _component_name(schema) is None and isinstance(schema.get("enum"), list):
        return [value for value in schema["enum"] if value is not None]
    return None


# ------------------------------------------------------------------------------------------ direction


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        name = _component_name(node)
        if name is not None:
            yield name
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def reachable(spec: Spec, roots: Iterable[str]) -> set[str]:
    """Component schemas reachable from ``roots`` through refs (each visited once)."""
    schemas = (spec.get("components") or {}).get("schemas") or {}
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        pending.extend(_refs(schemas[name]))
    return seen


def directions(spec: Spec) -> dict[str, frozenset[str]]:
    """Component schema -> the directions it travels in: built by the user (input), returned (output)."""
    inputs: list[str] = []
    outputs: list[str] = []
    for _id, (_path, _method, op, item) in operations_by_id(spec).items():
        for param in _parameters(spec, op, item).values():
            inputs.extend(_refs(param.get("schema", {})))
        body = _media_schema(spec, op.get("requestBody") or {})
        if body is not None:
            inputs.extend(_refs(body[1]))
        for response in (op.get("responses") or {}).values():
            media = _media_schema(spec, response)
            if media is not None:
                outputs.extend(_refs(media[1]))
    for payload in _webhook_bodies(spec).values():
        outputs.extend(_refs(payload))
    ins, outs = reachable(spec, inputs), reachable(spec, outputs)
    schemas = (spec.get("components") or {}).get("schemas") or {}
    result = {}
    for name in schemas:
        used = frozenset({INPUT} if name in ins else set()) | frozenset({OUTPUT} if name in outs else set())
        result[name] = used or BOTH  # unused: assume the worst
    return result


# ------------------------------------------------------------------------------------------ comparison


@dataclass
class _Where:
    """Where a schema sits: SDK path, spec path, the directions it travels, and its component (if any)."""

    path: str
    spec_path: str
    direction: frozenset[str]
    model: str | None = None

    def child(self, sdk_name: str, spec_name: str) -> _Where:
        return _Where(f"{self.path}.{sdk_name}", f"{self.spec_path}.{spec_name}", self.direction, self.model)


class _Differ:
    def __init__(self, old: Spec, new: Spec, names: dict[str, MethodName]) -> None:
        self.old, self.new, self.names = old, new, names
        self.old_directions, self.new_directions = directions(old), directions(new)
        self.changes: list[Change] = []

    def add(self, kind: str, where: _Where, breaking: bool, reason: str, section: str, **values: str | None) -> None:
        models = (where.model,) if where.model else ()
        self.changes.append(
            Change(kind, where.path, where.spec_path, breaking, reason, section, models=models, **values)
        )

    def direction(self, name: str) -> frozenset[str]:
        return self.old_directions.get(name, BOTH) | self.new_directions.get(name, BOTH)

    # ---------------------------------------------------------------------------------- schemas

    def schema(self, old: Any, new: Any, where: _Where, noun: str = "field") -> None:
        """Compare two schemas at one place: type, then inline object fields, inline enum values, items."""
        old_members, new_members = type_members(old), type_members(new)
        if old_members != new_members:
            breaking, why = _retype_verdict(old_members, new_members, where.direction)
            self.add(
                f"{noun}.retyped",
                where,
                breaking,
                f"type {show_type(old_members)} -> {show_type(new_members)}{why}",
                CHANGED,
                old=show_type(old_members),
                new=show_type(new_members),
            )
        old_node, new_node = (old if isinstance(old, dict) else {}), (new if isinstance(new, dict) else {})
        if _is_inline_object(old_node) and _is_inline_object(new_node):
            self.fields(old_node, new_node, where)
        old_enum, new_enum = _inline_enum(old_node), _inline_enum(new_node)
        if old_enum is not None and new_enum is not None:
            self.enum_values(old_enum, new_enum, where)
        if old_node.get("type") == "array" and new_node.get("type") == "array":
            items = _Where(f"{where.path}[]", f"{where.spec_path}[]", where.direction, where.model)
            old_items, new_items = old_node.get("items", {}), new_node.get("items", {})
            if type_members(old_items) == type_members(new_items):
                self.schema(old_items, new_items, items, noun)
        if old_members != new_members:
            return
        for keyword in ("anyOf", "oneOf", "allOf"):
            # A nullable inline object or enum is ``anyOf: [inline, null]``; a composed model is
            # ``allOf: [{$ref}, {inline fields}]``: compare the parts pairwise (same types, same order).
            old_parts = [p for p in old_node.get(keyword, []) if isinstance(p, dict) and p.get("type") != "null"]
            new_parts = [p for p in new_node.get(keyword, []) if isinstance(p, dict) and p.get("type") != "null"]
            if len(old_parts) == len(new_parts) and (keyword == "allOf" or len(old_parts) == 1):
                for old_part, new_part in zip(old_parts, new_parts, strict=True):
                    self.schema(old_part, new_part, where, noun)

    def fields(self, old: Schema, new: Schema, where: _Where) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        user_builds, user_reads = INPUT in where.direction, OUTPUT in where.direction
        for name in [*old_props, *(n for n in new_props if n not in old_props)]:
            at = where.child(snake_case(name), name)
            if name not in new_props:
                old_type = show_type(type_members(old_props[name]))
                self.add("field.removed", at, True, "attribute and constructor argument removed", REMOVED, old=old_type)
                continue
            if name not in old_props:
                required = name in new_required
                breaking = required and user_builds
                reason = "new required constructor argument" if breaking else "new optional field"
                if required and not user_builds:
                    reason = "new field (always present in what Codat returns)"
                self.add("field.added", at, breaking, reason, ADDED, new=show_type(type_members(new_props[name])))
                continue
            was_required, is_required = name in old_required, name in new_required
            if was_required and not is_required:
                reason = "may now be Unset in what Codat returns" if user_reads else "constructor argument now optional"
                self.add("field.optional", at, user_reads, reason, CHANGED)
            elif is_required and not was_required:
                reason = "constructor argument now required" if user_builds else "now always present in responses"
                self.add("field.required", at, user_builds, reason, CHANGED)
            old_prop, new_prop = old_props[name], new_props[name]
            if not _is_deprecated(old_prop) and _is_deprecated(new_prop):
                self.add("field.deprecated", at, False, "marked deprecated", DEPRECATED)
            self.schema(old_prop, new_prop, at)

    def enum_values(self, old: list[Any], new: list[Any], where: _Where) -> None:
        for value in old:
            if value not in new:
                self.add(
                    "enum.value_removed", where, True, f"enum member {value!r} removed", REMOVED, old=json.dumps(value)
                )
        for value in new:
            if value not in old:
                reason = f"enum member {value!r} added (enums are open: unknown values already parsed)"
                self.add("enum.value_added", where, False, reason, ADDED, new=json.dumps(value))

    def models(self) -> None:
        old_schemas = (self.old.get("components") or {}).get("schemas") or {}
        new_schemas = (self.new.get("components") or {}).get("schemas") or {}
        for name in sorted(old_schemas.keys() | new_schemas.keys()):
            where = _Where(name, name, self.direction(name), name)
            if name not in new_schemas:
                self.add("model.removed", where, True, "model class removed", REMOVED)
            elif name not in old_schemas:
                self.add("model.added", where, False, "new model class", ADDED)
            else:
                self.schema(old_schemas[name], new_schemas[name], where, noun="model")

    # ---------------------------------------------------------------------------------- operations

    def method(self, operation_id: str) -> str:
        name = self.names.get(operation_id)
        return str(name) if name else f"{operation_id} (no SDK name)"

    def operations(self) -> None:
        old_ops, new_ops = operations_by_id(self.old), operations_by_id(self.new)
        for operation_id in sorted(old_ops.keys() | new_ops.keys()):
            where = _Where(self.method(operation_id), operation_id, frozenset({INPUT}))
            if operation_id not in new_ops:
                self.add("operation.removed", where, True, "method removed", REMOVED)
                continue
            if operation_id not in old_ops:
                path, method, _op, _item = new_ops[operation_id]
                self.add("operation.added", where, False, f"new method ({method.upper()} {path})", ADDED)
                continue
            self.operation(old_ops[operation_id], new_ops[operation_id], where)

    def operation(self, old: tuple[str, str, Any, Any], new: tuple[str, str, Any, Any], where: _Where) -> None:
        old_path, old_method, old_op, old_item = old
        new_path, new_method, new_op, new_item = new
        if (old_path, old_method) != (new_path, new_method):
            self.add(
                "operation.moved",
                where,
                False,
                "same method, new HTTP route",
                CHANGED,
                old=f"{old_method.upper()} {old_path}",
                new=f"{new_method.upper()} {new_path}",
            )
        if not old_op.get("deprecated") and new_op.get("deprecated"):
            message = new_op.get("x-speakeasy-deprecation-message") or "marked deprecated"
            self.add("operation.deprecated", where, False, str(message), DEPRECATED)
        elif old_op.get("deprecated") and not new_op.get("deprecated"):
            self.add("operation.undeprecated", where, False, "no longer deprecated", CHANGED)
        self.parameters(old_op, old_item, new_op, new_item, where)
        self.request_body(old_op, new_op, where)
        self.response(old_op, new_op, where)

    def parameters(self, old_op: Any, old_item: Any, new_op: Any, new_item: Any, where: _Where) -> None:
        old_params = _parameters(self.old, old_op, old_item)
        new_params = _parameters(self.new, new_op, new_item)
        for key in [*old_params, *(k for k in new_params if k not in old_params)]:
            location, name = key
            at = _Where(f"{where.path}({snake_case(name)})", f"{where.spec_path} {location}:{name}", where.direction)
            if key not in new_params:
                old_type = show_type(type_members(old_params[key].get("schema", {})))
                self.add("parameter.removed", at, True, "argument removed", REMOVED, old=old_type)
                continue
            new_required = bool(new_params[key].get("required")) or location == "path"
            if key not in old_params:
                reason = "new required argument" if new_required else "new optional argument"
                new_type = show_type(type_members(new_params[key].get("schema", {})))
                self.add("parameter.added", at, new_required, reason, ADDED, new=new_type)
                continue
            old_required = bool(old_params[key].get("required")) or location == "path"
            if old_required and not new_required:
                self.add("parameter.optional", at, False, "argument now optional", CHANGED)
            elif new_required and not old_required:
                self.add("parameter.required", at, True, "argument now required", CHANGED)
            if not old_params[key].get("deprecated") and new_params[key].get("deprecated"):
                self.add("parameter.deprecated", at, False, "marked deprecated", DEPRECATED)
            self.schema(old_params[key].get("schema", {}), new_params[key].get("schema", {}), at, "parameter")

    def request_body(self, old_op: Any, new_op: Any, where: _Where) -> None:
        old_body = _resolve(self.old, old_op.get("requestBody")) if old_op.get("requestBody") else None
        new_body = _resolve(self.new, new_op.get("requestBody")) if new_op.get("requestBody") else None
        at = _Where(f"{where.path}(body)", f"{where.spec_path} requestBody", where.direction)
        if old_body is None and new_body is None:
            return
        if new_body is None:
            self.add("request_body.removed", at, True, "body argument removed", REMOVED)
            return
        new_required = bool(new_body.get("required"))
        if old_body is None:
            reason = "new required body argument" if new_required else "new optional body argument"
            self.add("request_body.added", at, new_required, reason, ADDED)
            return
        old_required = bool(old_body.get("required"))
        if old_required != new_required:
            kind, breaking = ("request_body.required", True) if new_required else ("request_body.optional", False)
            self.add(kind, at, breaking, "body argument now " + ("required" if new_required else "optional"), CHANGED)
        old_media, new_media = _media_schema(self.old, old_body), _media_schema(self.new, new_body)
        if old_media and new_media and old_media[0] != new_media[0]:
            reason = f"body sent as {new_media[0]} instead of {old_media[0]}"
            self.add("request_body.media_type", at, True, reason, CHANGED, old=old_media[0], new=new_media[0])
        elif old_media and new_media:
            self.schema(old_media[1], new_media[1], at, "request_body")

    def response(self, old_op: Any, new_op: Any, where: _Where) -> None:
        old_success, new_success = _success_schemas(self.old, old_op), _success_schemas(self.new, new_op)
        old_members = frozenset().union(*(type_members(s) for _m, s in old_success)) or frozenset({"None"})
        new_members = frozenset().union(*(type_members(s) for _m, s in new_success)) or frozenset({"None"})
        at = _Where(f"{where.path} -> return", f"{where.spec_path} response", frozenset({OUTPUT}))
        if old_members != new_members:
            breaking, why = _retype_verdict(old_members, new_members, at.direction)
            if old_members == {"None"}:
                breaking, why = False, " (the method returned None)"
            self.add(
                "response.retyped",
                at,
                breaking,
                f"return type {show_type(old_members)} -> {show_type(new_members)}{why}",
                CHANGED,
                old=show_type(old_members),
                new=show_type(new_members),
            )
        elif len(old_success) == 1 and len(new_success) == 1:
            self.schema(old_success[0][1], new_success[0][1], at, "response")

    # ---------------------------------------------------------------------------------- webhooks

    def webhooks(self) -> None:
        old_hooks, new_hooks = _webhook_bodies(self.old), _webhook_bodies(self.new)
        changed_models: dict[str, list[Change]] = {}
        for change in self.changes:
            for model in change.models:
                changed_models.setdefault(model, []).append(change)
        for name in sorted(old_hooks.keys() | new_hooks.keys()):
            where = _Where(f"webhook {name}", f"webhook {name}", frozenset({OUTPUT}))
            if name not in new_hooks:
                payload = show_type(type_members(old_hooks[name]))
                self.add("webhook.removed", where, True, "Codat no longer sends this event", REMOVED, old=payload)
                continue
            if name not in old_hooks:
                payload = show_type(type_members(new_hooks[name]))
                self.add("webhook.added", where, False, f"new event, payload {payload}", ADDED, new=payload)
                continue
            old_payload, new_payload = old_hooks[name], new_hooks[name]
            if type_members(old_payload) != type_members(new_payload):
                self.schema(old_payload, new_payload, where, "webhook.payload")
                continue
            used = reachable(self.old, _refs(old_payload)) | reachable(self.new, _refs(new_payload))
            causes = [change for model in sorted(used) for change in changed_models.get(model, [])]
            if _component_name(new_payload) is None:
                before = len(self.changes)
                self.schema(old_payload, new_payload, where, "webhook.payload")
                causes += self.changes[before:]
                del self.changes[before:]
            if causes:
                breaking = any(change.breaking for change in causes)
                listed = "; ".join(f"{c.path}: {c.reason}" for c in causes[:5])
                more = f" (+{len(causes) - 5} more)" if len(causes) > 5 else ""
                self.add(
                    "webhook.payload_changed",
                    where,
                    breaking,
                    f"payload {show_type(type_members(new_payload))} changed: {listed}{more}",
                    CHANGED,
                )


def _is_deprecated(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("deprecated") is True


def _retype_verdict(old: frozenset[str], new: frozenset[str], direction: frozenset[str]) -> tuple[bool, str]:
    """Widening breaks readers (a value may have a new type), narrowing breaks writers; anything else both."""
    if old < new:
        return OUTPUT in direction, " (widened)"
    if new < old:
        return INPUT in direction, " (narrowed)"
    return True, ""


def api_diff(old: Spec, new: Spec, names: dict[str, MethodName] | None = None) -> list[Change]:
    """Every SDK-visible change from ``old`` to ``new`` (both normalised), in a stable order."""
    differ = _Differ(old, new, names or {})
    differ.operations()
    differ.models()
    differ.webhooks()
    return differ.changes


# ------------------------------------------------------------------------------------------ verdicts


MAJOR, MINOR, PATCH = "major", "minor", "patch"


def bump_level(changes: Iterable[Change]) -> str:
    """Semver level: breaking -> major; anything added or deprecated -> minor; otherwise patch."""
    changes = list(changes)
    if any(change.breaking for change in changes):
        return MAJOR
    if any(change.section in (ADDED, DEPRECATED) for change in changes):
        return MINOR
    return PATCH


@dataclass(frozen=True)
class ApiReport:
    """One API's drift: where its spec was read, the pinned and upstream identity, and the changes."""

    api: str
    location: str
    pinned_sha256: str
    upstream_sha256: str
    pinned_version: str
    upstream_version: str | None
    changes: list[Change] | None  # None: the pinned bytes were not available to diff against
    note: str = ""

    @property
    def drifted(self) -> bool:
        return self.pinned_sha256 != self.upstream_sha256

    @property
    def level(self) -> str | None:
        if not self.drifted:
            return None
        return bump_level(self.changes) if self.changes is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "location": self.location,
            "status": "changed" if self.drifted else "unchanged",
            "pinned": {"sha256": self.pinned_sha256, "version": self.pinned_version},
            "upstream": {"sha256": self.upstream_sha256, "version": self.upstream_version},
            "bump": self.level,
            "breaking": None if self.changes is None else sum(change.breaking for change in self.changes),
            "changes": None if self.changes is None else [change.to_json() for change in self.changes],
            "note": self.note,
        }


def markdown(reports: Iterable[ApiReport]) -> str:
    """The human report: one section per API, changes grouped by changelog section, breaking first."""
    lines: list[str] = []
    for report in reports:
        header = f"## {report.api}: {report.location}"
        if not report.drifted:
            lines += [
                header,
                "",
                f"unchanged (sha256 {report.pinned_sha256[:12]}, version {report.pinned_version})",
                "",
            ]
            continue
        lines += [
            header,
            "",
            f"changed: sha256 {report.pinned_sha256[:12]} -> {report.upstream_sha256[:12]}, "
            f"version {report.pinned_version} -> {report.upstream_version}",
        ]
        if report.changes is None:
            lines += ["", f"No semantic diff: {report.note}", ""]
            continue
        breaking = sum(change.breaking for change in report.changes)
        lines += [
            f"{len(report.changes)} SDK-visible changes, {breaking} breaking; version bump: {report.level}",
            "",
        ]
        if not report.changes:
            lines += ["Only documentation (descriptions, examples) changed.", ""]
        for section in SECTIONS:
            entries = section_lines(report.changes, section)
            if entries:
                lines += [f"### {section}", "", *(f"- {entry}" for entry in entries), ""]
    return "\n".join(lines).rstrip() + "\n"


def _call(path: str) -> str:
    """``companies.list(page_size)`` -> ``client.companies.list(...)``: the call a user wrote."""
    return "client." + path.split("(")[0].split(" -> ")[0] + "(...)"


def _argument(path: str) -> str:
    return path.split("(", 1)[1].split(")", 1)[0] if "(" in path else "body"


# One line per breaking kind: what to change in code written against the old SDK. ``{call}`` is the
# method call, ``{arg}`` its argument, ``{path}`` the SDK path, ``{old}`` / ``{new}`` the types or values.
MIGRATIONS = {
    "operation.removed": "remove the calls to `{call}` (and to its paginator, if it had one).",
    "parameter.removed": "stop passing `{arg}` to `{call}`.",
    "parameter.added": "pass the new required argument `{arg}` to every `{call}`.",
    "parameter.required": "pass `{arg}` to every `{call}`; it is now required.",
    "parameter.retyped": "pass `{arg}` to `{call}` as {new} (was {old}).",
    "request_body.removed": "stop passing `body=` to `{call}`.",
    "request_body.added": "pass the new required `body=` to every `{call}`.",
    "request_body.required": "pass `body=` to every `{call}`; it is now required.",
    "request_body.media_type": "no change to the call itself; check that the server accepts the new body format.",
    "request_body.retyped": "build the `body=` of `{call}` as {new} (was {old}).",
    "response.retyped": "handle what `{call}` returns as {new} (was {old}).",
    "model.removed": "stop importing and using `{path}`; use the models the methods now return or take.",
    "field.removed": "stop reading or passing `{path}`.",
    "field.added": "pass the new required constructor argument `{path}`.",
    "field.required": "pass `{path}` whenever you build it; it is now required.",
    "field.optional": "check `{path}` for `Unset` before using it.",
    "field.retyped": "treat `{path}` as {new} (was {old}).",
    "model.retyped": "treat `{path}` as {new} (was {old}).",
    "enum.value_removed": "stop using {old} of `{path}`; compare with the remaining members.",
    "webhook.removed": "remove the handler for `{path}`; Codat no longer sends it.",
    "webhook.payload_changed": "adjust your handler for `{path}` to the payload change named here.",
    "webhook.payload.retyped": "read the `{path}` payload as {new} (was {old}).",
}


def migration_hint(change: Change) -> str:
    """What to change in user code for a breaking change: one sentence, in SDK terms."""
    template = MIGRATIONS.get(change.kind, "review your uses of `{path}` ({reason}).")
    return template.format(
        call=_call(change.path),
        arg=_argument(change.path),
        path=change.path,
        old=change.old or "the old type",
        new=change.new or "the new type",
        reason=change.reason,
    )


def breaking_lines(changes: Iterable[Change], prefix: str = "") -> list[str]:
    """One line per breaking change: where, what, and the migration hint (never grouped: each has its own)."""
    return [
        f"{prefix}`{change.path}`: {change.reason}. Migrate: {migration_hint(change)}"
        for change in sorted((c for c in changes if c.breaking), key=lambda c: (c.section, c.path, c.kind))
    ]


def section_lines(
    changes: Iterable[Change], section: str, prefix: str = "", *, breaking: bool | None = None
) -> list[str]:
    """One line per distinct change in ``section``, breaking first; equal changes at several places share a line.

    ``**Breaking:** Platform API: `companies.get`, `companies.list`: method removed.`` (the reason carries any
    old -> new; six webhooks with the same payload change are one line). ``breaking`` keeps only the
    breaking (True) or non-breaking (False) changes.
    """
    grouped: dict[tuple[bool, str, str, str | None, str | None], list[str]] = {}
    for change in changes:
        if change.section == section and breaking in (None, change.breaking):
            key = (change.breaking, change.kind, change.reason, change.old, change.new)
            grouped.setdefault(key, []).append(change.path)
    lines = []
    for (breaking, kind, reason, old, new), paths in sorted(
        grouped.items(), key=lambda item: (not item[0][0], sorted(item[1])[0])
    ):
        mark = "**Breaking:** " if breaking else ""
        moved = f" ({old} -> {new})" if kind == "operation.moved" else ""
        places = ", ".join(f"`{path}`" for path in sorted(paths))
        lines.append(f"{mark}{prefix}{places}: {reason}{moved}.")
    return lines
