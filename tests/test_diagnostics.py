"""Config entry diagnostics, through HA's diagnostics HTTP API: no secret value anywhere in them."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_config_entry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.quectel_iot.api import TokenPair
from custom_components.quectel_iot.const import CONF_TOKENS
from quectel_simulator import CloudSimulator
from tests.common import BLE_PK, BLE_PS, DEMO_EMAIL, DEMO_PASSWORD, DEMO_PHONE, DEMO_SECRET, setup_demo_entry


async def test_diagnostics_redact_every_secret(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(
        hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}, "common_device": True}
    )
    tokens = TokenPair.from_dict(entry.data[CONF_TOKENS])
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    text = json.dumps(diagnostics)
    for secret in (DEMO_PASSWORD, DEMO_SECRET, BLE_PS, DEMO_EMAIL, DEMO_PHONE, tokens.access.value,
                   tokens.refresh.value, tokens.access.value.removeprefix("Bearer ")):  # fmt: skip
        assert secret not in text
    assert diagnostics["entry"]["options"]["product_keys_with_secret"] == [BLE_PK]
    assert diagnostics["entry"]["options"]["common_device"] is True
    assert diagnostics["entry"]["data"]["user_domain"] == "C.DM.90001.1"
    assert diagnostics["account"]["uid"] == "C1001"
    assert diagnostics["session"]["base_url"] == simulator.url
    assert diagnostics["session"]["access_token_expires_at"] == tokens.access.expires_at
    assert repr(entry.runtime_data.client).count("Bearer") == 0
