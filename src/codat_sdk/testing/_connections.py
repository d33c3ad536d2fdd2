"""Connections and their lifecycle: PendingAuth, then Linked (the user authorised: ``Sandbox.link``), then
Deauthorized (``Sandbox.deauthorize``) or Unlinked (``PATCH`` with ``{"status": "Unlinked"}``); deletion."""

from __future__ import annotations

import copy
from collections.abc import Callable

from codat_sdk_platform import webhooks
from codat_sdk_platform.models.data_connection_status import DataConnectionStatus

from ._calls import Call, Problem, Reply
from ._listing import page_of
from ._state import Record, State

UNLINKED = DataConnectionStatus.UNLINKED.value


def _emit(state: State, event_type: str, company_id: str, connection: Record) -> None:
    company = state.company(company_id)
    payload = {"referenceCompany": state.company_reference(company), "connection": copy.deepcopy(connection)}
    state.emit(event_type, payload, company)


def create_connection(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    platform_key = call.body.get("platformKey")
    if not platform_key:
        raise Problem(400, "platformKey is required")
    connection_id = state.ids()
    connection: Record = {
        "id": connection_id,
        # One integration per platform key, whatever the company: the same key always gives the same id.
        "integrationId": state.integration_id(platform_key),
        "integrationKey": platform_key,
        "sourceId": state.integration_id(platform_key, "source"),
        "sourceType": "Unknown",  # the sandbox does not know which kind of platform a key names
        "platformName": platform_key,
        "linkUrl": f"https://link-api.codat.io/companies/{company['id']}/connections/{connection_id}/start",
        "status": DataConnectionStatus.PENDINGAUTH.value,
        "created": state.clock.stamp(),
        "dataConnectionErrors": [],
    }
    state.connections[company["id"]][connection_id] = connection
    _emit(state, webhooks.ConnectionCreatedEvent.EVENT_TYPE, company["id"], connection)
    return Reply(200, connection)


def get_connection(state: State, call: Call) -> Reply:
    return Reply(200, state.connection(call.path_params["companyId"], call.path_params["connectionId"]))


def list_connections(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    return Reply(200, page_of(list(state.connections[company["id"]].values()), call, "Connection"))


def unlink_connection(state: State, call: Call) -> Reply:
    company_id, connection_id = call.path_params["companyId"], call.path_params["connectionId"]
    connection = state.connection(company_id, connection_id)
    status = call.body.get("status")
    if status != UNLINKED:
        raise Problem(400, f"status must be {UNLINKED!r}: a connection can only be unlinked through the API")
    set_status(state, company_id, connection_id, UNLINKED)
    return Reply(200, connection)


def delete_connection(state: State, call: Call) -> Reply:
    company_id, connection_id = call.path_params["companyId"], call.path_params["connectionId"]
    connection = state.connection(company_id, connection_id)
    del state.connections[company_id.lower()][connection["id"]]
    _emit(state, webhooks.ConnectionDeletedEvent.EVENT_TYPE, company_id, connection)
    return Reply(200)


def update_connection_authorization(state: State, call: Call) -> Reply:
    connection = state.connection(call.path_params["companyId"], call.path_params["connectionId"])
    connection["connectionInfo"] = copy.deepcopy(call.body)
    return Reply(200, connection)


def set_status(state: State, company_id: str, connection_id: str, status: str) -> Record:
    """Move a connection to ``status``, raising the event Codat raises for that move."""
    connection = state.connection(company_id, connection_id)
    before = connection["status"]
    if before == status:
        return connection
    connection["status"] = status
    if status == DataConnectionStatus.LINKED.value:
        reconnected = before in (DataConnectionStatus.DEAUTHORIZED.value, UNLINKED)
        event = webhooks.ConnectionReconnectedEvent if reconnected else webhooks.ConnectionConnectedEvent
        _emit(state, event.EVENT_TYPE, company_id, connection)
    elif before == DataConnectionStatus.LINKED.value:
        _emit(state, webhooks.ConnectionDisconnectedEvent.EVENT_TYPE, company_id, connection)
    return connection


HANDLERS: dict[str, Callable[[State, Call], Reply]] = {
    "create-connection": create_connection,
    "get-connection": get_connection,
    "list-connections": list_connections,
    "unlink-connection": unlink_connection,
    "delete-connection": delete_connection,
    "update-connection-authorization": update_connection_authorization,
}
