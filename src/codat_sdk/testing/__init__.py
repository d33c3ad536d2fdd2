"""A stateful local Codat for your app's tests: ``Sandbox``, in process or on a loopback port.

>>> from codat_sdk.testing import Sandbox
>>> from codat_sdk_platform.models import CompanyRequestBody
>>> sandbox = Sandbox(seed=1)
>>> codat = sandbox.client()            # a CodatPlatform answered by the sandbox, no socket
>>> company = codat.companies.create(body=CompanyRequestBody(name="Toft stores"))
>>> sandbox.company(company.id)["name"]
'Toft stores'

Installing the SDK also installs a pytest plugin with the fixtures ``codat_sandbox``, ``codat_client``,
``codat_async_client``, ``codat_files_client`` and ``codat_async_files_client``.

Nothing is loaded until first used: importing this package (as pytest does, for the plugin) is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import Exchange
    from ._clock import DEFAULT_START, DEFAULT_TICK, Clock
    from ._delivery import Delivery, WebhookCallback, Webhooks
    from ._faults import Fault, Faults, InjectedFault
    from ._sandbox import SERVER_URL, Sandbox

# Public name -> the private module defining it.
_EXPORTS = {
    "DEFAULT_START": "_clock",
    "DEFAULT_TICK": "_clock",
    "SERVER_URL": "_sandbox",
    "Clock": "_clock",
    "Delivery": "_delivery",
    "Exchange": "_app",
    "Fault": "_faults",
    "Faults": "_faults",
    "InjectedFault": "_faults",
    "Sandbox": "_sandbox",
    "WebhookCallback": "_delivery",
    "Webhooks": "_delivery",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
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
