"""Decoding the Bluetooth advertisement of Quectel devices (pure, no I/O).

The layout is not published by the vendor; it comes from reverse engineering (cloud_api.md §7.1), so every field is
read defensively: odd, short or random bytes give ``None``, never an exception.

Manufacturer data under company id 0x5551 (``51 55`` reads "QU"), payload::

    "EC" | version (2, BE) | pkLen (1) | pk (ASCII) | dkLen (1) | dk (raw bytes) | deviceStatus (1) | flags (2)

Flags: bit0 "isClDk", bit1 Wi-Fi configured, bit2 bound, bit3 binding allowed, bits 4-7 capabilities (endpoint type),
bit8 the DK hex carries a padding "0" at its end, bit12 the DK is upper case. Two published decoders disagree on the
flags' byte order; bits 9-11 and 13-15 are unused, so the order that leaves them clear wins (little-endian on a tie).
The local name ``QUEC_BLE_XXXX`` carries only the last four characters of the DK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Mapping

QUECTEL_MANUFACTURER_ID: Final = 0x5551
LOCAL_NAME_PREFIX: Final = "QUEC_BLE_"
_TAG: Final = b"EC"
_UNUSED_FLAG_BITS: Final = 0xEE00
_PRODUCT_KEY: Final = re.compile(r"^[0-9A-Za-z]{1,32}$")
_NAME_SUFFIX: Final = re.compile(r"^QUEC_BLE_([0-9A-Za-z]{1,16})$")


@dataclass(frozen=True, slots=True)
class QuecAdvertisement:
    """What a Quectel device says about itself. Fields it does not carry are ``None``."""

    product_key: str | None = None
    device_key: str | None = None
    device_key_suffix: str | None = None
    version: int | None = None
    device_status: int | None = None
    capabilities: int | None = None
    wifi_configured: bool | None = None
    bound: bool | None = None
    binding_allowed: bool | None = None

    @property
    def identity(self) -> tuple[str, str] | None:
        """``(product_key, device_key)`` when both are known."""
        if self.product_key and self.device_key:
            return self.product_key, self.device_key
        return None


def _flags(raw: bytes) -> int:
    little, big = int.from_bytes(raw, "little"), int.from_bytes(raw, "big")
    if little & _UNUSED_FLAG_BITS and not big & _UNUSED_FLAG_BITS:
        return big
    return little


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
    flags = _flags(flags_raw)
    device_key = dk_raw.hex()
    if flags & 0x100 and device_key.endswith("0"):
        device_key = device_key[:-1]
    if flags & 0x1000:
        device_key = device_key.upper()
    capabilities = (flags >> 4) & 0x0F
    return QuecAdvertisement(
        product_key=product_key,
        device_key=device_key,
        device_key_suffix=device_key[-4:],
        version=version,
        device_status=device_status,
        capabilities=capabilities or None,
        wifi_configured=bool(flags & 0x02),
        bound=bool(flags & 0x04),
        binding_allowed=bool(flags & 0x08),
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
