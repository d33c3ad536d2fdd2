"""Decoding tells the truth (issue 11 items 7 and 8): a value that contradicts its declared type, a
required field that is null or missing, raise ResponseValidationError saying where, what was expected and
what came; unknown keys and unknown enum values stay tolerated."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import pytest
from codat_sdk_platform.models import Companies, Company

from codat_sdk import DecodeError, ResponseValidationError
from tests.conftest import (
    COMPANY_ID,
    async_platform,
    companies_json,
    company_json,
    connection_json,
    sync_platform,
)

# (body overrides of one company, the error's location in it, what it says)
CONTRADICTIONS = [
    pytest.param({"name": 123}, "name", "expected string, got integer", id="name=123"),
    pytest.param({"name": None}, "name", "expected string, got null", id="required name=null"),
    pytest.param({"redirect": []}, "redirect", "expected string, got array", id="redirect=[]"),
    pytest.param({"products": "lending"}, "products", "expected array of string, got string", id="products=str"),
    pytest.param({"products": ["a", 1]}, "products[1]", "expected string, got integer", id="products item"),
    pytest.param({"lastSync": {}}, "lastSync", "expected string or null, got object", id="lastSync={}"),
    pytest.param({"id": 7}, "id", "expected uuid string, got integer", id="id=7"),
    pytest.param({"id": "nope"}, "id", "expected uuid string, got string that is not one", id="bad uuid"),
    pytest.param({"tags": {"a": 1}}, "tags.a", "expected string, got integer", id="tag value"),
    pytest.param({"tags": ["a"]}, "tags", "expected object (Tags), got array", id="tags=[]"),
    pytest.param(
        {"dataConnections": "x"}, "dataConnections", "expected array of object (Connection), got string", id="str list"
    ),
    pytest.param(
        {"dataConnections": [connection_json(), connection_json(status=5)]},
        "dataConnections[1].status",
        "expected DataConnectionStatus value, got integer",
        id="nested enum",
    ),
    pytest.param(
        {"dataConnections": [connection_json(id=None)]},
        "dataConnections[0].id",
        "expected uuid string, got null",
        id="nested required null",
    ),
    pytest.param(
        {"dataConnections": [{k: v for k, v in connection_json().items() if k != "integrationId"}]},
        "dataConnections[0].integrationId",
        "missing, a required field of Connection",
        id="nested missing",
    ),
]


@pytest.mark.parametrize(("overrides", "where", "what"), CONTRADICTIONS)
def test_a_contradicting_value_names_its_path_and_both_types(overrides: dict[str, Any], where: str, what: str) -> None:
    with pytest.raises(DecodeError) as caught:
        Company.from_dict(company_json(**overrides))
    assert str(caught.value) == f"{where}: {what}"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(("overrides", "where", "what"), CONTRADICTIONS)
def test_the_path_starts_at_the_page(overrides: dict[str, Any], where: str, what: str) -> None:
    results = [company_json() for _ in range(4)]
    results[3] = company_json(**overrides)
    with pytest.raises(DecodeError, match=r"^results\[3\]\." + where.replace("[", r"\[").replace("]", r"\]")):
        Companies.from_dict(companies_json(results=results))


def test_a_missing_required_field_names_the_field_the_model_and_the_path() -> None:
    broken = company_json()
    del broken["id"]
    body = companies_json(results=[company_json(), company_json(), broken])
    client = sync_platform(lambda request: httpx.Response(200, json=body))
    with pytest.raises(ResponseValidationError) as caught:
        client.companies.list()
    assert "(results[2].id: missing, a required field of Company)" in str(caught.value)
    assert "KeyError" not in str(caught.value) and "('id')" not in str(caught.value)


def test_the_client_reports_the_location_sync_and_async() -> None:
    body = company_json(name=123)
    sync_client = sync_platform(lambda request: httpx.Response(200, json=body))
    with pytest.raises(ResponseValidationError, match=r"\(name: expected string, got integer\)"):
        sync_client.companies.get(COMPANY_ID)

    async def call() -> None:
        async with async_platform(lambda request: httpx.Response(200, json=body)) as client:
            await client.companies.get(COMPANY_ID)

    with pytest.raises(ResponseValidationError, match=r"\(name: expected string, got integer\)"):
        asyncio.run(call())


def test_the_message_names_types_never_values() -> None:
    with pytest.raises(DecodeError) as caught:
        Company.from_dict(company_json(name=["tok_secret"]))
    assert "tok_secret" not in str(caught.value)


def test_unknown_keys_and_unknown_enum_values_are_still_tolerated() -> None:
    data = company_json(brandNew={"x": 1}, dataConnections=[connection_json(status="Frozen", extra=[1])])
    company = Company.from_dict(copy.deepcopy(data))
    assert company["brandNew"] == {"x": 1}
    assert company.to_dict() == data


def test_a_float_where_a_number_is_declared_accepts_an_integer() -> None:
    page = Companies.from_dict(companies_json(pageSize=100))
    assert page.page_size == 100


def test_a_body_that_is_no_object_says_which_model_it_should_be() -> None:
    with pytest.raises(DecodeError, match=r"^\$: expected object \(Company\), got array$"):
        Company.from_dict([company_json()])  # type: ignore[arg-type]


def test_a_decode_error_survives_pickle_and_copy() -> None:
    import pickle

    with pytest.raises(DecodeError) as caught:
        Companies.from_dict(companies_json(results=[company_json(name=1)]))
    for clone in (pickle.loads(pickle.dumps(caught.value)), copy.deepcopy(caught.value)):
        assert str(clone) == str(caught.value)


def test_the_readme_example_message_is_what_a_page_raises() -> None:
    from pathlib import Path

    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    body = companies_json(results=[company_json() for _ in range(3)] + [company_json(name=123)])
    client = sync_platform(lambda request: httpx.Response(200, json=body))
    with pytest.raises(ResponseValidationError) as caught:
        client.companies.list()
    example = "does not match its schema (results[3].name: expected string, got integer)"
    assert example in readme
    assert example in str(caught.value)
