"""codegen.callsites: the hand-written lines a breaking change reaches, found statically in a synthetic repo."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from codegen import apidiff, callsites
from codegen.apidiff import Change

README = """# Try it

```sh
pip install codat-sdk
```

```python
from codat_sdk_platform import CodatPlatform
codat = CodatPlatform(api_key="k")
for company in codat.companies.list_all(page_size=10):
    print(company.created_by_user_name)
```
"""

DEMO = """
from codat_sdk_platform.models import DataConnectionStatus, Widget

def main(client):
    client.companies.with_raw_response.get("c-1")
    client.connection_management.cors.set(body=None)
    client.companies.list(query="status=Linked")
    return DataConnectionStatus.LINKED, Widget(colour="red")

STATUS = "Linked"
FIXTURE = {"integrationKey": "gbol"}  # a hand-built body names its fields by their JSON names
"""

TEST = """
OPERATION = "get-company"

def test_plain_python(data):
    data.get("x")  # a dict's get, not a method of the client
    return "Linked"  # this module does not use a generated package
"""

ENUM = """
class DataConnectionStatus(OpenStrEnum):
    LINKED = "Linked"
    PENDINGAUTH = "PendingAuth"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    files = {
        "README.md": README,
        "devtools/demo.py": DEMO,
        "tests/test_plain.py": TEST,
        "generated/codat_sdk_platform/models/data_connection_status.py": ENUM,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def _change(kind: str, path: str, spec_path: str = "", old: str | None = None, breaking: bool = True) -> Change:
    return Change(kind, path, spec_path or path, breaking, "it changed", apidiff.CHANGED, old=old)


def _sites(root: Path, change: Change) -> list[str]:
    found = callsites.breakages(root, [change])
    return [f"{site.file}:{site.line}" for breakage in found for site in breakage.sites]


def test_a_removed_method_is_found_with_its_raw_twin_its_paging_companion_and_its_operation_id(root: Path) -> None:
    assert _sites(root, _change("operation.removed", "companies.get", "get-company")) == [
        "devtools/demo.py:5",
        "tests/test_plain.py:2",
    ]
    # README lines count from the top of the file, not of the code block.
    assert _sites(root, _change("operation.removed", "companies.list")) == ["README.md:10", "devtools/demo.py:7"]


def test_an_argument_change_reaches_only_the_calls_passing_it(root: Path) -> None:
    assert _sites(root, _change("parameter.removed", "companies.list(page_size)")) == ["README.md:10"]
    assert _sites(root, _change("parameter.retyped", "companies.list(query)")) == ["devtools/demo.py:7"]
    # A new required argument reaches every call.
    assert _sites(root, _change("parameter.added", "companies.list(tenant)")) == ["README.md:10", "devtools/demo.py:7"]


def test_a_nested_group_is_matched_by_its_whole_path(root: Path) -> None:
    assert _sites(root, _change("request_body.retyped", "connection_management.cors.set(body)")) == [
        "devtools/demo.py:6"
    ]
    assert _sites(root, _change("operation.removed", "cors.set")) == ["devtools/demo.py:6"]
    assert _sites(root, _change("operation.removed", "settings.set")) == []


def test_models_fields_and_enum_members(root: Path) -> None:
    assert _sites(root, _change("field.removed", "Company.created_by_user_name")) == ["README.md:11"]
    assert _sites(root, _change("field.required", "Widget.colour")) == ["devtools/demo.py:8"]
    assert _sites(root, _change("model.removed", "Widget")) == ["devtools/demo.py:2", "devtools/demo.py:8"]
    # The member by name, and the wire value as a string, in code that uses a generated package.
    removed = _change("enum.value_removed", "DataConnectionStatus", old='"Linked"')
    assert _sites(root, removed) == ["devtools/demo.py:8", "devtools/demo.py:10"]
    assert _sites(root, _change("enum.value_removed", "DataConnectionStatus", old='"PendingAuth"')) == []


def test_a_field_named_by_its_json_name_in_a_hand_built_body_is_a_use(root: Path) -> None:
    retyped = _change("field.retyped", "Connection.integration_key", "Connection.integrationKey")
    assert _sites(root, retyped) == ["devtools/demo.py:11"]
    # Only in code that uses a generated package: tests/test_plain.py's strings are its own.
    assert _sites(root, _change("field.retyped", "Thing.get_company", "Thing.get-company")) == []


def test_non_breaking_changes_have_no_call_sites(root: Path) -> None:
    assert callsites.breakages(root, [_change("operation.removed", "companies.get", breaking=False)]) == []


def test_the_report_names_each_line_and_the_change(root: Path) -> None:
    found = callsites.breakages(root, [_change("operation.removed", "companies.list")])
    report = callsites.report(found, limit=1)
    assert report.splitlines() == [
        "- `companies.list`: it changed (operation.removed); used at:",
        "    README.md:10: for company in codat.companies.list_all(page_size=10):",
        "    ... and 1 more",
    ]
