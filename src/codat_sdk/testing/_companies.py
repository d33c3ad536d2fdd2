"""Companies: create, get, list, update, replace, delete, and their products."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from codat_sdk_platform import webhooks

from ._calls import Call, Reply
from ._listing import page_of
from ._state import Record, State

_EDITABLE = ("name", "description", "tags")


def add_company(state: State, fields: Record) -> Record:
    """A new company from a create request's fields (``name``, ``description``, ``tags``)."""
    company_id = state.ids()
    company: Record = {
        "id": company_id,
        "name": fields["name"],
        "redirect": f"https://link.codat.io/company/{company_id}",
        "created": state.clock.stamp(),
        "products": [],
        "tags": {},
        "referenceSubsidiaryCompanies": [],
    }
    company.update({key: copy.deepcopy(fields[key]) for key in _EDITABLE if key in fields})
    state.companies[company_id] = company
    state.connections[company_id] = {}
    state.emit(webhooks.CompanyCreatedEvent.EVENT_TYPE, company, company)
    return state.company_view(company_id)


def create_company(state: State, call: Call) -> Reply:
    return Reply(200, add_company(state, call.body))


def get_company(state: State, call: Call) -> Reply:
    return Reply(200, state.company_view(call.path_params["companyId"]))


def list_companies(state: State, call: Call) -> Reply:
    return Reply(200, page_of((state.company_view(cid) for cid in state.companies), call, "Company", tags=True))


def update_company(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    company.update({key: copy.deepcopy(call.body[key]) for key in _EDITABLE if key in call.body})
    return Reply(200, state.company_view(company["id"]))


def replace_company(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    for key in _EDITABLE:  # what the new body leaves out is gone
        company.pop(key, None)
    company["tags"] = {}
    company.update({key: copy.deepcopy(call.body[key]) for key in _EDITABLE if key in call.body})
    return Reply(200, state.company_view(company["id"]))


def delete_company(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    company_id = company["id"]
    for table in (state.companies, state.connections, state.pull_operations, state.data_statuses, state.files):
        table.pop(company_id, None)
    state.emit(webhooks.CompanyDeletedEvent.EVENT_TYPE, company, company)
    return Reply(204)


def _product_payload(company: Record, product: str) -> dict[str, Any]:
    return {
        "id": company["id"],
        "name": company["name"],
        "productId": product,
        "productName": product,
        "products": list(company["products"]),
    }


def add_product(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    product = call.path_params["productIdentifier"]
    if product not in company["products"]:
        company["products"].append(product)
        event = webhooks.CompanyProductAddedEvent.EVENT_TYPE
        state.emit(event, _product_payload(company, product), company)
    return Reply(204)


def remove_product(state: State, call: Call) -> Reply:
    company = state.company(call.path_params["companyId"])
    product = call.path_params["productIdentifier"]
    if product in company["products"]:
        company["products"].remove(product)
        event = webhooks.CompanyProductRemovedEvent.EVENT_TYPE
        state.emit(event, _product_payload(company, product), company)
    return Reply(204)


HANDLERS: dict[str, Callable[[State, Call], Reply]] = {
    "create-company": create_company,
    "get-company": get_company,
    "list-companies": list_companies,
    "update-company": update_company,
    "replace-company": replace_company,
    "delete-company": delete_company,
    "add-product": add_product,
    "remove-product": remove_product,
}
