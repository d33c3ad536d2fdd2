"""What ``help()`` shows for every generated method, sync and async, plain, raw-response view and paginator.

Read from the imported methods (``inspect``) and checked against their own signatures and the pinned
spec: no invisible characters, every URL of the spec's text whole, an ``Args`` entry for each parameter
(per-call options included) with the annotation the signature has; and the modules carry no stray ``pass``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codat_sdk._generated import AsyncResource, RawResponseView, SyncResource
from tests.e2e.spec_support import HTTP_METHODS, PACKAGES, has_source, load_spec

INVISIBLE = re.compile("[\ufeff\u200b\u2060]")
URL = re.compile(r"https?://[^\s)\]<>\"'`]+")
OPERATION_ID = re.compile(r"\(operationId ``([^`]+)``\)")
ARG = re.compile(r"^    (\w+) \(([^)]*(?:\([^)]*\))?[^)]*)\): ", re.MULTILINE)


def _resource_modules(package: str) -> Iterator[Any]:
    resources = importlib.import_module(f"{package}.resources")
    for info in pkgutil.iter_modules(resources.__path__):
        yield importlib.import_module(f"{package}.resources.{info.name}")


def _methods(package: str) -> Iterator[tuple[str, Callable[..., Any]]]:
    """(qualified name, function) of every public method of every resource class and raw view."""
    for module in _resource_modules(package):
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and issubclass(cls, SyncResource | AsyncResource | RawResponseView)):
                continue
            if cls.__module__ != module.__name__:
                continue
            for name, member in vars(cls).items():
                if not name.startswith("_") and inspect.isfunction(member):
                    yield f"{cls.__qualname__}.{name}", member


METHODS = [(api, name, method) for api, package in PACKAGES.items() for name, method in _methods(package)]
IDS = [f"{api}:{name}" for api, name, _ in METHODS]


def _args(doc: str) -> list[tuple[str, str]]:
    """(name, annotation) of each entry of the docstring's Args section."""
    section = doc.split("\nArgs:\n", 1)[1].split("\nRaises:\n", 1)[0] if "\nArgs:\n" in doc else ""
    return ARG.findall(section)


def test_every_resource_method_is_checked() -> None:
    # Four kinds per group (sync, async and their raw views), over both packages.
    assert len(METHODS) > 4 * 10
    assert any(name.startswith("AsyncCompaniesResourceWithRawResponse.") for _, name, _ in METHODS)


@pytest.mark.parametrize(("api", "name", "method"), METHODS, ids=IDS)
def test_no_invisible_characters(api: str, name: str, method: Callable[..., Any]) -> None:
    doc = inspect.getdoc(method) or ""
    assert not INVISIBLE.search(doc), f"{name}: {INVISIBLE.findall(doc)!r}"


@pytest.mark.parametrize(("api", "name", "method"), METHODS, ids=IDS)
def test_args_document_every_parameter_with_its_annotation(api: str, name: str, method: Callable[..., Any]) -> None:
    documented = _args(inspect.getdoc(method) or "")
    parameters = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
    # Annotations are strings (`from __future__ import annotations`): exactly what the signature says.
    assert documented == [(p.name, p.annotation) for p in parameters]
    per_call = {"server_url", "timeout", "extra_headers", "extra_query", "retries"}
    assert per_call <= {argument for argument, _ in documented}


def _operations(api: str) -> dict[str, dict[str, Any]]:
    spec = load_spec(api)
    return {
        op["operationId"]: op
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS and "operationId" in op
    }


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _spec_urls(api: str, op: dict[str, Any]) -> set[str]:
    """Every URL in the text the docstring renders: summary, description and the parameters' descriptions."""
    spec = load_spec(api)
    texts = [op.get("summary", ""), op.get("description", "")]
    texts += [_resolve(spec, p).get("description", "") for p in op.get("parameters", [])]
    return {url.rstrip(".,;:") for text in texts for url in URL.findall(text)}


@pytest.mark.skipif(not has_source(), reason="needs the pinned specs")
@pytest.mark.parametrize(("api", "name", "method"), METHODS, ids=IDS)
def test_urls_are_never_split(api: str, name: str, method: Callable[..., Any]) -> None:
    doc = inspect.getdoc(method) or ""
    match = OPERATION_ID.search(doc)
    if match is None:  # a paginator: its operation's method carries the spec's text
        assert "page after page" in doc
        return
    urls = _spec_urls(api, _operations(api)[match[1]])
    missing = sorted(url for url in urls if url not in doc)
    assert not missing, f"{name}: split or lost {missing}"


def test_the_spec_has_urls_to_split() -> None:
    """The check above has something to check: the pinned Platform spec's texts hold long URLs."""
    if not has_source():
        pytest.skip("needs the pinned specs")
    urls = {url for op in _operations("platform").values() for url in _spec_urls("platform", op)}
    assert any(len(url) > 40 for url in urls)


@pytest.mark.parametrize("package", list(PACKAGES.values()))
def test_type_checking_blocks_hold_no_stray_pass(package: str) -> None:
    for module in _resource_modules(package):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                assert node.body, module.__name__
                assert not any(isinstance(stmt, ast.Pass) for stmt in node.body), module.__name__


@pytest.mark.parametrize("package", list(PACKAGES.values()))
def test_no_generated_file_splits_a_url_or_holds_invisible_characters(package: str) -> None:
    """Models too: their docstrings go through the same wrapper."""
    root = Path(importlib.import_module(package).__file__ or "").parent
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not INVISIBLE.search(text), path.name
        # A URL cut at a line end leaves "https://...-" there (the wrapper used to break at hyphens).
        assert not re.search(r"https?://\S*-$", text, re.MULTILINE), path.name


# --- spec text as plain text, said once (codegen.descriptions, codegen.spec_text) -------------------------

# HTML elements (our own text writes placeholders such as ``<Model>Query``, which are no tags).
HTML_TAG = re.compile(r"</?(a|b|br|code|div|em|h[1-6]|i|img|li|ol|p|pre|span|strong|table|td|th|tr|ul)\b[^<>]*>", re.I)


def _every_docstring(package: str) -> Iterator[tuple[str, str]]:
    """(where, docstring) of every module, class and function of ``package``, models and enums included."""
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, prefix=f"{package}."):
        module = importlib.import_module(info.name)
        yield info.name, inspect.getdoc(module) or ""
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                yield f"{info.name}.{name}", inspect.getdoc(value) or ""
                for member_name, member in vars(value).items():
                    if inspect.isfunction(member) and member.__doc__:
                        yield f"{info.name}.{name}.{member_name}", inspect.getdoc(member) or ""


@pytest.mark.parametrize("package", list(PACKAGES.values()))
def test_no_html_tag_remains_in_any_docstring(package: str) -> None:
    found = {where: HTML_TAG.findall(doc) for where, doc in _every_docstring(package) if HTML_TAG.search(doc)}
    assert not found


@pytest.mark.skipif(not has_source(), reason="needs the pinned specs")
@pytest.mark.parametrize(("api", "package"), list(PACKAGES.items()))
def test_the_datetime_description_is_said_once_on_the_models_package(api: str, package: str) -> None:
    from codegen.spec_text import plain

    spec = load_spec(api)
    datetime_text = plain(spec["components"]["schemas"]["DateTime"]["description"])
    # Its distinctive middle, whichever way a docstring wraps it.
    needle = " ".join(datetime_text.split("\n\n")[2].split())
    holders = [where for where, doc in _every_docstring(package) if needle in " ".join(doc.split())]
    assert holders == [f"{package}.models"]


def _documented_errors(api: str, operation_id: str) -> list[str]:
    from codat_sdk._errors import STATUS_ERRORS, UnexpectedStatusError

    op = _operations(api)[operation_id]
    return [
        f"codat_sdk.{STATUS_ERRORS.get(int(status), UnexpectedStatusError).__name__}: {status}:"
        for status in sorted(op["responses"])
        if status[0] in "45"
    ]


def _wrapped_operation(paginator: Callable[..., Any]) -> Callable[..., Any]:
    """The method a paginator pages through: named in its docstring's first line (``of ``list()``, ...``)."""
    wrapped = re.search(r"of ``(\w+)\(\)``", inspect.getdoc(paginator) or "")
    assert wrapped is not None
    owner = vars(importlib.import_module(paginator.__module__))[paginator.__qualname__.split(".")[0]]
    method: Callable[..., Any] = getattr(owner, wrapped[1])
    return method


@pytest.mark.skipif(not has_source(), reason="needs the pinned specs")
@pytest.mark.parametrize(("api", "name", "method"), METHODS, ids=IDS)
def test_raises_lists_each_documented_status_with_its_class(api: str, name: str, method: Callable[..., Any]) -> None:
    doc = inspect.getdoc(method) or ""
    match = OPERATION_ID.search(doc)
    if match is None:  # a paginator: its pages' errors are those of the operation it wraps
        match = OPERATION_ID.search(inspect.getdoc(_wrapped_operation(method)) or "")
    assert match is not None, name
    raises = [line.strip() for line in doc.split("\nRaises:\n", 1)[1].splitlines()]
    expected = _documented_errors(api, match[1])
    assert expected
    for entry in expected:
        assert any(line.startswith(entry) for line in raises), f"{name}: no {entry!r}"
