"""Webhook consumers: the endpoints the sandbox delivers its events to (``_delivery``)."""

from __future__ import annotations

from collections.abc import Callable

from ._calls import Call, Reply, not_found
from ._state import Record, State


def create_webhook_consumer(state: State, call: Call) -> Reply:
    body = call.body
    consumer: Record = {
        "id": state.ids(),
        "url": body.get("url"),
        "disabled": bool(body.get("disabled") or False),
        "eventTypes": list(body.get("eventTypes") or []),
    }
    if body.get("companyTags") is not None:
        consumer["companyTags"] = list(body["companyTags"])
    if consumer["url"] is None:
        del consumer["url"]
    state.webhook_consumers[consumer["id"]] = consumer
    return Reply(201, consumer)


def list_webhook_consumers(state: State, call: Call) -> Reply:
    return Reply(200, {"results": list(state.webhook_consumers.values())})


def delete_webhook_consumer(state: State, call: Call) -> Reply:
    webhook_id = call.path_params["webhookId"].lower()
    if state.webhook_consumers.pop(webhook_id, None) is None:
        raise not_found("webhook consumer", webhook_id)
    return Reply(204)


HANDLERS: dict[str, Callable[[State, Call], Reply]] = {
    "create-webhook-consumer": create_webhook_consumer,
    "list-webhook-consumers": list_webhook_consumers,
    "delete-webhook-consumer": delete_webhook_consumer,
}
