"""Where hand-written code uses what a breaking API change takes away: one ``file:line`` per call site.

A bump must not land when it breaks the README's examples, the demo, the runtime overlay, the benchmarks
or the tests. Running the type checker over everything says so with a wall of errors in generated code;
this reads the hand-written Python (and the README's ``python`` blocks) once, statically, and names each
line that uses a method, argument, model, field or enum member a breaking ``apidiff.Change`` removed or
changed. It errs on the side of naming a line: a name match is enough (no type inference), so a field
called ``id`` is found wherever ``.id`` is read in code that imports a generated package.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .apidiff import Change

# Hand-written code, relative to the repository root (generated/ and codegen/ are the generator's own).
HAND_WRITTEN_DIRS = ("src", "devtools", "benchmarks", "tests")
HAND_WRITTEN_FILES = ("README.md",)
GENERATED_PREFIX = "codat_sdk_"
# A resource's raw-response twin has the same methods: ``client.companies.with_raw_response.list``.
TRANSPARENT_ATTRIBUTES = frozenset({"with_raw_response"})
_FENCE = re.compile(r"^```python[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_METHOD_PATH = re.compile(r"^(?P<call>[A-Za-z_][\w.]*)(?:\((?P<arg>\w+)\)|$| -> return)")
_OPERATION_KINDS = ("operation.", "parameter.", "request_body.", "response.")


@dataclass(frozen=True)
class Site:
    """One line of hand-written code."""

    file: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text}"


@dataclass(frozen=True)
class Breakage:
    """A breaking change and the hand-written lines that use what it changed."""

    change: Change
    sites: tuple[Site, ...]


@dataclass
class Module:
    """What one hand-written source uses, by name, with line numbers."""

    file: str
    lines: list[str]
    imports_generated: bool = False
    chains: list[tuple[tuple[str, ...], ast.AST]] = field(default_factory=list)  # a.b.c -> node
    names: list[tuple[str, int]] = field(default_factory=list)  # identifiers and imported names
    strings: list[tuple[str, int]] = field(default_factory=list)
    calls: list[tuple[tuple[str, ...], ast.Call]] = field(default_factory=list)

    def site(self, line: int) -> Site:
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return Site(self.file, line, text)


def _chain(node: ast.AST) -> tuple[str, ...] | None:
    """``client.companies.list`` -> ("client", "companies", "list"); None when the base is not a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        inner = _chain(node.func)  # CodatPlatform(...).companies.list
        if inner is None:
            return None
        parts.append("()")
        parts.extend(reversed(inner))
    else:
        parts.append("?")
    return tuple(part for part in reversed(parts) if part not in TRANSPARENT_ATTRIBUTES)


def _index(file: str, text: str, line_offset: int = 0, lines: list[str] | None = None) -> Module | None:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    if line_offset:
        ast.increment_lineno(tree, line_offset)
    module = Module(file, lines if lines is not None else text.splitlines())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if (node.module or "").startswith(GENERATED_PREFIX):
                module.imports_generated = True
            module.names.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.Import):
            if any(alias.name.startswith(GENERATED_PREFIX) for alias in node.names):
                module.imports_generated = True
        elif isinstance(node, ast.Name):
            module.names.append((node.id, node.lineno))
        elif isinstance(node, ast.Attribute):
            chain = _chain(node)
            if chain is not None:
                module.chains.append((chain, node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            module.strings.append((node.value, node.lineno))
        if isinstance(node, ast.Call):
            chain = _chain(node.func)
            if chain is not None:
                module.calls.append((chain, node))
    return module


def hand_written(root: Path) -> list[Module]:
    """Every hand-written Python source under ``root``, and each ``python`` block of the README."""
    modules = []
    for directory in HAND_WRITTEN_DIRS:
        for path in sorted((root / directory).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            indexed = _index(str(path.relative_to(root)), path.read_text(encoding="utf-8"))
            if indexed is not None:
                modules.append(indexed)
    for name in HAND_WRITTEN_FILES:
        path = root / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for block in _FENCE.finditer(text):
            offset = text.count("\n", 0, block.start(1))
            indexed = _index(name, block.group(1), line_offset=offset, lines=lines)
            if indexed is not None:
                indexed.imports_generated = True  # README examples are all about the generated clients
                modules.append(indexed)
    return modules


def _method_chains(call_path: str) -> list[tuple[str, ...]]:
    """The attribute chains that reach an SDK method, its paging companion included (list -> list_all)."""
    *groups, method = call_path.split(".")
    if method == "list":
        companions = ["list_all"]
    elif method.startswith("list_"):
        companions = ["list_all_" + method.removeprefix("list_")]
    else:
        companions = ["iter_" + method]
    return [(*groups, name) for name in (method, *companions)]


def _ends_with(chain: tuple[str, ...], tail: tuple[str, ...]) -> bool:
    return len(chain) > len(tail) and chain[-len(tail) :] == tail


def _enum_members(root: Path, enum: str) -> dict[str, str]:
    """Wire value -> member name of a generated enum class (read from generated/, as the user sees it)."""
    pattern = re.compile(rf"^class {re.escape(enum)}\(")
    for path in sorted((root / "generated").glob(f"{GENERATED_PREFIX}*/models/*.py")):
        text = path.read_text(encoding="utf-8")
        if any(pattern.match(line) for line in text.splitlines()):
            members = {}
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                    target = node.targets[0]
                    if isinstance(target, ast.Name):
                        members[str(node.value.value)] = target.id
            return members
    return {}


class _Finder:
    def __init__(self, root: Path, modules: list[Module]) -> None:
        self.root, self.modules = root, modules

    def sites(self, change: Change) -> Iterator[Site]:
        if change.kind.startswith(_OPERATION_KINDS):
            yield from self.operation_sites(change)
        elif change.kind.startswith(("model.", "field.", "enum.")):
            yield from self.model_sites(change)

    def operation_sites(self, change: Change) -> Iterator[Site]:
        match = _METHOD_PATH.match(change.path)
        if match is None:
            return  # an operation without an SDK name has no call site
        tails = _method_chains(match["call"])
        argument = match["arg"] if change.kind.startswith("parameter.") else None
        every_call = change.kind in ("parameter.added", "parameter.required") or argument is None
        positional = " path:" in change.spec_path
        for module in self.modules:
            if change.kind == "operation.removed":  # tests also name operations by their operationId
                yield from (module.site(line) for text, line in module.strings if text == change.spec_path)
            for chain, node in module.calls:
                if not any(_ends_with(chain, tail) for tail in tails):
                    continue
                keywords = {keyword.arg for keyword in node.keywords}
                if every_call or argument in keywords or (positional and node.args):
                    yield module.site(node.lineno)

    def model_sites(self, change: Change) -> Iterator[Site]:
        model, _, rest = change.path.partition(".")
        field_name = rest.split(".")[0].split("[")[0] if rest else None
        if change.kind == "model.removed":
            yield from self._names(model)
        elif change.kind.startswith("field.") and field_name:
            yield from self._attributes(field_name, model)
            # A body built by hand (a test fixture, a README payload) names the field by its JSON name.
            wire_name = change.spec_path.partition(".")[2].split(".")[0].split("[")[0]
            yield from self._strings(wire_name)
        elif change.kind == "enum.value_removed" and change.old is not None:
            value = json.loads(change.old)
            member = _enum_members(self.root, model).get(str(value))
            for module in self.modules:
                if member is not None:
                    for chain, node in module.chains:
                        if chain[-2:] == (model, member):
                            yield module.site(getattr(node, "lineno", 0))
            yield from self._strings(value)

    def _strings(self, text: object) -> Iterator[Site]:
        """String constants equal to ``text`` (a wire value or name) in code that uses a generated package."""
        for module in self.modules:
            if module.imports_generated:
                yield from (module.site(line) for found, line in module.strings if found == text)

    def _names(self, name: str) -> Iterator[Site]:
        for module in self.modules:
            for found, line in module.names:
                if found == name:
                    yield module.site(line)
            for chain, node in module.chains:
                if chain[-1] == name:
                    yield module.site(getattr(node, "lineno", 0))

    def _attributes(self, name: str, model: str) -> Iterator[Site]:
        """``x.name`` in code using a generated package, and ``Model(name=...)`` anywhere."""
        for module in self.modules:
            if module.imports_generated:
                for chain, node in module.chains:
                    if chain[-1] == name:
                        yield module.site(getattr(node, "lineno", 0))
            for chain, call in module.calls:
                if chain[-1] == model and any(keyword.arg == name for keyword in call.keywords):
                    yield module.site(call.lineno)


def breakages(root: Path, changes: Iterable[Change], modules: list[Module] | None = None) -> list[Breakage]:
    """Each breaking change that hand-written code under ``root`` uses, with the lines that use it.

    ``modules``: ``hand_written(root)`` when already read (to ask about many changes, one at a time).
    """
    finder = _Finder(root, hand_written(root) if modules is None else modules)
    found = []
    for change in changes:
        if not change.breaking:
            continue
        sites = tuple(sorted(set(finder.sites(change)), key=lambda site: (site.file, site.line)))
        if sites:
            found.append(Breakage(change, sites))
    return found


def report(found: Iterable[Breakage], limit: int = 10) -> str:
    """Short and actionable: per breaking change, the hand-written lines to fix (at most ``limit`` each)."""
    lines = []
    for breakage in found:
        change = breakage.change
        lines.append(f"- `{change.path}`: {change.reason} ({change.kind}); used at:")
        lines += [f"    {site}" for site in breakage.sites[:limit]]
        if len(breakage.sites) > limit:
            lines.append(f"    ... and {len(breakage.sites) - limit} more")
    return "\n".join(lines)
