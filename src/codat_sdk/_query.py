"""Builders for Codat's ``query`` and ``orderBy`` parameters.

A query is ``{property}{operator}{value}`` clauses joined by ``&&`` or by ``||``::

    from datetime import date

    name = StringField("name")
    created = DateField("created")
    q = (name.contains("Acme")) & (created >= date(2024, 1, 1))
    str(q)  # 'name~Acme&&created>=2024-01-01'

Wrap each comparison in parentheses when combining: ``&`` and ``|`` bind tighter than ``==``.

Dates and times: a :class:`datetime.date` is written ``YYYY-MM-DD``. A timezone-aware
:class:`datetime.datetime` is converted to UTC and written with ``Z`` (``2024-05-01T11:30:00Z``), the
form Codat uses for UTC. A naive datetime is written as it is, without a zone
(``2024-05-01T12:30:00``): Codat compares it as it does its own unqualified times, which are local
to the business whose data it is. Fractional seconds are written only when present.

Array properties have a ``count`` (``dataConnections.count=0``): ``NumberField("dataConnections.count")``.
Map properties such as ``tags`` are queried by key: ``MapField("tags", StringField)["region"] == "uk"``
sends ``tags.region=uk``.

Enum fields accept the values they list; a value the spec does not list yet (your API being newer)
is sent when marked explicitly, ``status == Unlisted("Expired")``, or given as an unknown member of an
:class:`~codat_sdk.OpenStrEnum` (``DataConnectionStatus("Expired")``), as responses decode it.

Everything Codat would reject or silently misread raises :class:`QueryError` here, before a
request exists. The rendered text is *not* URL-encoded: pass it to httpx ``params`` (which
encodes exactly once), never pre-encode it. Codat URL-decodes the query once more on arrival, so a
value holding ``%`` and two hex digits (``x%3Dy``) is refused: Codat would read ``x=y``.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Final, Generic, Literal, TypeVar, overload

from ._enums import OpenStrEnum
from ._errors import CodatError

__all__ = [
    "MAX_QUERY_LENGTH",
    "BoolField",
    "DateField",
    "DateTimeField",
    "EnumField",
    "Field",
    "MapField",
    "NumberField",
    "OrderBy",
    "Query",
    "QueryError",
    "StringField",
    "Unlisted",
    "order_by",
    "to_order_by_param",
    "to_query_param",
]

# Codat documents that a query must be "under 2048 characters" (of text before URL encoding).
MAX_QUERY_LENGTH: Final = 2047

Joiner = Literal["&&", "||"]

# Dotted camelCase paths such as ``customerRef.id``; anything else (spaces, operators) would
# change how the clause parses.
_PROPERTY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")

# Values are written unquoted (Codat documents no quoting or escaping), so a value must not contain
# anything the server could read as the end of the clause, a group, or a second operator.
_UNSAFE_IN_VALUE = ("&&", "||", "{", "}", "=", "<", ">", "~")
# Codat URL-decodes the query text once more after the HTTP layer has (its docs send ``id%253D...``),
# so a value's ``%`` followed by two hex digits would reach the parser as another character.
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


class QueryError(CodatError, ValueError):
    """A query or ordering Codat would refuse or silently misread; raised before any request is made."""


@dataclass(frozen=True)
class Query:
    """A rendered, validated query; ``str(query)`` is the ``query`` parameter's value.

    Build one from :class:`Field` comparisons, combine with ``&`` (``&&``) or ``|`` (``||``), or wrap
    a hand-written string with :meth:`raw`. Instances are immutable; the constructor is internal.
    """

    text: str
    # The joiner used inside ``text``; None for a single clause.
    joiner: Joiner | None = None
    # False for raw text that groups with braces or mixes joiners: appending to it is ambiguous.
    combinable: bool = True

    def __post_init__(self) -> None:
        if len(self.text) > MAX_QUERY_LENGTH:
            raise QueryError(
                f"query is {len(self.text)} characters; Codat accepts only queries under {MAX_QUERY_LENGTH + 1}: "
                "split the request or narrow the query"
            )

    @classmethod
    def raw(cls, text: str) -> Query:
        """Wrap a hand-written query, e.g. one using ``{...}`` grouping the builder does not produce.

        Only the length and the grouping are checked: braces must pair up, and within each group (and
        outside them) ``&&`` and ``||`` must not be mixed, which Codat silently misreads.
        """
        if not isinstance(text, str):
            raise QueryError(f"a raw query must be a str, got {type(text).__name__}")
        _check_grouping(text)
        has_and, has_or, grouped = "&&" in text, "||" in text, "{" in text
        joiner: Joiner | None = "&&" if has_and else "||" if has_or else None
        return cls(text, joiner, combinable=not grouped and not (has_and and has_or))

    def __str__(self) -> str:
        return self.text

    def __and__(self, other: Query) -> Query:
        return self._combine(other, "&&")

    def __or__(self, other: Query) -> Query:
        return self._combine(other, "||")

    def __bool__(self) -> bool:
        # ``a <= field <= b`` and ``q1 and q2`` would otherwise silently keep only one clause.
        raise QueryError("a Query has no truth value: combine with & or |, not `and`/`or` or chained comparisons")

    def _combine(self, other: Query, joiner: Joiner) -> Query:
        if not isinstance(other, Query):
            return NotImplemented
        for part in (self, other):
            if not part.combinable:
                raise QueryError(f"cannot combine the raw query {part.text!r}: it groups with braces or mixes joiners")
            if part.joiner not in (None, joiner):
                raise _mixed_error()
        return Query(f"{self.text}{joiner}{other.text}", joiner)


def _mixed_error() -> QueryError:
    return QueryError("a query cannot mix && and ||: Codat reads every || as && when both appear")


_GROUPING = re.compile(r"[{}]|&&|\|\|")


def _check_grouping(text: str) -> None:
    """Braces pair up, and each group, the top level included, uses one joiner only."""
    # The joiners seen in each open group: the top level, then one entry per unclosed ``{``.
    groups: list[set[str]] = [set()]
    for token in _GROUPING.finditer(text):
        if token[0] == "{":
            groups.append(set())
        elif token[0] == "}":
            if len(groups) == 1:
                raise QueryError(f"unbalanced braces in query: '}}' at position {token.start()} closes no '{{'")
            groups.pop()
        else:
            groups[-1].add(token[0])
            if len(groups[-1]) > 1:
                raise QueryError(
                    "a query cannot mix && and || in one group: Codat reads every || as && when both appear; "
                    "group one side in braces: {a||b}&&c"
                )
    if len(groups) > 1:
        raise QueryError(f"unbalanced braces in query: {len(groups) - 1} '{{' not closed")


def _check_property(name: str) -> None:
    if not name:
        raise QueryError("property name is empty")
    if not _PROPERTY.fullmatch(name):
        raise QueryError(f"invalid property name {name!r}: expected a dotted path such as 'customerRef.id'")


def _check_text(name: str, value: str) -> str:
    """Return ``value`` if it can be written unquoted into a clause on ``name``."""
    problem = None
    if not value:
        problem = "is empty (Codat cannot query empty or null values)"
    elif value != value.strip():
        problem = "has leading or trailing whitespace, which Codat may trim"
    elif unsafe := next((s for s in _UNSAFE_IN_VALUE if s in value), None):
        problem = f"contains {unsafe!r}, which Codat's parser would read as query syntax"
    elif value[0] in "&|" or value[-1] in "&|":
        problem = "starts or ends with '&' or '|', which would merge with a neighbouring joiner"
    elif escape := _PERCENT_ESCAPE.search(value):
        problem = (
            f"contains {escape[0]!r}, which Codat URL-decodes once more and would read as "
            f"{chr(int(escape[0][1:], 16))!r}"
        )
    else:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problem = "is not encodable as UTF-8"
    if problem:
        raise QueryError(f"value {value!r} for {name!r} {problem}; use Query.raw() if you are sure it is right")
    return value


def _enum_text(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


V = TypeVar("V", contravariant=True)


@dataclass(frozen=True, eq=False)
class Field:
    """A queryable property; subclasses fix its value kind and so which operators it allows.

    Comparisons return a :class:`Query`. Operators a kind does not allow are absent from its type,
    so mypy rejects them; at runtime they raise :class:`QueryError`. mypy cannot check the value's
    type on ``==``/``!=`` (it falls back to the value's own ``__eq__``); the runtime check does.
    """

    name: str
    _operators: ClassVar[frozenset[str]] = frozenset()

    def __post_init__(self) -> None:
        _check_property(self.name)

    def _render(self, value: object) -> str:
        raise NotImplementedError

    def _clause(self, operator: str, value: object) -> Query:
        if operator not in self._operators:
            allowed = " ".join(sorted(self._operators))
            raise QueryError(f"{operator!r} is not allowed on {type(self).__name__} {self.name!r} (allowed: {allowed})")
        return Query(f"{self.name}{operator}{self._render(value)}")

    if not TYPE_CHECKING:
        # Untyped callers reach these for operators their field kind lacks; _clause rejects them.
        # Hidden from the type checker so that misuse is a type error, not a runtime surprise.
        def __eq__(self, value):
            return self._clause("=", value)

        def __ne__(self, value):
            return self._clause("!=", value)

        def __gt__(self, value):
            return self._clause(">", value)

        def __lt__(self, value):
            return self._clause("<", value)

        def __ge__(self, value):
            return self._clause(">=", value)

        def __le__(self, value):
            return self._clause("<=", value)

        def contains(self, value):
            return self._clause("~", value)

        __hash__ = None


class _Equatable(Field, Generic[V]):
    # Narrowing object.__eq__'s argument is what lets mypy reject e.g. ``NumberField("x") == "a"``.
    def __eq__(self, value: V) -> Query:  # type: ignore[override]
        return self._clause("=", value)

    def __ne__(self, value: V) -> Query:  # type: ignore[override]
        return self._clause("!=", value)


class _Orderable(_Equatable[V]):
    def __gt__(self, value: V) -> Query:
        return self._clause(">", value)

    def __lt__(self, value: V) -> Query:
        return self._clause("<", value)

    def __ge__(self, value: V) -> Query:
        return self._clause(">=", value)

    def __le__(self, value: V) -> Query:
        return self._clause("<=", value)


class StringField(_Equatable[str]):
    """A string property: ``==``, ``!=`` and :meth:`contains` (``~``); Codat cannot order strings."""

    _operators = frozenset({"=", "!=", "~"})

    def contains(self, value: str) -> Query:
        return self._clause("~", value)

    def _render(self, value: object) -> str:
        value = _enum_text(value)
        if not isinstance(value, str):
            raise QueryError(f"{self.name!r} is a string property; got {type(value).__name__}")
        return _check_text(self.name, value)


class NumberField(_Orderable[int | float | Decimal]):
    """A numeric property: ``==``, ``!=``, ``>``, ``<``, ``>=``, ``<=``."""

    _operators = frozenset({"=", "!=", ">", "<", ">=", "<="})

    def _render(self, value: object) -> str:
        # bool is an int to Python (and to mypy) but never a number to Codat.
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise QueryError(f"{self.name!r} is a numeric property; got {type(value).__name__}")
        if isinstance(value, int):
            return str(value)
        # Decimal's own test: math.isfinite raises a plain ValueError on a signalling NaN.
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            raise QueryError(f"{self.name!r} cannot be compared with {value}: Codat numbers are finite")
        # Plain decimal notation: repr() would give '1e+20', which Codat does not document as a number.
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f")


class DateField(_Orderable[date]):
    """A date property compared with a :class:`datetime.date`, written ``YYYY-MM-DD``."""

    _operators = frozenset({"=", "!=", ">", "<", ">=", "<="})

    def _render(self, value: object) -> str:
        # datetime subclasses date; dropping or inventing a time of day silently is worse than asking.
        if isinstance(value, datetime) or not isinstance(value, date):
            raise QueryError(f"{self.name!r} is a date property (use DateTimeField for times); got {value!r}")
        return value.isoformat()


class DateTimeField(_Orderable[datetime | date]):
    """A date-time property compared with a datetime or a date (``YYYY-MM-DD``).

    An aware datetime is sent in UTC with ``Z``; a naive one as it is, without a zone (see the module
    docstring).
    """

    _operators = frozenset({"=", "!=", ">", "<", ">=", "<="})

    def _render(self, value: object) -> str:
        if not isinstance(value, date):
            raise QueryError(f"{self.name!r} is a date-time property; got {type(value).__name__}")
        if not isinstance(value, datetime) or value.utcoffset() is None:
            return value.isoformat()
        try:
            in_utc = value.astimezone(UTC)
        except OverflowError:  # within a day of year 1 or 9999
            raise QueryError(f"{value.isoformat()} for {self.name!r} is out of range once converted to UTC") from None
        # An offset's '+' would read as a space if the text were ever form-decoded; Z cannot be misread.
        return in_utc.replace(tzinfo=None).isoformat() + "Z"


class BoolField(_Equatable[bool]):
    """A boolean property: ``==`` and ``!=``, written ``true``/``false``."""

    _operators = frozenset({"=", "!="})

    def _render(self, value: object) -> str:
        if not isinstance(value, bool):
            raise QueryError(f"{self.name!r} is a boolean property; got {type(value).__name__}")
        return "true" if value else "false"


@dataclass(frozen=True)
class Unlisted:
    """An enum value the spec does not list (yet): ``status == Unlisted("Expired")`` sends ``status=Expired``.

    The explicit escape for an API newer than the spec this SDK was generated from; only the value's
    syntax is checked.
    """

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise QueryError(f"an unlisted enum value must be a str, got {type(self.value).__name__}")


# What an EnumField compares with: its values' type (a Literal of the spec's values, an Enum class, str).
E = TypeVar("E", contravariant=True)


@dataclass(frozen=True, eq=False, init=False)
class EnumField(_Equatable[E | Unlisted]):
    """An enum property: ``==`` and ``!=`` with one of its values, or :class:`Unlisted`.

    ``values`` (strings, members, or an Enum class) restricts what is accepted and, through ``E``, what
    type checkers accept; leave it empty for enums Codat may extend. A value outside ``values`` is
    sent only when explicit: :class:`Unlisted`, or an unknown member of an :class:`OpenStrEnum`.
    """

    values: tuple[str, ...]
    _operators = frozenset({"=", "!="})

    @overload
    def __init__(self: EnumField[str], name: str) -> None: ...
    @overload
    def __init__(self, name: str, values: Iterable[E]) -> None: ...
    def __init__(self, name: str, values: Iterable[object] = ()) -> None:
        super().__init__(name)
        allowed = tuple(_enum_text(v) for v in values)
        if not all(isinstance(v, str) for v in allowed):
            raise QueryError(f"values of {name!r} must be strings or string-valued enum members")
        object.__setattr__(self, "values", allowed)

    def _render(self, value: object) -> str:
        # Explicitly outside the spec's values: Unlisted, or an OpenStrEnum's unknown member.
        if isinstance(value, Unlisted) or (isinstance(value, OpenStrEnum) and not value.is_known):
            return _check_text(self.name, value.value)
        value = _enum_text(value)
        if not isinstance(value, str):
            raise QueryError(f"{self.name!r} takes string enum values; got {type(value).__name__}")
        if self.values and value not in self.values:
            raise QueryError(
                f"{value!r} is not a value of {self.name!r} in the spec (expected one of {', '.join(self.values)}); "
                f"if your API has it, pass Unlisted({value!r})"
            )
        return _check_text(self.name, value)


F = TypeVar("F", bound=Field)


@dataclass(frozen=True, eq=False)
class MapField(Generic[F]):
    """A map property (such as ``tags``): ``field["region"]`` is the ``kind`` field ``tags.region``."""

    name: str
    kind: Callable[[str], F]

    def __post_init__(self) -> None:
        _check_property(self.name)

    def __getitem__(self, key: str) -> F:
        if not isinstance(key, str) or not _PROPERTY.fullmatch(key) or "." in key:
            raise QueryError(f"key {key!r} of {self.name!r} cannot be queried: expected a name such as 'region'")
        return self.kind(f"{self.name}.{key}")


@dataclass(frozen=True)
class OrderBy:
    """The ``orderBy`` parameter: one property, ascending unless :meth:`desc` (rendered ``-name``).

    Codat documents ordering by a single property only.
    """

    property: str
    descending: bool = False

    def __post_init__(self) -> None:
        _check_property(self.property)

    def asc(self) -> OrderBy:
        return replace(self, descending=False)

    def desc(self) -> OrderBy:
        return replace(self, descending=True)

    def __str__(self) -> str:
        return f"-{self.property}" if self.descending else self.property


def order_by(field: Field) -> OrderBy:
    """Order ascending by ``field``; chain ``.desc()`` for descending."""
    return OrderBy(field.name)


def to_query_param(value: Query | str) -> str:
    """The text for a ``query`` parameter; a plain string is checked as :meth:`Query.raw` does."""
    if isinstance(value, Query):
        return str(value)
    if not isinstance(value, str):
        # A bare field (``query=CompanyQuery.name``) would otherwise be sent as its repr.
        raise QueryError(f"query must be a Query (e.g. field == value) or a str, got {type(value).__name__}")
    return str(Query.raw(value))


def to_order_by_param(value: OrderBy | str) -> str:
    """The text for an ``orderBy`` parameter; a plain string is passed as is."""
    if not isinstance(value, OrderBy | str):
        raise QueryError(f"order_by must be an OrderBy (e.g. order_by(field)) or a str, got {type(value).__name__}")
    return str(value)
