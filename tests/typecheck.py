"""Type-checking code as a user's would be checked: ``mypy --strict`` with the project's configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def mypy_strict(*paths: Path) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` over ``paths`` (files or directories), the SDK found from this checkout."""
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--config-file",
        str(ROOT / "pyproject.toml"),
        *map(str, paths),
    ]
    env = {**os.environ, "MYPYPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "generated")])}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
