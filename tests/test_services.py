"""The actions through hass.services.async_call, against the simulator (device-list actions also in test_device_services.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator, Fault
from quectel_simulator.crypto import ble_decrypt, ble_signature
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
    DEMO_SECRET,
    DEMO_UID,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    FRIEND_UID,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
    setup_demo_entry,
)


async def call(hass: HomeAssistant, service: str, data: dict[str, Any], *, response: bool = True) -> Any:
    return await hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=response)


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    entry = await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    return entry


# --- happy paths ----------------------------------------------------------------------------------------------------


async def test_bind_by_dk(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, snapshot: SnapshotAssertion
) -> None:
    response = await call(
        hass,
        "bind_by_dk",
        {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_FREE,
         "device_name": "Garage tracker", "capabilities": 1, "common_device": False},
    )  # fmt: skip
    (request,) = simulator.requests
    assert request.path == "/v2/binding/enduserapi/bindDeviceDk"
    assert request.json is None
    assert request.query == {
        "pk": CELL_PK, "dk": CELL_DK_FREE, "name": "Garage tracker", "capabilitiesBitmask": "1", "isCommonDevice": "false",
    }  # fmt: skip
    binding = simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_FREE)
    assert binding is not None
    assert response["auth_key"] == binding.auth_key
    assert response == snapshot(exclude=props("auth_key"))
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{CELL_PK}_{CELL_DK_FREE}"), entry.entry_id)
    assert device is not None
    assert (device.name, device.manufacturer) == ("Garage tracker", "Quectel")


async def test_bind_by_dk_uses_the_binding_defaults(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(
        hass, simulator,
        options={"family_id": "fam-demo-home", "room_id": "room-living", "common_device": True, "capabilities": 5},
    )  # fmt: skip
    simulator.clear_requests()
    assert await call(
        hass, "bind_by_dk", {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_FREE},
        response=False,
    ) is None  # fmt: skip
    assert simulator.requests[0].query == {
        "pk": CELL_PK, "dk": CELL_DK_FREE, "fid": "fam-demo-home", "frid": "room-living",
        "isCommonDevice": "true", "capabilitiesBitmask": "5",
    }  # fmt: skip
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{CELL_PK}_{CELL_DK_FREE}"), entry.entry_id)
    assert device is not None
    assert device.name == CELL_DK_FREE
    # A home given in the call does not inherit the default room of another home.
    await call(
        hass, "bind_by_dk",
        {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": "c0ffee000003", "family_id": "fam-demo-home"},
    )  # fmt: skip
    assert "frid" not in simulator.requests[-1].query


async def test_bind_wifi_with_matter(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, snapshot: SnapshotAssertion
) -> None:
    matter = {"vendor_id": 4660, "product_id": 22136, "version": "1.0", "node_id": 7, "fabric_id": 9,
              "discriminator": 3840, "cat_list": [{"cat": 1, "privilege": "Operate"}]}  # fmt: skip
    response = await call(
        hass, "bind_wifi",
        {"config_entry_id": entry.entry_id, "product_key": WIFI_PK, "device_key": WIFI_DK,
         "binding_code": WIFI_CODE.lower(), "matter": matter},
    )  # fmt: skip
    (request,) = simulator.requests
    assert request.query == {}
    assert request.json == {
        "productKey": WIFI_PK, "deviceKey": WIFI_DK, "bindingCode": WIFI_CODE, "isMatter": True,
        "matterInfo": {"catList": [{"cat": 1, "privilege": "Operate"}], "discriminator": 3840, "fabricId": 9,
                       "matterProductId": 22136, "matterVendorId": 4660, "matterVersion": "1.0", "nodeId": 7},
    }  # fmt: skip
    assert response == snapshot(exclude=props("auth_key"))
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{WIFI_PK}_{WIFI_DK}"), entry.entry_id)
    assert device is not None
    assert (device.name, device.model) == ("Smart Plug E4F5", "Smart Plug")


async def test_bind_ble_with_product_secret_from_options(
    hass: HomeAssistant, simulator: CloudSimulator, snapshot: SnapshotAssertion
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    simulator.clear_requests()
    response = await call(
        hass, "bind_ble",
        {"config_entry_id": entry.entry_id, "product_key": BLE_PK, "device_key": BLE_DK, "binding_code": BLE_CODE,
         "binding_secret": "hand-over-secret", "random": "abcdefghijklmnop", "device_name": "Fridge"},
    )  # fmt: skip
    assert response == snapshot
    body = simulator.requests[0].json
    assert body["random"] == "abcdefghijklmnop"
    assert body["bindingCode"] == BLE_CODE
    assert (
        ble_decrypt(body["encryptedNewBindingSecret"], BLE_PS, body["random"]) == f"{BLE_PK},{BLE_DK},hand-over-secret"
    )
    assert body["signature"] == ble_signature(BLE_PK, BLE_DK, BLE_CODE, "", DEMO_SECRET)
    assert body["deviceName"] == "Fridge"
    assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{BLE_PK}_{BLE_DK}"), entry.entry_id)


async def test_bind_ble_with_encrypted_code_and_secret_in_the_call(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    from quectel_simulator.crypto import ble_encrypt  # noqa: PLC0415

    random = "0123456789abcdef"
    encrypted = ble_encrypt(BLE_CODE_WITH_SECRET, BLE_PS, random)
    response = await call(
        hass, "bind_ble",
        {"config_entry_id": entry.entry_id, "product_key": BLE_PK, "device_key": BLE_DK_WITH_SECRET,
         "encrypted_binding_code": encrypted, "binding_secret": "new-one", "old_binding_secret": "oldSecret42",
         "product_secret": BLE_PS, "random": random, "device_password": "4321"},
    )  # fmt: skip
    assert response == {"product_key": BLE_PK, "device_key": BLE_DK_WITH_SECRET, "verified": True}
    body = simulator.requests[0].json
    assert body["encryptedBindingCode"] == encrypted
    assert "bindingCode" not in body
    assert (
        ble_decrypt(body["encryptedOldBindingSecret"], BLE_PS, random) == f"{BLE_PK},{BLE_DK_WITH_SECRET},oldSecret42"
    )
    assert body["signature"] == ble_signature(BLE_PK, BLE_DK_WITH_SECRET, encrypted, "4321", DEMO_SECRET)


async def test_share_device(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, snapshot: SnapshotAssertion
) -> None:
    expires = dt_util.utcnow() + timedelta(days=1)
    response = await call(
        hass, "share_device",
        {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_BOUND, "email": FRIEND_EMAIL,
         "cover_mode": "add", "expires_at": expires.isoformat()},
    )  # fmt: skip
    (request,) = simulator.requests
    assert request.query == {
        "pk": CELL_PK, "dk": CELL_DK_BOUND, "email": FRIEND_EMAIL, "coverMark": "2",
        "sharingExpireAt": str(int(expires.timestamp() * 1000)),
    }  # fmt: skip
    share = simulator.state.shares[-1]
    assert (share.recipient_uid, share.owner_uid) == (FRIEND_UID, DEMO_UID)
    assert response["share_code"] == share.share_code
    assert response == snapshot(exclude=props("share_code"))


async def test_two_accounts_reach_the_named_one(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    demo = await setup_demo_entry(hass, simulator)
    friend = await setup_demo_entry(hass, simulator, uid=FRIEND_UID, account=FRIEND_EMAIL, password=FRIEND_PASSWORD)
    simulator.clear_requests()
    await call(
        hass, "bind_by_dk", {"config_entry_id": friend.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_FREE}
    )
    assert simulator.state.binding_of(FRIEND_UID, CELL_PK, CELL_DK_FREE) is not None
    assert simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_FREE) is None
    assert simulator.requests[0].headers["Authorization"] == friend.runtime_data.client.tokens.access.value
    registry = dr.async_get(hass)
    assert registry.async_get_device_by_identifier((DOMAIN, f"{CELL_PK}_{CELL_DK_FREE}"), friend.entry_id)
    assert registry.async_get_device_by_identifier((DOMAIN, f"{CELL_PK}_{CELL_DK_FREE}"), demo.entry_id) is None


# --- refused before any request -------------------------------------------------------------------------------------

BASE = {"product_key": CELL_PK, "device_key": CELL_DK_FREE}
BLE = {"product_key": BLE_PK, "device_key": BLE_DK, "binding_secret": "s", "product_secret": BLE_PS}
SHARE = {"product_key": CELL_PK, "device_key": CELL_DK_BOUND}
CREDENTIALS = "QUJDREVGR0hJSktMTU5PUA=="
RANDOM = "R4nd0mDeviceIV16"

INVALID: list[tuple[str, str, dict[str, Any], str, str]] = [
    ("pk empty", "bind_by_dk", {**BASE, "product_key": ""}, "invalid_product_key", "product_key"),
    ("pk bad", "bind_by_dk", {**BASE, "product_key": "p1 1"}, "invalid_product_key", "product_key"),
    ("pk missing", "bind_by_dk", {"device_key": CELL_DK_FREE}, "missing_field", "product_key"),
    ("dk short", "bind_by_dk", {**BASE, "device_key": "abc"}, "invalid_device_key", "device_key"),
    ("dk number", "bind_by_dk", {**BASE, "device_key": 12345678}, "invalid_device_key", "device_key"),
    ("name too long", "bind_by_dk", {**BASE, "device_name": "n" * 255}, "text_too_long", "device_name"),
    ("name empty", "bind_by_dk", {**BASE, "device_name": "  "}, "invalid_text", "device_name"),
    ("capabilities 0", "bind_by_dk", {**BASE, "capabilities": 0}, "invalid_capabilities", "capabilities"),
    ("capabilities 16", "bind_by_dk", {**BASE, "capabilities": 16}, "invalid_capabilities", "capabilities"),
    ("capabilities 1.5", "bind_by_dk", {**BASE, "capabilities": 1.5}, "invalid_capabilities", "capabilities"),
    ("capabilities text", "bind_by_dk", {**BASE, "capabilities": "x"}, "invalid_capabilities", "capabilities"),
    ("capabilities bool", "bind_by_dk", {**BASE, "capabilities": True}, "invalid_capabilities", "capabilities"),
    ("common not bool", "bind_by_dk", {**BASE, "common_device": "maybe"}, "invalid_boolean", "common_device"),
    ("unknown field", "bind_by_dk", {**BASE, "colour": "red"}, "unknown_field", "colour"),
    ("wifi no code", "bind_wifi", {**BASE}, "missing_field", "binding_code"),
    ("wifi bad code", "bind_wifi", {**BASE, "binding_code": "XYZ"}, "invalid_binding_code", "binding_code"),
    ("matter missing vendor", "bind_wifi", {**BASE, "binding_code": WIFI_CODE, "matter": {"product_id": 1, "version": "1", "node_id": 1, "fabric_id": 1, "discriminator": 1}}, "missing_field", "matter.vendor_id"),
    ("matter bad privilege", "bind_wifi", {**BASE, "binding_code": WIFI_CODE, "matter": {"vendor_id": 1, "product_id": 1, "version": "1", "node_id": 1, "fabric_id": 1, "discriminator": 1, "cat_list": [{"cat": 1, "privilege": "Root"}]}}, "invalid_privilege", "matter.cat_list.0.privilege"),
    ("matter negative", "bind_wifi", {**BASE, "binding_code": WIFI_CODE, "matter": {"vendor_id": -1, "product_id": 1, "version": "1", "node_id": 1, "fabric_id": 1, "discriminator": 1}}, "invalid_integer", "matter.vendor_id"),
    ("matter not object", "bind_wifi", {**BASE, "binding_code": WIFI_CODE, "matter": "yes"}, "invalid_field", "matter"),
    ("ble no code", "bind_ble", {**BLE}, "binding_code_choice", ""),
    ("ble both codes", "bind_ble", {**BLE, "binding_code": BLE_CODE, "encrypted_binding_code": "QUJD"}, "binding_code_choice", ""),
    ("ble bad encrypted", "bind_ble", {**BLE, "encrypted_binding_code": "%%%"}, "invalid_encrypted_binding_code", "encrypted_binding_code"),
    ("ble short secret", "bind_ble", {**BLE, "binding_code": BLE_CODE, "product_secret": "short"}, "invalid_product_secret", "product_secret"),
    ("ble bad random", "bind_ble", {**BLE, "binding_code": BLE_CODE, "random": "too-short"}, "invalid_random", "random"),
    ("ble no secret", "bind_ble", {"product_key": BLE_PK, "device_key": BLE_DK, "binding_code": BLE_CODE}, "missing_field", "binding_secret"),
    ("ble no product secret", "bind_ble", {"product_key": BLE_PK, "device_key": BLE_DK, "binding_code": BLE_CODE, "binding_secret": "s"}, "product_secret_missing", ""),
    ("share no recipient", "share_device", {**SHARE}, "share_recipient_choice", ""),
    ("share two recipients", "share_device", {**SHARE, "email": FRIEND_EMAIL, "share_uid": FRIEND_UID}, "share_recipient_choice", ""),
    ("share bad mode", "share_device", {**SHARE, "email": FRIEND_EMAIL, "cover_mode": "merge"}, "invalid_cover_mode", "cover_mode"),
    ("share past", "share_device", {**SHARE, "email": FRIEND_EMAIL, "expires_at": "2020-01-01T00:00:00+00:00"}, "expires_in_past", "expires_at"),
    ("share bad date", "share_device", {**SHARE, "email": FRIEND_EMAIL, "expires_at": "tomorrow"}, "invalid_datetime", "expires_at"),
    ("unbind no dk", "unbind_device", {"product_key": CELL_PK}, "missing_field", "device_key"),
    ("unbind bad pk", "unbind_device", {**SHARE, "product_key": "p 1"}, "invalid_product_key", "product_key"),
    ("unbind bad reset", "unbind_device", {**SHARE, "reset_device": "maybe"}, "invalid_boolean", "reset_device"),
    ("unbind credentials alone", "unbind_device", {**SHARE, "reset_credentials": CREDENTIALS}, "reset_credentials_pair", ""),
    ("unbind random alone", "unbind_device", {**SHARE, "random": RANDOM}, "reset_credentials_pair", ""),
    ("unbind bad credentials", "unbind_device", {**SHARE, "reset_credentials": "%%%", "random": RANDOM}, "invalid_reset_credentials", "reset_credentials"),
    ("unbind credentials not text", "unbind_device", {**SHARE, "reset_credentials": 7, "random": RANDOM}, "invalid_reset_credentials", "reset_credentials"),
    ("unbind bad random", "unbind_device", {**SHARE, "reset_credentials": CREDENTIALS, "random": "short"}, "invalid_random", "random"),
    ("unbind unknown field", "unbind_device", {**SHARE, "force": True}, "unknown_field", "force"),
    ("accept no code", "accept_share", {}, "missing_field", "share_code"),
    ("accept blank code", "accept_share", {"share_code": "  "}, "invalid_share_code", "share_code"),
    ("accept spaced code", "accept_share", {"share_code": "ab cd"}, "invalid_share_code", "share_code"),
    ("accept long code", "accept_share", {"share_code": "a" * 129}, "invalid_share_code", "share_code"),
    ("accept number code", "accept_share", {"share_code": 1234}, "invalid_share_code", "share_code"),
    ("accept long name", "accept_share", {"share_code": "abc", "device_name": "n" * 255}, "text_too_long", "device_name"),
    ("accept device fields", "accept_share", {"share_code": "abc", **SHARE}, "unknown_field", "product_key"),
    ("revoke no code", "revoke_share", {}, "missing_field", "share_code"),
    ("revoke bad code", "revoke_share", {"share_code": "a\tb"}, "invalid_share_code", "share_code"),
    ("list no pk", "list_shares", {"device_key": CELL_DK_BOUND}, "missing_field", "product_key"),
    ("list bad dk", "list_shares", {**SHARE, "device_key": "x"}, "invalid_device_key", "device_key"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("service", "data", "key", "field"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
async def test_invalid_input_is_refused_before_any_request(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, service: str, data: dict[str, Any], key: str, field: str
) -> None:
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert info.value.translation_key == key
    assert info.value.translation_domain == DOMAIN
    if field:
        assert info.value.translation_placeholders["field"] == field
        assert field in str(info.value)
    assert "{" not in str(info.value)  # every placeholder of the message was filled
    assert simulator.requests == []


async def test_unknown_and_unloaded_entries(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "bind_by_dk", {"config_entry_id": "nope", **BASE})
    assert (info.value.translation_domain, info.value.translation_key) == (
        "homeassistant",
        "service_config_entry_not_found",
    )
    assert "nope" in str(info.value)
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "share_device", {"config_entry_id": entry.entry_id, **SHARE, "email": FRIEND_EMAIL})
    assert (info.value.translation_domain, info.value.translation_key) == (
        "homeassistant",
        "service_config_entry_not_loaded",
    )
    assert simulator.requests == []


# --- cloud refusals -------------------------------------------------------------------------------------------------

CLOUD: list[tuple[str, dict[str, Any], int, str]] = [
    ("bind_by_dk", {"product_key": "p11uniq", "device_key": "e0e1e2e3e401"}, 5412, "only one owner"),
    ("bind_by_dk", {"product_key": WIFI_PK, "device_key": "a0b1c2d3e4f8"}, 6040, "through a share"),
    ("bind_by_dk", {"product_key": CELL_PK, "device_key": "c0ffee0000dc"}, 6083, "another data center"),
    ("bind_by_dk", {"product_key": "p11priv", "device_key": "b0b1b2b3b4b5"}, 5229, "not authorized"),
    ("bind_by_dk", {"product_key": CELL_PK, "device_key": "ffffffffffff"}, 5314, "does not know this device"),
    ("bind_by_dk", {**BASE, "room_id": "room-living", "family_id": "nope"}, 5041, "no permission"),
    ("bind_by_dk", {**BASE, "family_id": "fam-neighbour"}, 5669, "only a member"),
    ("bind_wifi", {"product_key": WIFI_PK, "device_key": "a0b1c2d3e4f7", "binding_code": WIFI_CODE}, 5460, "not reported a binding code"),
    ("bind_wifi", {"product_key": WIFI_PK, "device_key": WIFI_DK, "binding_code": "FFFFFFFFFFFFFFFF"}, 5462, "does not match"),
    ("bind_ble", {**BLE, "product_secret": "0000000000000000", "binding_code": BLE_CODE}, 5459, "could not be decrypted"),
    ("bind_ble", {**BLE, "binding_code": BLE_CODE, "device_password": "!!"}, 5357, "device password"),
    ("share_device", {"product_key": WIFI_PK, "device_key": "a0b1c2d3e4f8", "email": FRIEND_EMAIL}, 5134, "could not create the share"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "data", "code", "words"), CLOUD, ids=[f"{case[0]}-{case[2]}" for case in CLOUD])
async def test_cloud_refusals_are_translated(
    hass: HomeAssistant,
    simulator: CloudSimulator,
    entry: Any,
    service: str,
    data: dict[str, Any],
    code: int,
    words: str,
) -> None:
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert not isinstance(info.value, ServiceValidationError)
    assert info.value.translation_key == f"cloud_error_{code}"
    assert words in str(info.value)
    assert f"[cloud code {code}]" in str(info.value)
    assert len(simulator.requests) == 1


async def test_expired_binding_code(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    code = simulator.report_binding_code(WIFI_PK, "a0b1c2d3e4f6", ttl=30)
    simulator.advance_clock(31)
    with pytest.raises(HomeAssistantError, match=r"[Pp]ut the device in binding mode again"):
        await call(hass, "bind_wifi", {"config_entry_id": entry.entry_id, "product_key": WIFI_PK,
                                       "device_key": "a0b1c2d3e4f6", "binding_code": code})  # fmt: skip


async def test_home_mode_off_and_unverified_share(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    friend = await setup_demo_entry(hass, simulator, uid=FRIEND_UID, account=FRIEND_EMAIL, password=FRIEND_PASSWORD)
    with pytest.raises(HomeAssistantError, match="Home mode is off"):
        await call(hass, "bind_by_dk", {"config_entry_id": friend.entry_id, **BASE, "family_id": "fam-demo-home"})
    await call(hass, "bind_ble", {"config_entry_id": entry.entry_id, **BLE, "device_key": BLE_DK_WITH_SECRET,
                                  "binding_code": BLE_CODE_WITH_SECRET})  # fmt: skip
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, "share_device", {"config_entry_id": entry.entry_id, "product_key": BLE_PK,
                                          "device_key": BLE_DK_WITH_SECRET, "share_uid": FRIEND_UID})  # fmt: skip
    assert info.value.translation_key == "cloud_error_5360"


async def test_unlisted_code_and_lockout(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.faults.add(Fault(kind="code", code=5999, path="bindDeviceDk"))
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, "bind_by_dk", {"config_entry_id": entry.entry_id, **BASE})
    assert info.value.translation_key == "cloud_error"
    assert "5999" in str(info.value)
    simulator.faults.add(Fault(kind="code", code=4026, path="bindDeviceDk"))
    with pytest.raises(HomeAssistantError, match="quota") as info:
        await call(hass, "bind_by_dk", {"config_entry_id": entry.entry_id, **BASE})
    assert info.value.translation_placeholders["wait"].isdigit()


async def test_transport_failure_is_not_retried(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    simulator.faults.add(Fault(kind="drop", path="bindDeviceDk"))
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, "bind_by_dk", {"config_entry_id": entry.entry_id, **BASE})
    assert info.value.translation_key == "cannot_connect_call"
    assert len(simulator.requests_to("bindDeviceDk")) == 1
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{CELL_PK}_{CELL_DK_FREE}"), entry.entry_id)
    assert device is None


@pytest.mark.parametrize(
    ("service", "data", "path"),
    [("bind_by_dk", BASE, "bindDeviceDk"), ("list_shares", SHARE, "deviceShareUserList")],
)
async def test_rejected_credentials_during_a_call_start_reauth(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, service: str, data: dict[str, Any], path: str
) -> None:
    simulator.state.users[DEMO_UID].password = "changed-in-the-app"
    simulator.revoke_tokens()
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert info.value.translation_key == "auth_failed_call"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    # The call itself was sent once (refused with 5032), then one refresh and one login: no storm.
    assert [request.path.rsplit("/", 1)[-1] for request in simulator.requests] == [
        path, "refreshToken", "emailPwdLogin",
    ]  # fmt: skip


async def test_no_response_unless_asked(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    entry_id = entry.entry_id
    calls = [
        ("bind_wifi", {"product_key": WIFI_PK, "device_key": WIFI_DK, "binding_code": WIFI_CODE}),
        ("bind_ble", {"product_key": BLE_PK, "device_key": BLE_DK, "binding_code": BLE_CODE, "binding_secret": "s"}),
        ("share_device", {"product_key": CELL_PK, "device_key": CELL_DK_BOUND, "share_uid": FRIEND_UID}),
    ]
    for service, data in calls:
        assert await call(hass, service, {"config_entry_id": entry_id, **data}, response=False) is None
    assert [request.response_code for request in simulator.requests[-3:]] == [200, 200, 200]


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("vendor_id", True, "invalid_integer"),
        ("node_id", "seven", "invalid_integer"),
        ("node_id", 1.5, "invalid_integer"),
    ],
)
async def test_matter_integers(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, field: str, value: Any, key: str
) -> None:
    matter = {
        "vendor_id": 1,
        "product_id": 1,
        "version": "1",
        "node_id": 1,
        "fabric_id": 1,
        "discriminator": 1,
        field: value,
    }
    with pytest.raises(ServiceValidationError) as info:
        await call(
            hass, "bind_wifi", {"config_entry_id": entry.entry_id, **BASE, "binding_code": WIFI_CODE, "matter": matter}
        )
    assert info.value.translation_key == key
    assert info.value.translation_placeholders["field"] == f"matter.{field}"
    assert simulator.requests == []


async def test_encrypted_code_must_be_text(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    with pytest.raises(ServiceValidationError) as info:
        await call(hass, "bind_ble", {"config_entry_id": entry.entry_id, **BLE, "encrypted_binding_code": 12})
    assert info.value.translation_key == "invalid_encrypted_binding_code"


def test_a_single_schema_error_is_translated_too() -> None:
    import probatio as vol  # noqa: PLC0415

    from custom_components.quectel_iot.schemas import translated_schema  # noqa: PLC0415

    def reject(_: Any) -> Any:
        raise vol.Invalid("not like this", path=["device_key"])

    with pytest.raises(ServiceValidationError) as info:
        translated_schema(vol.Schema(reject))({"device_key": "x"})
    assert info.value.translation_key == "invalid_field"
    assert info.value.translation_placeholders == {"field": "device_key", "reason": "not like this"}
