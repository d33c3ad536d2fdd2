"""Pins name immutable upstream bytes; drift looks at the branch head; a missing source is one clear line."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import bump, drift, source

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
README = Path(SOURCE) / "README.md" if SOURCE is not None and Path(SOURCE).is_dir() else None
PINS = source.load_pins()


@pytest.mark.parametrize("api", sorted(PINS))
def test_each_pin_is_commit_addressed_and_drift_reads_the_branch_head(api: str) -> None:
    pin = PINS[api]
    commit = source.url_commit(pin.url)
    assert commit is not None, pin.url
    assert source.location(pin, None) == pin.url  # a fresh machine fetches exactly the pinned commit
    head = drift.upstream_locations(PINS, None, [api])[api]
    assert head == pin.url.replace(f"/{commit}/", f"/{source.UPSTREAM_BRANCH}/")


@pytest.mark.skipif(README is None, reason="no spec source directory with its README")
@pytest.mark.parametrize("api", sorted(PINS))
def test_each_pin_names_the_commit_and_date_of_the_specs_upstream(api: str) -> None:
    assert SOURCE is not None
    assert source.fetch_pinned(PINS[api], SOURCE)  # the bytes there are the pinned ones
    commit = source.upstream_commit(SOURCE)
    assert commit is not None
    assert source.url_commit(PINS[api].url) == commit.sha
    assert PINS[api].date == commit.date


def test_upstream_commit_comes_from_the_readme_beside_the_specs(tmp_path: Path) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    (tmp_path / "README.md").write_text(f"Source: github.com/codatio/oas, commit {sha} (2027-01-02).\n")
    (tmp_path / "Codat-Files.json").write_text("{}")
    assert source.upstream_commit(str(tmp_path)) == source.Commit(sha, "2027-01-02")
    assert source.upstream_commit(str(tmp_path / "Codat-Files.json")) == source.Commit(sha, "2027-01-02")
    assert source.upstream_commit(str(tmp_path / "elsewhere" / "Codat-Files.json")) is None
    assert source.upstream_commit(source.commit_url("json/Codat-Files.json", sha)) == source.Commit(sha)


def test_bump_pins_the_upstream_commits_url(capsys: pytest.CaptureFixture[str]) -> None:
    pin = PINS["files"]
    sha = "0123456789abcdef0123456789abcdef01234567"
    assert bump._pin_url(pin, source.Commit(sha, "2027-01-02")) == source.commit_url("json/Codat-Files.json", sha)
    assert capsys.readouterr().err == ""
    assert bump._pin_url(pin, None) == source.branch_url(pin)  # unknown commit: said, never a stale commit URL
    assert "upstream commit of the new files spec is unknown" in capsys.readouterr().err


def _generate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "codegen", "generate", *args]
    environment = {**os.environ, **(env or {})}
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize(
    ("args", "env", "problem"),
    [
        (["--source", "/no/such/dir"], {}, r"cannot read /no/such/dir \(No such file or directory\)"),
        (["--source", "http://127.0.0.1:9/specs"], {}, r"cannot fetch http://127\.0\.0\.1:9/specs/Codat-\w+\.json \("),
        ([], {source.SOURCE_ENV_VAR: "/no/such/dir"}, r"cannot read /no/such/dir \(No such file or directory\)"),
    ],
    ids=["missing-directory", "refused-url", "missing-env-source"],
)
def test_a_missing_or_unreachable_source_is_one_line_naming_what_to_do(
    tmp_path: Path, args: list[str], env: dict[str, str], problem: str
) -> None:
    done = _generate("--out", str(tmp_path / "out"), *args, env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert re.search(problem, lines[0]), lines[0]
    assert f"set ${source.SOURCE_ENV_VAR} (or pass --source)" in lines[0]
    assert not (tmp_path / "out").exists()


def test_missing_pins_are_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(source.SpecError, match="cannot read the pins in"):
        source.load_pins(tmp_path / "pins.json")


@pytest.mark.parametrize(
    "where", ["/no/such/dir", "empty", "http://127.0.0.1:9/specs"], ids=["missing", "empty", "refused"]
)
def test_the_demo_without_its_spec_is_one_line_not_a_traceback(where: str, tmp_path: Path) -> None:
    """The README's first command once died here with a 60-line traceback."""
    if where == "empty":  # a source directory without the specs
        where = str(tmp_path)
    prism = pytest.importorskip("devtools.prism")
    if prism.find_prism() is None:  # the demo would stop at Prism first, never reading the spec
        pytest.skip(f"Prism is not installed; run: {prism.INSTALL_HINT}")
    paths = os.pathsep.join(str(ROOT / part) for part in ("", "src", "generated"))
    env = {**os.environ, "PYTHONPATH": paths, source.SOURCE_ENV_VAR: where}
    command = [sys.executable, "-m", "devtools.demo"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"demo could not start: cannot {'fetch' if '://' in where else 'read'} {where}")
    assert f"set ${source.SOURCE_ENV_VAR} (or pass --source)" in done.stderr


@pytest.mark.skipif(README is None, reason="no spec source directory with its README")
def test_a_bump_from_the_spec_source_plans_its_commits_url_and_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pinned to an older Files spec, a bump from the source directory moves to the README's commit."""
    assert SOURCE is not None
    monkeypatch.setenv(drift.CACHE_ENV_VAR, str(tmp_path / "cache"))
    older = sorted((Path(SOURCE) / "history").glob("Codat-Files.*.json"))[-1]
    pins = json.loads((ROOT / "openapi" / "pins.json").read_text(encoding="utf-8"))
    pins["files"]["sha256"] = source.sha256(older.read_bytes())
    (tmp_path / "openapi").mkdir()
    (tmp_path / "openapi" / "pins.json").write_text(json.dumps(pins), encoding="utf-8")
    shutil.copy2(ROOT / "openapi" / "overrides.json", tmp_path / "openapi" / "overrides.json")

    [planned] = bump.plan(bump.Layout(tmp_path), SOURCE, ["files"], [str(older)], None)

    commit = source.upstream_commit(SOURCE)
    assert commit is not None
    assert planned.url == source.commit_url("json/Codat-Files.json", commit.sha)
    assert planned.date == commit.date


YAML_SPEC = "openapi: 3.1.0\ninfo: {title: Widgets API, version: '1.0'}\npaths: {}\n"


def test_a_pinned_yaml_spec_is_read_like_any_spec(tmp_path: Path) -> None:
    """Pinned specs were read as JSON only, and a source URL naming a .yaml file had the pin's name appended."""
    spec = tmp_path / "Codat-Widgets.yaml"
    spec.write_text(YAML_SPEC, encoding="utf-8")
    pin = source.Pin(
        "widgets", spec.name, f"https://example.test/{spec.name}", source.sha256(spec.read_bytes()), "1", ""
    )
    assert source.load_pinned(pin, str(tmp_path))["info"]["title"] == "Widgets API"
    url = "https://example.test/specs/Codat-Widgets.yaml"
    assert source.location(pin, url) == url
    assert source.location(pin, "https://example.test/specs") == f"https://example.test/specs/{spec.name}"


def test_the_normaliser_command_reads_yaml_and_says_what_is_missing(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(YAML_SPEC, encoding="utf-8")
    command = [sys.executable, "-m", "codegen.normalise"]
    done = subprocess.run([*command, str(spec)], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)["info"]["title"] == "Widgets API"
    missing = str(tmp_path / "missing.yaml")
    done = subprocess.run([*command, missing], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and done.stderr.startswith(f"error: cannot read {missing}"), done.stderr


@pytest.mark.skipif(SOURCE is None, reason="no spec source")
def test_a_source_missing_one_spec_writes_nothing(tmp_path: Path) -> None:
    """The first API's package was written before the second's spec was found missing."""
    assert SOURCE is not None
    first, *others = sorted(PINS)
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / PINS[first].file).write_bytes(source.fetch_pinned(PINS[first], SOURCE))
    done = _generate("--out", str(tmp_path / "out"), "--source", str(partial))
    assert done.returncode == 1 and others and PINS[others[0]].file in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()
