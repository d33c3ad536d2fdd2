"""Calls as code ported from Codat's own SDK writes them: ids held as ``str``, bodies as plain mappings.

Checked by ``mypy --strict`` over this file as well as run: a ``str`` id and a mapping body type-check,
and each ``# type: ignore[code]`` is an assertion that mypy reports exactly that misuse (strict's
``warn_unused_ignores``). Before, a ``str`` id needed a cast and ``body={"name": "x"}`` died inside
generated code with ``AttributeError: 'dict' object has no attribute 'to_dict'``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from codat_sdk_platform.models import Company, DataType, Links, SyncSetting

from codat_sdk import CodatError, InvalidRequestError, RequestValidationError
from tests.conftest import COMPANY_ID, CONNECTION_ID, Recorder, async_platform, company_json, sync_platform
from tests.spec_facts import enum_values

COMPANY = str(COMPANY_ID)  # ids as most apps hold them


def _sent(recorder: Recorder) -> Any:
    return json.loads(recorder.last.content)


def test_a_str_id_and_a_mapping_body_are_sent() -> None:
    recorder = Recorder(200, json=company_json())
    codat = sync_platform(recorder)
    created = codat.companies.create(body={"name": "Toft stores", "tags": {"region": "uk"}})
    assert isinstance(created, Company)
    assert _sent(recorder) == {"name": "Toft stores", "tags": {"region": "uk"}}
    codat.companies.update(COMPANY, body={"name": "Toft"})
    assert recorder.last.url.path == f"/companies/{COMPANY}"


async def test_a_str_id_and_a_mapping_body_are_sent_async() -> None:
    recorder = Recorder(200, json=company_json())
    codat = async_platform(recorder)
    await codat.companies.create(body={"name": "Toft stores"})
    assert _sent(recorder) == {"name": "Toft stores"}
    await codat.companies.get(COMPANY)
    assert recorder.last.url.path == f"/companies/{COMPANY}"


def _sync_settings_mapping(data_type: object, **setting: Any) -> dict[str, Any]:
    return {
        "companyId": COMPANY_ID,  # a UUID where the JSON has a string
        "settings": [{"dataType": data_type, "fetchOnFirstLink": True, "syncSchedule": 24, "syncOrder": 1, **setting}],
    }


def test_nested_models_enums_uuids_and_dates_in_a_mapping_are_sent_as_json() -> None:
    recorder = Recorder(200, json={})
    codat = sync_platform(recorder)
    member = DataType(min(enum_values("platform", "DataType")))
    when = datetime(2024, 5, 1, 11, 30, tzinfo=UTC)
    codat.companies.set_company_sync_settings(COMPANY, body=_sync_settings_mapping(member, syncFromUtc=when))
    sent = _sent(recorder)
    assert sent["companyId"] == COMPANY
    assert sent["settings"][0]["dataType"] == member.value
    assert sent["settings"][0]["syncFromUtc"] == "2024-05-01T11:30:00+00:00"
    assert sent["overridesDefaults"] is True  # the model's default, as with a model body


def test_a_mapping_may_use_the_attribute_names_of_codats_typed_dicts() -> None:
    """Codat's TypedDicts spell keys in snake_case; they are translated to the JSON names, nested too."""
    recorder = Recorder(200, json={})
    codat = sync_platform(recorder)
    data_type = min(enum_values("platform", "DataType"))
    body = {
        "company_id": COMPANY,
        "settings": [{"data_type": data_type, "fetch_on_first_link": False, "sync_schedule": 1, "sync_order": 2}],
    }
    codat.companies.set_company_sync_settings(COMPANY, body=body)
    assert _sent(recorder)["settings"] == [
        {"dataType": data_type, "fetchOnFirstLink": False, "syncSchedule": 1, "syncOrder": 2}
    ]


def test_a_model_inside_a_mapping_is_taken_as_it_is() -> None:
    recorder = Recorder(200, json={})
    data_type = DataType(min(enum_values("platform", "DataType")))
    setting = SyncSetting(data_type=data_type, fetch_on_first_link=True, sync_schedule=24, sync_order=1)
    sync_platform(recorder).companies.set_company_sync_settings(
        COMPANY, body={"companyId": COMPANY, "settings": [setting]}
    )
    assert _sent(recorder)["settings"] == [setting.to_dict()]


@pytest.mark.parametrize(
    ("body", "location", "problem"),
    [
        ({"nam": "x"}, "body['nam']", "not a field of CompanyRequestBody (its fields: 'name', 'description', 'tags')"),
        ({"name": 5}, "body['name']", "expected string, got integer"),
        ({"name": "x", "tags": {"region": 1}}, "body['tags']['region']", "expected string, got integer"),
        ({"description": "no name"}, "body['name']", "missing, a required field of CompanyRequestBody"),
        ({"name": "x", "description": "a", "Description": "b"}, "body['Description']", "not a field"),
    ],
)
def test_a_mapping_that_does_not_fit_names_the_field_and_sends_nothing(
    body: dict[str, Any], location: str, problem: str
) -> None:
    recorder = Recorder(200, json=company_json())
    with pytest.raises(RequestValidationError) as caught:
        sync_platform(recorder).companies.create(body=body)
    assert recorder.requests == []
    assert caught.value.location == location
    assert str(caught.value) == f"{location}: {caught.value.problem}; nothing was sent"
    assert problem in caught.value.problem
    assert isinstance(caught.value, InvalidRequestError | CodatError | ValueError | TypeError)


async def test_a_nested_mismatch_is_located_and_nothing_is_sent_async() -> None:
    recorder = Recorder(200, json={})
    codat = async_platform(recorder)
    with pytest.raises(RequestValidationError, match=r"^body\['settings'\]\[0\]\['sync_ordr'\]: not a field"):
        await codat.companies.set_company_sync_settings(
            COMPANY, body=_sync_settings_mapping(min(enum_values("platform", "DataType")), sync_ordr=3)
        )
    with pytest.raises(RequestValidationError, match=r"^body\['settings'\]\[0\]\['syncOrder'\]: expected integer"):
        await codat.companies.set_company_sync_settings(
            COMPANY, body=_sync_settings_mapping(min(enum_values("platform", "DataType")), syncOrder="first")
        )
    assert recorder.requests == []


def test_a_key_given_in_both_spellings_is_refused() -> None:
    recorder = Recorder(200, json={})
    with pytest.raises(RequestValidationError, match="given twice, as 'companyId' and 'company_id'"):
        sync_platform(recorder).companies.set_company_sync_settings(
            COMPANY, body={"companyId": COMPANY, "company_id": COMPANY, "settings": []}
        )
    assert recorder.requests == []


def test_a_body_neither_model_nor_mapping_is_refused_by_mypy_and_at_run_time() -> None:
    recorder = Recorder(200, json=company_json())
    with pytest.raises(RequestValidationError, match="expected CompanyRequestBody or a mapping, got list"):
        sync_platform(recorder).companies.create(body=[("name", "x")])  # type: ignore[arg-type]
    assert recorder.requests == []


def test_an_id_of_another_type_is_refused_by_mypy_and_at_run_time() -> None:
    recorder = Recorder(204)
    with pytest.raises(TypeError, match="connection_id must be a str or a uuid"):
        sync_platform(recorder).connections.delete(COMPANY, 42)  # type: ignore[arg-type]
    sync_platform(recorder).connections.delete(COMPANY, str(CONNECTION_ID))
    assert len(recorder.requests) == 1


def test_a_page_has_links_named_without_the_underscore() -> None:
    from tests.conftest import companies_json

    page = sync_platform(Recorder(200, json=companies_json())).companies.list()
    assert isinstance(page.links, Links)
    assert "_links" in page.to_dict()
    assert not hasattr(page, "field_links")
