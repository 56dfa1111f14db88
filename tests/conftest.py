"""Fixtures: the cloud simulator on loopback, and Home Assistant's custom integrations switched on."""

from __future__ import annotations

from typing import TYPE_CHECKING
from unittest.mock import patch

import aiohttp
import pytest
from homeassistant.components.bluetooth import async_register_scanner

# Import our package before phcc's testing_config puts its own custom_components first on sys.path.
from custom_components.quectel_iot.api import PollSchedule, Region
from custom_components.quectel_iot.const import DOMAIN  # noqa: F401
from quectel_simulator import CloudSimulator
from quectel_simulator.ble_scanner import SimulatedBluetoothProxy
from tests.common import EU_ALT_HOST, NA_HOST, OTHER_DOMAIN, known_hosts

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from homeassistant.core import HomeAssistant


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/quectel_iot in every test."""


@pytest.fixture
def fast_wifi_polling() -> Iterator[None]:
    """Ask the cloud every 50 ms instead of every 1 s / 3 s while a set-up waits (the loop and its stop are unchanged)."""
    with patch("custom_components.quectel_iot.api.wifi_binding.POLL_SCHEDULE", PollSchedule(0.05, 0.0, 0.05)):
        yield


@pytest.fixture
async def simulator(socket_enabled: None) -> AsyncIterator[CloudSimulator]:
    """A fresh simulator with the demo data, on a free loopback port.

    phcc blocks sockets; ``socket_enabled`` lifts that, and its host allow-list still limits connections to 127.0.0.1.
    """
    sim = CloudSimulator.from_demo_data()
    await sim.start(host="127.0.0.1", port=0)
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session for tests of the HA-free API layer."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def cloud_hosts(simulator: CloudSimulator) -> AsyncIterator[CloudSimulator]:
    """The cloud's known hosts on loopback, for region ``auto`` and the explicit regions.

    Europe's documented host is the simulator's primary listener (the demo domain ``C.DM.90001.1``), its alternate a
    second listener (``EU_ALT_HOST``) that alone serves ``E.DM.90002.1``; North America's one host (``NA_HOST``) serves
    no user domain; China has no host. A listener answers 5015 to a user domain it does not serve.
    """
    eu_alt = await simulator.start_host(EU_ALT_HOST, [OTHER_DOMAIN])
    north_america = await simulator.start_host(NA_HOST, [])
    with known_hosts({Region.EUROPE: (simulator.url, eu_alt), Region.NORTH_AMERICA: (north_america,)}):
        yield simulator


@pytest.fixture
async def proxy(hass: HomeAssistant) -> AsyncIterator[SimulatedBluetoothProxy]:
    """A simulated Bluetooth proxy registered with HA's Bluetooth stack (needs ``enable_bluetooth``).

    Devices added to it are discovered and connected to through Home Assistant's own Bluetooth code, as through an
    ESPHome proxy; they are removed and stopped afterwards.
    """
    scanner = SimulatedBluetoothProxy()
    unregister = async_register_scanner(hass, scanner)
    unsetup = scanner.async_setup()
    yield scanner
    for device in list(scanner.devices.values()):
        scanner.remove_device(device)
        await device.close()
    unsetup()
    unregister()
