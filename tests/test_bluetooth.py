"""Bluetooth discovery and the options flow's "bind nearby", through HA's Bluetooth manager, binding at the simulator."""

from __future__ import annotations

import time
from typing import Any

import pytest
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData
from homeassistant.components.bluetooth import BluetoothServiceInfoBleak, async_get_advertisement_callback
from homeassistant.config_entries import SOURCE_BLUETOOTH, SOURCE_IGNORE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr

from custom_components.quectel_iot.api import QUECTEL_MANUFACTURER_ID
from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator
from quectel_simulator.crypto import ble_decrypt, ble_encrypt, ble_signature
from tests.api.test_advertisement import ALLOWED, BOUND, CAP_BLE, payload
from tests.common import (
    BLE_CODE,
    BLE_CODE_WITH_SECRET,
    BLE_DK,
    BLE_DK_WITH_SECRET,
    BLE_PK,
    BLE_PS,
    DEMO_SECRET,
    DEMO_UID,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    FRIEND_UID,
    setup_demo_entry,
)

ADDRESS = "AA:BB:CC:DD:D4:D5"


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters and scanner mocked out (no radio)."""


def service_info(
    dk: str = BLE_DK,
    flags: int = CAP_BLE,
    *,
    status: int = ALLOWED,
    address: str = ADDRESS,
    data: bytes | None = None,
    name: str | None = None,
) -> BluetoothServiceInfoBleak:
    name = name or f"QUEC_BLE_{dk[-4:].upper()}"
    manufacturer = {
        QUECTEL_MANUFACTURER_ID: data if data is not None else payload(dk=bytes.fromhex(dk), status=status, flags=flags)
    }
    return BluetoothServiceInfoBleak(
        name=name, address=address, rssi=-60, manufacturer_data=manufacturer, service_data={}, service_uuids=[],
        source="local", device=BLEDevice(address, name, {}),
        advertisement=AdvertisementData(name, manufacturer, {}, [], None, -60, ()),
        connectable=True, time=time.monotonic(), tx_power=None,
    )  # fmt: skip


async def discover(hass: HomeAssistant, info: BluetoothServiceInfoBleak) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_BLUETOOTH}, data=info)


def form(**values: Any) -> dict[str, Any]:
    return {"binding_secret": "handed-over", "save_product_secret": True, **values}


async def test_advertisement_starts_a_discovery_flow(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    await setup_demo_entry(hass, simulator)
    async_get_advertisement_callback(hass)(service_info())
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert len(flows) == 1
    assert flows[0]["context"]["unique_id"] == f"{BLE_PK}_{BLE_DK}"
    assert flows[0]["context"]["title_placeholders"] == {"name": f"QUEC_BLE_D4D5 ({BLE_PK} / {BLE_DK})"}
    assert flows[0]["step_id"] == "bluetooth_confirm"
    assert simulator.requests_to("deviceBindingByPureBt") == []  # discovery alone never binds


async def test_discovery_confirm_binds_and_saves_the_secret(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await discover(hass, service_info())
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "bluetooth_confirm"
    assert "config_entry_id" not in {str(key) for key in result["data_schema"].schema}  # one account: not asked
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        form(binding_code=BLE_CODE.lower(), product_secret=BLE_PS, device_name="Fridge", device_password="4321"),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "bind_successful"
    assert result["description_placeholders"]["account"] == entry.title
    (request,) = simulator.requests_to("deviceBindingByPureBt")
    body = request.json
    assert body["bindingCode"] == BLE_CODE
    assert body["capabilitiesBitmask"] == 4  # from the advertisement
    assert ble_decrypt(body["encryptedNewBindingSecret"], BLE_PS, body["random"]) == f"{BLE_PK},{BLE_DK},handed-over"
    assert body["signature"] == ble_signature(BLE_PK, BLE_DK, BLE_CODE, "4321", DEMO_SECRET)
    assert simulator.state.binding_of(DEMO_UID, BLE_PK, BLE_DK) is not None
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{BLE_PK}_{BLE_DK}"), entry.entry_id)
    assert device is not None
    assert device.name == "Fridge"
    assert entry.options["product_secrets"] == {BLE_PK: BLE_PS}
    # The device is in the registry now: discovering it again aborts.
    result = await discover(hass, service_info(address="AA:BB:CC:00:00:01"))
    assert result["reason"] == "already_bound"


async def test_saved_secret_is_prefilled_and_encrypted_code_works(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    result = await discover(hass, service_info(BLE_DK_WITH_SECRET))
    suggested = {str(key): (key.description or {}).get("suggested_value") for key in result["data_schema"].schema}
    assert suggested["product_secret"] == BLE_PS
    random = "abcdefghijklmnop"
    encrypted = ble_encrypt(BLE_CODE_WITH_SECRET, BLE_PS, random)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(encrypted_binding_code=encrypted, save_product_secret=False)
    )
    # The code was encrypted with the device's random: the form asks for it before sending anything.
    assert result["errors"] == {"random": "random_required"}
    assert simulator.requests_to("deviceBindingByPureBt") == []
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(encrypted_binding_code=encrypted, random=random, save_product_secret=False)
    )
    assert result["reason"] == "bind_successful"
    body = simulator.requests_to("deviceBindingByPureBt")[0].json
    assert (body["encryptedBindingCode"], body["random"]) == (encrypted, random)
    assert "bindingCode" not in body


async def test_cloud_error_on_the_form_then_retry(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    await setup_demo_entry(hass, simulator)
    result = await discover(hass, service_info())
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(binding_code="FFFFFFFFFFFFFFFF", product_secret=BLE_PS, device_name="Kept")
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "bind_failed"}
    assert "does not match" in result["description_placeholders"]["error"]
    assert "[cloud code 5462]" in result["description_placeholders"]["error"]
    suggested = {str(key): (key.description or {}).get("suggested_value") for key in result["data_schema"].schema}
    assert suggested["device_name"] == "Kept"
    assert suggested["binding_code"] == "FFFFFFFFFFFFFFFF"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(binding_code=BLE_CODE, product_secret=BLE_PS, device_name="Kept")
    )
    assert result["reason"] == "bind_successful"
    assert len(simulator.requests_to("deviceBindingByPureBt")) == 2


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        ({"product_secret": BLE_PS}, {"base": "binding_code_choice"}),
        ({"binding_code": BLE_CODE, "encrypted_binding_code": "QUJD", "product_secret": BLE_PS}, {"base": "binding_code_choice"}),
        ({"binding_code": "XYZ", "product_secret": BLE_PS}, {"binding_code": "invalid_binding_code"}),
        ({"encrypted_binding_code": "%%%", "product_secret": BLE_PS}, {"encrypted_binding_code": "invalid_encrypted_binding_code"}),
        ({"binding_code": BLE_CODE}, {"product_secret": "product_secret_missing"}),
        ({"binding_code": BLE_CODE, "product_secret": "short"}, {"product_secret": "invalid_product_secret"}),
        ({"binding_code": BLE_CODE, "product_secret": BLE_PS, "device_name": "n" * 255}, {"device_name": "device_name_too_long"}),
        ({"binding_code": BLE_CODE, "product_secret": BLE_PS, "binding_secret": "  "}, {"binding_secret": "required"}),
        ({"binding_code": BLE_CODE, "product_secret": BLE_PS, "random": "short"}, {"random": "invalid_random"}),
        # One error map for every form (validation.FORM_ERRORS): a blank device name in its own words, as on the Wi-Fi form.
        ({"binding_code": BLE_CODE, "product_secret": BLE_PS, "device_name": "   "}, {"device_name": "invalid_device_name"}),
        ({"binding_code": BLE_CODE, "product_secret": BLE_PS, "device_password": "  "}, {"device_password": "invalid_text"}),
        ({"binding_code": BLE_CODE, "binding_secret": ""}, {"binding_secret": "required", "product_secret": "product_secret_missing"}),
    ],
)  # fmt: skip
async def test_form_validation_sends_nothing(
    hass: HomeAssistant, simulator: CloudSimulator, values: dict[str, Any], errors: dict[str, str]
) -> None:
    await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    result = await discover(hass, service_info())
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form(**values))
    assert result["errors"] == errors
    assert simulator.requests == []


async def test_two_accounts_choose_one(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    demo = await setup_demo_entry(hass, simulator)
    friend = await setup_demo_entry(hass, simulator, uid=FRIEND_UID, account=FRIEND_EMAIL, password=FRIEND_PASSWORD)
    result = await discover(hass, service_info())
    picker = next(key for key in result["data_schema"].schema if str(key) == "config_entry_id")
    options = result["data_schema"].schema[picker].config["options"]
    assert {option["value"] for option in options} == {demo.entry_id, friend.entry_id}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], form(config_entry_id=friend.entry_id, binding_code=BLE_CODE, product_secret=BLE_PS)
    )
    assert result["reason"] == "bind_successful"
    assert simulator.state.binding_of(FRIEND_UID, BLE_PK, BLE_DK) is not None
    assert simulator.state.binding_of(DEMO_UID, BLE_PK, BLE_DK) is None
    assert friend.options["product_secrets"] == {BLE_PK: BLE_PS}
    assert "product_secrets" not in demo.options


async def test_no_account(hass: HomeAssistant) -> None:
    result = await discover(hass, service_info())
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "account_required"


@pytest.mark.parametrize(
    ("info", "reason"),
    [
        (service_info(status=BOUND), "already_bound"),
        (service_info(data=b"junk"), "not_supported"),
        (service_info(data=b"", name="QUEC_BLE_ABCD"), "not_supported"),
    ],
    ids=["bound", "garbage", "name-only"],
)
async def test_discovery_aborts(hass: HomeAssistant, info: BluetoothServiceInfoBleak, reason: str) -> None:
    result = await discover(hass, info)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_an_uncertain_binding_allowed_bit_does_not_hide_the_device(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    # Status bit 3 ("binding allowed") is not confirmed by the vendor: clear, the device is still offered.
    await setup_demo_entry(hass, simulator)
    result = await discover(hass, service_info(status=0))
    assert result["step_id"] == "bluetooth_confirm"


async def test_ignored_device_is_not_offered_again(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    await setup_demo_entry(hass, simulator)
    result = await discover(hass, service_info())
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_IGNORE}, data={"unique_id": f"{BLE_PK}_{BLE_DK}", "title": "x"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    result = await discover(hass, service_info())
    assert result["reason"] == "already_configured"


# --- options flow: bind a device HA sees nearby ---------------------------------------------------------------------


async def test_bind_nearby(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"product_secrets": {BLE_PK: BLE_PS}})
    advertise = async_get_advertisement_callback(hass)
    advertise(service_info())
    advertise(service_info(BLE_DK_WITH_SECRET, status=BOUND, address="AA:BB:CC:DD:D4:D6"))  # bound: not offered
    advertise(service_info(data=b"", name="QUEC_BLE_9999", address="AA:BB:CC:DD:99:99"))  # no identity: not offered
    await hass.async_block_till_done()
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "bind_nearby" in result["menu_options"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "bind_nearby"})
    assert result["step_id"] == "bind_nearby"
    options = result["data_schema"].schema["device"].config["options"]
    assert [option["value"] for option in options] == [f"{BLE_PK}_{BLE_DK}"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"device": f"{BLE_PK}_{BLE_DK}"})
    assert result["step_id"] == "bind_nearby_confirm"
    result = await hass.config_entries.options.async_configure(result["flow_id"], form(binding_code="0000000000000000"))
    assert result["errors"] == {"base": "bind_failed"}
    result = await hass.config_entries.options.async_configure(result["flow_id"], form(binding_code=BLE_CODE))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "bind_successful"
    assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{BLE_PK}_{BLE_DK}"), entry.entry_id)
    # Bound now, so nothing is left to offer.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "bind_nearby"})
    assert result["reason"] == "no_devices_found"


async def test_bind_nearby_needs_a_loaded_entry(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "bind_nearby"})
    assert result["reason"] == "not_loaded"


async def test_polling_interval_option(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "polling"})
    assert result["step_id"] == "polling"
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"scan_interval": 120})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["scan_interval"] == 120
