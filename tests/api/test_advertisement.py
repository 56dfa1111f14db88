"""The advertisement parser: the §7.1 layouts, both flag byte orders, and never an exception on odd bytes."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from custom_components.quectel_iot.api import QUECTEL_MANUFACTURER_ID, QuecAdvertisement, parse_advertisement
from custom_components.quectel_iot.api.advertisement import parse_manufacturer_payload

BOUND = 0x04
ALLOWED = 0x08
WIFI = 0x02
PADDED = 0x100
UPPER = 0x1000


def payload(
    pk: str = "p11blee", dk: bytes = bytes.fromhex("d0d1d2d3d4d5"), flags: int = ALLOWED | 0x40, order: str = "little"
) -> bytes:
    return (
        b"EC"
        + (3).to_bytes(2, "big")
        + bytes([len(pk)])
        + pk.encode()
        + bytes([len(dk)])
        + dk
        + b"\x01"
        + flags.to_bytes(2, order)
    )  # type: ignore[arg-type]


def test_layout_little_endian_flags() -> None:
    parsed = parse_advertisement({QUECTEL_MANUFACTURER_ID: payload()}, "QUEC_BLE_D4D5")
    assert parsed == QuecAdvertisement(
        product_key="p11blee", device_key="d0d1d2d3d4d5", device_key_suffix="d4d5", version=3, device_status=1,
        capabilities=4, wifi_configured=False, bound=False, binding_allowed=True,
    )  # fmt: skip
    assert parsed.identity == ("p11blee", "d0d1d2d3d4d5")


def test_layout_big_endian_flags_with_upper_case_padded_dk() -> None:
    flags = BOUND | WIFI | PADDED | UPPER | 0x50
    parsed = parse_manufacturer_payload(payload(dk=bytes.fromhex("ab12c0"), flags=flags, order="big"))
    assert parsed is not None
    assert parsed.device_key == "AB12C"
    assert (parsed.bound, parsed.binding_allowed, parsed.wifi_configured, parsed.capabilities) == (True, False, True, 5)
    # The same flags little-endian give the same reading.
    assert parse_manufacturer_payload(payload(dk=bytes.fromhex("ab12c0"), flags=flags)) == parsed


def test_padding_flag_only_strips_a_zero() -> None:
    parsed = parse_manufacturer_payload(payload(dk=bytes.fromhex("ab12c5"), flags=PADDED))
    assert parsed is not None
    assert parsed.device_key == "ab12c5"
    assert parsed.capabilities is None


def test_name_only() -> None:
    parsed = parse_advertisement({}, "QUEC_BLE_EEFF")
    assert parsed == QuecAdvertisement(device_key_suffix="EEFF")
    assert parsed.identity is None
    assert parse_advertisement({}, "Some speaker") is None
    assert parse_advertisement({}, None) is None
    # Unreadable manufacturer data falls back to the name.
    assert parse_advertisement({QUECTEL_MANUFACTURER_ID: b"junk"}, "QUEC_BLE_0A0B") == QuecAdvertisement(
        device_key_suffix="0A0B"
    )


def test_truncated_and_malformed() -> None:
    full = payload()
    for cut in range(len(full)):
        assert parse_manufacturer_payload(full[:cut]) is None
    assert parse_manufacturer_payload(b"XX" + full[2:]) is None
    assert parse_manufacturer_payload(payload(pk="p 1")) is None  # not a product key
    assert parse_manufacturer_payload(payload(pk="")) is None
    assert parse_manufacturer_payload(payload(dk=b"")) is None
    bad_ascii = full.replace(b"p11blee", b"p11\xffee")
    assert parse_manufacturer_payload(bad_ascii) is None


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=64), st.one_of(st.none(), st.text(max_size=40)))
def test_random_bytes_never_raise(data: bytes, name: str | None) -> None:
    result = parse_advertisement({QUECTEL_MANUFACTURER_ID: data}, name)
    assert result is None or isinstance(result, QuecAdvertisement)
    result = parse_advertisement({QUECTEL_MANUFACTURER_ID: b"EC" + data}, name)
    assert result is None or isinstance(result, QuecAdvertisement)


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9A-Za-z]{1,32}", fullmatch=True), st.binary(min_size=1, max_size=32), st.integers(0, 0x01FF))
def test_well_formed_round_trip(pk: str, dk: bytes, flags: int) -> None:
    # A low byte of 0x00, 0x01, 0x10 or 0x11 reads as valid flags both ways: see test_ambiguous_flags.
    assume(flags & 0xFF not in {0x00, 0x01, 0x10, 0x11})
    for order in ("little", "big"):
        parsed = parse_manufacturer_payload(payload(pk, dk, flags, order))
        assert parsed is not None
        assert parsed.product_key == pk
        expected = dk.hex()
        if flags & PADDED and expected.endswith("0"):
            expected = expected[:-1]
        assert parsed.device_key == expected
        assert parsed.bound == bool(flags & BOUND)


def test_ambiguous_flags_read_little_endian() -> None:
    # 0x0010 (capabilities: WAN) little-endian and 0x1000 (upper-case DK) are both plausible: little-endian wins.
    parsed = parse_manufacturer_payload(payload(dk=b"\x0a", flags=0x0010))
    assert parsed is not None
    assert (parsed.device_key, parsed.capabilities) == ("0a", 1)
