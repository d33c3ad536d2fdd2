"""The sandbox types list queries by its records' schemas, rebuilt from the generated query classes.

Checked against the spec's own response schemas: every property path a query class names has the same
kind in the rebuilt schema as in the spec's model (read through ``RecordSchema`` on the normalised spec).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from codat_sdk_platform import queries

from codat_sdk import Field, MapField
from codat_sdk.testing import Sandbox
from codat_sdk.testing._querytypes import RecordSchema
from codat_sdk.testing._record_schemas import record_schema
from codegen.source import default_source
from tests.spec_facts import NO_SOURCE, normalised
from tests.testing.sandbox_support import http

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)

MODELS = [name.removesuffix("Query") for name in queries.__all__]


def _paths(namespace: object) -> Iterator[str]:
    for name in dir(namespace):
        if name.startswith("_"):
            continue
        value = getattr(namespace, name)
        if isinstance(value, Field):
            yield value.name
            yield from _paths(value)
        elif isinstance(value, MapField):
            yield value["someKey"].name
        else:
            yield from _paths(value)


@pytest.mark.parametrize("model", MODELS)
def test_every_queryable_property_has_the_specs_kind(model: str) -> None:
    components: dict[str, Any] = normalised("platform")["components"]["schemas"]
    spec = RecordSchema(components[model], components, name=model)
    rebuilt = record_schema(model)
    paths = sorted(set(_paths(getattr(queries, f"{model}Query"))))
    assert paths
    for path in paths:
        steps = path.split(".")
        assert rebuilt.kind(steps) == spec.kind(steps), path


def test_a_query_on_a_property_the_records_lack_is_codats_400() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft")
    with http(sandbox) as codat:
        unknown = codat.get("/companies", params={"query": "colour=blue"})
        assert unknown.status_code == 400
        assert "colour" in unknown.json()["error"]
        assert codat.get("/companies", params={"orderBy": "colour"}).status_code == 400
        not_queryable = codat.get(f"/companies/{company['id']}/data/history", params={"query": "isCompleted=true"})
        assert not_queryable.status_code == 400
        assert codat.get("/companies", params={"query": "created>2023-12-31"}).json()["totalResults"] == 1
