"""The device-list coordinator against the simulator: polling, dynamic and stale devices, failures, hiding.

Time is moved with async_fire_time_changed; every poll is a real request to the simulator.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import UpdateFailed
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.quectel_iot.api import BindByDkRequest, BindOptions
from custom_components.quectel_iot.api import Device as ApiDevice
from custom_components.quectel_iot.const import DOMAIN
from custom_components.quectel_iot.coordinator import REFRESH_COOLDOWN, HiddenDevices, scan_interval
from custom_components.quectel_iot.devices import listed_device_info
from quectel_simulator import Binding, CloudSimulator, Device, Fault
from tests.common import (
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_UID,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    FRIEND_UID,
    WIFI_PK,
    registry_device,
    setup_demo_entry,
)

SHARED_DK = "a0b1c2d3e4f8"
TRACKER = "binary_sensor.demo_tracker_online"
FRIENDS_PLUG = "binary_sensor.friend_s_plug_online"


async def advance(hass: HomeAssistant, seconds: float) -> None:
    """Fire the timers due within ``seconds`` and wait for the polls they start."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


def polls(simulator: CloudSimulator) -> int:
    return len(simulator.requests_to("userDeviceList"))


def online_state(hass: HomeAssistant, entry: Any, pk: str, dk: str) -> str | None:
    """The state of a device's Online sensor, found by its unique id (``None`` when there is none)."""
    unique_id = f"{entry.unique_id}_{pk}_{dk}_online"
    entity_id = er.async_get(hass).async_get_entity_id("binary_sensor", DOMAIN, unique_id)
    state = hass.states.get(entity_id) if entity_id else None
    return state.state if state else None


async def bind_by_dk(hass: HomeAssistant, entry: Any, device_key: str, **fields: Any) -> None:
    await hass.services.async_call(
        DOMAIN,
        "bind_by_dk",
        {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": device_key, **fields},
        blocking=True,
    )


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    entry = await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    return entry


async def test_setup_lists_own_and_shared_devices(hass: HomeAssistant, entry: Any) -> None:
    own = registry_device(hass, entry, CELL_PK, CELL_DK_BOUND)
    assert own is not None
    assert (own.name, own.manufacturer, own.model, own.model_id) == ("Demo Tracker", "Quectel", "GPS Tracker", CELL_PK)
    shared = registry_device(hass, entry, WIFI_PK, SHARED_DK)
    assert shared is not None
    assert (shared.name, shared.model) == ("Friend's Plug", "Smart Plug")
    assert len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)) == 2
    assert hass.states.get(TRACKER).state == "on"
    assert hass.states.get(FRIENDS_PLUG).state == "on"
    coordinator = entry.runtime_data.coordinator
    assert coordinator.update_interval == timedelta(seconds=300)
    assert set(coordinator.data) == {f"{CELL_PK}_{CELL_DK_BOUND}", f"{WIFI_PK}_{SHARED_DK}"}


async def test_one_request_per_poll_at_the_interval(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    await advance(hass, 290)
    assert polls(simulator) == 0
    await advance(hass, 301)
    assert [r.path.rsplit("/", 1)[-1] for r in simulator.requests] == ["userDeviceList"]
    assert simulator.requests[0].query == {"page": "1", "pageSize": "50"}


async def test_every_page_is_read(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    for number in range(60):
        dk = f"c0ffee1000{number:02d}"
        simulator.state.devices[CELL_PK, dk] = Device(pk=CELL_PK, dk=dk, name=f"Fleet {number}", online=True)
        simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=CELL_PK, dk=dk, auth_key="", name=f"Fleet {number}"))
    await advance(hass, 301)
    assert [r.query["page"] for r in simulator.requests] == ["1", "2"]
    assert len(entry.runtime_data.coordinator.data) == 62
    assert len(dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)) == 62
    assert hass.states.get("binary_sensor.fleet_59_online").state == "on"


@pytest.mark.parametrize(
    ("options", "seconds"),
    [({}, 300), ({"scan_interval": 30}, 60), ({"scan_interval": 600}, 600), ({"scan_interval": "x"}, 300)],
)
async def test_scan_interval_option(
    hass: HomeAssistant, simulator: CloudSimulator, options: dict[str, Any], seconds: int
) -> None:
    assert scan_interval(options) == timedelta(seconds=seconds)
    entry = await setup_demo_entry(hass, simulator, options=options)
    assert entry.runtime_data.coordinator.update_interval == timedelta(seconds=seconds)
    simulator.clear_requests()
    await advance(hass, seconds - 5)
    assert polls(simulator) == 0
    await advance(hass, seconds + 1)
    assert polls(simulator) == 1


async def test_device_bound_elsewhere_appears(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=CELL_PK, dk=CELL_DK_FREE, auth_key="", name="Van"))
    await advance(hass, 301)
    device = registry_device(hass, entry, CELL_PK, CELL_DK_FREE)
    assert device is not None
    assert device.name == "Van"
    # Tracker 2 is offline in the demo data.
    assert hass.states.get("binary_sensor.van_online").state == "off"


async def test_device_bound_through_an_action_appears_without_a_restart(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    await bind_by_dk(hass, entry, CELL_DK_FREE, device_name="Van")
    # The action registered the device at once; its sensor comes with the refresh the action asked for.
    assert registry_device(hass, entry, CELL_PK, CELL_DK_FREE) is not None
    assert polls(simulator) == 0
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert polls(simulator) == 1
    assert hass.states.get("binary_sensor.van_online").state == "off"


async def test_a_burst_of_actions_costs_one_poll(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    for dk in (CELL_DK_FREE, "c0ffee000003"):
        await bind_by_dk(hass, entry, dk)
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert polls(simulator) == 1
    assert len(entry.runtime_data.coordinator.data) == 4


async def test_device_unbound_elsewhere_disappears(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    entity_registry = er.async_get(hass)
    assert entity_registry.async_get(TRACKER) is not None
    assert simulator.unbind_elsewhere(DEMO_UID, CELL_PK, CELL_DK_BOUND)
    await advance(hass, 301)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is None
    assert entity_registry.async_get(TRACKER) is None
    assert hass.states.get(TRACKER) is None
    # The owner of the shared plug unbinds it: the share ends and the plug leaves too.
    simulator.unbind_elsewhere(FRIEND_UID, WIFI_PK, SHARED_DK)
    await advance(hass, 301)
    assert dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id) == []
    assert entry.runtime_data.coordinator.data == {}
    # Bound again elsewhere: it comes back, with a sensor again.
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=CELL_PK, dk=CELL_DK_BOUND, auth_key="", name="Tracker"))
    await advance(hass, 301)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is not None
    assert online_state(hass, entry, CELL_PK, CELL_DK_BOUND) == "on"


async def test_online_follows_the_cloud(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.set_online(CELL_PK, CELL_DK_BOUND, online=False)
    await advance(hass, 301)
    assert hass.states.get(TRACKER).state == "off"
    simulator.set_online(CELL_PK, CELL_DK_BOUND)
    await advance(hass, 301)
    assert hass.states.get(TRACKER).state == "on"
    # The cloud renames the device: Home Assistant's device follows.
    simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_BOUND).name = "Renamed"  # type: ignore[union-attr]
    await advance(hass, 301)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND).name == "Renamed"  # type: ignore[union-attr]


async def test_lockout_waits_the_retry_after(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = entry.runtime_data.coordinator
    simulator.faults.add(Fault(kind="code", code=5148, path="userDeviceList", count=1))
    await advance(hass, 301)
    assert coordinator.last_update_success is False
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert error.retry_after == 20 * 60
    assert error.translation_key == "cloud_error_5148"
    assert "about 20 minutes" in str(error)
    assert hass.states.get(TRACKER).state == "unavailable"
    assert polls(simulator) == 1
    # Not at the usual interval: only once the lockout is over.
    await advance(hass, 301)
    await advance(hass, 900)
    assert polls(simulator) == 1
    with caplog.at_level(logging.INFO):
        await advance(hass, 1201)
    assert polls(simulator) == 2
    assert coordinator.last_update_success is True
    assert hass.states.get(TRACKER).state == "on"
    assert "recovered" in caplog.text
    # Then the usual interval again.
    await advance(hass, 301)
    assert polls(simulator) == 3


async def test_quota_waits_until_midnight_utc(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.faults.add(Fault(kind="code", code=4026, path="userDeviceList", count=1))
    await advance(hass, 301)
    error = entry.runtime_data.coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    now = dt_util.utcnow()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert error.retry_after == pytest.approx((midnight - now).total_seconds(), abs=5)
    assert error.translation_key == "cloud_error_4026"


async def test_unreachable_cloud_is_logged_once(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = entry.runtime_data.coordinator
    simulator.faults.add(Fault(kind="http_status", status=503, path="userDeviceList", count=None))
    await advance(hass, 301)
    await advance(hass, 301)
    error = coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert error.retry_after is None
    assert error.translation_key == "cannot_connect_call"
    assert "503" in str(error)
    assert caplog.text.count("Error fetching quectel_iot device list data") == 1
    assert hass.states.get(FRIENDS_PLUG).state == "unavailable"
    # A failed poll removes nothing.
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is not None
    simulator.faults.clear()
    await advance(hass, 301)
    assert hass.states.get(FRIENDS_PLUG).state == "on"


async def test_other_cloud_errors_are_translated(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.faults.add(Fault(kind="code", code=5000, path="userDeviceList", count=1))
    await advance(hass, 301)
    error = entry.runtime_data.coordinator.last_exception
    assert isinstance(error, UpdateFailed)
    assert error.translation_key == "cloud_error"
    assert "5000" in str(error)


async def test_rejected_credentials_start_reauth(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.state.users[DEMO_UID].password = "changed-in-the-app"
    simulator.revoke_tokens()
    await advance(hass, 301)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get(TRACKER).state == "unavailable"
    # One refresh and one login, then no more polls until the user signs in again.
    assert [r.path.rsplit("/", 1)[-1] for r in simulator.requests] == [
        "userDeviceList",
        "refreshToken",
        "emailPwdLogin",
    ]
    await advance(hass, 301)
    assert polls(simulator) == 1


async def test_first_poll_token_rejection_starts_reauth(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    # userInfo works; the device list keeps refusing the token even after a renewal.
    simulator.faults.add(Fault(kind="code", code=5032, path="userDeviceList", count=2))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_two_accounts_listing_the_same_device(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    demo = await setup_demo_entry(hass, simulator)
    friend = await setup_demo_entry(hass, simulator, uid=FRIEND_UID, account=FRIEND_EMAIL, password=FRIEND_PASSWORD)
    # The friend owns the plug, the demo account has it through a share: one device and one sensor in each account.
    assert registry_device(hass, demo, WIFI_PK, SHARED_DK) is not None
    assert registry_device(hass, friend, WIFI_PK, SHARED_DK) is not None
    entity_registry = er.async_get(hass)
    sensors = [
        entity
        for entity in er.async_entries_for_config_entry(entity_registry, demo.entry_id)
        + er.async_entries_for_config_entry(entity_registry, friend.entry_id)
        if entity.unique_id.endswith(f"{WIFI_PK}_{SHARED_DK}_online")
    ]
    assert len(sensors) == 2
    assert {entity.unique_id for entity in sensors} == {
        f"c.dm.90001.1:c1001_{WIFI_PK}_{SHARED_DK}_online",
        f"c.dm.90001.1:c1002_{WIFI_PK}_{SHARED_DK}_online",
    }
    # Unbinding in one account removes the device from that account only.
    simulator.unbind_elsewhere(FRIEND_UID, "p11uniq", "e0e1e2e3e401")
    await advance(hass, 301)
    assert registry_device(hass, friend, "p11uniq", "e0e1e2e3e401") is None
    assert registry_device(hass, friend, WIFI_PK, SHARED_DK) is not None


# --- removing a device by hand ----------------------------------------------------------------------------------


async def remove_device(hass: HomeAssistant, hass_ws_client: WebSocketGenerator, device_id: str) -> dict[str, Any]:
    """Remove a device as the UI does (Device page, "Delete")."""
    assert await async_setup_component(hass, "config", {})
    client = await hass_ws_client(hass)
    await client.send_json_auto_id({"type": "config/device_registry/remove", "device_id": device_id})
    return await client.receive_json()


async def test_removing_a_device_hides_it(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, simulator: CloudSimulator, entry: Any
) -> None:
    device = registry_device(hass, entry, CELL_PK, CELL_DK_BOUND)
    assert device is not None
    response = await remove_device(hass, hass_ws_client, device.id)
    assert response["success"], response
    await hass.async_block_till_done()
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is None
    assert hass.states.get(TRACKER) is None
    # Nothing was unbound in the cloud, and the next polls do not bring it back.
    assert simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_BOUND) is not None
    assert [r.method for r in simulator.requests] == []
    await advance(hass, 301)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is None
    # Nor does a restart.
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is None
    assert registry_device(hass, entry, WIFI_PK, SHARED_DK) is not None
    assert entry.runtime_data.coordinator.hidden.keys == {f"{CELL_PK}_{CELL_DK_BOUND}"}
    # Binding it again through an action shows it again.
    simulator.unbind_elsewhere(DEMO_UID, CELL_PK, CELL_DK_BOUND)
    await bind_by_dk(hass, entry, CELL_DK_BOUND)
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is not None
    assert entry.runtime_data.coordinator.hidden.keys == set()


async def test_a_hidden_device_that_left_the_cloud_is_forgotten(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, simulator: CloudSimulator, entry: Any
) -> None:
    device = registry_device(hass, entry, CELL_PK, CELL_DK_BOUND)
    assert (await remove_device(hass, hass_ws_client, device.id))["success"]  # type: ignore[union-attr]
    simulator.unbind_elsewhere(DEMO_UID, CELL_PK, CELL_DK_BOUND)
    await advance(hass, 301)
    assert entry.runtime_data.coordinator.hidden.keys == set()
    # Bound again elsewhere later: it shows.
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=CELL_PK, dk=CELL_DK_BOUND, auth_key="", name="Back"))
    await advance(hass, 301)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is not None


async def test_removing_a_device_of_an_unloaded_account(
    hass: HomeAssistant, hass_ws_client: WebSocketGenerator, simulator: CloudSimulator, entry: Any
) -> None:
    device = registry_device(hass, entry, WIFI_PK, SHARED_DK)
    assert device is not None
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert (await remove_device(hass, hass_ws_client, device.id))["success"]
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert registry_device(hass, entry, WIFI_PK, SHARED_DK) is None
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is not None


async def test_deleting_the_account_forgets_its_hidden_devices(
    hass: HomeAssistant,
    hass_ws_client: WebSocketGenerator,
    hass_storage: dict[str, Any],
    simulator: CloudSimulator,
    entry: Any,
) -> None:
    device = registry_device(hass, entry, WIFI_PK, SHARED_DK)
    assert (await remove_device(hass, hass_ws_client, device.id))["success"]  # type: ignore[union-attr]
    key = f"{DOMAIN}.{entry.entry_id}.hidden_devices"
    assert hass_storage[key]["data"] == [f"{WIFI_PK}_{SHARED_DK}"]
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


async def test_hidden_devices_store_tolerates_junk(hass: HomeAssistant, hass_storage: dict[str, Any]) -> None:
    hass_storage[f"{DOMAIN}.x.hidden_devices"] = {"version": 1, "key": f"{DOMAIN}.x.hidden_devices", "data": "junk"}
    hidden = HiddenDevices(hass, "x")
    await hidden.async_load()
    assert hidden.keys == set()
    await hidden.async_update(remove={"nothing"})  # no change: nothing written
    assert hass_storage[f"{DOMAIN}.x.hidden_devices"]["data"] == "junk"


async def test_names_for_unnamed_devices(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=CELL_PK, dk="c0ffee000003", auth_key="", name=""))
    await advance(hass, 301)
    device = registry_device(hass, entry, CELL_PK, "c0ffee000003")
    assert device is not None
    assert device.name == "GPS Tracker 0003"
    assert listed_device_info(ApiDevice.from_api({"productKey": "pk01", "deviceKey": "abcdef"}))["name"] == "abcdef"


async def test_hiding_an_unlisted_device_changes_nothing_shown(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    coordinator = entry.runtime_data.coordinator
    shown = dict(coordinator.data)
    await coordinator.async_hide({f"{CELL_PK}_{CELL_DK_FREE}"})
    assert coordinator.data == shown
    assert coordinator.hidden.keys == {f"{CELL_PK}_{CELL_DK_FREE}"}
    # Not listed by the cloud: forgotten at the next poll.
    await advance(hass, 301)
    assert coordinator.hidden.keys == set()


async def test_a_bind_outside_the_actions_is_picked_up(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    # Bluetooth discovery and the options bind through the account object directly, not through an action.
    await entry.runtime_data.async_bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, BindOptions(device_name="Van")))
    await hass.async_block_till_done()
    assert polls(simulator) == 0
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert polls(simulator) == 1
    assert online_state(hass, entry, CELL_PK, CELL_DK_FREE) == "off"
    # Devices of another account, or registered by the poll itself, ask for nothing.
    other = MockConfigEntry(domain=DOMAIN, title="other")
    other.add_to_hass(hass)
    registry = dr.async_get(hass)
    registry.async_get_or_create(config_entry_id=other.entry_id, identifiers={(DOMAIN, "p11cell_x")})
    # Nor does a device of this account without a cloud identifier.
    registry.async_get_or_create(config_entry_id=entry.entry_id, identifiers={("elsewhere", "x")})
    await advance(hass, REFRESH_COOLDOWN + 1)
    assert polls(simulator) == 1
