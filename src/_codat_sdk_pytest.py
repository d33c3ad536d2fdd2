"""pytest fixtures for a local Codat (``codat_sdk.testing``), registered through the ``pytest11`` entry point.

- ``codat_sandbox``: a fresh ``Sandbox`` per test; ``@pytest.mark.codat_sandbox(seed=2, api_key="k", ...)``
  passes its keywords to ``Sandbox(...)``.
- ``codat_client`` / ``codat_async_client``: a ``CodatPlatform`` / ``AsyncCodatPlatform`` answered by it.
- ``codat_files_client`` / ``codat_async_files_client``: the same for the Files API.

pytest imports this module in every run wherever the SDK is installed, so it sits outside the
``codat_sdk`` package and imports nothing beyond pytest until a fixture is used. ``-p no:codat_sdk``
turns it off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from codat_sdk_files import AsyncCodatFiles, CodatFiles
    from codat_sdk_platform import AsyncCodatPlatform, CodatPlatform

    from codat_sdk.testing import Sandbox

MARKER = "codat_sandbox"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**options): options of the test's codat_sandbox fixture (codat_sdk.testing.Sandbox)"
    )


@pytest.fixture
def codat_sandbox(request: pytest.FixtureRequest) -> Sandbox:
    """A fresh local Codat (``codat_sdk.testing.Sandbox``); options from ``@pytest.mark.codat_sandbox(...)``."""
    from codat_sdk.testing import Sandbox

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker is not None else {}
    if marker is not None and marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only (those of Sandbox)")
    return Sandbox(**options)


@pytest.fixture
def codat_client(codat_sandbox: Sandbox) -> Iterator[CodatPlatform]:
    """A ``CodatPlatform`` answered in process by ``codat_sandbox``."""
    with codat_sandbox.client() as client:
        yield client


@pytest.fixture
def codat_async_client(codat_sandbox: Sandbox) -> AsyncCodatPlatform:
    """An ``AsyncCodatPlatform`` answered in process by ``codat_sandbox`` (no socket: nothing to close)."""
    return codat_sandbox.async_client()


@pytest.fixture
def codat_files_client(codat_sandbox: Sandbox) -> Iterator[CodatFiles]:
    """A ``CodatFiles`` answered in process by ``codat_sandbox``."""
    with codat_sandbox.files_client() as client:
        yield client


@pytest.fixture
def codat_async_files_client(codat_sandbox: Sandbox) -> AsyncCodatFiles:
    """An ``AsyncCodatFiles`` answered in process by ``codat_sandbox``."""
    return codat_sandbox.async_files_client()
