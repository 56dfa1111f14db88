"""Decoding the Bluetooth advertisement of Quectel devices (pure, no I/O), as the vendor's own sample app reads it.

Manufacturer data under company id 0x5551 (``51 55`` reads "QU"), payload (cloud_api.md §7.1)::

    "EC" | version (2, BE) | pkLen (1) | pk (ASCII) | dkLen (1) | dk (raw bytes) | deviceStatus (1) | flags (2, LE)

Read as Quectel's Android demo does (``quecloud-iot-android-sdk-demo``, ``utils/DeviceUtil.java``): capabilities =
``flags & 0x0F`` (bit0 WAN, bit1 Wi-Fi LAN, bit2 BLE, bit3 Matter); flags bit 8 = the DK hex carries a padding "0" at
its end; flags bits 9-11 = the cloud endpoint type; bound = ``deviceStatus`` bit 2. The other status bits as the
reference reconciles unquec-ble's reading with it (unconfirmed): bit 1 Wi-Fi configured, bit 3 binding allowed.

Never hide a device on an uncertain bit: only "bound" is confirmed, so ``binding_allowed`` is ``True`` or unknown,
never ``False``, and a Wi-Fi-capable device that is not bound is a set-up candidate whatever its Wi-Fi bit says. Every
field is read defensively: odd, short or random bytes give ``None``, never an exception. The local name
``QUEC_BLE_XXXX`` carries only the last four characters of the DK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntFlag
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

QUECTEL_MANUFACTURER_ID: Final = 0x5551
LOCAL_NAME_PREFIX: Final = "QUEC_BLE_"
_TAG: Final = b"EC"
_CAPABILITIES: Final = 0x0F
_FLAG_DK_PADDED: Final = 0x100
_ENDPOINT_SHIFT: Final = 9
_STATUS_WIFI_CONFIGURED: Final = 0x02
_STATUS_BOUND: Final = 0x04
_STATUS_BINDING_ALLOWED: Final = 0x08
_PRODUCT_KEY: Final = re.compile(r"^[0-9A-Za-z]{1,32}$")
_NAME_SUFFIX: Final = re.compile(r"^QUEC_BLE_([0-9A-Za-z]{1,16})$")


class Capability(IntFlag):
    """The advertised capabilities (the SDK's ``capabilitiesBitmask``)."""

    WAN = 1
    WIFI = 2
    BLE = 4
    MATTER = 8


@dataclass(frozen=True, slots=True)
class QuecAdvertisement:
    """What a Quectel device says about itself. Fields it does not carry (or not for sure) are ``None``.

    ``endpoint_type``: the device's cloud endpoint (1 tcp, 2 tcp-psk, 3 tls, 4 cert, 5 udp, 6 udp-psk; 0 invalid).
    """

    product_key: str | None = None
    device_key: str | None = None
    device_key_suffix: str | None = None
    version: int | None = None
    device_status: int | None = None
    capabilities: int | None = None
    endpoint_type: int | None = None
    wifi_configured: bool | None = None
    bound: bool | None = None
    binding_allowed: bool | None = None

    @property
    def identity(self) -> tuple[str, str] | None:
        """``(product_key, device_key)`` when both are known."""
        if self.product_key and self.device_key:
            return self.product_key, self.device_key
        return None


def parse_manufacturer_payload(payload: bytes) -> QuecAdvertisement | None:
    """Decode the 0x5551 manufacturer data (without the company id); ``None`` if it is not readable."""
    if not payload.startswith(_TAG):
        return None
    position = len(_TAG)
    try:
        version = int.from_bytes(payload[position : position + 2], "big")
        pk_length = payload[position + 2]
        position += 3
        product_key = payload[position : position + pk_length].decode("ascii")
        position += pk_length
        dk_length = payload[position]
        position += 1
        dk_raw = payload[position : position + dk_length]
        position += dk_length
        device_status = payload[position]
        flags_raw = payload[position + 1 : position + 3]
    except IndexError, UnicodeDecodeError:
        return None
    if (
        len(flags_raw) != 2  # noqa: PLR2004
        or len(dk_raw) != dk_length
        or not dk_length
        or not _PRODUCT_KEY.match(product_key)
    ):
        return None
    flags = int.from_bytes(flags_raw, "little")
    device_key = dk_raw.hex()
    if flags & _FLAG_DK_PADDED and device_key.endswith("0"):
        device_key = device_key[:-1]
    return QuecAdvertisement(
        product_key=product_key,
        device_key=device_key,
        device_key_suffix=device_key[-4:],
        version=version,
        device_status=device_status,
        capabilities=flags & _CAPABILITIES or None,
        endpoint_type=flags >> _ENDPOINT_SHIFT & 0x07,
        wifi_configured=bool(device_status & _STATUS_WIFI_CONFIGURED),
        bound=bool(device_status & _STATUS_BOUND),
        # Unconfirmed bit: a clear one must not refuse a device (the cloud says no if it is not bindable).
        binding_allowed=True if device_status & _STATUS_BINDING_ALLOWED else None,
    )


def parse_advertisement(manufacturer_data: Mapping[int, bytes], local_name: str | None) -> QuecAdvertisement | None:
    """Decode what a Quectel device advertises; ``None`` when neither the data nor the name is Quectel's."""
    payload = manufacturer_data.get(QUECTEL_MANUFACTURER_ID)
    decoded = parse_manufacturer_payload(payload) if isinstance(payload, bytes) else None
    if decoded is not None:
        return decoded
    match = _NAME_SUFFIX.match(local_name or "")
    if match is None:
        return None
    return QuecAdvertisement(device_key_suffix=match.group(1))


def needs_wifi(advertisement: QuecAdvertisement) -> bool:
    """A Wi-Fi set-up candidate: both keys, Wi-Fi capable, not bound.

    The Wi-Fi-configured bit is not trusted: the vendor's app always sends the Wi-Fi settings to get a binding code.
    """
    return (
        advertisement.identity is not None
        and bool((advertisement.capabilities or 0) & Capability.WIFI)
        and advertisement.bound is not True
    )
