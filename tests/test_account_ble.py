"""The account's Bluetooth calls (``async_scan_wifi``, ``async_send_wifi``) through Home Assistant's Bluetooth stack and
a simulated proxy, and the Bluetooth errors' words."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from custom_components.quectel_iot.account import WifiSettings
from custom_components.quectel_iot.api import ProvisionedDevice
from custom_components.quectel_iot.api.exceptions import QuecBleNotInSetupModeError
from custom_components.quectel_iot.errors import to_home_assistant_error
from quectel_simulator import CloudSimulator
from quectel_simulator.ble_device import NEIGHBOUR_NETWORKS, SimulatedWifiDevice
from quectel_simulator.ble_scanner import SimulatedBluetoothProxy
from tests.common import setup_demo_entry

PK, DK = "p11wifi", "a0b1c2d3e4f7"


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters mocked out (no radio)."""


async def test_the_account_lists_the_networks_the_device_sees(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, networks={"Home network": "correct horse battery"})
    proxy.add_device(device)
    assert await entry.runtime_data.async_scan_wifi(device.address) == ["Home network", *dict.fromkeys(
        ssid for ssid in NEIGHBOUR_NETWORKS if ssid
    )]  # fmt: skip
    assert (device.connections, device.disconnections) == (1, 1)
    assert device.wifi_ssid is None


async def test_a_device_out_of_range_is_a_translated_error(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    with pytest.raises(HomeAssistantError) as info:
        await entry.runtime_data.async_scan_wifi("A0:B1:C2:D3:E4:F7")
    assert info.value.translation_key == "ble_not_in_range"


async def test_not_in_setup_mode_has_its_own_words(hass: HomeAssistant) -> None:
    error = to_home_assistant_error(QuecBleNotInSetupModeError("A0:B1:C2:D3:E4:F7 answered an empty 0x7011"))
    assert (error.translation_domain, error.translation_key) == ("quectel_iot", "not_in_setup_mode")
    assert QuecBleNotInSetupModeError.key == "not_in_setup_mode"


async def test_send_wifi_checks_the_reply_against_the_advertised_keys(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, reported_device_key="a0b1c2d3e4f8", join_delay=0)
    proxy.add_device(device)
    settings = WifiSettings("Home network", "correct horse battery")
    with pytest.raises(HomeAssistantError) as info:
        await entry.runtime_data.async_send_wifi(device.address, settings)
    assert info.value.translation_key == "ble_unreadable_reply"
    device.reported_device_key = None
    provisioned = await entry.runtime_data.async_send_wifi(device.address, settings)
    assert provisioned == ProvisionedDevice(PK, DK, device.binding_code)


async def test_send_wifi_to_a_device_not_in_pairing_mode(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, setup_mode=False)
    proxy.add_device(device)
    with pytest.raises(HomeAssistantError) as info:
        await entry.runtime_data.async_send_wifi(device.address, WifiSettings("Home network", "pass"))
    assert info.value.translation_key == "not_in_setup_mode"
