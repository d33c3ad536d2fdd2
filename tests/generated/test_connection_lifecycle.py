"""Connection lifecycle: the status is an open enum, and unlink sends the one status it accepts by itself."""

from __future__ import annotations

import json

import pytest
from codat_sdk_platform.models import Connection, DataConnectionStatus, UpdateConnectionStatus

from tests.conftest import COMPANY_ID, CONNECTION_ID, Recorder, async_platform, connection_json, sync_platform
from tests.spec_facts import enum_values, unknown_value

UNLINK_PATH = f"/companies/{COMPANY_ID}/connections/{CONNECTION_ID}"


def test_status_enum_has_the_states_the_spec_documents() -> None:
    assert {member.value for member in DataConnectionStatus} == enum_values("platform", "DataConnectionStatus")


def test_status_enum_accepts_a_value_the_sdk_does_not_know() -> None:
    unknown = unknown_value(DataConnectionStatus)
    status = DataConnectionStatus(unknown)
    assert not status.is_known
    assert status.value == unknown
    assert DataConnectionStatus.LINKED.is_known
    connection = Connection.from_dict(connection_json(status=unknown))
    assert isinstance(connection.status, DataConnectionStatus)
    assert connection.status.value == unknown
    assert connection.to_dict()["status"] == unknown


def test_unlink_sends_the_unlinked_status_by_default() -> None:
    recorder = Recorder(json=connection_json(status="Unlinked"))
    unlinked = sync_platform(recorder).connections.unlink(company_id=COMPANY_ID, connection_id=CONNECTION_ID)
    assert recorder.last.method == "PATCH"
    assert recorder.last.url.path == UNLINK_PATH
    assert json.loads(recorder.last.content) == {"status": "Unlinked"}
    assert unlinked.status is DataConnectionStatus.UNLINKED


async def test_unlink_sends_the_unlinked_status_by_default_async() -> None:
    recorder = Recorder(json=connection_json(status="Unlinked"))
    client = async_platform(recorder)
    raw = await client.connections.with_raw_response.unlink(company_id=COMPANY_ID, connection_id=CONNECTION_ID)
    assert json.loads(recorder.last.content) == {"status": "Unlinked"}
    assert raw.parsed.status is DataConnectionStatus.UNLINKED


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_unlink_still_takes_a_full_body(mode: str) -> None:
    recorder = Recorder(json=connection_json(status="Unlinked"))
    body = UpdateConnectionStatus(status=DataConnectionStatus.UNLINKED)
    body["reason"] = "customer offboarded"  # a field Codat may add: passed through as given
    if mode == "sync":
        sync_platform(recorder).connections.unlink(COMPANY_ID, CONNECTION_ID, body=body)
    else:
        await async_platform(recorder).connections.unlink(COMPANY_ID, CONNECTION_ID, body=body)
    assert json.loads(recorder.last.content) == {"status": "Unlinked", "reason": "customer offboarded"}
