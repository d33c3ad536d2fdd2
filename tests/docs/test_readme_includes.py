"""The guides include README sections (devtools/docs_site.py): one source, links working on the site."""

from __future__ import annotations

from pathlib import Path

import pytest

from devtools.docs_site import DOCS, INCLUDE, README, expand, readme_sections, repository_url

SYNTHETIC_README = """# title
## Configuration
<!-- --8<-- [start:configuration] -->
Options. See [Retries](#retries) and [the reference](generated/reference/platform.md#paginators).
<!-- --8<-- [end:configuration] -->
## Retries
<!-- --8<-- [start:retries] -->
### Backoff
Retried. [Results](benchmarks/RESULTS.md), [Performance](#performance), [Backoff](#backoff).
<!-- --8<-- [end:retries] -->
## Performance
Not on the site.
"""


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "configuration.md").write_text('# Configuration\n\n--8<-- "README.md:configuration"\n')
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "retries.md").write_text('# Retries\n\n--8<-- "README.md:retries"\n')
    return tmp_path


def test_a_section_is_included_without_its_markers(docs: Path) -> None:
    page = expand((docs / "configuration.md").read_text(), "configuration.md", SYNTHETIC_README, docs)
    assert "Options." in page
    assert "--8<--" not in page


def test_links_lead_to_the_guide_the_reference_or_the_repository(docs: Path) -> None:
    page = expand((docs / "configuration.md").read_text(), "configuration.md", SYNTHETIC_README, docs)
    assert "[Retries](guides/retries.md)" in page  # the section's own heading: the guide's top
    assert "[the reference](reference/platform.md#paginators)" in page
    nested = expand((docs / "guides" / "retries.md").read_text(), "guides/retries.md", SYNTHETIC_README, docs)
    assert "[Backoff](../guides/retries.md#backoff)" in nested
    assert f"[Results]({repository_url()}/blob/main/benchmarks/RESULTS.md)" in nested
    assert f"[Performance]({repository_url()}/blob/main/README.md#performance)" in nested


def test_an_unknown_section_fails_the_build(docs: Path) -> None:
    with pytest.raises(ValueError, match="no section 'missing'"):
        expand('--8<-- "README.md:missing"\n', "x.md", SYNTHETIC_README, docs)


def test_every_guide_includes_sections_the_readme_marks() -> None:
    sections = readme_sections(README.read_text(encoding="utf-8"))
    included = {name for page in DOCS.rglob("*.md") for name in INCLUDE.findall(page.read_text(encoding="utf-8"))}
    assert included
    assert included <= sections.keys()
    assert all(sections[name] for name in included)
