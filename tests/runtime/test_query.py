"""Builders for Codat's ``query`` and ``orderBy`` parameters: rendering, the rules, URL round-trips, typing."""

from __future__ import annotations

import enum
import operator
import os
import re
import subprocess
import sys
import textwrap
import urllib.parse
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from codat_sdk import (
    MAX_QUERY_LENGTH,
    BoolField,
    CodatError,
    DateField,
    DateTimeField,
    EnumField,
    Field,
    MapField,
    NumberField,
    OpenStrEnum,
    OrderBy,
    Query,
    QueryError,
    StringField,
    Unlisted,
    order_by,
)
from codat_sdk._generated import to_order_by_param, to_query_param

SRC = Path(__file__).resolve().parents[2] / "src"


class Status(enum.Enum):
    LINKED = "Linked"
    DEAUTHORIZED = "Deauthorized"


class OpenStatus(OpenStrEnum):
    LINKED = "Linked"


def _contains(field: Any, value: Any) -> Any:
    return field.contains(value)


OPS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "~": _contains,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
EQUALITY = frozenset({"=", "!="})
ORDERING = frozenset({"=", "!=", ">", "<", ">=", "<="})


def via_httpx(text: str) -> str:
    """What the server decodes from the ``query`` parameter when httpx encodes it once."""
    request = httpx.Request("GET", "https://api.codat.io/companies", params={"query": text})
    return urllib.parse.parse_qs(request.url.query.decode("ascii"), strict_parsing=True)["query"][0]


# --- examples -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: StringField("name") == "Acme", "name=Acme"),
        (lambda: "Acme" == StringField("name"), "name=Acme"),  # noqa: SIM300
        (lambda: StringField("name") != "Acme Ltd", "name!=Acme Ltd"),
        (lambda: StringField("name").contains("Ac"), "name~Ac"),
        (lambda: StringField("customerRef.id") == "61", "customerRef.id=61"),
        (lambda: NumberField("amountDue") > 0, "amountDue>0"),
        (lambda: NumberField("amountDue") < -1.5, "amountDue<-1.5"),
        (lambda: NumberField("amountDue") >= Decimal("10.00"), "amountDue>=10.00"),
        (lambda: NumberField("amountDue") <= 1e20, "amountDue<=100000000000000000000"),
        (lambda: NumberField("amountDue") == 1e-7, "amountDue=0.0000001"),
        (lambda: DateField("issueDate") >= date(2024, 1, 1), "issueDate>=2024-01-01"),
        (lambda: date(2024, 1, 1) <= DateField("issueDate"), "issueDate>=2024-01-01"),
        (lambda: DateTimeField("modifiedDate") > date(2024, 1, 1), "modifiedDate>2024-01-01"),
        (lambda: DateTimeField("modifiedDate") < datetime(2024, 1, 2, 3, 4, 5), "modifiedDate<2024-01-02T03:04:05"),
        (
            lambda: DateTimeField("modifiedDate") != datetime(2024, 1, 2, tzinfo=UTC),
            "modifiedDate!=2024-01-02T00:00:00Z",
        ),
        (lambda: BoolField("isBankAccount") == True, "isBankAccount=true"),  # noqa: E712
        (lambda: BoolField("isBankAccount") != False, "isBankAccount!=false"),  # noqa: E712
        (lambda: EnumField("dataConnections.status", values=Status) == Status.LINKED, "dataConnections.status=Linked"),
        (
            lambda: EnumField("dataConnections.status", values=Status) != "Deauthorized",
            "dataConnections.status!=Deauthorized",
        ),
        (lambda: EnumField("status") == OpenStatus("Brand new"), "status=Brand new"),
        (lambda: StringField("status") == OpenStatus.LINKED, "status=Linked"),
    ],
)
def test_renders_each_operator_and_kind(build: Callable[[], Query], expected: str) -> None:
    assert str(build()) == expected
    assert to_query_param(build()) == expected


def test_and_or_join_clauses() -> None:
    name, due = StringField("name"), NumberField("amountDue")
    assert str((name == "Acme") & (due > 0) & (name != "B")) == "name=Acme&&amountDue>0&&name!=B"
    assert str((name == "Acme") | ((due > 0) | (name.contains("B")))) == "name=Acme||amountDue>0||name~B"


def test_order_by() -> None:
    assert str(order_by(StringField("name"))) == "name"
    assert str(order_by(DateField("issueDate")).desc()) == "-issueDate"
    assert str(order_by(DateField("issueDate")).desc().asc()) == "issueDate"
    assert to_order_by_param(OrderBy("customerRef.id", descending=True)) == "-customerRef.id"
    assert to_order_by_param("-name") == "-name"
    with pytest.raises(QueryError):
        OrderBy("")


def test_values_with_url_syntax_round_trip_through_httpx_params() -> None:
    for value in ["Smith & Sons", "50% off", "100%", "a+b", "é", "#1", "a/b?c", "%zz", 'O\'Neil "Q"']:
        text = str(StringField("name") == value)
        assert via_httpx(text) == text == f"name={value}"


def test_query_error_is_a_value_error_and_a_codat_error() -> None:
    assert issubclass(QueryError, ValueError)
    assert issubclass(QueryError, CodatError)


# --- rejection rules ----------------------------------------------------------------------------


def test_mixing_joiners_is_rejected() -> None:
    a, b, c = (StringField("name") == "a"), (NumberField("n") > 1), (BoolField("b") == True)  # noqa: E712
    builds: list[Callable[[], Query]] = [lambda: (a & b) | c, lambda: a | (b & c), lambda: (a | b) & (b | c)]
    for build in builds:
        with pytest.raises(QueryError, match="cannot mix"):
            build()


@pytest.mark.parametrize("op", [">", "<", ">=", "<="])
def test_ordering_strings_is_rejected(op: str) -> None:
    with pytest.raises(QueryError, match="not allowed on StringField"):
        OPS[op](StringField("name"), "a")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (NumberField("n"), 1),
        (DateField("d"), date(2024, 1, 1)),
        (DateTimeField("d"), datetime(2024, 1, 1)),
        (BoolField("b"), True),
        (EnumField("s"), "x"),
    ],
)
def test_contains_on_non_strings_is_rejected(field: Field, value: object) -> None:
    with pytest.raises(QueryError, match="'~' is not allowed"):
        _contains(field, value)


@pytest.mark.parametrize("field", [BoolField("b"), EnumField("s")])
def test_ordering_booleans_and_enums_is_rejected(field: Field) -> None:
    with pytest.raises(QueryError, match="not allowed"):
        OPS[">"](field, "x")


def test_length_limit() -> None:
    # Codat: "under 2048 characters"; a query of exactly 2048 used to be accepted.
    assert MAX_QUERY_LENGTH == 2047
    name = StringField("a")
    assert len(str(name == "x" * (MAX_QUERY_LENGTH - 2))) == MAX_QUERY_LENGTH
    with pytest.raises(QueryError, match="query is 2048 characters; Codat accepts only queries under 2048"):
        name == "x" * (MAX_QUERY_LENGTH - 1)  # noqa: B015
    with pytest.raises(QueryError, match="under 2048"):
        Query.raw("q" * 2048)
    half = name == "x" * 1020
    with pytest.raises(QueryError, match="under 2048"):
        half & half & half
    assert to_query_param("q" * MAX_QUERY_LENGTH) == "q" * MAX_QUERY_LENGTH
    with pytest.raises(QueryError):
        to_query_param("q" * (MAX_QUERY_LENGTH + 1))
    with pytest.raises(QueryError):
        Query.raw("q" * (MAX_QUERY_LENGTH + 1))


@pytest.mark.parametrize("name", ["", " ", "na me", "name=", ".a", "a.", "a..b", "1abc", "a&&b", "-name"])
def test_bad_property_names_are_rejected(name: str) -> None:
    kinds: tuple[type[Field], ...] = (StringField, NumberField, DateField, DateTimeField, BoolField, EnumField)
    for kind in kinds:
        with pytest.raises(QueryError, match="property name"):
            kind(name)
    with pytest.raises(QueryError):
        OrderBy(name)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (NumberField("n"), True),  # bool is an int to Python, not a number to Codat
        (NumberField("n"), "1"),
        (NumberField("n"), float("nan")),
        (NumberField("n"), Decimal("Infinity")),
        (StringField("s"), 1),
        (DateField("d"), datetime(2024, 1, 1)),  # a date-time on a date field would be silently truncated
        (DateField("d"), "2024-01-01"),
        (DateTimeField("d"), "2024-01-01"),
        (BoolField("b"), "true"),
        (BoolField("b"), 1),
        (EnumField("s", values=Status), "Unknown"),
        (EnumField("s"), 3),
    ],
)
def test_wrong_value_kinds_are_rejected(field: Field, value: object) -> None:
    with pytest.raises(QueryError):
        field == value  # noqa: B015


def test_enum_values_must_be_strings() -> None:
    class Level(enum.Enum):
        LOW = 1

    with pytest.raises(QueryError):
        EnumField("level", values=Level)


@pytest.mark.parametrize(
    "value",
    ["", " a", "a ", "a&&b", "a||b", "{a}", "a=b", "a<b", "a>b", "a~b", "a&", "|a", "\ud800", "x%3Dy", "%26%26", "%00"],
)
def test_string_values_that_would_change_the_parse_are_rejected(value: str) -> None:
    with pytest.raises(QueryError, match="value"):
        StringField("name") == value  # noqa: B015


def test_truthiness_is_refused_so_chained_comparisons_cannot_drop_a_clause() -> None:
    issued = DateField("issueDate")
    with pytest.raises(QueryError, match="truth value"):
        date(2024, 1, 1) <= issued <= date(2024, 12, 31)  # noqa: B015
    with pytest.raises(QueryError, match="truth value"):
        (issued == date(2024, 1, 1)) and (issued == date(2024, 1, 2))


def test_raw_queries() -> None:
    assert str(Query.raw("amountDue>0")) == "amountDue>0"
    assert str(Query.raw("a=1&&b=2") & (StringField("c") == "3")) == "a=1&&b=2&&c=3"
    with pytest.raises(QueryError, match="cannot mix"):
        Query.raw("a=1||b=2") & (StringField("c") == "3")
    # Braces are Codat's documented grouping; accepted raw, but nothing can be appended unambiguously.
    grouped = Query.raw("{totalAmount>100||totalAmount<50}&&status!=paid")
    assert to_query_param(str(grouped)) == str(grouped)
    with pytest.raises(QueryError, match="cannot combine"):
        grouped & (StringField("c") == "3")
    with pytest.raises(QueryError, match="cannot mix"):
        to_query_param("value>10&&outstanding>0||value>100")
    with pytest.raises(TypeError):
        (StringField("c") == "3") & "d=4"  # type: ignore[operator]


@pytest.mark.parametrize(
    "text",
    [
        "{totalAmount>100||totalAmount<50}&&status!=paid",
        "status!=paid&&{totalAmount>100||totalAmount<50}",
        "{a=1&&b=2}||{c=3&&{d=4||e=5}}",
        "{a=1}",
        "a=1&&&b=2",
    ],
)
def test_raw_grouping_codat_reads_as_written_is_accepted(text: str) -> None:
    assert to_query_param(text) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # A stray brace used to switch the mixing check off: these were accepted.
        ("a=1&&b=2||c=3}", "cannot mix && and || in one group"),
        ("{a=1&&b=2||c=3", "cannot mix && and || in one group"),
        ("}{a=1&&b=2||c=3", "'}' at position 0 closes no '{'"),
        ("a=1}", "'}' at position 3 closes no '{'"),
        ("{a=1||{b=2}", "1 '{' not closed"),
        ("{a=1}&&b=2||c=3", "cannot mix && and || in one group"),
        ("{a=1&&b=2||c=3}", "cannot mix && and || in one group"),
        ("a=1||{b=2&&c=3}&&d=4", "cannot mix && and || in one group"),
        ("a=1&&b=2||c=3", "cannot mix && and || in one group"),
    ],
)
def test_raw_queries_with_unpaired_braces_or_mixed_groups_are_rejected(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=re.escape(message)):
        Query.raw(text)
    with pytest.raises(QueryError, match=re.escape(message)):
        to_query_param(text)


@pytest.mark.parametrize("value", [Decimal("sNaN"), Decimal("-sNaN"), Decimal("NaN"), Decimal("-Infinity")])
def test_non_finite_decimals_are_query_errors(value: Decimal) -> None:
    # Decimal("sNaN") used to raise a plain ValueError from math.isfinite ("cannot convert signaling NaN").
    with pytest.raises(QueryError, match=r"cannot be compared with .*Codat numbers are finite"):
        NumberField("amountDue") == value  # noqa: B015


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 5, 1), "2024-05-01"),
        (datetime(2024, 5, 1, 12, 30), "2024-05-01T12:30:00"),  # naive: as written, no zone
        (datetime(2024, 5, 1, 12, 30, 0, 250_000), "2024-05-01T12:30:00.250000"),
        (datetime(2024, 5, 1, 12, 30, tzinfo=UTC), "2024-05-01T12:30:00Z"),
        (datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=1))), "2024-05-01T11:30:00Z"),
        (datetime(2024, 5, 1, 1, 0, tzinfo=timezone(timedelta(hours=-5))), "2024-05-01T06:00:00Z"),
        (datetime(2024, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), "2023-12-31T22:30:00Z"),
    ],
)
def test_date_time_values_are_written_as_codat_writes_them(value: date, expected: str) -> None:
    assert str(DateTimeField("modifiedDate") >= value) == f"modifiedDate>={expected}"
    assert via_httpx(str(DateTimeField("modifiedDate") < value)) == f"modifiedDate<{expected}"


def test_an_aware_datetime_that_leaves_the_calendar_in_utc_is_a_query_error() -> None:
    with pytest.raises(QueryError, match="out of range once converted to UTC"):
        DateTimeField("d") > datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))  # noqa: B015


def test_an_enum_value_the_spec_does_not_list_is_sent_only_when_explicit() -> None:
    # Used to be a dead end: "QueryError: 'Expired' is not a value", however the caller asked.
    status = EnumField("status", values=Status)
    with pytest.raises(QueryError, match=re.escape("if your API has it, pass Unlisted('Expired')")):
        status == "Expired"  # noqa: B015
    assert str(status == Unlisted("Expired")) == "status=Expired"
    assert str(status != Unlisted("Expired")) == "status!=Expired"
    # An OpenStrEnum's unknown member, as a response decodes a value the spec lacks, is explicit too.
    assert str(EnumField("status", values=OpenStatus) == OpenStatus("Expired")) == "status=Expired"
    assert str(EnumField("status", values=("Linked",)) == OpenStatus.LINKED) == "status=Linked"
    with pytest.raises(QueryError, match="not a value"):
        EnumField("status", values=("Deauthorized",)) == OpenStatus.LINKED  # noqa: B015


@pytest.mark.parametrize("value", ["", "a&&b", " a", "x}"])
def test_unlisted_values_are_still_checked_as_text(value: str) -> None:
    with pytest.raises(QueryError, match="value"):
        EnumField("status", values=Status) == Unlisted(value)  # noqa: B015


def test_unlisted_takes_a_string() -> None:
    with pytest.raises(QueryError, match="must be a str"):
        Unlisted(3)  # type: ignore[arg-type]


def test_map_fields_query_a_key_with_the_value_kind() -> None:
    tags = MapField("tags", StringField)
    assert str(tags["region"] == "uk") == "tags.region=uk"
    assert str(tags["region"].contains("u")) == "tags.region~u"
    assert str(MapField("limits", NumberField)["daily"] > 5) == "limits.daily>5"
    assert str(order_by(tags["region"]).desc()) == "-tags.region"
    for key in ["", "a.b", "a b", "1a", "a=b"]:
        with pytest.raises(QueryError, match="cannot be queried"):
            tags[key]
    with pytest.raises(QueryError, match="property name"):
        MapField("bad name", StringField)


# --- properties ---------------------------------------------------------------------------------

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}(\.[A-Za-z_][A-Za-z0-9_]{0,12}){0,2}", fullmatch=True)
# Text that can appear unquoted in a value: no query syntax, no lone surrogates (not UTF-8).
safe_text = st.text(st.characters(exclude_characters="{}=<>~", codec="utf-8"), min_size=1, max_size=40).filter(
    lambda s: s == s.strip() and "&&" not in s and "||" not in s and s[0] not in "&|" and s[-1] not in "&|"
)
numbers = st.one_of(
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False),
)
timezones = st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))])
statuses = st.sampled_from([*Status, "Linked", "Deauthorized"])


def _number(text: str) -> Decimal:
    assert re.fullmatch(r"-?\d+(\.\d+)?", text), text  # plain notation: no exponent, no '+'
    return Decimal(text)


def _as_decimal(value: object) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]


# kind name -> (field class, allowed operators, value strategy, parse(rendered) -> comparable, expected(value))
KINDS: dict[
    str,
    tuple[Callable[[str], Field], frozenset[str], st.SearchStrategy[Any], Callable[[str], Any], Callable[[Any], Any]],
] = {
    "string": (StringField, frozenset({"=", "!=", "~"}), safe_text, str, str),
    "number": (NumberField, ORDERING, numbers, _number, _as_decimal),
    "date": (DateField, ORDERING, st.dates(), date.fromisoformat, lambda v: v),
    "datetime": (
        DateTimeField,
        ORDERING,
        st.dates() | st.datetimes(timezones=timezones),
        lambda t: datetime.fromisoformat(t) if "T" in t else date.fromisoformat(t),
        lambda v: v,
    ),
    "bool": (BoolField, EQUALITY, st.booleans(), {"true": True, "false": False}.__getitem__, lambda v: v),
    "enum": (lambda n: EnumField(n, values=Status), EQUALITY, statuses, str, lambda v: getattr(v, "value", v)),
}
CLAUSE = re.compile(r"([A-Za-z_][\w.]*)(!=|>=|<=|=|~|>|<)(.*)", re.DOTALL)


@st.composite
def clause_specs(draw: st.DrawFn) -> tuple[str, str, str, Any]:
    """A clause the rules allow: an operator the kind supports and a value of that kind."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    return kind, draw(names), draw(st.sampled_from(sorted(KINDS[kind][1]))), draw(KINDS[kind][2])


@given(specs=st.lists(clause_specs(), min_size=1, max_size=8), joiner=st.sampled_from(["&&", "||"]))
def test_every_accepted_query_is_valid_and_round_trips(specs: list[tuple[str, str, str, Any]], joiner: str) -> None:
    built: list[Query] = []
    for kind, name, op, value in specs:
        try:
            built.append(OPS[op](KINDS[kind][0](name), value))
        except QueryError as error:  # only a huge Decimal can make a single clause too long
            assert "under 2048" in str(error)
            return
    combine = operator.and_ if joiner == "&&" else operator.or_
    query = built[0]
    try:
        for part in built[1:]:
            query = combine(query, part)
    except QueryError as error:
        assert "under 2048" in str(error)
        assert sum(len(str(q)) for q in built) + len(joiner) * (len(built) - 1) > MAX_QUERY_LENGTH
        return

    text = to_query_param(query)
    assert len(text) <= MAX_QUERY_LENGTH
    other = "||" if joiner == "&&" else "&&"
    assert other not in text
    clauses = text.split(joiner)
    assert len(clauses) == len(specs)
    for clause, (kind, name, op, value) in zip(clauses, specs, strict=True):
        _, allowed, _, parse, expected = KINDS[kind]
        match = CLAUSE.fullmatch(clause)
        assert match is not None, clause
        assert match.group(1) == name
        assert match.group(2) == op and op in allowed
        assert not (kind == "string" and op in {">", "<", ">=", "<="})
        assert not re.search(r"[=<>~{}]", match.group(3))
        assert parse(match.group(3)) == expected(value)
    assert via_httpx(text) == text


@given(queries=st.lists(clause_specs(), min_size=3, max_size=6), data=st.data())
def test_every_mix_of_joiners_is_rejected(queries: list[tuple[str, str, str, Any]], data: st.DataObject) -> None:
    built = [StringField(name) == "x" for _, name, _, _ in queries]
    joiners = data.draw(
        st.lists(st.sampled_from([operator.and_, operator.or_]), min_size=len(built) - 1, max_size=len(built) - 1)
    )
    mixed = len(set(joiners)) > 1
    right_first = data.draw(st.booleans())
    try:
        if right_first:
            query = built[-1]
            for part, combine in zip(reversed(built[:-1]), reversed(joiners), strict=True):
                query = combine(part, query)
        else:
            query = built[0]
            for part, combine in zip(built[1:], joiners, strict=True):
                query = combine(query, part)
    except QueryError as error:
        assert mixed, error
        assert "cannot mix" in str(error)
    else:
        assert not mixed
        assert ("&&" in str(query)) != ("||" in str(query))


@given(
    kind=st.sampled_from(sorted(KINDS)),
    op=st.sampled_from(sorted(OPS)),
    value=st.one_of(*(k[2] for k in KINDS.values())),
)
def test_operators_a_kind_lacks_are_always_rejected(kind: str, op: str, value: Any) -> None:
    make, allowed, *_ = KINDS[kind]
    if op in allowed:
        return
    with pytest.raises(QueryError, match="not allowed"):
        OPS[op](make("field"), value)


@given(value=st.text(max_size=20))
def test_string_values_are_accepted_exactly_when_safe(value: str) -> None:
    safe = (
        value != ""
        and value == value.strip()
        and not any(s in value for s in ("&&", "||", "{", "}", "=", "<", ">", "~"))
        and value[0] not in "&|"
        and value[-1] not in "&|"
        and not any("\ud800" <= ch <= "\udfff" for ch in value)
        and not re.search("%[0-9a-fA-F]{2}", value)
    )
    try:
        text = str(StringField("name").contains(value))
    except QueryError:
        assert not safe
    else:
        assert safe
        assert text == f"name~{value}"
        assert via_httpx(text) == text


# Braces have their own tests above.
@given(
    text=st.text(st.characters(exclude_characters="{}"), max_size=MAX_QUERY_LENGTH + 20).filter(
        lambda t: not ("&&" in t and "||" in t)
    )
)
def test_raw_strings_pass_unchanged_up_to_the_limit(text: str) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        with pytest.raises(QueryError):
            to_query_param(text)
    else:
        assert to_query_param(text) == text


# --- static typing ------------------------------------------------------------------------------

TYPING_SNIPPET = """\
from datetime import date, datetime
from decimal import Decimal

import enum
from typing import Literal

from codat_sdk import (
    BoolField, DateField, DateTimeField, EnumField, MapField, NumberField, Query, StringField, Unlisted, order_by
)

class Status(enum.Enum):
    LINKED = "Linked"

class Other(enum.Enum):
    LINKED = "Linked"

status = EnumField("status", Status)
listed: EnumField[Literal["Linked", "Unlinked"]] = EnumField("status", ("Linked", "Unlinked"))

ok: list[Query] = [
    StringField("name") == "Acme",
    StringField("name") != "Acme",
    StringField("name").contains("Ac"),
    DateField("created") >= date(2024, 1, 1),
    DateTimeField("modified") < datetime(2024, 1, 1),
    (NumberField("amountDue") > 0) & (NumberField("amountDue") <= Decimal("9.5")),
    (BoolField("isActive") == True) | (EnumField("status", values=("Linked",)) != "Linked"),
    status == Status.LINKED,
    status != Unlisted("Expired"),
    listed == "Unlinked",
    EnumField("status") == "anything",
    MapField("tags", StringField)["region"] == "uk",
    MapField("tags", NumberField)["n"] > 1,
]
print(order_by(StringField("name")).desc())
StringField("name") > "a"  # E
StringField("name") <= "a"  # E
DateField("created").contains("x")  # E
NumberField("amountDue").contains("1")  # E
DateField("created") > "2024-01-01"  # E
BoolField("isActive") < True  # E
bad: list[Query] = [status == Other.LINKED]  # E
bad = [listed == "Linkd"]  # E
bad = [status == "Linked"]  # E
MapField("tags", StringField)["region"] > "a"  # E
"""


def test_type_checker_rejects_misuse_and_accepts_valid_uses(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(TYPING_SNIPPET)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            str(snippet),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(SRC)},
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    expected = {n for n, line in enumerate(TYPING_SNIPPET.splitlines(), start=1) if line.endswith("# E")}
    errors = {int(m) for m in re.findall(r"snippet\.py:(\d+): error", result.stdout)}
    assert errors == expected, textwrap.indent(result.stdout + result.stderr, "  ")
