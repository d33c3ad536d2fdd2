"""``python -m codegen drift``: unchanged, drifted (report-only vs --strict), JSON output, missing baselines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen import apidiff, drift, source

ROOT = Path(__file__).resolve().parents[2]
SOURCE = source.default_source()
LOCAL = Path(SOURCE) if SOURCE is not None and Path(SOURCE).is_dir() else None
needs_specs = pytest.mark.skipif(
    LOCAL is None,
    reason="no spec source: neither $CODAT_SPEC_SOURCE nor ../shared/openapi exists (tests do not download specs)",
)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the content-addressed spec cache of these tests out of the developer's ~/.cache."""
    cache = tmp_path / "spec-cache"
    monkeypatch.setenv(drift.CACHE_ENV_VAR, str(cache))
    return cache


def _newest_history(api_file: str) -> Path:
    assert LOCAL is not None
    found = sorted((LOCAL / "history").glob(f"{Path(api_file).stem}.*.json"))
    if not found:
        pytest.skip(f"no history version of {api_file}")
    return found[-1]


@needs_specs
def test_pinned_specs_are_unchanged_and_strict_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], _private_cache: Path
) -> None:
    out = tmp_path / "drift.json"
    assert drift.main(["--source", str(LOCAL), "--strict", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["drift"] is False
    assert {entry["api"]: entry["status"] for entry in report["apis"]} == {
        "platform": "unchanged",
        "files": "unchanged",
    }
    assert text.count("unchanged") == 2
    # What was read while pinned is cached, to diff against once upstream has moved on.
    for pin in source.load_pins().values():
        assert (_private_cache / f"{pin.sha256}.json").is_file()


@needs_specs
def test_drift_is_reported_but_fails_only_when_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pin = source.load_pins()["platform"]
    older = _newest_history(pin.file)
    out = tmp_path / "drift.json"
    assert drift.main(["--source", str(older), "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "changed: sha256" in text and "version bump:" in text
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["drift"] is True
    [entry] = report["apis"]
    assert entry["api"] == "platform" and entry["status"] == "changed"
    assert entry["pinned"]["sha256"] == pin.sha256
    assert entry["upstream"]["sha256"] == source.sha256(older.read_bytes())
    assert entry["changes"] and all({"kind", "path", "breaking", "reason"} <= set(c) for c in entry["changes"])
    assert entry["breaking"] == sum(c["breaking"] for c in entry["changes"])
    assert drift.main(["--source", str(older), "--strict"]) == 1
    capsys.readouterr()
    assert drift.main(["--source", str(older), "--json", "-"]) == 0
    assert json.loads(capsys.readouterr().out) == report


@needs_specs
def test_a_file_not_named_after_an_api_needs_api(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert LOCAL is not None
    renamed = tmp_path / "spec.json"
    shutil.copyfile(LOCAL / source.load_pins()["files"].file, renamed)
    assert drift.main(["--source", str(renamed)]) == 1
    assert "--api" in capsys.readouterr().err
    assert drift.main(["--source", str(renamed), "--api", "files", "--strict"]) == 0
    assert drift.main(["--source", str(renamed), "--api", "nope"]) == 1


def test_unreadable_upstream_fails_only_when_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nowhere")
    assert drift.main(["--source", missing]) == 0
    assert "could not run" in capsys.readouterr().err
    assert drift.main(["--source", missing, "--strict"]) == 1


@needs_specs
def test_without_the_pinned_spec_drift_is_reported_without_a_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert LOCAL is not None
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "openapi", repo / "openapi")
    pins = json.loads((repo / "openapi" / "pins.json").read_text(encoding="utf-8"))
    pins["files"]["sha256"] = "0" * 64  # bytes nobody has
    (repo / "openapi" / "pins.json").write_text(json.dumps(pins), encoding="utf-8")
    out = tmp_path / "drift.json"
    assert drift.main(["--source", str(LOCAL), "--api", "files", "--json", str(out)], root=repo) == 0
    assert "--baseline" in capsys.readouterr().out
    [entry] = json.loads(out.read_text(encoding="utf-8"))["apis"]
    assert entry["status"] == "changed" and entry["changes"] is None
    assert drift.main(["--source", str(LOCAL), "--api", "files", "--strict"], root=repo) == 1


@needs_specs
def test_the_command_line_entry_point(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", drift.CACHE_ENV_VAR: str(tmp_path / "cache"), "HOME": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-m", "codegen", "drift", "--source", str(LOCAL), "--strict"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "## platform" in completed.stdout and "## files" in completed.stdout


@needs_specs
def test_a_spec_the_diff_cannot_handle_still_reports_the_drift(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unknown_shape(*_args: object) -> None:
        raise KeyError("x-new-keyword")

    monkeypatch.setattr(apidiff, "api_diff", unknown_shape)
    older = _newest_history(source.load_pins()["platform"].file)
    assert drift.main(["--source", str(older)]) == 0
    assert "semantic diff failed" in capsys.readouterr().out
    assert drift.main(["--source", str(older), "--strict"]) == 1
