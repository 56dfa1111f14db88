"""Config entry diagnostics, through HA's diagnostics HTTP API: no secret value anywhere in them."""

from __future__ import annotations

import json

from homeassistant.config_entries import ConfigEntryDisabler, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.quectel_iot.api import TokenPair
from custom_components.quectel_iot.const import CONF_TOKENS, DOMAIN
from quectel_simulator import CloudSimulator
from tests.common import (
    BLE_PK,
    BLE_PS,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_SECRET,
    DEMO_UID,
    entry_data,
    setup_demo_entry,
)


async def test_diagnostics_redact_every_secret(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(
        hass,
        simulator,
        options={
            "product_secrets": {BLE_PK: BLE_PS},
            "common_device": True,
            "wifi_networks": {"Home Sweet Home": "wifi-pass-8472", "Cafe Open": ""},
        },
    )
    tokens = TokenPair.from_dict(entry.data[CONF_TOKENS])
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in (DEMO_PASSWORD, DEMO_SECRET, BLE_PS, DEMO_EMAIL, DEMO_PHONE, tokens.access.value,
                   tokens.refresh.value, tokens.access.value.removeprefix("Bearer "), DEMO_UID, "wifi-pass-8472",
                   "Home Sweet Home", "Cafe Open"):  # fmt: skip
        assert secret not in text
    assert diagnostics["entry"]["options"]["product_keys_with_secret"] == [BLE_PK]
    assert diagnostics["entry"]["options"]["common_device"] is True
    assert diagnostics["entry"]["data"]["user_domain"] == "C.DM.90001.1"
    # The account's user id is personal data too (issue 18).
    assert diagnostics["account"]["uid"] == "**REDACTED**"
    assert diagnostics["entry"]["options"]["wifi_networks"] == "**REDACTED**"
    assert diagnostics["entry"]["options"]["saved_wifi_networks"] == 2
    assert diagnostics["session"]["base_url"] == simulator.url
    assert diagnostics["session"]["access_token_expires_at"] == tokens.access.expires_at
    assert repr(entry.runtime_data.client).count("Bearer") == 0


async def test_base_url_credentials_and_query_are_not_shown(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: CloudSimulator
) -> None:
    # The form refuses such a URL now; an older entry may still hold one.
    url = simulator.url.replace("://", "://url-user-4410:url-pass-5531@") + "/cloud?token=url-token-7719#frag-3301"
    # Disabled, so that it is never set up: the entry's own data is what diagnostics must clean.
    entry = MockConfigEntry(domain=DOMAIN, title=DEMO_EMAIL, data=entry_data(url), disabled_by=ConfigEntryDisabler.USER)
    entry.add_to_hass(hass)
    assert await async_setup_component(hass, DOMAIN, {})
    assert entry.state is ConfigEntryState.NOT_LOADED
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in ("url-user-4410", "url-pass-5531", "url-token-7719", "frag-3301"):
        assert secret not in text, secret
    host = simulator.url.removeprefix("http://")
    assert diagnostics["entry"]["data"]["base_url"] == f"http://**REDACTED**@{host}/cloud?**REDACTED**#**REDACTED**"
