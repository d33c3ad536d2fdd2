"""How generated models decode each property from JSON: decided here, rendered by templates/model.py.jinja."""

from __future__ import annotations

from typing import Any

from openapi_python_client.parser.properties import AnyProperty, EnumProperty, ModelProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.date import DateProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty
from openapi_python_client.parser.properties.uuid import UuidProperty

# JSON values a model keeps as they are (no conversion on decoding).
_PLAIN = (AnyProperty, BooleanProperty, FloatProperty, IntProperty, NoneProperty, StringProperty)
_CONVERTED: dict[type[Any], str] = {
    UuidProperty: "uuid",
    DateTimeProperty: "datetime",
    DateProperty: "date",
    EnumProperty: "enum",
    ModelProperty: "model",
}


def non_null_property(prop: Any) -> Any | None:
    """The one other member of a parsed ``X | None`` union property, else None."""
    if not isinstance(prop, UnionProperty) or len(prop.inner_properties) != 2:
        return None
    others = [inner for inner in prop.inner_properties if not isinstance(inner, NoneProperty)]
    return others[0] if len(others) == 1 else None


def decoding(prop: Any) -> str:
    """How templates/model.py.jinja decodes a property from JSON.

    ``plain`` (kept as is), ``uuid``, ``datetime``, ``date``, ``enum``, ``model``, ``list`` (items
    decoded), ``nullable`` (``X | None``), or ``upstream``: openapi-python-client's own construct macro.
    """
    if isinstance(prop, _PLAIN):
        return "plain"
    for prop_type, kind in _CONVERTED.items():
        if isinstance(prop, prop_type):
            return kind
    if isinstance(prop, ListProperty):
        return "plain" if decoding(prop.inner_property) == "plain" else "list"
    inner = non_null_property(prop)
    if inner is not None:
        inner_kind = decoding(inner)
        return "plain" if inner_kind == "plain" else "upstream" if inner_kind == "upstream" else "nullable"
    return "upstream"


def enum_classes(props: Any) -> list[Any]:
    """The classes (upstream's ``Class``: name, module_name) of the enums ``props`` decode into, directly
    or as list items or ``X | None``."""
    found: dict[str, Any] = {}
    pending = list(props)
    while pending:  # bounded: each step replaces a property by its strictly smaller inner properties
        prop = pending.pop()
        if isinstance(prop, EnumProperty):
            found[str(prop.class_info.name)] = prop.class_info
        elif isinstance(prop, ListProperty):
            pending.append(prop.inner_property)
        elif isinstance(prop, UnionProperty):
            pending.extend(prop.inner_properties)
    return [found[name] for name in sorted(found)]
