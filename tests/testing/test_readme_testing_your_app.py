"""The README's "Testing your app" example, exactly as written: run by pytest with the SDK's fixtures, and
type-checked by mypy --strict."""

from __future__ import annotations

import re
from pathlib import Path

from tests.testing.test_sandbox_pytest_plugin import run_pytest
from tests.typecheck import mypy_strict

ROOT = Path(__file__).resolve().parents[2]


def readme_example() -> str:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Testing your app\n", 1)[1]
    (example,) = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    return str(example)


def test_the_example_tests_an_app_that_creates_links_pages_with_a_typed_query_and_receives_the_webhook() -> None:
    example = readme_example()
    for part in ("codat_sandbox", "codat_client", "companies.create", ".link(", "CompanyQuery", "page_size=2"):
        assert part in example
    assert "construct_event" in example and "webhooks.on(" in example


def test_the_example_passes_under_pytest(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, readme_example(), "--strict-markers")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_example_type_checks_strictly(tmp_path: Path) -> None:
    path = tmp_path / "test_readme_app.py"
    path.write_text(readme_example(), encoding="utf-8")
    done = mypy_strict(path)
    assert done.returncode == 0, done.stdout + done.stderr
