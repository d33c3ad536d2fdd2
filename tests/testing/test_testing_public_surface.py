"""The public names of ``codat_sdk.testing`` and of its ``Sandbox`` are pinned: changes are deliberate."""

from __future__ import annotations

import doctest
import inspect

import codat_sdk.testing

TESTING = [
    "DEFAULT_START",
    "DEFAULT_TICK",
    "SERVER_URL",
    "Clock",
    "Delivery",
    "Exchange",
    "Fault",
    "Faults",
    "InjectedFault",
    "Sandbox",
    "WebhookCallback",
    "Webhooks",
]

SANDBOX = [
    "add_company",
    "api_key",
    "async_client",
    "async_files_client",
    "async_transport",
    "calls",
    "client",
    "clock",
    "companies",
    "company",
    "complete_pull_operations",
    "deauthorize",
    "faults",
    "files_client",
    "link",
    "schema_answered_operations",
    "serve",
    "stateful_operations",
    "transport",
    "webhooks",
]


def test_all_is_pinned() -> None:
    assert sorted(codat_sdk.testing.__all__) == sorted(TESTING)


def test_every_public_name_resolves_to_a_name_of_its_own() -> None:
    for name in codat_sdk.testing.__all__:
        value = getattr(codat_sdk.testing, name)
        if inspect.isclass(value):
            assert value.__name__ == name


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from codat_sdk.testing import *", namespace)
    assert sorted(name for name in namespace if name != "__builtins__") == sorted(TESTING)


def test_the_sandbox_surface_is_pinned() -> None:
    sandbox = codat_sdk.testing.Sandbox()
    public = sorted({name for name in dir(sandbox) if not name.startswith("_")})
    assert public == sorted(SANDBOX)


def test_the_package_docstrings_example_runs() -> None:
    failed, attempted = doctest.testmod(codat_sdk.testing, optionflags=doctest.ELLIPSIS, report=True)
    assert attempted and not failed
