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
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import bleak_retry_connector
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from .ble_protocol import (
    CMD_SCAN_WIFI_REPLY,
    CMD_SET_WIFI_REPLY,
    FIRST_PACKET_ID,
    FrameAssembler,
    ProvisionedDevice,
    WifiReplyStatus,
    encode_scan_wifi,
    encode_set_wifi,
    parse_set_wifi_reply,
    parse_wifi_scan_reply,
)
from .exceptions import (
    QuecBleCharacteristicMissingError,
    QuecBleConnectionError,
    QuecBleNotInRangeError,
    QuecBleNotInSetupModeError,
    QuecBleTimeoutError,
    QuecBleUnreadableReplyError,
    QuecBleWifiRejectedError,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable

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
DEFAULT_SCAN_TIMEOUT: Final = 6.0
"""Seconds to wait for the ``0x7013``: a form falls back to a typed network name after it."""
CONNECT_ATTEMPTS: Final = 3
_LINK_ERRORS: Final = (BleakError, EOFError, BrokenPipeError)


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
    expected_keys: tuple[str, str] | None = None,
) -> ProvisionedDevice:
    """Send the Wi-Fi settings to a factory-new device and return what it reports (PK, DK, binding code).

    The device then joins the network and reports its binding code to the cloud on its own; the caller binds it with
    ``deviceBindingByWifi``, which answers 5460 until then.

    Args:
        device: The device as the Bluetooth stack sees it, connectable; ``None`` when nothing has it in range.
        ssid: The network's name (1 to 32 bytes of UTF-8).
        password: The network's password (at most 64 bytes; empty for an open network).
        packet_id: The frame's packet id, 1 to 0xFFFE (the vendor's apps count from 1000); the reply must echo it.
        connect_timeout: Seconds for the connection.
        step_timeout: Seconds for each GATT operation.
        reply_timeout: Seconds for the device's ``0x7011`` after the write.
        expected_keys: ``(product_key, device_key)`` the device advertised: a reply with other keys is refused (the
            device key compared without regard to case, as hex).

    Raises:
        ValueError: An SSID, password or packet id the frame cannot carry (before anything is sent).
        QuecBleNotInRangeError: ``device`` is ``None``.
        QuecBleConnectionError: The connection failed or broke off (``QuecBleTimeoutError`` when a step timed out).
        QuecBleCharacteristicMissingError: The device lacks the characteristic.
        QuecBleWifiRejectedError: The device refused the settings.
        QuecBleNotInSetupModeError: The device answered an empty ``0x7011``: it is not in pairing mode.
        QuecBleUnreadableReplyError: The reply could not be read, carried invalid keys, or not the expected ones.
    """
    frame = encode_set_wifi(packet_id, ssid, password)
    async with _session(device, connect_timeout=connect_timeout, step_timeout=step_timeout) as link:
        _LOGGER.debug("Sending the Wi-Fi settings to %s (%d bytes)", link.address, len(frame))
        reply = await link.request(frame, packet_id, CMD_SET_WIFI_REPLY, reply_timeout)
    address = link.address
    parsed = parse_set_wifi_reply(reply.payload)
    if parsed.status is WifiReplyStatus.ACCEPTED and parsed.device is not None:
        if expected_keys is not None and not _same_keys(parsed.device, expected_keys):
            _LOGGER.debug("%s answered %s, not the keys it advertised %s", address, parsed.device, expected_keys)
            raise QuecBleUnreadableReplyError(
                f"{address} answered with keys other than the ones it advertises", ids_seen=parsed.ids_seen
            )
        _LOGGER.debug("%s took the Wi-Fi settings: %s", address, parsed.device)
        return parsed.device
    if parsed.status is WifiReplyStatus.REFUSED:
        raise QuecBleWifiRejectedError(f"{address} refused the Wi-Fi settings")
    if parsed.status is WifiReplyStatus.NOT_IN_SETUP_MODE:
        raise QuecBleNotInSetupModeError(f"{address} is not in pairing mode (it answered an empty 0x7011)")
    _LOGGER.debug("Unreadable 0x7011 from %s; TTLV ids seen: %s", address, parsed.ids_seen)
    raise QuecBleUnreadableReplyError(
        f"{address} answered without valid keys and binding code (ids {list(parsed.ids_seen)})",
        ids_seen=parsed.ids_seen,
    )


def _same_keys(device: ProvisionedDevice, expected: tuple[str, str]) -> bool:
    product_key, device_key = expected
    return device.product_key == product_key and device.device_key.lower() == device_key.lower()


async def scan_wifi_networks(
    device: BLEDevice | None,
    *,
    timeout: float = DEFAULT_SCAN_TIMEOUT,  # noqa: ASYNC109 - the reply's wait alone, not the whole call
    packet_id: int = FIRST_PACKET_ID,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    step_timeout: float = DEFAULT_STEP_TIMEOUT,
) -> list[str]:
    """Ask the device which Wi-Fi networks it sees (``0x7012`` → ``0x7013``), as provision_wifi connects.

    Returns the SSIDs in the device's order, empty and repeated names dropped. A device that does not answer within
    ``timeout`` seconds raises ``QuecBleTimeoutError`` (step ``reply``): a set-up form then asks for a typed name.

    Raises:
        QuecBleNotInRangeError: ``device`` is ``None``.
        QuecBleConnectionError: The connection failed or broke off (``QuecBleTimeoutError`` when a step timed out).
        QuecBleCharacteristicMissingError: The device lacks the characteristic.
        QuecBleUnreadableReplyError: The ``0x7013`` could not be read.
    """
    frame = encode_scan_wifi(packet_id)
    async with _session(device, connect_timeout=connect_timeout, step_timeout=step_timeout) as link:
        _LOGGER.debug("Asking %s for the Wi-Fi networks it sees", link.address)
        reply = await link.request(frame, packet_id, CMD_SCAN_WIFI_REPLY, timeout)
    try:
        ssids = parse_wifi_scan_reply(reply.payload)
    except ValueError as err:
        _LOGGER.debug("Unreadable 0x7013 from %s: %s", link.address, err)
        raise QuecBleUnreadableReplyError(f"{link.address} answered the Wi-Fi scan unreadably", ids_seen=()) from err
    _LOGGER.debug("%s sees %d Wi-Fi networks", link.address, len(ssids))
    return ssids


@dataclass(slots=True)
class _Link:
    """A connected device with indications on: write a frame, wait for its answer."""

    client: BleakClient
    characteristic: BleakGATTCharacteristic
    replies: asyncio.Queue[Frame | None]
    address: str
    step_timeout: float

    async def request(self, frame: bytes, packet_id: int, reply_command: int, reply_timeout: float) -> Frame:
        """Write ``frame`` and return the first ``reply_command`` frame that echoes ``packet_id``."""
        response = "write" in self.characteristic.properties
        await _step(
            self.client.write_gatt_char(self.characteristic, frame, response=response),
            "write",
            self.step_timeout,
            self.address,
        )
        return await _step(self._reply(packet_id, reply_command), "reply", reply_timeout, self.address)

    async def _reply(self, packet_id: int, reply_command: int) -> Frame:
        while True:
            received = await self.replies.get()
            if received is None:
                raise QuecBleConnectionError(f"{self.address} disconnected before answering")
            if received.command == reply_command and received.packet_id == packet_id:
                return received
            _LOGGER.debug(
                "Ignored frame 0x%04x (packet id %d) from %s", received.command, received.packet_id, self.address
            )


@asynccontextmanager
async def _session(device: BLEDevice | None, *, connect_timeout: float, step_timeout: float) -> AsyncIterator[_Link]:
    """Connect, find the characteristic, subscribe; always unsubscribe and disconnect after.

    A failing clean-up is logged at debug and never replaces the outcome (a result, or the error that ended the
    exchange): many modules drop the link on their own to join the Wi-Fi.
    """
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
        assembler = FrameAssembler()

        def on_indication(_sender: BleakGATTCharacteristic, data: bytearray) -> None:
            for received in assembler.feed(bytes(data)):
                replies.put_nowait(received)

        await _step(client.start_notify(characteristic, on_indication), "subscribe", step_timeout, address)
        try:
            yield _Link(client, characteristic, replies, address, step_timeout)
        finally:
            if client.is_connected:
                await _clean_up(client.stop_notify(characteristic), "unsubscribe", step_timeout, address)
    finally:
        await _clean_up(client.disconnect(), "disconnect", step_timeout, address)


async def _clean_up(awaitable: Awaitable[object], step: str, seconds: float, address: str) -> None:
    try:
        await _step(awaitable, step, seconds, address)
    # Whatever a backend raises here (its own error types too) must not replace the outcome.
    except Exception as err:
        _LOGGER.debug("Bluetooth %s with %s failed: %s", step, address, err)
