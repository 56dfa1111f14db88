"""The simulated factory-new Wi-Fi device: its own wire code, its replies byte for byte, joining and the cloud.

Only the simulator's code is used here (its frames and TTLV, raw HTTP for the cloud): the integration's codec is
checked against this device elsewhere, so this file checks the device against the public captures.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from quectel_simulator import Device, Product
from quectel_simulator.ble_device import SimulatedWifiDevice
from quectel_simulator.ble_wire import FrameReader, WireFrame, build_frame, ttlv_binary, ttlv_bool, ttlv_int, ttlv_items

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator

BIND_WIFI = "/v2/binding/enduserapi/v2/deviceBindingByWifi"
PK, DK = "p11wifi", "a0b1c2d3e4f7"  # the demo's factory-new plug: no binding code reported yet
DEMO_UID, FRIEND_UID = "C1001", "C1002"

# truelecter/unquec-ble model/src/ttlv/decode.rs (comments of example_decode_usage): a 0x7010 a client wrote and the
# 0x7011 a real device answered.
CAPTURED_7010 = bytes.fromhex(
    "aaaa0052d703e87010000b0009586174613239302e320013000b4665656462616363323930005a0078006b00256d7174"
    "74733a2f2f696f742d736f7574682e616363656c65726f6e69782e696f3a38383836006200ff"
)
CAPTURED_7011 = bytes.fromhex(
    "aaaa00393f03e870110021002a001e003b000670313171586f0043000c373430373765363736633330004b0010374636"
    "39314146313730433746413130"
)


def set_wifi(ssid: bytes, password: bytes, packet_id: int = 1000) -> bytes:
    return build_frame(packet_id, 0x7010, ttlv_binary(1, ssid) + ttlv_binary(2, password))


class Central:
    """The app's side, with the simulator's own reader."""

    def __init__(self, device: SimulatedWifiDevice) -> None:
        self.device = device
        self.reader = FrameReader()
        self.frames: list[WireFrame] = []
        self.received = asyncio.Event()
        device.connect()
        device.subscribe(self._indication)

    def _indication(self, data: bytes) -> None:
        self.frames += self.reader.push(data)
        if self.frames:
            self.received.set()

    async def reply(self) -> WireFrame:
        await asyncio.wait_for(self.received.wait(), 2)
        return self.frames[0]


async def test_answers_the_captured_write_with_the_captured_reply_bytes() -> None:
    device = SimulatedWifiDevice("p11qXo", "74077e676c30", binding_code="7F691AF170C7FA10", join_delay=0)
    central = Central(device)
    for start in range(0, len(CAPTURED_7010), 20):  # written in 20-byte pieces
        device.write(CAPTURED_7010[start : start + 20])
    await central.reply()
    assert b"".join(device.indications) == CAPTURED_7011
    assert [len(chunk) for chunk in device.indications] == [20, 20, 20, 1]
    assert device.wifi_ssid == "Xata290.2"
    assert [f.command for f in device.frames] == [0x7010]
    assert "Feedbacc290" not in repr(device.frames) + repr(device)
    await device.close()


async def test_samples_layout_and_mtu() -> None:
    device = SimulatedWifiDevice(PK, DK, binding_code="0123456789ABCDEF", reply_layout="samples", mtu=247)
    central = Central(device)
    device.write(set_wifi(b"Home", b"pw", packet_id=4242))
    reply = await central.reply()
    assert (reply.packet_id, reply.command) == (4242, 0x7011)  # the request's packet id echoed
    assert ttlv_items(reply.payload) == [(6, True), (7, b"p11wifi"), (8, b"a0b1c2d3e4f7"), (9, b"0123456789ABCDEF")]
    assert len(device.indications) == 1
    await device.close()


@pytest.mark.parametrize(("layout", "expected"), [("captured", [(4, False), (5, 30)]), ("samples", [(6, False)])])
async def test_wrong_password_is_refused(layout: Any, expected: list[Any]) -> None:
    device = SimulatedWifiDevice(PK, DK, networks={"Home": "right"}, reply_layout=layout)
    central = Central(device)
    device.write(set_wifi(b"Home", b"wrong"))
    assert ttlv_items((await central.reply()).payload) == expected
    await asyncio.sleep(0.1)
    assert device.wifi_ssid is None
    assert not device.reached_cloud.is_set()
    await device.close()


async def test_out_of_setup_mode_answers_the_captured_empty_reply() -> None:
    captured_7014 = bytes.fromhex("aaaa0007b5000070140031")  # unquec-ble decode.rs, the same comment block
    device = SimulatedWifiDevice(PK, DK, setup_mode=False, before_reply=(captured_7014,))
    central = Central(device)
    device.write(set_wifi(b"Home", b"pw"))
    await central.reply()
    await asyncio.sleep(0.1)
    assert b"".join(device.indications) == captured_7014 + bytes.fromhex("aaaa00056c03e87011")
    assert device.wifi_ssid is None
    await device.close()


async def test_silent_device_unsubscribed_and_odd_writes() -> None:
    device = SimulatedWifiDevice(PK, DK, answers=False, join_delay=0)
    central = Central(device)
    device.write(build_frame(1, 0x7032, b""))  # another command: ignored
    device.write(build_frame(2, 0x7010, b"\x00"))  # not TTLV
    device.write(build_frame(3, 0x7010, ttlv_int(1, 5)))  # SSID not binary
    device.write(set_wifi(b"Home", b""))
    await asyncio.sleep(0.05)
    assert central.frames == []
    assert device.wifi_ssid == "Home"
    device.unsubscribe()
    device.answers = True
    device.write(set_wifi(b"Home", b""))
    await asyncio.sleep(0.05)
    assert device.indications == []  # nobody listening
    await device.close()


async def test_joins_and_reports_to_the_cloud(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    device = SimulatedWifiDevice(PK, DK, cloud=sim, networks={"Home": "right"}, join_delay=0.2, binding_code_ttl=0)
    body = {"productKey": PK, "deviceKey": DK, "bindingCode": device.binding_code}
    assert await bind(sim, http, body) == 5460  # not reported yet
    assert device.manufacturer_data()[0x5551][-3:] == b"\x08" + (0x0606).to_bytes(
        2, "little"
    )  # factory-new: binding allowed
    central = Central(device)
    device.write(set_wifi(b"Home", b"right"))
    await central.reply()
    assert await bind(sim, http, body) == 5460  # replied, still joining
    await asyncio.wait_for(device.reached_cloud.wait(), 2)
    assert sim.state.devices[PK, DK].online
    assert device.manufacturer_data()[0x5551][-3:] == b"\x0a" + (0x0606).to_bytes(
        2, "little"
    )  # status: Wi-Fi configured
    assert await bind(sim, http, body) == 200
    assert device.bound
    assert device.manufacturer_data()[0x5551][-3:] == b"\x06" + (0x0606).to_bytes(
        2, "little"
    )  # status: Wi-Fi configured, bound, no longer bindable
    await device.close()


async def test_never_reaches_the_cloud(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    device = SimulatedWifiDevice(PK, DK, cloud=sim, reaches_cloud=False, join_delay=0)
    central = Central(device)
    device.write(set_wifi(b"Home", b"x"))
    await central.reply()
    await asyncio.sleep(0.05)
    assert not device.reached_cloud.is_set()
    assert await bind(sim, http, {"productKey": PK, "deviceKey": DK, "bindingCode": device.binding_code}) == 5460
    await device.close()


async def test_bound_by_someone_else_meanwhile(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.state.products["p11wuni"] = Product(pk="p11wuni", name="Unique Plug", kind="wifi", binding_mode=2)
    sim.state.user_domains["C.DM.90001.1"].products.add("p11wuni")
    sim.state.devices["p11wuni", "b0b1b2b3b4b5"] = Device(pk="p11wuni", dk="b0b1b2b3b4b5", name="Plug", capabilities=3)
    device = SimulatedWifiDevice("p11wuni", "b0b1b2b3b4b5", cloud=sim, bound_elsewhere_by=FRIEND_UID, join_delay=0)
    central = Central(device)
    device.write(set_wifi(b"Home", b"x"))
    await central.reply()
    await asyncio.wait_for(device.reached_cloud.wait(), 2)
    (binding,) = sim.state.bindings_of_device("p11wuni", "b0b1b2b3b4b5")
    assert (binding.uid, binding.binding_type, binding.binding_code) == (FRIEND_UID, 2, device.binding_code)
    body = {"productKey": "p11wuni", "deviceKey": "b0b1b2b3b4b5", "bindingCode": device.binding_code}
    assert await bind(sim, http, body) == 5412  # unique binding, already owned
    device.bind_elsewhere(DEMO_UID)  # a second binding reuses the device's authKey
    assert len({b.auth_key for b in sim.state.bindings_of_device("p11wuni", "b0b1b2b3b4b5")}) == 1
    with pytest.raises(KeyError):
        device.bind_elsewhere("nobody")
    await device.close()


def test_identity_advertisement_and_refusals(sim: CloudSimulator) -> None:
    device = SimulatedWifiDevice(PK, DK)
    assert (device.address, device.local_name) == ("A0:B1:C2:D3:E4:F7", "QUEC_BLE_E4F7")
    assert device.manufacturer_data() == {
        0x5551: b"EC\x00\x01\x07p11wifi\x06" + bytes.fromhex("a0b1c2d3e4f7") + b"\x08" + bytes([0x06, 0x06])
    }  # status: binding allowed; flags 0x0606 LE: endpoint type 3 (bits 9-11), capabilities Wi-Fi + BLE (bits 0-3)
    padded = SimulatedWifiDevice(PK, "abc", capabilities=0b0100, endpoint_type=1)
    assert padded.manufacturer_data()[0x5551][-6:] == bytes.fromhex("02abc0") + b"\x08" + (0x0304).to_bytes(2, "little")
    assert not device.bound
    with pytest.raises(KeyError):
        device.bind_elsewhere(DEMO_UID)  # no cloud
    with pytest.raises(KeyError):
        SimulatedWifiDevice(PK, "ffffffffffff", cloud=sim)  # a device the cloud does not know
    refusing = SimulatedWifiDevice(PK, DK, refuse_connections=True)
    with pytest.raises(ConnectionRefusedError):
        refusing.connect()
    calls: list[str] = []
    device.on_link_lost = lambda: calls.append("lost")
    device.connect()
    device.drop_link()
    device.drop_link()
    assert (calls, device.connected, device.connections, device.disconnections) == (["lost"], False, 1, 1)


def test_wire_reader() -> None:
    reader = FrameReader()
    frame = build_frame(0xAAAA, 0x7011, b"\xaa\x55\xaa\xaa\x00\xaa")
    assert frame[:8] == bytes.fromhex("aaaa000b") + frame[4:5] + b"\xaa\x55\xaa"  # packet id AA AA stuffed
    bad = bytearray(build_frame(1, 0x7011, b"\x01"))
    bad[4] ^= 0xFF
    chunks = [b"\x00\xaa", bytes(bad), b"\xaa\xaa\x00\x01", frame[:5], frame[5:], b"\xaa"]
    got = [f for chunk in chunks for f in reader.push(chunk)]
    assert got == [WireFrame(0xAAAA, 0x7011, b"\xaa\x55\xaa\xaa\x00\xaa")]
    assert reader.push(b"\xaa\xaa\x00") == []  # waits for the length
    assert reader.push(b"\x09\x00") == []  # waits for the rest
    assert reader.push(b"\x00\x01\x00\x11\x00\x21\x00\x01") == []  # checksum 0 is wrong: dropped
    assert reader.push(b"\x01\x02") == []


def test_wire_ttlv() -> None:
    payload = ttlv_bool(1, True) + ttlv_int(2, -300) + ttlv_binary(3, b"ab") + bytes.fromhex("0024") + b"\x00\x01"
    payload += ttlv_bool(1, False) + bytes.fromhex("002a0819") + bytes.fromhex("002d0001") + b"z"
    assert ttlv_items(payload) == [(1, True), (2, -300), (3, b"ab"), (4, [(1, False)]), (5, 2.5), (5, b"z")]
    for broken in (b"\x00", b"\x00\x0a", b"\x00\x0a\x01\x00", b"\x00\x0b\x00\x03a", b"\x00\x0e"):
        with pytest.raises(ValueError, match="TTLV"):
            ttlv_items(broken)


async def bind(sim: CloudSimulator, http: aiohttp.ClientSession, body: dict[str, Any]) -> int:
    token = sim.issue_tokens(DEMO_UID)["accessToken"]["token"]
    async with http.post(sim.url + BIND_WIFI, json=body, headers={"Authorization": token}) as resp:
        return int((await resp.json(content_type=None))["code"])


# ../shared/reference/ble_frames.md: a real device's 0x7013 (truelecter/unquec-ble), 16 entries, three empty.
CAPTURED_7013 = bytes.fromhex(
    "aaaa00ca7103e87013019c001000030009586174613239302e320003000763616c796e6b610003000c54502d4c696e6b5f41343334"
    "0003000c54502d4c696e6b5f323734360003000d4d656761574946495f3247487a00030000000300084e45575f574946490003000b"
    "5869616f6d695f394134310003000e5869616f6d69203131204c697465000300034b4e53000300000003000c54502d4c494e4b5f41"
    "383238000300000003000854656e64615f3537000300085665724e65745f320003000c54502d4c494e4b5f43413438"
)


async def test_answers_a_scan_with_the_captured_reply_bytes_and_can_stay_silent() -> None:
    seen = (
        "Xata290.2", "calynka", "TP-Link_A434", "TP-Link_2746", "MegaWIFI_2GHz", "", "NEW_WIFI", "Xiaomi_9A41",
        "Xiaomi 11 Lite", "KNS", "", "TP-LINK_A828", "", "Tenda_57", "VerNet_2", "TP-LINK_CA48",
    )  # fmt: skip
    device = SimulatedWifiDevice(PK, DK, scan_networks=seen)
    central = Central(device)
    device.write(build_frame(1000, 0x7012, b""))
    await central.reply()
    assert b"".join(device.indications) == CAPTURED_7013
    assert device.wifi_ssid is None
    silent = SimulatedWifiDevice(PK, DK, answers_scan=False)
    Central(silent)
    silent.write(build_frame(7, 0x7012, b""))
    assert silent.indications == []
    assert [frame.command for frame in silent.frames] == [0x7012]
