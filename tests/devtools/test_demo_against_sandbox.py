"""The demo's flow (``./dev demo`` runs it against Prism) run in process against the local sandbox.

Where Prism answers each call with its example, the sandbox holds state: the demo's listing, typed query,
connection and files are checked against what it did. Every answer is validated against the pinned spec.
"""

from __future__ import annotations

import asyncio
import re
from functools import partial

import pytest
from codat_sdk_platform.models import CreateConnectionBody

from codat_sdk.testing import Sandbox
from codegen.config import load_overrides
from codegen.source import default_source
from devtools.demo import Target, async_demo, files_demo, platform_demo
from tests.spec_facts import NO_SOURCE
from tests.testing.sandbox_support import async_client, client, files_client

pytestmark = pytest.mark.skipif(default_source() is None, reason=NO_SOURCE)

# The status unlink sends when a call passes no body (the generation overrides), which the sandbox applies.
UNLINKED = load_overrides()["platform"]["operations"]["unlink-connection"]["body"]["status"]


def test_the_demo_flow_runs_against_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    sandbox = Sandbox(seed=11)
    toft = sandbox.add_company("Toft stores")
    for name in ("Alder", "Toft online", "Birch"):
        sandbox.add_company(name)
    target = Target(
        platform=partial(client, sandbox),
        async_platform=partial(async_client, sandbox),
        files=partial(files_client, sandbox),
    )
    with client(sandbox) as codat:
        linked = codat.connections.create(company_id=toft["id"], body=CreateConnectionBody(platform_key="xero"))
    sandbox.link(toft["id"], linked.id)

    company_id, connection_id = platform_demo(target)
    files_demo(target, company_id, connection_id)
    asyncio.run(async_demo(target))

    out = capsys.readouterr().out
    assert "companies.list: 4 company(ies) on page 1" in out
    assert re.search(r"companies\.list_all\(query=.*\): 1 company\(ies\)", out), out
    assert f"companies.get: 'Toft stores' created {toft['created']}" in out
    assert f"connections.unlink: sent status {UNLINKED}; answered status {UNLINKED}" in out
    assert "files.list_files: 2 file(s)" in out
    assert "async companies.list x3 concurrently: [1, 2, 3]" in out
    assert "async for over companies.list_all: 4 company(ies)" in out
    assert str(company_id) == toft["id"]
    assert sandbox.company(company_id)["dataConnections"][1]["status"] == UNLINKED
    assert [call.status for call in sandbox.calls if call.status and call.status >= 400] == []
