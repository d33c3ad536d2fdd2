"""The benchmark harness still runs end to end (``--smoke``: every case once, tiny sizes; no timings checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.__main__ import SMOKE
from codegen.source import default_source

ROOT = Path(__file__).resolve().parents[2]

# Named as the harness names them at the smoke sizes (prefixes of the row labels).
CASES = (
    "`import httpx` alone",
    "import + construct + first call",
    "peak RSS after the first call",
    "GET one company",
    f"list {SMOKE.small_page} companies",
    f"decode a {SMOKE.small_page}-company page in memory",
    f"decode a {SMOKE.big_page}-company page in memory",
    f"{SMOKE.big_page}-company page end to end",
    f"{SMOKE.concurrent_calls} concurrent async calls",
    f"iterate {SMOKE.paged_total:,} companies",
    "sandbox: GET one company in process, this SDK",
    "sandbox: GET one company in process, raw httpx",
    f"upload {SMOKE.upload_files} x {SMOKE.upload_mib} MB: peak RSS growth",
    f"download {SMOKE.download_mib} MB: peak RSS growth",
)


@pytest.mark.skipif(default_source() is None, reason="the canned bodies are built from the pinned spec")
def test_smoke_run_writes_a_row_per_case(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    table = out.read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    for case in CASES:
        matching = [row for row in rows if row.startswith(f"| {case}")]
        assert matching, f"no row for {case!r} in:\n{table}"
        cells = [cell.strip() for cell in matching[0].strip("|").split("|")]
        assert cells[1], f"no floor measurement in {matching[0]}"
        if not case.startswith("`import httpx`"):  # measured for the floor only
            assert cells[2], f"no measurement of this SDK in {matching[0]}"
    assert "smoke run" in table
