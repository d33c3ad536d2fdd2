"""Decoders the generated models call on JSON values: fast conversions, type checks that say where."""

from __future__ import annotations

import gc
from binascii import unhexlify as _unhexlify
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NoReturn, TypeVar
from uuid import UUID, SafeUUID

T = TypeVar("T")

# What generated models (and parse_uuid) build an instance with, its __init__ bypassed: ``cls.__new__``
# without looking it up on the class each time.
new_instance = object.__new__
# UUID forbids attribute assignment, so its two slots are set through their descriptors: its constructor
# is bypassed, not its layout. Calling a slot's __set__ costs about a quarter less than object.__setattr__.
_set_uuid_int = UUID.__dict__["int"].__set__
_set_uuid_safety = UUID.__dict__["is_safe"].__set__
_UNKNOWN_SAFETY = SafeUUID.unknown  # what UUID(str) records; read once (enum attribute access is slow)
_from_bytes = int.from_bytes  # big-endian by default, as a uuid's 16 bytes are


def parse_uuid(value: str) -> UUID:
    """``UUID(value)`` in about half the time, for the usual 32-hex-digit forms.

    The fast path computes exactly what ``UUID(value)`` computes when the value is 32 ASCII hex digits
    once dashes are removed: ``unhexlify`` accepts nothing else, and reads them as ``int(..., 16)``
    would, a little faster. Anything else (braces, ``urn:uuid:``, and what ``int`` alone accepts, such
    as other scripts' digits) is handed to ``UUID`` itself, which accepts it or raises the same
    ValueError. A non-string raises as ``UUID`` would.
    """
    digits = value.replace("-", "")
    if len(digits) == 32:
        try:
            number = _from_bytes(_unhexlify(digits))
        except ValueError:  # binascii.Error is one, and so is a non-ASCII string
            return UUID(value)
        uuid = new_instance(UUID)
        _set_uuid_int(uuid, number)
        _set_uuid_safety(uuid, _UNKNOWN_SAFETY)
        return uuid
    return UUID(value)


def decode_with_gc_paused(decode: Callable[[Any], T], data: Any) -> T:
    """``decode(data)`` with the cyclic garbage collector paused (unless it already is).

    Decoding a page builds many small tracked objects and no reference cycles, yet every few hundred
    allocations trigger a collection that walks all of them again: on a 5000-company page that is over
    half the decoding time. Pausing only delays collections to after the decode. Another thread's
    ``gc.disable()`` made during the decode is undone when it ends; nothing else is affected.
    """
    if not gc.isenabled():
        return decode(data)
    gc.disable()
    try:
        return decode(data)
    finally:
        gc.enable()


# ---------------------------------------------------------------------------- dates and times


def parse_datetime(value: str) -> datetime:
    """A ``datetime`` from any of Codat's ``DateTime`` string forms.

    UTC (``2021-11-15T06:00:00Z``), an offset (``2021-11-15T01:00:00-05:00``), unqualified local time
    (``2021-11-15T01:00:00``, returned naive: Codat means the business's local time), fractional
    seconds of any length (``10:22:43.6464237Z``, cut to microseconds) and a date alone
    (``2022-10-23``, midnight). Generated models decode their ``date-time`` fields with it. The standard
    library reads these; other ISO 8601 forms (``24:00``, a year and month alone) go to
    ``dateutil.parser.isoparse``. A value that is no such string raises ValueError (TypeError if it is
    not a string).
    """
    if value.__class__ is not str:
        raise TypeError(f"expected a date-time string, got {json_type(value)}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return _isoparse()(value)


def parse_date(value: str) -> date:
    """The ``date`` of any of Codat's date or ``DateTime`` string forms (see ``parse_datetime``)."""
    return parse_datetime(value).date()


def _isoparse() -> Callable[[str], datetime]:
    # Imported on first need: dateutil.parser costs more to import than the whole runtime.
    from dateutil.parser import isoparse

    return isoparse


# ------------------------------------------------------------------------------- type checks

_JSON_TYPES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
    dict: "object",
    list: "array",
}

# What a failed conversion raises (parse_uuid, parse_datetime, an enum, a nested model's own check).
DECODE_ERRORS = (ValueError, TypeError, AttributeError)


def json_type(value: object) -> str:
    """The JSON type name of a decoded JSON value (the Python type's name for anything else)."""
    return _JSON_TYPES.get(type(value)) or type(value).__name__


class DecodeError(ValueError):
    """A JSON value that does not fit the model decoding it: where (``results[3].name``) and why.

    Raised by the models' ``from_dict``; the client reports it as ``ResponseValidationError``. The
    message names types, never values (a body may hold credentials).
    """

    def __init__(self, problem: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(problem, path)
        self.problem = problem
        self.path = path

    def within(self, key: str | int) -> DecodeError:
        """This error, one level further in (the key or index holding the failing value)."""
        self.path = (key, *self.path)
        self.args = (self.problem, self.path)
        return self

    @property
    def location(self) -> str:
        """The path as Python would index it: ``results[3].name`` (``$`` for the top level)."""
        text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in self.path)
        return text.removeprefix(".") or "$"

    def __str__(self) -> str:
        return f"{self.location}: {self.problem}"


def wrong_type(key: str | int, expected: str, value: object) -> DecodeError:
    """The error for a value at ``key`` whose JSON type is not ``expected``."""
    return DecodeError(f"expected {expected}, got {json_type(value)}", (key,))


def reraise_at(
    exc: Exception, key: str | int, expected: str, value: object, redo: Callable[[Any], object] | None = None
) -> NoReturn:
    """Raise, from a failed conversion of the value at ``key`` (``exc``), the DecodeError saying where.

    A nested model's or item's DecodeError moves one level out; any other error (a malformed uuid,
    a value no enum takes) becomes a DecodeError caused by it. ``redo`` decodes an array again, item
    by item, only to name the failing index (the fast path does not track it).
    """
    if redo is not None:
        try:
            redo(value)
        except DECODE_ERRORS as located:
            exc = located
    if isinstance(exc, DecodeError):
        raise exc.within(key)
    got = json_type(value)
    raise DecodeError(f"expected {expected}, got {got}{' that is not one' if got == 'string' else ''}", (key,)) from exc


def reraise_missing(model: str, exc: KeyError) -> NoReturn:
    """Raise the DecodeError for the required field of ``model`` that ``exc`` found absent."""
    raise DecodeError(f"missing, a required field of {model}", (exc.args[0],)) from None


def not_an_object(model: str, value: object) -> DecodeError:
    return DecodeError(f"expected object ({model}), got {json_type(value)}")


def reraise_not_an_object(model: str, value: object, exc: Exception) -> NoReturn:
    """Raise the DecodeError for a ``model`` body that is no JSON object; re-raise ``exc`` if it is one."""
    if isinstance(value, Mapping):
        raise exc
    raise not_an_object(model, value) from None


def check_value(value: Any, types: tuple[type, ...], expected: str) -> Any:
    """``value`` when its class is one of ``types`` (``expected`` describes them), else DecodeError."""
    if value.__class__ not in types:
        raise DecodeError(f"expected {expected}, got {json_type(value)}")
    return value


def check_list(value: Any, types: tuple[type, ...], expected: str) -> list[Any]:
    """``value`` when it is a list of values of ``types`` (``expected`` describes them), else DecodeError."""
    if value.__class__ is not list:
        raise DecodeError(f"expected array of {expected}, got {json_type(value)}")
    for index, item in enumerate(value):
        if item.__class__ not in types:
            raise wrong_type(index, expected, item)
    return value


def decode_list(value: Any, decode_item: Callable[[Any], T], expected: str) -> list[T]:
    """``[decode_item(item) for item in value]``; a failing item's error carries its index and ``expected``."""
    if value.__class__ is not list:
        raise DecodeError(f"expected array of {expected}, got {json_type(value)}")
    try:
        return [decode_item(item) for item in value]
    except DECODE_ERRORS:
        # Rare path: decode again one by one to find the failing index (decoding has no side effects).
        for index, item in enumerate(value):
            try:
                decode_item(item)
            except DECODE_ERRORS as again:
                reraise_at(again, index, expected, item)
        raise  # pragma: no cover - the same item fails again


def decode_map(
    value: Mapping[str, Any], known: frozenset[str], decode_item: Callable[[Any], T], expected: str
) -> dict[str, T]:
    """The entries of ``value`` not in ``known``, each decoded; a failing entry's error carries its key."""
    decoded: dict[str, T] = {}
    for key, item in value.items():
        if key not in known:
            try:
                decoded[key] = decode_item(item)
            except DECODE_ERRORS as exc:
                reraise_at(exc, key, expected, item)
    return decoded
