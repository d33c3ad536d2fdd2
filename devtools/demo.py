"""The main job, end to end against Prism serving the pinned specs on 127.0.0.1.

List companies (one page, then every page of a typed query), get one, create and unlink a connection,
upload and download a file: sync, then listings with the async client. ``nox -s demo`` (or
``./dev demo``) runs it against Prism; each step takes a ``Target`` (how its clients are built), so the
same flow runs against any server URL (``Target.at``) or clients of your own, such as a local sandbox's
(``codat_sdk.testing``; the SDK's tests run it so).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from codat_sdk_files import CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import CreateConnectionBody
from codat_sdk_platform.queries import CompanyQuery

from codat_sdk import CodatError, order_by
from codegen.source import SpecError

from .prism import PrismError, serve

DEMO_API_KEY = "demo-api-key"  # Prism checks that credentials are sent, not their value


@dataclass(frozen=True)
class Target:
    """How the demo builds its clients: for a server URL (``Target.at``), or any factories of your own."""

    platform: Callable[[], CodatPlatform]
    async_platform: Callable[[], AsyncCodatPlatform]
    files: Callable[[], CodatFiles]

    @classmethod
    def at(cls, server_url: str) -> Target:
        return cls(
            platform=lambda: CodatPlatform(api_key=DEMO_API_KEY, server_url=server_url),
            async_platform=lambda: AsyncCodatPlatform(api_key=DEMO_API_KEY, server_url=server_url),
            files=lambda: CodatFiles(api_key=DEMO_API_KEY, server_url=server_url),
        )


def platform_demo(target: Target) -> tuple[UUID, UUID]:
    """The Platform API steps; returns the company used and the connection created."""
    with target.platform() as codat:
        page = codat.companies.list(page_size=10)
        print(f"companies.list: {page.total_results} company(ies) on page {page.page_number}")
        first = (page.results or [])[0]  # Unset (falsy) when the server omits results
        # Every page of a filtered, ordered listing; the query is checked before anything is sent.
        linked = (CompanyQuery.name.contains("Toft")) & (CompanyQuery.data_connections.status == "Linked")
        newest_first = order_by(CompanyQuery.created).desc()
        matches = codat.companies.list_all(query=linked, order_by=newest_first, page_size=50, max_items=200)
        print(f"companies.list_all(query={linked}, order_by={newest_first}): {sum(1 for _ in matches)} company(ies)")
        company = codat.companies.get(company_id=first.id)
        print(f"companies.get: {company.name!r} created {company.created}")
        connection = codat.connections.create(company_id=company.id, body=CreateConnectionBody(platform_key="gbol"))
        print(f"connections.create: {connection.id} ({connection.platform_name}, {connection.status})")
        # Sends {"status": "Unlinked"}, the only body the operation accepts, without spelling it out.
        unlinked = codat.connections.unlink(company_id=company.id, connection_id=connection.id)
        print(f"connections.unlink: sent status Unlinked; answered status {unlinked.status}")
        raw = codat.companies.with_raw_response.get(company_id=company.id)
        print(f"with_raw_response: HTTP {raw.status_code}, content-type {raw.headers['content-type']}")
        return company.id, connection.id


def files_demo(target: Target, company_id: UUID, connection_id: UUID) -> None:
    with tempfile.TemporaryDirectory() as tmp, target.files() as codat:
        statement = Path(tmp) / "statement.pdf"
        statement.write_bytes(b"%PDF-1.4 demo statement\n")
        codat.files.upload_files(company_id, connection_id, file=[statement, b"raw,csv,bytes\n"])
        print("files.upload_files: uploaded 2 files, streamed from disk and memory")
        print(f"files.list_files: {len(codat.files.list_files(company_id))} file(s)")
        with codat.files.download_files(company_id) as download:
            written = download.write_to(Path(tmp) / "download.zip")
        print(f"files.download_files: streamed {written} bytes to disk")


async def async_demo(target: Target) -> None:
    async with target.async_platform() as codat:
        pages = await asyncio.gather(*(codat.companies.list(page=n) for n in (1, 2, 3)))
        print(f"async companies.list x3 concurrently: {[p.page_number for p in pages]}")
        names = [company.name async for company in codat.companies.list_all(max_items=10)]
        print(f"async for over companies.list_all: {len(names)} company(ies)")


def main() -> int:
    try:
        with serve("platform") as platform_url:
            print(f"Prism (Platform API) on {platform_url}")
            platform_demo(Target.at(platform_url))
            asyncio.run(async_demo(Target.at(platform_url)))
        with serve("files") as files_url:
            print(f"Prism (Files API) on {files_url}")
            files_demo(
                Target.at(files_url),
                company_id=UUID("8a210b68-6988-11ed-a1eb-0242ac120002"),
                connection_id=UUID("2e9d2c44-f675-40ba-8049-353bfcb5e171"),
            )
    except CodatError as exc:
        print(f"demo failed: {type(exc).__name__}: {exc}")
        return 1
    except (PrismError, SpecError) as exc:  # no spec or no Prism: say what to do, in one line
        print(f"demo could not start: {exc}", file=sys.stderr)
        return 1
    print("demo finished")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
