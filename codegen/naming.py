"""Python names: snake_case, wire names of parsed properties, the order of a class's methods."""

from __future__ import annotations

from typing import Any

from .views import OperationView


def snake(name: str) -> str:
    out: list[str] = []
    for i, char in enumerate(name.replace("-", "_")):
        if char.isupper() and i and (name[i - 1].islower() or name[i - 1].isdigit()):
            out.append("_")
        out.append(char.lower())
    return "".join(out)


def json_name(prop: Any) -> str:
    """A parsed property's or parameter's name as on the wire."""
    name = prop.name
    return str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name)


# Methods named like builtins shadow them in later annotations of the same class (``list[str]``
# would name the method): such methods go last, and a class may hold only one.
SHADOWING = frozenset({"list", "set", "dict", "type", "str", "int", "float", "bool", "bytes", "tuple"})


def method_order(op: OperationView) -> tuple[bool, str]:
    return (op.method_name in SHADOWING, op.method_name)
