"""The formats of a device's identifiers, shared by the actions' validators and the Bluetooth set-up's reply check.

HA-free: ``validation.py`` (the actions and forms) imports these; ``ble_protocol.py`` checks a ``0x7011`` with them, so
what a device reports passes exactly the rules a user's input does.
"""

from __future__ import annotations

import re
from typing import Final

PRODUCT_KEY_PATTERN: Final = re.compile(r"^[0-9A-Za-z]{4,32}$")
DEVICE_KEY_PATTERN: Final = re.compile(r"^[0-9A-Za-z]{4,32}$")
# The code a device reports for Wi-Fi and BLE binding: 16 hexadecimal characters (upper case on the wire).
BINDING_CODE_PATTERN: Final = re.compile(r"^[0-9A-Fa-f]{16}$")
