"""Request bodies given as plain mappings: checked against the body's model before anything is sent.

A body operation takes its model (``CompanyRequestBody(name="x")``) or a mapping (``{"name": "x"}``),
as Codat's own SDK takes a model or a TypedDict. A mapping's keys are the API's JSON names
(``eventTypes``), as ``to_dict()`` writes them and Codat documents them; each model attribute's name
(``event_types``, the spelling of Codat's TypedDicts) is accepted too. Values are JSON values, or the
Python values the models hold: enum members, ``datetime``/``date``, ``UUID``, models. A key the model does
not declare, a value of the wrong type or a missing required field raises ``RequestValidationError``
naming the field (never its value), and nothing is sent.
"""

from __future__ import annotations

import datetime
import sys
import types
import typing
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, Protocol, TypeVar
from uuid import UUID

import attrs

from ._decoding import DecodeError
from ._errors import InvalidRequestError
from ._types import UNSET


class RequestValidationError(InvalidRequestError, TypeError):
    """A request body given as a mapping that does not fit its model: an unknown key, a value of the wrong
    type, a required field missing. Raised before anything is sent (also a ValueError and a TypeError).

    ``location`` is where, as Python would index the mapping (``body['tags']['region']``).
    """

    def __init__(self, location: str, problem: str) -> None:
        super().__init__(f"{location}: {problem}; nothing was sent")
        self.location = location
        self.problem = problem


class BodyModel(Protocol):
    """What the generated models offer: their JSON fields, and conversion from and to JSON."""

    _json_fields: typing.ClassVar[Mapping[str, str]]
    _typed_extra_keys: typing.ClassVar[bool]

    def to_dict(self) -> dict[str, Any]: ...

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


M = TypeVar("M", bound=BodyModel)


def json_body(model: type[M], body: M | Mapping[str, Any], name: str = "body") -> dict[str, Any]:
    """The JSON of ``body``: a ``model`` instance as it is, a mapping once checked against ``model``."""
    if isinstance(body, model):
        return body.to_dict()
    if not isinstance(body, Mapping):
        raise RequestValidationError(name, f"expected {model.__name__} or a mapping, got {type(body).__name__}")
    wire = _wire_object(model, body, name)
    try:
        decoded: BodyModel = model.from_dict(wire)
    except DecodeError as exc:
        raise RequestValidationError(_located(name, exc.path), exc.problem) from None
    return decoded.to_dict()


def _located(name: str, path: Sequence[str | int]) -> str:
    return name + "".join(f"[{key!r}]" for key in path)


def _is_model(candidate: object) -> bool:
    return isinstance(candidate, type) and hasattr(candidate, "_json_fields")


def _wire_object(model: type[Any], mapping: Mapping[Any, Any], where: str) -> dict[str, Any]:
    """``mapping`` with JSON keys and JSON-ready values; unknown or repeated keys raise."""
    fields: Mapping[str, str] = model._json_fields
    by_attribute = {attribute: key for key, attribute in fields.items()}
    hints = _field_hints(model)
    wire: dict[str, Any] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise RequestValidationError(where, f"keys must be strings, got {type(key).__name__}")
        json_key = key if key in fields else by_attribute.get(key)
        if json_key is None:
            if not model._typed_extra_keys:
                raise RequestValidationError(_located(where, (key,)), _unknown(model, key))
            wire[key] = _wire_value(None, value, _located(where, (key,)))
            continue
        if json_key in wire:
            raise RequestValidationError(
                _located(where, (key,)), f"given twice, as {json_key!r} and {fields[json_key]!r}"
            )
        wire[json_key] = _wire_value(hints.get(fields[json_key]), value, _located(where, (key,)))
    # A field left out takes the model's default, as constructing the model would give it.
    defaults = _defaults(model)
    for json_key in fields.keys() - wire.keys():
        if json_key in defaults:
            wire[json_key] = _wire_value(None, defaults[json_key], _located(where, (json_key,)))
    return wire


def _defaults(model: type) -> dict[str, Any]:
    """The JSON key and default value of each field the spec gives a default."""
    by_attribute = {attribute: key for key, attribute in getattr(model, "_json_fields", {}).items()}
    return {
        by_attribute[field.name]: field.default
        for field in attrs.fields(model)
        if field.name in by_attribute and field.default is not attrs.NOTHING and field.default is not UNSET
    }


def _unknown(model: type[Any], key: str) -> str:
    names = ", ".join(repr(name) for name in model._json_fields) or "none"
    return f"not a field of {model.__name__} (its fields: {names})"


def _wire_value(hint: object, value: Any, where: str) -> Any:
    """``value`` as JSON: enums by value, dates in ISO 8601, models and nested mappings converted."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime.date):  # datetime too
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if _is_model(type(value)):
        return value.to_dict()
    if isinstance(value, Mapping):
        nested = _models_in(hint)
        if len(nested) == 1:  # a union of several models: its keys are left to decoding
            return _wire_object(nested[0], value, where)
        return {key: _wire_value(None, item, _located(where, (key,))) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        item_hint = _item_hint(hint)
        return [_wire_value(item_hint, item, _located(where, (index,))) for index, item in enumerate(value)]
    return value


def _models_in(hint: object) -> list[type[Any]]:
    """The model classes a field annotation allows for an object value (``Tags | Unset``: Tags)."""
    if _is_model(hint):
        return [typing.cast("type[Any]", hint)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [model for arg in typing.get_args(hint) for model in _models_in(arg)]
    return []


def _item_hint(hint: object) -> object:
    """The annotation of a list field's items (``list[Part] | Unset``: Part), or None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        items = [_item_hint(arg) for arg in typing.get_args(hint)]
        found = [item for item in items if item is not None]
        return found[0] if len(found) == 1 else None
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return item
    return None


# Each model's resolved annotations, computed on its first mapping body.
_HINTS: dict[type, dict[str, object]] = {}


def _field_hints(model: type) -> dict[str, object]:
    """Each attribute's annotation, resolved: nested models are bound on first use, then visible."""
    hints = _HINTS.get(model)
    if hints is None:
        module = sys.modules[model.__module__]
        bind = getattr(module, "_bind_nested_models", None)
        if bind is not None and getattr(module, "_NESTED_UNBOUND", False):
            bind()
        try:
            hints = typing.get_type_hints(model)
        except NameError:  # an annotation naming what the module does not bind: no nested translation
            hints = {}
        _HINTS[model] = hints
    return hints
