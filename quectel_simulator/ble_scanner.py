"""A simulated Bluetooth proxy: Home Assistant's Bluetooth stack sees simulated devices and connects to them.

Home Assistant takes advertisements from remote scanners (as ESPHome proxies and the Ruuvi Gateway feed it:
``homeassistant/components/ruuvi_gateway/bluetooth.py``) and, for a connectable scanner, connects through its
``HaBluetoothConnector``: ``habluetooth/wrappers.py`` ``_async_get_backend_for_ble_device`` picks
``scanner.connector.client`` for a device whose details name the scanner's source, and ``HaBleakClientWrapper.connect``
instantiates that backend class with the ``BLEDevice``. So this scanner hands :class:`SimulatedBleakBackend` as the
connector's client and puts its devices in range of that backend (details stay JSON: Home Assistant stores a remote
scanner's history, ``habluetooth/storage.py``). Integrations then find the device
with ``bluetooth.async_ble_device_from_address(hass, address, connectable=True)`` and connect with
``establish_connection`` unpatched, exactly as through a real proxy.

Uses habluetooth (it ships with Home Assistant); registering the scanner is the caller's, with
``homeassistant.components.bluetooth.async_register_scanner(hass, scanner)`` and ``scanner.async_setup()``.
"""

from __future__ import annotations

from typing import Final

from bluetooth_data_tools import monotonic_time_coarse
from habluetooth import BaseHaRemoteScanner, HaBluetoothConnector

from .ble_backend import SimulatedBleakBackend, put_in_range, take_out_of_range
from .ble_device import SERVICE_UUID, SimulatedWifiDevice

DEFAULT_SOURCE: Final = "quectel-simulator"
"""The scanner's source id, standing in for a proxy's MAC address."""
RSSI: Final = -55


class SimulatedBluetoothProxy(BaseHaRemoteScanner):
    """A connectable remote scanner that hears the simulated devices added to it."""

    def __init__(self, source: str = DEFAULT_SOURCE, name: str = "Quectel simulator") -> None:
        """A proxy with no devices yet; its connector connects through the simulated backend."""
        connector = HaBluetoothConnector(client=SimulatedBleakBackend, source=source, can_connect=lambda: True)
        super().__init__(source, name, connector, connectable=True)
        self.devices: dict[str, SimulatedWifiDevice] = {}

    def add_device(self, device: SimulatedWifiDevice) -> None:
        """Start hearing a device (it advertises at once)."""
        self.devices[device.address] = device
        put_in_range(device)
        self.advertise()

    def remove_device(self, device: SimulatedWifiDevice) -> None:
        """Stop hearing a device (Home Assistant lets it expire)."""
        self.devices.pop(device.address, None)
        take_out_of_range(device)

    def advertise(self) -> None:
        """Pass on one advertisement of every device (call it every few seconds: unheard devices expire)."""
        now = monotonic_time_coarse()
        for device in self.devices.values():
            self._async_on_advertisement(
                device.address,
                RSSI,
                device.local_name,
                [SERVICE_UUID],
                {},
                device.manufacturer_data(),
                None,
                {},
                now,
            )
