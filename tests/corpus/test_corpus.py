"""Each spec of the corpus (``<spec source>/corpus/``, Codat's other APIs, upstream bytes) generates a
working client: no generator warning, ruff and mypy --strict clean, every module importable, every
operation a method of both clients, every GET decoded from Prism serving the spec, sync and async.

GETs whose spec examples break the spec's own schema are named in the table, not failed: the SDK may
reject such a body (ResponseValidationError) and Prism says the example is at fault.
"""

from __future__ import annotations

import importlib
import json

import pytest

from codat_sdk.testing._routes import RouteTable, schema_response
from tests.corpus.conftest import CorpusRun
from tests.corpus.corpus import SpecResult, call_gets, clients, corpus_specs, unreachable
from tests.e2e.harness import require_prism_and_specs
from tests.generated_package import check_queries_example, import_every_module
from tests.testing.spec_validation import SpecValidator

NO_CORPUS = "no corpus: set CODAT_SPEC_SOURCE to a directory holding corpus/, or provide ../shared/openapi/corpus/"
SPECS = [pytest.param(spec.name, id=spec.name) for spec in corpus_specs()] or [
    pytest.param("", id="no-corpus", marks=pytest.mark.skip(reason=NO_CORPUS))
]
pytestmark = pytest.mark.corpus


def _generated(corpus: CorpusRun, spec: str) -> SpecResult:
    result = corpus.result(spec)
    if result.package is None:
        pytest.fail(f"{spec} did not generate: {result.error or result.warnings}")
    return result


@pytest.mark.parametrize("spec", SPECS)
def test_generates_without_generator_warnings(corpus: CorpusRun, spec: str) -> None:
    result = corpus.result(spec)
    assert result.error is None
    assert result.warnings == []


@pytest.mark.parametrize("spec", SPECS)
def test_ruff_and_mypy_strict_are_clean(corpus: CorpusRun, spec: str) -> None:
    result = _generated(corpus, spec)
    corpus.check_types()
    assert result.ruff == ""
    assert result.mypy == []


@pytest.mark.parametrize("spec", SPECS)
def test_every_module_imports_and_every_operation_is_reachable_sync_and_async(corpus: CorpusRun, spec: str) -> None:
    result = _generated(corpus, spec)
    assert result.package is not None
    assert import_every_module(result.package.package)
    assert unreachable(result) == []


@pytest.mark.parametrize("spec", SPECS)
def test_the_queries_example_uses_this_apis_own_names(corpus: CorpusRun, spec: str) -> None:
    """It once named Platform's CompanyQuery and client.companies in every API's queries module."""
    result = _generated(corpus, spec)
    assert result.package is not None
    if not (result.root / result.package.package / "queries.py").is_file():
        pytest.skip("no paged operation takes a query")
    sync_class, _ = clients(result)
    with sync_class(api_key="k", server_url="http://127.0.0.1:9") as client:
        check_queries_example(result.package.package, client)


@pytest.mark.parametrize("spec", SPECS)
def test_every_get_decodes_against_prism(corpus: CorpusRun, spec: str) -> None:
    require_prism_and_specs()
    result = _generated(corpus, spec)
    result.gets = call_gets(result, corpus.prism_url(result))
    failures = [f"{get.operation_id}:\n{get.problem}" for get in result.gets if get.problem]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("spec", SPECS)
def test_the_route_table_routes_every_operation_and_its_answers_fit_the_spec(corpus: CorpusRun, spec: str) -> None:
    """The sandbox's table of any spec: every operation matched by a concrete path, every schema-built
    answer valid for the spec as published (jsonschema, not the table)."""
    result = _generated(corpus, spec)
    assert result.package is not None
    table = RouteTable.from_module(importlib.import_module(f"{result.package.package}._routes"))
    assert {route.operation_id for route in table} == {op.operation_id for op in result.operations}
    validator = SpecValidator(result.document, spec)
    misfits = []
    for route in table:
        path = route.path_for(**{p.name: f"p{i}" for i, p in enumerate(route.path_parameters)})
        assert table.match(route.http_method, path)[0] is route
        status, content_type, body = schema_response(route)
        if content_type.split(";")[0].strip() == "application/json":
            try:
                validator.validate_response(route.operation_id, status, json.loads(body), content_type)
            except AssertionError as problem:
                misfits.append(str(problem))
    assert not misfits, "\n".join(misfits)
