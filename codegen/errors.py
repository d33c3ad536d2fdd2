"""The one exception generation raises for a spec or config it cannot turn into a package."""

from __future__ import annotations


class GenerationError(Exception):
    """The spec did not generate cleanly (the generator warned, or an operation is unnamed)."""
