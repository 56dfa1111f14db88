"""Setting up a factory-new Wi-Fi device from Home Assistant: Wi-Fi over Bluetooth, then the bind.

The simulated device sits behind a simulated Bluetooth proxy (a connectable remote scanner, as ESPHome proxies are):
Home Assistant's own Bluetooth stack discovers it, and the integration connects to it through HA's client wrapper
with nothing patched at the connection point. Once on "Wi-Fi" the device reports its binding code to the cloud
simulator, which answers 5460 to ``deviceBindingByWifi`` until then; every bind is a real request over loopback.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr

from custom_components.quectel_iot.api.ble_provisioning import provision_wifi
from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator, Fault
from quectel_simulator.ble_device import SimulatedWifiDevice
from quectel_simulator.ble_scanner import SimulatedBluetoothProxy
from quectel_simulator.state import BINDING_MODE_UNIQUE
from tests.common import DEMO_UID, FRIEND_EMAIL, FRIEND_PASSWORD, FRIEND_UID, flows, setup_demo_entry

NEW_PK, NEW_DK = "p11wifi", "a0b1c2d3e4f7"  # in the demo data, never reported a binding code
SSID, PASSWORD = "Home network", "correct horse battery"
BIND_PATH = "deviceBindingByWifi"
SAVED_NETWORK = {"wifi_networks": {SSID: PASSWORD}}  # provision_wifi takes the password from the options


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters mocked out (no radio)."""


@pytest.fixture(autouse=True)
def fast_polling(fast_wifi_polling: None) -> None:
    """Set-ups here wait for the cloud with the fast schedule (tests/conftest.py)."""


@pytest.fixture
def new_device(simulator: CloudSimulator) -> Callable[..., SimulatedWifiDevice]:
    def make(**options: Any) -> SimulatedWifiDevice:
        return SimulatedWifiDevice(NEW_PK, NEW_DK, cloud=simulator, networks={SSID: PASSWORD}, **options)

    return make


async def finish_progress(hass: HomeAssistant, result: dict[str, Any]) -> dict[str, Any]:
    """Let a progress step's task end, then move the flow on as the frontend does."""
    configure = (
        hass.config_entries.options.async_configure
        if result.get("handler") not in (None, DOMAIN)
        else hass.config_entries.flow.async_configure
    )
    while result["type"] in (FlowResultType.SHOW_PROGRESS, FlowResultType.SHOW_PROGRESS_DONE):
        await hass.async_block_till_done(wait_background_tasks=True)
        result = dict(await configure(result["flow_id"]))
    return result


async def test_discovered_new_device_is_set_up_and_bound(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    device = new_device(join_delay=0.2)
    proxy.add_device(device)
    await hass.async_block_till_done()
    (flow,) = flows(hass)
    assert flow["step_id"] == "provision_confirm"
    result = dict(await hass.config_entries.flow.async_configure(flow["flow_id"], {}))
    assert result["step_id"] == "provision_wifi"
    result = dict(
        await hass.config_entries.flow.async_configure(
            flow["flow_id"], {"ssid": SSID, "wifi_password": PASSWORD, "device_name": "Desk lamp"}
        )
    )
    assert result["type"] is FlowResultType.SHOW_PROGRESS
    assert result["progress_action"] == "send_wifi"
    result = await finish_progress(hass, result)
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == "provision_successful"
    assert device.wifi_ssid == SSID
    assert (device.connections, device.disconnections) == (1, 1)
    binds = simulator.requests_to(BIND_PATH)
    # Asked while the device was still joining (5460), then bound once it had reported its code.
    assert [request.response_code for request in binds][-1] == 200
    assert {request.response_code for request in binds[:-1]} <= {5460}
    assert binds[-1].json["bindingCode"] == device.binding_code
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is not None
    registered = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{NEW_PK}_{NEW_DK}"), entry.entry_id)
    assert registered is not None
    assert registered.name == "Desk lamp"


async def start_setup(hass: HomeAssistant, proxy: SimulatedBluetoothProxy, device: SimulatedWifiDevice) -> str:
    """Discovery → confirmed → the Wi-Fi form; returns the flow id."""
    proxy.add_device(device)
    await hass.async_block_till_done()
    (flow,) = flows(hass)
    result = await hass.config_entries.flow.async_configure(flow["flow_id"], {})
    assert result["step_id"] == "provision_wifi"
    return str(flow["flow_id"])


async def submit_wifi(hass: HomeAssistant, flow_id: str, **values: Any) -> dict[str, Any]:
    result = dict(await hass.config_entries.flow.async_configure(flow_id, {"ssid": SSID, **values}))
    return await finish_progress(hass, result)


def suggested(result: dict[str, Any]) -> dict[str, Any]:
    return {str(key): (key.description or {}).get("suggested_value") for key in result["data_schema"].schema}


async def test_wrong_wifi_password_back_to_the_form_then_success(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    await setup_demo_entry(hass, simulator)
    device = new_device()
    flow_id = await start_setup(hass, proxy, device)
    result = await submit_wifi(hass, flow_id, wifi_password="wrong password", device_name="Lamp")
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "provision_wifi"
    assert result["errors"] == {"base": "wifi_rejected"}
    assert "refused the Wi-Fi settings" in result["description_placeholders"]["error"]
    # What was typed is kept, except the password: a suggested value would travel in this very result.
    assert suggested(result) == {"ssid": SSID, "wifi_password": None, "device_name": "Lamp"}
    assert simulator.requests_to(BIND_PATH) == []  # refused on the device: the cloud was never asked
    result = await submit_wifi(hass, flow_id, wifi_password=PASSWORD)
    assert result["reason"] == "provision_successful"
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is not None


async def test_device_that_never_reaches_the_cloud_times_out_without_a_bind(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    await setup_demo_entry(hass, simulator)
    flow_id = await start_setup(hass, proxy, new_device(reaches_cloud=False))
    with patch("custom_components.quectel_iot.provision_flow.DEFAULT_PROVISION_TIMEOUT", 0.5):
        result = await submit_wifi(hass, flow_id, wifi_password=PASSWORD)
    assert result["errors"] == {"base": "cloud_timeout"}
    assert "0 s" in result["description_placeholders"]["error"] or "1 s" in result["description_placeholders"]["error"]
    binds = simulator.requests_to(BIND_PATH)
    assert len(binds) >= 2
    assert {request.response_code for request in binds} == {5460}  # asked again only while nothing was bound
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is None


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"refuse_connections": True}, "connect"),
        ({"has_characteristic": False}, "characteristic"),
    ],
)
async def test_bluetooth_failures_show_cannot_connect(
    hass: HomeAssistant,
    simulator: CloudSimulator,
    proxy: SimulatedBluetoothProxy,
    new_device: Any,
    options: dict[str, Any],
    words: str,
) -> None:
    await setup_demo_entry(hass, simulator)
    device = new_device(**options)
    flow_id = await start_setup(hass, proxy, device)
    result = await submit_wifi(hass, flow_id, wifi_password=PASSWORD)
    assert result["errors"] == {"base": "cannot_connect"}
    assert words in result["description_placeholders"]["error"]
    assert device.wifi_ssid is None
    assert simulator.requests_to(BIND_PATH) == []


async def test_bound_by_someone_else_meanwhile(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    await setup_demo_entry(hass, simulator)
    # A unique-binding product: once someone else bound it, a second user is refused (5412).
    simulator.state.products[NEW_PK].binding_mode = BINDING_MODE_UNIQUE
    flow_id = await start_setup(hass, proxy, new_device(bound_elsewhere_by=FRIEND_UID))
    result = await submit_wifi(hass, flow_id, wifi_password=PASSWORD)
    assert result.get("errors") == {"base": "provision_failed"}, result
    error = result["description_placeholders"]["error"]
    assert "[cloud code 5412]" in error  # the cloud's refusal, in words, with its code
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is None
    assert simulator.state.binding_of(FRIEND_UID, NEW_PK, NEW_DK) is not None


async def test_a_bind_whose_answer_was_lost_is_checked_before_sending_again(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    device = new_device(join_delay=0)
    flow_id = await start_setup(hass, proxy, device)
    # The cloud binds, but its answer is lost on the wire.
    simulator.faults.add(Fault(kind="lost_response", path=BIND_PATH, count=1))
    simulator.clear_requests()
    result = dict(await hass.config_entries.flow.async_configure(flow_id, {"ssid": SSID, "wifi_password": PASSWORD}))
    await device.reached_cloud.wait()
    result = await finish_progress(hass, result)
    assert result["reason"] == "provision_successful"
    binds = simulator.requests_to(BIND_PATH)
    assert [request.fault for request in binds] == ["lost_response"]  # never sent again
    assert simulator.requests_to("userDeviceList")  # the device list said it is bound
    assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{NEW_PK}_{NEW_DK}"), entry.entry_id)


async def test_a_bind_that_never_arrived_is_sent_again_after_checking(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    await setup_demo_entry(hass, simulator)
    device = new_device(join_delay=0)
    flow_id = await start_setup(hass, proxy, device)
    simulator.faults.add(Fault(kind="drop", path=BIND_PATH, count=1))
    simulator.clear_requests()
    result = dict(await hass.config_entries.flow.async_configure(flow_id, {"ssid": SSID, "wifi_password": PASSWORD}))
    await device.reached_cloud.wait()
    result = await finish_progress(hass, result)
    assert result["reason"] == "provision_successful"
    binds = simulator.requests_to(BIND_PATH)
    assert binds[0].fault == "drop"
    assert binds[-1].response_code == 200
    # Between the lost request and the next one, the device list was read.
    lost_at = simulator.requests.index(binds[0])
    list_at = next(i for i, r in enumerate(simulator.requests) if "userDeviceList" in r.path and i > lost_at)
    assert list_at < simulator.requests.index(binds[1])


async def test_two_accounts_choose_one(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    demo = await setup_demo_entry(hass, simulator)
    friend = await setup_demo_entry(hass, simulator, uid=FRIEND_UID, account=FRIEND_EMAIL, password=FRIEND_PASSWORD)
    proxy.add_device(new_device())
    await hass.async_block_till_done()
    (flow,) = flows(hass)
    result = dict(await hass.config_entries.flow.async_configure(flow["flow_id"]))
    assert result["step_id"] == "provision_confirm"
    picker = next(key for key in result["data_schema"].schema if str(key) == "config_entry_id")
    options = result["data_schema"].schema[picker].config["options"]
    assert {option["value"] for option in options} == {demo.entry_id, friend.entry_id}
    result = dict(await hass.config_entries.flow.async_configure(flow["flow_id"], {"config_entry_id": friend.entry_id}))
    result = await submit_wifi(hass, flow["flow_id"], wifi_password=PASSWORD)
    assert result["reason"] == "provision_successful"
    assert result["description_placeholders"]["account"] == friend.title
    assert simulator.state.binding_of(FRIEND_UID, NEW_PK, NEW_DK) is not None
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is None


# --- the options menu: set up a new device nearby -------------------------------------------------------------------


async def test_options_set_up_a_new_device_nearby(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "provision_nearby"})
    assert result["reason"] == "no_new_devices_found"
    device = new_device()
    proxy.add_device(device)
    await hass.async_block_till_done()
    for flow in flows(hass):  # the discovery flow it started is not needed here
        hass.config_entries.flow.async_abort(flow["flow_id"])
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "provision_nearby"})
    assert result["step_id"] == "provision_nearby"
    options = result["data_schema"].schema["device"].config["options"]
    assert [option["value"] for option in options] == [f"{NEW_PK}_{NEW_DK}"]
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"device": f"{NEW_PK}_{NEW_DK}"})
    assert result["step_id"] == "provision_wifi"
    result = dict(
        await hass.config_entries.options.async_configure(result["flow_id"], {"ssid": SSID, "wifi_password": PASSWORD})
    )
    result = await finish_progress(hass, result)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "provision_successful"
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is not None
    assert entry.options == {}  # a set-up changes no option (and the entry is not reloaded)


async def test_options_set_up_needs_a_loaded_entry(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(result["flow_id"], {"next_step_id": "provision_nearby"})
    assert result["reason"] == "not_loaded"


# --- the provision_wifi action --------------------------------------------------------------------------------------


async def provision(hass: HomeAssistant, entry: Any, **data: Any) -> dict[str, Any]:
    response = await hass.services.async_call(
        DOMAIN,
        "provision_wifi",
        {"config_entry_id": entry.entry_id, "ssid": SSID, **data},
        blocking=True,
        return_response=True,
    )
    assert isinstance(response, dict)
    return response


@pytest.mark.parametrize("by", ["address", "keys"])
async def test_action_sets_up_and_returns_the_bind(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any, by: str
) -> None:
    entry = await setup_demo_entry(hass, simulator, options=SAVED_NETWORK)
    device = new_device()
    proxy.add_device(device)
    await hass.async_block_till_done()
    target = {"address": device.address.lower()} if by == "address" else {"product_key": NEW_PK, "device_key": NEW_DK}
    response = await provision(hass, entry, device_name="Porch", timeout=30, **target)
    binding = simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK)
    assert binding is not None
    assert response == {
        "product_key": NEW_PK,
        "device_key": NEW_DK,
        "auth_key": binding.auth_key,
        "binding_mode": 1,
        "product_name": "Smart Plug",
    }
    assert simulator.requests_to(BIND_PATH)[-1].json["bindingCode"] == device.binding_code
    registered = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, f"{NEW_PK}_{NEW_DK}"), entry.entry_id)
    assert registered is not None
    assert registered.name == "Porch"


async def test_action_refusals(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    # The network is saved with a wrong password (the action takes it from the options).
    entry = await setup_demo_entry(hass, simulator, options={"wifi_networks": {SSID: "wrong"}})
    simulator.clear_requests()
    with pytest.raises(ServiceValidationError) as info:
        await provision(hass, entry, product_key=NEW_PK, device_key=NEW_DK)
    assert info.value.translation_key == "device_not_nearby"
    with pytest.raises(ServiceValidationError) as info:
        await provision(hass, entry, product_key=NEW_PK)
    assert info.value.translation_key == "device_choice"
    with pytest.raises(ServiceValidationError) as info:
        await provision(hass, entry, address="AA:BB:CC:DD:EE:FF", ssid="x" * 33)
    assert (info.value.translation_key, info.value.translation_placeholders["field"]) == ("invalid_ssid", "ssid")
    with pytest.raises(HomeAssistantError) as failure:
        await provision(hass, entry, address="AA:BB:CC:DD:EE:FF")
    assert failure.value.translation_key == "ble_not_in_range"
    assert simulator.requests == []
    device = new_device()
    proxy.add_device(device)
    await hass.async_block_till_done()
    with pytest.raises(HomeAssistantError) as failure:
        await provision(hass, entry, address=device.address)
    assert failure.value.translation_key == "wifi_rejected"
    assert "password" in str(failure.value)
    assert simulator.requests_to(BIND_PATH) == []


async def test_the_wifi_password_is_in_no_log_line(
    hass: HomeAssistant,
    simulator: CloudSimulator,
    proxy: SimulatedBluetoothProxy,
    new_device: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await setup_demo_entry(hass, simulator)
    device = new_device()
    flow_id = await start_setup(hass, proxy, device)
    result = await submit_wifi(hass, flow_id, wifi_password="wrong password here")
    assert result["errors"] == {"base": "wifi_rejected"}
    result = await submit_wifi(hass, flow_id, wifi_password=PASSWORD)
    assert result["reason"] == "provision_successful"
    assert device.wifi_ssid == SSID
    assert "Sending the Wi-Fi settings" in caplog.text  # DEBUG logging was on
    for secret in (PASSWORD, "wrong password here", device.binding_code):
        assert secret not in caplog.text
        assert secret not in repr(result)


async def test_wifi_form_checks_before_anything_is_sent(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    await setup_demo_entry(hass, simulator)
    device = new_device()
    flow_id = await start_setup(hass, proxy, device)
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"ssid": "s" * 33, "wifi_password": "p" * 65, "device_name": "n" * 255}
    )
    assert result["errors"] == {
        "ssid": "invalid_ssid",
        "wifi_password": "invalid_wifi_password",
        "device_name": "device_name_too_long",
    }
    result = await hass.config_entries.flow.async_configure(flow_id, {"ssid": SSID, "device_name": "   "})
    assert result["errors"] == {"device_name": "invalid_device_name"}
    assert device.writes == []
    assert device.connections == 0


async def test_action_device_that_never_answers_times_out_in_words(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator, options=SAVED_NETWORK)
    device = new_device(answers=False)
    proxy.add_device(device)
    await hass.async_block_till_done()
    quick = functools.partial(provision_wifi, reply_timeout=0.2)
    with (
        patch("custom_components.quectel_iot.account.provision_wifi", quick),
        pytest.raises(HomeAssistantError) as failure,
    ):
        await provision(hass, entry, address=device.address)
    assert failure.value.translation_key == "ble_timeout"
    assert failure.value.translation_placeholders["step"] == "reply"
    assert (device.connections, device.disconnections) == (1, 1)


async def test_action_without_a_response_and_a_bad_timeout(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator, options=SAVED_NETWORK)
    device = new_device()
    proxy.add_device(device)
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as info:
        await provision(hass, entry, address=device.address, timeout=5)
    assert info.value.translation_placeholders == {"field": "timeout", "min": "10", "max": "600"}
    assert device.connections == 0
    await hass.services.async_call(
        DOMAIN,
        "provision_wifi",
        {"config_entry_id": entry.entry_id, "address": device.address, "ssid": SSID},
        blocking=True,
    )
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is not None
