"""How generated models decode JSON: decided here as Python source lines, rendered by templates/model.py.jinja.

Each property gets a ``Value`` (what JSON it takes and how it becomes the attribute's value), then a
``FieldPlan``: the statements of ``_from_dict`` that read, check or convert, and store it. A value is
either *plain* (kept as decoded JSON, its class checked), *converted* (a uuid, date, enum, model, list
or map, through a runtime decoder that raises on a mismatch) or *any* (no check). Errors say where
(``results[3].name``) and what was expected; see ``codat_sdk._decoding``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
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

# JSON scalars: (Python classes a decoded value may have, JSON description for messages).
_SCALARS: dict[type[Any], tuple[tuple[str, ...], str]] = {
    StringProperty: (("str",), "string"),
    IntProperty: (("int",), "integer"),
    FloatProperty: (("float", "int"), "number"),  # JSON numbers without a fraction decode as int
    BooleanProperty: (("bool",), "boolean"),
}
# Conversions by a runtime function: (function, JSON description).
_FUNCTIONS: dict[type[Any], tuple[str, str]] = {
    UuidProperty: ("parse_uuid", "uuid string"),
    DateTimeProperty: ("parse_datetime", "date-time string"),
    DateProperty: ("parse_date", "date string"),
}


@dataclass(frozen=True)
class Value:
    """What one JSON value must be, and how it becomes a Python value.

    ``types``: the classes a plain value may have (checked, kept as is). ``convert``: the source of the
    conversion of a value given by name (when set, ``types`` is empty). Neither: any value is kept.
    ``redo``: for arrays, a callable that decodes the value again slowly, only to say which item failed.
    """

    expected: str
    types: tuple[str, ...] = ()
    convert: Callable[[str], str] | None = None
    function: str | None = None  # when ``convert`` is a call of one function (or bound method)
    redo: str | None = None
    is_list: bool = False  # converted by a comprehension, which needs the value to be a list
    nullable: bool = False

    @property
    def is_any(self) -> bool:
        return not self.types and self.convert is None

    def checked_types(self) -> str:
        """The accepted classes as a tuple literal (``None`` as ``type(None)``)."""
        names = [*self.types, *(["type(None)"] if self.nullable else [])]
        return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"

    def expression(self, source: str) -> str:
        """Source converting the value named ``source`` (a simple name: it may appear more than once)."""
        converted = self.convert(source) if self.convert is not None else source
        return f"None if {source} is None else {converted}" if self.nullable else converted

    def decoder(self, depth: int) -> str:
        """A callable decoding one such value, failing with a DecodeError that says where (items, map values)."""
        item = f"item{depth}"
        if self.nullable:
            return f"lambda {item}: {self.expression(item)}"
        if self.function is not None:
            return self.function
        if self.redo is not None:
            return self.redo
        if self.convert is None:
            return f"lambda {item}: check_value({item}, {self.checked_types()}, {self.expected!r})"
        return f"lambda {item}: {self.expression(item)}"


def _call(expected: str, function: str) -> Value:
    return Value(expected, convert=lambda source: f"{function}({source})", function=function)


def value(prop: Any, depth: int = 0) -> Value | None:
    """The Value of a parsed property, or None when upstream's own construct macro must decode it."""
    for prop_type, (types, expected) in _SCALARS.items():
        if isinstance(prop, prop_type):
            return Value(expected, types=types)
    if isinstance(prop, AnyProperty | NoneProperty):
        return Value("any value")
    for prop_type, (function, expected) in _FUNCTIONS.items():
        if isinstance(prop, prop_type):
            return _call(expected, function)
    if isinstance(prop, EnumProperty):
        name, by_value = prop.class_info.name, f"_{str(prop.class_info.module_name).upper()}_BY_VALUE"
        # Known members by one dict lookup; an unknown value goes through the (open) enum class.
        return Value(f"{name} value", convert=lambda source: f"({by_value}.get({source}) or {name}({source}))")
    if isinstance(prop, ModelProperty):
        return _call(f"object ({prop.class_info.name})", decoder_name(prop.class_info))
    if isinstance(prop, ListProperty):
        return _list_value(prop.inner_property, depth)
    if isinstance(prop, UnionProperty):
        members = [value(inner, depth) for inner in prop.inner_properties if not isinstance(inner, NoneProperty)]
        nullable = len(members) < len(prop.inner_properties)
        if len(members) > 1 and all(m is not None and m.types and not m.nullable for m in members):
            plain = [m for m in members if m is not None]  # a union of JSON scalars: any of their classes
            types = tuple(dict.fromkeys(name for m in plain for name in m.types))
            expected = " or ".join([*(m.expected for m in plain), *(["null"] if nullable else [])])
            return Value(expected, types=types, nullable=nullable)
    inner = non_null_property(prop)
    if inner is not None:
        found = value(inner, depth)
        if found is None or found.nullable:
            return None
        return Value(
            found.expected + " or null", found.types, found.convert, found.function, found.redo, found.is_list, True
        )
    return None


def decoder_name(class_info: Any) -> str:
    """The module global holding a model's bound ``_from_dict``: looking the classmethod up on each call
    binds a new method object every time. Upper case, so no property's local (``_`` + lower-case snake
    name) can shadow it."""
    return f"_DECODE_{str(class_info.module_name).upper()}"


def _list_value(item_prop: Any, depth: int) -> Value | None:
    item = value(item_prop, depth + 1)
    if item is None:
        return None
    if item.is_any:
        return Value("array", types=("list",))
    expected = f"array of {item.expected}"
    if item.convert is None:
        types = item.checked_types()
        return Value(expected, convert=lambda source: f"check_list({source}, {types}, {item.expected!r})")
    variable = f"item{depth}"
    arguments = f"{item.decoder(depth + 1)}, {item.expected!r}"
    decode = f"lambda {variable}: decode_list({variable}, {arguments})"
    if depth > 0:  # an array in an array or a map: decoded (and checked) by the runtime
        return Value(expected, convert=lambda source: f"decode_list({source}, {arguments})", redo=decode)
    # A property's array: a comprehension, after checking it is a list; redo finds a failing index.
    return Value(
        expected,
        convert=lambda source: f"[{item.expression(variable)} for {variable} in {source}]",
        redo=decode,
        is_list=True,
    )


def non_null_property(prop: Any) -> Any | None:
    """The one other member of a parsed ``X | None`` union property, else None."""
    if not isinstance(prop, UnionProperty) or len(prop.inner_properties) != 2:
        return None
    others = [inner for inner in prop.inner_properties if not isinstance(inner, NoneProperty)]
    return others[0] if len(others) == 1 else None


@dataclass(frozen=True)
class FieldPlan:
    """The statements of ``_from_dict`` that set one property (``upstream``: upstream's macro does it)."""

    python_name: str
    lines: tuple[str, ...] = ()
    upstream: bool = False


def _key_literal(prop: Any) -> str:
    """The property's JSON name as a Python string literal (JSON escapes are Python escapes)."""
    name = prop.name
    return json.dumps(str(name.get_untrusted_value() if hasattr(name, "get_untrusted_value") else name))


def field_plan(prop: Any, instance: str, count_absent: bool = False) -> FieldPlan:
    """How ``_from_dict`` sets ``instance.<python_name>`` from ``src_dict``.

    ``count_absent``: an optional property found absent adds one to the local ``absent``, so the model
    can tell unknown keys from the length of ``src_dict`` (see ``model_plan``). The branch is taken only
    when the key is absent: a present value costs what it costs without counting.
    """
    name = str(prop.python_name)
    found = value(prop)
    if found is None:
        return FieldPlan(name, upstream=True)
    key = _key_literal(prop)
    source = f"src_dict[{key}]" if prop.required else f"src_dict.get({key}, UNSET)"
    target = f"{instance}.{name}"
    local = f"_{name}"
    counted = count_absent and not prop.required
    if found.is_any:
        if counted:
            return FieldPlan(
                name, (f"{local} = {source}", f"if {local} is UNSET:", "    absent += 1", f"{target} = {local}")
            )
        return FieldPlan(name, (f"{target} = {source}",))
    if found.convert is None:  # plain: check the class; the common case costs one comparison
        classes = " and ".join(f"{local}.__class__ is not {type_name}" for type_name in found.types)
        failure = f"raise wrong_type({key}, {found.expected!r}, {local})"
        if counted:
            # Only a value of another class gets here: absent, null (if allowed) or wrong.
            check = [
                f"if {classes}:",
                f"    if {local} is UNSET:",
                "        absent += 1",
                *([f"    elif {local} is not None:"] if found.nullable else ["    else:"]),
                f"        {failure}",
            ]
        else:
            conditions = [classes, *([f"{local} is not None"] if found.nullable else [])]
            conditions += [] if prop.required else [f"{local} is not UNSET"]
            check = [f"if {' and '.join(conditions)}:", f"    {failure}"]
        return FieldPlan(name, (f"{local} = {source}", *check, f"{target} = {local}"))
    redo = f", {found.redo}" if found.redo is not None else ""
    shape = (
        (f"if {local}.__class__ is not list:", f"    raise wrong_type({key}, {found.expected!r}, {local})")
        if found.is_list
        else ()
    )
    body = (
        *shape,
        "try:",
        f"    {local} = {found.convert(local)}",
        "except DECODE_ERRORS as exc:",
        f"    reraise_at(exc, {key}, {found.expected!r}, {local}{redo})",
    )
    lines = [f"{local} = {source}"]
    if counted:
        converts = [f"elif {local} is not None:"] if found.nullable else ["else:"]
        lines += [f"if {local} is UNSET:", "    absent += 1", *converts, *("    " + line for line in body)]
    else:
        guards = [] if prop.required else [f"{local} is not UNSET"]
        guards += [f"{local} is not None"] if found.nullable else []
        lines += [f"if {' and '.join(guards)}:", *("    " + line for line in body)] if guards else list(body)
    lines.append(f"{target} = {local}")
    return FieldPlan(name, tuple(lines))


@dataclass(frozen=True)
class ModelPlan:
    """All of a model's ``_from_dict`` decisions: one plan per property, then its additional properties."""

    instance: str
    fields: tuple[FieldPlan, ...]
    extra: tuple[str, ...] = ()  # statements setting ``additional_properties`` (none: the model has none)
    enums: tuple[Any, ...] = field(default=())  # upstream Class infos of the enums it decodes
    models: tuple[Any, ...] = field(default=())  # ... and of the models it decodes (each has a decoder_name)
    counts_absent: bool = False  # ``_from_dict`` starts with ``absent = 0`` (see ``field_plan``)


# Names ``_from_dict`` uses besides the properties' locals: its own locals, the runtime helpers and
# builtins it calls. The instance's variable (the model's module name) must shadow none of them: a
# model named ``List`` or ``WrongType`` would otherwise break its own decoding.
_DECODER_LOCALS = frozenset(
    {
        *("cls", "src_dict", "absent", "extra", "key", "value", "exc"),
        *("check_list", "check_value", "decode_list", "decode_map", "new_instance", "not_an_object"),
        *("parse_date", "parse_datetime", "parse_uuid", "reraise_at", "reraise_missing"),
        *("reraise_not_an_object", "wrong_type", "len", "list", "next", "type", "str", "int", "float", "bool"),
    }
)


def model_plan(model: Any) -> ModelPlan:
    """The decoding plan of a parsed model (upstream's ModelProperty).

    Unknown keys are found without reading every key when every property is decoded here: each
    required key was read (or ``_from_dict`` raised) and each absent optional one counted, so
    ``src_dict`` has unknown keys exactly when it is longer than the declared keys it holds. A
    property left to upstream's macro, or additional properties decoded value by value, keep the
    set test.
    """
    props = [*(model.required_properties or []), *(model.optional_properties or [])]
    # The variable holding the new instance: a property decoded by upstream's macro binds a local of its name.
    names = {str(prop.python_name) for prop in props} | _DECODER_LOCALS
    module = str(model.class_info.module_name)
    instance = module if module not in names else module + "_instance"
    extras = [model.additional_properties] if model.additional_properties not in (None, False) else []
    found = None if not extras or extras[0] is True else value(extras[0], 1)
    counted = bool(extras and props) and (found is None or found.convert is None) and all(value(p) for p in props)
    fields = tuple(field_plan(prop, instance, counted) for prop in props)
    decoded = [*props, *extras]
    keys = len({_key_literal(prop) for prop in props})
    counts_absent = counted and bool(model.optional_properties)
    return ModelPlan(
        instance,
        fields,
        _extra_lines(model, instance, bool(props), (keys, counts_absent) if counted else None),
        enum_classes(decoded),
        classes_decoded(decoded, ModelProperty),
        counts_absent,
    )


def _extra_lines(
    model: Any, instance: str, has_properties: bool, counted: tuple[int, bool] | None = None
) -> tuple[str, ...]:
    """Statements setting ``additional_properties``: the keys no property declares, checked or decoded.

    ``counted``: the number of declared keys, and whether ``absent`` counts the optional ones missing
    (None: no count was kept, so the keys are tested against the set).
    """
    extra = model.additional_properties
    if extra is None or extra is False:
        return ()
    target = f"{instance}.additional_properties"
    found = Value("any value") if extra is True else value(extra, 1)
    if found is not None and found.convert is not None:
        return (f"{target} = decode_map(src_dict, _PROPERTY_NAMES, {found.decoder(1)}, {found.expected!r})",)
    if not has_properties:
        lines = [f"{target} = extra = {{**src_dict}}"]
    else:
        if counted is None:
            test = [
                "# The common case, no unknown keys, costs one set comparison.",
                "if src_dict.keys() <= _PROPERTY_NAMES:",
            ]
        else:
            keys, counts_absent = counted
            test = [
                "# No unknown keys: every declared key present was read, so the lengths match.",
                f"if len(src_dict) == {keys}{' - absent' if counts_absent else ''}:",
            ]
        lines = [
            *test,
            f"    {target} = extra = {{}}",
            "else:",
            f"    {target} = extra = {{key: value for key, value in src_dict.items() if key not in _PROPERTY_NAMES}}",
        ]
    if found is None or found.is_any:
        return tuple(line.replace(" = extra = ", " = ") for line in lines)
    nullable = ["value is not None"] if found.nullable else []
    # Values only (no key tuples): the key of a wrong value is looked up only when raising.
    return (
        *lines,
        "for value in extra.values():",
        f"    if {' and '.join([*(f'value.__class__ is not {name}' for name in found.types), *nullable])}:",
        f"        raise wrong_type(next(key for key in extra if extra[key] is value), {found.expected!r}, value)",
    )


def enum_classes(props: Any) -> tuple[Any, ...]:
    """The classes (upstream's ``Class``: name, module_name) of the enums ``props`` decode into, directly
    or as list items or ``X | None``."""
    return classes_decoded(props, EnumProperty)


def classes_decoded(props: Any, kind: type[Any]) -> tuple[Any, ...]:
    """The classes (upstream's ``Class``: name, module_name) of the ``kind`` properties (enums, models)
    ``props`` decode into, directly or as list items or ``X | None``, by name."""
    found: dict[str, Any] = {}
    pending = list(props)
    while pending:  # bounded: each step replaces a property by its strictly smaller inner properties
        prop = pending.pop()
        if isinstance(prop, kind):
            found[str(prop.class_info.name)] = prop.class_info
        elif isinstance(prop, ListProperty):
            pending.append(prop.inner_property)
        elif isinstance(prop, UnionProperty):
            pending.extend(prop.inner_properties)
    return tuple(found[name] for name in sorted(found))
