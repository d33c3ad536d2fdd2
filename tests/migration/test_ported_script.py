"""The README's ported script, run as written against Prism, beside the codat-platform 6.0.0 script it ports.

Both run in a subprocess against Prism serving the pinned Platform and Files specs (the scripts read
``CODAT_SERVER_URL`` and ``CODAT_FILES_SERVER_URL``). Prism answers a request its spec does not allow with
an error status, which either SDK raises, so a script that finishes sent only valid requests. Both must
print the same steps in the same order: the port does what the original does.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from codegen.source import ROOT
from devtools.prism import serve
from tests.e2e.harness import require_prism_and_specs
from tests.migration.real_sdks import run_with_real_sdks
from tests.typecheck import mypy_strict

BEFORE = Path(__file__).with_name("before_codat_platform_6.py")
STEPS = ["company", "data status", "unlinked", "files", "downloaded"]


def ported_script() -> str:
    """The last Python block of the README's migration section."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Migrating from `codat-platform`") :]
    return str(re.findall(r"```python\n(.*?)```", section, re.S)[-1])


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    require_prism_and_specs()
    with serve("platform") as platform, serve("files") as files:
        yield {"CODAT_API_KEY": "any-key", "CODAT_SERVER_URL": platform, "CODAT_FILES_SERVER_URL": files}


def _steps(output: str) -> list[str]:
    seen = [next(step for step in STEPS if line.startswith(step + " ")) for line in output.splitlines()]
    return [step for index, step in enumerate(seen) if index == 0 or seen[index - 1] != step]


def test_the_ported_script_runs_as_written(servers: dict[str, str], tmp_path: Path) -> None:
    script = tmp_path / "ported.py"
    script.write_text(ported_script(), encoding="utf-8")
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT / "generated")])
    env = {**os.environ, **servers, "PYTHONPATH": path, "PYTHONWARNINGS": "error::DeprecationWarning"}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert _steps(done.stdout) == STEPS


def test_the_original_script_runs_with_codats_packages(servers: dict[str, str]) -> None:
    done = run_with_real_sdks([str(BEFORE)], env={**servers, "PYTHONWARNINGS": "ignore"}, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert _steps(done.stdout) == STEPS


def test_the_ported_script_type_checks(tmp_path: Path) -> None:
    """As a user's code would be checked: mypy --strict with the project's configuration."""
    script = tmp_path / "ported.py"
    script.write_text(ported_script(), encoding="utf-8")
    done = mypy_strict(script)
    assert done.returncode == 0, done.stdout[-3000:]
