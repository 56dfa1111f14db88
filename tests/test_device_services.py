"""unbind_device, accept_share, revoke_share, list_shares and leave_share through hass.services.async_call, against the
simulator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.quectel_iot.const import DOMAIN
from custom_components.quectel_iot.coordinator import REFRESH_COOLDOWN
from quectel_simulator import Binding, CloudSimulator, Fault
from quectel_simulator.crypto import ble_encrypt
from tests.common import (
    BLE_DK,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_UID,
    FRIEND_UID,
    WIFI_PK,
    registry_device,
    setup_demo_entry,
)

SHARED_DK = "a0b1c2d3e4f8"
DEMO_SHARE_CODE = "53f2d1e7b4181db8636868128ec7a223"
NEIGHBOUR_UID = "C1003"
LOCK_PK, LOCK_DK = "p11uniq", "e0e1e2e3e401"
RANDOM = "R4nd0mDeviceIV16"


async def call(hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = True) -> Any:
    return await hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=response)


async def refresh(hass: HomeAssistant) -> None:
    """Let the refresh an action asked for run."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=REFRESH_COOLDOWN + 1))
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    entry = await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    return entry


# --- happy paths ----------------------------------------------------------------------------------------------------


async def test_unbind_device(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    response = await call(
        hass, "unbind_device", {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_BOUND}
    )
    (request,) = simulator.requests
    assert (request.method, request.path) == ("DELETE", "/v2/binding/enduserapi/unbundlingDeviceDk")
    assert request.query == {"pk": CELL_PK, "dk": CELL_DK_BOUND}
    assert request.json is None
    assert response == {"product_key": CELL_PK, "device_key": CELL_DK_BOUND, "binding_sum": 0}
    assert simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_BOUND) is None
    # The device leaves Home Assistant with the refresh that follows.
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is not None
    await refresh(hass)
    assert registry_device(hass, entry, CELL_PK, CELL_DK_BOUND) is None
    assert hass.states.get("binary_sensor.demo_tracker_online") is None


async def test_unbind_pure_ble_device(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=BLE_PK, dk=BLE_DK, auth_key="", binding_type=4))
    simulator.state.devices[BLE_PK, BLE_DK].binding_secret = "kept-secret"
    credentials = ble_encrypt(f"{BLE_PK},{BLE_DK},kept-secret", BLE_PS, RANDOM)
    response = await call(
        hass,
        "unbind_device",
        {"config_entry_id": entry.entry_id, "product_key": BLE_PK, "device_key": BLE_DK, "reset_device": True,
         "reset_credentials": credentials, "random": RANDOM},
    )  # fmt: skip
    assert simulator.requests[0].query == {
        "pk": BLE_PK, "dk": BLE_DK, "isInit": "true", "pureBtResetCredentials": credentials, "random": RANDOM,
    }  # fmt: skip
    assert response["binding_sum"] == 0
    assert simulator.state.devices[BLE_PK, BLE_DK].binding_secret is None


async def test_accept_share(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    code = simulator.add_share(FRIEND_UID, DEMO_UID, LOCK_PK, LOCK_DK)
    response = await call(
        hass,
        "accept_share",
        {"config_entry_id": entry.entry_id, "share_code": f" {code} ", "device_name": "Front door"},
    )
    (request,) = simulator.requests
    assert (request.method, request.path) == ("POST", "/v2/binding/enduserapi/shareDevice")
    assert request.query == {"shareCode": code, "deviceName": "Front door"}
    assert request.json is None
    assert response == {"share_code": code}
    await refresh(hass)
    device = registry_device(hass, entry, LOCK_PK, LOCK_DK)
    assert device is not None
    assert device.name == "Front door"
    state = hass.states.get("binary_sensor.front_door_online")
    assert (state.state, state.attributes["ownership"]) == ("on", "shared")


async def test_list_and_revoke_shares(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    expires = int(dt_util.utcnow().timestamp() * 1000) + 86_400_000
    pending = simulator.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_DK_BOUND, sharing_expire_at=expires)
    accepted = simulator.add_share(DEMO_UID, NEIGHBOUR_UID, CELL_PK, CELL_DK_BOUND, accepted=True, cover_mark=2)
    device = {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_BOUND}
    response = await call(hass, "list_shares", device)
    (request,) = simulator.requests
    assert (request.method, request.path) == ("GET", "/v2/binding/enduserapi/deviceShareUserList")
    assert request.query == {"pk": CELL_PK, "dk": CELL_DK_BOUND}
    assert response["product_key"] == CELL_PK
    assert response["device_key"] == CELL_DK_BOUND
    first, second = response["shares"]
    assert first == {
        "share_code": pending,
        "recipient_uid": FRIEND_UID,
        "recipient_name": "Friend",
        "recipient_email": "friend@example.com",
        "recipient_phone": "13900139000",
        "accepted": False,
        "status": 0,
        "cover_mode": "replace",
        "shared_at": first["shared_at"],
        "accepted_at": None,
        "accept_by": None,
        "expires_at": dt_util.utc_from_timestamp(expires / 1000).isoformat(),
    }
    assert dt_util.parse_datetime(first["shared_at"]) is not None
    assert (second["share_code"], second["accepted"], second["cover_mode"]) == (accepted, True, "add")
    assert dt_util.parse_datetime(second["accepted_at"]) is not None
    assert "auth" not in repr(response).lower()
    assert "pQSpXFqVlUJPxsivVIE96Q==" not in repr(response)  # the device's auth key rides along on the wire
    # Revoke the accepted one.
    simulator.clear_requests()
    assert await call(hass, "revoke_share", {"config_entry_id": entry.entry_id, "share_code": accepted}) == {
        "share_code": accepted
    }
    (request,) = simulator.requests
    assert (request.method, request.path, request.query) == (
        "DELETE",
        "/v2/binding/enduserapi/ownerUserUnshareDevice",
        {"shareCode": accepted},
    )
    response = await call(hass, "list_shares", device)
    assert [share["share_code"] for share in response["shares"]] == [pending]


async def test_leave_share(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    # The demo account holds friend's plug through an accepted share; the last poll listed it with its share code.
    assert registry_device(hass, entry, WIFI_PK, SHARED_DK) is not None
    response = await call(
        hass, "leave_share", {"config_entry_id": entry.entry_id, "product_key": WIFI_PK, "device_key": SHARED_DK}
    )
    assert response == {"product_key": WIFI_PK, "device_key": SHARED_DK}
    # The share code came from the device list already polled: one request, the leave itself.
    (request,) = simulator.requests
    assert (request.method, request.path) == ("DELETE", "/v2/binding/enduserapi/shareUserUnshareDevice")
    assert request.query == {"shareCode": DEMO_SHARE_CODE}
    assert request.json is None
    assert simulator.state.share_by_code(DEMO_SHARE_CODE).status == "left"  # type: ignore[union-attr]
    # The device leaves Home Assistant with the refresh that follows.
    assert registry_device(hass, entry, WIFI_PK, SHARED_DK) is not None
    await refresh(hass)
    assert registry_device(hass, entry, WIFI_PK, SHARED_DK) is None
    assert [r.path.rsplit("/", 1)[-1] for r in simulator.requests] == ["shareUserUnshareDevice", "userDeviceList"]


async def test_leave_a_share_the_last_poll_did_not_list(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    code = simulator.add_share(FRIEND_UID, DEMO_UID, LOCK_PK, LOCK_DK, accepted=True)
    data = {"config_entry_id": entry.entry_id, "product_key": LOCK_PK, "device_key": LOCK_DK}
    assert await call(hass, "leave_share", data, response=False) is None
    # Its share code is read from the cloud's list first.
    listing, leave = simulator.requests
    assert listing.path.endswith("/userDeviceList")
    assert (leave.method, leave.query) == ("DELETE", {"shareCode": code})
    assert simulator.state.share_by_code(code).status == "left"  # type: ignore[union-attr]
    await refresh(hass)
    assert registry_device(hass, entry, LOCK_PK, LOCK_DK) is None


@pytest.mark.parametrize(("product_key", "device_key"), [(CELL_PK, CELL_DK_BOUND), (CELL_PK, CELL_DK_FREE)])
async def test_leave_a_device_not_shared_with_the_account(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, product_key: str, device_key: str
) -> None:
    # Owned by the account, or not its device at all: there is no share to leave, and nothing is sent to end one.
    data = {"config_entry_id": entry.entry_id, "product_key": product_key, "device_key": device_key}
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, "leave_share", data)
    assert not isinstance(info.value, ServiceValidationError)
    assert info.value.translation_key == "not_shared"
    assert str(info.value).startswith(
        f"The device {product_key} / {device_key} is not shared with this account, so there is no share to leave. "
        "A device the account owns is removed with unbind_device"
    )
    assert [r.path.rsplit("/", 1)[-1] for r in simulator.requests] == ["userDeviceList"]
    assert simulator.requests_to("shareUserUnshareDevice") == []
    assert simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_BOUND) is not None


async def test_leave_a_share_that_ended_since_the_last_poll(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    simulator.state.share_by_code(DEMO_SHARE_CODE).status = "revoked"  # type: ignore[union-attr]
    data = {"config_entry_id": entry.entry_id, "product_key": WIFI_PK, "device_key": SHARED_DK}
    with pytest.raises(HomeAssistantError, match="already ended") as info:
        await call(hass, "leave_share", data)
    assert info.value.translation_key == "cloud_error_5142"
    assert len(simulator.requests) == 1


async def test_a_not_found_answer_of_the_cloud_stays_the_clouds(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    simulator.add_share(FRIEND_UID, DEMO_UID, LOCK_PK, LOCK_DK, accepted=True)
    simulator.faults.add(Fault(kind="code", code=5052, path="shareUserUnshareDevice"))
    data = {"config_entry_id": entry.entry_id, "product_key": LOCK_PK, "device_key": LOCK_DK}
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, "leave_share", data)
    # The cloud's own "not found" (with its code) stays its refusal, in its words; not_shared is for no share found.
    assert info.value.translation_key == "cloud_error_5052"
    assert len(simulator.requests_to("shareUserUnshareDevice")) == 1


async def test_responses_only_when_asked(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    code = simulator.add_share(FRIEND_UID, DEMO_UID, LOCK_PK, LOCK_DK)
    mine = simulator.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_DK_BOUND)
    entry_id = entry.entry_id
    assert await call(hass, "accept_share", {"config_entry_id": entry_id, "share_code": code}, response=False) is None
    assert simulator.requests[-1].query == {"shareCode": code}
    assert await call(hass, "revoke_share", {"config_entry_id": entry_id, "share_code": mine}, response=False) is None
    assert (
        await call(
            hass,
            "unbind_device",
            {"config_entry_id": entry_id, "product_key": CELL_PK, "device_key": CELL_DK_BOUND, "reset_device": False},
            response=False,
        )
        is None
    )
    assert simulator.requests[-1].query == {"pk": CELL_PK, "dk": CELL_DK_BOUND, "isInit": "false"}
    # list_shares is a pure query: it must be asked for its response.
    simulator.clear_requests()
    with pytest.raises(ServiceValidationError):
        await call(
            hass,
            "list_shares",
            {"config_entry_id": entry_id, "product_key": CELL_PK, "device_key": CELL_DK_BOUND},
            response=False,
        )
    assert simulator.requests == []


# --- refused before any request -------------------------------------------------------------------------------------

DEVICE = {"product_key": CELL_PK, "device_key": CELL_DK_BOUND}


@pytest.mark.parametrize(
    ("service", "data"),
    [
        ("unbind_device", DEVICE),
        ("accept_share", {"share_code": "abc"}),
        ("revoke_share", {"share_code": "abc"}),
        ("list_shares", DEVICE),
        ("leave_share", DEVICE),
    ],
)
async def test_unknown_and_unloaded_entries(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, service: str, data: dict[str, Any]
) -> None:
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, service, {"config_entry_id": "nope", **data})
    assert (info.value.translation_domain, info.value.translation_key) == (
        "homeassistant",
        "service_config_entry_not_found",
    )
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert (info.value.translation_domain, info.value.translation_key) == (
        "homeassistant",
        "service_config_entry_not_loaded",
    )
    assert simulator.requests == []


# --- cloud refusals -------------------------------------------------------------------------------------------------


def _share(simulator: CloudSimulator, owner: str, recipient: str, **kwargs: Any) -> str:
    pk, dk = (CELL_PK, CELL_DK_BOUND) if owner == DEMO_UID else (LOCK_PK, LOCK_DK)
    return simulator.add_share(owner, recipient, pk, dk, **kwargs)


CLOUD: list[tuple[str, str, Any, int, str]] = [
    ("unbind not bound", "unbind_device", {"product_key": CELL_PK, "device_key": CELL_DK_FREE}, 5052, "not bound to this account"),
    ("unbind shared", "unbind_device", {"product_key": WIFI_PK, "device_key": SHARED_DK}, 5052, "not bound to this account"),
    ("unbind ble without credentials", "unbind_device", {"product_key": BLE_PK, "device_key": BLE_DK}, 5050, "reset credentials"),
    ("accept unknown", "accept_share", {"share_code": "f" * 32}, 5137, "not valid"),
    ("accept expired", "accept_share", lambda sim: {"share_code": _share(sim, FRIEND_UID, DEMO_UID, sharing_expire_at=1)}, 5137, "expired"),
    ("accept for another", "accept_share", lambda sim: {"share_code": _share(sim, FRIEND_UID, NEIGHBOUR_UID)}, 5138, "made for this account"),
    ("accept twice", "accept_share", {"share_code": DEMO_SHARE_CODE}, 6040, "through a share"),
    ("revoke not mine", "revoke_share", {"share_code": DEMO_SHARE_CODE}, 5041, "account that made it"),
    ("revoke ended", "revoke_share", lambda sim: {"share_code": _share(sim, DEMO_UID, FRIEND_UID, sharing_expire_at=1)}, 5142, "already ended"),
    ("list not owned", "list_shares", {"product_key": WIFI_PK, "device_key": SHARED_DK}, 5141, "only the account that owns"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("service", "data", "code", "words"), [case[1:] for case in CLOUD], ids=[case[0] for case in CLOUD]
)
async def test_cloud_refusals_are_translated(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, service: str, data: Any, code: int, words: str
) -> None:
    if service == "unbind_device" and data["product_key"] == BLE_PK:
        simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=BLE_PK, dk=BLE_DK, auth_key="", binding_type=4))
    fields = data(simulator) if callable(data) else data
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **fields})
    assert not isinstance(info.value, ServiceValidationError)
    assert info.value.translation_key == f"cloud_error_{code}"
    assert words in str(info.value)
    assert f"[cloud code {code}]" in str(info.value)
    assert len(simulator.requests) == 1


async def test_accept_when_already_bound_and_extend_only(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    code = simulator.add_share(FRIEND_UID, DEMO_UID, WIFI_PK, SHARED_DK)
    # The demo account holds the plug through an accepted share that never ends; an extend-only one cannot replace it.
    simulator.state.share_by_code(code).cover_mark = 3  # type: ignore[union-attr]
    simulator.state.share_by_code(code).sharing_expire_at = 4_102_444_800_000  # type: ignore[union-attr]
    with pytest.raises(HomeAssistantError, match="cannot end earlier") as info:
        await call(hass, "accept_share", {"config_entry_id": entry.entry_id, "share_code": code})
    assert info.value.translation_key == "cloud_error_5151"
    mine = simulator.add_share(FRIEND_UID, DEMO_UID, LOCK_PK, LOCK_DK)
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=LOCK_PK, dk=LOCK_DK, auth_key=""))
    with pytest.raises(HomeAssistantError, match="already bound") as info:
        await call(hass, "accept_share", {"config_entry_id": entry.entry_id, "share_code": mine})
    assert info.value.translation_key == "cloud_error_5049"


async def test_transport_failure_is_not_retried(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.faults.add(Fault(kind="http_status", status=502, path="unbundlingDeviceDk", count=5))
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, "unbind_device", {"config_entry_id": entry.entry_id, **DEVICE})
    assert info.value.translation_key == "cannot_connect_call"
    assert len(simulator.requests) == 1
    assert simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_BOUND) is not None
