"""Codat's query language, evaluated server-side over JSON records (the local Codat's ``query``/``orderBy``).

Written from Codat's published rules (docs.codat.io "Querying" and "Ordering results", and the
``Malformed-Query`` examples of the Platform spec), not from the SDK's query builders:

- a clause is ``property operator value``; whitespace around each part is ignored;
- operators ``=`` ``!=`` ``~`` (contains) ``>`` ``<`` ``>=`` ``<=``; which apply depends on the type:
  numbers and dates take all but ``~``; strings take ``=`` ``!=`` ``~``; booleans ``=`` ``!=``;
- clauses join with ``&&`` (and) or ``||`` (or); ``{`` ``}`` group, and are the way to combine the two;
  a group that mixes them without braces reads every ``||`` as ``&&`` (the docs' "Combining queries" note);
- ``a.b`` reaches a sub-property, a key of a map (``tags.region``), or the property of any element of
  an array (``dataConnections.status=Linked``: some connection is Linked); ``<array>.count`` is its length;
- the query text is URL-decoded once more on arrival (the docs' ``id%253D...`` example), and must be
  under 2048 characters;
- a bad query is a 400 whose ``error`` is ``Error parsing query - <reason>``.

Where the docs are silent the choices are marked GUESS in the code (case rules, null handling, how a
date compares with a date-time, what ``!=`` means over an array, the text of most error messages).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias
from urllib.parse import unquote

from ._querytypes import OPERATORS_BY_KIND, Kind, RecordSchema, UnresolvedProperty, as_kind, kind_of, read_value

__all__ = [
    "MALFORMED",
    "MAX_QUERY_LENGTH",
    "Comparison",
    "Expression",
    "Group",
    "QueryLanguageError",
    "RecordSchema",
    "order",
    "parse",
    "select",
]

# "The total length of your query should be under 2048 characters in order to be valid."
MAX_QUERY_LENGTH: Final = 2047

Operator = Literal["=", "!=", "~", ">", "<", ">=", "<="]
Joiner = Literal["&&", "||"]

# Two-character operators first, so ``>=`` is never read as ``>`` followed by a value ``=...``.
_OPERATORS: Final[tuple[Operator, ...]] = ("!=", ">=", "<=", "=", "~", ">", "<")
_PROPERTY: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*")
_TOKENS: Final = re.compile(r"\{|\}|&&|\|\|")

# The documented example of a malformed query's 400 (Platform spec, ``Malformed-Query``).
_PREFIX: Final = "Error parsing query - "
_ORDER_PREFIX: Final = "Error parsing orderBy - "
MALFORMED: Final = _PREFIX + "Malformed query."


class QueryLanguageError(ValueError):
    """A query or ordering Codat would refuse with a 400.

    ``message`` is the ``error`` text of Codat's ``ErrorMessage``; ``detail`` says, for people, what
    exactly is wrong (Codat's own text often does not).
    """

    def __init__(self, message: str, detail: str | None = None) -> None:
        super().__init__(message if detail is None else f"{message} ({detail})")
        self.message = message
        self.detail = detail


def _malformed(detail: str) -> QueryLanguageError:
    return QueryLanguageError(MALFORMED, detail)


@dataclass(frozen=True)
class Comparison:
    """One clause: ``path`` (the dotted property, split), ``operator``, and the value as written."""

    path: tuple[str, ...]
    operator: Operator
    value: str

    @property
    def property(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Group:
    """Terms joined by one joiner (a single-term group is just its term)."""

    joiner: Joiner
    terms: tuple[Expression, ...]


Expression: TypeAlias = Comparison | Group


def parse(query: str) -> Expression:
    """Parse Codat query text (as received in the ``query`` parameter) into an expression.

    Raises :class:`QueryLanguageError` for text Codat refuses: too long, unbalanced braces, a clause
    without an operator, property or value.
    """
    if not isinstance(query, str):
        raise TypeError(f"query must be a str, got {type(query).__name__}")
    if len(query) > MAX_QUERY_LENGTH:
        # GUESS: the docs say "the API will return an error message" without quoting it.
        raise QueryLanguageError(
            f"{_PREFIX}Query exceeds the maximum length of {MAX_QUERY_LENGTH + 1} characters.",
            f"{len(query)} characters",
        )
    text = unquote(query)
    parser = _Parser(text)
    expression = parser.expression()
    if parser.position < len(parser.tokens):
        raise _malformed(f"unexpected {parser.tokens[parser.position]!r} in {text!r}")
    return expression


class _Parser:
    """Recursive descent over ``{`` ``}`` ``&&`` ``||`` and the clause text between them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = []
        start = 0
        for token in _TOKENS.finditer(text):
            self.tokens.append(text[start : token.start()])
            self.tokens.append(token[0])
            start = token.end()
        self.tokens.append(text[start:])
        self.position = 0

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self) -> Expression:
        terms = [self.term()]
        joiners: set[str] = set()
        while (token := self._peek()) in ("&&", "||"):
            assert token is not None
            joiners.add(token)
            self.position += 1
            terms.append(self.term())
        if len(terms) == 1:
            return terms[0]
        # Mixed without braces: Codat reads every || as && (docs, "Combining queries").
        return Group("&&" if "&&" in joiners else "||", tuple(terms))

    def term(self) -> Expression:
        # Tokens alternate text, separator, text...: a term is a text, possibly blank before a '{'.
        text = self._peek()
        self.position += 1
        if text is None or text in ("&&", "||", "{", "}"):
            raise _malformed(f"expected a clause in {self.text!r}")
        if text.strip():
            return _clause(text)
        if self._peek() != "{":
            raise _malformed(f"empty clause in {self.text!r}")
        self.position += 1
        inner = self.expression()
        if self._peek() != "}":
            raise _malformed(f"'{{' not closed in {self.text!r}")
        self.position += 1
        trailing = self._peek()
        self.position += 1
        if trailing is None or trailing.strip():
            raise _malformed(f"text after '}}' without && or || in {self.text!r}")
        return inner


def _clause(text: str) -> Comparison:
    for index, char in enumerate(text):
        if char not in "!=~<>":
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, index)), None)
        if operator is None:  # a lone '!'
            continue
        name, value = text[:index].strip(), text[index + len(operator) :].strip()
        if not _PROPERTY.fullmatch(name):
            raise _malformed(f"{name!r} is not a property name, in clause {text.strip()!r}")
        if not value:
            raise _malformed(f"clause {text.strip()!r} has no value")
        return Comparison(tuple(name.split(".")), operator, value)
    raise _malformed(f"clause {text.strip()!r} has no operator")


# -- evaluation ---------------------------------------------------------------------------------------

_MISSING: Final = object()
Test = Callable[[Mapping[str, Any]], bool]


def _resolve(node: object, path: Sequence[str]) -> Iterator[object]:
    """Every value ``path`` reaches from ``node``: arrays fan out (any element may match), ``count``
    on an array is its length; a missing or null property reaches nothing."""
    if node is None:
        return
    if not path:
        if isinstance(node, list):
            yield from (item for item in node if item is not None)
        else:
            yield node
        return
    head, rest = path[0], path[1:]
    if isinstance(node, list):
        if head == "count":
            yield from _resolve(len(node), rest)
            return
        for item in node:
            yield from _resolve(item, path)
        return
    if isinstance(node, Mapping):
        # Property names and map keys are matched exactly (GUESS: the docs show camelCase only).
        yield from _resolve(node.get(head), rest)


def _unsupported(clause: Comparison, kind: Kind) -> QueryLanguageError:
    # GUESS: Codat's text for an operator the property's type does not take is not documented.
    return QueryLanguageError(
        f"{_PREFIX}Operator {clause.operator} is not supported on {kind} property {clause.property}"
    )


def _invalid_value(clause: Comparison, kind: Kind) -> QueryLanguageError:
    # GUESS: undocumented text, as above.
    return QueryLanguageError(
        f"{_PREFIX}Could not convert value {clause.value} to {kind} for property {clause.property}"
    )


_COMPARE: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "=": lambda found, wanted: bool(found == wanted),
    "!=": lambda found, wanted: bool(found != wanted),
    ">": lambda found, wanted: bool(found > wanted),
    "<": lambda found, wanted: bool(found < wanted),
    ">=": lambda found, wanted: bool(found >= wanted),
    "<=": lambda found, wanted: bool(found <= wanted),
    # GUESS: contains ignores case; = and != do not.
    "~": lambda found, wanted: wanted.casefold() in found.casefold(),
}


def _wanted(clause: Comparison, kind: Kind) -> object:
    """The clause's value read as ``kind``; raises Codat's 400 where the kind refuses the operator or value."""
    if clause.operator not in OPERATORS_BY_KIND[kind]:
        raise _unsupported(clause, kind)
    wanted = read_value(clause.value, kind)
    if wanted is None:
        raise _invalid_value(clause, kind)
    return wanted


def _compile_clause(clause: Comparison, schema: RecordSchema | None, scope: tuple[str, ...]) -> Test:
    compare = _COMPARE[clause.operator]
    if schema is not None:
        try:
            kind = schema.kind((*scope, *clause.path))
        except UnresolvedProperty as missing:
            raise QueryLanguageError(f"{_PREFIX}{missing}") from None
        if kind != "any":
            wanted = _wanted(clause, kind)  # checked once, before any record: the type decides
            return lambda record: any(
                (found := as_kind(value, kind)) is not None and compare(found, wanted)
                for value in _resolve(record, clause.path)
            )

    def test(record: Mapping[str, Any]) -> bool:
        for value in _resolve(record, clause.path):
            kind = kind_of(value, clause.value)
            if kind == "object":
                continue  # an object (a whole map) compares with nothing
            if compare(as_kind(value, kind), _wanted(clause, kind)):
                return True
        return False

    return test


def _compile(expression: Expression, schema: RecordSchema | None, scope: tuple[str, ...] = ()) -> Test:
    """A test of one record; ``scope`` is where the paths start within the schema's records."""
    if isinstance(expression, Comparison):
        return _compile_clause(expression, schema, scope)
    tests = [_compile(term, schema, scope) for term in expression.terms]
    if expression.joiner == "&&":
        return lambda record: all(test(record) for test in tests)
    return lambda record: any(test(record) for test in tests)


def select(
    records: Sequence[Mapping[str, Any]],
    query: str | None,
    *,
    schema: RecordSchema | None = None,
    within: str | None = None,
) -> list[Mapping[str, Any]]:
    """The records ``query`` selects, in their order; all of them for no (or a blank) query.

    ``schema`` types each property as the spec does (and refuses properties it lacks, as Codat does);
    without it each value's own JSON type decides. ``within`` names a property the query's paths start
    from, e.g. ``within="tags"`` for *List companies*' ``tags`` parameter (``region=uk``); ``schema`` is
    still the records' schema. Raises :class:`QueryLanguageError`.
    """
    if query is None or not query.strip():
        return list(records)
    test = _compile(parse(query), schema, () if within is None else (within,))
    if within is None:
        return [record for record in records if test(record)]
    return [record for record in records if isinstance(scope := record.get(within), Mapping) and test(scope)]


# -- ordering ------------------------------------------------------------------------------------------


def _order_key(value: object, kind: Kind) -> tuple[int, Any]:
    """Values of one property sort by kind, then within the kind; nulls (GUESS: first, as in
    ascending SQL and .NET ordering) before everything."""
    if value is None or value is _MISSING:
        return (0, 0)
    if kind == "any":
        kind = kind_of(value)
    found = as_kind(value, kind)
    if found is None:  # a list, an object, or a value of another type than the schema's
        return (5, str(value))
    return ({"boolean": 1, "number": 2, "date": 3, "string": 4}.get(kind, 5), found)


def _single(record: Mapping[str, Any], path: Sequence[str]) -> object:
    node: object = record
    for name in path:
        if isinstance(node, list) and name == "count":
            node = len(node)
        elif isinstance(node, Mapping):
            node = node.get(name, _MISSING)
        else:
            return _MISSING
    return node


def order(
    records: Sequence[Mapping[str, Any]], order_by: str | None, *, schema: RecordSchema | None = None
) -> list[Mapping[str, Any]]:
    """The records ordered by ``order_by`` (``name`` ascending, ``-name`` descending); stable, and in
    their own order for no (or a blank) ordering. ``schema`` types the property as in :func:`select`.
    Raises :class:`QueryLanguageError`."""
    if order_by is None or not order_by.strip():
        return list(records)
    text = unquote(order_by).strip()
    descending = text.startswith("-")
    name = text[1:].strip() if descending else text
    if not _PROPERTY.fullmatch(name):
        # GUESS: Codat's text for a bad orderBy is not documented.
        raise QueryLanguageError(f"{_ORDER_PREFIX}{name!r} is not a property name.")
    path = tuple(name.split("."))
    kind: Kind = "any"
    if schema is not None:
        try:
            kind = schema.kind(path)
        except UnresolvedProperty as missing:
            raise QueryLanguageError(f"{_ORDER_PREFIX}{missing}") from None
    keys = [_order_key(_single(record, path), kind) for record in records]
    # Python's sort is stable in both directions; keys of different kinds only compare their kind number.
    indices = sorted(range(len(records)), key=keys.__getitem__, reverse=descending)
    return [records[index] for index in indices]
