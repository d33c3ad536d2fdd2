"""Golden tests of codegen.decoding: each property kind, from a one-property synthetic schema, to the
``_from_dict`` lines the model template renders."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.decoding import _DECODER_LOCALS, field_plan, model_plan
from codegen.normalise import normalise
from codegen.render import parse
from tests.codegen.synthetic_spec import document, ref

LEAF = {"type": "object", "properties": {"id": {"type": "string"}}}
STATUS = {"type": "string", "enum": ["A", "B"]}


def _model(prop: dict[str, Any], required: bool = False, **more: Any) -> Any:
    schema = {"type": "object", "properties": {"p": prop}, **({"required": ["p"]} if required else {})}
    data = parse(normalise(document({"M": schema, "Leaf": LEAF, "Status": STATUS, **more})))
    return next(model for model in data.models if model.class_info.name == "M")


def _lines(prop: dict[str, Any], required: bool = False) -> str:
    model = _model(prop, required)
    return "\n".join(field_plan([*model.required_properties, *model.optional_properties][0], "m").lines)


PLAIN = {
    "string": ({"type": "string"}, "str", "string"),
    "integer": ({"type": "integer"}, "int", "integer"),
    "boolean": ({"type": "boolean"}, "bool", "boolean"),
}


@pytest.mark.parametrize("kind", PLAIN)
def test_a_required_scalar_is_checked_by_its_class(kind: str) -> None:
    prop, python_type, expected = PLAIN[kind]
    assert _lines(prop, required=True) == (
        '_p = src_dict["p"]\n'
        f"if _p.__class__ is not {python_type}:\n"
        f'    raise wrong_type("p", {expected!r}, _p)\n'
        "m.p = _p"
    )


def test_a_number_takes_floats_and_ints() -> None:
    assert "if _p.__class__ is not float and _p.__class__ is not int and _p is not UNSET:" in _lines({"type": "number"})


def test_an_optional_nullable_string_checks_the_class_first_then_null_then_unset() -> None:
    assert _lines({"type": ["string", "null"]}) == (
        '_p = src_dict.get("p", UNSET)\n'
        "if _p.__class__ is not str and _p is not None and _p is not UNSET:\n"
        "    raise wrong_type(\"p\", 'string or null', _p)\n"
        "m.p = _p"
    )


def test_any_value_is_stored_unchecked() -> None:
    assert _lines({}) == 'm.p = src_dict.get("p", UNSET)'


CONVERTED = {
    "uuid": ({"type": "string", "format": "uuid"}, "parse_uuid(_p)", "uuid string"),
    "date-time": ({"type": "string", "format": "date-time"}, "parse_datetime(_p)", "date-time string"),
    "date": ({"type": "string", "format": "date"}, "parse_date(_p)", "date string"),
    "enum": (ref("Status"), "(_STATUS_BY_VALUE.get(_p) or Status(_p))", "Status value"),
    "model": (ref("Leaf"), "_DECODE_LEAF(_p)", "object (Leaf)"),
}


@pytest.mark.parametrize("kind", CONVERTED)
def test_a_required_converted_value_says_where_it_failed(kind: str) -> None:
    prop, expression, expected = CONVERTED[kind]
    assert _lines(prop, required=True) == (
        '_p = src_dict["p"]\n'
        "try:\n"
        f"    _p = {expression}\n"
        "except DECODE_ERRORS as exc:\n"
        f'    reraise_at(exc, "p", {expected!r}, _p)\n'
        "m.p = _p"
    )


def test_dates_are_decoded_by_the_imported_runtime_helper_never_a_bare_isoparse() -> None:
    for prop in ({"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}):
        assert "isoparse" not in _lines(prop)


def test_an_optional_nullable_model_converts_only_a_present_non_null_value() -> None:
    assert _lines({"allOf": [ref("Leaf")], "nullable": True}) == (
        '_p = src_dict.get("p", UNSET)\n'
        "if _p is not UNSET and _p is not None:\n"
        "    try:\n"
        "        _p = _DECODE_LEAF(_p)\n"
        "    except DECODE_ERRORS as exc:\n"
        "        reraise_at(exc, \"p\", 'object (Leaf) or null', _p)\n"
        "m.p = _p"
    )


def test_an_array_of_strings_is_checked_item_by_item_by_the_runtime() -> None:
    assert "_p = check_list(_p, (str,), 'string')" in _lines({"type": "array", "items": {"type": "string"}})


@pytest.mark.parametrize(
    ("items", "expression", "redo"),
    [
        (
            ref("Leaf"),
            "[_DECODE_LEAF(item0) for item0 in _p]",
            "lambda item0: decode_list(item0, _DECODE_LEAF, 'object (Leaf)')",
        ),
        (
            ref("Status"),
            "[(_STATUS_BY_VALUE.get(item0) or Status(item0)) for item0 in _p]",
            "lambda item0: decode_list(item0, lambda item1: (_STATUS_BY_VALUE.get(item1) or Status(item1)),"
            " 'Status value')",
        ),
        (
            {"type": "array", "items": ref("Leaf")},
            "[decode_list(item0, _DECODE_LEAF, 'object (Leaf)') for item0 in _p]",
            "lambda item0: decode_list(item0, lambda item1: decode_list(item1, _DECODE_LEAF, 'object (Leaf)'),"
            " 'array of object (Leaf)')",
        ),
    ],
    ids=["models", "enums", "arrays of models"],
)
def test_an_array_of_converted_items_is_a_comprehension_after_a_list_check(
    items: Any, expression: str, redo: str
) -> None:
    lines = _lines({"type": "array", "items": items}, required=True)
    assert lines == (
        '_p = src_dict["p"]\n'
        "if _p.__class__ is not list:\n"
        f'    raise wrong_type("p", {_expected(items)!r}, _p)\n'
        "try:\n"
        f"    _p = {expression}\n"
        "except DECODE_ERRORS as exc:\n"
        f'    reraise_at(exc, "p", {_expected(items)!r}, _p, {redo})\n'
        "m.p = _p"
    )


def _expected(items: Any) -> str:
    if items == ref("Leaf"):
        return "array of object (Leaf)"
    if items == ref("Status"):
        return "array of Status value"
    return "array of array of object (Leaf)"


def _extra(additional: Any) -> tuple[str, ...]:
    schema = {"type": "object", "additionalProperties": additional}
    data = parse(normalise(document({"M": schema, "Leaf": LEAF})))
    return model_plan(next(model for model in data.models if model.class_info.name == "M")).extra


def test_typed_additional_properties_of_a_scalar_are_checked_in_place() -> None:
    assert _extra({"type": "string"}) == (
        "m.additional_properties = extra = {**src_dict}",
        "for value in extra.values():",
        "    if value.__class__ is not str:",
        "        raise wrong_type(next(key for key in extra if extra[key] is value), 'string', value)",
    )


def test_typed_additional_properties_of_a_model_are_decoded_by_the_runtime() -> None:
    assert _extra(ref("Leaf")) == (
        "m.additional_properties = decode_map(src_dict, _PROPERTY_NAMES, _DECODE_LEAF, 'object (Leaf)')",
    )


def test_untyped_additional_properties_are_copied() -> None:
    assert _extra(True) == ("m.additional_properties = {**src_dict}",)


def test_a_recursive_model_decodes_through_its_own_bound_decoder() -> None:
    node = {"type": "object", "properties": {"children": {"type": "array", "items": ref("Node")}}}
    data = parse(normalise(document({"Node": node})))
    model = next(model for model in data.models if model.class_info.name == "Node")
    assert "[_DECODE_NODE(item0) for item0 in _children]" in "\n".join(model_plan(model).fields[0].lines)


def test_a_union_of_scalars_accepts_the_classes_of_each_member() -> None:
    assert _lines({"anyOf": [{"type": "string"}, {"type": "boolean"}], "nullable": True}) == (
        '_p = src_dict.get("p", UNSET)\n'
        "if _p.__class__ is not str and _p.__class__ is not bool and _p is not None and _p is not UNSET:\n"
        "    raise wrong_type(\"p\", 'string or boolean or null', _p)\n"
        "m.p = _p"
    )


def _counted(prop: dict[str, Any]) -> str:
    model = _model(prop)
    return "\n".join(field_plan(model.optional_properties[0], "m", count_absent=True).lines)


def test_a_counted_optional_scalar_counts_only_when_its_class_is_not_the_declared_one() -> None:
    assert _counted({"type": ["string", "null"]}) == (
        '_p = src_dict.get("p", UNSET)\n'
        "if _p.__class__ is not str:\n"
        "    if _p is UNSET:\n"
        "        absent += 1\n"
        "    elif _p is not None:\n"
        "        raise wrong_type(\"p\", 'string or null', _p)\n"
        "m.p = _p"
    )
    assert "    else:\n        raise wrong_type(\"p\", 'integer', _p)" in _counted({"type": "integer"})


def test_a_counted_optional_converted_value_counts_in_the_branch_that_skips_it() -> None:
    assert _counted({"allOf": [ref("Leaf")], "nullable": True}) == (
        '_p = src_dict.get("p", UNSET)\n'
        "if _p is UNSET:\n"
        "    absent += 1\n"
        "elif _p is not None:\n"
        "    try:\n"
        "        _p = _DECODE_LEAF(_p)\n"
        "    except DECODE_ERRORS as exc:\n"
        "        reraise_at(exc, \"p\", 'object (Leaf) or null', _p)\n"
        "m.p = _p"
    )
    assert _counted({}) == '_p = src_dict.get("p", UNSET)\nif _p is UNSET:\n    absent += 1\nm.p = _p'


def test_the_instance_variable_is_never_a_local_of_the_decoder() -> None:
    for name in ("Absent", "Extra", "Value", "List", "Type", "WrongType", "ParseUuid", "NewInstance"):
        data = parse(normalise(document({name: LEAF})))
        model = next(model for model in data.models if model.class_info.name == name)
        instance = model_plan(model).instance
        assert instance not in _DECODER_LOCALS
        assert instance.removesuffix("_instance") == model.class_info.module_name
