"""The options flow: binding defaults (homes and rooms from the cloud, or free text) and product secrets."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from quectel_simulator import CloudSimulator, Fault
from tests.common import BLE_PK, BLE_PS, FRIEND_EMAIL, FRIEND_PASSWORD, FRIEND_UID, setup_demo_entry


def _options(result: dict, field: str) -> list:
    for key, selector in result["data_schema"].schema.items():
        if key == field:
            return [option["value"] if isinstance(option, dict) else option for option in selector.config["options"]]
    raise AssertionError(field)


async def test_menu(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [
        "binding_defaults",
        "product_secrets",
        "bind_nearby",
        "provision_nearby",
        "polling",
    ]


async def test_binding_defaults_with_homes_from_the_cloud(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "binding_defaults"})
    assert result["step_id"] == "binding_defaults"
    assert result["description_placeholders"] == {"home_mode": "on"}
    # Only homes the account may bind into (not the one where it is a mere member).
    assert _options(result, "family_id") == ["fam-demo-home"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"family_id": "fam-demo-home", "common_device": False, "capabilities": 5}
    )
    assert result["step_id"] == "binding_defaults_room"
    assert result["description_placeholders"] == {"home": "Demo Home"}
    assert sorted(_options(result, "room_id")) == ["room-bedroom", "room-living"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"room_id": "room-bedroom"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == {
        "family_id": "fam-demo-home",
        "room_id": "room-bedroom",
        "common_device": False,
        "capabilities": 5,
    }
    await hass.async_block_till_done()
    # One reload, with the stored tokens: no login.
    assert simulator.requests_to("emailPwdLogin") == []
    assert len(simulator.requests_to("userInfo")) == 2


async def test_binding_defaults_clearing_home(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(
        hass, simulator, options={"family_id": "fam-demo-home", "room_id": "room-living", "capabilities": 3}
    )
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "binding_defaults"})
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"common_device": True})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert dict(entry.options) == {"common_device": True}


async def test_binding_defaults_free_text_when_home_mode_is_off(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator, uid=FRIEND_UID, account=FRIEND_EMAIL, password=FRIEND_PASSWORD)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "binding_defaults"})
    assert result["description_placeholders"] == {"home_mode": "off"}
    assert simulator.requests_to("getFamilyList") == []
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"family_id": " f1 ", "room_id": "r1", "common_device": True}
    )
    assert dict(entry.options) == {"family_id": "f1", "room_id": "r1", "common_device": True}


async def test_binding_defaults_cloud_unreachable(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    simulator.faults.add(Fault(kind="http_status", status=503, path="getFamilyModeConfig", count=5))
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "binding_defaults"})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


async def test_rooms_unreachable(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    simulator.faults.add(Fault(kind="http_status", status=503, path="getFamilyRoomList", count=5))
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "binding_defaults"})
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"family_id": "fam-demo-home", "common_device": True}
    )
    assert result["reason"] == "cannot_connect"


async def test_binding_defaults_need_a_loaded_entry(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "binding_defaults"})
    assert result["reason"] == "not_loaded"


async def test_product_secrets_add_replace_remove(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "product_secrets"})
    assert result["menu_options"] == ["add_product_secret"]
    assert result["description_placeholders"] == {"products": "-"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "add_product_secret"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"product_key": "p!", "product_secret": "short"}
    )
    assert result["errors"] == {"product_key": "invalid_product_key", "product_secret": "invalid_product_secret"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"product_key": BLE_PK, "product_secret": BLE_PS + "x"}
    )
    assert result["errors"] == {"product_secret": "invalid_product_secret"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"product_key": BLE_PK, "product_secret": BLE_PS}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options["product_secrets"] == {BLE_PK: BLE_PS}
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "product_secrets"})
    assert result["menu_options"] == ["add_product_secret", "remove_product_secret"]
    assert result["description_placeholders"] == {"products": BLE_PK}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "add_product_secret"}
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"product_key": "p11other", "product_secret": "0123456789abcdef"}
    )
    assert entry.options["product_secrets"] == {BLE_PK: BLE_PS, "p11other": "0123456789abcdef"}
    await hass.async_block_till_done()

    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "product_secrets"})
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "remove_product_secret"}
    )
    assert sorted(_options(result, "product_keys")) == [BLE_PK, "p11other"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"product_keys": ["p11other"]})
    assert entry.options["product_secrets"] == {BLE_PK: BLE_PS}
