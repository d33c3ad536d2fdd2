"""The corpus run: every corpus spec generated once per session, checked, and served by its own Prism.

Generation, mypy (one background process over every package) and the Prisms (all starting at once)
overlap; each test waits only for what it reads. The table of results is printed at the end of the run.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devtools.prism import PrismServer, find_prism
from tests.corpus.corpus import SpecResult, corpus_specs, generate, serve_all, table
from tests.generated_package import importable, mypy_problems_by_package, ruff_problems, start_mypy

# Every result of this session, in spec order: the table printed by pytest_terminal_summary.
RESULTS: list[SpecResult] = []


@dataclass
class CorpusRun:
    results: dict[str, SpecResult]
    prisms: dict[Path, Future[PrismServer]]
    mypy: subprocess.Popen[str] | None = None
    _typed: bool = field(default=False)

    def result(self, spec: str) -> SpecResult:
        return self.results[spec]

    def check_types(self) -> None:
        """Wait for the one mypy run and give each spec its lines (first caller only)."""
        if self._typed or self.mypy is None:
            return
        generated = [r for r in self.results.values() if r.package is not None]
        by_package = mypy_problems_by_package(self.mypy, [r.package.package for r in generated if r.package])
        for result in generated:
            assert result.package is not None
            result.mypy = by_package[result.package.package]
        self._typed = True

    def prism_url(self, result: SpecResult) -> str:
        return self.prisms[result.spec].result().url


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusRun]:
    specs = corpus_specs()
    with ExitStack() as stack:
        prisms = stack.enter_context(serve_all(specs)) if find_prism() is not None else {}
        out = tmp_path_factory.mktemp("corpus")
        results = {spec.name: generate(spec, out) for spec in specs}
        RESULTS[:] = list(results.values())
        generated = [r for r in results.values() if r.package is not None]
        run = CorpusRun(results, prisms)
        if generated:
            run.mypy = start_mypy([r.root for r in generated], [r.package.package for r in generated if r.package])
        for result in generated:
            assert result.package is not None
            result.ruff = ruff_problems(result.root / result.package.package)
            stack.enter_context(importable(result.root))
        try:
            yield run
        finally:
            if run.mypy is not None and run.mypy.poll() is None:
                run.mypy.kill()
                run.mypy.wait()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RESULTS:
        terminalreporter.write_sep("=", "corpus: every other Codat spec, generated and called against Prism")
        terminalreporter.write_line(table(RESULTS))
