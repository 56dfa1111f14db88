"""The advertisement parser in the vendor's layout (cloud_api.md §7.1, corrected 2026-12-07), never an exception.

Vectors follow Quectel's Android demo (``utils/DeviceUtil.java``): status byte then little-endian flags; capabilities
in the flags' low nibble, DK padding in bit 8, endpoint type in bits 9-11; bound in bit 2 of the status byte.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.quectel_iot.api import (
    QUECTEL_MANUFACTURER_ID,
    Capability,
    QuecAdvertisement,
    needs_wifi,
    parse_advertisement,
)
from custom_components.quectel_iot.api.advertisement import parse_manufacturer_payload

# deviceStatus bits (bit 2 confirmed by the vendor; 1 and 3 as the reference reconciles unquec-ble's reading)
WIFI_CONFIGURED = 0x02
BOUND = 0x04
ALLOWED = 0x08
# flags bits
CAP_WIFI_BLE = 0x06
CAP_BLE = 0x04
PADDED = 0x100
ENDPOINT_TLS = 3 << 9


def payload(
    pk: str = "p11blee", dk: bytes = bytes.fromhex("d0d1d2d3d4d5"), *, status: int = ALLOWED, flags: int = CAP_BLE
) -> bytes:
    return (
        b"EC"
        + (3).to_bytes(2, "big")
        + bytes([len(pk)])
        + pk.encode()
        + bytes([len(dk)])
        + dk
        + bytes([status])
        + flags.to_bytes(2, "little")
    )


def test_wifi_and_ble_unbound_is_a_wifi_setup_candidate() -> None:
    raw = payload("p11wifi", bytes.fromhex("a0b1c2d3e4f7"), status=ALLOWED, flags=ENDPOINT_TLS | CAP_WIFI_BLE)
    assert raw[-3:] == bytes.fromhex("080606")  # status, then flags 0x0606 little-endian
    parsed = parse_advertisement({QUECTEL_MANUFACTURER_ID: raw}, "QUEC_BLE_E4F7")
    assert parsed == QuecAdvertisement(
        product_key="p11wifi", device_key="a0b1c2d3e4f7", device_key_suffix="e4f7", version=3, device_status=0x08,
        capabilities=6, endpoint_type=3, wifi_configured=False, bound=False, binding_allowed=True,
    )  # fmt: skip
    assert needs_wifi(parsed)


def test_ble_only_unbound_goes_to_the_binding_form() -> None:
    parsed = parse_advertisement({QUECTEL_MANUFACTURER_ID: payload()}, "QUEC_BLE_D4D5")
    assert parsed == QuecAdvertisement(
        product_key="p11blee", device_key="d0d1d2d3d4d5", device_key_suffix="d4d5", version=3, device_status=0x08,
        capabilities=4, endpoint_type=0, wifi_configured=False, bound=False, binding_allowed=True,
    )  # fmt: skip
    assert parsed.identity == ("p11blee", "d0d1d2d3d4d5")
    assert parsed.capabilities == Capability.BLE
    assert not needs_wifi(parsed)


def test_bound_is_status_bit_2_only() -> None:
    bound = parse_manufacturer_payload(payload(status=BOUND | WIFI_CONFIGURED, flags=CAP_WIFI_BLE))
    assert bound is not None
    assert (bound.bound, bound.wifi_configured, bound.binding_allowed, bound.capabilities) == (True, True, None, 6)
    assert not needs_wifi(bound)
    # The old reading's "bound" bit (flags bit 2) is the BLE capability: it says nothing about binding.
    unbound = parse_manufacturer_payload(payload(status=0, flags=0x0007))
    assert unbound is not None
    assert (unbound.bound, unbound.capabilities) == (False, 7)


def test_uncertain_bits_never_hide_a_device() -> None:
    # Wi-Fi configured, binding-allowed bit clear: still not bound, still a set-up candidate (the app always sends).
    parsed = parse_manufacturer_payload(payload(status=WIFI_CONFIGURED, flags=CAP_WIFI_BLE))
    assert parsed is not None
    assert (parsed.bound, parsed.binding_allowed, parsed.wifi_configured) == (False, None, True)
    assert needs_wifi(parsed)


def test_padded_dk() -> None:
    parsed = parse_manufacturer_payload(payload(dk=bytes.fromhex("ab12c0"), flags=PADDED | CAP_BLE))
    assert parsed is not None
    assert (parsed.device_key, parsed.device_key_suffix, parsed.capabilities) == ("ab12c", "b12c", 4)
    # The padding flag only strips a zero; without it the zero stays.
    assert (
        parse_manufacturer_payload(payload(dk=bytes.fromhex("ab12c5"), flags=PADDED)) or QuecAdvertisement()
    ).device_key == "ab12c5"
    assert (
        parse_manufacturer_payload(payload(dk=bytes.fromhex("ab12c0"))) or QuecAdvertisement()
    ).device_key == "ab12c0"


def test_no_capabilities_no_wifi_setup() -> None:
    parsed = parse_manufacturer_payload(payload(flags=0x0E00))  # endpoint type 7, no capability bits
    assert parsed is not None
    assert (parsed.capabilities, parsed.endpoint_type) == (None, 7)
    assert not needs_wifi(parsed)
    assert not needs_wifi(QuecAdvertisement(capabilities=6))  # no keys: nothing to set up


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
@given(
    st.from_regex(r"[0-9A-Za-z]{1,32}", fullmatch=True),
    st.binary(min_size=1, max_size=32),
    st.integers(0, 0xFF),
    st.integers(0, 0xFFFF),
)
def test_well_formed_round_trip(pk: str, dk: bytes, status: int, flags: int) -> None:
    parsed = parse_manufacturer_payload(payload(pk, dk, status=status, flags=flags))
    assert parsed is not None
    assert parsed.product_key == pk
    expected = dk.hex()
    if flags & PADDED and expected.endswith("0"):
        expected = expected[:-1]
    assert parsed.device_key == expected
    assert parsed.bound == bool(status & BOUND)
    assert parsed.capabilities == ((flags & 0x0F) or None)
    assert parsed.endpoint_type == (flags >> 9) & 7
    assert parsed.binding_allowed in {True, None}
    assert needs_wifi(parsed) == (not status & BOUND and bool(flags & Capability.WIFI))
