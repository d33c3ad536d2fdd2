"""Schema-level constructs from Codat's other specs, fixed by normaliser passes, each on a small synthetic input."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_python_client.parser.properties import EnumProperty, ModelProperty

from codegen import normalise as n
from codegen.errors import GenerationError
from codegen.render import parse
from tests.codegen.synthetic_spec import DATE_TIME, document, ref


def _models(schemas: dict[str, Any]) -> dict[str, ModelProperty]:
    return {str(m.class_info.name): m for m in parse(n.normalise(document(schemas))).models}


def _types(model: ModelProperty) -> dict[str, str]:
    props = [*(model.required_properties or []), *(model.optional_properties or [])]
    return {str(p.python_name): str(p.get_type_string(no_optional=True).as_unembedded_code()) for p in props}


MISPLACED = {
    "Connection": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "additionalProperties": False},
    }
}


def test_additional_properties_written_inside_properties_parses_as_the_owners_keyword() -> None:
    with pytest.raises(GenerationError, match="additionalProperties"):
        parse(document(MISPLACED))  # what three corpus specs hit before the pass
    connection = _models(MISPLACED)["Connection"]
    assert _types(connection) == {"id": "str"}
    assert connection.additional_properties is not None  # false is then opened up, as everywhere


def test_the_owners_own_additional_properties_wins_over_a_misplaced_one() -> None:
    schema = {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "properties": {"additionalProperties": True},
    }
    hoisted = n.hoist_misplaced_additional_properties(document({"Map": schema}))
    assert hoisted["components"]["schemas"]["Map"] == {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "properties": {},
    }


def test_a_property_schema_named_additional_properties_is_left_alone() -> None:
    schema = {"type": "object", "properties": {"additionalProperties": {"type": "string"}}}
    assert _types(_models({"Thing": schema})["Thing"]) == {"additional_properties": "str"}


@pytest.mark.parametrize(
    "prop",
    [
        pytest.param({"allOf": [DATE_TIME, {"description": "Modified."}]}, id="typed then annotation"),
        pytest.param({"allOf": [{"description": "Modified."}, DATE_TIME]}, id="annotation then typed"),
        pytest.param({"description": "Modified.", "allOf": [DATE_TIME]}, id="sole member"),
        pytest.param({"allOf": [{"type": "string", "format": "date-time"}, {"nullable": True}]}, id="with format"),
    ],
)
def test_an_allof_of_string_schemas_is_a_string_never_an_object_class(prop: dict[str, Any]) -> None:
    models = _models({"Bill": {"type": "object", "properties": {"modifiedDate": prop}}})
    assert set(models) == {"Bill", "ErrorMessage"}  # no class for the property
    assert _types(models["Bill"])["modified_date"] in ("str", "datetime.datetime", "datetime.datetime | None")


def test_the_annotation_members_description_wins_when_merging() -> None:
    prop = {"allOf": [DATE_TIME, {"description": "Modified."}]}
    merged = n.merge_scalar_allof(document({"Bill": {"type": "object", "properties": {"d": prop}}}))
    assert merged["components"]["schemas"]["Bill"]["properties"]["d"]["description"] == "Modified."


def test_an_allof_with_an_object_member_stays_a_composition() -> None:
    schema = {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"description": "x"}]}
    merged = n.merge_scalar_allof(document({"Thing": schema}))
    assert "allOf" in merged["components"]["schemas"]["Thing"]


CLASHING = {
    "TransactionStatus": {"type": "string", "enum": ["Unknown", "Pending"]},
    "Transaction": {"type": "object", "properties": {"status": {"type": "string", "enum": ["Failed", "Done"]}}},
}


def _enums(schemas: dict[str, Any]) -> dict[str, list[Any]]:
    enums = parse(n.normalise(document(schemas))).enums
    return {str(e.class_info.name): sorted(e.values.values()) for e in enums if isinstance(e, EnumProperty)}


def test_enums_sharing_a_name_with_different_values_become_two_classes() -> None:
    with pytest.raises(GenerationError, match="conflicting enums named TransactionStatus"):
        parse(_without_pass(CLASHING))
    enums = _enums(CLASHING)
    assert enums["TransactionStatus"] == ["Pending", "Unknown"]  # the component keeps its documented name
    assert enums["TransactionStatus2"] == ["Done", "Failed"]


def _without_pass(schemas: dict[str, Any]) -> dict[str, Any]:
    """The spec normalised as it was before distinguish_clashing_enums existed."""
    spec = document(schemas)
    for normalisation_pass in n.PASSES:
        if normalisation_pass is not n.distinguish_clashing_enums:
            spec = normalisation_pass(spec)
    return spec


def test_clashing_enum_names_are_deterministic_and_never_reuse_a_taken_name() -> None:
    schemas = {
        **CLASHING,
        "TransactionStatus2": {"type": "string", "enum": ["Other"]},
        "Transaction": {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["Failed", "Done"]},
                "items": {"type": "array", "items": {"type": "string", "enum": ["A"]}},
            },
        },
    }
    first, second = _enums(schemas), _enums(schemas)
    assert first == second
    assert first["TransactionStatus3"] == ["Done", "Failed"]
    assert first["TransactionStatus2"] == ["Other"]
    assert first["TransactionItemsItem"] == ["A"]


def test_equal_enums_under_one_name_stay_one_class() -> None:
    schemas = {
        "ThingKind": {"type": "string", "enum": ["A", "B"]},
        "Thing": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["A", "B"]}}},
    }
    assert _enums(schemas) == {"ThingKind": ["A", "B"]}


def test_recursion_through_a_nullable_ref_needs_no_pass() -> None:
    node = {"type": "object", "properties": {"parent": {"allOf": [ref("Node")], "nullable": True}}}
    assert _types(_models({"Node": node})["Node"]) == {"parent": "Node | None"}
