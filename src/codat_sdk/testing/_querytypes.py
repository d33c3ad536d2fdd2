"""The types Codat's query language compares by: which operators each takes, how a value is read.

Codat's table ("Querying"): numbers and dates take ``=`` ``!=`` ``>`` ``<`` ``>=`` ``<=``; strings take
``=`` ``!=`` ``~``; booleans ``=`` ``!=`` (GUESS: the table has no boolean column). A property's type
comes from the records' JSON schema when one is given (:class:`RecordSchema`); without one, from each
value met (a string reads as a date when both it and the query's value are ISO dates).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

__all__ = [
    "OPERATORS_BY_KIND",
    "Kind",
    "RecordSchema",
    "UnresolvedProperty",
    "as_kind",
    "instant",
    "kind_of",
    "read_value",
]

Kind = Literal["string", "number", "boolean", "date", "object", "any"]

OPERATORS_BY_KIND: Final[Mapping[Kind, frozenset[str]]] = {
    "string": frozenset({"=", "!=", "~"}),
    "number": frozenset({"=", "!=", ">", "<", ">=", "<="}),
    "date": frozenset({"=", "!=", ">", "<", ">=", "<="}),
    "boolean": frozenset({"=", "!="}),
    "object": frozenset(),
    "any": frozenset({"=", "!=", "~", ">", "<", ">=", "<="}),
}

_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_NUMBER: Final = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# Codat's date schemas are plain strings named for what they hold (``DateTime``: "Date time").
_DATE_SCHEMA_NAMES: Final = frozenset({"DateTime", "Datetime", "Date"})


def instant(text: str) -> datetime | None:
    """``text`` as a UTC instant if it is an ISO date or date-time, else None.

    GUESS: a date is its midnight and a date-time without a zone is read as UTC, so both compare with
    Codat's ``...Z`` timestamps as instants.
    """
    try:
        if _DATE.fullmatch(text):
            return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        if _DATE_TIME.fullmatch(text):
            parsed = datetime.fromisoformat(text)
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return None


def read_value(text: str, kind: Kind) -> object | None:
    """The query's value text as a ``kind`` value; None when it is not one."""
    if kind == "number":
        return Decimal(text) if _NUMBER.fullmatch(text) else None
    if kind == "boolean":
        # GUESS: .NET reads booleans without regard to case.
        return {"true": True, "false": False}.get(text.lower())
    if kind == "date":
        return instant(text)
    return text


def as_kind(found: object, kind: Kind) -> object | None:
    """A record's value as a ``kind`` value; None when it is not one (it then matches nothing)."""
    if kind == "boolean":
        return found if isinstance(found, bool) else None
    if kind == "number":
        return Decimal(str(found)) if isinstance(found, int | float | Decimal) and not isinstance(found, bool) else None
    if kind == "date":
        return instant(found) if isinstance(found, str) else None
    if kind == "string":
        return found if isinstance(found, str) else None
    return None


def kind_of(found: object, value: str | None = None) -> Kind:
    """Without a schema: the kind a record's value has; a string is a date when it (and the query's
    ``value``, when there is one) reads as an ISO date."""
    if isinstance(found, bool):
        return "boolean"
    if isinstance(found, int | float | Decimal):
        return "number"
    if isinstance(found, str):
        dates = instant(found) is not None and (value is None or instant(value) is not None)
        return "date" if dates else "string"
    return "object"


class UnresolvedProperty(LookupError):
    """A path names a property the schema does not have (Codat: "Could not resolve property ...")."""

    def __init__(self, name: str, owner: str) -> None:
        super().__init__(f"Could not resolve property {name} on {owner}")
        self.name = name
        self.owner = owner


# The spec's mark on a property Codat's query language cannot reach (PullOperation.isCompleted).
_NOT_QUERYABLE: Final = re.compile(r"\bnot queryable\b", re.IGNORECASE)


@dataclass(frozen=True)
class RecordSchema:
    """The JSON schema of a list's records, which types each property path (``dataConnections.status``).

    ``components`` resolves ``$ref`` (``#/components/schemas/Name`` or plain ``Name``); ``name`` is the
    type in Codat's "Could not resolve property x on <name>" (default: the schema's title).
    """

    schema: Mapping[str, Any]
    components: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None

    def kind(self, path: Sequence[str]) -> Kind:
        """The kind ``path`` reaches; raises :class:`UnresolvedProperty` for a property the schema lacks."""
        node, names = self._follow(self.schema)
        owner = self.name or str(self.schema.get("title") or "Record")
        index = 0
        while index < len(path):
            step = path[index]
            if node.get("type") == "array" or "items" in node:
                if step == "count":
                    if index != len(path) - 1:
                        raise UnresolvedProperty(path[index + 1], "count")
                    return "number"
                node, names = self._follow(node.get("items", {}))
                continue  # an array's elements carry the step (any element may match)
            properties = self._properties(node)
            if step in properties:
                declared = properties[step]
                node, names = self._follow(declared)
                if any(_NOT_QUERYABLE.search(str(s.get("description", ""))) for s in (declared, node)):
                    raise UnresolvedProperty(step, owner)
            elif isinstance(node.get("additionalProperties"), Mapping):
                node, names = self._follow(node["additionalProperties"])
            elif node.get("additionalProperties") is True or self._untyped(node):
                return "any"
            else:
                raise UnresolvedProperty(step, owner)
            owner = str(node.get("title") or step)
            index += 1
        while node.get("type") == "array" or "items" in node:  # an array of scalars compares its elements
            node, names = self._follow(node.get("items", {}))
        return self._leaf(node, names)

    def _follow(self, schema: object) -> tuple[Mapping[str, Any], frozenset[str]]:
        """``schema`` with refs followed, allOf merged and a null alternative dropped; and its names."""
        names: set[str] = set()
        seen: set[str] = set()
        node: Mapping[str, Any] = schema if isinstance(schema, Mapping) else {}
        while isinstance(ref := node.get("$ref"), str) and ref not in seen:
            seen.add(ref)
            name = ref.rsplit("/", 1)[-1]
            names.add(name)
            target = self.components.get(name)
            node = target if isinstance(target, Mapping) else {}
        alternatives = [part for part in (*node.get("anyOf", ()), *node.get("oneOf", ())) if part.get("type") != "null"]
        if len(alternatives) == 1:
            inner, inner_names = self._follow(alternatives[0])
            node, names = (
                {**{k: v for k, v in node.items() if k not in ("anyOf", "oneOf")}, **inner},
                names | inner_names,
            )
        elif alternatives:
            node = {}  # a real union: typed by each value met
        if node.get("allOf"):
            merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
            properties: dict[str, Any] = dict(merged.get("properties", {}))
            for part in node["allOf"]:
                inner, inner_names = self._follow(part)
                names |= inner_names
                properties.update(self._properties(inner))
                merged = {**inner, **merged}
            merged["properties"] = properties
            node = merged
        if title := node.get("title"):
            names.add(str(title).replace(" ", ""))
        return node, frozenset(names)

    def _properties(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        properties = node.get("properties")
        return properties if isinstance(properties, Mapping) else {}

    @staticmethod
    def _untyped(node: Mapping[str, Any]) -> bool:
        return not any(key in node for key in ("type", "properties", "additionalProperties", "enum"))

    @staticmethod
    def _leaf(node: Mapping[str, Any], names: frozenset[str]) -> Kind:
        kind = node.get("type")
        if kind == "string" or (kind is None and node.get("enum")):
            if node.get("format") in ("date", "date-time") or names & _DATE_SCHEMA_NAMES:
                return "date"
            return "string"
        if kind in ("integer", "number"):
            return "number"
        if kind == "boolean":
            return "boolean"
        if kind == "object" or "properties" in node or "additionalProperties" in node:
            return "object"
        return "any"
