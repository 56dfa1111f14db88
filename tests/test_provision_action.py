"""The ``provision_wifi`` action takes no password: it names a network saved in the account's options.

Home Assistant keeps every action's data in clear (the event bus, the recorder's database, traces), so the Wi-Fi
password comes from the saved networks (``wifi_networks.py``) and never travels in the call. The device is simulated
behind a simulated Bluetooth proxy, the cloud by the simulator over loopback (as in ``test_provisioning.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from homeassistant.const import EVENT_CALL_SERVICE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError
from sqlalchemy import inspect, text

from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator
from quectel_simulator.ble_device import CMD_SET_WIFI, SimulatedWifiDevice
from quectel_simulator.ble_wire import ttlv_items
from tests.common import DEMO_UID, setup_demo_entry

if TYPE_CHECKING:
    from homeassistant.components.recorder import Recorder

    from quectel_simulator.ble_scanner import SimulatedBluetoothProxy

NEW_PK, NEW_DK = "p11wifi", "a0b1c2d3e4f7"  # in the demo data, never reported a binding code
SSID, PASSWORD = "Home network", "Recorder-Canary-4q7Z"


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Ready the recorder's database before ``hass`` (and the Bluetooth fixtures that need it) are made."""


@pytest.fixture(autouse=True)
def bluetooth(enable_bluetooth: None) -> None:
    """HA's Bluetooth stack with its adapters mocked out (no radio)."""


@pytest.fixture(autouse=True)
def fast_polling(fast_wifi_polling: None) -> None:
    """Set-ups here wait for the cloud with the fast schedule (tests/conftest.py)."""


@pytest.fixture
def new_device(simulator: CloudSimulator) -> Callable[..., SimulatedWifiDevice]:
    def make(password: str = PASSWORD) -> SimulatedWifiDevice:
        # It joins only this network with this password: a wrong or missing one is refused on the device.
        return SimulatedWifiDevice(NEW_PK, NEW_DK, cloud=simulator, networks={SSID: password})

    return make


async def nearby(hass: HomeAssistant, proxy: SimulatedBluetoothProxy, device: SimulatedWifiDevice) -> None:
    proxy.add_device(device)
    await hass.async_block_till_done()


async def provision(hass: HomeAssistant, entry: Any, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN,
        "provision_wifi",
        {"config_entry_id": entry.entry_id, "ssid": SSID, **data},
        blocking=True,
        return_response=True,
    )


def sent_password(device: SimulatedWifiDevice) -> bytes:
    """The password field of the Wi-Fi settings frame the device received."""
    (frame,) = [frame for frame in device.frames if frame.command == CMD_SET_WIFI]
    return dict(ttlv_items(frame.payload))[2]  # type: ignore[return-value]


async def test_takes_the_password_of_the_saved_network(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"wifi_networks": {SSID: PASSWORD, "Other": "x" * 8}})
    device = new_device()
    await nearby(hass, proxy, device)
    response = await provision(hass, entry, address=device.address)
    assert response["device_key"] == NEW_DK
    assert sent_password(device) == PASSWORD.encode()
    assert device.wifi_ssid == SSID
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is not None


async def test_an_open_network_sends_an_empty_password(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"wifi_networks": {SSID: ""}})
    device = new_device(password="")
    await nearby(hass, proxy, device)
    await provision(hass, entry, product_key=NEW_PK, device_key=NEW_DK)
    assert sent_password(device) == b""
    assert simulator.state.binding_of(DEMO_UID, NEW_PK, NEW_DK) is not None


@pytest.mark.parametrize("saved", [None, {"Home network 2": PASSWORD}, {SSID.lower(): PASSWORD}])
async def test_an_unsaved_network_is_refused_before_anything_is_sent(
    hass: HomeAssistant,
    simulator: CloudSimulator,
    proxy: SimulatedBluetoothProxy,
    new_device: Any,
    saved: dict[str, str] | None,
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"wifi_networks": saved} if saved else None)
    device = new_device()
    await nearby(hass, proxy, device)
    simulator.clear_requests()
    for target in ({"address": device.address}, {"product_key": NEW_PK, "device_key": NEW_DK}):
        with pytest.raises(ServiceValidationError) as info:
            await provision(hass, entry, **target)
        assert (info.value.translation_domain, info.value.translation_key) == (DOMAIN, "wifi_network_not_saved")
        assert info.value.translation_placeholders == {"ssid": SSID}
        assert SSID in str(info.value)
    # The device received nothing (not even a connection), the cloud nothing.
    assert (device.connections, device.writes) == (0, [])
    assert simulator.requests == []


async def test_a_password_in_the_call_is_refused(
    hass: HomeAssistant, simulator: CloudSimulator, proxy: SimulatedBluetoothProxy, new_device: Any
) -> None:
    entry = await setup_demo_entry(hass, simulator, options={"wifi_networks": {SSID: PASSWORD}})
    device = new_device()
    await nearby(hass, proxy, device)
    with pytest.raises(ServiceValidationError) as info:
        await provision(hass, entry, address=device.address, wifi_password=PASSWORD)
    assert (info.value.translation_key, info.value.translation_placeholders["field"]) == (
        "unknown_field",
        "wifi_password",
    )
    assert (device.connections, device.writes) == (0, [])


def _database_dump(instance: Recorder) -> str:
    """Every row of every table of the recorder's database, as text."""
    with instance.engine.connect() as connection:  # type: ignore[union-attr]
        rows = [
            repr(row)
            for table in inspect(connection).get_table_names()
            for row in connection.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608 - table names from the DB
        ]
    return "\n".join(rows)


async def test_the_recorder_and_the_event_bus_never_see_the_password(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: CloudSimulator,
    proxy: SimulatedBluetoothProxy,
    new_device: Any,
) -> None:
    calls: list[dict[str, Any]] = []

    @callback
    def record(event: Event) -> None:
        if event.data.get("domain") == DOMAIN:
            calls.append(dict(event.data))

    hass.bus.async_listen(EVENT_CALL_SERVICE, record)
    entry = await setup_demo_entry(hass, simulator, options={"wifi_networks": {SSID: PASSWORD}})
    device = new_device()
    await nearby(hass, proxy, device)
    await provision(hass, entry, address=device.address, device_name="Porch")
    assert sent_password(device) == PASSWORD.encode()  # the password did reach the device
    await hass.async_block_till_done()
    await recorder_mock.async_block_till_done()
    # The call is on the bus and in the database, with its network's name and never its password.
    (called,) = calls
    assert called["service"] == "provision_wifi"
    assert called["service_data"]["ssid"] == SSID
    assert PASSWORD not in repr(called)
    dump = await recorder_mock.async_add_executor_job(_database_dump, recorder_mock)
    assert "provision_wifi" in dump
    assert SSID in dump
    assert PASSWORD not in dump
