"""The pytest plugin: fixtures wired to a fresh sandbox, options by marker, and nothing imported until used.

pytest finds it through the ``pytest11`` entry point of an installed SDK; where this checkout is not
installed with it (a source tree on ``PYTHONPATH``), the runs below name it with ``-p``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "_codat_sdk_pytest"

USERS_TESTS = """
import asyncio

import pytest
from codat_sdk_platform.models import CompanyRequestBody


def test_sync(codat_sandbox, codat_client):
    created = codat_client.companies.create(body=CompanyRequestBody(name="Toft"))
    assert codat_sandbox.company(created.id)["name"] == "Toft"


def test_async(codat_sandbox, codat_async_client):
    async def main():
        return await codat_async_client.companies.create(body=CompanyRequestBody(name="Async"))

    created = asyncio.run(main())
    assert [c["name"] for c in codat_sandbox.companies()] == ["Async"]  # a fresh sandbox per test


def test_files(codat_sandbox, codat_files_client, codat_async_files_client):
    company = codat_sandbox.add_company("Toft")
    assert codat_files_client.files.list_files(company["id"]) == []
    assert asyncio.run(codat_async_files_client.files.list_files(company["id"])) == []


@pytest.mark.codat_sandbox(seed=5, api_key="secret-key")
def test_options_by_marker(codat_sandbox, codat_client):
    assert codat_sandbox.api_key == "secret-key"
    codat_client.companies.list()
"""


def _env() -> dict[str, str]:
    """This checkout's sources first, as in the suite's own runs; neither codegen nor a spec within reach,
    as for a user who only installed the SDK."""
    paths = os.pathsep.join(str(ROOT / part) for part in ("src", "generated"))
    return dict(os.environ, PYTHONPATH=paths, CODAT_SPEC_SOURCE=str(ROOT / "no-specs-here"))


def _python(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], env=_env(), capture_output=True, text=True, timeout=60, check=True
    )


def _plugin_loads_itself() -> bool:
    """pytest loads the plugin from the installed SDK's entry point (unless autoloading is off)."""
    installed = any(entry.value == PLUGIN for entry in entry_points(group="pytest11"))
    return installed and not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")


def run_pytest(tmp_path: Path, tests: str, *args: str) -> subprocess.CompletedProcess[str]:
    """pytest on ``tests`` (a module's text) in ``tmp_path``, as a user of the installed SDK runs it."""
    (tmp_path / "test_users_app.py").write_text(tests, encoding="utf-8")
    plugin = [] if _plugin_loads_itself() else ["-p", PLUGIN]
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, *args, str(tmp_path)],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_fixtures_serve_a_users_tests(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, USERS_TESTS, "--strict-markers")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_the_entry_point_names_the_plugin_module() -> None:
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["entry-points"]["pytest11"] == {"codat_sdk": PLUGIN}
    assert (ROOT / "src" / f"{PLUGIN}.py").is_file()


def test_loading_the_plugin_imports_neither_the_sdk_nor_httpx() -> None:
    script = textwrap.dedent(
        f"""
        import json, sys
        import pytest
        before = set(sys.modules)
        import {PLUGIN}
        print(json.dumps(sorted(set(sys.modules) - before)))
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(ROOT / part) for part in ("src", "generated")))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == [PLUGIN]


def test_importing_codat_sdk_testing_loads_the_sandbox_only_on_first_use() -> None:
    script = textwrap.dedent(
        """
        import json, sys
        import codat_sdk.testing as testing
        before = sorted(m for m in sys.modules if m.startswith("codat_sdk.testing."))
        testing.Sandbox
        after = "codat_sdk.testing._sandbox" in sys.modules
        print(json.dumps([before, after]))
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(ROOT / part) for part in ("src", "generated")))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == [[], True]
