"""The account object: every bind path tells the device list directly, and the encrypted-code rule holds everywhere.

A bind by any path (the three bind actions, Bluetooth discovery, the options' "bind nearby") makes exactly one
device-list refresh and shows a device the user had hidden, without any device-registry listener.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.components.bluetooth import async_get_advertisement_callback
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.quectel_iot.const import DOMAIN
from custom_components.quectel_iot.coordinator import REFRESH_COOLDOWN
from quectel_simulator import CloudSimulator, Fault
from quectel_simulator.crypto import ble_encrypt
from tests.common import (
    BLE_CODE,
    BLE_CODE_WITH_SECRET,
    BLE_DK,
    BLE_DK_WITH_SECRET,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
    setup_demo_entry,
)
from tests.test_bluetooth import discover, form, service_info

RANDOM = "abcdefghijklmnop"


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters and scanner mocked out (no radio)."""


async def advance(hass: HomeAssistant, seconds: float) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def action(hass: HomeAssistant, entry: Any, service: str, **data: Any) -> None:
    await hass.services.async_call(DOMAIN, service, {"config_entry_id": entry.entry_id, **data}, blocking=True)


async def bind_by_dk(hass: HomeAssistant, entry: Any) -> str:
    await action(hass, entry, "bind_by_dk", product_key=CELL_PK, device_key=CELL_DK_FREE)
    return f"{CELL_PK}_{CELL_DK_FREE}"


async def bind_wifi(hass: HomeAssistant, entry: Any) -> str:
    await action(hass, entry, "bind_wifi", product_key=WIFI_PK, device_key=WIFI_DK, binding_code=WIFI_CODE)
    return f"{WIFI_PK}_{WIFI_DK}"


async def bind_ble(hass: HomeAssistant, entry: Any) -> str:
    await action(
        hass, entry, "bind_ble", product_key=BLE_PK, device_key=BLE_DK, binding_code=BLE_CODE, binding_secret="s"
    )
    return f"{BLE_PK}_{BLE_DK}"


async def discovery_form(hass: HomeAssistant, entry: Any) -> str:
    result = await discover(hass, service_info())
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form(binding_code=BLE_CODE))
    assert result["reason"] == "bind_successful"
    return f"{BLE_PK}_{BLE_DK}"


async def options_form(hass: HomeAssistant, entry: Any) -> str:
    async_get_advertisement_callback(hass)(service_info())
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "bind_nearby"})
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"device": f"{BLE_PK}_{BLE_DK}"})
    result = await hass.config_entries.options.async_configure(result["flow_id"], form(binding_code=BLE_CODE))
    assert result["reason"] == "bind_successful"
    return f"{BLE_PK}_{BLE_DK}"


BIND_PATHS: dict[str, Callable[[HomeAssistant, Any], Awaitable[str]]] = {
    "bind_by_dk": bind_by_dk,
    "bind_wifi": bind_wifi,
    "bind_ble": bind_ble,
    "discovery": discovery_form,
    "options": options_form,
}


def our_registry_listeners(hass: HomeAssistant) -> list[str]:
    """Device-registry listeners whose code is the integration's (HA's own entity machinery has some too)."""
    jobs = hass.bus._listeners.get(dr.EVENT_DEVICE_REGISTRY_UPDATED, [])
    modules = [getattr(job.target, "__module__", "") or "" for job, _filter in jobs]
    return [module for module in modules if module.startswith("custom_components.quectel_iot")]


@pytest.mark.parametrize("path", list(BIND_PATHS))
async def test_a_bind_refreshes_once_and_unhides_without_a_registry_listener(
    hass: HomeAssistant, simulator: CloudSimulator, path: str
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    # The account tells the device list itself: no device-registry listener of ours.
    assert our_registry_listeners(hass) == []
    coordinator = entry.runtime_data.coordinator
    key = f"{BLE_PK}_{BLE_DK}" if path in {"bind_ble", "discovery", "options"} else None
    # The user hid the device earlier (e.g. before it was reset and sold back): a new bind shows it again.
    hidden = key or {"bind_by_dk": f"{CELL_PK}_{CELL_DK_FREE}", "bind_wifi": f"{WIFI_PK}_{WIFI_DK}"}[path]
    await coordinator.hidden.async_update(add={hidden})
    simulator.clear_requests()
    bound = await BIND_PATHS[path](hass, entry)
    assert bound == hidden
    assert hidden not in coordinator.hidden.keys
    await hass.async_block_till_done()
    assert simulator.requests_to("userDeviceList") == []  # the refresh waits for the cooldown ...
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert len(simulator.requests_to("userDeviceList")) == 1  # ... and is exactly one
    assert bound in coordinator.data
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert len(simulator.requests_to("userDeviceList")) == 1


async def test_action_refuses_an_encrypted_code_without_its_random(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    simulator.clear_requests()
    encrypted = ble_encrypt(BLE_CODE_WITH_SECRET, BLE_PS, RANDOM)
    with pytest.raises(ServiceValidationError) as info:
        await action(
            hass,
            entry,
            "bind_ble",
            product_key=BLE_PK,
            device_key=BLE_DK_WITH_SECRET,
            encrypted_binding_code=encrypted,
            binding_secret="s",
        )
    assert (info.value.translation_domain, info.value.translation_key) == (DOMAIN, "random_required")
    assert info.value.translation_placeholders["field"] == "random"
    assert "random" in str(info.value)
    assert simulator.requests == []


async def test_options_form_refuses_an_encrypted_code_without_its_random(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    async_get_advertisement_callback(hass)(service_info(BLE_DK_WITH_SECRET))
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "bind_nearby"})
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"device": f"{BLE_PK}_{BLE_DK_WITH_SECRET}"}
    )
    simulator.clear_requests()
    encrypted = ble_encrypt(BLE_CODE_WITH_SECRET, BLE_PS, RANDOM)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], form(encrypted_binding_code=encrypted)
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"random": "random_required"}
    assert simulator.requests == []
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], form(encrypted_binding_code=encrypted, random=RANDOM)
    )
    assert result["reason"] == "bind_successful"
    body = simulator.requests_to("deviceBindingByPureBt")[0].json
    assert (body["encryptedBindingCode"], body["random"]) == (encrypted, RANDOM)


@pytest.mark.parametrize("path", ["bind_by_dk", "bind_wifi", "bind_ble"])
async def test_binding_a_device_this_account_owns_says_so(
    hass: HomeAssistant, simulator: CloudSimulator, path: str
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    key = await BIND_PATHS[path](hass, entry)
    product_key, device_key = key.split("_")
    simulator.clear_requests()
    # Before the refresh the last poll does not list it yet: one list read tells whose it is.
    with pytest.raises(HomeAssistantError) as info:
        await BIND_PATHS[path](hass, entry)
    assert (info.value.translation_domain, info.value.translation_key) == (DOMAIN, "already_bound_here")
    assert info.value.translation_placeholders == {"product_key": product_key, "device_key": device_key, "code": "5049"}
    assert (
        str(info.value)
        == f"The device {product_key} / {device_key} is already bound to this account. [cloud code 5049]"
    )
    assert len(simulator.requests_to("userDeviceList")) == 1
    # Once the poll lists it, no extra read.
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert key in entry.runtime_data.coordinator.cloud_devices
    simulator.clear_requests()
    with pytest.raises(HomeAssistantError) as info:
        await BIND_PATHS[path](hass, entry)
    assert info.value.translation_key == "already_bound_here"
    assert simulator.requests_to("userDeviceList") == []


async def test_a_device_the_last_poll_lists_as_own_needs_no_read(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    # Moved from test_services' cloud refusals (bind_by_dk-5049): the demo account's own device, now in its words.
    entry = await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    with pytest.raises(HomeAssistantError) as info:
        await action(hass, entry, "bind_by_dk", product_key=CELL_PK, device_key=CELL_DK_BOUND)
    assert info.value.translation_key == "already_bound_here"
    assert "already bound to this account" in str(info.value)
    assert "[cloud code 5049]" in str(info.value)
    assert len(simulator.requests) == 1  # the bind alone: the last poll listed the device as the account's


async def test_a_device_someone_else_owns_keeps_the_cloud_words(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    simulator.faults.add(Fault("code", path="bindDeviceDk", code=5049))  # as if another account had it
    simulator.clear_requests()
    with pytest.raises(HomeAssistantError) as info:
        await action(hass, entry, "bind_by_dk", product_key=CELL_PK, device_key=CELL_DK_FREE)
    assert info.value.translation_key == "cloud_error_5049"
    assert "Unbind it there first" in str(info.value)
    assert len(simulator.requests_to("userDeviceList")) == 1  # not in the last poll: read once, not ours


async def test_an_unreadable_list_keeps_the_cloud_words(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    simulator.faults.add(Fault("code", path="bindDeviceDk", code=5049))
    simulator.faults.add(Fault("http_status", path="userDeviceList", count=None))  # whose it is stays unknown
    with pytest.raises(HomeAssistantError) as info:
        await action(hass, entry, "bind_by_dk", product_key=CELL_PK, device_key=CELL_DK_FREE)
    assert info.value.translation_key == "cloud_error_5049"
