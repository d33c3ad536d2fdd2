"""Generated models tolerate what Codat may add later: new enum values and new fields."""

from __future__ import annotations

import copy
import importlib
import inspect
import pkgutil
from typing import Any

import codat_sdk_platform.models
import httpx
import pytest
from codat_sdk_platform.models import Companies, Company, Connection, DataConnectionStatus, SourceType

from codat_sdk import OpenIntEnum, OpenStrEnum
from tests.conftest import (
    COMPANY_ID,
    CONNECTION_ID,
    Recorder,
    companies_json,
    company_json,
    connection_json,
    sync_platform,
)
from tests.spec_facts import normalised, unknown_value

# One attempt per call: what a single failure raises (retries have their own tests).


def _open_enums() -> list[type[OpenStrEnum] | type[OpenIntEnum]]:
    found: list[type[OpenStrEnum] | type[OpenIntEnum]] = []
    for info in pkgutil.iter_modules(codat_sdk_platform.models.__path__):
        module = importlib.import_module(f"codat_sdk_platform.models.{info.name}")
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ == module.__name__ and issubclass(value, (OpenStrEnum, OpenIntEnum)):
                found.append(value)
    return found


OPEN_ENUMS = _open_enums()
UNKNOWN_STATUS = unknown_value(DataConnectionStatus)


def test_every_enum_of_the_spec_is_an_open_enum() -> None:
    schemas = normalised("platform")["components"]["schemas"]
    assert {name for name, schema in schemas.items() if "enum" in schema} <= {e.__name__ for e in OPEN_ENUMS}


@pytest.mark.parametrize("enum_type", OPEN_ENUMS, ids=lambda t: t.__name__)
def test_every_generated_enum_accepts_unknown_values(enum_type: type[OpenStrEnum] | type[OpenIntEnum]) -> None:
    raw: Any = unknown_value(enum_type) if issubclass(enum_type, OpenStrEnum) else 1 + max(enum_type, default=0)
    member = enum_type(raw)
    assert member.value == raw
    assert not member.is_known
    for known in enum_type:
        assert enum_type(known.value) is known
        assert known.is_known


def test_connection_with_unknown_enum_values_parses_and_round_trips() -> None:
    status, source_type = unknown_value(DataConnectionStatus), unknown_value(SourceType)
    data = connection_json(status=status, sourceType=source_type)
    connection = Connection.from_dict(copy.deepcopy(data))
    assert isinstance(connection.status, DataConnectionStatus)
    assert connection.status.value == status
    assert not connection.status.is_known
    assert isinstance(connection.source_type, SourceType)
    assert connection.source_type.value == source_type
    assert connection.to_dict() == data


def test_connection_with_known_values_round_trips() -> None:
    data = connection_json()
    connection = Connection.from_dict(data)
    assert connection.status is DataConnectionStatus.LINKED
    assert connection.id == CONNECTION_ID
    assert connection.to_dict() == data


def test_connection_with_an_unknown_field_keeps_it() -> None:
    data = connection_json(newField={"nested": [1, 2]})
    connection = Connection.from_dict(data)
    assert connection.additional_properties == {"newField": {"nested": [1, 2]}}
    assert connection.to_dict() == data


def test_connection_with_an_unknown_field_still_parses() -> None:
    connection = Connection.from_dict(connection_json(newField=1))
    assert connection.id == CONNECTION_ID


def test_company_with_unknown_status_and_field_parses_and_round_trips() -> None:
    data = company_json(
        newField={"x": 1},
        anotherNewField=None,
        dataConnections=[connection_json(status=UNKNOWN_STATUS), connection_json(status="Linked")],
    )
    company = Company.from_dict(copy.deepcopy(data))
    assert company.id == COMPANY_ID
    assert company.additional_properties == {"newField": {"x": 1}, "anotherNewField": None}
    assert company["newField"] == {"x": 1}
    connections = company.data_connections
    assert isinstance(connections, list)
    assert connections[0].status.value == UNKNOWN_STATUS
    assert not connections[0].status.is_known
    assert connections[1].status is DataConnectionStatus.LINKED
    assert company.to_dict() == data


def test_company_response_through_the_client() -> None:
    data = company_json(newField="x", dataConnections=[connection_json(status=UNKNOWN_STATUS)])
    client = sync_platform(Recorder(json=data))
    company = client.companies.get(COMPANY_ID)
    assert company.additional_properties == {"newField": "x"}
    assert company.to_dict() == data


def test_company_page_through_the_client_keeps_unknown_page_fields() -> None:
    data = companies_json(cursor="abc", results=[company_json(newField=1)])
    client = sync_platform(Recorder(json=data))
    page = client.companies.list()
    assert isinstance(page, Companies)
    assert page.additional_properties == {"cursor": "abc"}
    assert page.to_dict() == data


def test_wrong_type_for_an_enum_field_is_a_validation_error() -> None:
    from codat_sdk import ResponseValidationError

    client = sync_platform(lambda request: httpx.Response(200, json=connection_json(status=5)))
    with pytest.raises(ResponseValidationError):
        client.connections.get(COMPANY_ID, CONNECTION_ID)
