"""Values of the simulator's demo data (quectel_simulator/demo_data.toml) that the tests use, and small helpers."""

from __future__ import annotations

from typing import Any

from custom_components.quectel_iot.const import (
    CONF_ACCOUNT,
    CONF_BASE_URL,
    CONF_INTERNATIONAL_CODE,
    CONF_REGION,
    CONF_USER_DOMAIN,
    CONF_USER_DOMAIN_SECRET,
)

DEMO_DOMAIN = "C.DM.90001.1"
DEMO_SECRET = "NYrvzavymo87KXspmZzDW9LRPdvgrmuGyoVw6AoDVcc4"
DEMO_UID = "C1001"
DEMO_EMAIL = "demo@example.com"
DEMO_PHONE = "13800138000"
DEMO_PASSWORD = "demo1234"
FRIEND_UID = "C1002"
FRIEND_EMAIL = "friend@example.com"
FRIEND_PASSWORD = "friend1234"
OTHER_DOMAIN = "E.DM.90002.1"
OTHER_SECRET = "zCKRqE9g3YPh1UaLRbfESqspKLAFFpGmECZRXuzZE3rm"
DISABLED_DOMAIN = "C.DM.90003.1"

BLE_PK = "p11blee"
BLE_PS = "VnhyDemoPsSTFh16"
BLE_DK = "d0d1d2d3d4d5"
BLE_CODE = "BFFFCBDAAA200BDA"
BLE_DK_WITH_SECRET = "d0d1d2d3d4d6"
BLE_CODE_WITH_SECRET = "A1B2C3D4E5F60718"
BLE_STORED_SECRET = "oldSecret42"
WIFI_PK = "p11wifi"
WIFI_DK = "a0b1c2d3e4f5"
WIFI_CODE = "0123456789ABCDEF"
CELL_PK = "p11cell"
CELL_DK_FREE = "c0ffee000002"
CELL_DK_BOUND = "c0ffee000001"


def user_input(**overrides: Any) -> dict[str, Any]:
    """The config flow's user step for the demo account (region custom)."""
    return {
        CONF_REGION: "custom",
        CONF_USER_DOMAIN: DEMO_DOMAIN,
        CONF_USER_DOMAIN_SECRET: DEMO_SECRET,
        CONF_ACCOUNT: DEMO_EMAIL,
        CONF_INTERNATIONAL_CODE: "86",
        "password": DEMO_PASSWORD,
        **overrides,
    }


def entry_data(base_url: str, **overrides: Any) -> dict[str, Any]:
    """Config entry data of the demo account, without tokens (so setup logs in)."""
    return {
        CONF_REGION: "custom",
        CONF_BASE_URL: base_url,
        CONF_USER_DOMAIN: DEMO_DOMAIN,
        CONF_USER_DOMAIN_SECRET: DEMO_SECRET,
        CONF_ACCOUNT: DEMO_EMAIL,
        CONF_INTERNATIONAL_CODE: "86",
        "password": DEMO_PASSWORD,
        **overrides,
    }
