"""The Wi-Fi scan (``0x7012`` → ``0x7013``): the codec against the captured reply, the scan against the simulated device.

As in test_ble_provisioning.py, the simulated device is plugged in at ``establish_connection`` only: bleak's real
client on the simulated backend, bleak-retry-connector's real retry loop.
"""

from __future__ import annotations

import pytest

from custom_components.quectel_iot.api import ble_provisioning
from custom_components.quectel_iot.api.ble_protocol import (
    CMD_SCAN_WIFI_REPLY,
    FrameAssembler,
    TtlvItem,
    encode_scan_wifi,
    encode_ttlv,
    parse_wifi_scan_reply,
)
from custom_components.quectel_iot.api.ble_provisioning import scan_wifi_networks
from custom_components.quectel_iot.api.exceptions import (
    QuecBleCharacteristicMissingError,
    QuecBleNotInRangeError,
    QuecBleTimeoutError,
    QuecBleUnreadableReplyError,
)
from quectel_simulator.ble_backend import ble_device, simulated_establish_connection
from quectel_simulator.ble_device import NEIGHBOUR_NETWORKS, SimulatedWifiDevice

PK, DK = "p11wifi", "a0b1c2d3e4f7"

# ../shared/reference/ble_frames.md: a real device's 0x7013 (truelecter/unquec-ble), 16 entries, three of them empty.
CAPTURED_7013 = bytes.fromhex(
    "aaaa00ca7103e87013019c001000030009586174613239302e320003000763616c796e6b610003000c54502d4c696e6b5f41343334"
    "0003000c54502d4c696e6b5f323734360003000d4d656761574946495f3247487a00030000000300084e45575f574946490003000b"
    "5869616f6d695f394134310003000e5869616f6d69203131204c697465000300034b4e53000300000003000c54502d4c494e4b5f41"
    "383238000300000003000854656e64615f3537000300085665724e65745f320003000c54502d4c494e4b5f43413438"
)
CAPTURED_SSIDS = [
    "Xata290.2", "calynka", "TP-Link_A434", "TP-Link_2746", "MegaWIFI_2GHz", "NEW_WIFI", "Xiaomi_9A41",
    "Xiaomi 11 Lite", "KNS", "TP-LINK_A828", "Tenda_57", "VerNet_2", "TP-LINK_CA48",
]  # fmt: skip


@pytest.fixture(autouse=True)
def simulated_bluetooth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ble_provisioning, "establish_connection", simulated_establish_connection)


def test_the_captured_reply_reads_as_its_networks() -> None:
    (frame,) = FrameAssembler().feed(CAPTURED_7013)
    assert (frame.packet_id, frame.command) == (1000, CMD_SCAN_WIFI_REPLY)
    assert parse_wifi_scan_reply(frame.payload) == CAPTURED_SSIDS


def test_the_request_frame() -> None:
    # AA AA, length 5, checksum 0x03 + 0xE8 + 0x70 + 0x12, packet id 1000, command 0x7012, no payload.
    assert encode_scan_wifi(1000) == bytes.fromhex("aaaa00056d03e87012")


def test_repeats_empty_and_unreadable_names_are_dropped_in_device_order() -> None:
    entries = [b"B", b"", b"A", b"B", b"\xff\xfe", b"x" * 33, b"C"]
    payload = encode_ttlv([TtlvItem(5, 1), TtlvItem(51, [TtlvItem(0, entry) for entry in entries] + [TtlvItem(0, 7)])])
    assert parse_wifi_scan_reply(payload) == ["B", "A", "C"]
    assert parse_wifi_scan_reply(encode_ttlv([TtlvItem(51, [])])) == []


@pytest.mark.parametrize("payload", [b"", b"\x01", encode_ttlv([TtlvItem(51, b"not a struct")])])
def test_a_reply_without_the_list_is_refused(payload: bytes) -> None:
    with pytest.raises(ValueError, match=r"TTLV|id 51"):
        parse_wifi_scan_reply(payload)


async def test_scan_lists_what_the_simulated_device_sees_and_disconnects() -> None:
    device = SimulatedWifiDevice(PK, DK, networks={"Home Wi-Fi": "correct-horse-battery"})
    try:
        ssids = await scan_wifi_networks(ble_device(device))
        assert ssids == ["Home Wi-Fi", "TP-Link_A434", "Xiaomi_9A41", "MegaWIFI_2GHz", "Tenda_57"]
        assert [(frame.packet_id, frame.command, frame.payload) for frame in device.frames] == [(1000, 0x7012, b"")]
        assert (device.connections, device.disconnections, device.connected) == (1, 1, False)
        assert device.wifi_ssid is None  # a scan joins nothing
    finally:
        await device.close()


async def test_scan_of_a_device_that_takes_any_network() -> None:
    device = SimulatedWifiDevice(PK, DK, scan_networks=("Home", "", "Home", "Café"), mtu=247)
    try:
        assert await scan_wifi_networks(ble_device(device), packet_id=0xFFFE) == ["Home", "Café"]
        assert device.frames[0].packet_id == 0xFFFE
        assert SimulatedWifiDevice(PK, DK).seen_networks() == ("Home", *NEIGHBOUR_NETWORKS)
    finally:
        await device.close()


async def test_a_device_that_does_not_scan_times_out_and_disconnects() -> None:
    device = SimulatedWifiDevice(PK, DK, answers_scan=False)
    try:
        with pytest.raises(QuecBleTimeoutError) as info:
            await scan_wifi_networks(ble_device(device), timeout=0.1)
        assert (info.value.step, info.value.key) == ("reply", "timeout")
        assert (device.connections, device.disconnections, device.connected) == (1, 1, False)
    finally:
        await device.close()


async def test_an_unreadable_scan_reply(monkeypatch: pytest.MonkeyPatch) -> None:
    device = SimulatedWifiDevice(PK, DK)
    monkeypatch.setattr(device, "_scan_reply", lambda: b"\x01")
    try:
        with pytest.raises(QuecBleUnreadableReplyError, match="Wi-Fi scan"):
            await scan_wifi_networks(ble_device(device))
        assert device.disconnections == 1
    finally:
        await device.close()


async def test_scan_fails_as_provisioning_does() -> None:
    with pytest.raises(QuecBleNotInRangeError):
        await scan_wifi_networks(None)
    device = SimulatedWifiDevice(PK, DK, has_characteristic=False)
    with pytest.raises(QuecBleCharacteristicMissingError):
        await scan_wifi_networks(ble_device(device))
    assert device.writes == []
