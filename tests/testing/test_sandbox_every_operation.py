"""Every operation of both APIs answers, as the spec documents, from state or from its schema.

The operations come from the route tables; each runs against a sandbox holding a company, a linked
connection, an enabled product, a pull operation, a webhook consumer and an uploaded file, with a valid
request (the spec's example body, else one built from its schema). Every answer, errors included, is
validated against the raw pinned spec by ``ValidatingTransport``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from codat_sdk.testing import Sandbox
from codat_sdk.testing._app import tables
from codat_sdk.testing._handlers import HANDLERS
from codat_sdk.testing._routes import Route, schema_response
from codegen.source import default_source
from tests.spec_facts import NO_SOURCE
from tests.testing.operation_inputs import json_body, path_parameter
from tests.testing.sandbox_support import http
from tests.testing.spec_validation import validate_request_body

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)

ROUTES = [route for table in tables() for route in table]
PRODUCT = "lending"


@dataclass(frozen=True)
class World:
    sandbox: Sandbox
    ids: dict[str, str]


def world() -> World:
    """A sandbox with one of everything an operation's path can name."""
    sandbox = Sandbox(seed=7)
    company = sandbox.add_company("Toft stores", tags={"region": "uk"})
    with http(sandbox) as codat:
        base = f"/companies/{company['id']}"
        connection = codat.post(f"{base}/connections", json={"platformKey": "gbol"}).json()
        sandbox.link(company["id"], connection["id"])
        codat.put(f"{base}/products/{PRODUCT}").raise_for_status()
        dataset = codat.post(f"{base}/data/queue/invoices").json()
        webhook = codat.post("/webhooks", json={"url": "http://127.0.0.1:9/nowhere", "disabled": True}).json()
        uploaded = codat.post(f"{base}/connections/{connection['id']}/files", files={"file": ("a.csv", b"a,b\n")})
        uploaded.raise_for_status()
    ids = {
        "companyId": company["id"],
        "connectionId": connection["id"],
        "datasetId": dataset["id"],
        "webhookId": webhook["id"],
        "productIdentifier": PRODUCT,
    }
    return World(sandbox, ids)


def request_for(route: Route, ids: dict[str, str]) -> dict[str, object]:
    values = {
        p.name: ids.get(p.name) or path_parameter(route.api, route.operation_id, p.name) for p in route.path_parameters
    }
    options: dict[str, object] = {"method": route.http_method, "url": route.path_for(**values)}
    if route.request_body is not None:
        if "multipart/form-data" in route.request_body.media_types():
            options["files"] = {"file": ("statement.pdf", b"%PDF-1.4\n", "application/pdf")}
        else:
            body = json_body(route.api, route.operation_id)
            if route.operation_id == "unlink-connection":  # the one status the sandbox accepts, as Codat
                body = {"status": "Unlinked"}
            validate_request_body(route.api, route.operation_id, body)
            options["json"] = body
    return options


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.api}:{route.operation_id}")
def test_each_operation_answers_its_documented_success(route: Route) -> None:
    here = world()
    with http(here.sandbox) as codat:
        response = codat.request(**request_for(route, here.ids))  # type: ignore[arg-type]
    assert response.status_code == int(route.success.status if route.success else 200), response.text
    if route.operation_id not in HANDLERS:  # answered from the schema: exactly the schema's sample
        answered = (response.status_code, response.headers.get("content-type", ""), response.content)
        assert answered == schema_response(route)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.api}:{route.operation_id}")
def test_each_operation_refuses_a_call_without_credentials(route: Route) -> None:
    here = world()
    with http(here.sandbox) as codat:
        del codat.headers["Authorization"]
        response = codat.request(**request_for(route, here.ids))  # type: ignore[arg-type]
    assert response.status_code == 401
    assert response.json()["statusCode"] == 401


@pytest.mark.parametrize(
    "route",
    [route for route in ROUTES if any(p.name == "companyId" for p in route.path_parameters)],
    ids=lambda route: f"{route.api}:{route.operation_id}",
)
def test_each_company_operation_answers_404_for_a_company_it_does_not_hold(route: Route) -> None:
    here = world()
    unknown = dict(here.ids, companyId="0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f")
    with http(here.sandbox) as codat:
        response = codat.request(**request_for(route, unknown))  # type: ignore[arg-type]
    assert response.status_code == 404, response.text


def test_a_path_no_operation_has_is_404_and_a_wrong_method_405() -> None:
    sandbox = Sandbox()
    with http(sandbox) as codat:
        assert codat.get("/no/such/thing").status_code == 404
        assert codat.post("/companies/6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f60").status_code == 405


def test_a_body_the_spec_refuses_is_a_400_naming_the_field() -> None:
    sandbox = Sandbox()
    with http(sandbox) as codat:
        response = codat.post("/companies", json={"description": "no name"})
    assert response.status_code == 400
    assert "name" in response.json()["error"]
    assert sandbox.companies() == []


@pytest.mark.parametrize("params", [{"query": "{name=Toft"}, {"query": "name"}, {"orderBy": "-"}, {"pageSize": "0"}])
def test_a_list_request_codat_refuses_is_a_400_error_message(params: dict[str, str]) -> None:
    sandbox = Sandbox()
    sandbox.add_company("Toft stores")
    with http(sandbox) as codat:
        response = codat.get("/companies", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["statusCode"] == 400
