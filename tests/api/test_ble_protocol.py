"""The Bluetooth frame and TTLV codec: known answers from the public sources, stuffing, reassembly, garbage, hypothesis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.quectel_iot.api.ble_protocol import (
    CMD_SET_WIFI,
    CMD_SET_WIFI_REPLY,
    MAX_FRAME_LENGTH,
    MAX_PAYLOAD,
    MAX_TTLV_DEPTH,
    Frame,
    FrameAssembler,
    ProvisionedDevice,
    TtlvItem,
    WifiReply,
    WifiReplyStatus,
    decode_ttlv,
    encode_frame,
    encode_scan_wifi,
    encode_set_wifi,
    encode_ttlv,
    parse_set_wifi_reply,
)

# ----- known answers -----
# A real 0x7011 reply, in a comment of truelecter/unquec-ble model/src/ttlv/decode.rs (example_decode_usage):
# id 4 = true, id 5 = 30, id 7 = PK "p11qXo", id 8 = DK "74077e676c30", id 9 = binding code.
CAPTURED_7011 = bytes.fromhex(
    "aaaa00393f03e870110021002a001e003b000670313171586f0043000c373430373765363736633330004b0010374636"
    "39314146313730433746413130"
)
# A 0x7010 from the same file: id 1 SSID, id 2 password, id 11 = 120, id 13 an MQTT URL, id 12 = 255.
CAPTURED_7010 = bytes.fromhex(
    "aaaa0052d703e87010000b0009586174613239302e320013000b4665656462616363323930005a0078006b00256d7174"
    "74733a2f2f696f742d736f7574682e616363656c65726f6e69782e696f3a38383836006200ff"
)
# A 0x7013 (Wi-Fi scan) from the same file: a struct id 51 of 16 binary SSIDs with id 0, three of them empty.
CAPTURED_7013 = bytes.fromhex(
    "aaaa00ca7103e87013019c001000030009586174613239302e320003000763616c796e6b610003000c54502d4c696e6b"
    "5f413433340003000c54502d4c696e6b5f323734360003000d4d656761574946495f3247487a00030000000300084e45"
    "575f574946490003000b5869616f6d695f394134310003000e5869616f6d69203131204c697465000300034b4e530003"
    "00000003000c54502d4c494e4b5f41383238000300000003000854656e64615f3537000300085665724e65745f320003"
    "000c54502d4c494e4b5f43413438"
)
# unquec-ble decode.rs, the same comment block: an empty 0x7011 and a 0x7017 carrying id 1 = 1.
EMPTY_7011 = bytes.fromhex("aaaa00056c03e87011")
CAPTURED_7017 = bytes.fromhex("aaaa00097d03e87017000a0001")
# bordeux/ha-oukitel-powerstation REVERSE_ENGINEERING.md §9 (a real TCP session): the hello and the login result 0.
OUKITEL_HELLO = bytes.fromhex("aaaa0005a400027032")
OUKITEL_LOGIN_RESULT = bytes.fromhex("aaaa0009c2000370 35001a0000".replace(" ", ""))


def one_frame(data: bytes) -> Frame:
    frames = FrameAssembler().feed(data)
    assert len(frames) == 1
    return frames[0]


def test_captured_7011_reassembles_decodes_and_reads_as_accepted() -> None:
    frame = one_frame(CAPTURED_7011)
    assert (frame.packet_id, frame.command) == (1000, CMD_SET_WIFI_REPLY)
    assert decode_ttlv(frame.payload) == [
        TtlvItem(4, True), TtlvItem(5, 30), TtlvItem(7, b"p11qXo"), TtlvItem(8, b"74077e676c30"),
        TtlvItem(9, b"7F691AF170C7FA10"),
    ]  # fmt: skip
    reply = parse_set_wifi_reply(frame.payload)
    assert reply == WifiReply(
        WifiReplyStatus.ACCEPTED, ProvisionedDevice("p11qXo", "74077e676c30", "7F691AF170C7FA10"), (4, 5, 7, 8, 9)
    )
    # Our encoder gives back the device's exact bytes: same length rule, checksum and TTLV.
    assert encode_frame(1000, CMD_SET_WIFI_REPLY, encode_ttlv(decode_ttlv(frame.payload))) == CAPTURED_7011


def test_captured_7010_decodes_and_our_encoder_reproduces_it() -> None:
    frame = one_frame(CAPTURED_7010)
    items = decode_ttlv(frame.payload)
    assert items == [
        TtlvItem(1, b"Xata290.2"), TtlvItem(2, b"Feedbacc290"), TtlvItem(11, 120),
        TtlvItem(13, b"mqtts://iot-south.acceleronix.io:8886"), TtlvItem(12, 255),
    ]  # fmt: skip
    assert encode_frame(frame.packet_id, CMD_SET_WIFI, encode_ttlv(items)) == CAPTURED_7010
    ours = one_frame(encode_set_wifi(1000, "Xata290.2", "Feedbacc290"))
    assert ours.payload == frame.payload[:28]  # ids 1 and 2 exactly as the capture, the newer ids left out


def test_captured_wifi_scan_struct() -> None:
    frame = one_frame(CAPTURED_7013)
    assert frame.command == 0x7013
    (scan,) = decode_ttlv(frame.payload)
    assert scan.id == 51
    assert isinstance(scan.value, list)
    assert [item.value for item in scan.value][:3] == [b"Xata290.2", b"calynka", b"TP-Link_A434"]
    assert sum(1 for item in scan.value if item.value == b"") == 3
    assert encode_frame(1000, 0x7013, encode_ttlv([scan])) == CAPTURED_7013


def test_other_captured_frames() -> None:
    assert one_frame(EMPTY_7011) == Frame(1000, CMD_SET_WIFI_REPLY, b"")
    assert decode_ttlv(one_frame(CAPTURED_7017).payload) == [TtlvItem(1, 1)]
    assert one_frame(OUKITEL_HELLO) == Frame(2, 0x7032, b"")
    assert decode_ttlv(one_frame(OUKITEL_LOGIN_RESULT).payload) == [TtlvItem(3, 0)]
    assert encode_frame(2, 0x7032, b"") == OUKITEL_HELLO


# ----- frames and stuffing -----


def test_frame_layout() -> None:
    # length = 5 + payload (checksum, packet id, command), checksum = sum(packet id + command + payload) & 0xFF
    assert encode_frame(0x0102, 0x7010, b"\x10\x20") == bytes.fromhex("aaaa0007 b3 0102 7010 1020".replace(" ", ""))


def test_stuffing_in_the_payload() -> None:
    wire = encode_frame(1000, 0x7010, b"\xaa\xaa\x01\xaa\x55\x02\xaa")
    assert wire[9:] == bytes.fromhex("aa55aa01aa555502aa")  # AA AA and AA 55 stuffed, the final AA not
    assert one_frame(wire).payload == b"\xaa\xaa\x01\xaa\x55\x02\xaa"


def test_stuffing_of_the_checksum_and_packet_id() -> None:
    # packet id AA AA and checksum (0xAA + 0xAA + 0x70 + 0x10 + 0xD6) & 0xFF = 0xAA: AA AA AA, stuffed twice.
    wire = encode_frame(0xAAAA, 0x7010, b"\xd6")
    assert wire == bytes.fromhex("aaaa0006aa55aa55aa7010d6")
    assert one_frame(wire) == Frame(0xAAAA, 0x7010, b"\xd6")
    # checksum AA followed by a packet id starting 55.
    wire = encode_frame(0x5500, 0x7010, b"\xd5")
    assert wire[4:8] == b"\xaa\x55\x55\x00"
    assert one_frame(wire) == Frame(0x5500, 0x7010, b"\xd5")


def test_stuffing_of_the_length_bytes() -> None:
    payload = bytes(0xAA - 5 - 1) + b"\x00"
    base = sum(payload) + 0x03 + 0xE8 + 0x70 + 0x10
    payload = payload[:-1] + bytes([(0x55 - base) % 256])  # checksum 0x55 right after the length's low byte AA
    wire = encode_frame(1000, 0x7010, payload)
    assert wire[:6] == bytes.fromhex("aaaa00aa5555")
    assert one_frame(wire).payload == payload
    payload = payload[:-1] + bytes([(0xAA - base) % 256])  # checksum 0xAA after the length's AA
    wire = encode_frame(1000, 0x7010, payload)
    assert wire[:7] == bytes.fromhex("aaaa00aa55aa03")
    assert one_frame(wire).payload == payload


def test_frame_split_at_every_byte() -> None:
    wire = encode_frame(0xAAAA, 0x7011, b"\xaa\x55\xaa\xaa" + CAPTURED_7011[9:] + b"\xaa")
    expected = one_frame(wire)
    for cut in range(len(wire) + 1):
        assembler = FrameAssembler()
        assert [*assembler.feed(wire[:cut]), *assembler.feed(wire[cut:])] == [expected]
        assert assembler.buffered == 0
    assembler = FrameAssembler()
    assert [frame for byte in wire for frame in assembler.feed(bytes([byte]))] == [expected]


def test_several_frames_in_one_chunk_and_a_trailing_aa() -> None:
    first = encode_frame(1, 0x7011, b"\x00\xaa")  # ends in an unstuffed AA: the stream reads AA AA AA
    second = encode_frame(2, 0x7014, b"\x00\x31")
    third = encode_frame(3, 0x7011, b"")
    frames = FrameAssembler().feed(first + second + third)
    assert frames == [Frame(1, 0x7011, b"\x00\xaa"), Frame(2, 0x7014, b"\x00\x31"), Frame(3, 0x7011, b"")]


def test_garbage_bad_checksums_and_bad_commands_are_skipped() -> None:
    good = encode_frame(7, 0x7011, b"\x00\x21")
    bad_checksum = bytearray(encode_frame(8, 0x7011, b"\x00\x21"))
    bad_checksum[4] ^= 0x01
    assembler = FrameAssembler()
    command_zero = b"\xaa\xaa\x00\x05\x09\x00\x09\x00\x00"  # valid checksum, command 0
    chunk = b"\x00\x01garbage\xaa" + bytes(bad_checksum) + b"\x55\x55" + command_zero + good
    assert assembler.feed(chunk) == [Frame(7, 0x7011, b"\x00\x21")]
    assert assembler.feed(b"\x12" + b"\xaa\xaa\x00\x04" + good) == [Frame(7, 0x7011, b"\x00\x21")]  # length < 5
    assert assembler.feed(b"\xaa\xaa\xff\xff\x00" + good) == [Frame(7, 0x7011, b"\x00\x21")]  # length too large
    wire_ffff = b"\xaa\xaa\x00\x05" + bytes([0xFE]) + b"\x00\x00\xff\xff"
    assert assembler.feed(wire_ffff + good) == [Frame(7, 0x7011, b"\x00\x21")]
    assert assembler.buffered == 0


def test_cut_short_frame_resynchronises_on_the_next_header() -> None:
    declared_long = b"\xaa\xaa\x0f\x00\x01\x02\x03"  # says 3840 bytes, then the device starts over
    good = encode_frame(5, 0x7011, b"\x00\x21")
    assert FrameAssembler().feed(declared_long + good) == [Frame(5, 0x7011, b"\x00\x21")]


def test_buffer_stays_bounded() -> None:
    assembler = FrameAssembler()
    assert assembler.feed(bytes(range(256)) * 400) == []
    assert assembler.buffered <= 1
    assert assembler.feed(b"\xaa\xaa" + MAX_FRAME_LENGTH.to_bytes(2, "big") + b"\xaa\x55" * 4000) == []
    assert assembler.buffered == 8004 <= FrameAssembler.MAX_BUFFERED  # one unfinished frame, every byte stuffed
    assert assembler.feed(b"\xaa") == []
    assert assembler.feed(b"\x00" * 100) == []
    assert assembler.buffered <= FrameAssembler.MAX_BUFFERED


def test_encode_frame_refuses_out_of_range() -> None:
    with pytest.raises(ValueError, match="packet id"):
        encode_frame(0x10000, 0x7010, b"")
    with pytest.raises(ValueError, match="command"):
        encode_frame(1, 0, b"")
    with pytest.raises(ValueError, match="command"):
        encode_frame(1, 0xFFFF, b"")
    with pytest.raises(ValueError, match="payload"):
        encode_frame(1, 0x7010, bytes(MAX_PAYLOAD + 1))
    assert one_frame(encode_frame(1, 0x7010, bytes(MAX_PAYLOAD))).payload == bytes(MAX_PAYLOAD)


def test_reprs_hide_payloads_and_binary_values() -> None:
    frame = one_frame(encode_set_wifi(1000, "Home", "hunter2-secret"))
    assert "hunter2" not in repr(frame)
    assert repr(frame) == "Frame(packet_id=1000, command=0x7010, payload=<26 bytes>)"
    items = decode_ttlv(frame.payload)
    assert "hunter2" not in repr(items)
    assert repr(items[1]) == "TtlvItem(id=2, value=<14 bytes>)"
    assert repr(TtlvItem(3, [TtlvItem(1, 2.5)])) == "TtlvItem(id=3, value=[TtlvItem(id=1, value=2.5)])"
    device = ProvisionedDevice("p11wifi", "a0b1c2d3e4f7", "0123456789ABCDEF")
    assert "0123456789ABCDEF" not in repr(device)
    assert "0123456789ABCDEF" not in str(WifiReply(WifiReplyStatus.ACCEPTED, device))


# ----- TTLV -----


def test_ttlv_every_type_round_trips() -> None:
    items = [
        TtlvItem(1, True), TtlvItem(2, False), TtlvItem(3, 0), TtlvItem(4, -1), TtlvItem(5, 2**64 - 1),
        TtlvItem(6, -(2**64 - 1)), TtlvItem(7, 3.14159), TtlvItem(8, -0.5), TtlvItem(9, 3.0), TtlvItem(10, 1e16),
        TtlvItem(11, b""), TtlvItem(12, b"\xaa\x55"), TtlvItem(8191, [TtlvItem(0, [TtlvItem(1, 1.25)]), TtlvItem(2, [])]),
        TtlvItem(13, -0.0), TtlvItem(14, 1e-15),
    ]  # fmt: skip
    decoded = decode_ttlv(encode_ttlv(items))
    assert decoded == items
    assert math.copysign(1.0, decoded[13].value) == -1.0  # type: ignore[arg-type]


def test_ttlv_number_encoding() -> None:
    assert encode_ttlv([TtlvItem(1, 30)]) == bytes.fromhex("000a001e")
    assert encode_ttlv([TtlvItem(1, -300)]) == bytes.fromhex("000a81012c")  # sign bit, 2 bytes
    assert encode_ttlv([TtlvItem(1, 2.5)]) == bytes.fromhex("000a0819")  # 1 decimal, magnitude 25
    assert encode_ttlv([TtlvItem(1, -12.345)]) == bytes.fromhex("000a993039")  # sign, 3 decimals, 12345
    assert encode_ttlv([TtlvItem(1, 3.0)]) == bytes.fromhex("000a081e")  # integral float keeps 1 decimal
    assert decode_ttlv(bytes.fromhex("000a0819")) == [TtlvItem(1, 2.5)]
    assert decode_ttlv(bytes.fromhex("000a10c8")) == [TtlvItem(1, 2.0)]  # decimals present → float
    assert decode_ttlv(bytes.fromhex("000d0003616263")) == [TtlvItem(1, b"abc")]  # type 5 is binary too


def test_ttlv_equality_is_strict_on_types() -> None:
    assert TtlvItem(1, True) != TtlvItem(1, 1)
    assert TtlvItem(1, 3.0) != TtlvItem(1, 3)
    assert TtlvItem(1, [TtlvItem(2, True)]) != TtlvItem(1, [TtlvItem(2, 1)])
    assert TtlvItem(1, 5) != 5
    with pytest.raises(TypeError):
        hash(TtlvItem(1, 5))


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"\x00", id="half header"),
        pytest.param(b"\x00\x0a", id="number without control"),
        pytest.param(b"\x00\x0a\x01\x00", id="number short"),
        pytest.param(b"\x00\x0b\x00", id="binary without length"),
        pytest.param(b"\x00\x0b\x00\x05abc", id="binary short"),
        pytest.param(b"\x00\x0c\x00", id="struct without count"),
        pytest.param(b"\x00\x0c\x00\x02\x00\x09", id="struct short"),
        pytest.param(b"\x00\x0e", id="type 6"),
        pytest.param(b"\x00\x0f", id="type 7"),
        pytest.param(b"\x00\x0c\x00\x01" * (MAX_TTLV_DEPTH + 1) + b"\x00\x09", id="too deep"),
    ],
)
def test_decode_ttlv_malformed(payload: bytes) -> None:
    with pytest.raises(ValueError, match="TTLV"):
        decode_ttlv(payload)


def test_decode_ttlv_deepest_allowed() -> None:
    payload = b"\x00\x0c\x00\x01" * MAX_TTLV_DEPTH + b"\x00\x09"
    item = decode_ttlv(payload)[0]
    assert encode_ttlv([item]) == payload


@pytest.mark.parametrize(
    ("item", "error"),
    [
        (TtlvItem(8192, True), ValueError),
        (TtlvItem(-1, True), ValueError),
        (TtlvItem(1, 2**64), ValueError),
        (TtlvItem(1, 1e-16), ValueError),
        (TtlvItem(1, 1e300), ValueError),
        (TtlvItem(1, float("nan")), ValueError),
        (TtlvItem(1, float("inf")), ValueError),
        (TtlvItem(1, bytes(0x10000)), ValueError),
        (TtlvItem(1, [TtlvItem(0, True)] * 0x10000), ValueError),
        (TtlvItem(1, "text"), TypeError),  # type: ignore[arg-type]
    ],
)
def test_encode_ttlv_refuses(item: TtlvItem, error: type[Exception]) -> None:
    with pytest.raises(error):
        encode_ttlv([item])


def test_encode_ttlv_refuses_deep_nesting() -> None:
    item = TtlvItem(0, True)
    for _ in range(MAX_TTLV_DEPTH + 1):
        item = TtlvItem(0, [item])
    with pytest.raises(ValueError, match="deep"):
        encode_ttlv([item])


# ----- Wi-Fi provisioning messages -----


def test_encode_set_wifi() -> None:
    frame = one_frame(encode_set_wifi(1234, "Café 2.4", "pässword"))
    assert (frame.packet_id, frame.command) == (1234, CMD_SET_WIFI)
    assert decode_ttlv(frame.payload) == [TtlvItem(1, "Café 2.4".encode()), TtlvItem(2, "pässword".encode())]
    assert decode_ttlv(one_frame(encode_set_wifi(1, "Open", "")).payload) == [TtlvItem(1, b"Open"), TtlvItem(2, b"")]


@pytest.mark.parametrize(("ssid", "password"), [("", "x"), ("s" * 33, "x"), ("ok", "p" * 65)])
def test_encode_set_wifi_refuses(ssid: str, password: str) -> None:
    with pytest.raises(ValueError, match=r"SSID|password") as info:
        encode_set_wifi(1, ssid, password)
    assert "p" * 65 not in str(info.value)


def reply(*items: TtlvItem) -> WifiReply:
    return parse_set_wifi_reply(encode_ttlv(items))


PK, DK, CODE = TtlvItem(7, b"p11wifi"), TtlvItem(8, b"a0b1c2d3e4f7"), TtlvItem(9, b"0123456789ABCDEF")


def test_reply_layouts() -> None:
    accepted = ProvisionedDevice("p11wifi", "a0b1c2d3e4f7", "0123456789ABCDEF")
    assert reply(TtlvItem(6, True), PK, DK, CODE) == WifiReply(WifiReplyStatus.ACCEPTED, accepted, (6, 7, 8, 9))
    assert reply(PK, DK, CODE).status is WifiReplyStatus.ACCEPTED  # no flag, no false
    assert reply(TtlvItem(6, False), PK, DK, CODE) == WifiReply(WifiReplyStatus.REFUSED, None, (6, 7, 8, 9))
    assert reply(TtlvItem(4, False), TtlvItem(5, 30)) == WifiReply(WifiReplyStatus.REFUSED, None, (4, 5))
    assert reply(TtlvItem(4, True), TtlvItem(6, False), PK, DK, CODE).status is WifiReplyStatus.REFUSED


def test_first_item_false_is_a_refusal_whatever_its_id() -> None:
    # The iOS demo reads the first item as the result (cloud_api.md §7.3, added 2026-12-07).
    assert reply(TtlvItem(1, False), PK, DK, CODE) == WifiReply(WifiReplyStatus.REFUSED, None, (1, 7, 8, 9))
    assert reply(TtlvItem(12, False)).status is WifiReplyStatus.REFUSED
    # A false elsewhere, under an id no source reads as the result, is not.
    assert reply(TtlvItem(4, True), TtlvItem(12, False), PK, DK, CODE).status is WifiReplyStatus.ACCEPTED


def test_an_empty_reply_is_not_in_setup_mode() -> None:
    (frame,) = FrameAssembler().feed(bytes.fromhex("aaaa00056c03e87011"))  # captured in unquec-ble
    assert (frame.packet_id, frame.command) == (1000, 0x7011)
    assert parse_set_wifi_reply(frame.payload) == WifiReply(WifiReplyStatus.NOT_IN_SETUP_MODE)


@pytest.mark.parametrize("packet_id", [0, 0xFFFF, -1, 0x10000])
def test_requests_carry_packet_ids_1_to_fffe(packet_id: int) -> None:
    with pytest.raises(ValueError, match="packet id"):
        encode_set_wifi(packet_id, "Home", "pass")
    with pytest.raises(ValueError, match="packet id"):
        encode_scan_wifi(packet_id)
    assert one_frame(encode_set_wifi(1, "Home", "")).packet_id == 1
    assert one_frame(encode_scan_wifi(0xFFFE)).packet_id == 0xFFFE


@pytest.mark.parametrize(
    ("payload", "ids"),
    [
        pytest.param(b"\x00", (), id="not TTLV"),
        pytest.param(encode_ttlv([TtlvItem(4, True), TtlvItem(5, 30)]), (4, 5), id="flag only"),
        pytest.param(encode_ttlv([PK, DK]), (7, 8), id="no code"),
        pytest.param(encode_ttlv([TtlvItem(7, 7), DK, CODE]), (7, 8, 9), id="pk a number"),
        pytest.param(encode_ttlv([TtlvItem(7, b"\xff\xfe"), DK, CODE]), (7, 8, 9), id="pk not text"),
        pytest.param(encode_ttlv([TtlvItem(7, b""), DK, CODE]), (7, 8, 9), id="pk empty"),
        pytest.param(encode_ttlv([TtlvItem(6, 0), PK, DK]), (6, 7, 8), id="flag a number"),
        pytest.param(encode_ttlv([TtlvItem(7, b"p" * 4000), DK, CODE]), (7, 8, 9), id="pk 4000 characters"),
        pytest.param(encode_ttlv([TtlvItem(7, b"p11"), DK, CODE]), (7, 8, 9), id="pk too short"),
        pytest.param(encode_ttlv([PK, TtlvItem(8, b"a0b1\x1bc2d3"), CODE]), (7, 8, 9), id="dk control character"),
        pytest.param(encode_ttlv([PK, TtlvItem(8, b"a0b1-c2d3"), CODE]), (7, 8, 9), id="dk punctuation"),
        pytest.param(encode_ttlv([PK, DK, TtlvItem(9, b"0123456789ABCDEF\n")]), (7, 8, 9), id="code newline"),
        pytest.param(encode_ttlv([PK, DK, TtlvItem(9, b"0123456789ABCDEG")]), (7, 8, 9), id="code not hex"),
        pytest.param(encode_ttlv([PK, DK, TtlvItem(9, b"0123")]), (7, 8, 9), id="code short"),
    ],
)
def test_reply_unreadable(payload: bytes, ids: tuple[int, ...]) -> None:
    assert parse_set_wifi_reply(payload) == WifiReply(WifiReplyStatus.UNREADABLE, None, ids)


# ----- properties -----

numbers = st.one_of(
    st.integers(min_value=-(2**64 - 1), max_value=2**64 - 1),
    st.builds(lambda n, d: n / 10**d, st.integers(-(10**12), 10**12), st.integers(0, 6)),
)
leaves = st.one_of(st.booleans(), numbers, st.binary(max_size=40))
values = st.recursive(leaves, lambda inner: st.lists(st.builds(TtlvItem, st.integers(0, 8191), inner), max_size=4))
trees = st.lists(st.builds(TtlvItem, st.integers(0, 8191), values), max_size=6)


@given(trees)
def test_ttlv_round_trip_property(items: list[TtlvItem]) -> None:
    assert decode_ttlv(encode_ttlv(items)) == items


@given(st.binary(max_size=300))
@settings(max_examples=400)
def test_decode_ttlv_raises_only_value_error(data: bytes) -> None:
    try:
        items = decode_ttlv(data)
    except ValueError:
        return
    assert all(isinstance(item, TtlvItem) for item in items)


@given(st.binary(max_size=600), st.lists(st.integers(0, 600), max_size=8))
@settings(max_examples=400)
def test_assembler_never_raises_and_is_split_invariant(data: bytes, cuts: list[int]) -> None:
    whole = FrameAssembler().feed(data)
    assembler = FrameAssembler()
    pieces: list[Frame] = []
    previous = 0
    for cut in sorted(min(c, len(data)) for c in cuts):
        pieces += assembler.feed(data[previous:cut])
        previous = cut
    pieces += assembler.feed(data[previous:])
    assert pieces == whole
    assert assembler.buffered <= FrameAssembler.MAX_BUFFERED


no_aa = st.binary(max_size=12).map(lambda b: b.replace(b"\xaa", b""))
frames = st.builds(Frame, st.integers(0, 0xFFFF), st.integers(1, 0xFFFE), st.binary(max_size=60))


@given(st.lists(st.tuples(no_aa, frames), min_size=1, max_size=5), st.integers(1, 25))
def test_assembler_recovers_every_frame_between_garbage(stream: list[tuple[bytes, Frame]], size: int) -> None:
    wire = b"".join(garbage + encode_frame(f.packet_id, f.command, f.payload) for garbage, f in stream)
    assembler = FrameAssembler()
    received = [frame for start in range(0, len(wire), size) for frame in assembler.feed(wire[start : start + size])]
    assert received == [frame for _, frame in stream]
