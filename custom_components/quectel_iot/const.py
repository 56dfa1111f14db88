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
# The data center of the host that signed the account in (the region choice may be "auto").
CONF_DATA_CENTER: Final = "data_center"
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
# Saved Wi-Fi networks, SSID -> password ("" for an open network): the provision_wifi action takes its password from
# here, since Home Assistant records every action's data in clear.
OPT_WIFI_NETWORKS: Final = "wifi_networks"

# Options: how often the device list is polled. The cloud locks out busy accounts (about 1280 calls a day), so never
# below a minute.
OPT_SCAN_INTERVAL: Final = "scan_interval"
DEFAULT_SCAN_INTERVAL: Final = 300
MIN_SCAN_INTERVAL: Final = 60

# Field names of the actions; the Bluetooth and options forms reuse them (one name per thing, everywhere).
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_PRODUCT_KEY: Final = "product_key"
ATTR_DEVICE_KEY: Final = "device_key"
ATTR_DEVICE_NAME: Final = "device_name"
ATTR_CAPABILITIES: Final = "capabilities"
ATTR_FAMILY_ID: Final = "family_id"
ATTR_ROOM_ID: Final = "room_id"
ATTR_COMMON_DEVICE: Final = "common_device"
ATTR_BINDING_CODE: Final = "binding_code"
ATTR_ENCRYPTED_BINDING_CODE: Final = "encrypted_binding_code"
ATTR_BINDING_SECRET: Final = "binding_secret"  # noqa: S105 - a field name
ATTR_OLD_BINDING_SECRET: Final = "old_binding_secret"  # noqa: S105 - a field name
ATTR_PRODUCT_SECRET: Final = "product_secret"  # noqa: S105 - a field name
ATTR_SAVE_PRODUCT_SECRET: Final = "save_product_secret"  # noqa: S105 - a field name
ATTR_RANDOM: Final = "random"
ATTR_DEVICE_PASSWORD: Final = "device_password"  # noqa: S105 - a field name
ATTR_MATTER: Final = "matter"
ATTR_SHARE_UID: Final = "share_uid"
ATTR_EMAIL: Final = "email"
ATTR_PHONE: Final = "phone"
ATTR_AUTH_KEY: Final = "auth_key"
ATTR_COVER_MODE: Final = "cover_mode"
ATTR_EXPIRES_AT: Final = "expires_at"
ATTR_RESET_DEVICE: Final = "reset_device"
ATTR_RESET_CREDENTIALS: Final = "reset_credentials"
ATTR_SHARE_CODE: Final = "share_code"
# Setting up a factory-new Wi-Fi device over Bluetooth.
ATTR_SSID: Final = "ssid"
ATTR_WIFI_PASSWORD: Final = "wifi_password"  # noqa: S105 - a field name
ATTR_ADDRESS: Final = "address"
ATTR_TIMEOUT: Final = "timeout"
