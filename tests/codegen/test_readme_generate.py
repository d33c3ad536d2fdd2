"""README "Generate a client for another Codat API": its commands, run as written, do what it says."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import source

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
SECTION = re.search(
    r"^## Generate a client for another Codat API\n(.*?)^## ", (ROOT / "README.md").read_text("utf-8"), re.S | re.M
)
assert SECTION is not None, "README lost its section 'Generate a client for another Codat API'"
BLOCKS = re.findall(r"```(sh|python)\n(.*?)```", SECTION.group(1), re.S)
GENERATE, SERVE = (shlex.split(code) for lang, code in BLOCKS if lang == "sh")
SNIPPET = next(code for lang, code in BLOCKS if lang == "python")
needs_corpus = pytest.mark.skipif(
    SOURCE is None or not (Path(SOURCE) / "corpus").is_dir(), reason="no spec corpus in the spec source"
)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory laid out like a clone: the README's ``../shared/openapi`` is the spec source."""
    assert SOURCE is not None
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "openapi").symlink_to(Path(SOURCE).resolve())
    (tmp_path / "clone").mkdir()
    return tmp_path / "clone"


def _spec_argument(command: list[str]) -> str:
    return command[command.index("--spec") + 1]


@needs_corpus
def test_the_readme_command_generates_what_it_says(workdir: Path) -> None:
    assert GENERATE[:3] == ["python", "-m", "codegen"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, *GENERATE[1:]], cwd=workdir, env=env, check=True, timeout=300)
    out = workdir / GENERATE[GENERATE.index("--out") + 1]
    assert (out / "reference" / "banking.md").is_file()
    assert (out / "reference" / "banking" / "models" / "index.md").is_file()
    init = (out / "codat_sdk_banking" / "__init__.py").read_text(encoding="utf-8")
    assert "AsyncCodatBanking" in init and "CodatBanking" in init
    assert _spec_argument(SERVE) == _spec_argument(GENERATE)  # Prism serves the spec the client came from


@needs_corpus
def test_the_readme_snippet_runs_against_prism_serving_the_spec(workdir: Path) -> None:
    prism = pytest.importorskip("devtools.prism")
    if prism.find_prism() is None:
        pytest.skip(f"Prism is not installed; run: {prism.INSTALL_HINT}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, *GENERATE[1:]], cwd=workdir, env=env, check=True, timeout=300)
    out = workdir / GENERATE[GENERATE.index("--out") + 1]
    spec = str(workdir / _spec_argument(SERVE))
    with prism.serve(spec=spec) as url:
        code = SNIPPET.replace("http://127.0.0.1:4010", url)  # the README's port, or whichever one is free
        run_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(out), str(ROOT / "src")])}
        done = subprocess.run(
            [sys.executable, "-c", code], env=run_env, capture_output=True, text=True, timeout=120, check=False
        )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+ \[.+\]", done.stdout.strip()), done.stdout  # a page of accounts, decoded


def test_serving_a_spec_that_is_not_there_is_one_clear_line() -> None:
    prism = pytest.importorskip("devtools.prism")
    if prism.find_prism() is None:
        pytest.skip(f"Prism is not installed; run: {prism.INSTALL_HINT}")
    command = [sys.executable, "-m", "devtools.prism", "--spec", "no/such/spec.yaml"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert done.stderr == "error: cannot read no/such/spec.yaml (No such file or directory)\n"


def test_every_file_the_regenerating_section_names_exists() -> None:
    """CONTRIBUTING.md's layout once listed openapi/sdk-method-names.json and packages.json after their removal."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text("utf-8")
    layout = re.search(r"^## Regenerating\n+```\n(.*?)```", contributing, re.S | re.M)
    assert layout is not None
    for line in layout.group(1).splitlines():
        place, _, text = line.partition(" ")
        assert (ROOT / place).exists(), place
        for module in re.findall(r"\b(\w+\.py)\b", text):
            assert (ROOT / place / module).is_file(), f"{place}{module}"
