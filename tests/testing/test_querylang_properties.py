"""Property tests: every query our typed builders emit selects, on the local Codat, exactly the records a
direct Python filter selects; every ``order_by`` orders them as ``sorted`` does.

Three parties, written apart: the builders (``codat_sdk._query`` through ``CompanyQuery``) render text;
the evaluator (``codat_sdk.testing._querylang``) reads it by Codat's rules; the oracle here computes the
answer from the builder call's own structure (field, operator, Python value). A disagreement is a bug
in the builder or the evaluator. The counts of examples and distinct query shapes are printed at the end
(run with ``-s`` to see them) for the sandbox's closing note.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from codat_sdk_platform.queries import CompanyQuery, PullOperationQuery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codat_sdk import MAX_QUERY_LENGTH as BUILDER_LIMIT
from codat_sdk import Query, QueryError, order_by
from codat_sdk._query import Field
from codat_sdk.testing._querylang import MAX_QUERY_LENGTH as SERVER_LIMIT
from codat_sdk.testing._querylang import RecordSchema, order, select
from tests.spec_facts import normalised


def record_schema(model: str) -> RecordSchema:
    """The records' schema from the pinned spec, as the sandbox types its lists."""
    components = normalised("platform")["components"]["schemas"]
    return RecordSchema(components[model], components)


Record = dict[str, Any]
Predicate = Callable[[Record], bool]

# Bounded so the module runs in well under 20 s on a shared machine.
SELECT_EXAMPLES = 200
PULL_EXAMPLES = 120
ORDER_EXAMPLES = 100
# What the property tests saw, for the report: examples run, and distinct query shapes (values elided).
STATS: Counter[str] = Counter()
SHAPES: set[str] = set()

# -- records ----------------------------------------------------------------------------------------------

# Letters in both cases (contains ignores case), spaces, and the characters nearest the query syntax.
TEXT_ALPHABET = "abcABC xé-._%&|!0129"
STATUSES = ("PendingAuth", "Linked", "Unlinked", "Deauthorized")
SOURCE_TYPES = ("Accounting", "Banking", "Commerce", "Other")
TAG_KEYS = ("region", "uid", "owningTeam")

texts = st.text(TEXT_ALPHABET, min_size=0, max_size=8)
# Query values: mostly ones the builder accepts (its refusals are tested in tests/runtime/test_query.py).
query_texts = st.text(TEXT_ALPHABET.replace("&", "").replace("|", ""), min_size=1, max_size=6)
instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)).map(
    lambda moment: moment.replace(microsecond=moment.microsecond // 1000 * 1000)
)


def codat_time(moment: datetime) -> str:
    """How Codat writes a UTC timestamp: ``2024-01-01T12:00:00Z``, milliseconds when present."""
    text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")
    return text.removesuffix(".000") + "Z"


connections = st.fixed_dictionaries(
    {
        "id": st.uuids().map(str),
        "platformName": texts,
        "status": st.sampled_from(STATUSES),
        "sourceType": st.sampled_from(SOURCE_TYPES),
        "created": instants.map(codat_time),
    }
)
companies = st.fixed_dictionaries(
    {
        "id": st.uuids().map(str),
        "name": texts,
        "created": instants.map(codat_time),
        "tags": st.dictionaries(st.sampled_from(TAG_KEYS), texts, max_size=3),
        "products": st.lists(st.sampled_from(["lending", "banking", "expenses"]), max_size=2, unique=True),
        "dataConnections": st.lists(connections, max_size=2),
    },
    optional={"lastSync": st.none() | instants.map(codat_time)},
)
record_lists = st.lists(companies, min_size=2, max_size=6)

# -- the oracle's reading of a record ---------------------------------------------------------------------


def values_at(record: Record, path: Sequence[str]) -> list[Any]:
    """The values a dotted path reaches: each element of an array on the way, none for null or absent."""
    current: list[Any] = [record]
    for name in path:
        reached: list[Any] = []
        for node in current:
            if isinstance(node, list):
                reached += [item.get(name) for item in node if isinstance(item, dict)]
            elif isinstance(node, dict):
                reached.append(node.get(name))
        current = [value for value in reached if value is not None]
    flat: list[Any] = []
    for value in current:
        flat += value if isinstance(value, list) else [value]
    return flat


def as_utc(value: str | date | datetime) -> datetime:
    """A record's timestamp or a query's date/datetime as a UTC instant (a date: its midnight; naive: UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Python's operators: on builder fields they build clauses, on values they are the oracle's comparisons.
OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}
COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    **OPERATORS,
    "contains": lambda found, wanted: wanted.lower() in found.lower(),
}
BUILD: dict[str, Callable[[Any, Any], Any]] = {**OPERATORS, "contains": lambda field, value: field.contains(value)}


@dataclass(frozen=True)
class Built:
    """A builder query with the oracle's predicate for it and its shape (values elided)."""

    query: Query
    predicate: Predicate
    shape: str
    joiner: str | None = None  # of the top level; None for one clause


def clause(field: Field, op: str, value: Any, kind: str, path: Sequence[str]) -> Built | None:
    """``field <op> value`` through the builder, and the direct Python test of the same thing; None
    where the builder refuses the value (its own rules, tested in tests/runtime/test_query.py)."""
    try:
        query = BUILD[op](field, value)
    except QueryError:
        STATS["values the builder refused"] += 1
        return None
    assert isinstance(query, Query)
    compare = COMPARE[op]

    def predicate(record: Record) -> bool:
        if kind == "count":
            return any(compare(len(items), value) for items in arrays_at(record, path[:-1]))
        found = values_at(record, path)
        if kind == "datetime":
            return any(compare(as_utc(item), as_utc(value)) for item in found)
        return any(compare(item, value) for item in found)

    return Built(query, predicate, f"{field.name}{op}<{kind}>")


def arrays_at(record: Record, path: Sequence[str]) -> list[list[Any]]:
    """The arrays themselves (not their elements) a path ends on, for ``count``."""
    *through, last = path
    holders = [record] if not through else [h for h in values_at(record, through) if isinstance(h, dict)]
    return [holder[last] for holder in holders if isinstance(holder.get(last), list)]


# -- the builder calls ------------------------------------------------------------------------------------

ORDERABLE = (">", "<", ">=", "<=")
query_dates = st.one_of(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    instants,  # aware, in UTC
    st.builds(
        lambda moment, hours: moment.astimezone(timezone(timedelta(hours=hours))),
        instants,
        st.integers(-12, 14),
    ),
    instants.map(lambda moment: moment.replace(tzinfo=None)),  # naive: Codat's unqualified local time
)


def company_leaves(records: list[Record]) -> st.SearchStrategy[Built]:
    """One comparison on a CompanyQuery field; values often taken from the records, so some match."""
    names = [r["name"] for r in records] + [c["platformName"] for r in records for c in r["dataConnections"]]
    tag_values = [v for r in records for v in r["tags"].values()]
    seen_text = st.sampled_from(names + tag_values) if names + tag_values else texts
    text_values = st.one_of(query_texts, seen_text, seen_text.map(str.upper), seen_text.map(lambda t: t[1:-1]))
    seen_times = [r["created"] for r in records] + [c["created"] for r in records for c in r["dataConnections"]]
    time_values = (
        st.one_of(query_dates, st.sampled_from(seen_times).map(datetime.fromisoformat)) if seen_times else query_dates
    )

    strings: list[tuple[Field, tuple[str, ...]]] = [
        (CompanyQuery.name, ("name",)),
        (CompanyQuery.id, ("id",)),
        (CompanyQuery.data_connections.platform_name, ("dataConnections", "platformName")),
        (CompanyQuery.products, ("products",)),
    ]
    tag_fields = [(CompanyQuery.tags[key], ("tags", key)) for key in TAG_KEYS]
    datetimes: list[tuple[Field, tuple[str, ...]]] = [
        (CompanyQuery.created, ("created",)),
        (CompanyQuery.last_sync, ("lastSync",)),
        (CompanyQuery.data_connections.created, ("dataConnections", "created")),
    ]
    counts: list[tuple[Field, tuple[str, ...]]] = [
        (CompanyQuery.data_connections.count, ("dataConnections", "count")),
        (CompanyQuery.products.count, ("products", "count")),
    ]

    status = (CompanyQuery.data_connections.status, ("dataConnections", "status"))
    source_type = (CompanyQuery.data_connections.source_type, ("dataConnections", "sourceType"))

    def of_kind(kind: str) -> Callable[[tuple[Field, tuple[str, ...]], str, Any], Built | None]:
        return lambda pick, op, value: clause(pick[0], op, value, kind, pick[1])

    every = st.sampled_from(["==", "!=", *ORDERABLE])
    built = st.one_of(
        st.builds(
            of_kind("string"),
            st.sampled_from(strings + tag_fields),
            st.sampled_from(["==", "!=", "contains"]),
            text_values,
        ),
        st.builds(of_kind("string"), st.just(status), st.sampled_from(["==", "!="]), st.sampled_from(STATUSES)),
        st.builds(
            of_kind("string"), st.just(source_type), st.sampled_from(["==", "!="]), st.sampled_from(SOURCE_TYPES)
        ),
        st.builds(of_kind("datetime"), st.sampled_from(datetimes), every, time_values),
        st.builds(
            of_kind("count"), st.sampled_from(counts), every, st.integers(0, 3) | st.sampled_from([0.5, 1.0, 2.5])
        ),
    )
    return built.filter(lambda leaf: leaf is not None)  # type: ignore[return-value]


Leaves = Callable[[list[Record]], st.SearchStrategy[Built]]


@st.composite
def trees(draw: st.DrawFn, records: list[Record], leaves: Leaves, depth: int = 0) -> Built:
    """A leaf, or 2-3 subtrees joined by one joiner; a subtree using the other joiner is braced."""
    if depth >= 2 or draw(st.booleans()):
        return draw(leaves(records))
    joiner = draw(st.sampled_from(["&&", "||"]))
    parts = [draw(trees(records, leaves, depth + 1)) for _ in range(draw(st.integers(2, 3)))]
    combine: Callable[[Sequence[bool]], bool] = all if joiner == "&&" else any
    predicates = [part.predicate for part in parts]

    def predicate(record: Record) -> bool:
        return combine([test(record) for test in predicates])

    def braced(part: Built) -> bool:
        return part.joiner not in (None, joiner)

    if not any(braced(part) or not part.query.combinable for part in parts):
        # The builder's own operators: & and |.
        query = parts[0].query
        for part in parts[1:]:
            query = query & part.query if joiner == "&&" else query | part.query
    else:
        # Mixed joiners need braces, which only Query.raw writes.
        query = Query.raw(joiner.join(f"{{{part.query}}}" if braced(part) else str(part.query) for part in parts))
    shape = joiner.join(f"{{{part.shape}}}" if braced(part) else part.shape for part in parts)
    return Built(query, predicate, shape, joiner)


# -- the properties ---------------------------------------------------------------------------------------


def check_selection(records: list[Record], built: Built, schema: RecordSchema | None) -> None:
    # The query as a server receives it: encoded into the URL by httpx (as the SDK sends it), decoded once.
    text = httpx.URL("https://api.codat.io/companies", params={"query": str(built.query)}).params["query"]
    expected = [record for record in records if built.predicate(record)]
    assert select(records, text, schema=schema) == expected, text
    STATS["select examples"] += 1
    STATS["typed select examples"] += schema is not None
    STATS["records checked"] += len(records)
    STATS["records selected"] += len(expected)
    SHAPES.add(built.shape)


@settings(max_examples=SELECT_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), records=record_lists, typed=st.booleans())
def test_company_queries_select_what_a_python_filter_selects(
    data: st.DataObject, records: list[Record], typed: bool
) -> None:
    built = data.draw(trees(records, company_leaves))
    check_selection(records, built, record_schema("Company") if typed else None)


# Pull operations: booleans, numbers and a long enum.
pull_operations = st.fixed_dictionaries(
    {
        "id": st.uuids().map(str),
        "dataType": st.sampled_from(["invoices", "bills", "customers"]),
        "status": st.sampled_from(PullOperationQuery.status.values),
        "progress": st.integers(0, 100),
        "isErrored": st.booleans(),
        "requested": instants.map(codat_time),
    },
    optional={"completed": instants.map(codat_time)},
)


def pull_leaves(records: list[Record]) -> st.SearchStrategy[Built]:
    progress = [r["progress"] for r in records]
    numbers = st.one_of(
        st.integers(-1, 101),
        st.sampled_from(progress) if progress else st.integers(0, 100),
        st.decimals(-1, 101, places=2),
        st.floats(-1, 101, allow_nan=False),
    )
    every = st.sampled_from(["==", "!=", *ORDERABLE])
    field = PullOperationQuery

    def of_kind(kind: str, path: str) -> Callable[[Field, str, Any], Built | None]:
        return lambda pick, op, value: clause(pick, op, value, kind, (path,))

    built = st.one_of(
        st.builds(of_kind("number", "progress"), st.just(field.progress), every, numbers),
        st.builds(
            of_kind("boolean", "isErrored"), st.just(field.is_errored), st.sampled_from(["==", "!="]), st.booleans()
        ),
        st.builds(
            of_kind("string", "status"),
            st.just(field.status),
            st.sampled_from(["==", "!="]),
            st.sampled_from(field.status.values),
        ),
        st.builds(
            of_kind("string", "dataType"),
            st.just(field.data_type),
            st.sampled_from(["==", "!=", "contains"]),
            st.sampled_from(["invoices", "bills", "Invoice", "ll"]),
        ),
        st.builds(of_kind("datetime", "requested"), st.just(field.requested), every, query_dates),
        st.builds(of_kind("datetime", "completed"), st.just(field.completed), every, query_dates),
    )
    return built.filter(lambda leaf: leaf is not None)


@settings(max_examples=PULL_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), records=st.lists(pull_operations, min_size=2, max_size=6), typed=st.booleans())
def test_pull_operation_queries_select_what_a_python_filter_selects(
    data: st.DataObject, records: list[Record], typed: bool
) -> None:
    built = data.draw(trees(records, pull_leaves))
    check_selection(records, built, record_schema("PullOperation") if typed else None)


ORDER_FIELDS: list[tuple[Field, str]] = [
    (CompanyQuery.name, "string"),
    (CompanyQuery.id, "string"),
    (CompanyQuery.created, "datetime"),
    (CompanyQuery.last_sync, "datetime"),
]


@settings(max_examples=ORDER_EXAMPLES, deadline=None)
@given(records=record_lists, pick=st.sampled_from(ORDER_FIELDS), descending=st.booleans(), typed=st.booleans())
def test_order_by_orders_as_sorted_does(
    records: list[Record], pick: tuple[Field, str], descending: bool, typed: bool
) -> None:
    field, kind = pick
    ordering = order_by(field).desc() if descending else order_by(field)

    def key(record: Record) -> tuple[int, Any]:
        value = record.get(field.name)
        if value is None:
            return (0, 0)  # nulls first ascending (last descending)
        return (1, as_utc(value) if kind == "datetime" else value)

    schema = record_schema("Company") if typed else None
    assert order(records, str(ordering), schema=schema) == sorted(records, key=key, reverse=descending)
    STATS["order examples"] += 1
    SHAPES.add(f"orderBy={ordering}")


def test_zz_report_property_counts() -> None:
    """The counts for the closing note (runs after the properties above, in file order)."""
    if not STATS["select examples"]:
        pytest.skip("run with the property tests")
    line = (
        f"query-language property tests: {STATS['select examples']} select examples, "
        f"{STATS['typed select examples']} of them typed by the spec's schema, over "
        f"{STATS['records checked']} records ({STATS['records selected']} selected); "
        f"{STATS['order examples']} order examples, {len(SHAPES)} distinct query shapes, "
        f"{STATS['values the builder refused']} values the builder refused"
    )
    print(line)
    assert len(SHAPES) > 50


def test_the_builders_length_limit_is_the_evaluators() -> None:
    assert BUILDER_LIMIT == SERVER_LIMIT
    longest = CompanyQuery.name == "x" * (BUILDER_LIMIT - len("name="))
    assert select([{"name": "x"}], str(longest)) == []
    with pytest.raises(QueryError):
        CompanyQuery.name == "x" * (BUILDER_LIMIT + 1 - len("name="))  # noqa: B015
