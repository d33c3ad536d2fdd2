"""The three implementations every case runs: the transport floor, this SDK, and Codat's ``codat-platform``.

Each does the same work against the same server: the floor is raw ``httpx`` plus ``json.loads`` (what
any SDK must at least do); this SDK and ``codat-platform`` return their typed models. Imports of the
SDKs happen in the constructors, so a missing ``codat-platform`` only disables its own column.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any, Protocol
from uuid import UUID

import httpx

from codat_sdk import RetryConfig

from .server import SLOW_COMPANY_ID

# Calls still pass through the retry layer, but a failing server fails the run instead of stalling it
# for the spec's hour of backoff (the other implementations do not retry either).
NO_RETRIES = RetryConfig("none")

API_KEY = "bench-api-key"
AUTH_HEADER = "Basic " + base64.b64encode(API_KEY.encode()).decode()
COMPANY_ID = "8a210b68-6988-11ed-a1eb-0242ac120002"
CONNECTION_ID = "2e9d2c44-f675-40ba-8049-353bfcb5e171"

FLOOR = "floor"
SDK = "sdk"
CODAT = "codat"
NAMES = {FLOOR: "raw httpx + json.loads", SDK: "this SDK", CODAT: "codat-platform 6.0.0"}


class Implementation(Protocol):
    key: str

    def get_one(self) -> object: ...
    def list_page(self, page_size: int) -> object: ...
    def decode(self, raw: bytes) -> object: ...
    def paginate(self, page_size: int) -> int: ...
    async def gather_slow(self, calls: int) -> float: ...
    def close(self) -> None: ...


def codat_platform_missing() -> str | None:
    """Why the codat-platform column is empty, or None when it can run."""
    try:
        import codat_platform  # noqa: F401
    except ImportError as exc:
        return f"not installed ({exc.name}); `nox -s bench` installs codat-platform==6.0.0"
    return None


async def _warm_then_time(calls: int, one: Any) -> float:
    """Open the connections with one round of ``calls``, then time a second round (what is measured)."""
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(one() for _ in range(calls)))
    start = loop.time()
    await asyncio.gather(*(one() for _ in range(calls)))
    return loop.time() - start


class Floor:
    key = FLOOR

    def __init__(self, url: str) -> None:
        self.url = url
        self.headers = {"Authorization": AUTH_HEADER, "Accept": "application/json"}
        self.http = httpx.Client(headers=self.headers)

    def get_one(self) -> object:
        return json.loads(self.http.get(f"{self.url}/companies/{COMPANY_ID}").content)

    def list_page(self, page_size: int) -> object:
        return json.loads(self.http.get(f"{self.url}/companies", params={"page": 1, "pageSize": page_size}).content)

    def decode(self, raw: bytes) -> object:
        return json.loads(raw)

    def paginate(self, page_size: int) -> int:
        seen, page = 0, 1
        while True:  # bounded by the server's totalResults
            body = json.loads(
                self.http.get(f"{self.url}/companies", params={"page": page, "pageSize": page_size}).content
            )
            for _ in body["results"]:
                seen += 1
            if page * page_size >= body["totalResults"]:
                return seen
            page += 1

    async def gather_slow(self, calls: int) -> float:
        async with httpx.AsyncClient(headers=self.headers) as http:
            url = f"{self.url}/companies/{SLOW_COMPANY_ID}"

            async def one() -> object:
                return json.loads((await http.get(url)).content)

            return await _warm_then_time(calls, one)

    def close(self) -> None:
        self.http.close()


class ThisSDK:
    key = SDK

    def __init__(self, url: str) -> None:
        from codat_sdk_platform import CodatPlatform
        from codat_sdk_platform.models import Companies

        self.url = url
        self.companies_model = Companies
        self.company_id = UUID(COMPANY_ID)
        self.client = CodatPlatform(api_key=API_KEY, server_url=url, retry_config=NO_RETRIES)

    def get_one(self) -> object:
        return self.client.companies.get(company_id=self.company_id)

    def list_page(self, page_size: int) -> object:
        return self.client.companies.list(page_size=page_size)

    def decode(self, raw: bytes) -> object:
        return self.companies_model.from_dict(json.loads(raw))

    def paginate(self, page_size: int) -> int:
        return sum(1 for _ in self.client.companies.list_all(page_size=page_size))

    async def gather_slow(self, calls: int) -> float:
        from codat_sdk_platform import AsyncCodatPlatform

        slow_id = UUID(SLOW_COMPANY_ID)
        async with AsyncCodatPlatform(api_key=API_KEY, server_url=self.url, retry_config=NO_RETRIES) as client:

            async def one() -> object:
                return await client.companies.get(company_id=slow_id)

            return await _warm_then_time(calls, one)

    def close(self) -> None:
        self.client.close()


class CodatPlatformSDK:
    """Codat's own SDK as its README shows it, given an httpx client (its fastest transport)."""

    key = CODAT

    def __init__(self, url: str) -> None:
        from codat_platform import CodatPlatform
        from codat_platform.models import shared

        self.url = url
        self.companies_model = shared.Companies
        self.http = httpx.Client()
        self.client = CodatPlatform(security=shared.Security(auth_header=AUTH_HEADER), server_url=url, client=self.http)

    def get_one(self) -> object:
        return self.client.companies.get(request={"company_id": COMPANY_ID})

    def list_page(self, page_size: int) -> object:
        return self.client.companies.list(request={"page": 1, "page_size": page_size})

    def decode(self, raw: bytes) -> object:
        return self.companies_model.from_json(raw)

    def paginate(self, page_size: int) -> int:
        seen, page = 0, 1
        while True:  # bounded by the server's totalResults
            result = self.client.companies.list(request={"page": page, "page_size": page_size})
            for _ in result.results:
                seen += 1
            if page * page_size >= result.total_results:
                return seen
            page += 1

    async def gather_slow(self, calls: int) -> float:
        # Its *_async methods run the sync call in the event loop's default thread pool.
        async def one() -> object:
            return await self.client.companies.get_async(request={"company_id": SLOW_COMPANY_ID})

        return await _warm_then_time(calls, one)

    def close(self) -> None:
        self.http.close()


def build(key: str, url: str) -> Implementation:
    if key == FLOOR:
        return Floor(url)
    if key == SDK:
        return ThisSDK(url)
    return CodatPlatformSDK(url)
