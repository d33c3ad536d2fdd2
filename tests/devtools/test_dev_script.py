"""``./dev`` picks a supported interpreter from what PATH offers, and fails loudly when there is none.

Each case runs ``./dev which-python`` (selection only: no venv, no nox) with PATH limited to a temporary
directory holding the tools the script needs and the interpreters the case offers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox
import pytest

import noxfile

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "dev"
TOOLS = ("bash", "dirname", "readlink")
NO_SUPPORTED_PYTHON = "error: no Python 3.11, 3.12 or 3.13 found on PATH"


def _bin_dir(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is needed to run ./dev"
        (bin_dir / tool).symlink_to(found)
    return bin_dir


def _working(bin_dir: Path, name: str) -> Path:
    """An interpreter named ``name`` that runs (this test's own, which is a supported version)."""
    path = bin_dir / name
    path.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    path.chmod(0o755)
    return path


def _broken(bin_dir: Path, name: str) -> None:
    """On PATH but not runnable, like a pyenv shim of a version that is not selected."""
    path = bin_dir / name
    path.write_text("#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
    path.chmod(0o755)


def _which_python(bin_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEV), "which-python"],
        env={"PATH": str(bin_dir), "HOME": str(bin_dir.parent), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", ["python3.11", "python3.12", "python3.13", "python3"])
def test_the_only_interpreter_on_path_is_used(tmp_path: Path, name: str) -> None:
    bin_dir = _bin_dir(tmp_path)
    _working(bin_dir, name)
    result = _which_python(bin_dir)
    assert result.returncode == 0, result.stderr
    # The real executable, which the nox sessions then run on.
    assert result.stdout.strip() == sys.executable


def test_an_unrunnable_interpreter_is_passed_over(tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path)
    _broken(bin_dir, "python3.11")
    _working(bin_dir, "python3.12")
    result = _which_python(bin_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sys.executable


def test_no_supported_interpreter_fails_loudly(tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path)
    for name in ("python3.11", "python3.12", "python3.13", "python3"):
        _broken(bin_dir, name)
    result = _which_python(bin_dir)
    assert result.returncode != 0
    assert NO_SUPPORTED_PYTHON in result.stderr
    assert result.stdout == ""


def test_python_env_var_wins_and_must_work(tmp_path: Path) -> None:
    bin_dir = _bin_dir(tmp_path)
    chosen = _working(tmp_path, "my-python")
    assert _which_python(bin_dir, PYTHON=str(chosen)).stdout.strip() == sys.executable
    _broken(tmp_path, "bad-python")
    result = _which_python(bin_dir, PYTHON=str(tmp_path / "bad-python"))
    assert result.returncode != 0
    assert "is not a working Python 3.11, 3.12 or 3.13" in result.stderr


def _installed(version: str) -> Path | None:
    """A real interpreter of ``version`` on this machine (on PATH, or installed by pyenv), as its executable:
    a pyenv shim would need pyenv's own tools on PATH."""
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    on_path = shutil.which(f"python{version}")
    found = [*([Path(on_path)] if on_path else []), *sorted(pyenv.glob(f"versions/{version}.*/bin/python{version}"))]
    for candidate in found:
        ran = subprocess.run(
            [candidate, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True, check=False
        )
        if ran.returncode == 0:
            return Path(ran.stdout.strip())
    return None


@pytest.mark.parametrize("version", noxfile.SUPPORTED_PYTHONS)
def test_a_real_interpreter_alone_on_path(tmp_path: Path, version: str) -> None:
    installed = _installed(version)
    if installed is None:
        pytest.skip(f"no Python {version} here")
    bin_dir = _bin_dir(tmp_path)
    (bin_dir / f"python{version}").symlink_to(installed)
    result = _which_python(bin_dir)
    assert result.returncode == 0, result.stderr
    reported = subprocess.run(
        [result.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True
    )
    assert reported.stdout.strip() == str(tuple(int(part) for part in version.split(".")))


def test_nox_sessions_run_on_the_interpreter_dev_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(noxfile.PYTHON_ENV, "/opt/python3.12/bin/python3.12")
    assert noxfile.session_python() == "/opt/python3.12/bin/python3.12"
    monkeypatch.delenv(noxfile.PYTHON_ENV)
    assert noxfile.session_python() == sys.executable  # this test runs on a supported version
    assert nox.options.error_on_missing_interpreters is True


def test_dev_tries_the_versions_the_noxfile_supports_in_order() -> None:
    names = " ".join(f"python{version}" for version in noxfile.SUPPORTED_PYTHONS)
    assert f"for name in {names} python3 " in DEV.read_text(encoding="utf-8")


def test_a_session_whose_interpreter_is_missing_fails_instead_of_being_skipped(tmp_path: Path) -> None:
    """With only 3.12 installed, the sessions pinned to 3.11 were skipped and nox exited 0 (outside CI)."""
    env = {key: value for key, value in os.environ.items() if key != "CI"}  # nox errors on a missing one in CI anyway
    env[noxfile.PYTHON_ENV] = str(tmp_path / "missing" / "python3.12")
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "lint", "--envdir", str(tmp_path / "envs")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert f"Python interpreter {env[noxfile.PYTHON_ENV]} not found" in done.stderr
    assert "skipped" not in done.stderr.lower()
