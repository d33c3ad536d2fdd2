"""Which operations the sandbox keeps state for, and which it answers from their schema, from the route tables.

The sandbox's handler registry is its own code; which operations the specs have is read from the route
tables, so a new operation in a spec bump lands among the schema-answered ones without anyone listing it.
"""

from __future__ import annotations

from codat_sdk.testing import Sandbox
from codat_sdk.testing._app import tables
from codat_sdk.testing._handlers import HANDLERS


def test_every_handler_is_for_an_operation_of_the_specs() -> None:
    operations = {route.operation_id for table in tables() for route in table}
    assert set(HANDLERS) <= operations, set(HANDLERS) - operations


def test_every_operation_is_either_stateful_or_schema_answered_never_both() -> None:
    operations = [route.operation_id for table in tables() for route in table]
    stateful, schema_answered = Sandbox.stateful_operations(), Sandbox.schema_answered_operations()
    assert sorted(stateful + schema_answered) == sorted(operations)
    assert not set(stateful) & set(schema_answered)
    assert set(stateful) == set(HANDLERS)
    print(f"\nstateful ({len(stateful)}): {', '.join(stateful)}")
    print(f"schema-answered ({len(schema_answered)}): {', '.join(schema_answered)}")


def test_what_issue_14_asks_for_is_stateful() -> None:
    """Companies, connections, pull operations and data status, webhook consumers, files (by resource group)."""
    groups = {route.group for table in tables() for route in table if route.operation_id in HANDLERS}
    assert {"companies", "connections", "refresh_data", "webhooks", "files"} <= groups
