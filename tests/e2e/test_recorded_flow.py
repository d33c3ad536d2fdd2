"""A realistic flow through both APIs, recorded against Prism once and replayed offline.

create company -> get it -> create connection -> unlink it -> list companies -> upload a file (Files
API) -> list files -> download them.

Replay (the default, ``--record-mode=none``) needs no Prism, no spec and no network: the cassette in
``cassettes/recorded_flow.yaml`` answers every request and pytest-recording blocks sockets. To record
it again (needs Prism and the specs)::

    PYTHONPATH=. python -m pytest tests/e2e/test_recorded_flow.py --record-mode=rewrite

Cassette hygiene: the Authorization header (and the User-Agent, which names the Python version, and
the Host, which names Prism's random port) are never written; Prism's random ports are rewritten to
fixed ones (Platform 4010, Files 4011) before a request is recorded, so every URL is
``http://127.0.0.1:401x``. Requests match on method, path and
query only: the multipart boundary httpx picks for the upload is random per run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from codat_sdk_files.models import File as FileInfo
from codat_sdk_platform.models import (
    Companies,
    Company,
    CompanyRequestBody,
    Connection,
    CreateConnectionBody,
    DataConnectionStatus,
    UpdateConnectionStatus,
)

from codat_sdk import AsyncBinaryResponse, BinaryResponse
from tests.e2e import harness
from tests.e2e.harness import VIOLATIONS

CASSETTE_DIR = Path(__file__).parent / "cassettes"
CASSETTE_NAME = "recorded_flow.yaml"
CASSETTE = CASSETTE_DIR / CASSETTE_NAME
FIXED_URLS = {"platform": "http://127.0.0.1:4010", "files": "http://127.0.0.1:4011"}
RECORDING_MODES = ("all", "rewrite", "new_episodes")
UPLOAD_NAME = "bank-statement.csv"
UPLOAD_CONTENT = b"date,amount\n2023-01-31,125.00\n"
RECORD_HINT = "PYTHONPATH=. python -m pytest tests/e2e/test_recorded_flow.py --record-mode=rewrite"


def in_cassette(**vcr_options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the test inside the shared cassette; sockets are blocked unless recording."""

    def mark(test: Callable[..., Any]) -> Callable[..., Any]:
        marks = (pytest.mark.vcr(**vcr_options), pytest.mark.default_cassette(CASSETTE_NAME), pytest.mark.block_network)
        for marker in marks:
            test = marker(test)
        return test

    return mark


def _recording(config: pytest.Config) -> bool:
    mode = config.getoption("--record-mode") or "none"
    return mode in RECORDING_MODES or (mode == "once" and not CASSETTE.exists())


@pytest.fixture(scope="session")
def flow_urls(request: pytest.FixtureRequest) -> dict[str, str]:
    """Where the flow sends its requests: Prism when recording, the cassette's fixed URLs on replay.

    Session-scoped so Prism (whose readiness probe is an HTTP request too) starts before the cassette
    is inserted and never ends up in it.
    """
    if not _recording(request.config):
        if not CASSETTE.exists():
            pytest.fail(f"{CASSETTE} is missing; record it (needs Prism): {RECORD_HINT}")
        return dict(FIXED_URLS)
    return {"platform": request.getfixturevalue("platform_url"), "files": request.getfixturevalue("files_url")}


def _fixed_port(urls: dict[str, str]) -> Callable[[Any], Any]:
    """A vcrpy ``before_record_request`` replacing each live Prism base URL with its fixed one."""
    rewrites = {urls[api]: FIXED_URLS[api] for api in FIXED_URLS}

    def rewrite(request: Any) -> Any:
        for live, fixed in rewrites.items():
            if request.uri.startswith(live + "/"):
                request.uri = fixed + request.uri[len(live) :]
        return request

    return rewrite


@pytest.fixture
def vcr_config(flow_urls: dict[str, str]) -> dict[str, Any]:
    return {
        "cassette_library_dir": str(CASSETTE_DIR),
        "filter_headers": ["authorization", "user-agent", "host"],
        "match_on": ["method", "path", "query"],
        "before_record_request": _fixed_port(flow_urls),
        "decode_compressed_response": True,
    }


@pytest.fixture
def vcr_cassette_dir() -> str:
    return str(CASSETTE_DIR)


@pytest.fixture
def upload_file(tmp_path: Path) -> Path:
    path = tmp_path / UPLOAD_NAME
    path.write_bytes(UPLOAD_CONTENT)
    return path


# Records the cassette (when asked to) and replays it.
@in_cassette()
def test_flow_sync(flow_urls: dict[str, str], upload_file: Path, tmp_path: Path) -> None:
    with harness.sync_http(VIOLATIONS) as http:
        platform = harness.platform_client(flow_urls["platform"], http)
        files = harness.files_client(flow_urls["files"], http)

        created = platform.companies.create(
            body=CompanyRequestBody(name="Toft stores", description="Requested early access")
        )
        assert isinstance(created, Company)
        company = platform.companies.get(created.id)
        assert isinstance(company, Company)
        assert company.id == created.id

        connection = platform.connections.create(company.id, body=CreateConnectionBody(platform_key="gbol"))
        assert isinstance(connection, Connection)
        unlinked = platform.connections.unlink(
            company.id, connection.id, body=UpdateConnectionStatus(status=DataConnectionStatus.UNLINKED)
        )
        assert isinstance(unlinked, Connection)
        assert unlinked.id == connection.id

        companies = platform.companies.list(page=1, page_size=10)
        assert isinstance(companies, Companies)
        assert companies.results

        files.files.upload_files(company.id, connection.id, file=upload_file)  # returns None
        listed = files.files.list_files(company.id)
        assert listed and all(isinstance(item, FileInfo) for item in listed)

        download = files.files.download_files(company.id)
        assert isinstance(download, BinaryResponse)
        with download:
            written = download.write_to(tmp_path / "files.zip")
        assert download.status_code == 200
        assert written == (tmp_path / "files.zip").stat().st_size > 0


# Only ever replays what test_flow_sync recorded, even under --record-mode=rewrite.
@in_cassette(record_mode="none")
async def test_flow_async(flow_urls: dict[str, str]) -> None:
    """The same cassette replayed through the async clients (bytes upload, in-memory download)."""
    async with (
        harness.async_http(VIOLATIONS) as http,
        harness.async_platform_client(flow_urls["platform"], http) as platform,
        harness.async_files_client(flow_urls["files"], http) as files,
    ):
        created = await platform.companies.create(
            body=CompanyRequestBody(name="Toft stores", description="Requested early access")
        )
        company = await platform.companies.get(created.id)
        assert company.id == created.id
        connection = await platform.connections.create(company.id, body=CreateConnectionBody(platform_key="gbol"))
        unlinked = await platform.connections.unlink(
            company.id, connection.id, body=UpdateConnectionStatus(status=DataConnectionStatus.UNLINKED)
        )
        assert unlinked.id == connection.id
        companies = await platform.companies.list(page=1, page_size=10)
        assert companies.results

        await files.files.upload_files(company.id, connection.id, file=UPLOAD_CONTENT)
        listed = await files.files.list_files(company.id)
        assert listed
        download = await files.files.download_files(company.id)
        assert isinstance(download, AsyncBinaryResponse)
        async with download:
            assert await download.read()


def test_cassette_is_clean() -> None:
    """No credentials and no live ports in the committed cassette; every step of the flow is in it."""
    from vcr.serializers import yamlserializer

    if not CASSETTE.exists():
        pytest.fail(f"{CASSETTE} is missing; record it (needs Prism): {RECORD_HINT}")
    recorded: dict[str, Any] = yamlserializer.deserialize(CASSETTE.read_text(encoding="utf-8"))
    interactions: list[dict[str, Any]] = recorded["interactions"]
    steps = []
    for interaction in interactions:
        request = interaction["request"]
        headers = {name.lower() for name in request["headers"]}
        assert "authorization" not in headers
        assert "user-agent" not in headers
        assert "host" not in headers
        assert request["uri"].startswith(tuple(url + "/" for url in FIXED_URLS.values())), request["uri"]
        steps.append(f"{request['method']} {request['uri'].split('/', 3)[3].split('?')[0]}")
    text = CASSETTE.read_text(encoding="utf-8")
    assert "Basic " not in text
    assert harness.API_KEY not in text
    assert set(re.findall(r"127\.0\.0\.1:(\d+)", text)) <= {"4010", "4011"}
    assert not re.search(r"https?://(?!127\.0\.0\.1:401[01]/)[^\s'\"]+", _request_lines(text))
    assert [step.split(" ")[0] for step in steps] == ["POST", "GET", "POST", "PATCH", "GET", "POST", "GET", "GET"], (
        steps
    )


def _request_lines(text: str) -> str:
    """The ``uri:`` lines of the cassette (response bodies hold Codat's own example links)."""
    return "\n".join(line for line in text.splitlines() if line.strip().startswith("uri:"))
