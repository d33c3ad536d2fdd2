"""A list operation's refusals: a bad ``query``/``orderBy`` answers Codat's own ``error`` text, nothing more."""

from __future__ import annotations

import pytest

from codat_sdk.testing import Sandbox
from codat_sdk.testing._querylang import QueryLanguageError, order, select
from codat_sdk.testing._record_schemas import record_schema
from tests.testing.sandbox_support import http


@pytest.mark.parametrize(
    ("parameter", "text"),
    [("query", "{name=a"), ("query", "name"), ("query", "name=a&&"), ("query", "x" * 3000), ("orderBy", "nosuch")],
)
def test_a_refused_query_answers_the_languages_message_not_its_detail(parameter: str, text: str) -> None:
    schema = record_schema("Company")
    with pytest.raises(QueryLanguageError) as refused:
        select([], text, schema=schema) if parameter == "query" else order([], text, schema=schema)
    with http(Sandbox()) as raw:
        response = raw.get("/companies", params={parameter: text})
    assert response.status_code == 400
    assert response.json()["error"] == refused.value.message
