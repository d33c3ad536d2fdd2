"""A shared schema's description is said once, on its type; each field says only its own (synthetic spec).

Before: upstream gave a property that ``$ref``s a schema the target's description, so a shared value
schema's text (Codat's ``DateTime``: 800 characters, HTML included) sat under every field using it, and
a field's own text beside its ``$ref`` was lost; Raises named only ``APIStatusError``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.codegen.synthetic_spec import ERROR, document, get, json_content, ref
from tests.generated_package import generate_package, importable

PACKAGE = "synthetic_descriptions"
SHARED = 'SHARED-TEXT: see the <a href="https://example.test/iso">ISO</a> standard.'
CHILD = "CHILD-TEXT about the child model."
OWN = "When it was seen."

SCHEMAS: dict[str, Any] = {
    "Stamp": {"type": "string", "description": SHARED},
    "Child": {"type": "object", "description": CHILD, "properties": {"label": {"type": "string"}}},
    "Thing": {
        "type": "object",
        "description": "A **thing**, see [docs](/things).",
        "properties": {
            "at": ref("Stamp"),
            "seen": {**ref("Stamp"), "description": OWN},
            "maybe": {**ref("Stamp"), "nullable": True},
            "child": ref("Child"),
        },
    },
}


def _operation() -> dict[str, Any]:
    operation = get("get-thing", ref("Thing"))
    operation["parameters"] = [{"name": "since", "in": "query", "schema": ref("Stamp")}]
    operation["responses"].update({"404": ERROR, "418": {"description": "A teapot. Really.", **{}}})
    operation["responses"]["418"]["content"] = json_content(ref("ErrorMessage"))
    return operation


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    out: Path = tmp_path_factory.mktemp("descriptions")
    generate_package(document(SCHEMAS, [("/thing", "get", _operation())]), out, PACKAGE)
    with importable(out):
        yield importlib.import_module(PACKAGE)


def test_a_field_does_not_repeat_its_types_description(package: Any) -> None:
    doc = inspect.getdoc(importlib.import_module(f"{PACKAGE}.models").Thing) or ""
    assert "SHARED-TEXT" not in doc
    assert "CHILD-TEXT" not in doc
    assert OWN in doc
    assert doc.count("``Stamp``") == 3  # at, seen, maybe name the shared type


def test_the_shared_description_is_said_once_on_the_models_package_as_plain_text(package: Any) -> None:
    doc = inspect.getdoc(importlib.import_module(f"{PACKAGE}.models")) or ""
    assert doc.count("SHARED-TEXT") == 1
    assert "ISO (https://example.test/iso)" in doc
    assert "<a" not in doc


def test_a_models_own_description_stays_on_it_as_plain_text(package: Any) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    assert CHILD in (inspect.getdoc(models.Child) or "")
    assert "A thing, see docs (https://docs.codat.io/things)." in (inspect.getdoc(models.Thing) or "")


def test_a_parameter_does_not_repeat_its_types_description(package: Any) -> None:
    resources = importlib.import_module(f"{PACKAGE}.resources.things")
    doc = inspect.getdoc(resources.ThingsResource.get_thing) or ""
    assert "SHARED-TEXT" not in doc
    assert "since (str | Unset)" in doc
    assert "A ``Stamp``" in doc


def test_raises_names_each_documented_status_with_its_class(package: Any) -> None:
    resources = importlib.import_module(f"{PACKAGE}.resources.things")
    for method in (resources.ThingsResource.get_thing, resources.AsyncThingsResource.get_thing):
        raises = (inspect.getdoc(method) or "").split("Raises:", 1)[1]
        assert "codat_sdk.BadRequestError: 400: Error." in raises
        assert "codat_sdk.NotFoundError: 404: Error." in raises
        assert "codat_sdk.UnexpectedStatusError: 418: A teapot." in raises
