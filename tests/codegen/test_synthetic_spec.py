"""The synthetic spec (tests/codegen/synthetic_spec.py: every property kind and schema construct) generates
a package that ruff and mypy --strict accept, that round-trips a body through every model, and whose
models reject each contradicting value with its path."""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from codat_sdk import DecodeError
from codegen.generate import generate_spec
from codegen.normalise import normalise
from tests.codegen.synthetic_spec import SCHEMAS, synthetic_spec

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "codat_sdk_synthetic_models"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The synthetic spec generated (zero-config) into a temporary directory, importable while the tests run."""
    out = tmp_path_factory.mktemp("synthetic")
    spec = out / "synthetic.json"
    spec.write_text(json.dumps(synthetic_spec()), encoding="utf-8")
    generate_spec(str(spec), out / "gen", package_name=PACKAGE)
    sys.path.insert(0, str(out / "gen"))
    try:
        yield out / "gen"
    finally:
        sys.path.remove(str(out / "gen"))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _tool(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_accepts_the_generated_package(generated: Path) -> None:
    import tomllib

    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ignored = settings["tool"]["ruff"]["lint"]["per-file-ignores"]["generated/**"]  # as for generated/
    config = ["--config", str(ROOT / "pyproject.toml"), "--extend-ignore", ",".join(ignored)]
    done = _tool(sys.executable, "-m", "ruff", "check", *config, str(generated / PACKAGE), cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_accepts_the_generated_package(generated: Path) -> None:
    config = ["--config-file", str(ROOT / "pyproject.toml")]
    done = _tool(sys.executable, "-m", "mypy", "--strict", *config, "-p", PACKAGE, cwd=generated)
    assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------------------------ bodies from the schemas


# The spec's schemas, and the error model the normaliser supplies when a spec has none.
ALL_SCHEMAS = {**SCHEMAS, "ErrorMessage": normalise(synthetic_spec())["components"]["schemas"]["ErrorMessage"]}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = ALL_SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    if schema.get("anyOf"):
        schema = _resolve(schema["anyOf"][0])
    members = schema.get("allOf")
    if members:  # the spec's allOf are a ref made nullable, or value schemas with annotations
        merged: dict[str, Any] = {}
        for member in members:
            merged.update(_resolve(member))
        return {**merged, **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema


SCALARS: dict[tuple[str, str | None], Any] = {
    ("string", None): "text",
    ("string", "uuid"): "8a210b68-6988-11ed-a1eb-0242ac120002",
    ("string", "date-time"): "2022-10-27T10:22:43.6464237Z",
    ("string", "date"): "2022-10-23",
    ("integer", None): 7,
    ("number", "decimal"): 2.5,
    ("boolean", None): True,
}


def body(schema: dict[str, Any], depth: int = 0, nulls: bool = False) -> Any:
    """A JSON value fitting ``schema``: every property filled (``nulls``: nullable ones null instead)."""
    schema = _resolve(schema)
    kind = schema.get("type")
    nullable = schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind)
    if nulls and nullable:
        return None
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if "enum" in schema:
        return schema["enum"][depth % len(schema["enum"])]
    if kind == "array":
        return [] if depth > 2 else [body(schema["items"], depth + 1, nulls)]
    if kind == "object" or "properties" in schema:
        if depth > 2:  # recursion: only the required properties
            return {name: body(schema["properties"][name], depth + 1, nulls) for name in schema.get("required", [])}
        value = {
            name: body(prop, depth + 1, nulls)
            for name, prop in schema.get("properties", {}).items()
            if isinstance(prop, dict)
        }
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            value["someKey"] = body(extra, depth + 1, nulls)
        return value
    if not kind:
        return {"any": [1, "two", None]}
    return SCALARS[(kind, schema.get("format"))]


def _models(package: str) -> dict[str, Any]:
    module = importlib.import_module(f"{package}.models")
    found: dict[str, Any] = {}
    for info in pkgutil.iter_modules(module.__path__):
        sub = importlib.import_module(f"{package}.models.{info.name}")
        for name, value in inspect.getmembers(sub, inspect.isclass):
            if value.__module__ == sub.__name__ and attrs.has(value):
                found[name] = value
    return found


def _reached(value: Any, seen: set[str]) -> None:
    if attrs.has(type(value)):
        seen.add(type(value).__name__)
        for attribute in attrs.fields(type(value)):
            _reached(getattr(value, attribute.name), seen)
    elif isinstance(value, dict):
        for item in value.values():
            _reached(item, seen)
    elif isinstance(value, list):
        for item in value:
            _reached(item, seen)


COMPONENT_MODELS = [name for name, schema in ALL_SCHEMAS.items() if "enum" not in schema]


@pytest.mark.parametrize("nulls", [False, True], ids=["filled", "nulls"])
def test_a_body_round_trips_through_every_model(generated: Path, nulls: bool) -> None:
    models = _models(PACKAGE)
    reached: set[str] = set()
    for name in COMPONENT_MODELS:
        data = body(ALL_SCHEMAS[name], nulls=nulls)
        decoded = models[name].from_dict(copy.deepcopy(data))
        encoded = decoded.to_dict()
        json.dumps(encoded)  # plain JSON: no UNSET, no datetime left
        assert models[name].from_dict(encoded) == decoded
        assert copy.deepcopy(decoded) == decoded
        _reached(decoded, reached)
    # Multipart bodies (a file and form fields) are sent as forms, never decoded from JSON.
    json_models = {name for name, model in models.items() if not hasattr(model, "to_multipart")}
    assert reached == json_models, f"models no body reached: {sorted(json_models - reached)}"


def test_decoded_values_have_their_declared_python_types(generated: Path) -> None:
    from datetime import date, datetime
    from uuid import UUID

    kitchen = _models(PACKAGE)["Kitchen"].from_dict(body(SCHEMAS["Kitchen"]))
    assert isinstance(kitchen.id, UUID)
    assert isinstance(kitchen.created, datetime) and isinstance(kitchen.day, date)
    assert isinstance(kitchen.modified_date, str) and isinstance(kitchen.source_modified_date, str)
    assert type(kitchen.grid[0][0]).__name__ == "Leaf"
    assert type(kitchen.leaf_map["someKey"]).__name__ == "Leaf"
    assert kitchen.labels["someKey"] == "text"
    assert type(kitchen.tree.children[0]).__name__ == "Node"


CONTRADICTIONS = [
    ("name", 1, "name: expected string, got integer"),
    ("count", "1", "count: expected integer, got string"),
    ("count", True, "count: expected integer, got boolean"),
    ("ratio", "x", "ratio: expected number, got string"),
    ("enabled", 1, "enabled: expected boolean, got integer"),
    ("status", 5, "status: expected Status value, got integer"),
    ("note", 1, "note: expected string or null, got integer"),
    ("maybeCount", "1", "maybeCount: expected integer or null, got string"),
    ("created", 5, "created: expected date-time string, got integer"),
    ("day", "someday", "day: expected date string, got string that is not one"),
    ("tags", "x", "tags: expected array of string, got string"),
    ("statuses", "Active", "statuses: expected array of Status value, got string"),
    ("ids", ["nope"], "ids[0]: expected uuid string, got string that is not one"),
    ("leaves", [{"id": 1}], "leaves[0].id: expected uuid string, got integer"),
    (
        "grid",
        [[{"id": "8a210b68-6988-11ed-a1eb-0242ac120002"}, {}]],
        "grid[0][1].id: missing, a required field of Leaf",
    ),
    ("labels", {"a": 1}, "labels.a: expected string, got integer"),
    ("leafMap", {"k": {"id": 5}}, "leafMap.k.id: expected uuid string, got integer"),
    ("statusMap", {"k": []}, "statusMap.k: expected Status value, got array"),
    ("inline", {"depth": "x"}, "inline.depth: expected integer, got string"),
    ("tree", {"name": "a", "children": [{"name": 1}]}, "tree.children[0].name: expected string, got integer"),
    ("maybeLeaf", [], "maybeLeaf: expected object (Leaf), got array"),  # the nested model's own check
]


@pytest.mark.parametrize(("key", "value", "message"), CONTRADICTIONS, ids=[c[2].split(":")[0] for c in CONTRADICTIONS])
def test_each_kind_rejects_a_contradicting_value_with_its_path(
    generated: Path, key: str, value: Any, message: str
) -> None:
    kitchen = _models(PACKAGE)["Kitchen"]
    with pytest.raises(DecodeError) as caught:
        kitchen.from_dict({**body(SCHEMAS["Kitchen"]), key: value})
    assert str(caught.value) == message


def test_unknown_keys_and_enum_values_stay_tolerated(generated: Path) -> None:
    kitchen = _models(PACKAGE)["Kitchen"]
    data = {**body(SCHEMAS["Kitchen"]), "status": "Brand new", "statuses": ["Later"], "futureField": {"x": 1}}
    decoded = kitchen.from_dict(data)
    assert decoded.status.value == "Brand new" and decoded["futureField"] == {"x": 1}


def test_enums_sharing_a_name_keep_their_own_values(generated: Path) -> None:
    enums = importlib.import_module(f"{PACKAGE}.models")
    assert sorted(member.value for member in enums.OrderStatus) == sorted(SCHEMAS["OrderStatus"]["enum"])
    inline = SCHEMAS["Order"]["properties"]["status"]["enum"]
    assert sorted(member.value for member in enums.OrderStatus2) == sorted(inline)
