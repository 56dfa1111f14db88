"""Values of the simulator's demo data (quectel_simulator/demo_data.toml) that the tests use, and small helpers."""

from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

from custom_components.quectel_iot.api import REGION_ALTERNATE_URLS, REGION_BASE_URLS, Region
from custom_components.quectel_iot.const import (
    CONF_ACCOUNT,
    CONF_BASE_URL,
    CONF_INTERNATIONAL_CODE,
    CONF_REGION,
    CONF_USER_DOMAIN,
    CONF_USER_DOMAIN_SECRET,
    DOMAIN,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

TRANSLATIONS = json.loads(
    (Path(__file__).parents[1] / "custom_components/quectel_iot/translations/en.json").read_text(encoding="utf-8")
)
"""The integration's English translations (en.json), for checking messages and their placeholders."""

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
OTHER_UID = "C2001"
OTHER_EMAIL = "other@example.com"
OTHER_PASSWORD = "other1234"
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


# Names of the simulator's extra listeners in the region tests (the cloud's host names they stand in for).
EU_ALT_HOST = "iot-api.quecteleu.com"
NA_HOST = "iot-api.landecia.com"


@contextmanager
def known_hosts(hosts: Mapping[Region, Sequence[str]]) -> Iterator[None]:
    """Make ``hosts`` the only hosts of the cloud while active: per data center, the first is its documented host and
    the rest its alternates; data centers not named have none. The one place tests point the regions at loopback
    (the documented and the alternate tables together, so no sign-in ever tries a real host)."""
    documented = {region: urls[0] for region, urls in hosts.items()}
    alternates = {region: tuple(urls[1:]) for region, urls in hosts.items()}
    with (
        patch.dict(REGION_BASE_URLS, documented, clear=True),
        patch.dict(REGION_ALTERNATE_URLS, alternates, clear=True),
    ):
        yield


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


async def setup_demo_entry(
    hass: Any,
    simulator: Any,
    *,
    uid: str = DEMO_UID,
    with_tokens: bool = True,
    options: dict[str, Any] | None = None,
    **data_overrides: Any,
) -> Any:
    """Add the demo account as a config entry (with tokens the simulator issued) and set it up."""
    from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: PLC0415

    from custom_components.quectel_iot.api import TokenPair  # noqa: PLC0415
    from custom_components.quectel_iot.const import CONF_TOKENS, DOMAIN  # noqa: PLC0415

    data = entry_data(simulator.url, **data_overrides)
    if with_tokens:
        data[CONF_TOKENS] = TokenPair.from_api(simulator.issue_tokens(uid)).as_dict()
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=data["account"],
        data=data,
        options=options or {},
        unique_id=f"{data['user_domain']}:{uid}".lower(),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def registry_device(hass: Any, entry: Any, product_key: str, device_key: str) -> Any:
    """The account's device registry entry of a cloud device, or ``None``."""
    from homeassistant.helpers import device_registry as dr  # noqa: PLC0415

    from custom_components.quectel_iot.const import DOMAIN  # noqa: PLC0415

    registry = dr.async_get(hass)
    return registry.async_get_device_by_identifier((DOMAIN, f"{product_key}_{device_key}"), entry.entry_id)


def flows(hass: Any) -> list[dict[str, Any]]:
    """The integration's config flows in progress."""
    return [dict(flow) for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)]
