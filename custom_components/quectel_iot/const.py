"""Constants of the Quectel IoT integration."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "quectel_iot"
LOGGER = logging.getLogger(__package__)
MANUFACTURER: Final = "Quectel"

# Config entry data (the connection); the password is kept so an expired session can log in again without reauth.
CONF_REGION: Final = "region"
CONF_BASE_URL: Final = "base_url"
CONF_USER_DOMAIN: Final = "user_domain"
CONF_USER_DOMAIN_SECRET: Final = "user_domain_secret"  # noqa: S105 - a key name
CONF_ACCOUNT: Final = "account"
CONF_INTERNATIONAL_CODE: Final = "international_code"
CONF_TOKENS: Final = "tokens"
DEFAULT_INTERNATIONAL_CODE: Final = "86"

# Options: binding defaults and product secrets.
OPT_FAMILY_ID: Final = "family_id"
OPT_ROOM_ID: Final = "room_id"
OPT_COMMON_DEVICE: Final = "common_device"
OPT_CAPABILITIES: Final = "capabilities"
OPT_PRODUCT_SECRETS: Final = "product_secrets"

# Options: how often the device list is polled. The cloud locks out busy accounts (about 1280 calls a day), so never
# below a minute.
OPT_SCAN_INTERVAL: Final = "scan_interval"
DEFAULT_SCAN_INTERVAL: Final = 300
MIN_SCAN_INTERVAL: Final = 60
