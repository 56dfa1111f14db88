"""A device Home Assistant saw before any account was set up is offered once the first account is there.

Discovery of a Quectel device with no loaded account ends at once (``account_required``), and Home Assistant's
Bluetooth matcher does not start a flow again for an advertisement it has matched: without a rediscovery at the
entry's setup, a device that was in range before the account was added would never show under *Discovered* (until a
restart, or until its advertisement changed). ``scripts/develop`` ran into it first: its simulated device advertises
from Home Assistant's start, and the account is added later in the UI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from quectel_simulator.ble_device import SimulatedWifiDevice
from quectel_simulator.ble_scanner import SimulatedBluetoothProxy
from tests.common import FRIEND_UID, flows, setup_demo_entry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from quectel_simulator import CloudSimulator

NEW_PK, NEW_DK = "p11wifi", "a0b1c2d3e4f7"


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters mocked out (no radio)."""


async def test_a_device_seen_before_the_first_account_is_offered_with_it(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy
) -> None:
    proxy.add_device(SimulatedWifiDevice(NEW_PK, NEW_DK, cloud=simulator))
    await hass.async_block_till_done()
    assert flows(hass) == []  # discovered, but no account to bind it to: account_required
    proxy.advertise()  # the same advertisement again: Home Assistant has matched it already
    await hass.async_block_till_done()
    assert flows(hass) == []

    await setup_demo_entry(hass, simulator)
    await hass.async_block_till_done()
    (flow,) = flows(hass)
    assert (flow["step_id"], flow["context"]["unique_id"]) == ("provision_confirm", f"{NEW_PK}_{NEW_DK}")

    # A second account does not offer it twice.
    await setup_demo_entry(hass, simulator, uid=FRIEND_UID)
    await hass.async_block_till_done()
    assert [f["flow_id"] for f in flows(hass)] == [flow["flow_id"]]
