"""``with sandbox.serve() as url``: the sandbox over HTTP on 127.0.0.1, for apps calling Codat through any client."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import threading
import time

import httpx
import pytest
from codat_sdk_files import CodatFiles
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform
from codat_sdk_platform.models import CompanyRequestBody, CreateConnectionBody

from codat_sdk.testing import Sandbox
from codegen.source import default_source
from tests.spec_facts import NO_SOURCE
from tests.testing.sandbox_support import assert_documented, auth_headers
from tests.testing.spec_validation import validate_error_message

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)


def test_the_sdk_reaches_the_served_sandbox_by_server_url_and_shares_its_state() -> None:
    sandbox = Sandbox()
    with sandbox.serve() as url, CodatPlatform(api_key="k", server_url=url) as codat:
        assert url.startswith("http://127.0.0.1:")
        created = codat.companies.create(body=CompanyRequestBody(name="Toft"))
        assert codat.companies.get(company_id=created.id).name == "Toft"
    assert [company["name"] for company in sandbox.companies()] == ["Toft"]


def test_served_answers_are_the_specs() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft")
    with sandbox.serve() as url, httpx.Client(base_url=url, headers=auth_headers(sandbox)) as http:
        for method, path in [
            ("GET", "/companies?page=1&pageSize=5"),
            ("GET", f"/companies/{company['id']}"),
            ("GET", f"/companies/{company['id']}/dataStatus"),
            ("GET", "/companies/6f4c1e2a-8b9d-4c3e-9f0a-1b2c3d4e5f60"),
            ("GET", "/profile"),
            ("DELETE", f"/companies/{company['id']}"),
        ]:
            response = http.request(method, path)
            assert_documented(method, path.partition("?")[0], response)
        assert http.get("/companies", headers={"Authorization": ""}).status_code == 401


def test_a_file_sent_in_chunks_from_a_pipe_is_stored() -> None:
    sandbox = Sandbox()
    company = sandbox.add_company("Toft")
    read_end, write_end = os.pipe()
    with os.fdopen(write_end, "wb") as writer:
        writer.write(b"streamed,from,a,pipe\n")
    with sandbox.serve() as url:
        with CodatPlatform(api_key="k", server_url=url) as codat:
            connection = codat.connections.create(
                company_id=company["id"], body=CreateConnectionBody(platform_key="gbol")
            )
        with CodatFiles(api_key="k", server_url=url) as files, os.fdopen(read_end, "rb") as pipe:
            files.files.upload_files(company["id"], connection.id, file=[pipe])
            with files.files.download_files(company["id"]) as download:
                assert len(b"".join(download.iter_bytes())) > 0
    assert sandbox.calls[-2].operation_id == "upload-files" and sandbox.calls[-2].status == 200


def test_leaving_the_block_stops_the_server_even_with_a_connection_kept_alive() -> None:
    sandbox = Sandbox()
    threads = set(threading.enumerate())
    with sandbox.serve() as url:
        port = int(url.rsplit(":", 1)[1])
        idle = httpx.Client(base_url=url, headers=auth_headers(sandbox))
        assert idle.get("/companies").status_code == 200  # its connection stays open, idle
    assert set(threading.enumerate()) <= threads
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass
    idle.close()


def test_two_sandboxes_serve_on_two_free_ports() -> None:
    with Sandbox().serve() as first, Sandbox().serve() as second:
        assert first != second


def test_the_async_sdk_reaches_the_served_sandbox_concurrently() -> None:
    sandbox = Sandbox()

    async def main(url: str) -> set[str]:
        async with AsyncCodatPlatform(api_key="k", server_url=url) as codat:
            bodies = [CompanyRequestBody(name=f"c{n}") for n in range(8)]
            created = await asyncio.gather(*(codat.companies.create(body=body) for body in bodies))
            return {str(company.id) for company in created}

    with sandbox.serve() as url:
        ids = asyncio.run(main(url))
    assert ids == {company["id"] for company in sandbox.companies()} and len(ids) == 8


def _exchange(url: str, request: bytes) -> bytes:
    """``request`` sent as raw bytes; everything answered until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: many\r\n\r\n",
        b"Content-Length: -1\r\n\r\n{}",  # read as "until the client closes": the answer never came
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
        b"Transfer-Encoding: chunked\r\n\r\n-1\r\n{}\r\n0\r\n\r\n",
    ],
)
def test_a_body_framed_wrongly_gets_a_400_error_message_and_nothing_on_stderr(
    framing: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    sandbox = Sandbox()
    head = b"POST /companies HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/json\r\n"
    with sandbox.serve() as url:
        answer = _exchange(url, head + framing)
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line.split()[1] == b"400", answer
    validate_error_message("platform", json.loads(rest.partition(b"\r\n\r\n")[2]), 400)
    assert capfd.readouterr().err == ""


def test_a_client_resetting_its_connection_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    sandbox = Sandbox()
    with sandbox.serve() as url:
        sock = socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1])), timeout=5)
        sock.sendall(b"GET /companies HTTP/1.1\r\nHost: sandbox\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 401")
        # Closing with unread bytes, or with SO_LINGER 0, sends RST: the server's next read fails.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        time.sleep(0.1)  # the handler thread reads the reset before the block ends
    assert capfd.readouterr().err == ""
