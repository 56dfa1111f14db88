"""The Online sensor of every listed device: state, description, attributes, availability, and no secrets."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.binary_sensor import DOMAIN as BINARY_SENSOR
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_FRIENDLY_NAME, STATE_UNAVAILABLE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.quectel_iot import binary_sensor
from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import Binding, CloudSimulator
from tests.common import CELL_DK_BOUND, CELL_DK_FREE, CELL_PK, DEMO_UID, FRIEND_UID, WIFI_PK, setup_demo_entry

TRACKER = "binary_sensor.demo_tracker_online"
FRIENDS_PLUG = "binary_sensor.friend_s_plug_online"
LOCK_PK, LOCK_DK = "p11uniq", "e0e1e2e3e401"
SHARED_DK = "a0b1c2d3e4f8"


async def poll(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=301))
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    return await setup_demo_entry(hass, simulator)


async def test_online_sensor_description(hass: HomeAssistant, entry: Any) -> None:
    assert binary_sensor.PARALLEL_UPDATES == 0
    state = hass.states.get(TRACKER)
    assert state.state == "on"
    assert state.attributes[ATTR_DEVICE_CLASS] == "connectivity"
    assert state.attributes[ATTR_FRIENDLY_NAME] == "Demo Tracker Online"
    assert state.attributes["ownership"] == "own"
    assert state.attributes["binding_kind"] == "device_key"
    # An own device has no share to end: no such attribute (not "Unknown").
    assert "shared_until" not in state.attributes
    entity = er.async_get(hass).async_get(TRACKER)
    assert entity is not None
    assert entity.entity_category is EntityCategory.DIAGNOSTIC
    assert entity.translation_key == "online"
    assert entity.has_entity_name
    assert entity.unique_id == f"c.dm.90001.1:c1001_{CELL_PK}_{CELL_DK_BOUND}_online"
    assert entity.config_entry_id == entry.entry_id


async def test_shared_devices(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    plug = hass.states.get(FRIENDS_PLUG)
    assert (plug.attributes["ownership"], plug.attributes["binding_kind"]) == ("shared", "wifi")
    # A share with no end: no such attribute either.
    assert "shared_until" not in plug.attributes
    # A share that ends: the sensor says when.
    ends = datetime(2031, 5, 1, 12, 0, tzinfo=UTC)
    simulator.add_share(
        FRIEND_UID, DEMO_UID, LOCK_PK, LOCK_DK, accepted=True, sharing_expire_at=int(ends.timestamp() * 1000)
    )
    await poll(hass)
    lock = hass.states.get("binary_sensor.front_door_lock_online")
    assert lock.state == "on"
    assert lock.attributes["ownership"] == "shared"
    assert lock.attributes["shared_until"] == "2031-05-01T12:00:00+00:00"


async def test_entity_names_are_translated() -> None:
    folder = Path(binary_sensor.__file__).parent / "translations"
    names = {
        language: json.loads((folder / f"{language}.json").read_text(encoding="utf-8"))["entity"]["binary_sensor"]
        for language in ("en", "zh-Hans")
    }
    assert names["en"]["online"]["name"] == "Online"
    assert names["zh-Hans"]["online"]["name"] == "在线"
    for language in names:
        attributes = names[language]["online"]["state_attributes"]
        assert set(attributes["ownership"]["state"]) == {"own", "shared"}
        assert set(attributes["binding_kind"]["state"]) == set(binary_sensor.BINDING_KINDS.values())


async def test_a_device_leaving_the_list_makes_its_sensor_unavailable_first(hass: HomeAssistant, entry: Any) -> None:
    coordinator = entry.runtime_data.coordinator
    sensor = hass.data["entity_components"][BINARY_SENSOR].get_entity(TRACKER)
    coordinator.data = {key: device for key, device in coordinator.data.items() if not key.startswith(CELL_PK)}
    coordinator.async_update_listeners()
    await hass.async_block_till_done()
    assert hass.states.get(TRACKER).state == STATE_UNAVAILABLE
    assert sensor.is_on is None
    assert sensor.extra_state_attributes is None
    assert hass.states.get(FRIENDS_PLUG).state == "on"


async def test_no_secret_in_states(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    secrets = set()
    for binding in simulator.state.bindings:
        secrets |= {binding.auth_key, binding.binding_code, binding.bt_pwd}
    for share in simulator.state.shares:
        secrets |= {share.share_code, share.auth_key}
    secrets.discard("")
    assert len(secrets) >= 4
    states = [state for state in hass.states.async_all() if state.entity_id.startswith("binary_sensor.")]
    assert {state.entity_id for state in states} == {TRACKER, FRIENDS_PLUG}
    text = repr([(state.state, dict(state.attributes)) for state in states])
    for secret in secrets:
        assert secret not in text
    assert WIFI_PK not in text  # not even the keys: the device registry holds them


async def test_sensors_follow_the_device_list(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    entity_registry = er.async_get(hass)
    van_id = f"{entry.unique_id}_{CELL_PK}_{CELL_DK_FREE}_online"
    assert entity_registry.async_get_entity_id(BINARY_SENSOR, DOMAIN, van_id) is None
    # Bound elsewhere: at the next poll it has its sensor, the others keep theirs (added once, not again).
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=CELL_PK, dk=CELL_DK_FREE, auth_key="", name="Van"))
    tracker = entity_registry.async_get(TRACKER)
    await poll(hass)
    assert entity_registry.async_get_entity_id(BINARY_SENSOR, DOMAIN, van_id) == "binary_sensor.van_online"
    assert hass.states.get("binary_sensor.van_online").state == "off"
    assert entity_registry.async_get(TRACKER) == tracker
    assert len(hass.states.async_entity_ids(BINARY_SENSOR)) == 3
    # Unbound elsewhere: at the next poll its sensor is gone (state and registry entry), the others stay.
    assert simulator.unbind_elsewhere(DEMO_UID, CELL_PK, CELL_DK_FREE)
    await poll(hass)
    assert entity_registry.async_get_entity_id(BINARY_SENSOR, DOMAIN, van_id) is None
    assert hass.states.get("binary_sensor.van_online") is None
    assert set(hass.states.async_entity_ids(BINARY_SENSOR)) == {TRACKER, FRIENDS_PLUG}


async def test_an_entity_the_factory_stops_giving_is_removed(
    hass: HomeAssistant, simulator: CloudSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shape a device whose entities change with its product's model relies on, here with the Online sensor.
    dropped: set[str] = set()

    def online_sensors(coordinator: Any, device: Any) -> list[Any]:
        return [] if device.device_key in dropped else original(coordinator, device)

    original = binary_sensor.online_sensors
    monkeypatch.setattr(binary_sensor, "online_sensors", online_sensors)
    await setup_demo_entry(hass, simulator)
    assert hass.states.get(TRACKER).state == "on"
    # The coordinator tells its listeners only when the list changed: the plug goes offline with it.
    plug = simulator.state.devices[WIFI_PK, SHARED_DK]
    dropped.add(CELL_DK_BOUND)
    plug.online = False
    await poll(hass)
    assert er.async_get(hass).async_get(TRACKER) is None
    assert hass.states.get(TRACKER) is None
    assert hass.states.get(FRIENDS_PLUG).state == "off"
    # Given again: added again.
    dropped.clear()
    plug.online = True
    await poll(hass)
    assert hass.states.get(TRACKER).state == "on"
