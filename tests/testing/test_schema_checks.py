"""The sandbox's schema checks agree with jsonschema on the keywords route tables keep.

Hypothesis draws JSON values; for each schema below (route-table form: component refs by name), the
runtime check accepts exactly the values jsonschema (Draft 2020-12) accepts. Formats are checked apart:
jsonschema checks them only with optional libraries, and more loosely than Codat (a uuid without dashes).
"""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from codat_sdk.testing._routes import find_problem

COMPONENTS: dict[str, Any] = {
    "Status": {"type": "string", "enum": ["Active", "Archived"]},
    "Leaf": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 0}}},
    "Node": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "Node"}}},
    },
}
CLOSED = {"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}, "additionalProperties": False}
SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "minLength": 2, "maxLength": 4},
    {"type": "string", "pattern": "^[a-z]+$"},
    {"type": "integer", "minimum": -3, "maximum": 5},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5},
    {"type": "boolean"},
    {"type": ["string", "null"]},
    {"enum": ["a", 1, None]},
    {"const": "x"},
    {"const": 1},
    {"$ref": "Status"},
    {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3},
    CLOSED,
    {"type": "object", "additionalProperties": {"type": "integer"}},
    {"allOf": [{"$ref": "Leaf"}, {"type": "object", "properties": {"id": {"maximum": 9}}}]},
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"anyOf": [{"$ref": "Status"}, {"type": "null"}]},
    {"oneOf": [{"$ref": "Leaf"}]},
    {"$ref": "Node"},
]

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-10, 10)
    | st.floats(-3, 3, allow_nan=False)
    | st.sampled_from(["", "a", "ab", "abcd", "abcde", "A1", "x", "Active", "Gone"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "id", "name", "children"]), inner, max_size=3)
    ),
    max_leaves=8,
)


def _as_json_schema(node: Any) -> Any:
    """Route-table refs (``{"$ref": "Leaf"}``) as JSON Schema refs into ``$defs``."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {k: (f"#/$defs/{v}" if k == "$ref" else _as_json_schema(v)) for k, v in node.items()}


def _jsonschema_accepts(schema: dict[str, Any], value: Any) -> bool:
    document = {**_as_json_schema(schema), "$defs": _as_json_schema(COMPONENTS)}
    return jsonschema.Draft202012Validator(document).is_valid(value)


@settings(max_examples=300, deadline=None)
@given(schema=st.sampled_from(SCHEMAS), value=JSON_VALUES)
# true == 1 in Python, not in JSON: the enum and const checks once let true through for 1.
@example(schema={"enum": ["a", 1, None]}, value=True)
@example(schema={"const": "x"}, value=["x"])
def test_the_checks_accept_exactly_what_jsonschema_accepts(schema: dict[str, Any], value: Any) -> None:
    assert (find_problem(value, schema, COMPONENTS) is None) == _jsonschema_accepts(schema, value)


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("uuid", "8a210b68-6988-11ed-a1eb-0242ac120002", "8a210b68698811eda1eb0242ac120002"),
        ("date-time", "2024-01-01T10:00:00Z", "yesterday"),
        ("date", "2024-02-29", "2023-02-29"),
    ],
)
def test_formats_are_checked(fmt: str, good: str, bad: str) -> None:
    schema = {"type": "string", "format": fmt}
    assert find_problem(good, schema, {}) is None
    problem = find_problem(bad, schema, {})
    assert problem is not None and problem.where == ""


@pytest.mark.parametrize("fmt", ["uri", "email", "hostname"])
def test_formats_codat_keeps_as_strings_take_any_string(fmt: str) -> None:
    assert find_problem("", {"type": "string", "format": fmt}, {}) is None


def test_int32_is_a_range() -> None:
    schema = {"type": "integer", "format": "int32"}
    assert find_problem(2**31 - 1, schema, {}) is None
    assert find_problem(2**31, schema, {}) is not None


def test_problems_name_the_field_and_never_its_value() -> None:
    value = {"a": "s3cr3t-value", "children": [{"name": 5}]}
    problem = find_problem(value, {"$ref": "Node"}, COMPONENTS)
    assert problem is not None and problem.where == "children[0].name"
    problem = find_problem({"a": "s3cr3t-value"}, CLOSED, COMPONENTS)
    assert problem is None
    problem = find_problem({"a": "s3cr3t-value", "b": 1}, CLOSED, COMPONENTS)
    assert problem is not None and problem.where == "b" and "s3cr3t" not in str(problem)


def test_nullable_and_read_only_are_read_as_openapi_means_them() -> None:
    schema = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "string", "readOnly": True}, "name": {"type": "string", "nullable": True}},
    }
    assert find_problem({"name": None}, schema, {}) is None  # a request leaves the read-only id out
    problem = find_problem({"id": "x"}, schema, {})
    assert problem is not None and problem.where == "name"
