"""Facts about the pinned specs, read from the specs: tests compare against these, never against a copy.

A test that types in an enum's members, an operation count or the deprecated operations fails the day
Codat changes them, and rolls back a bump that should have landed. Read them here instead (through
``codegen.source``, skipping when no spec source is configured).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from enum import Enum
from typing import Any

import pytest

from codegen import apidiff, source
from codegen.normalise import normalise, pointer_tokens, resolve

NO_SOURCE = "no spec source: set CODAT_SPEC_SOURCE or provide ../shared/openapi/ (the pinned Codat specs)"


@functools.cache
def normalised(api: str) -> dict[str, Any]:
    """The pinned spec of ``api`` as the generator sees it (component names are the model names)."""
    where = source.default_source()
    if where is None:
        pytest.skip(NO_SOURCE)
    return normalise(source.load_pinned(source.load_pins()[api], where))


def enum_values(api: str, model: str) -> set[Any]:
    """The values the spec documents for the enum generated as ``model``."""
    schema = normalised(api)["components"]["schemas"][model]
    return {value for value in schema["enum"] if value is not None}


def unknown_value(known: Iterable[Any]) -> str:
    """A string value the enum does not document (what a newer Codat may send), whatever its members."""
    values = {member.value if isinstance(member, Enum) else member for member in known}
    candidate = "NotYetDocumented"
    while candidate in values:
        candidate += "X"
    return candidate


def parameter_schema(api: str, operation_id: str, name: str) -> dict[str, Any]:
    """The schema of an operation's parameter ``name`` (component refs followed)."""
    spec = normalised(api)
    _path, _method, operation, item = apidiff.operations_by_id(spec)[operation_id]
    for raw in [*(operation.get("parameters") or []), *(item.get("parameters") or [])]:
        param = raw
        for _hop in range(10):  # a component parameter is one ref away; a cycle must not hang the test
            if not (isinstance(param, dict) and "$ref" in param):
                break
            param = resolve(spec, pointer_tokens(param["$ref"]) or ())
        if isinstance(param, dict) and param.get("name") == name:
            schema: dict[str, Any] = param.get("schema", {})
            return schema
    raise KeyError(f"{api} {operation_id} has no parameter {name!r}")


def page_size_bounds(api: str, operation_id: str) -> tuple[int, int, int]:
    """(default, minimum, maximum) of a paged operation's ``pageSize``, as the spec declares them."""
    schema = parameter_schema(api, operation_id, "pageSize")
    return int(schema["default"]), int(schema["minimum"]), int(schema["maximum"])
