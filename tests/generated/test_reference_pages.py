"""The generated reference (generated/reference/<api>/): a page per group and per model, checked against
the generated packages and the pinned spec: every operation documented with parameters, return type,
error statuses and their classes, deprecation; every example a call the client takes; every link a page."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from codat_sdk._errors import STATUS_ERRORS, UnexpectedStatusError
from tests.e2e.spec_support import PACKAGES, REFERENCE_DIR, has_source, load_spec, reference_rows

LINK = re.compile(r"\]\(([^)#\s]+)(#[^)]*)?\)")
CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _groups(api: str) -> dict[str, list[str]]:
    """Group call path -> the operationIds it holds, from the index table."""
    groups: dict[str, list[str]] = {}
    for row in reference_rows(api).values():
        groups.setdefault(".".join(row.call[:-1]), []).append(row.operation_id)
    return groups


def _page(api: str, name: str) -> str:
    return (REFERENCE_DIR / api / name).read_text(encoding="utf-8")


def _section(page: str, method: str) -> str:
    return page.split(f"\n## {method}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("api", list(PACKAGES))
def test_every_group_has_a_page_documenting_each_of_its_operations(api: str) -> None:
    rows = reference_rows(api)
    for group, operation_ids in _groups(api).items():
        page = _page(api, f"{group}.md")
        for operation_id in operation_ids:
            section = _section(page, rows[operation_id].call[-1])
            assert f"(operationId `{operation_id}`)" in section
            assert "**Parameters**" in section
            assert "**Returns**" in section
            assert "**Errors**" in section
            assert ('!!! warning "Deprecated"' in section) == rows[operation_id].deprecated


@pytest.mark.parametrize(("api", "package"), list(PACKAGES.items()))
def test_every_model_has_a_page(api: str, package: str) -> None:
    models = importlib.import_module(f"{package}.models")
    index = _page(api, "models/index.md")
    for name in models.__all__:
        assert (REFERENCE_DIR / api / "models" / f"{name}.md").is_file(), name
        assert f"[{name}]({name}.md)" in index


@pytest.mark.parametrize(("api", "package"), list(PACKAGES.items()))
def test_model_pages_list_each_field_and_enum_member(api: str, package: str) -> None:
    models = importlib.import_module(f"{package}.models")
    for name in models.__all__:
        cls = getattr(models, name)
        page = _page(api, f"models/{name}.md")
        if hasattr(cls, "__attrs_attrs__"):
            for attribute in cls.__attrs_attrs__:
                if attribute.name != "additional_properties":
                    assert f"| `{attribute.name}` |" in page, f"{name}.{attribute.name}"
        else:
            for member in cls:
                assert f"| `{member.name}` | `{member.value}` |" in page


@pytest.mark.skipif(not has_source(), reason="needs the pinned specs")
@pytest.mark.parametrize("api", list(PACKAGES))
def test_each_documented_error_status_is_listed_with_its_class(api: str) -> None:
    spec = load_spec(api)
    rows = reference_rows(api)
    for item in spec["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or op.get("operationId") not in rows:
                continue
            row = rows[op["operationId"]]
            section = _section(_page(api, f"{'.'.join(row.call[:-1])}.md"), row.call[-1])
            for status in op["responses"]:
                if status[0] in "45":
                    kind = STATUS_ERRORS.get(int(status), UnexpectedStatusError).__name__
                    assert f"| {status} | `codat_sdk.{kind}` |" in section, (op["operationId"], status)


def _client_methods(package: str, call: tuple[str, ...]) -> list[Any]:
    """The sync and async methods at ``call`` (group path, then method), bound to clients never used."""
    module = importlib.import_module(package)
    clients = [getattr(module, name) for name in module.__all__ if name.startswith(("Codat", "AsyncCodat"))]
    methods = []
    for cls in clients:
        owner: Any = cls(api_key="unused", server_url="http://127.0.0.1:9")
        for part in call:
            owner = getattr(owner, part)
        methods.append(owner)
    assert len(methods) == 2
    return methods


@pytest.mark.parametrize(("api", "package"), list(PACKAGES.items()))
def test_every_example_is_a_call_the_client_takes(api: str, package: str) -> None:
    rows = reference_rows(api)
    for group in _groups(api):
        page = _page(api, f"{group}.md")
        for block in CODE.findall(page):
            tree = ast.parse(block)  # valid Python
            calls = [
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and ast.unparse(node.func).startswith(f"codat.{group}.")
            ]
            assert len(calls) == 1, block
            method = ast.unparse(calls[0].func).split(".")[-1]
            assert any(row.call == (*group.split("."), method) for row in rows.values()), method
            for function in _client_methods(package, (*group.split("."), method)):
                parameters = inspect.signature(function).parameters
                assert {keyword.arg for keyword in calls[0].keywords} <= parameters.keys()
                required = {n for n, p in parameters.items() if p.default is p.empty}
                assert required <= {keyword.arg for keyword in calls[0].keywords}, (group, method)


@pytest.mark.parametrize("api", list(PACKAGES))
def test_every_relative_link_leads_to_a_page(api: str) -> None:
    for path in [REFERENCE_DIR / f"{api}.md", *sorted((REFERENCE_DIR / api).rglob("*.md"))]:
        for target, _anchor in LINK.findall(path.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://")):
                assert (path.parent / target).resolve().is_file(), f"{path.name}: {target}"


def test_no_page_is_left_from_a_group_or_model_that_no_longer_exists() -> None:
    for api in PACKAGES:
        groups = {f"{group}.md" for group in _groups(api)} | {
            f"{parent}.md" for group in _groups(api) for parent in _parents(group)
        }
        assert {p.name for p in (REFERENCE_DIR / api).glob("*.md")} == groups


def _parents(group: str) -> list[str]:
    parts = group.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def test_the_reference_holds_both_apis() -> None:
    assert {p.name for p in Path(REFERENCE_DIR).iterdir() if p.is_dir()} == set(PACKAGES)


@pytest.mark.skipif(not has_source(), reason="needs the pinned specs")
@pytest.mark.parametrize("api", list(PACKAGES))
def test_a_shared_description_is_on_its_types_page_only(api: str) -> None:
    text = load_spec(api)["components"]["schemas"]["DateTime"]["description"]
    # Its longest paragraph free of HTML (which the page turns into Markdown).
    middle = max((" ".join(part.split()) for part in text.split("\n\n") if "<" not in part), key=len)
    assert len(middle) > 100
    holders = [
        path.relative_to(REFERENCE_DIR / api).as_posix()
        for path in (REFERENCE_DIR / api).rglob("*.md")
        if middle in " ".join(path.read_text(encoding="utf-8").split())
    ]
    assert holders == ["models/DateTime.md"]
