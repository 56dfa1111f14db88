"""Giving a factory-new Wi-Fi device its Wi-Fi settings over Bluetooth (HA-free: bleak and bleak-retry-connector only).

The caller hands over a connectable ``BLEDevice`` (in Home Assistant, ``bluetooth.async_ble_device_from_address(hass,
address, connectable=True)``, which works through local adapters and Bluetooth proxies alike). One call connects,
subscribes to indications on the device's single characteristic, writes the ``0x7010`` frame, waits for the ``0x7011``
reply and always unsubscribes and disconnects. Every step has a timeout; nothing blocks the loop. The Wi-Fi password
is only ever in the frame written to the device: never logged, never in an exception.

How the sources do it (cloud_api.md §7.3): one characteristic ``00009c40-…`` for writes and indications (Quectel's
Android sample ``DistributionNetworkActivity``, the WeChat sample opens it with ``type: 'indication'``); each frame is
one Write Request, however long (unquec-ble ``ble/src/main.rs`` ``write_to_characteristic``; pecron-monitor
``ble_transport.py`` asks for MTU 256 so that a frame fits); the reply may span several indications.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import TYPE_CHECKING, Final

import bleak_retry_connector
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from .ble_protocol import (
    CMD_SET_WIFI_REPLY,
    FIRST_PACKET_ID,
    FrameAssembler,
    ProvisionedDevice,
    WifiReplyStatus,
    encode_set_wifi,
    parse_set_wifi_reply,
)
from .exceptions import QuecError

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from bleak import BleakClient
    from bleak.backends.characteristic import BleakGATTCharacteristic
    from bleak.backends.device import BLEDevice

    from .ble_protocol import Frame

_LOGGER = logging.getLogger(__name__)

CHARACTERISTIC_UUID: Final = "00009c40-0000-1000-8000-00805f9b34fb"
DEFAULT_CONNECT_TIMEOUT: Final = 60.0
"""Seconds for the whole connection, bleak-retry-connector's own attempts included."""
DEFAULT_STEP_TIMEOUT: Final = 15.0
"""Seconds for each GATT step: subscribing, the write, unsubscribing, disconnecting."""
DEFAULT_REPLY_TIMEOUT: Final = 30.0
"""Seconds to wait for the ``0x7011`` after the write (unquec-ble saw it within about a second)."""
CONNECT_ATTEMPTS: Final = 3
_LINK_ERRORS: Final = (BleakError, EOFError, BrokenPipeError)


class QuecBleError(QuecError):
    """Base of the Bluetooth set-up errors. Messages name the device by address, never a secret."""

    key = "ble_error"


class QuecBleNotInRangeError(QuecBleError):
    """No connectable Bluetooth adapter or proxy has the device in range."""

    key = "not_in_range"


class QuecBleConnectionError(QuecBleError):
    """The connection failed or broke off."""

    key = "cannot_connect"


class QuecBleTimeoutError(QuecBleConnectionError):
    """A step took too long: connecting, a GATT operation, or the device's reply."""

    key = "timeout"

    def __init__(self, message: str, *, step: str) -> None:
        """Keep which step timed out (``connect``, ``subscribe``, ``write`` or ``reply``)."""
        super().__init__(message)
        self.step = step


class QuecBleCharacteristicMissingError(QuecBleError):
    """The device has no ``00009c40-…`` characteristic: not a Quectel module that takes Wi-Fi settings."""

    key = "characteristic_missing"


class QuecBleWifiRejectedError(QuecBleError):
    """The device answered that it refused the Wi-Fi settings."""

    key = "wifi_rejected"


class QuecBleUnreadableReplyError(QuecBleError):
    """The device answered with a ``0x7011`` that carries neither a refusal nor its keys and code."""

    key = "unreadable_reply"

    def __init__(self, message: str, *, ids_seen: tuple[int, ...]) -> None:
        """Keep the TTLV ids the reply carried, for diagnostics."""
        super().__init__(message)
        self.ids_seen = ids_seen


async def _step[T](awaitable: Awaitable[T], step: str, seconds: float, address: str) -> T:
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError as err:
        raise QuecBleTimeoutError(f"Bluetooth {step} timed out with {address}", step=step) from err
    except _LINK_ERRORS as err:
        raise QuecBleConnectionError(f"Bluetooth {step} failed with {address}: {err}") from err


async def provision_wifi(
    device: BLEDevice | None,
    ssid: str,
    password: str,
    *,
    packet_id: int = FIRST_PACKET_ID,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    step_timeout: float = DEFAULT_STEP_TIMEOUT,
    reply_timeout: float = DEFAULT_REPLY_TIMEOUT,
) -> ProvisionedDevice:
    """Send the Wi-Fi settings to a factory-new device and return what it reports (PK, DK, binding code).

    The device then joins the network and reports its binding code to the cloud on its own; the caller binds it with
    ``deviceBindingByWifi``, which answers 5460 until then.

    Args:
        device: The device as the Bluetooth stack sees it, connectable; ``None`` when nothing has it in range.
        ssid: The network's name (1 to 32 bytes of UTF-8).
        password: The network's password (at most 64 bytes; empty for an open network).
        packet_id: The frame's packet id (the vendor's apps count from 1000).
        connect_timeout: Seconds for the connection.
        step_timeout: Seconds for each GATT operation.
        reply_timeout: Seconds for the device's ``0x7011`` after the write.

    Raises:
        ValueError: An SSID or password the frame cannot carry (before anything is sent).
        QuecBleNotInRangeError: ``device`` is ``None``.
        QuecBleConnectionError: The connection failed or broke off (``QuecBleTimeoutError`` when a step timed out).
        QuecBleCharacteristicMissingError: The device lacks the characteristic.
        QuecBleWifiRejectedError: The device refused the settings.
        QuecBleUnreadableReplyError: The reply could not be read.
    """
    frame = encode_set_wifi(packet_id, ssid, password)
    if device is None:
        raise QuecBleNotInRangeError("No connectable Bluetooth adapter or proxy has the device in range")
    address = device.address
    replies: asyncio.Queue[Frame | None] = asyncio.Queue()

    def on_disconnect(_client: BleakClient) -> None:
        replies.put_nowait(None)

    # Looked up now, not at import: Home Assistant's Bluetooth swaps in its own class (proxies, adapter choice) when
    # it starts (habluetooth/usage.py, install_multiple_bleak_catcher).
    client = await _step(
        establish_connection(
            bleak_retry_connector.BleakClientWithServiceCache,
            device,
            device.name or address,
            disconnected_callback=on_disconnect,
            max_attempts=CONNECT_ATTEMPTS,
        ),
        "connect",
        connect_timeout,
        address,
    )
    _LOGGER.debug("Connected to %s", address)
    try:
        try:
            characteristic = client.services.get_characteristic(CHARACTERISTIC_UUID)
        except BleakError as err:
            raise QuecBleConnectionError(f"Bluetooth service discovery failed with {address}: {err}") from err
        if characteristic is None:
            raise QuecBleCharacteristicMissingError(
                f"{address} has no Wi-Fi set-up characteristic ({CHARACTERISTIC_UUID})"
            )
        return await _exchange(
            client,
            characteristic,
            frame,
            replies=replies,
            address=address,
            step_timeout=step_timeout,
            reply_timeout=reply_timeout,
        )
    finally:
        try:
            await _step(client.disconnect(), "disconnect", step_timeout, address)
        except QuecBleError as err:
            _LOGGER.debug("Disconnecting from %s: %s", address, err)


async def _exchange(
    client: BleakClient,
    characteristic: BleakGATTCharacteristic,
    frame: bytes,
    *,
    replies: asyncio.Queue[Frame | None],
    address: str,
    step_timeout: float,
    reply_timeout: float,
) -> ProvisionedDevice:
    assembler = FrameAssembler()

    def on_indication(_sender: BleakGATTCharacteristic, data: bytearray) -> None:
        for received in assembler.feed(bytes(data)):
            replies.put_nowait(received)

    await _step(client.start_notify(characteristic, on_indication), "subscribe", step_timeout, address)
    try:
        response = "write" in characteristic.properties
        _LOGGER.debug("Sending the Wi-Fi settings to %s (%d bytes, with response: %s)", address, len(frame), response)
        await _step(client.write_gatt_char(characteristic, frame, response=response), "write", step_timeout, address)
        reply = await _step(_first_reply(replies, address), "reply", reply_timeout, address)
    finally:
        if client.is_connected:
            with suppress(QuecBleError):
                await _step(client.stop_notify(characteristic), "unsubscribe", step_timeout, address)
    parsed = parse_set_wifi_reply(reply.payload)
    if parsed.status is WifiReplyStatus.ACCEPTED and parsed.device is not None:
        _LOGGER.debug("%s took the Wi-Fi settings: %s", address, parsed.device)
        return parsed.device
    if parsed.status is WifiReplyStatus.REFUSED:
        raise QuecBleWifiRejectedError(f"{address} refused the Wi-Fi settings")
    _LOGGER.debug("Unreadable 0x7011 from %s; TTLV ids seen: %s", address, parsed.ids_seen)
    raise QuecBleUnreadableReplyError(
        f"{address} answered without its keys and binding code (ids {list(parsed.ids_seen)}): it may not be in "
        "set-up mode",
        ids_seen=parsed.ids_seen,
    )


async def _first_reply(replies: asyncio.Queue[Frame | None], address: str) -> Frame:
    while True:
        received = await replies.get()
        if received is None:
            raise QuecBleConnectionError(f"{address} disconnected before answering")
        if received.command == CMD_SET_WIFI_REPLY:
            return received
        _LOGGER.debug("Ignored frame 0x%04x from %s", received.command, address)
