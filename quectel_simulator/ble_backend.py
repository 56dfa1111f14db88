"""A bleak client backend whose peripheral is a :class:`~quectel_simulator.ble_device.SimulatedWifiDevice`.

bleak lets a ``BleakClient`` run on a custom backend (``BleakClient(device, backend=SimulatedBleakBackend)``), so code
under test keeps the real ``BleakClient`` (and bleak-retry-connector's ``establish_connection``, which passes extra
keyword arguments through): only the radio is simulated. The ``BLEDevice`` to connect to is
:func:`ble_device`'s, whose ``details`` carry the simulated device, as a Bluetooth stack's own details would; or any
``BLEDevice`` with the address of a device :func:`put_in_range` (how :mod:`quectel_simulator.ble_scanner` lets Home
Assistant's Bluetooth stack connect, with no patching at all).

Tests swap :func:`simulated_establish_connection` in for ``establish_connection`` where the code under test imported
it, and hand that code ``ble_device(device)``::

    device = SimulatedWifiDevice("p11wifi", "a0b1c2d3e4f7", cloud=simulator)
    monkeypatch.setattr(ble_provisioning, "establish_connection", simulated_establish_connection)
    await ble_provisioning.provision_wifi(ble_device(device), "Home", "secret")
"""

# bleak's BaseBleakClient and establish_connection fix the signatures, used or not.
# ruff: noqa: ARG001, ARG002

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any, Final

import bleak
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from .ble_device import CHARACTERISTIC_UUID, SERVICE_UUID, SimulatedWifiDevice

if TYPE_CHECKING:
    from collections.abc import Callable

    from bleak.args import SizedBuffer
    from bleak.backends.client import NotifyCallback
    from bleak.backends.descriptor import BleakGATTDescriptor

_IN_RANGE: weakref.WeakValueDictionary[str, SimulatedWifiDevice] = weakref.WeakValueDictionary()


def put_in_range(device: SimulatedWifiDevice) -> None:
    """Let a ``BLEDevice`` with only the device's address (from a simulated proxy) connect to it."""
    _IN_RANGE[device.address] = device


def take_out_of_range(device: SimulatedWifiDevice) -> None:
    """Undo :func:`put_in_range`."""
    if _IN_RANGE.get(device.address) is device:
        del _IN_RANGE[device.address]


MAX_WRITE_WITH_RESPONSE: Final = 512
"""The longest attribute value (Bluetooth Core, ATT): bleak documents the same limit for writes with response."""
_MANUFACTURER_NAME_UUID: Final = "00002a29-0000-1000-8000-00805f9b34fb"


def _bleak_client_class() -> type[bleak.BleakClient]:
    # bleak's own client, also when Home Assistant has put its wrapper (a subclass) in bleak's namespace: the wrapper
    # routes connections through its scanners and would never reach the custom backend.
    return next(cls for cls in bleak.BleakClient.__mro__ if cls.__module__ == "bleak" and cls.__name__ == "BleakClient")


async def simulated_establish_connection(
    client_class: type[Any],
    device: BLEDevice,
    name: str,
    disconnected_callback: Callable[[bleak.BleakClient], None] | None = None,
    **kwargs: Any,
) -> bleak.BleakClient:
    """``establish_connection`` with bleak's client on the simulated backend, whatever ``client_class`` asks for.

    bleak-retry-connector's real retry loop runs (a refused connection is retried, then raised as it would be).
    """
    return await establish_connection(
        _bleak_client_class(), device, name, disconnected_callback, backend=SimulatedBleakBackend, **kwargs
    )


def ble_device(device: SimulatedWifiDevice) -> BLEDevice:
    """The ``BLEDevice`` a Bluetooth stack would hand out for the simulated device."""
    return BLEDevice(device.address, device.local_name, details=device)


class SimulatedBleakBackend(BaseBleakClient):
    """The bleak backend of a simulated device: connect, services, writes, indications, disconnect."""

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        """Find the simulated device in the ``BLEDevice``'s details.

        Raises:
            BleakError: When given an address or a device that is not simulated.
        """
        super().__init__(address_or_ble_device, **kwargs)
        details = address_or_ble_device.details if isinstance(address_or_ble_device, BLEDevice) else None
        if not isinstance(details, SimulatedWifiDevice):
            # Remote scanners' details are JSON (Home Assistant stores them): find the device by address instead.
            details = _IN_RANGE.get(self.address)
        if not isinstance(details, SimulatedWifiDevice):
            raise BleakError(f"{self.address} is not a simulated device")
        self._device = details
        self._connected = False

    @property
    def device(self) -> SimulatedWifiDevice:
        """The simulated peripheral."""
        return self._device

    @property
    def name(self) -> str:
        """The device's local name."""
        return self._device.local_name

    @property
    def mtu_size(self) -> int:
        """The device's ATT MTU."""
        return self._device.mtu

    @property
    def is_connected(self) -> bool:
        """Whether this client holds the connection."""
        return self._connected and self._device.connected

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        """Connect and discover the services.

        Raises:
            BleakError: When the device refuses the connection.
        """
        await asyncio.sleep(0)
        try:
            self._device.connect()
        except ConnectionRefusedError as err:
            raise BleakError(f"{self.address}: {err}") from err
        self._device.on_link_lost = self._link_lost
        self._connected = True
        self.services = self._gatt_table()

    def _gatt_table(self) -> BleakGATTServiceCollection:
        collection = BleakGATTServiceCollection()
        service = BleakGATTService(None, 1, SERVICE_UUID)
        collection.add_service(service)
        if self._device.has_characteristic:
            uuid, properties = CHARACTERISTIC_UUID, ["write", "indicate"]
        else:
            uuid, properties = _MANUFACTURER_NAME_UUID, ["read"]
        collection.add_characteristic(
            BleakGATTCharacteristic(None, 2, uuid, properties, lambda: self._device.mtu - 3, service)  # type: ignore[arg-type]
        )
        return collection

    def _link_lost(self) -> None:
        self._connected = False
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        """Disconnect (nothing happens when not connected)."""
        await asyncio.sleep(0)
        if self._connected:
            self._connected = False
            self._device.on_link_lost = None
            self._device.disconnect()

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        """The simulated device needs no pairing."""

    async def unpair(self) -> None:
        """The simulated device needs no pairing."""

    def _check_connected(self) -> None:
        if not self.is_connected:
            raise BleakError("Not connected")

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        """The set-up characteristic is not readable.

        Raises:
            BleakError: Always.
        """
        self._check_connected()
        raise BleakError(f"{characteristic.uuid} is not readable")

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        """No descriptors are modelled.

        Raises:
            BleakError: Always.
        """
        raise BleakError("no descriptors on the simulated device")

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: SizedBuffer) -> None:
        """No descriptors are modelled.

        Raises:
            BleakError: Always.
        """
        raise BleakError("no descriptors on the simulated device")

    async def write_gatt_char(self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool) -> None:
        """Hand the bytes to the device, within the ATT size limits.

        Raises:
            BleakError: Not connected, a write without response (not offered), or a value over 512 bytes.
        """
        self._check_connected()
        await asyncio.sleep(0)
        if not response:
            raise BleakError(f"{characteristic.uuid} takes writes with response only")
        value = bytes(data)
        if len(value) > MAX_WRITE_WITH_RESPONSE:
            raise BleakError(f"value of {len(value)} bytes is longer than an attribute")
        self._device.write(value)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        """Turn indications on."""
        self._check_connected()
        await asyncio.sleep(0)
        self._device.subscribe(lambda data: callback(bytearray(data)))

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        """Turn indications off."""
        self._check_connected()
        await asyncio.sleep(0)
        self._device.unsubscribe()
