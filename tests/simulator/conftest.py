"""Fixtures of the simulator tests: a fresh demo simulator on 127.0.0.1 and a plain aiohttp session.

These tests need no Home Assistant instance, so the root conftest's autouse fixture (which pulls in ``hass``) is
overridden by a no-op here. They all talk to a local server, so sockets are enabled for every test of this folder
(pytest-socket's ``socket_enabled``; phcc's host allow-list still limits connections to 127.0.0.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import aiohttp
import pytest

from quectel_simulator import CloudSimulator
from tests.simulator.helpers import Cloud

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(socket_enabled: None) -> None:
    """Override the root fixture: no Home Assistant here, but sockets to 127.0.0.1."""


@pytest.fixture
async def sim() -> AsyncIterator[CloudSimulator]:
    """A fresh simulator with the demo data, on a free loopback port."""
    async with CloudSimulator.from_demo_data().running(host="127.0.0.1", port=0) as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def cloud(sim: CloudSimulator, http: aiohttp.ClientSession) -> Cloud:
    """Raw HTTP calls against ``sim``."""
    return Cloud(sim, http)
