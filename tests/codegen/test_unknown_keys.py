"""Unknown keys, found by counting: a decoded model's ``additional_properties`` holds exactly the keys its
schema does not declare, whichever declared keys are present, absent or null.

``_from_dict`` counts the optional keys it finds absent and compares lengths instead of testing every
key against the declared set (codegen/decoding.py, ``model_plan``). These tests generate a package from
a synthetic spec holding every kind of optional property, then decode objects Hypothesis builds from
any mix of present, absent and null declared keys plus unknown ones. A model with a property left to
upstream's macro keeps the set test, and so does one whose extra values are decoded one by one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codat_sdk import DecodeError
from codegen.decoding import model_plan
from codegen.normalise import normalise
from codegen.render import parse
from tests.codegen.synthetic_spec import document, ref
from tests.generated_package import generate_package, importable, mypy_problems, ruff_problems

PACKAGE = "synthetic_unknown_keys"
OWNER_ID = "8a210b68-6988-11ed-a1eb-0242ac120002"

PART = {"type": "object", "required": ["label"], "properties": {"label": {"type": "string"}}}
# Each optional property kind with a valid JSON value for it; the nullable ones may also be null.
OPTIONAL: dict[str, tuple[dict[str, Any], Any]] = {
    "note": ({"type": "string"}, "text"),
    "nickname": ({"type": ["string", "null"]}, "Nick"),
    "score": ({"type": "number"}, 1.5),
    "anything": ({}, [1, {"a": None}]),
    "ownerId": ({"type": "string", "format": "uuid"}, OWNER_ID),
    "kind": (ref("Kind"), "Small"),
    "part": ({"allOf": [ref("Part")], "nullable": True}, {"label": "wheel"}),
    "parts": ({"type": "array", "items": ref("Part")}, [{"label": "spoke"}]),
    "tags": ({"type": "array", "items": {"type": "string"}}, ["a"]),
}
NULLABLE = frozenset({"nickname", "part"})

SCHEMAS: dict[str, Any] = {
    "Kind": {"type": "string", "enum": ["Small", "Large"]},
    "Part": PART,
    "Other": {"type": "object", "properties": {"size": {"type": "integer"}}},
    "Record": {
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string"}, **{name: schema for name, (schema, _) in OPTIONAL.items()}},
    },
    "RequiredOnly": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
    "Labelled": {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "additionalProperties": {"type": "string"},
    },
    # Models whose module names are names their own decoder uses (a builtin, a runtime helper).
    "List": {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "string"}}}},
    "WrongType": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    # A union of two models is decoded by upstream's macro, so nothing counts its absence.
    "Either": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "choice": {"oneOf": [ref("Part"), ref("Other")]}},
    },
}
DECLARED = frozenset({"id", *OPTIONAL})


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("unknown_keys")
    generate_package(document(SCHEMAS), out, PACKAGE)
    with importable(out):
        yield out


def _model(name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def _plan(name: str) -> Any:
    data = parse(normalise(document(SCHEMAS)))
    return model_plan(next(model for model in data.models if model.class_info.name == name))


def test_the_generated_package_is_ruff_and_mypy_strict_clean(generated: Path) -> None:
    assert ruff_problems(generated / PACKAGE) == ""
    assert mypy_problems(generated, PACKAGE) == []


def test_a_model_decoded_here_counts_instead_of_testing_every_key() -> None:
    record = "\n".join(_plan("Record").extra)
    assert f"if len(src_dict) == {len(DECLARED)} - absent:" in record
    assert "keys()" not in record
    assert _plan("RequiredOnly").extra[1] == "if len(src_dict) == 1:"
    assert not _plan("RequiredOnly").counts_absent


def test_a_model_with_a_property_left_to_upstream_keeps_the_set_test() -> None:
    either = _plan("Either")
    assert any(field.upstream for field in either.fields)
    assert "if src_dict.keys() <= _PROPERTY_NAMES:" in either.extra
    assert not either.counts_absent
    assert not any("absent" in line for field in either.fields for line in field.lines)


def _unknown_keys(declared: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Keys no property of the model declares, with JSON values."""
    return st.dictionaries(
        st.text(min_size=1, max_size=8).filter(lambda key: key not in declared),
        st.one_of(st.none(), st.integers(), st.text(max_size=4), st.lists(st.integers(), max_size=2)),
        max_size=3,
    )


unknown_keys = _unknown_keys(DECLARED)


@st.composite
def records(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A Record's JSON (declared keys in any state, unknown keys mixed in) and its unknown keys."""
    data: dict[str, Any] = {"id": draw(st.text(max_size=4))}
    for name, (_, valid) in OPTIONAL.items():
        state = draw(st.sampled_from(["absent", "present", "null"] if name in NULLABLE else ["absent", "present"]))
        if state != "absent":
            data[name] = valid if state == "present" else None
    unknown = draw(unknown_keys)
    mixed = list({**data, **unknown}.items())
    return dict(draw(st.permutations(mixed))), unknown


@settings(max_examples=300, deadline=None)
@given(records())
def test_additional_properties_are_exactly_the_unknown_keys(generated: Path, drawn: Any) -> None:
    data, unknown = drawn
    record = _model("Record").from_dict(data)
    assert record.additional_properties == unknown
    assert record.to_dict() == data


@settings(max_examples=100, deadline=None)
@given(st.booleans(), unknown_keys)
def test_a_model_with_required_keys_only_finds_unknown_keys(generated: Path, has_id: bool, unknown: Any) -> None:
    data = {**({"id": "x"} if has_id else {}), **unknown}
    if not has_id:
        with pytest.raises(DecodeError, match=r"^id: missing, a required field of RequiredOnly$"):
            _model("RequiredOnly").from_dict(data)
        return
    assert _model("RequiredOnly").from_dict(data).additional_properties == unknown


@settings(max_examples=100, deadline=None)
@given(st.booleans(), st.dictionaries(st.text(min_size=1, max_size=4).filter(lambda k: k != "name"), st.text()))
def test_typed_extra_values_are_still_checked_when_counted(generated: Path, named: bool, extra: Any) -> None:
    data = {**({"name": "n"} if named else {}), **extra}
    assert _model("Labelled").from_dict(data).additional_properties == extra
    if extra:
        key = next(iter(extra))
        with pytest.raises(DecodeError, match=f"^{re.escape(key)}: expected string, got integer$"):
            _model("Labelled").from_dict({**data, key: 1})


@settings(max_examples=100, deadline=None)
@given(st.booleans(), _unknown_keys(frozenset({"name", "choice"})))
def test_the_set_test_still_finds_unknown_keys_next_to_an_upstream_property(
    generated: Path, chosen: bool, unknown: Any
) -> None:
    data = {"name": "n", **({"choice": {"label": "x"}} if chosen else {}), **unknown}
    assert _model("Either").from_dict(data).additional_properties == unknown


def test_a_model_named_after_a_name_its_decoder_uses_still_decodes(generated: Path) -> None:
    """Before, the instance's variable took the module's name, shadowing ``list`` or ``wrong_type``."""
    assert _model("List").from_dict({"items": ["a"], "x": 1}).additional_properties == {"x": 1}
    with pytest.raises(DecodeError, match=r"^items: expected array of string, got object$"):
        _model("List").from_dict({"items": {}})
    with pytest.raises(DecodeError, match=r"^name: expected string, got integer$"):
        _model("WrongType").from_dict({"name": 1})
