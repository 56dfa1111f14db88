"""Input rules shared by the actions and the flows, checked before any request leaves."""

from __future__ import annotations

import re
from typing import Final

from .api.const import CAPABILITIES_MAX, CAPABILITIES_MIN, DEVICE_NAME_MAX_LENGTH, PRODUCT_SECRET_LENGTH, RANDOM_LENGTH

PRODUCT_KEY_PATTERN: Final = re.compile(r"^[0-9A-Za-z]{4,32}$")
DEVICE_KEY_PATTERN: Final = re.compile(r"^[0-9A-Za-z]{4,32}$")
# The code a device reports for Wi-Fi and BLE binding: 16 hexadecimal characters (upper case on the wire).
BINDING_CODE_PATTERN: Final = re.compile(r"^[0-9A-Fa-f]{16}$")
PRINTABLE_ASCII: Final = re.compile(r"^[\x21-\x7e]+$")

__all__ = [
    "BINDING_CODE_PATTERN",
    "CAPABILITIES_MAX",
    "CAPABILITIES_MIN",
    "DEVICE_KEY_PATTERN",
    "DEVICE_NAME_MAX_LENGTH",
    "PRINTABLE_ASCII",
    "PRODUCT_KEY_PATTERN",
    "PRODUCT_SECRET_LENGTH",
    "RANDOM_LENGTH",
    "is_valid_product_secret",
]


def is_valid_product_secret(value: str) -> bool:
    """A Product Secret is the AES key of the pure-BLE path: exactly 16 ASCII characters."""
    return len(value) == PRODUCT_SECRET_LENGTH and bool(PRINTABLE_ASCII.match(value))
