"""Operations whatever their operationId: missing, not an identifier, a keyword, or two that snake_case alike.

Each operation's module was ``snake(operationId)``: ``get.thing`` or ``Get thing`` made a module no import
can name (ruff then failed with a traceback), ``class`` a keyword, and ``get-widget`` / ``getWidget`` one
module written twice, the second overwriting the first. A spec without an operationId was a ``KeyError``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from codegen.naming import derived_names, module_names
from codegen.normalise import default_operation_id, normalise
from tests.codegen.synthetic_spec import document, json_content, ok, operation, ref
from tests.e2e.spec_support import reference_rows
from tests.generated_package import generate_package, import_every_module, importable, mypy_problems, ruff_problems

PACKAGE = "synthetic_operation_names"
LEAF = {"type": "object", "properties": {"path": {"type": "string"}}}
# operationId (None: the spec gives none) and tag; each answers with its own path.
OPERATIONS: list[tuple[str | None, str]] = [
    ("get.thing", "Things"),
    ("Get other thing", "Things"),
    ("class", "Things"),
    ("get-widget", "Widgets"),
    ("getWidget", "Gadgets"),
    ("get_widget", "Gadgets"),  # the same method name as getWidget's in the same group
    (None, "Things"),
]


def _spec() -> dict[str, Any]:
    operations = []
    for index, (operation_id, tag) in enumerate(OPERATIONS):
        raw = {**operation(str(operation_id), ok(json_content(ref("Leaf")))), "tags": [tag]}
        if operation_id is None:
            del raw["operationId"]
        operations.append((f"/op{index}", "get", raw))
    return document({"Leaf": LEAF}, operations)


def _operation_ids() -> list[str]:
    return [op_id or default_operation_id("get", f"/op{index}") for index, (op_id, _tag) in enumerate(OPERATIONS)]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("operation-names")
    generate_package(_spec(), out, PACKAGE)
    with importable(out):
        yield out


def test_modules_are_identifiers_and_never_shared() -> None:
    modules = module_names(_operation_ids())
    assert all(module.isidentifier() for module in modules.values())
    assert len(set(modules.values())) == len(OPERATIONS)
    assert modules["class"] == "class_"


def test_methods_sharing_a_name_in_a_group_are_told_apart() -> None:
    names = derived_names(normalise(_spec()))
    assert len({(name.group, name.method) for name in names.values()}) == len(OPERATIONS)
    assert {names["getWidget"].method, names["get_widget"].method} == {"get_widget", "get_widget_2"}


def test_the_package_is_ruff_and_mypy_strict_clean_and_imports(generated: Path) -> None:
    assert ruff_problems(generated / PACKAGE) == ""
    assert mypy_problems(generated, PACKAGE) == []
    assert import_every_module(PACKAGE)


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"path": request.url.path})


def _calls(client: Any, generated: Path) -> dict[str, Any]:
    rows = reference_rows("synthetic", generated / "reference")
    calls = {}
    for operation_id in _operation_ids():
        target = client
        for name in rows[operation_id].call:
            target = getattr(target, name)
        calls[operation_id] = target
    return calls


def test_every_operation_calls_its_own_path_sync(generated: Path) -> None:
    package = importlib.import_module(PACKAGE)
    http = httpx.Client(transport=httpx.MockTransport(_answer))
    with package.CodatSynthetic(api_key="k", client=http) as client:
        paths = [call().path for call in _calls(client, generated).values()]
    assert paths == [f"/op{index}" for index in range(len(OPERATIONS))]


async def test_every_operation_calls_its_own_path_async(generated: Path) -> None:
    package = importlib.import_module(PACKAGE)
    http = httpx.AsyncClient(transport=httpx.MockTransport(_answer))
    async with package.AsyncCodatSynthetic(api_key="k", client=http) as client:
        paths = [(await call()).path for call in _calls(client, generated).values()]
    assert paths == [f"/op{index}" for index in range(len(OPERATIONS))]
