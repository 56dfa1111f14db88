"""Device diagnostics, through HA's diagnostics HTTP API: the cloud's view of the device, with every secret redacted."""

from __future__ import annotations

import json
from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import get_diagnostics_for_device
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator, Fault
from tests.common import CELL_DK_BOUND, CELL_PK, FRIEND_UID, WIFI_PK, setup_demo_entry

SHARED_DK = "a0b1c2d3e4f8"


async def test_device_diagnostics_redact_secrets(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    registry = dr.async_get(hass)
    plug = registry.async_get_device_by_identifier((DOMAIN, f"{WIFI_PK}_{SHARED_DK}"), entry.entry_id)
    assert plug is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, entry, plug)
    device = diagnostics["device"]
    assert device["product_key"] == WIFI_PK
    assert device["product_name"] == "Smart Plug"
    assert device["online"] is True
    assert device["device_type"] == 2
    assert device["binding_type"] == 2
    for field in ("device_key", "auth_key", "binding_code", "share_code", "owner_uid"):
        assert device[field] == "**REDACTED**", field
    assert diagnostics["hidden"] is False
    assert diagnostics["polling"] == {
        "interval_seconds": 300.0,
        "last_update_success": True,
        "last_error": None,
        "devices_listed": 2,
    }
    text = json.dumps(diagnostics)
    secrets = {
        SHARED_DK,
        FRIEND_UID,
        "tKy+Y9W4Vy4bKC6Vo/hrjg==",
        "5A5A5A5A5A5A5A5A",
        "53f2d1e7b4181db8636868128ec7a223",
    }
    for secret in secrets:
        assert secret not in text


async def test_device_diagnostics_after_a_failed_poll(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    tracker = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{CELL_PK}_{CELL_DK_BOUND}"), entry.entry_id)
    assert tracker is not None
    simulator.faults.add(Fault(kind="http_status", status=503, path="userDeviceList", count=None))
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=301))
    await hass.async_block_till_done(wait_background_tasks=True)
    diagnostics = await get_diagnostics_for_device(hass, hass_client, entry, tracker)
    assert diagnostics["polling"]["last_update_success"] is False
    assert diagnostics["polling"]["last_error"] == "UpdateFailed"
    # The last good list is still shown.
    assert diagnostics["device"]["product_name"] == "GPS Tracker"
    # A device the cloud no longer lists (here: one the coordinator never saw).
    stranger = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "p11cell_ffffffffffff")}, name="Stranger"
    )
    diagnostics = await get_diagnostics_for_device(hass, hass_client, entry, stranger)
    assert diagnostics["device"] is None
    assert diagnostics["hidden"] is False
    simulator.faults.clear()


async def test_device_diagnostics_of_an_account_that_is_not_loaded(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    plug = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{WIFI_PK}_{SHARED_DK}"), entry.entry_id)
    assert plug is not None
    simulator.faults.add(Fault(kind="http_status", status=503, path="userInfo", count=None))
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state.value == "setup_retry"
    diagnostics = await get_diagnostics_for_device(hass, hass_client, entry, plug)
    assert diagnostics == {"device": None, "hidden": None, "polling": None, "entry_state": "setup_retry"}
