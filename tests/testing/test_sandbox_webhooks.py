"""The sandbox raises Codat's webhook events on state changes and delivers them signed, as Codat signs them.

``standardwebhooks`` (the Standard Webhooks reference library) verifies every delivery independently of
``codat_sdk``; the bodies are validated against the pinned spec's ``webhooks`` section; event names and
classes come from the generated ``codat_sdk_platform.webhooks``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import standardwebhooks
from codat_sdk_platform import webhooks
from codat_sdk_platform.models import CompanyRequestBody, CreateConnectionBody, Tags, WebhookConsumerPrototype

from codat_sdk import WebhookEvent, WebhookRouter
from codat_sdk.testing import Sandbox
from codegen.source import default_source
from tests.spec_facts import NO_SOURCE
from tests.testing.sandbox_support import async_client, client
from tests.testing.spec_validation import validator

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)

Received = list[tuple[bytes, dict[str, str]]]


def _collect(sandbox: Sandbox, **options: Any) -> Received:
    received: Received = []
    sandbox.webhooks.on(lambda body, headers: received.append((body, dict(headers))), **options)
    return received


def _validate(event_type: str, body: bytes) -> None:
    """The body fits the request body the spec's ``webhooks`` section declares for the event."""
    declared = webhooks.EVENT_TYPES.event_class(event_type).EVENT_TYPE  # "{dataType}.write.successful" for one
    pointer = f"/webhooks/{declared.replace('~', '~0').replace('/', '~1')}/post/requestBody/content/application~1json"
    pointer += "/schema"
    validator("platform").check(pointer, json.loads(body), f"{event_type} webhook")


def _lifecycle(sandbox: Sandbox) -> None:
    with client(sandbox) as codat:
        company = codat.companies.create(body=CompanyRequestBody(name="Toft", tags=Tags.from_dict({"region": "uk"})))
        codat.companies.add_product(company_id=company.id, product_identifier="lending")
        connection = codat.connections.create(company_id=company.id, body=CreateConnectionBody(platform_key="gbol"))
        sandbox.link(company.id, connection.id)
        codat.refresh_data.all(company_id=company.id)
        codat.companies.get(company_id=company.id)  # the pull operations complete
        sandbox.deauthorize(company.id, connection.id)
        sandbox.link(company.id, connection.id)
        codat.connections.unlink(company_id=company.id, connection_id=connection.id)
        codat.connections.delete(company_id=company.id, connection_id=connection.id)
        codat.companies.remove_product(company_id=company.id, product_identifier="lending")
        codat.companies.delete(company_id=company.id)


def test_state_changes_raise_codats_events_in_order() -> None:
    sandbox = Sandbox()
    received = _collect(sandbox)
    _lifecycle(sandbox)
    parsed = [webhooks.construct_event(body, headers, sandbox.webhooks.secret) for body, headers in received]
    assert [type(event) for event in parsed] == [
        webhooks.CompanyCreatedEvent,
        webhooks.CompanyProductAddedEvent,
        webhooks.ConnectionCreatedEvent,
        webhooks.ConnectionConnectedEvent,
        webhooks.ReadCompletedEvent,
        webhooks.ConnectionDisconnectedEvent,
        webhooks.ConnectionReconnectedEvent,
        webhooks.ConnectionDisconnectedEvent,
        webhooks.ConnectionDeletedEvent,
        webhooks.CompanyProductRemovedEvent,
        webhooks.CompanyDeletedEvent,
    ]
    assert [event.type for event in parsed] == [event["eventType"] for event in sandbox.webhooks.events]
    read = parsed[4]
    assert isinstance(read, webhooks.ReadCompletedEvent)
    assert read.data.payload and read.data.payload.data_types and len(read.data.payload.data_types) > 1


def test_every_delivery_verifies_with_the_standard_webhooks_library_and_fits_the_spec() -> None:
    sandbox = Sandbox()
    received = _collect(sandbox)
    _lifecycle(sandbox)
    verifier = standardwebhooks.Webhook(sandbox.webhooks.secret)
    for body, headers in received:
        event = verifier.verify(body, headers)
        assert headers["webhook-id"].startswith("msg_")
        _validate(event["eventType"], body)


def test_a_delivery_with_another_secret_or_altered_bytes_does_not_verify() -> None:
    sandbox = Sandbox(webhook_secret="whsec_" + "c2VjcmV0LWtleS1mb3ItdGVzdHM=")
    received = _collect(sandbox)
    sandbox.add_company("Toft")
    ((body, headers),) = received
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook("whsec_" + "b3RoZXIta2V5LWZvci10ZXN0cw==").verify(body, headers)
    with pytest.raises(standardwebhooks.WebhookVerificationError):
        standardwebhooks.Webhook(sandbox.webhooks.secret).verify(body.replace(b"Toft", b"Tift"), headers)


def test_a_router_gets_typed_events_from_a_callback() -> None:
    sandbox = Sandbox()
    router = WebhookRouter()
    seen: list[str] = []

    @router.on(webhooks.ConnectionConnectedEvent)
    def connected(event: webhooks.ConnectionConnectedEvent) -> None:
        payload = event.data.payload
        assert payload and payload.connection and payload.reference_company
        seen.append(f"{payload.reference_company.name}: {payload.connection.status}")

    @router.fallback
    def other(event: WebhookEvent[Any]) -> None:
        seen.append(event.type)

    def receive(body: bytes, headers: Mapping[str, str]) -> None:
        router.dispatch(webhooks.construct_event(body, headers, sandbox.webhooks.secret))

    sandbox.webhooks.on(receive)
    company = sandbox.add_company("Toft")
    with client(sandbox) as codat:
        connection = codat.connections.create(company_id=company["id"], body=CreateConnectionBody(platform_key="gbol"))
    sandbox.link(company["id"], connection.id)
    assert seen == ["company.created", "connection.created", "Toft: Linked"]
    assert all(delivery.ok for delivery in sandbox.webhooks.deliveries)


def test_callbacks_take_only_the_event_types_they_ask_for() -> None:
    sandbox = Sandbox()
    received = _collect(sandbox, event_types=[webhooks.CompanyDeletedEvent.EVENT_TYPE])
    company = sandbox.add_company("Toft")
    with client(sandbox) as codat:
        codat.companies.delete(company_id=company["id"])
    assert [webhooks.construct_event(b, h, sandbox.webhooks.secret).type for b, h in received] == ["company.deleted"]


@contextmanager
def _receiver(answer: int = 204) -> Iterator[tuple[str, Received]]:
    received: Received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, {name.lower(): value for name, value in self.headers.items()}))
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/codat", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_consumers_registered_through_the_api_get_signed_posts_filtered_as_codat_filters() -> None:
    sandbox = Sandbox()
    with (
        _receiver() as (url, received),
        _receiver() as (tagged_url, tagged),
        _receiver() as (off_url, off),
        client(sandbox) as codat,
    ):
        codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=url, event_types=["company.created"]))
        codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=tagged_url, company_tags=["region:uk"]))
        codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=off_url, disabled=True))
        codat.companies.create(body=CompanyRequestBody(name="Toft", tags=Tags.from_dict({"region": "uk"})))
        codat.companies.create(body=CompanyRequestBody(name="Other", tags=Tags.from_dict({"region": "us"})))
        company = codat.companies.create(body=CompanyRequestBody(name="Untagged"))
        codat.companies.delete(company_id=company.id)
    verifier = standardwebhooks.Webhook(sandbox.webhooks.secret)
    names = [verifier.verify(body, headers)["payload"]["name"] for body, headers in received]
    assert names == ["Toft", "Other", "Untagged"]
    assert [verifier.verify(body, headers)["eventType"] for body, headers in tagged] == ["company.created"]
    assert off == []
    assert all(headers["content-type"] == "application/json" for _, headers in received)
    assert {delivery.status for delivery in sandbox.webhooks.deliveries} == {204}


def test_a_failed_delivery_is_recorded_and_the_call_still_answers() -> None:
    sandbox = Sandbox()
    with _receiver(answer=500) as (url, _), client(sandbox) as codat:
        codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=url))
        codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url="http://127.0.0.1:9/refused"))

        def broken(body: bytes, headers: Mapping[str, str]) -> None:
            raise RuntimeError("receiver bug")

        sandbox.webhooks.on(broken)
        codat.companies.create(body=CompanyRequestBody(name="Toft"))
    outcomes = sorted((str(d.status), (d.error or "").split(":")[0]) for d in sandbox.webhooks.deliveries)
    assert outcomes == [("500", ""), ("None", "ConnectError"), ("None", "RuntimeError")]
    assert not any(delivery.ok for delivery in sandbox.webhooks.deliveries)


def test_async_callbacks_are_awaited_by_the_async_transport() -> None:
    sandbox = Sandbox()
    seen: list[str] = []

    async def receive(body: bytes, headers: Mapping[str, str]) -> None:
        await asyncio.sleep(0)
        seen.append(webhooks.construct_event(body, headers, sandbox.webhooks.secret).type)

    sandbox.webhooks.on(receive)

    async def main() -> None:
        codat = async_client(sandbox)
        await codat.companies.create(body=CompanyRequestBody(name="Toft"))

    asyncio.run(main())
    assert seen == ["company.created"]


OFF_MACHINE = ["https://example.com/hooks", "http://10.0.0.8/hooks", "http://[2001:db8::1]/hooks", "not a url"]


def _not_sent(sandbox: Sandbox) -> list[str]:
    return [d.error or "" for d in sandbox.webhooks.deliveries if (d.error or "").startswith("not sent: ")]


def test_consumer_urls_off_this_machine_are_recorded_as_not_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that registers a real-looking consumer URL never reaches the network: the delivery is
    recorded with the reason. Before, the sandbox posted to any URL (waiting up to 10 s for it)."""
    posted: list[str] = []
    monkeypatch.setattr("httpx.post", lambda url, **kwargs: posted.append(url))
    sandbox = Sandbox()
    with client(sandbox) as codat:
        for url in OFF_MACHINE:
            codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=url))
        codat.companies.create(body=CompanyRequestBody(name="Toft"))
    assert posted == []
    errors = _not_sent(sandbox)
    assert len(errors) == len(OFF_MACHINE) == len(sandbox.webhooks.deliveries)
    assert "example.com is not a loopback address" in errors[0]
    assert "the URL has no host" in errors[-1]
    assert not any(delivery.ok for delivery in sandbox.webhooks.deliveries)


def test_async_deliveries_off_this_machine_are_not_sent_either(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sandbox opened an HTTP client for an off-machine URL")

    monkeypatch.setattr("httpx.AsyncClient.post", refuse)
    sandbox = Sandbox()

    async def run() -> None:
        async with async_client(sandbox) as codat:
            await codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=OFF_MACHINE[0]))
            await codat.companies.create(body=CompanyRequestBody(name="Toft"))

    asyncio.run(run())
    assert len(_not_sent(sandbox)) == len(sandbox.webhooks.deliveries) == 1


def test_a_localhost_consumer_url_is_posted_to() -> None:
    sandbox = Sandbox()
    with _receiver() as (url, received), client(sandbox) as codat:
        codat.webhooks.create_consumer(body=WebhookConsumerPrototype(url=url.replace("127.0.0.1", "localhost")))
        codat.companies.create(body=CompanyRequestBody(name="Toft"))
    assert len(received) == 1
    assert [delivery.status for delivery in sandbox.webhooks.deliveries] == [204]
