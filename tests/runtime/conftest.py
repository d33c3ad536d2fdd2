"""Fixtures shared by the runtime tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.runtime.faultserver import FaultServer, serving


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A scripted HTTP server on 127.0.0.1 (``server.script(...)`` says what it answers)."""
    with serving() as fault:
        yield fault
