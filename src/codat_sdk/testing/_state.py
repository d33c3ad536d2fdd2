"""The sandbox's memory: companies, connections, pull operations, data statuses, webhook consumers, files.

Records are kept as the JSON Codat sends (camelCase keys), so the query language, paging and responses
work on them as they are. Handlers answer with the records themselves: each answer is serialised under
the state lock before anything else can run. Events copy what they carry (a handler may change a record
after raising one); ``Sandbox``'s own readers hand out copies.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

from ._calls import not_found
from ._clock import Clock
from ._ids import IdGenerator

Record = dict[str, Any]

# Integrations are Codat's, not a company's: their ids depend on the platform key alone, not on the seed.
_INTEGRATIONS = uuid.UUID("5c8c6a4e-2f8e-4f3a-9b7e-0c0da7c0da70")


@dataclass(frozen=True)
class StoredFile:
    company_id: str
    connection_id: str
    file_name: str
    content_type: str
    content: bytes
    uploaded: str


@dataclass(frozen=True)
class PendingEvent:
    """A webhook event a state change raised, delivered once the request that raised it has its answer."""

    event_type: str
    payload: Record
    company: Record | None
    """The company the event is about (for consumers filtering by ``companyTags``), if any."""


@dataclass
class State:
    clock: Clock
    ids: IdGenerator
    companies: dict[str, Record] = field(default_factory=dict)
    connections: dict[str, dict[str, Record]] = field(default_factory=dict)  # company id -> connection id -> record
    pull_operations: dict[str, list[Record]] = field(default_factory=dict)  # company id -> oldest first
    data_statuses: dict[str, dict[str, Record]] = field(default_factory=dict)  # company id -> data type -> status
    webhook_consumers: dict[str, Record] = field(default_factory=dict)
    files: dict[str, list[StoredFile]] = field(default_factory=dict)  # company id -> oldest first
    pending_pulls: list[tuple[str, str]] = field(default_factory=list)  # (company id, pull operation id)
    outbox: list[PendingEvent] = field(default_factory=list)

    def integration_id(self, platform_key: str, kind: str = "integration") -> str:
        return str(uuid.uuid5(_INTEGRATIONS, f"{kind}:{platform_key}"))

    # -- lookups (raising the 404 Codat answers) ------------------------------------------------------

    def company(self, company_id: str) -> Record:
        found = self.companies.get(company_id.lower())
        if found is None:
            raise not_found("company", company_id)
        return found

    def connection(self, company_id: str, connection_id: str) -> Record:
        self.company(company_id)
        found = self.connections.get(company_id.lower(), {}).get(connection_id.lower())
        if found is None:
            raise not_found("connection", connection_id)
        return found

    def company_view(self, company_id: str) -> Record:
        """The company as ``get-company`` answers it: with its connections."""
        company = self.company(company_id)
        return {**company, "dataConnections": list(self.connections.get(company["id"], {}).values())}

    def company_reference(self, company: Record) -> Record:
        """A ``CompanyReference``, as connection and read events carry it."""
        reference: Record = {
            "id": company["id"],
            "name": company["name"],
            "links": {"portal": f"https://app.codat.io/companies/{company['id']}/summary"},
        }
        for optional in ("description", "tags"):
            if optional in company:
                reference[optional] = copy.deepcopy(company[optional])
        return reference

    def emit(self, event_type: str, payload: Record, company: Record | None) -> None:
        self.outbox.append(PendingEvent(event_type, copy.deepcopy(payload), copy.deepcopy(company)))

    def take_events(self) -> list[PendingEvent]:
        events, self.outbox = self.outbox, []
        return events
