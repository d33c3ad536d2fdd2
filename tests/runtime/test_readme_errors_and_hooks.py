"""The README's error tree is the runtime's ``CodatError`` hierarchy; its hook example type-checks strictly and runs."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import codat_sdk
from codat_sdk import CodatError
from tests.typecheck import mypy_strict

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BRANCH = re.compile(r"[├└]── ")
ERROR_NAME = re.compile(r"\b([A-Z]\w*Error)\b")


def _documented_tree() -> dict[str, str]:
    """Each class in the README's tree, mapped to the class it sits under."""
    section = README.split("\n## Error handling\n", 1)[1]
    tree = section.split("```\n", 2)[1]
    lines = tree.splitlines()
    assert lines[0] == "CodatError"
    parents: dict[str, str] = {}
    stack = ["CodatError"]  # stack[depth] is the last class named at that depth
    for line in lines[1:]:
        branch = BRANCH.search(line)
        assert branch, line
        depth = branch.start() // 4 + 1
        rest = line[branch.end() :]
        # A row of classes ("BadRequestError (400)  UnauthorizedError (401) ..."), or one class and its description.
        row = re.fullmatch(r"(\s*[A-Z]\w*Error \(\d+(?:, [^)]*)?\))+\s*", rest)
        names = ERROR_NAME.findall(rest) if row else [ERROR_NAME.match(rest).group(1)]  # type: ignore[union-attr]
        del stack[depth:]
        for name in names:
            parents[name] = stack[depth - 1]
        stack.append(names[0])
    return parents


def _runtime_tree() -> dict[str, str]:
    exported = [getattr(codat_sdk, name) for name in codat_sdk.__all__]
    errors = [
        cls for cls in exported if isinstance(cls, type) and issubclass(cls, CodatError) and cls is not CodatError
    ]
    return {
        cls.__name__: next(base.__name__ for base in cls.__bases__ if issubclass(base, CodatError)) for cls in errors
    }


def test_the_error_tree_is_the_runtimes() -> None:
    documented = _documented_tree()
    assert {"QueryError", "HookError"} <= documented.keys()
    assert documented == _runtime_tree()


def _hooks_example() -> str:
    (example,) = [
        block for block in re.findall(r"```python\n(.*?)```", README, re.S) if "@codat.hooks.before_request" in block
    ]
    return str(example)


def test_the_hook_example_has_no_untyped_callable() -> None:
    tree = ast.parse(_hooks_example())
    # pyright strict cannot type a lambda's parameters when a hook registration is generic over the hook.
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Lambda)]
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    assert functions
    for function in functions:
        assert function.returns is not None
        assert all(argument.annotation is not None for argument in function.args.args), function.name


def test_the_hook_example_type_checks_strictly(tmp_path: Path) -> None:
    path = tmp_path / "readme_hooks.py"
    path.write_text(_hooks_example(), encoding="utf-8")
    done = mypy_strict(path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="pyright runs on Node, which Prism needs too")
def test_the_hook_example_passes_pyright_strict(tmp_path: Path) -> None:
    """It once registered lambdas, whose parameters pyright strict cannot type (reportUnknownLambdaType)."""
    path = tmp_path / "readme_hooks.py"
    path.write_text("# pyright: strict\n" + _hooks_example(), encoding="utf-8")
    config = {"extraPaths": [str(ROOT / "src"), str(ROOT / "generated")], "pythonVersion": "3.11"}
    (tmp_path / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pyright", "--outputjson", "--pythonpath", sys.executable, str(path)],
        cwd=tmp_path,
        # No check for a newer pyright on the package index: the version is pinned in the dev extra.
        env={**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stdout)
    assert report["summary"]["filesAnalyzed"] == 1, done.stdout
    assert report["generalDiagnostics"] == [], json.dumps(report["generalDiagnostics"], indent=1)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hook_example_runs() -> None:
    *registering, constructing = ast.parse(_hooks_example()).body
    namespace: dict[str, Any] = {}
    exec(compile(ast.Module(registering, type_ignores=[]), "README.md", "exec"), namespace)
    assert repr(namespace["codat"].hooks) == "Hooks(before_request=1, after_response=0, on_error=1)"
    exec(compile(ast.Module([constructing], type_ignores=[]), "README.md", "exec"), namespace)
    assert repr(namespace["codat"].hooks) == "Hooks(before_request=0, after_response=1, on_error=0)"
