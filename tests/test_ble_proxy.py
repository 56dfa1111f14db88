"""The simulated device through Home Assistant's own Bluetooth stack, nothing patched at the connection point.

A simulated Bluetooth proxy (a connectable remote scanner, as ESPHome proxies are) feeds HA the device's
advertisements; ``async_ble_device_from_address(connectable=True)`` then returns it and the provisioner's unpatched
``establish_connection`` connects through HA's client wrapper to the proxy's connector, the simulated backend.
"""

from __future__ import annotations

import bleak_retry_connector
import pytest
from homeassistant.components.bluetooth import (
    async_ble_device_from_address,
    async_discovered_service_info,
    async_register_scanner,
)
from homeassistant.core import HomeAssistant

from custom_components.quectel_iot.api import parse_advertisement
from custom_components.quectel_iot.api.ble_provisioning import provision_wifi
from quectel_simulator import CloudSimulator
from quectel_simulator.ble_device import SimulatedWifiDevice
from quectel_simulator.ble_scanner import SimulatedBluetoothProxy

PK, DK = "p11wifi", "a0b1c2d3e4f7"


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters mocked out (no radio)."""


async def test_discovered_and_provisioned_through_home_assistants_bluetooth(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    assert bleak_retry_connector.BleakClientWithServiceCache.__module__ == "habluetooth.usage"  # HA's wrapper is in
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, join_delay=0)
    proxy = SimulatedBluetoothProxy()
    unregister = async_register_scanner(hass, proxy)
    unsetup = proxy.async_setup()
    try:
        proxy.add_device(device)
        (info,) = [i for i in async_discovered_service_info(hass, connectable=True) if i.address == device.address]
        assert (info.name, info.source, info.connectable) == ("QUEC_BLE_E4F7", "quectel-simulator", True)
        advertisement = parse_advertisement(info.manufacturer_data, info.name)
        assert advertisement is not None
        assert advertisement.identity == (PK, DK)
        assert (advertisement.wifi_configured, advertisement.bound, advertisement.binding_allowed) == (
            False,
            False,
            True,
        )
        ble_device = async_ble_device_from_address(hass, device.address, connectable=True)
        assert ble_device is not None
        provisioned = await provision_wifi(ble_device, "Home", "secret-pass")
        assert (provisioned.product_key, provisioned.device_key) == (PK, DK)
        assert (device.connections, device.disconnections) == (1, 1)
        await device.reached_cloud.wait()
        proxy.advertise()
        (info,) = [i for i in async_discovered_service_info(hass, connectable=True) if i.address == device.address]
        after = parse_advertisement(info.manufacturer_data, info.name)
        assert after is not None
        assert after.wifi_configured is True
    finally:
        proxy.remove_device(device)
        await device.close()
        unsetup()
        unregister()
