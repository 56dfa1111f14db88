"""The Bluetooth provisioner against the simulated factory-new device (real BleakClient, simulated radio).

The simulated device is plugged in at one place: ``establish_connection`` in the provisioner module, replaced by the
simulator's drop-in that runs bleak-retry-connector's real retry loop with bleak's client on a simulated backend.
After the Wi-Fi settings, the device reports its binding code to the cloud simulator and the client's
``bind_by_wifi`` goes from 5460 to a binding over loopback HTTP.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import pytest
from bleak.backends.device import BLEDevice

from custom_components.quectel_iot.api import (
    EmailCredentials,
    ProvisionedDevice,
    QuecBindingCodeError,
    QuecCloudClient,
    Region,
    TokenPair,
    WifiBindRequest,
    ble_provisioning,
)
from custom_components.quectel_iot.api.ble_provisioning import provision_wifi
from custom_components.quectel_iot.api.exceptions import (
    QuecBleCharacteristicMissingError,
    QuecBleConnectionError,
    QuecBleNotInRangeError,
    QuecBleNotInSetupModeError,
    QuecBleTimeoutError,
    QuecBleWifiRejectedError,
)
from quectel_simulator.ble_backend import (
    SimulatedBleakBackend,
    ble_device,
    put_in_range,
    simulated_establish_connection,
    take_out_of_range,
)
from quectel_simulator.ble_device import SimulatedWifiDevice
from quectel_simulator.ble_wire import ttlv_items
from tests.common import DEMO_DOMAIN, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SECRET, DEMO_UID

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator

PK, DK = "p11wifi", "a0b1c2d3e4f7"  # the demo's plug that never reported a binding code
SSID, PASSWORD = "Home Wi-Fi", "correct-horse-battery"


@pytest.fixture(autouse=True)
def simulated_bluetooth(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one place the simulated device is plugged in."""
    monkeypatch.setattr(ble_provisioning, "establish_connection", simulated_establish_connection)


@pytest.fixture
async def device(simulator: CloudSimulator) -> Any:
    sim_device = SimulatedWifiDevice(PK, DK, cloud=simulator, networks={SSID: PASSWORD}, join_delay=0.3)
    yield sim_device
    await sim_device.close()


def assert_released(device: SimulatedWifiDevice) -> None:
    assert (device.connections, device.disconnections, device.connected) == (1, 1, False)


async def test_success_then_the_cloud_binds_after_5460(
    device: SimulatedWifiDevice, simulator: CloudSimulator, session: aiohttp.ClientSession
) -> None:
    provisioned = await provision_wifi(ble_device(device), SSID, PASSWORD)
    assert provisioned == ProvisionedDevice(PK, DK, device.binding_code)
    assert_released(device)
    (frame,) = device.frames  # the wire, read by the device's own code
    assert (frame.packet_id, frame.command) == (1000, 0x7010)
    assert ttlv_items(frame.payload) == [(1, SSID.encode()), (2, PASSWORD.encode())]
    assert len(device.writes) == 1  # one Write Request per frame, as the sources do
    assert [len(chunk) for chunk in device.indications] == [20, 20, 20, 2]  # the 0x7011 in 20-byte indications
    client = QuecCloudClient(
        session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.CUSTOM,
        base_url=simulator.url + "/", credentials=EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
        tokens=TokenPair.from_api(simulator.issue_tokens(DEMO_UID)), retry_backoff=0,
    )  # fmt: skip
    codes: list[int | None] = []
    for _ in range(100):
        try:
            result = await client.bind_by_wifi(WifiBindRequest(PK, DK, provisioned.binding_code))
            break
        except QuecBindingCodeError as err:
            codes.append(err.code)
            await asyncio.sleep(0.02)
    assert codes
    assert set(codes) == {5460}
    assert result.product_name == "Smart Plug"
    assert simulator.state.binding_of(DEMO_UID, PK, DK) is not None


@pytest.mark.parametrize("layout", ["captured", "samples"])
async def test_both_success_flag_layouts_and_one_big_indication(simulator: CloudSimulator, layout: Any) -> None:
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, reply_layout=layout, mtu=247)
    try:
        assert await provision_wifi(ble_device(device), "Open", "", packet_id=4321) == ProvisionedDevice(
            PK, DK, device.binding_code
        )
        assert ttlv_items(device.frames[0].payload) == [(1, b"Open"), (2, b"")]
        assert device.frames[0].packet_id == 4321
        assert len(device.indications) == 1
        assert_released(device)
    finally:
        await device.close()


async def test_wrong_password_is_wifi_rejected(device: SimulatedWifiDevice, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(QuecBleWifiRejectedError) as info:
        await provision_wifi(ble_device(device), SSID, "wrong-password-123")
    assert info.value.key == "wifi_rejected"
    assert_released(device)
    assert "wrong-password-123" not in caplog.text + str(info.value) + repr(info.value)
    await asyncio.sleep(0.35)
    assert not device.reached_cloud.is_set()


async def test_password_never_logged_on_success(device: SimulatedWifiDevice, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    provisioned = await provision_wifi(ble_device(device), SSID, PASSWORD)
    assert "Sending the Wi-Fi settings" in caplog.text
    assert PASSWORD not in caplog.text
    assert provisioned.binding_code not in caplog.text + repr(provisioned)


async def test_missing_characteristic(simulator: CloudSimulator) -> None:
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, has_characteristic=False)
    with pytest.raises(QuecBleCharacteristicMissingError, match="00009c40"):
        await provision_wifi(ble_device(device), SSID, PASSWORD)
    assert_released(device)
    assert device.writes == []


async def test_connection_refused() -> None:
    device = SimulatedWifiDevice(PK, DK, refuse_connections=True)
    with pytest.raises(QuecBleConnectionError) as info:
        await provision_wifi(ble_device(device), SSID, PASSWORD)
    assert info.value.key == "cannot_connect"
    assert "A0:B1:C2:D3:E4:F7" in str(info.value)
    assert device.connections == 0


async def test_nothing_in_range_and_bad_input_send_nothing() -> None:
    with pytest.raises(QuecBleNotInRangeError):
        await provision_wifi(None, SSID, PASSWORD)
    device = SimulatedWifiDevice(PK, DK)
    with pytest.raises(ValueError, match="SSID"):
        await provision_wifi(ble_device(device), "", PASSWORD)
    with pytest.raises(ValueError, match="password"):
        await provision_wifi(ble_device(device), SSID, "x" * 65)
    assert device.connections == 0


async def test_silent_device_times_out_and_still_disconnects() -> None:
    device = SimulatedWifiDevice(PK, DK, answers=False)
    with pytest.raises(QuecBleTimeoutError) as info:
        await provision_wifi(ble_device(device), SSID, PASSWORD, reply_timeout=0.2)
    assert (info.value.step, info.value.key) == ("reply", "timeout")
    assert isinstance(info.value, QuecBleConnectionError)
    assert_released(device)
    await device.close()


async def test_connect_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    async def never(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(10)

    monkeypatch.setattr(ble_provisioning, "establish_connection", never)
    with pytest.raises(QuecBleTimeoutError) as info:
        await provision_wifi(ble_device(SimulatedWifiDevice(PK, DK)), SSID, PASSWORD, connect_timeout=0.05)
    assert info.value.step == "connect"


async def test_link_lost_before_the_reply() -> None:
    device = SimulatedWifiDevice(PK, DK, reply_delay=5)
    task = asyncio.create_task(provision_wifi(ble_device(device), SSID, PASSWORD))
    for _ in range(100):
        if device.frames:
            break
        await asyncio.sleep(0.01)
    device.drop_link()
    with pytest.raises(QuecBleConnectionError, match="disconnected before answering"):
        await task
    assert (device.connections, device.disconnections) == (1, 1)
    await device.close()


async def test_link_dropped_right_after_the_reply_still_counts(simulator: CloudSimulator) -> None:
    device = SimulatedWifiDevice(PK, DK, cloud=simulator, mtu=247)  # the whole reply in one indication
    subscribe = device.subscribe

    def subscribe_then_drop_after_reply(callback: Any) -> None:
        def deliver(data: bytes) -> None:
            callback(data)
            device.drop_link()  # many modules restart their radio to join the Wi-Fi

        subscribe(deliver)

    device.subscribe = subscribe_then_drop_after_reply  # type: ignore[method-assign]
    assert (await provision_wifi(ble_device(device), SSID, PASSWORD)).binding_code == device.binding_code
    assert (device.connections, device.disconnections) == (1, 1)
    await device.close()


async def test_other_frames_are_skipped_and_an_empty_reply_is_not_in_setup_mode() -> None:
    captured_7014 = bytes.fromhex("aaaa0007b5000070140031")  # unquec-ble decode.rs: a 0x7014 a device sent
    device = SimulatedWifiDevice(PK, DK, setup_mode=False, before_reply=(captured_7014,))
    with pytest.raises(QuecBleNotInSetupModeError, match="pairing mode") as info:
        await provision_wifi(ble_device(device), SSID, PASSWORD)
    assert info.value.key == "not_in_setup_mode"
    assert_released(device)
    await device.close()


async def test_service_discovery_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SimulatedBleakBackend, "_gatt_table", lambda _self: None)
    device = SimulatedWifiDevice(PK, DK)
    with pytest.raises(QuecBleConnectionError, match="service discovery"):
        await provision_wifi(ble_device(device), SSID, PASSWORD)
    assert_released(device)


async def test_a_failing_disconnect_does_not_hide_the_result(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: SimulatedBleakBackend) -> None:
        raise EOFError("adapter went away")

    monkeypatch.setattr(SimulatedBleakBackend, "disconnect", broken)
    caplog.set_level(logging.DEBUG)
    device = SimulatedWifiDevice(PK, DK)
    assert (await provision_wifi(ble_device(device), SSID, PASSWORD)).device_key == DK
    assert "adapter went away" in caplog.text
    await device.close()


async def test_backend_limits() -> None:
    device = SimulatedWifiDevice(PK, DK)
    with pytest.raises(Exception, match="not a simulated device"):
        SimulatedBleakBackend("A0:B1:C2:D3:E4:F7", timeout=1)
    backend = SimulatedBleakBackend(ble_device(device), timeout=1)
    assert (backend.device, backend.name, backend.mtu_size, backend.is_connected) == (
        device,
        "QUEC_BLE_E4F7",
        23,
        False,
    )
    await backend.connect(pair=False)
    await backend.pair()
    await backend.unpair()
    assert backend.services is not None
    characteristic = backend.services.get_characteristic(ble_provisioning.CHARACTERISTIC_UUID)
    assert characteristic is not None
    assert characteristic.max_write_without_response_size == 20
    with pytest.raises(Exception, match="not readable"):
        await backend.read_gatt_char(characteristic)
    with pytest.raises(Exception, match="no descriptors"):
        await backend.read_gatt_descriptor(None)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="no descriptors"):
        await backend.write_gatt_descriptor(None, b"")  # type: ignore[arg-type]
    with pytest.raises(Exception, match="with response only"):
        await backend.write_gatt_char(characteristic, b"\x00", response=False)
    with pytest.raises(Exception, match="longer than an attribute"):
        await backend.write_gatt_char(characteristic, bytes(513), response=True)
    await backend.disconnect()
    await backend.disconnect()
    with pytest.raises(Exception, match="Not connected"):
        await backend.stop_notify(characteristic)
    assert device.disconnections == 1
    await backend.connect(pair=False)
    device.drop_link()  # no disconnected callback given: nothing to call
    assert not backend.is_connected


def test_backend_finds_a_device_in_range_by_address() -> None:
    device, namesake = SimulatedWifiDevice(PK, DK), SimulatedWifiDevice(PK, DK)
    by_address = BLEDevice(device.address, None, {"source": "quectel-simulator"})  # as a remote scanner's details
    put_in_range(device)
    take_out_of_range(namesake)  # not the one in range: nothing changes
    assert SimulatedBleakBackend(by_address, timeout=1).device is device
    take_out_of_range(device)
    with pytest.raises(Exception, match="not a simulated device"):
        SimulatedBleakBackend(by_address, timeout=1)


@pytest.mark.parametrize("error", [EOFError("adapter went away"), RuntimeError("backend-specific failure")])
async def test_a_failing_unsubscribe_does_not_replace_the_result(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, error: Exception
) -> None:
    async def broken(self: SimulatedBleakBackend, characteristic: Any) -> None:
        raise error

    monkeypatch.setattr(SimulatedBleakBackend, "stop_notify", broken)
    caplog.set_level(logging.DEBUG)
    device = SimulatedWifiDevice(PK, DK)
    try:
        assert (await provision_wifi(ble_device(device), SSID, PASSWORD)).device_key == DK
        assert str(error) in caplog.text
        assert [r.levelname for r in caplog.records if str(error) in r.getMessage()] == ["DEBUG"]
        assert_released(device)
    finally:
        await device.close()
