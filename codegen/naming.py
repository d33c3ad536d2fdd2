"""Python names: snake_case, wire names of parsed properties, the order of a class's methods."""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from codat_sdk._client import AsyncAPIClient, SyncAPIClient

from .normalise import HTTP_METHODS, default_operation_id, pascal
from .views import OperationView


def snake(name: str) -> str:
    out: list[str] = []
    for i, char in enumerate(name.replace("-", "_")):
        if char.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def json_name(prop: Any) -> str:
    """A parsed property's or parameter's name as on the wire."""
    name = prop.name
    return str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name)


# Methods named like builtins shadow them in later annotations of the same class (``list[str]``
# would name the method): such methods go last, and a class may hold only one.
SHADOWING = frozenset({"list", "set", "dict", "type", "str", "int", "float", "bool", "bytes", "tuple"})


def method_order(op: OperationView) -> tuple[bool, str]:
    return (op.method_name in SHADOWING, op.method_name)


# The public attributes of the runtime's clients, read from them so that one the runtime adds is never hidden.
CLIENT_ATTRIBUTES = frozenset(
    name for client in (SyncAPIClient, AsyncAPIClient) for name in dir(client) if not name.startswith("_")
)
# The runtime's base classes our resource modules import: a group's class must not take their names.
_RUNTIME_RESOURCES = frozenset({"SyncResource", "AsyncResource"})


def group_class(group: str) -> str:
    """The class name stem of a group's resources (``Cors`` -> ``CorsResource``, ``AsyncCorsResource``)."""
    stem = pascal(group)
    return stem + "Group" if f"{stem}Resource" in _RUNTIME_RESOURCES else stem


def identifier(text: str) -> str:
    """A snake_case Python identifier from any spec text: ``get-company-syncSettings``, ``Refresh data``."""
    words = [snake(word) for word in re.split(r"[^0-9A-Za-z]+", text) if word]
    name = "_".join(words) or "operation"
    if name[0].isdigit():
        name = "n" + name
    return name + "_" if keyword.iskeyword(name) else name


@dataclass(frozen=True)
class SdkName:
    """Where an operation lives on the client: ``group`` (dotted when nested) and ``method``."""

    group: str
    method: str


def _global_override(spec: dict[str, Any], operation_id: str) -> str | None:
    """The spec's top-level ``x-speakeasy-name-override`` rules: the last whose operationId pattern matches."""
    name = None
    for rule in spec.get("x-speakeasy-name-override") or ():
        if isinstance(rule, dict) and re.search(str(rule.get("operationId", "(?!)")), operation_id):
            name = rule.get("methodNameOverride") or name
    return name


def _group(op: dict[str, Any], path: str) -> str:
    """``x-speakeasy-group`` (dots nest groups), else the first tag, else the path's first literal segment."""
    group = op.get("x-speakeasy-group") or next(iter(op.get("tags") or ()), None)
    if group is None:
        group = next((part for part in path.split("/") if part and not part.startswith("{")), "default")
    top, *nested = (identifier(part) for part in str(group).split("."))
    # A group is an attribute of the client: it must not hide one of the client's own (tests keep this in step).
    return ".".join([top + "_" if top in CLIENT_ATTRIBUTES else top, *nested])


def derived_names(spec: dict[str, Any], overrides: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, SdkName]:
    """operationId -> group and method, as Codat's own SDKs (Speakeasy) name them.

    Group: ``x-speakeasy-group``, else the first tag. Method: the operation's ``x-speakeasy-name-override``,
    else the spec's global override whose pattern matches, else the operationId. ``overrides`` (an API's
    ``operations`` in openapi/overrides.json) win over all of them. Operations that would share a method
    name within a group take their operationId's name instead (but for the one named after the group), so
    no table is ever needed.
    """
    overrides = overrides or {}
    proposed: dict[str, SdkName] = {}
    fallback: dict[str, str] = {}
    for path, item in (spec.get("paths") or {}).items():
        for method, op in (item or {}).items():
            if method not in HTTP_METHODS or not isinstance(op, dict) or op.get("x-speakeasy-ignore"):
                continue
            operation_id = str(op.get("operationId") or default_operation_id(method, path))
            entry = overrides.get(operation_id, {})
            name = op.get("x-speakeasy-name-override") or _global_override(spec, operation_id) or operation_id
            group = str(entry["group"]) if "group" in entry else _group(op, path)
            proposed[operation_id] = SdkName(group, str(entry.get("method") or identifier(str(name))))
            fallback[operation_id] = identifier(operation_id)
    taken: dict[tuple[str, str], list[str]] = {}
    for operation_id, name in proposed.items():
        if "method" not in overrides.get(operation_id, {}):
            taken.setdefault((name.group, name.method), []).append(operation_id)
    for (group, method), sharing in taken.items():
        keepers = [op_id for op_id in sharing if _names_its_group(op_id, method, group)]
        for operation_id in sharing if len(sharing) > 1 else ():
            if keepers != [operation_id]:
                proposed[operation_id] = SdkName(group, fallback[operation_id])
    # A class holds one method named like a builtin (see SHADOWING): the others take their operationId's name.
    builtins: dict[str, list[str]] = {}
    for operation_id, name in sorted(proposed.items()):
        if name.method in SHADOWING and "method" not in overrides.get(operation_id, {}):
            builtins.setdefault(name.group, []).append(operation_id)
    for group, named in builtins.items():
        keeper = next((op_id for op_id in named if _names_its_group(op_id, proposed[op_id].method, group)), named[0])
        for operation_id in named:
            if operation_id != keeper:
                proposed[operation_id] = SdkName(group, fallback[operation_id])
    return _unique_methods(proposed, overrides)


def _unique_methods(proposed: dict[str, SdkName], overrides: Mapping[str, Mapping[str, Any]]) -> dict[str, SdkName]:
    """Methods still sharing a name in a group (``get-widget``, ``getWidget``) get ``_2``, ``_3``... in
    operationId order; an override's name is kept as written."""
    taken = {(name.group, name.method) for op_id, name in proposed.items() if "method" in overrides.get(op_id, {})}
    for operation_id, name in sorted(proposed.items()):
        if "method" in overrides.get(operation_id, {}):
            continue
        method, counter = name.method, 2
        while (name.group, method) in taken:
            method, counter = f"{name.method}_{counter}", counter + 1
        taken.add((name.group, method))
        proposed[operation_id] = SdkName(name.group, method)
    return proposed


def module_names(operation_ids: Iterable[str]) -> dict[str, str]:
    """operationId -> the module of its operation: an identifier, unique (``_2``, ``_3``... in operationId order)."""
    modules: dict[str, str] = {}
    taken: set[str] = set()
    for operation_id in sorted(operation_ids):
        stem = identifier(operation_id)
        module, counter = stem, 2
        while module in taken:
            module, counter = f"{stem}_{counter}", counter + 1
        taken.add(module)
        modules[operation_id] = module
    return modules


def _singular(word: str) -> str:
    return word[:-3] + "y" if word.endswith("ies") else word.removesuffix("s")


def _names_its_group(operation_id: str, method: str, group: str) -> bool:
    """``list-companies`` as ``companies.list``: the operationId is the method plus the group's own name.

    When names collide, that operation keeps the short name, so adding an operation never renames it.
    """
    rest = identifier(operation_id).removeprefix(method + "_")
    own = group.rsplit(".", 1)[-1]
    return rest == own or _singular(rest) == _singular(own)
