"""In-process cases of the local Codat (``codat_sdk.testing.Sandbox``): what a test's call costs.

The floor is raw ``httpx`` + ``json.loads`` on an ``httpx.MockTransport`` answering the same bytes the
sandbox answers (httpx's own in-process cost). Measured against it: this SDK's ``companies.get`` through
the sandbox's transport (what a consumer's test pays per call), and raw httpx through the sandbox's
transport (the sandbox's own share: routing, the spec's request checks, state, JSON).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import UUID

import httpx

from .impls import API_KEY, AUTH_HEADER, NO_RETRIES

SERVER = "https://api.codat.io"


class SandboxCalls:
    """The three ways of getting one company in process, against one sandbox holding it."""

    def __init__(self) -> None:
        from codat_sdk.testing import Sandbox

        self.sandbox = Sandbox(seed=1)
        company = self.sandbox.add_company("Toft stores", description="bench", tags={"region": "uk"})
        self.company_id = UUID(company["id"])
        self.path = f"/companies/{company['id']}"
        headers = {"Authorization": AUTH_HEADER, "Accept": "application/json"}
        self.on_sandbox = httpx.Client(transport=self.sandbox.transport(), base_url=SERVER, headers=headers)
        answered = self.on_sandbox.get(self.path)
        answered.raise_for_status()
        canned = answered.content
        canned_headers = dict(answered.headers)

        def replay(request: httpx.Request) -> httpx.Response:
            return httpx.Response(200, headers=canned_headers, content=canned)

        self.on_mock = httpx.Client(transport=httpx.MockTransport(replay), base_url=SERVER, headers=headers)
        self.sdk = self.sandbox.client(api_key=API_KEY, retry_config=NO_RETRIES)

    def floor(self) -> object:
        return json.loads(self.on_mock.get(self.path).content)

    def raw_on_sandbox(self) -> object:
        return json.loads(self.on_sandbox.get(self.path).content)

    def sdk_on_sandbox(self) -> object:
        return self.sdk.companies.get(company_id=self.company_id)

    def calls(self) -> dict[str, Callable[[], object]]:
        return {"floor": self.floor, "raw": self.raw_on_sandbox, "sdk": self.sdk_on_sandbox}

    def close(self) -> None:
        self.sdk.close()
        self.on_sandbox.close()
        self.on_mock.close()
