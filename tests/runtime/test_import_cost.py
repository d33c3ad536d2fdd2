"""Importing the SDK loads only what a first call needs: query builders and asyncio wait for first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
import httpx
httpx_loads_asyncio = "asyncio" in sys.modules
import codat_sdk_platform, codat_sdk_files
from codat_sdk_platform import CodatPlatform
CodatPlatform(api_key="k").close()
print(json.dumps({"httpx_loads_asyncio": httpx_loads_asyncio, "modules": sorted(sys.modules)}))
"""


def _loaded() -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_import_and_construction_load_neither_the_query_builders_nor_asyncio() -> None:
    loaded = _loaded()
    modules = loaded["modules"]
    assert isinstance(modules, list)
    assert "codat_sdk._query" not in modules
    if not loaded["httpx_loads_asyncio"]:  # only the SDK's own imports are this test's business
        assert "asyncio" not in modules


def test_the_query_builders_load_on_first_use() -> None:
    import codat_sdk

    assert codat_sdk.StringField("name").contains("x") is not None
    assert codat_sdk.MAX_QUERY_LENGTH == 2047  # Codat: "under 2048 characters"


def test_import_and_construction_load_neither_the_local_codat_nor_its_route_tables() -> None:
    modules = _loaded()["modules"]
    assert isinstance(modules, list)
    assert not [name for name in modules if name.startswith("codat_sdk.testing") or name.endswith("._routes")]
