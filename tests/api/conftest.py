"""Fixtures of the API-layer tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.api.helpers import issued, make_client

if TYPE_CHECKING:
    import aiohttp

    from custom_components.quectel_iot.api import QuecCloudClient
    from quectel_simulator import CloudSimulator


@pytest.fixture
async def client(session: aiohttp.ClientSession, simulator: CloudSimulator) -> QuecCloudClient:
    """The demo account's client, signed in (tokens issued directly, no login request)."""
    return make_client(session, simulator, tokens=issued(simulator))
