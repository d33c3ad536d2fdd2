"""Refreshing data: a refresh queues pull operations; they complete (at the next request, or when the test
says: ``Sandbox.complete_pull_operations``), which updates the data status and raises ``read.completed``."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from codat_sdk_platform import webhooks
from codat_sdk_platform.models.data_connection_status import DataConnectionStatus
from codat_sdk_platform.models.data_type import DataType
from codat_sdk_platform.models.dataset_status import DatasetStatus

from ._calls import Call, Problem, Reply, not_found
from ._listing import page_of
from ._state import Record, State

QUEUED = DatasetStatus.QUEUED.value
COMPLETE = DatasetStatus.COMPLETE.value
LINKED = DataConnectionStatus.LINKED.value


def every_data_type() -> list[str]:
    """What "refresh all" queues: every data type the spec lists."""
    return [member.value for member in DataType]


def _linked(state: State, company_id: str, connection_id: str | None) -> list[Record]:
    company = state.company(company_id)
    if connection_id is not None:
        connections = [state.connection(company["id"], connection_id)]
    else:
        connections = list(state.connections[company["id"]].values())
    linked = [connection for connection in connections if connection["status"] == LINKED]
    if not linked:
        raise Problem(400, f"company {company['id']} has no linked connection to refresh data from")
    return linked


def queue(state: State, company_id: str, data_types: Iterable[str], connection_id: str | None = None) -> list[Record]:
    """Queue a pull operation per data type and linked connection; returns them."""
    company_key = state.company(company_id)["id"]
    queued = []
    for connection in _linked(state, company_key, connection_id):
        for data_type in data_types:
            operation: Record = {
                "id": state.ids(),
                "companyId": company_key,
                "connectionId": connection["id"],
                "dataType": data_type,
                "status": QUEUED,
                "requested": state.clock.stamp(),
                "progress": 0,
                "isCompleted": False,
                "isErrored": False,
            }
            state.pull_operations.setdefault(company_key, []).append(operation)
            status = state.data_statuses.setdefault(company_key, {}).setdefault(
                data_type, {"dataType": data_type, "currentStatus": QUEUED}
            )
            status.update(currentStatus=QUEUED, latestSyncId=operation["id"])
            state.pending_pulls.append((company_key, operation["id"]))
            queued.append(operation)
    return queued


def complete(state: State, company_id: str | None = None) -> int:
    """Complete the queued pull operations (of one company, or all); returns how many completed."""
    done: dict[str, list[Record]] = {}
    still_pending = []
    for company_key, operation_id in state.pending_pulls:
        if company_id is not None and company_key != company_id.lower():
            still_pending.append((company_key, operation_id))
            continue
        operation = next((op for op in state.pull_operations.get(company_key, []) if op["id"] == operation_id), None)
        if operation is None:  # its company was deleted meanwhile
            continue
        now = state.clock.stamp()
        operation.update(status=COMPLETE, progress=100, isCompleted=True, completed=now)
        state.data_statuses[company_key][operation["dataType"]].update(
            currentStatus=COMPLETE, lastSuccessfulSync=now, latestSuccessfulSyncId=operation["id"]
        )
        connection = state.connections[company_key].get(operation["connectionId"])
        if connection is not None:
            connection["lastSync"] = now
        state.companies[company_key]["lastSync"] = now
        done.setdefault(company_key, []).append(operation)
    state.pending_pulls = still_pending
    for company_key, operations in done.items():
        company = state.companies[company_key]
        payload = {
            "referenceCompany": state.company_reference(company),
            "dataTypes": [
                {
                    "connectionId": op["connectionId"],
                    "dataType": op["dataType"],
                    "recordsModified": False,
                    "status": COMPLETE,
                }
                for op in operations
            ],
        }
        state.emit(webhooks.ReadCompletedEvent.EVENT_TYPE, payload, company)
    return sum(len(operations) for operations in done.values())


def refresh_company_data(state: State, call: Call) -> Reply:
    queue(state, call.path_params["companyId"], every_data_type())
    return Reply(204)


def refresh_data_type(state: State, call: Call) -> Reply:
    queued = queue(state, call.path_params["companyId"], [call.path_params["dataType"]], call.param("connectionId"))
    return Reply(200, queued[0])


def refresh_product_data(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    product = call.path_params["productIdentifier"]
    if product not in company["products"]:
        raise Problem(400, f"product {product} is not enabled for company {company['id']}")
    requested = call.body.get("dataTypes")
    queue(state, company["id"], requested or every_data_type())
    return Reply(202)


def get_company_data_status(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    return Reply(200, state.data_statuses.get(company["id"], {}))


def list_pull_operations(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    return Reply(200, page_of(state.pull_operations.get(company["id"], []), call, "PullOperation"))


def get_pull_operation(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    dataset_id = call.path_params["datasetId"].lower()
    for operation in state.pull_operations.get(company["id"], []):
        if operation["id"] == dataset_id:
            return Reply(200, operation)
    raise not_found("pull operation", dataset_id)


HANDLERS: dict[str, Callable[[State, Call], Reply]] = {
    "refresh-company-data": refresh_company_data,
    "refresh-data-type": refresh_data_type,
    "refresh-product-data": refresh_product_data,
    "get-company-data-status": get_company_data_status,
    "list-pull-operations": list_pull_operations,
    "get-pull-operation": get_pull_operation,
}
