"""Bases of the generated resource groups (``client.companies``, ``client.connections``, ...)."""

from __future__ import annotations

from ._client import AsyncAPIClient, SyncAPIClient


class SyncResource:
    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client


class AsyncResource:
    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client
