"""Importing a client and making one call loads only the models that call needs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "generated" / "codat_sdk_platform" / "models"
LIMIT = 15

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import httpx

    import codat_sdk_platform

    def loaded(prefix):
        return sorted(name for name in sys.modules if name.startswith(prefix))

    after_import = loaded("codat_sdk_platform.models.")
    after_import_resources = loaded("codat_sdk_platform.resources.")

    def answer(request):
        return httpx.Response(200, json=BODY)

    BODY = json.loads(sys.argv[2])
    client = codat_sdk_platform.CodatPlatform(
        api_key="k", client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    exec(sys.argv[1])
    print(json.dumps({
        "after_import": after_import,
        "after_import_resources": after_import_resources,
        "after_call": loaded("codat_sdk_platform.models."),
    }))
    """
)

COMPANY = {"id": "8a210b68-6988-11ed-a1eb-0242ac120002", "name": "n", "redirect": "https://x"}
CONNECTION = {
    "id": "2e9d2c44-f675-40ba-8049-353bfcb5e171",
    "integrationId": "bf083d72-62c7-493e-aec9-81b4dbba7e2c",
    "sourceId": "bdd831ce-eebd-4896-89a7-20e5ee8989ee",
    "platformName": "Basiq",
    "linkUrl": "https://link",
    "status": "Linked",
    "created": "2022-10-27T09:53:29Z",
    "sourceType": "Banking",
}
PAGE = {
    "results": [COMPANY],
    "pageNumber": 1,
    "pageSize": 1,
    "totalResults": 1,
    "_links": {"self": {"href": "/companies"}, "current": {"href": "/companies"}},
}
ID = "'8a210b68-6988-11ed-a1eb-0242ac120002'"


def _run(call: str, body: object) -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, call, json.dumps(body)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, list[str]] = json.loads(result.stdout)
    return loaded


def test_there_are_many_models_to_not_load() -> None:
    assert len([p for p in MODELS_DIR.glob("*.py") if p.name != "__init__.py"]) > 100


def test_import_alone_loads_no_models_and_no_resources() -> None:
    loaded = _run("pass", {})
    assert loaded["after_import"] == []
    assert loaded["after_import_resources"] == []
    assert loaded["after_call"] == []


@pytest.mark.parametrize(
    ("call", "body"),
    [
        pytest.param(f"client.connections.get({ID}, {ID})", CONNECTION, id="connections.get"),
        pytest.param(f"client.companies.get({ID})", COMPANY, id="companies.get"),
        pytest.param("client.integrations.list()", {**PAGE, "results": []}, id="integrations.list"),
        pytest.param(
            "client.companies.list()",
            PAGE,
            id="companies.list",
        ),
    ],
)
def test_one_call_loads_few_models(call: str, body: object) -> None:
    loaded = _run(call, body)
    assert loaded["after_import"] == []
    assert len(loaded["after_call"]) < LIMIT, loaded["after_call"]
