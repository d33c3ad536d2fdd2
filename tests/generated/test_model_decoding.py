"""The generated from_dict: same models as the constructors build, strict about shapes, collector restored."""

from __future__ import annotations

import gc
from typing import Any
from uuid import UUID

import httpx
import pytest
from codat_sdk_platform.models import Companies, Company, Connection, DataConnectionStatus, SourceType, Tags
from codat_sdk_platform.models.company_reference import CompanyReference

from codat_sdk import ResponseValidationError
from tests.conftest import COMPANY_ID, companies_json, company_json, connection_json, sync_platform
from tests.spec_facts import unknown_value


def _parent() -> dict[str, Any]:
    return {"id": str(COMPANY_ID), "name": "Parent", "links": {"portal": "https://app.codat.io"}, "tags": {"a": "b"}}


def test_a_decoded_company_equals_the_one_its_constructor_builds() -> None:
    data = company_json(referenceParentCompany=_parent(), referenceSubsidiaryCompanies=[_parent()])
    decoded = Company.from_dict(data)
    built = Company(
        id=COMPANY_ID,
        name=data["name"],
        redirect=data["redirect"],
        description=data["description"],
        last_sync=data["lastSync"],
        created=data["created"],
        created_by_user_name=data["createdByUserName"],
        products=data["products"],
        tags=Tags.from_dict(data["tags"]),
        reference_parent_company=CompanyReference.from_dict(_parent()),
        reference_subsidiary_companies=[CompanyReference.from_dict(_parent())],
        data_connections=[Connection.from_dict(connection_json())],
    )
    assert decoded == built
    assert isinstance(decoded.id, UUID)
    assert decoded.to_dict() == data


def test_missing_optional_fields_stay_unset_and_null_stays_none() -> None:
    data = {"id": str(COMPANY_ID), "name": "n", "redirect": "r", "referenceParentCompany": None}
    company = Company.from_dict(data)
    assert company.reference_parent_company is None
    assert company.to_dict() == data


def test_decoding_does_not_change_the_source() -> None:
    data = company_json(extra={"x": 1})
    snapshot = repr(data)
    Company.from_dict(data)
    assert repr(data) == snapshot


def test_known_enum_values_decode_to_their_members_and_unknown_ones_stay_open() -> None:
    known = Connection.from_dict(connection_json(status="Linked", sourceType="Banking"))
    assert known.status is DataConnectionStatus.LINKED
    assert known.source_type is SourceType.BANKING
    value = unknown_value(DataConnectionStatus)
    unknown = Connection.from_dict(connection_json(status=value))
    assert unknown.status.value == value
    assert not unknown.status.is_known


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(company_json(referenceParentCompany="not an object"), id="nested model is a string"),
        pytest.param(company_json(dataConnections=[1]), id="list item is a number"),
        pytest.param(company_json(dataConnections=[connection_json(id="nope")]), id="bad uuid inside a list"),
        pytest.param({"name": "n", "redirect": "r"}, id="required field missing"),
        pytest.param([company_json()], id="not an object"),
        pytest.param(company_json(tags=["a"]), id="additional-properties model is a list"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_validation_error(data: Any) -> None:
    client = sync_platform(lambda request: httpx.Response(200, json=data))
    with pytest.raises(ResponseValidationError):
        client.companies.get(COMPANY_ID)
    assert gc.isenabled()


def test_a_page_decodes_every_company_and_leaves_the_collector_enabled() -> None:
    page = Companies.from_dict(companies_json(results=[company_json(name=f"c{i}") for i in range(50)]))
    assert [company.name for company in page.results or []] == [f"c{i}" for i in range(50)]
    assert gc.isenabled()
