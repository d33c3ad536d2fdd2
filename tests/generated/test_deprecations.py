"""Deprecated operations warn at the caller's line, name their replacement, and carry PEP 702 metadata."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

from tests.conftest import API_KEY, COMPANY_ID, Recorder
from tests.e2e.spec_support import NO_SOURCE, has_source, load_spec, spec_operations

# One attempt per call: what a single failure raises (retries have their own tests).

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "generated" / "reference" / "platform.md"


def _reference_rows() -> list[tuple[str, str, bool]]:
    """(operationId, attribute path under the client, deprecated) from the generated reference table."""
    rows = []
    pattern = re.compile(r"^\| `([^`]+)` \| `client\.([\w.]+)\(\.\.\.\)` \| `[^`]+` \| (yes)? *\|$")
    for line in REFERENCE.read_text().splitlines():
        match = pattern.match(line)
        if match:
            rows.append((match[1], match[2], match[3] == "yes"))
    return rows


ROWS = _reference_rows()
DEPRECATED = [(op, path) for op, path, deprecated in ROWS if deprecated]
# One body that parses as every model these tests call for (access tokens and CORS settings).
CANNED = {"accessToken": "t", "expiresIn": 3600, "tokenType": "Bearer", "allowedOrigins": ["https://example.com"]}


def _client() -> CodatPlatform:
    recorder = Recorder(json=CANNED)
    return CodatPlatform(api_key=API_KEY, client=httpx.Client(transport=httpx.MockTransport(recorder)))


def _async_client() -> AsyncCodatPlatform:
    recorder = Recorder(json=CANNED)
    return AsyncCodatPlatform(api_key=API_KEY, client=httpx.AsyncClient(transport=httpx.MockTransport(recorder)))


def _replacement(operation_id: str) -> str:
    """What a deprecated operation's warning tells users to call instead, read from the spec: the Python call
    of its ``x-speakeasy-deprecation-replacement`` (the operationId itself when the SDK has no such method)."""
    replacements = {
        op["operationId"]: op.get("x-speakeasy-deprecation-replacement")
        for item in load_spec("platform")["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    replacement = replacements[operation_id]
    assert replacement, f"{operation_id} names no replacement"
    paths = {op: path for op, path, _deprecated in ROWS}
    return f"client.{paths[replacement]}()" if replacement in paths else str(replacement)


def _deprecated_id(path: str) -> str:
    """The operationId of the deprecated method at ``path`` under the client (e.g. ``cors.get``)."""
    return next(op for op, row_path in DEPRECATED if row_path == path)


def _resolve(root: object, path: str) -> Any:
    target: Any = root
    for name in path.split("."):
        target = getattr(target, name)
    return target


@pytest.mark.skipif(not has_source(), reason=NO_SOURCE)
def test_the_reference_lists_every_operation_and_marks_the_deprecated_ones() -> None:
    operations = spec_operations("platform")
    assert sorted(op for op, _path, _deprecated in ROWS) == [op.operation_id for op in operations]
    assert {op for op, _path in DEPRECATED} == {op.operation_id for op in operations if op.deprecated}


@pytest.mark.parametrize(("operation_id", "path", "deprecated"), ROWS, ids=[row[0] for row in ROWS])
def test_pep_702_metadata_matches_the_reference(operation_id: str, path: str, deprecated: bool) -> None:
    group_path, name = path.rsplit(".", 1) if "." in path else ("", path)
    for client in (_client(), _async_client()):
        group: Any = _resolve(client, group_path) if group_path else client
        for holder in (group, group.with_raw_response):
            function = getattr(type(holder), name)
            if deprecated:
                assert isinstance(function.__deprecated__, str), operation_id
                assert function.__deprecated__
            else:
                assert not hasattr(function, "__deprecated__"), operation_id


def _calls(client: CodatPlatform) -> list[tuple[str, Callable[[], object]]]:
    from codat_sdk_platform.models import ConnectionManagementAllowedOrigins

    origins = ConnectionManagementAllowedOrigins.from_dict({"allowedOrigins": ["https://example.com"]})
    return [
        ("connection_management.get", lambda: client.connection_management.get(COMPANY_ID)),
        ("connection_management.get", lambda: client.connection_management.with_raw_response.get(COMPANY_ID)),
        ("cors.get", lambda: client.cors.get()),
        ("cors.get", lambda: client.cors.with_raw_response.get()),
        ("cors.set", lambda: client.cors.set(body=origins)),
    ]


@pytest.mark.parametrize("index", range(5))
def test_deprecated_call_warns_at_the_callers_line(index: int) -> None:
    path, call = _calls(_client())[index]
    replacement = _replacement(_deprecated_id(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(deprecations) == 1
    warning = deprecations[0]
    assert warning.filename == __file__, "the warning must point at the caller, not at generated code"
    assert str(warning.message).endswith(f"Use {replacement} instead.")


def test_pytest_warns_sees_the_deprecation() -> None:
    client = _client()
    replacement = _replacement(_deprecated_id("connection_management.get"))
    with pytest.warns(DeprecationWarning, match=re.escape(replacement)) as record:
        client.connection_management.get(COMPANY_ID)
    assert record[0].filename == __file__


async def test_deprecated_async_call_warns_at_the_callers_line() -> None:
    client = _async_client()
    with pytest.warns(DeprecationWarning, match=re.escape(_replacement(_deprecated_id("cors.get")))) as record:
        await client.cors.get()
    assert record[0].filename == __file__
    replacement = _replacement(_deprecated_id("connection_management.get"))
    with pytest.warns(DeprecationWarning, match=re.escape(replacement)) as record:
        await client.connection_management.with_raw_response.get(COMPANY_ID)
    assert record[0].filename == __file__


def test_non_deprecated_call_does_not_warn() -> None:
    client = _client()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.companies.get_access_token(COMPANY_ID)


def test_deprecation_names_the_python_replacement() -> None:
    replacement = _replacement(_deprecated_id("connection_management.get"))
    with pytest.warns(DeprecationWarning) as record:
        _client().connection_management.get(COMPANY_ID)
    assert str(record[0].message).endswith(f"Use {replacement} instead.")


def test_warning_is_printed_under_default_filters_when_called_from_main() -> None:
    script = textwrap.dedent(
        """
        import httpx
        from codat_sdk_platform import CodatPlatform

        def answer(request):
            return httpx.Response(200, json={"allowedOrigins": []})

        client = CodatPlatform(api_key="k", client=httpx.Client(transport=httpx.MockTransport(answer)))
        client.cors.get()
        print("called")
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "PYTHONDEVMODE")}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "called"
    assert "<string>:9: DeprecationWarning" in result.stderr
    assert f"Use {_replacement(_deprecated_id('cors.get'))} instead" in result.stderr
