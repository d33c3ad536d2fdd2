"""Codat's own SDKs, installed once for the migration tests: the packages the README's guide compares with.

They are never a dependency of this package (nor of its dev extra): ``pip install --target`` puts them in
a directory of their own under ``.nox/`` (kept between runs, keyed by the pinned versions), and the
tests run them in a subprocess with that directory first on ``sys.path``. The first install takes about
15 s from PyPI; later runs reuse it. Without a package index the tests skip, except in CI
(``$CI`` set), where they fail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from codegen.source import ROOT
from tests.e2e.harness import ci

# The versions the migration guide is written against (noxfile's bench session measures the first too).
REQUIREMENTS = ("codat-platform==6.0.0", "codat-files==0.34.0")
INSTALL_TIMEOUT = 300  # seconds; a fresh install from PyPI takes about 15
_READY = ".installed"


def install_dir() -> Path:
    key = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()[:12]
    return ROOT / ".nox" / f"codat-real-sdks-{key}"


def real_sdks() -> Path:
    """The directory holding Codat's packages and their dependencies (installed on first use)."""
    target = install_dir()
    if (target / _READY).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Installed beside the target, then renamed into place: a concurrent or interrupted run never sees half.
    staging = Path(tempfile.mkdtemp(prefix=target.name + "-", dir=target.parent))
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    command += ["--target", str(staging), *REQUIREMENTS]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        said = "timed out" if done is None else (done.stderr or done.stdout).strip()[-500:]
        message = f"could not install {', '.join(REQUIREMENTS)}: {said}"
        if ci():
            pytest.fail(message)
        pytest.skip(message)
    (staging / _READY).write_text("\n".join(REQUIREMENTS) + "\n", encoding="utf-8")
    try:
        staging.rename(target)
    except OSError:  # another run installed it first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def run_with_real_sdks(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 120, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` with Codat's packages importable (and this SDK's sources after them)."""
    path = os.pathsep.join([str(real_sdks()), str(ROOT / "src"), str(ROOT / "generated"), str(ROOT)])
    environment = {**os.environ, **(env or {}), "PYTHONPATH": path}
    return subprocess.run(
        [sys.executable, *args],
        env=environment,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
