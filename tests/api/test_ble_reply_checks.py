"""The set-up reply checked (cloud_api.md §7.3, added 2026-12-07) against the simulated device's modes.

The reply must echo the request's packet id (other frames, such as the device's unasked ``0x7014`` with id 0, are
skipped); an empty ``0x7011`` means "not in pairing mode"; a first item ``false`` is a refusal; the keys and code pass
the actions' formats and must be the ones the device advertised.
"""

from __future__ import annotations

import pytest

from custom_components.quectel_iot.api import ProvisionedDevice, ble_provisioning, parse_advertisement
from custom_components.quectel_iot.api.ble_provisioning import provision_wifi
from custom_components.quectel_iot.api.exceptions import (
    QuecBleNotInSetupModeError,
    QuecBleTimeoutError,
    QuecBleUnreadableReplyError,
    QuecBleWifiRejectedError,
)
from quectel_simulator.ble_backend import ble_device, simulated_establish_connection
from quectel_simulator.ble_device import UNASKED_STATUS_FRAME, SimulatedWifiDevice
from quectel_simulator.ble_wire import ttlv_binary, ttlv_bool

PK, DK = "p11wifi", "a0b1c2d3e4f7"
SSID, PASSWORD = "Home Wi-Fi", "correct-horse-battery"


@pytest.fixture(autouse=True)
def simulated_bluetooth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ble_provisioning, "establish_connection", simulated_establish_connection)


def advertised_keys(device: SimulatedWifiDevice) -> tuple[str, str]:
    parsed = parse_advertisement(device.manufacturer_data(), device.local_name)
    assert parsed is not None
    assert parsed.identity is not None
    return parsed.identity


async def test_the_unasked_0x7014_with_packet_id_0_is_skipped() -> None:
    assert bytes.fromhex("aaaa0007b5000070140031") == UNASKED_STATUS_FRAME  # the capture, built by the simulator
    device = SimulatedWifiDevice(PK, DK, reports_status_first=True, mtu=247)
    try:
        provisioned = await provision_wifi(ble_device(device), SSID, PASSWORD, expected_keys=advertised_keys(device))
        assert provisioned == ProvisionedDevice(PK, DK, device.binding_code)
        assert device.indications[0] == UNASKED_STATUS_FRAME  # it came first, and was not taken as the reply
    finally:
        await device.close()


async def test_a_reply_with_a_foreign_packet_id_is_not_the_answer() -> None:
    device = SimulatedWifiDevice(PK, DK, reply_packet_id=1001, networks={SSID: "another-password"})
    try:
        # Its refusal comes under another id: not ours, so no refusal and no answer.
        with pytest.raises(QuecBleTimeoutError) as info:
            await provision_wifi(ble_device(device), SSID, PASSWORD, packet_id=1000, reply_timeout=0.3)
        assert info.value.step == "reply"
        assert len(device.indications) > 0
        assert (device.connections, device.disconnections, device.connected) == (1, 1, False)
    finally:
        await device.close()


async def test_a_mismatched_device_key_is_refused_as_unreadable() -> None:
    device = SimulatedWifiDevice(PK, DK, reported_device_key="a0b1c2d3e4f8")
    try:
        with pytest.raises(QuecBleUnreadableReplyError, match="other than the ones it advertises") as info:
            await provision_wifi(ble_device(device), SSID, PASSWORD, expected_keys=advertised_keys(device))
        assert info.value.ids_seen == (4, 5, 7, 8, 9)
        assert device.binding_code not in str(info.value)
        # Without expected keys the same reply is taken as it is.
        assert (await provision_wifi(ble_device(device), SSID, PASSWORD)).device_key == "a0b1c2d3e4f8"
    finally:
        await device.close()


async def test_a_product_key_mismatch_is_refused_and_case_of_the_dk_is_not() -> None:
    device = SimulatedWifiDevice(PK, DK, reported_device_key=DK.upper())
    try:
        assert (
            await provision_wifi(ble_device(device), SSID, PASSWORD, expected_keys=(PK, DK))
        ).device_key == DK.upper()
        with pytest.raises(QuecBleUnreadableReplyError):
            await provision_wifi(ble_device(device), SSID, PASSWORD, expected_keys=("p11othr", DK))
    finally:
        await device.close()


async def test_invalid_keys_in_the_reply_are_unreadable() -> None:
    device = SimulatedWifiDevice(PK, DK, reported_device_key="a0b1\x1bc2d3")  # a control character
    try:
        with pytest.raises(QuecBleUnreadableReplyError, match="without valid keys"):
            await provision_wifi(ble_device(device), SSID, PASSWORD)
    finally:
        await device.close()


async def test_an_empty_reply_means_not_in_pairing_mode() -> None:
    device = SimulatedWifiDevice(PK, DK, setup_mode=False)
    try:
        with pytest.raises(QuecBleNotInSetupModeError):
            await provision_wifi(ble_device(device), SSID, PASSWORD)
        assert device.wifi_ssid is None
    finally:
        await device.close()


async def test_a_false_first_item_is_a_refusal_whatever_its_id(monkeypatch: pytest.MonkeyPatch) -> None:
    device = SimulatedWifiDevice(PK, DK)
    # A device whose result sits first under an id no sample reads, with its keys after it.
    refusal = ttlv_bool(1, False) + ttlv_binary(7, PK.encode()) + ttlv_binary(8, DK.encode())
    monkeypatch.setattr(device, "_reply", lambda _accepted: refusal + ttlv_binary(9, device.binding_code.encode()))
    try:
        with pytest.raises(QuecBleWifiRejectedError):
            await provision_wifi(ble_device(device), SSID, PASSWORD)
    finally:
        await device.close()


@pytest.mark.parametrize("packet_id", [0, 0xFFFF])
async def test_packet_ids_the_device_drops_are_never_sent(packet_id: int) -> None:
    device = SimulatedWifiDevice(PK, DK)
    with pytest.raises(ValueError, match="packet id"):
        await provision_wifi(ble_device(device), SSID, PASSWORD, packet_id=packet_id)
    assert device.connections == 0
