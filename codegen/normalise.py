"""Rewrite Codat's OpenAPI 3.1 documents into the subset openapi-python-client 0.29.1 parses cleanly.

``normalise(spec)`` deep-copies its input and runs the passes below in a fixed order.  Each pass is a small
function ``(spec) -> spec`` that may mutate the document it is given (``normalise`` only ever hands them its
own private copy) and returns it.  Nothing here iterates over a set or depends on hashing, so the output is
byte-for-byte reproducible for a given input.

Debug entry point: ``python -m codegen.normalise SPEC_PATH_OR_URL > out.json`` (JSON or YAML).
"""

from __future__ import annotations

import copy
import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

from . import media as media_types
from .source import SpecError, load_document

Spec = dict[str, Any]
Schema = dict[str, Any]
Tokens = tuple[str, ...]
Pass = Callable[[Spec], Spec]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# JSON-schema keywords whose values are schemas, by shape.
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "definitions", "$defs", "dependentSchemas")
SCHEMA_ONE_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "propertyNames",
    "contains",
    "if",
    "then",
    "else",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
DEFINITION_KEYWORDS = ("definitions", "$defs")

# Keywords that only describe a schema; a schema made of nothing else adds no constraint.
ANNOTATION_KEYWORDS = frozenset(
    {
        "title",
        "description",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "$comment",
        "externalDocs",
    }
)
# Siblings of a schema ``$ref`` kept as they are (the generator ignores them; downstream docs may not).
REF_SIBLINGS_KEPT = frozenset({"description", "summary"})
# Siblings of a schema ``$ref`` the generator understands only on an ``allOf: [{$ref}]`` wrapper.
REF_SIBLINGS_WRAPPED = ("default", "readOnly", "writeOnly", "deprecated")
# JSON Schema 2020-12 keywords with no meaning for the generator.
DROPPED_31_KEYWORDS = ("$schema", "$id", "$anchor", "$dynamicAnchor", "$comment", "contentMediaType")

ERROR_SCHEMA = "ErrorMessage"
# The fields of ``ErrorMessage`` that codat_sdk's error handling reads; ``validation`` may be any JSON.
RETRY_VERDICT: Schema = {"anyOf": [{"type": "string"}, {"type": "boolean"}]}
ERROR_MESSAGE_FIELDS: dict[str, Schema] = {
    "statusCode": {"type": "integer"},
    "service": {"type": "string"},
    "error": {"type": "string"},
    "correlationId": {"type": "string"},
    "canBeRetried": RETRY_VERDICT,
    "detailedErrorCode": {"type": "integer"},
    "validation": {},
}
NO_CONTENT_STATUSES = ("204", "205", "304")
# What a downloaded body is; the generator reads it as bytes (the templates stream it instead).
BINARY_SCHEMA = {"type": "string", "format": "binary"}
MULTIPART_FILE_FIELD = "file"


# --------------------------------------------------------------------------------------------- helpers


def _is_extension(key: str) -> bool:
    return key.startswith("x-")


def pascal(text: str) -> str:
    """``errorValidation`` -> ``ErrorValidation``, ``Dataset status`` -> ``DatasetStatus``."""
    parts = [part for part in re.split(r"[^0-9A-Za-z]+", text) if part]
    name = "".join(part[:1].upper() + part[1:] for part in parts)
    if not name or name[0].isdigit():
        name = "Schema" + name
    return name


def pointer_tokens(ref: str) -> Tokens | None:
    """Tokens of a local JSON pointer ``#/a/b~1c``; None for remote refs."""
    if not ref.startswith("#"):
        return None
    fragment = ref[1:]
    if fragment in ("", "/"):
        return ()
    return tuple(unquote(part).replace("~1", "/").replace("~0", "~") for part in fragment[1:].split("/"))


def make_ref(tokens: Tokens) -> str:
    return "#/" + "/".join(token.replace("~", "~0").replace("/", "~1") for token in tokens)


def schema_ref(name: str) -> str:
    return make_ref(("components", "schemas", name))


def resolve(spec: Spec, tokens: Tokens) -> Any:
    """The node at ``tokens``, or None."""
    node: Any = spec
    for token in tokens:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _set_at(spec: Spec, tokens: Tokens, value: Any) -> None:
    parent = resolve(spec, tokens[:-1])
    if isinstance(parent, list):
        parent[int(tokens[-1])] = value
    elif isinstance(parent, dict):
        parent[tokens[-1]] = value


def iter_ref_holders(node: Any) -> Iterator[dict[str, Any]]:
    """Every dict holding a local string ``$ref``, depth first in document order."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            yield node
        for value in node.values():
            yield from iter_ref_holders(value)
    elif isinstance(node, list):
        for value in node:
            yield from iter_ref_holders(value)


def iter_ref_sites(node: Any, tokens: Tokens = ()) -> Iterator[tuple[Tokens, dict[str, Any]]]:
    """Like ``iter_ref_holders`` but with each holder's position."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            yield tokens, node
        for key, value in node.items():
            yield from iter_ref_sites(value, (*tokens, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_ref_sites(value, (*tokens, str(index)))


def iter_operations(spec: Spec) -> Iterator[tuple[Tokens, dict[str, Any]]]:
    """``(("paths", path, method), operation)`` for paths and webhooks."""
    for section in ("paths", "webhooks"):
        for path, item in (spec.get(section) or {}).items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict):
                    yield (section, path, method), operation


def _iter_media_schemas(content: Any, tokens: Tokens) -> Iterator[Tokens]:
    if isinstance(content, dict):
        for media_type, media in content.items():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                yield (*tokens, media_type, "schema")


def _iter_parameter_schemas(parameters: Any, tokens: Tokens) -> Iterator[Tokens]:
    if isinstance(parameters, list):
        for index, parameter in enumerate(parameters):
            if isinstance(parameter, dict):
                if isinstance(parameter.get("schema"), dict):
                    yield (*tokens, str(index), "schema")
                yield from _iter_media_schemas(parameter.get("content"), (*tokens, str(index), "content"))


def _iter_response_schemas(response: Any, tokens: Tokens) -> Iterator[Tokens]:
    if isinstance(response, dict):
        yield from _iter_media_schemas(response.get("content"), (*tokens, "content"))
        for name, header in (response.get("headers") or {}).items():
            if isinstance(header, dict) and isinstance(header.get("schema"), dict):
                yield (*tokens, "headers", name, "schema")


def iter_schema_roots(spec: Spec) -> Iterator[Tokens]:
    """Positions of every top-level schema (components, parameters, bodies, responses) in document order."""
    components = spec.get("components") or {}
    for name in components.get("schemas") or {}:
        yield ("components", "schemas", name)
    for name, parameter in (components.get("parameters") or {}).items():
        if isinstance(parameter, dict):
            if isinstance(parameter.get("schema"), dict):
                yield ("components", "parameters", name, "schema")
            content_tokens = ("components", "parameters", name, "content")
            yield from _iter_media_schemas(parameter.get("content"), content_tokens)
    for section in ("paths", "webhooks"):
        for path, item in (spec.get(section) or {}).items():
            if not isinstance(item, dict):
                continue
            yield from _iter_parameter_schemas(item.get("parameters"), (section, path, "parameters"))
            for method in HTTP_METHODS:
                operation = item.get(method)
                if not isinstance(operation, dict):
                    continue
                base = (section, path, method)
                yield from _iter_parameter_schemas(operation.get("parameters"), (*base, "parameters"))
                body = operation.get("requestBody")
                if isinstance(body, dict):
                    yield from _iter_media_schemas(body.get("content"), (*base, "requestBody", "content"))
                for status, response in (operation.get("responses") or {}).items():
                    yield from _iter_response_schemas(response, (*base, "responses", status))
    for name, response in (components.get("responses") or {}).items():
        yield from _iter_response_schemas(response, ("components", "responses", name))
    for name, body in (components.get("requestBodies") or {}).items():
        if isinstance(body, dict):
            content_tokens = ("components", "requestBodies", name, "content")
            yield from _iter_media_schemas(body.get("content"), content_tokens)
    for name, header in (components.get("headers") or {}).items():
        if isinstance(header, dict) and isinstance(header.get("schema"), dict):
            yield ("components", "headers", name, "schema")


def _schema_roots(spec: Spec) -> list[Tokens]:
    return list(iter_schema_roots(spec))


def iter_subschemas(schema: Any, tokens: Tokens) -> Iterator[tuple[Tokens, Schema]]:
    """``schema`` and every schema nested in it, pre-order."""
    if not isinstance(schema, dict):
        return
    yield tokens, schema
    for keyword in SCHEMA_MAP_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, dict):
            for key in list(children):
                yield from iter_subschemas(children[key], (*tokens, keyword, key))
    for keyword in SCHEMA_ONE_KEYWORDS:
        if isinstance(schema.get(keyword), dict):
            yield from iter_subschemas(schema[keyword], (*tokens, keyword))
    for keyword in SCHEMA_LIST_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, list):
            for index, child in enumerate(children):
                yield from iter_subschemas(child, (*tokens, keyword, str(index)))


def iter_all_schemas(spec: Spec) -> Iterator[tuple[Tokens, Schema]]:
    """Every schema object in the document, in document order (snapshot: safe to mutate while iterating)."""
    found: list[tuple[Tokens, Schema]] = []
    for root in _schema_roots(spec):
        found.extend(iter_subschemas(resolve(spec, root), root))
    yield from found


def map_schema(schema: Any, tokens: Tokens, fn: Callable[[Schema, Tokens], Schema]) -> Any:
    """Rebuild ``schema`` bottom-up, replacing every (sub)schema by ``fn(subschema, position)``."""
    if not isinstance(schema, dict):
        return schema
    for keyword in SCHEMA_MAP_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, dict):
            for key in list(children):
                children[key] = map_schema(children[key], (*tokens, keyword, key), fn)
    for keyword in SCHEMA_ONE_KEYWORDS:
        if isinstance(schema.get(keyword), dict):
            schema[keyword] = map_schema(schema[keyword], (*tokens, keyword), fn)
    for keyword in SCHEMA_LIST_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, list):
            schema[keyword] = [
                map_schema(child, (*tokens, keyword, str(index)), fn) for index, child in enumerate(children)
            ]
    return fn(schema, tokens)


def map_all_schemas(spec: Spec, fn: Callable[[Schema, Tokens], Schema]) -> Spec:
    for root in _schema_roots(spec):
        _set_at(spec, root, map_schema(resolve(spec, root), root, fn))
    return spec


def _component_schemas(spec: Spec) -> dict[str, Any]:
    components = spec.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    return schemas


def _is_component_ref(tokens: Tokens | None, kind: str = "schemas") -> bool:
    return tokens is not None and len(tokens) == 3 and tokens[0] == "components" and tokens[1] == kind


def _unique_name(candidates: list[str], taken: dict[str, Any]) -> str:
    for candidate in candidates:
        if candidate not in taken:
            return candidate
    base = candidates[-1]
    counter = 2
    while f"{base}{counter}" in taken:
        counter += 1
    return f"{base}{counter}"


def defines_class(schema: Any) -> bool:
    """Whether the generator would emit a class (model or enum) for this inline schema."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if schema.get("enum") or schema.get("type") == "object" or "properties" in schema:
        return True
    if any(schema.get(keyword) for keyword in SCHEMA_LIST_KEYWORDS):
        return True
    return any(defines_class(schema.get(keyword)) for keyword in SCHEMA_ONE_KEYWORDS)


def _context_name(spec: Spec, tokens: Tokens) -> str:
    """A readable PascalCase owner for the schema at ``tokens`` (component, response, tag...)."""
    if len(tokens) >= 3 and tokens[0] == "components":
        return pascal(tokens[2])
    if len(tokens) >= 2 and tokens[0] in ("paths", "webhooks"):
        item = resolve(spec, tokens[:2]) or {}
        methods = [tokens[2]] if len(tokens) > 2 and tokens[2] in HTTP_METHODS else list(HTTP_METHODS)
        for method in methods:
            operation = item.get(method)
            if isinstance(operation, dict):
                if len(methods) == 1 and operation.get("operationId"):
                    return pascal(str(operation["operationId"]))
                if operation.get("tags"):
                    return pascal(str(operation["tags"][0]))
    return "Inline"


# ------------------------------------------------------------------------------------------------ passes


def default_operation_id(method: str, path: str) -> str:
    """An operationId for an operation without one: ``get /companies/{companyId}`` -> ``get-companies-companyId``."""
    return "-".join([method, *re.findall(r"[0-9A-Za-z]+", path)])


def name_unnamed_operations(spec: Spec) -> Spec:
    """An operation without an operationId gets one from its method and path (modules and methods need it)."""
    for (_section, path, method), operation in iter_operations(spec):
        if not operation.get("operationId"):
            operation["operationId"] = default_operation_id(method, path)
    return spec


def drop_ignored_operations(spec: Spec) -> Spec:
    """Operations marked ``x-speakeasy-ignore`` are not part of Codat's public SDK surface."""
    for section in ("paths", "webhooks"):
        items = spec.get(section)
        if not isinstance(items, dict):
            continue
        for path in list(items):
            item = items[path]
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                operation = item.get(method)
                if isinstance(operation, dict) and operation.get("x-speakeasy-ignore") is True:
                    del item[method]
            if not any(method in item for method in HTTP_METHODS):
                del items[path]
    return spec


def _convert_type_list(schema: Schema) -> Schema:
    types = schema["type"]
    non_null = [kind for kind in types if kind != "null"]
    nullable = len(non_null) < len(types)
    result = {key: value for key, value in schema.items() if key != "type"}
    if len(non_null) == 1:
        result["type"] = non_null[0]
    elif len(non_null) > 1:
        branch_keys = ("title", "description", "default", "example", "nullable")
        shared = {key: value for key, value in result.items() if key in branch_keys}
        branch = {key: value for key, value in result.items() if key not in branch_keys}
        result = {**shared, "anyOf": [{**branch, "type": kind} for kind in non_null]}
    else:
        result["type"] = "null"
        nullable = False
    if nullable:
        result["nullable"] = True
    return result


def convert_json_schema_31(spec: Spec) -> Spec:
    """0.29.1 reads only part of JSON Schema 2020-12: canonicalise type arrays, examples, const, etc."""

    def convert(schema: Schema, _tokens: Tokens) -> Schema:
        if isinstance(schema.get("type"), list):
            schema = _convert_type_list(schema)
        examples = schema.get("examples")
        if isinstance(examples, list):
            del schema["examples"]
            if examples and "example" not in schema:
                schema["example"] = examples[0]
        if "const" in schema:
            const = schema["const"]
            if const is None:
                del schema["const"]
                schema["type"] = "null"
            elif not isinstance(const, str | int | float | bool):
                del schema["const"]  # the generator's ConstProperty handles scalars only
        for keyword in DROPPED_31_KEYWORDS:
            schema.pop(keyword, None)
        if schema.get("nullable") is False:
            del schema["nullable"]
        return schema

    return map_all_schemas(spec, convert)


def _definition_sites(spec: Spec) -> list[tuple[Tokens, Tokens, str]]:
    """``(position, owner position, key)`` of every nested definition, outermost first."""
    sites: list[tuple[Tokens, Tokens, str]] = []
    for tokens, schema in iter_all_schemas(spec):
        for keyword in DEFINITION_KEYWORDS:
            block = schema.get(keyword)
            if isinstance(block, dict):
                for key in block:
                    sites.append(((*tokens, keyword, key), tokens, key))
    return sites


def _within(tokens: Tokens, prefix: Tokens) -> bool:
    return tokens[: len(prefix)] == prefix


def _refs_by_target(spec: Spec) -> list[tuple[Tokens, Tokens]]:
    """``(site position, target tokens)`` for every local ref."""
    found: list[tuple[Tokens, Tokens]] = []
    for site, holder in iter_ref_sites(spec):
        target = pointer_tokens(holder["$ref"])
        if target is not None:
            found.append((site, target))
    return found


def inline_sole_allof_definitions(spec: Spec) -> Spec:
    """A definition used only as its owner's sole ``allOf`` is the owner's body (keeps the owner's class)."""
    refs = _refs_by_target(spec)
    for position, owner, _key in _definition_sites(spec):
        users = [site for site, target in refs if _within(target, position)]
        owner_schema = resolve(spec, owner)
        all_of = owner_schema.get("allOf") if isinstance(owner_schema, dict) else None
        if users != [(*owner, "allOf", "0")] or not isinstance(all_of, list) or len(all_of) != 1:
            continue
        if set(all_of[0]) != {"$ref"} or pointer_tokens(all_of[0]["$ref"]) != position:
            continue
        all_of[0] = resolve(spec, position)
        block = resolve(spec, position[:-1])
        del block[position[-1]]
        if not block:
            del owner_schema[position[-2]]
        return inline_sole_allof_definitions(spec)  # positions moved; start over
    return spec


def _rewrite_ref_prefixes(spec: Spec, moves: list[tuple[Tokens, Tokens]]) -> None:
    """Point refs at or inside a moved node to its new position (longest matching prefix wins)."""
    ordered = sorted(moves, key=lambda move: len(move[0]), reverse=True)
    for holder in iter_ref_holders(spec):
        target = pointer_tokens(holder["$ref"])
        if target is None:
            continue
        for old, new in ordered:
            if _within(target, old):
                holder["$ref"] = make_ref((*new, *target[len(old) :]))
                break


def hoist_definitions(spec: Spec) -> Spec:
    """The generator resolves only ``#/components/schemas/X``; Stoplight nests ``definitions`` in schemas."""
    sites = _definition_sites(spec)
    if not sites:
        return spec
    refs = _refs_by_target(spec)
    # Liveness: a definition is kept if referenced from outside every definition, or from a live one.
    live: list[Tokens] = []
    changed = True
    while changed:
        changed = False
        for position, _owner, _key in sites:
            if position in live:
                continue
            for site, target in refs:
                if not _within(target, position):
                    continue
                enclosing = [p for p, _o, _k in sites if _within(site, p)]
                if all(p in live for p in enclosing):
                    live.append(position)
                    changed = True
                    break
    schemas = _component_schemas(spec)
    existing = dict.fromkeys(schemas)
    live_sites = [entry for entry in sites if entry[0] in live]
    # Same key in several owners: one component if all bodies are identical, else every one is prefixed.
    by_key: dict[str, list[tuple[Tokens, Tokens, str]]] = {}
    for entry in live_sites:
        by_key.setdefault(pascal(entry[2]), []).append(entry)
    names: dict[Tokens, str] = {}
    taken: dict[str, Any] = dict(existing)
    for position, owner, key in live_sites:
        if position in names:
            continue
        group = by_key[pascal(key)]
        bodies = [json.dumps(resolve(spec, p), sort_keys=True) for p, _o, _k in group]
        owner_name = names.get(owner) or _context_name(spec, owner)
        candidates = [pascal(key), owner_name + pascal(key)]
        if len(set(bodies)) > 1:
            candidates = candidates[1:]
        name = _unique_name(candidates, taken)
        taken[name] = True
        for other, _o, _k in group:
            if len(set(bodies)) == 1:
                names[other] = name
        names[position] = name
    # Move bodies (outermost first, so nested definitions travel with their parents until hoisted).
    moves: list[tuple[Tokens, Tokens]] = [
        (position, ("components", "schemas", names[position])) for position, _o, _k in live_sites
    ]
    hoisted: dict[str, Any] = {}
    for position, _owner, _key in live_sites:
        name = names[position]
        if name not in hoisted:
            hoisted[name] = copy.deepcopy(resolve(spec, position))
    for body in hoisted.values():
        for keyword in DEFINITION_KEYWORDS:
            body.pop(keyword, None)
    for _tokens, schema in iter_all_schemas(spec):
        for keyword in DEFINITION_KEYWORDS:
            schema.pop(keyword, None)
    for name, body in hoisted.items():
        schemas[name] = body
    _rewrite_ref_prefixes(spec, moves)
    # Definitions nested in hoisted bodies were removed above; their own moves already rewrote refs.
    return spec


def _ref_siblings(holder: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in holder.items() if key != "$ref"}


def _hoist_name(spec: Spec, target: Tokens, body: Schema, taken: dict[str, Any]) -> str:
    structural = (
        "properties",
        "items",
        "allOf",
        "anyOf",
        "oneOf",
        "additionalProperties",
        "schema",
        "content",
    )
    meaningful = [token for token in target if token not in structural and not token.isdigit() and "/" not in token]
    key = meaningful[-1] if meaningful else "Schema"
    candidates = []
    if isinstance(body.get("title"), str):
        candidates.append(pascal(body["title"]))
    candidates.append(_context_name(spec, target) + pascal(key))
    return _unique_name(candidates, taken)


def resolve_deep_refs(spec: Spec) -> Spec:
    """Refs into properties, allOf members, parameters or paths: hoist class targets, inline the rest."""
    schemas = _component_schemas(spec)
    # Component schemas that merely alias a deep target become that target's home.
    for name in list(schemas):
        alias = schemas[name]
        if not isinstance(alias, dict) or "$ref" not in alias:
            continue
        target = pointer_tokens(alias["$ref"])
        if target is None or _is_component_ref(target) or not defines_class(resolve(spec, target)):
            continue
        body = copy.deepcopy(resolve(spec, target))
        body.update({key: value for key, value in _ref_siblings(alias).items() if _is_extension(key)})
        schemas[name] = body
        _set_at(spec, target, {"$ref": schema_ref(name)})
        _rewrite_ref_prefixes(spec, [(target, ("components", "schemas", name))])
    for _ in range(100):
        progress = False
        for site, holder in list(iter_ref_sites(spec)):
            target = pointer_tokens(holder["$ref"])
            if target is None or len(target) <= 3 or target[0] not in ("components", "paths", "webhooks"):
                continue
            if target[1] in ("examples",) and len(target) == 3:
                continue
            node = resolve(spec, target)
            if not isinstance(node, dict):
                continue
            siblings = _ref_siblings(holder)
            if "$ref" in node:  # chain: point straight at the target's own target
                replacement = {**node, **siblings}
            elif defines_class(node):
                name = _hoist_name(spec, target, node, schemas)
                schemas[name] = copy.deepcopy(node)
                _set_at(spec, target, {"$ref": schema_ref(name)})
                _rewrite_ref_prefixes(spec, [(target, ("components", "schemas", name))])
                progress = True
                break  # positions changed; rescan
            else:
                replacement = {**copy.deepcopy(node), **siblings}
            _set_at(spec, site, replacement)
            progress = True
        if not progress:
            break
    return spec


def resolve_component_aliases(spec: Spec) -> Spec:
    """A component that is only ``$ref`` to another would yield a duplicate class; use the target directly."""
    schemas = _component_schemas(spec)
    aliases: dict[str, str] = {}
    for name, schema in schemas.items():
        if not isinstance(schema, dict) or "$ref" not in schema:
            continue
        if _is_component_ref(pointer_tokens(schema["$ref"])):
            aliases[schema_ref(name)] = schema["$ref"]
    if not aliases:
        return spec

    def final(ref: str) -> str:
        seen: list[str] = []
        while ref in aliases and ref not in seen:
            seen.append(ref)
            ref = aliases[ref]
        return ref

    for holder in iter_ref_holders(spec):
        holder["$ref"] = final(holder["$ref"])
    for ref in aliases:
        tokens = pointer_tokens(ref)
        if tokens is not None:
            schemas.pop(tokens[2], None)
    return spec


def _annotation_only(schema: Schema) -> bool:
    return all(key in ANNOTATION_KEYWORDS or _is_extension(key) for key in schema)


def collapse_annotation_allof(spec: Spec) -> Spec:
    """``allOf: [{$ref}, {description}]`` only annotates one ref; the generator would build a copy class."""

    def collapse(schema: Schema, _tokens: Tokens) -> Schema:
        members = schema.get("allOf")
        if not isinstance(members, list) or not members:
            return schema
        refs = [member for member in members if isinstance(member, dict) and "$ref" in member]
        others = [member for member in members if not (isinstance(member, dict) and "$ref" in member)]
        if len(refs) != 1 or not all(isinstance(member, dict) and _annotation_only(member) for member in others):
            return schema
        outer = {key: value for key, value in schema.items() if key != "allOf"}
        if any(not (key in ANNOTATION_KEYWORDS or _is_extension(key)) for key in outer if key != "type"):
            return schema
        if "type" in outer and outer["type"] != "object":
            return schema
        outer.pop("type", None)
        merged: Schema = {}
        for member in others:
            merged.update(member)
        merged.update(refs[0])
        merged.update(outer)
        merged.pop("title", None)  # a ref keeps its target's class name
        return merged

    return map_all_schemas(spec, collapse)


def _enum_key(schema: Schema) -> str:
    values = [value for value in schema["enum"] if value is not None]
    return json.dumps([schema.get("type"), values])


def share_repeated_inline_enums(spec: Spec) -> Spec:
    """The generator emits one enum class per inline occurrence; equal enums used twice share a component."""
    schemas = _component_schemas(spec)
    occurrences: dict[str, list[tuple[Tokens, Schema, int]]] = {}
    for tokens, schema in iter_all_schemas(spec):
        if tokens[:2] == ("components", "schemas") and len(tokens) == 3:
            continue
        if not isinstance(schema.get("enum"), list) or "$ref" in schema:
            continue
        weight = 1
        if len(tokens) >= 3 and tokens[0] in ("paths", "webhooks") and tokens[2] == "parameters":
            item = resolve(spec, tokens[:2]) or {}
            weight = max(1, sum(1 for method in HTTP_METHODS if method in item))
        occurrences.setdefault(_enum_key(schema), []).append((tokens, schema, weight))
    taken: dict[str, Any] = dict.fromkeys(schemas)
    for group in occurrences.values():
        if sum(weight for _t, _s, weight in group) < 2:
            continue
        tokens, first, _weight = group[0]
        key = tokens[-2] if tokens[-1] == "schema" else tokens[-1]
        if len(tokens) >= 2 and tokens[-1] == "schema" and tokens[-3] == "parameters":
            parameter = resolve(spec, tokens[:-1]) or {}
            key = str(parameter.get("name", key))
        candidates = [pascal(first["title"])] if isinstance(first.get("title"), str) else []
        candidates += [pascal(key), _context_name(spec, tokens) + pascal(key)]
        name = _unique_name(candidates, taken)
        taken[name] = True
        body = {k: v for k, v in first.items() if k not in ("nullable", "default", "example")}
        body["enum"] = [value for value in first["enum"] if value is not None]
        schemas[name] = body
        for position, schema, _weight in group:
            use: Schema = {"$ref": schema_ref(name)}
            for keyword in ("description", "default"):
                if keyword in schema:
                    use[keyword] = schema[keyword]
            if schema.get("nullable") is True or None in schema["enum"]:
                use["nullable"] = True
            _set_at(spec, position, use)
    return spec


def push_component_nullability_to_refs(spec: Spec) -> Spec:
    """A nullable component becomes a Union class; keep the component plain and make each use nullable."""
    schemas = _component_schemas(spec)
    nullable: list[str] = []
    for name, schema in schemas.items():
        if not isinstance(schema, dict) or "$ref" in schema:
            continue
        enum = schema.get("enum")
        if schema.get("nullable") is True or (isinstance(enum, list) and None in enum):
            schema.pop("nullable", None)
            if isinstance(enum, list):
                schema["enum"] = [value for value in enum if value is not None]
            nullable.append(schema_ref(name))
    if nullable:
        for holder in iter_ref_holders(spec):
            if holder["$ref"] in nullable:
                holder["nullable"] = True
    return spec


def express_ref_siblings(spec: Spec) -> Spec:
    """The generator ignores keywords beside ``$ref``: wrap the meaningful ones, drop mere annotations."""

    def express(schema: Schema, _tokens: Tokens) -> Schema:
        if "$ref" not in schema or len(schema) == 1:
            return schema
        ref = {"$ref": schema["$ref"]}
        kept = {key: value for key, value in schema.items() if key in REF_SIBLINGS_KEPT or _is_extension(key)}
        wrapped = {key: schema[key] for key in REF_SIBLINGS_WRAPPED if key in schema}
        if schema.get("nullable") is True:
            return {"anyOf": [ref, {"type": "null"}], **wrapped, **kept}
        if wrapped:
            return {"allOf": [ref], **wrapped, **kept}
        return {**ref, **kept}

    return map_all_schemas(spec, express)


def express_enum_nullability(spec: Spec) -> Spec:
    """``nullable`` is ignored on enums by 0.29.1; a ``null`` enum member makes it an ``Optional`` union."""

    def express(schema: Schema, _tokens: Tokens) -> Schema:
        enum = schema.get("enum")
        if not isinstance(enum, list) or schema.get("nullable") is not True:
            return schema
        del schema["nullable"]
        if None not in enum:
            schema["enum"] = [*enum, None]
        return schema

    return map_all_schemas(spec, express)


def title_nullable_inline_classes(spec: Spec) -> Spec:
    """A nullable inline model/enum becomes a union whose member class would be called ``<Prop>Type0``."""

    def name(schema: Schema, tokens: Tokens) -> Schema:
        if "title" in schema or len(tokens) < 2 or tokens[-2] != "properties":
            return schema
        is_nullable_enum = isinstance(schema.get("enum"), list) and None in schema["enum"]
        is_nullable_model = schema.get("nullable") is True and (
            schema.get("type") == "object" or "properties" in schema
        )
        if is_nullable_enum or is_nullable_model:
            schema["title"] = tokens[-1]
        return schema

    return map_all_schemas(spec, name)


def keep_unknown_fields(spec: Spec) -> Spec:
    """``additionalProperties: false`` makes the generator drop fields Codat adds later; keep them instead."""

    def open_up(schema: Schema, tokens: Tokens) -> Schema:
        if schema.get("additionalProperties") is False:
            del schema["additionalProperties"]
        return schema

    return map_all_schemas(spec, open_up)


def name_components_by_key(spec: Spec) -> Spec:
    """Top-level classes are named from ``title``; the component key (Codat's documented name) must win."""
    for name, schema in _component_schemas(spec).items():
        if isinstance(schema, dict) and "$ref" not in schema:
            schema["title"] = name
    return spec


def _normalised_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def fix_response_refs(spec: Spec) -> Spec:
    """Some refs name a component response by a different spelling (``BadRequest`` vs ``Bad-Request``)."""
    responses = (spec.get("components") or {}).get("responses") or {}
    by_key = {_normalised_key(name): name for name in responses}
    for holder in iter_ref_holders(spec):
        tokens = pointer_tokens(holder["$ref"])
        if not _is_component_ref(tokens, "responses") or tokens is None or tokens[2] in responses:
            continue
        match = by_key.get(_normalised_key(tokens[2]))
        if match is not None:
            holder["$ref"] = make_ref(("components", "responses", match))
    return spec


def _is_error_status(status: str) -> bool:
    return status[:1] in ("4", "5") or status == "default"


def _error_response_sites(spec: Spec) -> Iterator[tuple[str, dict[str, Any]]]:
    for _tokens, operation in iter_operations(spec):
        for status, response in (operation.get("responses") or {}).items():
            if _is_error_status(str(status)) and isinstance(response, dict):
                yield str(status), response


def _complete_error_message(schema: Any) -> None:
    """Add the ``ErrorMessage`` fields the runtime reads (``codat_sdk.ErrorMessageLike``) that a spec omits;
    some of Codat's specs have no ``validation``. The spec's own fields are kept, but for ``canBeRetried``
    typed as a string alone: Codat sends a string ("True", "Unknown") or a JSON boolean, and models decode
    strictly, so a boolean verdict would lose the whole error body."""
    if isinstance(schema, dict) and "$ref" not in schema:
        properties = schema.setdefault("properties", {})
        for name, field_schema in ERROR_MESSAGE_FIELDS.items():
            properties.setdefault(name, copy.deepcopy(field_schema))
        verdict = properties["canBeRetried"]
        if isinstance(verdict, dict) and verdict.get("type") == "string":
            annotations = {key: value for key, value in verdict.items() if key in ANNOTATION_KEYWORDS}
            properties["canBeRetried"] = {**annotations, **copy.deepcopy(RETRY_VERDICT)}


def ensure_error_responses(spec: Spec) -> Spec:
    """Every 4xx/5xx must resolve to a component response whose JSON body is the ``ErrorMessage`` model."""
    components = spec.setdefault("components", {})
    responses: dict[str, Any] = components.setdefault("responses", {})
    schemas = _component_schemas(spec)
    if ERROR_SCHEMA not in schemas:
        schemas[ERROR_SCHEMA] = {"title": ERROR_SCHEMA, "type": "object", "properties": {}}
    _complete_error_message(schemas[ERROR_SCHEMA])
    error_ref = schema_ref(ERROR_SCHEMA)

    def fix_content(response: dict[str, Any]) -> None:
        content = response.setdefault("content", {})
        media = content.get("application/json")
        if not isinstance(media, dict):
            media = {}
            content["application/json"] = media
        schema = media.get("schema")
        if not (isinstance(schema, dict) and schema.get("$ref") == error_ref):
            media["schema"] = {"$ref": error_ref}
        response.setdefault("description", "Error")

    used: list[str] = []
    for status, response in list(_error_response_sites(spec)):
        if "$ref" in response:
            tokens = pointer_tokens(response["$ref"])
            if tokens is not None and _is_component_ref(tokens, "responses") and tokens[2] in responses:
                if tokens[2] not in used:
                    used.append(tokens[2])
                continue
            # A dangling or unusable ref: give it a component of its own, named after the ref when possible.
            fallback = f"Error{status}"
            wanted = tokens[2] if tokens is not None and _is_component_ref(tokens, "responses") else fallback
            name = wanted if wanted not in responses else _unique_name([f"Error{status}"], responses)
            responses[name] = {"description": "Error"}
            response.clear()
            response["$ref"] = make_ref(("components", "responses", name))
            if name not in used:
                used.append(name)
        else:
            fix_content(response)
    for name in used:
        component = responses[name]
        if isinstance(component, dict) and "$ref" not in component:
            fix_content(component)
    return spec


def drop_no_content_bodies(spec: Spec) -> Spec:
    """HTTP 204/205/304 carry no body; a schema there (e.g. a pasted error ref) would mistype the result."""
    for _tokens, operation in iter_operations(spec):
        responses = operation.get("responses") or {}
        for status in NO_CONTENT_STATUSES:
            response = responses.get(status)
            if not isinstance(response, dict):
                continue
            if "$ref" in response or response.get("content"):
                description = response.get("description") if "$ref" not in response else None
                responses[status] = {"description": description or "No Content"}
    return spec


def require_request_bodies(spec: Spec) -> Spec:
    """Codat never marks bodies required, so the generator would make every body an optional argument."""
    for _tokens, operation in iter_operations(spec):
        body = operation.get("requestBody")
        if isinstance(body, dict) and "$ref" not in body and "required" not in body:
            body["required"] = True
    for body in ((spec.get("components") or {}).get("requestBodies") or {}).values():
        if isinstance(body, dict) and "$ref" not in body and "required" not in body:
            body["required"] = True
    return spec


# ------------------------------------------------------------------------------------ operation bodies


def iter_contents(spec: Spec) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(kind, content)`` of every body written inline: ``"request"`` or ``"response"``."""
    components = spec.get("components") or {}
    holders: list[tuple[str, Any]] = []
    for _tokens, operation in iter_operations(spec):
        holders.append(("request", operation.get("requestBody")))
        holders.extend(("response", r) for r in (operation.get("responses") or {}).values())
    holders.extend(("request", b) for b in (components.get("requestBodies") or {}).values())
    holders.extend(("response", r) for r in (components.get("responses") or {}).values())
    for kind, holder in holders:
        if isinstance(holder, dict) and isinstance(holder.get("content"), dict):
            yield kind, holder["content"]


def _component_response(spec: Spec, response: dict[str, Any]) -> dict[str, Any] | None:
    """The component response a ``$ref`` chain leads to; None when it dangles or loops."""
    seen: set[str] = set()
    while "$ref" in response:
        ref = response["$ref"]
        tokens = pointer_tokens(ref) if isinstance(ref, str) else None
        if ref in seen or tokens is None or not _is_component_ref(tokens, "responses"):
            return None
        seen.add(ref)
        response = resolve(spec, tokens)
        if not isinstance(response, dict):
            return None
    return response


def inline_success_response_refs(spec: Spec) -> Spec:
    """A 2xx ``$ref`` to a component response is copied in; error responses keep their refs."""
    # What an operation returns (a model, any JSON, a download) is then read from the operation itself.
    for _tokens, operation in iter_operations(spec):
        responses = operation.get("responses")
        if not isinstance(responses, dict):
            continue
        for status, response in responses.items():
            if str(status).startswith("2") and isinstance(response, dict) and "$ref" in response:
                target = _component_response(spec, response)
                if target is not None:
                    responses[status] = copy.deepcopy(target)
    return spec


def type_schemaless_media(spec: Spec) -> Spec:
    """A media type without a schema (``"application/json": {}``) carries any JSON, or bytes if not JSON."""
    # The generator refuses a request body without a schema ("Missing schema") and types such a response None.
    for _kind, content in iter_contents(spec):
        for media_type, media in content.items():
            if isinstance(media, dict) and "schema" not in media:
                media["schema"] = {} if media_types.is_json(media_type) else dict(BINARY_SCHEMA)
    return spec


def type_download_responses(spec: Spec) -> Spec:
    """A non-JSON response body (pdf, zip, xlsx, octet-stream) is binary, whatever schema it claims."""
    # Codat writes ``{type: object}`` on some downloads: the generator would build a model for the bytes.
    for kind, content in iter_contents(spec):
        if kind != "response":
            continue
        for media_type, media in content.items():
            if isinstance(media, dict) and media_types.is_download(media_type):
                media["schema"] = dict(BINARY_SCHEMA)
    return spec


def name_bare_multipart_files(spec: Spec) -> Spec:
    """A multipart body whose schema is the file itself sends it as the form field ``file``."""
    # The generator needs an object schema; Codat's other uploads (``AttachmentUpload``) name the field ``file``.
    for kind, content in iter_contents(spec):
        media = content.get("multipart/form-data")
        if kind != "request" or not isinstance(media, dict) or not isinstance(media.get("schema"), dict):
            continue
        schema = media["schema"]
        target = resolve(spec, pointer_tokens(schema["$ref"]) or ()) if "$ref" in schema else schema
        if isinstance(target, dict) and target.get("type") == "string":
            media["schema"] = {
                "type": "object",
                "required": [MULTIPART_FILE_FIELD],
                "properties": {MULTIPART_FILE_FIELD: schema},
            }
    return spec


# ------------------------------------------------------------------------------- schema-level constructs


def hoist_misplaced_additional_properties(spec: Spec) -> Spec:
    """``additionalProperties: false`` written inside ``properties`` belongs to the schema owning them."""
    # A boolean is no property schema: the generator cannot parse it (three corpus specs do this).

    def hoist(schema: Schema, _tokens: Tokens) -> Schema:
        properties = schema.get("properties")
        if isinstance(properties, dict) and isinstance(properties.get("additionalProperties"), bool):
            misplaced = properties.pop("additionalProperties")
            schema.setdefault("additionalProperties", misplaced)  # the owner's own keyword wins
        return schema

    return map_all_schemas(spec, hoist)


# Keywords that make a schema an object (a class of its own) or a composition of schemas.
_OBJECT_KEYWORDS = ("properties", "additionalProperties", "patternProperties", "$ref", *SCHEMA_LIST_KEYWORDS)


def _is_scalar_member(member: Any) -> bool:
    """An inline ``allOf`` member that describes a value, not an object: a type, format, enum or annotations."""
    return (
        isinstance(member, dict)
        and member.get("type") != "object"
        and not any(keyword in member for keyword in _OBJECT_KEYWORDS)
    )


def merge_scalar_allof(spec: Spec) -> Spec:
    """An ``allOf`` of value schemas (a date string and a description) is one value, not an empty class."""
    # Merged into one schema: typed members first, then annotation-only members (the more specific
    # description), then the outer schema's own keywords.

    def merge(schema: Schema, _tokens: Tokens) -> Schema:
        members = schema.get("allOf")
        if not isinstance(members, list) or not members or not all(_is_scalar_member(m) for m in members):
            return schema
        outer = {key: value for key, value in schema.items() if key != "allOf"}
        if not _is_scalar_member(outer):
            return schema
        types = {m["type"] for m in [*members, outer] if "type" in m}
        if len(types) > 1:
            return schema  # contradictory members: leave the generator to report it
        merged: Schema = {}
        for member in sorted(members, key=_annotation_only):  # stable: typed members keep their order
            merged.update(member)
        merged.update(outer)
        return merged

    return map_all_schemas(spec, merge)


def _class_name(*parts: str) -> str:
    """The class name openapi-python-client derives from a parent name and a title or property name."""
    # Imported here: the normaliser alone (benchmarks, `python -m codegen.normalise`) runs without the generator.
    from openapi_python_client.strings import ClassName, pascal_case

    return str(ClassName("".join(pascal_case(part) for part in parts), ""))


# An inline enum as the generator names it: (owner class, enum schema, name used when it has no title).
EnumSite = tuple[str, Schema, str]


def _enum_sites(owner: str, schema: Any, name: str) -> Iterator[EnumSite]:
    """The inline enums of the property ``name`` of the class ``owner`` (through array items and inline models)."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return
    if isinstance(schema.get("enum"), list):
        yield owner, schema, name
    elif isinstance(schema.get("items"), dict):
        yield from _enum_sites(owner, schema["items"], f"{name}_item")
    elif schema.get("type") == "object" or "properties" in schema:
        yield from _model_enum_sites(_class_name(owner, str(schema.get("title") or name)), schema)


def _model_enum_sites(owner: str, schema: Schema) -> Iterator[EnumSite]:
    members = [schema, *(m for m in schema.get("allOf") or [] if isinstance(m, dict) and "$ref" not in m)]
    for member in members:
        for key, prop in (member.get("properties") or {}).items():
            yield from _enum_sites(owner, prop, key)


def distinguish_clashing_enums(spec: Spec) -> Spec:
    """Enums the generator would give one class name, with different values, get distinct names."""
    # Names are predicted as the generator derives them (parent class + title or property name). A
    # component enum keeps its documented name; an inline enum whose values differ from those already
    # holding its name gets a title that makes its class <Name>2, <Name>3... (document order).
    schemas = _component_schemas(spec)
    taken: dict[str, str | None] = {_class_name(key): None for key in schemas}  # class name -> enum values
    inline: list[EnumSite] = []
    for key, schema in schemas.items():
        if not isinstance(schema, dict) or "$ref" in schema:
            continue
        if isinstance(schema.get("enum"), list):
            taken[_class_name(key)] = _enum_key(schema)
        else:
            inline.extend(_model_enum_sites(_class_name(key), schema))
    for owner, schema, default in inline:
        title = str(schema.get("title") or default)
        values = _enum_key(schema)
        if taken.setdefault(_class_name(owner, title), values) == values:
            continue
        counter = 2
        while _class_name(owner, f"{title}{counter}") in taken:
            counter += 1
        schema["title"] = f"{title}{counter}"
        taken[_class_name(owner, schema["title"])] = values
    return spec


PASSES: tuple[Pass, ...] = (
    drop_ignored_operations,
    name_unnamed_operations,
    hoist_misplaced_additional_properties,
    inline_success_response_refs,
    type_schemaless_media,
    type_download_responses,
    name_bare_multipart_files,
    convert_json_schema_31,
    inline_sole_allof_definitions,
    hoist_definitions,
    resolve_deep_refs,
    merge_scalar_allof,
    resolve_component_aliases,
    collapse_annotation_allof,
    share_repeated_inline_enums,
    push_component_nullability_to_refs,
    express_ref_siblings,
    express_enum_nullability,
    title_nullable_inline_classes,
    keep_unknown_fields,
    name_components_by_key,
    distinguish_clashing_enums,
    fix_response_refs,
    drop_no_content_bodies,
    ensure_error_responses,
    require_request_bodies,
)


def normalise(spec: dict[str, Any]) -> dict[str, Any]:
    """A generator-friendly copy of ``spec``; the input is left untouched."""
    result: Spec = copy.deepcopy(spec)
    for normalisation_pass in PASSES:
        result = normalisation_pass(result)
    return result


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m codegen.normalise SPEC_PATH_OR_URL > out.json", file=sys.stderr)
        return 2
    try:
        spec = load_document(args[0])
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    json.dump(normalise(spec), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
