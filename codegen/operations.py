"""Operations as the templates see them, grouped and named as in Codat's own SDKs."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

import attr
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties import ModelProperty
from openapi_python_client.parser.properties.uuid import UuidProperty
from openapi_python_client.parser.responses import NONE_SOURCE, _ResponseSource

from . import media
from .body_defaults import apply_body_default
from .config import PackageConfig
from .descriptions import parameter_description
from .errors import GenerationError
from .naming import (
    SHADOWING,
    SdkName,
    derived_names,
    group_class,
    identifier,
    json_name,
    method_order,
    module_names,
)
from .pagination import pagination_view
from .queries import ORDER_BY_PARAMETER, QUERY_PARAMETER
from .raises import error_statuses
from .spec_nodes import follow_refs, raw_operations, raw_parameters
from .views import GroupView, OperationView, walk


def _deprecation(op: dict[str, Any]) -> str | None:
    if not op.get("deprecated"):
        return None
    return str(op.get("x-speakeasy-deprecation-message") or "This operation is deprecated.")


def _name_replacements(operations: Iterable[OperationView]) -> None:
    """Deprecation messages name the replacement as the Python call a user types, not its operationId."""
    by_id = {op.operation_id: op for op in operations}
    for op in by_id.values():
        replacement = op.raw.get("x-speakeasy-deprecation-replacement")
        if op.deprecation_message and replacement:
            target = by_id.get(replacement)
            call = f"client.{target.call_path}.{target.method_name}()" if target else replacement
            op.deprecation_message = f"{op.deprecation_message.rstrip().rstrip('.')}. Use {call} instead."


def _multipart_fields(op: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    content = op.get("requestBody", {}).get("content", {})
    schema = content.get("multipart/form-data", {}).get("schema")
    if schema is None:
        return []
    schema = follow_refs(spec, schema)
    required = set(schema.get("required", []))
    fields = []
    for name, raw_prop in schema.get("properties", {}).items():
        prop = follow_refs(spec, raw_prop)
        items = follow_refs(spec, prop.get("items", prop))
        fields.append(
            {
                "name": name,
                "python_name": identifier(name),
                "required": name in required,
                "binary": items.get("format") == "binary",
                "description": prop.get("description", ""),
            }
        )
    return fields


def _url_fstring(path: str, endpoint: Endpoint) -> str:
    """``path`` (upstream's, with python parameter names) as f-string source, one segment per parameter."""
    names = {str(p.python_name) for p in endpoint.path_parameters}

    def segment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            raise GenerationError(f"{path}: no path parameter named {name}")
        return "{path_segment(" + repr(name) + ", " + name + ")}"

    return re.sub(r"\{([^}]+)\}", segment, path)


def _is_success(response: Any) -> bool:
    code_range = response.status_code.range
    return code_range is not None and 200 <= code_range[0] <= 299


def _without_content(response: Any) -> bool:
    # Upstream types a success without content as Any, like any JSON; what it reads ("None") tells them apart.
    return bool(response.source["attribute"] == NONE_SOURCE["attribute"])


# Upstream renders a success without content as ``cast(Any, None)`` (its source's type, None, is not the
# property's, Any), which mypy --strict rejects inside a typed union; this source renders ``= None``.
_PLAIN_NONE = _ResponseSource(attribute=NONE_SOURCE["attribute"], return_type="Any")


def _success_responses(endpoint: Endpoint) -> list[Any]:
    success = [r for r in endpoint.responses.patterns if _is_success(r)]
    return [attr.evolve(r, source=_PLAIN_NONE) if _without_content(r) else r for r in success]


def _return_type(success: list[Any]) -> str:
    """What a call returns: the union of its 2xx bodies; None for one without content, Any for any JSON."""
    types = {"None" if _without_content(r) else str(r.prop.get_type_string().as_unembedded_code()) for r in success}
    if "Any" in types:
        return "Any"
    return " | ".join(sorted(types - {"None"}) + sorted(types & {"None"})) or "None"


def _operation_view(
    endpoint: Endpoint,
    raw: dict[str, Any],
    path: str,
    spec: dict[str, Any],
    name: SdkName,
    module: str,
    models: dict[str, ModelProperty],
    package: str,
) -> OperationView:
    success = _success_responses(endpoint)
    content_types = {
        content_type
        for code, response in raw.get("responses", {}).items()
        if str(code).startswith("2")
        for content_type in response.get("content", {})
    }
    return_type = _return_type(success)
    if len(endpoint.bodies) > 1:
        raise GenerationError(f"{raw['operationId']}: several request body types are not supported")
    params = raw_parameters(spec, spec["paths"][path], raw)
    query_names = {json_name(p): str(p.python_name) for p in endpoint.query_parameters}
    return OperationView(
        endpoint=endpoint,
        raw=raw,
        operation_id=raw["operationId"],
        http_method=endpoint.method.upper(),
        path=path,
        group=name.group.rsplit(".", 1)[-1],
        method_name=name.method,
        module=module,
        deprecated=bool(raw.get("deprecated")),
        deprecation_message=_deprecation(raw),
        binary_response=bool(content_types) and all(media.is_download(ct) for ct in content_types),
        success_responses=success,
        multipart_fields=_multipart_fields(raw, spec),
        url=_url_fstring(str(endpoint.path.get_untrusted_value()), endpoint),
        # Error bodies are JSON whatever the success type is, so JSON is always acceptable.
        accept=", ".join(sorted(content_types | {"application/json"})),
        return_type=return_type,
        parsed=return_type != "None",
        pagination=pagination_view(endpoint, params, models, name.method),
        query_param=query_names.get(QUERY_PARAMETER),
        order_by_param=query_names.get(ORDER_BY_PARAMETER),
        parameter_descriptions={name: parameter_description(spec, param, package) for name, param in params.items()},
        errors=error_statuses(spec, raw),
        uuid_params=tuple(
            str(p.python_name)
            for p in (*endpoint.path_parameters, *endpoint.query_parameters)
            if isinstance(p, UuidProperty)
        ),
        body_model=_body_model(endpoint),
    )


def _body_model(endpoint: Endpoint) -> str | None:
    """The class of a JSON body that is one model (every body Codat's specs have), else None."""
    if len(endpoint.bodies) != 1 or endpoint.bodies[0].body_type != "json":
        return None
    prop = endpoint.bodies[0].prop
    return str(prop.class_info.name) if isinstance(prop, ModelProperty) else None


def build_groups(data: GeneratorData, spec: dict[str, Any], package: PackageConfig) -> list[GroupView]:
    """Operations grouped and named as in Codat's own SDKs (``codegen.naming``), nested groups under parents."""
    names = derived_names(spec, package.operations)
    modules = module_names(names)
    stale = sorted(package.operations.keys() - names.keys())
    if stale:  # an operation upstream removed: its entry is left for the bump to drop, never a failure
        where = f"openapi/overrides.json: {package.api}"
        print(f"note: {where} has entries for no operation in the spec: {', '.join(stale)}", file=sys.stderr)
    raw_ops = raw_operations(spec)
    raw_paths = {id(op): path for path, item in spec.get("paths", {}).items() for op in item.values()}
    groups: dict[str, GroupView] = {}
    models = {str(model.class_info.name): model for model in data.models}
    for collection in data.endpoint_collections_by_tag.values():
        for endpoint in collection.endpoints:
            raw = raw_ops[(endpoint.method, str(endpoint.path.get_untrusted_value()))]
            name = names[raw["operationId"]]
            view = _operation_view(
                endpoint, raw, raw_paths[id(raw)], spec, name, modules[raw["operationId"]], models, package.package
            )
            override = package.operations.get(view.operation_id, {})
            if "body" in override:
                apply_body_default(view, spec, override)
            _group_at(groups, name.group).operations.append(view)
    for group in walk(groups.values()):
        _check_names(group)
    _name_replacements(op for group in walk(groups.values()) for op in group.operations)
    return [groups[name] for name in sorted(groups)]


def _group_at(top: dict[str, GroupView], dotted: str) -> GroupView:
    """The group at ``a.b`` (created, with its parents, when new); subgroups stay sorted by name."""
    level, group = top, None
    for depth, part in enumerate(dotted.split(".")):
        if part not in level:
            level[part] = GroupView(part, group_class(part), call_path=".".join(dotted.split(".")[: depth + 1]))
            if group is not None:
                group.subgroups.append(level[part])
                group.subgroups.sort(key=lambda sub: sub.name)
        group = level[part]
        level = {sub.name: sub for sub in group.subgroups}
    assert group is not None  # a dotted name has at least one part
    return group


def _check_names(group: GroupView) -> None:
    """Methods (and paginators) of one class: builtins-named ones last, at most one, no name used twice."""
    group.operations.sort(key=method_order)
    if sum(op.method_name in SHADOWING for op in group.operations) > 1:
        raise GenerationError(f"group {group.name} has several methods named like builtins")
    methods = [op.method_name for op in group.operations]
    shared = sorted({name for name in methods if methods.count(name) > 1})
    if shared:  # only overrides can do this: derived names are made unique
        raise GenerationError(f"group {group.name} has several methods named {', '.join(shared)}")
    taken = set(methods) | {"with_raw_response"}
    for op in group.operations:
        op.call_path = group.call_path
        if op.pagination is not None and op.pagination.method_name in taken:
            taken_name = op.pagination.method_name
            raise GenerationError(f"{op.operation_id}: its paginator's name {taken_name} is taken by another method")
        if op.pagination is not None:
            taken.add(op.pagination.method_name)
