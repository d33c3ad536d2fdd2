"""The one exception generation raises for a spec or config it cannot turn into a package."""

from __future__ import annotations


class GenerationError(Exception):
    """The spec did not generate cleanly (the generator warned, or an operation is unnamed)."""


class GeneratorWarnings(GenerationError):
    """openapi-python-client warned: each warning is one entry of ``warnings`` (generation stops on any)."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("the generator warned:\n" + "\n".join(warnings))
        self.warnings = warnings
