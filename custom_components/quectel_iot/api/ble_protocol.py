"""The local protocol of Quectel devices over Bluetooth (pure, no I/O): frames, TTLV, Wi-Fi provisioning messages.

Not published by the vendor; the facts come from three independent public codecs that agree (cloud_api.md §7.2-7.3):
``truelecter/unquec-ble`` (``model/src/ttlv/encode.rs``, ``decode.rs``, a port of the vendor's Java ``EncodeTools``
and ``DecodeTools``), ``attractify-logan/pecron-monitor`` (``protocol.py``; ported to ``jordankurtz/ha-pecron-local``)
and ``bordeux/ha-oukitel-powerstation`` (``REVERSE_ENGINEERING.md`` §4-5, read from the decompiled vendor app).

Frame (before stuffing)::

    AA AA | length (2, BE) | checksum (1) | packet id (2, BE) | command (2, BE) | payload

* ``length`` counts every byte after the length field: checksum + packet id + command + payload, so a frame is
  ``length + 4`` bytes unstuffed (unquec ``encode.rs``: ``5 + payload.len()``; pecron ``len(inner) + 1``; oukitel §4).
* ``checksum`` is the sum of the packet id, command and payload bytes, modulo 256 (all three sources).
* Byte stuffing, applied last: from index 2 on (the header is never stuffed), every ``AA`` followed by ``55`` or
  ``AA`` gets a ``55`` inserted after it; the last byte has no successor and is never stuffed (unquec
  ``garble_buffer``, pecron ``_ttlv_byte_stuff``). The receiver drops a ``55`` that follows an ``AA``.
* Command 0 and 0xFFFF are refused by the vendor's decoder (unquec ``decode.rs`` ``crc_security``).

TTLV: a 2-byte BE header ``id << 3 | type`` (13-bit id), then by type: 0/1 boolean false/true (no value);
2 number: a control byte (bit 7 sign, bits 3-6 decimal places, bits 0-2 byte count - 1) and a big-endian magnitude;
3 and 5 binary: 2-byte BE length and the bytes; 4 struct: 2-byte BE element count and the elements (all sources).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from .identifiers import BINDING_CODE_PATTERN, DEVICE_KEY_PATTERN, PRODUCT_KEY_PATTERN

if TYPE_CHECKING:
    from collections.abc import Sequence

_LOGGER = logging.getLogger(__name__)

HEADER: Final = b"\xaa\xaa"
CMD_SET_WIFI: Final = 0x7010
"""App → device: the Wi-Fi settings (TTLV id 1 SSID, id 2 password)."""
CMD_SET_WIFI_REPLY: Final = 0x7011
"""Device → app: the outcome, with the product key, device key and binding code."""
CMD_SCAN_WIFI: Final = 0x7012
"""App → device: list the Wi-Fi networks you see (no payload)."""
CMD_SCAN_WIFI_REPLY: Final = 0x7013
"""Device → app: TTLV id 51, a struct of id-0 binaries, one SSID each (some empty)."""
FIRST_PACKET_ID: Final = 1000
"""The vendor's app counts packet ids in [1000, 65534] (unquec ``get_serial_num``; oukitel §4)."""
LAST_PACKET_ID: Final = 0xFFFE
"""Requests carry ids in 1..0xFFFE: the device's codec drops 0 and 0xFFFF (QuecPython ``ql_iotDp.c``); it uses 0 for
frames nobody asked for (such as ``0x7014``)."""

MAX_FRAME_LENGTH: Final = 0x1000
"""The largest ``length`` field accepted. Far above any provisioning frame, and below 0x5500, so a genuine length's
high byte can never read as a stuffed ``55`` or as a third header ``AA``."""
MAX_PAYLOAD: Final = MAX_FRAME_LENGTH - 5
MAX_TTLV_DEPTH: Final = 16
"""Nested structs deeper than this are refused: a hostile payload must not exhaust the stack."""
MAX_SSID_BYTES: Final = 32
_ID_SCAN_LIST: Final = 51
MAX_PASSWORD_BYTES: Final = 64

_AA: Final = 0xAA
_55: Final = 0x55
_MIN_LENGTH: Final = 5
_ID_MAX: Final = 0x1FFF
_U16: Final = 0xFFFF
_MAGNITUDE_BYTES: Final = 8
_MAX_DECIMALS: Final = 15
_T_FALSE, _T_TRUE, _T_NUMBER, _T_BINARY, _T_STRUCT, _T_BINARY_ALT = 0, 1, 2, 3, 4, 5


# ----- frames -----


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame, unstuffed. The payload stays out of ``repr`` (a 0x7010 carries the Wi-Fi password)."""

    packet_id: int
    command: int
    payload: bytes

    def __repr__(self) -> str:
        """Show the command and the payload's size only."""
        return f"Frame(packet_id={self.packet_id}, command=0x{self.command:04x}, payload=<{len(self.payload)} bytes>)"


def _stuff(frame: bytes) -> bytes:
    out = bytearray(frame[:2])
    last = len(frame) - 1
    for index in range(2, len(frame)):
        byte = frame[index]
        out.append(byte)
        if byte == _AA and index < last and frame[index + 1] in {_AA, _55}:
            out.append(_55)
    return bytes(out)


def encode_frame(packet_id: int, command: int, payload: bytes) -> bytes:
    """Build a stuffed frame ready for the wire.

    Raises:
        ValueError: A packet id outside 0..0xFFFF, a command outside 1..0xFFFE, or a payload over ``MAX_PAYLOAD``.
    """
    if not 0 <= packet_id <= _U16:
        raise ValueError("packet id out of range")
    if not 0 < command < _U16:
        raise ValueError("command out of range")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("payload too long for one frame")
    body = packet_id.to_bytes(2, "big") + command.to_bytes(2, "big") + payload
    unstuffed = HEADER + (len(body) + 1).to_bytes(2, "big") + bytes([sum(body) & 0xFF]) + body
    return _stuff(unstuffed)


class FrameAssembler:
    """Turns the bytes of successive indications into frames.

    A frame may span several indications and one indication may carry several frames. Garbage, frames with a bad
    checksum or an impossible length are skipped, never raised. Whatever is kept between calls is at most one
    unfinished frame (at most ``2 * (MAX_FRAME_LENGTH + 2) + 2`` bytes), so a device sending garbage cannot grow it.
    """

    MAX_BUFFERED: Final = 2 * (MAX_FRAME_LENGTH + 2) + 2

    def __init__(self) -> None:
        """Start with nothing buffered."""
        self._buffer = bytearray()

    @property
    def buffered(self) -> int:
        """How many raw bytes wait for the rest of their frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        """Add received bytes; return every frame they complete, in order."""
        self._buffer += data
        frames: list[Frame] = []
        while True:
            start = self._header_index()
            if start < 0:
                # A lone trailing AA may be the first half of the next header.
                keep = 1 if self._buffer.endswith(b"\xaa") else 0
                del self._buffer[: len(self._buffer) - keep]
                break
            del self._buffer[:start]
            outcome = self._take_frame()
            if outcome is None:
                break
            if isinstance(outcome, Frame):
                frames.append(outcome)
        return frames

    def _header_index(self) -> int:
        buffer = self._buffer
        start = buffer.find(HEADER)
        # In "AA AA AA" the first AA ends the previous frame (its last byte is never stuffed): the header is the pair
        # that is not followed by another AA (a valid length's high byte is never AA).
        while start >= 0 and start + 2 < len(buffer) and buffer[start + 2] == _AA:
            start += 1
        return start

    def _take_frame(self) -> Frame | bool | None:
        """Parse the frame at the buffer's start: a frame, ``False`` when skipped, ``None`` when incomplete."""
        buffer = self._buffer
        out = bytearray()
        need = 0
        index = 2
        while not need or len(out) < need:
            if index >= len(buffer):
                return None
            byte = buffer[index]
            if byte == _AA and len(out) + 1 != need:
                if index + 1 >= len(buffer):
                    return None
                follower = buffer[index + 1]
                if follower == _AA:
                    # A header inside a frame: this one was cut short. Resynchronise on the new header.
                    del buffer[:index]
                    return False
                if follower == _55:
                    index += 1
            out.append(byte)
            index += 1
            if not need and len(out) == 2:  # noqa: PLR2004
                length = int.from_bytes(out, "big")
                if not _MIN_LENGTH <= length <= MAX_FRAME_LENGTH:
                    del buffer[:1]
                    return False
                need = length + 2
        command = int.from_bytes(out[5:7], "big")
        if out[2] != sum(out[3:]) & 0xFF or command in {0, _U16}:
            _LOGGER.debug("Skipped a frame with a bad checksum or command")
            del buffer[:1]
            return False
        del buffer[:index]
        return Frame(int.from_bytes(out[3:5], "big"), command, bytes(out[7:]))


# ----- TTLV -----

type TtlvValue = bool | int | float | bytes | list[TtlvItem]


@dataclass(frozen=True, slots=True, eq=False)
class TtlvItem:
    """One TTLV element: ``bool``, ``int``, ``float`` (a number with decimals), ``bytes`` or a struct (a list).

    Equality is strict on the value's type (``True`` is not ``1``, ``3.0`` is not ``3``). Binary values stay out of
    ``repr``: they carry the Wi-Fi password one way and the binding code the other.
    """

    id: int
    value: TtlvValue

    def __eq__(self, other: object) -> bool:
        """Compare id, value and the value's type."""
        if not isinstance(other, TtlvItem):
            return NotImplemented
        return self.id == other.id and type(self.value) is type(other.value) and self.value == other.value

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        """Show binary values by their size only."""
        value = f"<{len(self.value)} bytes>" if isinstance(self.value, bytes) else repr(self.value)
        return f"TtlvItem(id={self.id}, value={value})"


def _header(item_id: int, kind: int) -> bytes:
    if not 0 <= item_id <= _ID_MAX:
        raise ValueError("TTLV id out of range")
    return (item_id << 3 | kind).to_bytes(2, "big")


def _number(negative: bool, magnitude: int, decimals: int) -> bytes:
    if magnitude.bit_length() > _MAGNITUDE_BYTES * 8 or decimals > _MAX_DECIMALS:
        raise ValueError("number too large or too precise for TTLV")
    size = max(1, (magnitude.bit_length() + 7) // 8)
    control = (0x80 if negative else 0) | decimals << 3 | (size - 1)
    return bytes([control]) + magnitude.to_bytes(size, "big")


def _float(value: float) -> bytes:
    if not math.isfinite(value):
        raise ValueError("TTLV numbers are finite")
    # The shortest decimal that reads back as this float. At least one decimal place keeps it a float on the way back
    # (the vendor's encoder refuses integral doubles outright: unquec ``extract_double``).
    sign, _, exponent = Decimal(repr(value)).as_tuple()
    decimals = max(1, -int(exponent))
    magnitude = int(abs(Decimal(repr(value))).scaleb(decimals))
    return _number(bool(sign), magnitude, decimals)


def _encode_item(item: TtlvItem, depth: int) -> bytes:
    value = item.value
    if isinstance(value, bool):
        return _header(item.id, _T_TRUE if value else _T_FALSE)
    if isinstance(value, int):
        return _header(item.id, _T_NUMBER) + _number(value < 0, abs(value), 0)
    if isinstance(value, float):
        return _header(item.id, _T_NUMBER) + _float(value)
    if isinstance(value, bytes):
        if len(value) > _U16:
            raise ValueError("TTLV binary too long")
        return _header(item.id, _T_BINARY) + len(value).to_bytes(2, "big") + value
    if isinstance(value, list):
        if len(value) > _U16:
            raise ValueError("TTLV struct too long")
        if depth >= MAX_TTLV_DEPTH:
            raise ValueError("TTLV structs nested too deep")
        inner = b"".join(_encode_item(child, depth + 1) for child in value)
        return _header(item.id, _T_STRUCT) + len(value).to_bytes(2, "big") + inner
    raise TypeError(f"unsupported TTLV value type {type(value).__name__}")


def encode_ttlv(items: Sequence[TtlvItem]) -> bytes:
    """Encode TTLV items (binary as type 3, integral floats with one decimal place).

    Raises:
        ValueError: An id outside 0..8191, a number outside 8 bytes or 15 decimals, a non-finite float, a binary or
            struct over 65535, or structs nested deeper than ``MAX_TTLV_DEPTH``.
        TypeError: A value of another type.
    """
    return b"".join(_encode_item(item, 0) for item in items)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, size: int) -> bytes:
        end = self.offset + size
        if end > len(self.data):
            raise ValueError(f"TTLV truncated at byte {self.offset}")
        chunk = self.data[self.offset : end]
        self.offset = end
        return chunk

    def u16(self) -> int:
        return int.from_bytes(self.take(2), "big")

    def item(self, depth: int) -> TtlvItem:
        header = self.u16()
        item_id, kind = header >> 3, header & 0x07
        if kind in {_T_FALSE, _T_TRUE}:
            return TtlvItem(item_id, kind == _T_TRUE)
        if kind == _T_NUMBER:
            control = self.take(1)[0]
            magnitude = int.from_bytes(self.take((control & 0x07) + 1), "big")
            decimals = control >> 3 & 0x0F
            number: int | float = magnitude / 10**decimals if decimals else magnitude
            return TtlvItem(item_id, -number if control & 0x80 else number)
        if kind in {_T_BINARY, _T_BINARY_ALT}:
            return TtlvItem(item_id, self.take(self.u16()))
        if kind == _T_STRUCT:
            if depth >= MAX_TTLV_DEPTH:
                raise ValueError("TTLV structs nested too deep")
            count = self.u16()
            return TtlvItem(item_id, [self.item(depth + 1) for _ in range(count)])
        raise ValueError(f"unknown TTLV type {kind} at byte {self.offset - 2}")


def decode_ttlv(data: bytes) -> list[TtlvItem]:
    """Decode a TTLV payload (types 3 and 5 both give ``bytes``; a number with decimals gives a ``float``).

    Raises:
        ValueError: On any malformed payload (truncated, unknown type, nested too deep), and on nothing else.
    """
    reader = _Reader(bytes(data))
    items: list[TtlvItem] = []
    while reader.offset < len(reader.data):
        items.append(reader.item(0))
    return items


# ----- Wi-Fi provisioning (0x7010 / 0x7011) -----


def _check_request_id(packet_id: int) -> None:
    if not 0 < packet_id <= LAST_PACKET_ID:
        raise ValueError("a request's packet id is 1 to 0xFFFE")


def encode_set_wifi(packet_id: int, ssid: str, password: str) -> bytes:
    """The ``0x7010`` frame: TTLV id 1 the SSID, id 2 the password, both UTF-8 binary.

    Quectel's Android sample (``DistributionNetworkActivity.configNet``) sends exactly these two binary items. An open
    network sends an empty password (the WeChat sample passes its empty field through).

    Raises:
        ValueError: An SSID of 0 or over 32 bytes, a password over 64 bytes, or a packet id outside 1..0xFFFE.
    """
    _check_request_id(packet_id)
    ssid_bytes = ssid.encode()
    password_bytes = password.encode()
    if not 0 < len(ssid_bytes) <= MAX_SSID_BYTES:
        raise ValueError("the SSID must be 1 to 32 bytes")
    if len(password_bytes) > MAX_PASSWORD_BYTES:
        raise ValueError("the Wi-Fi password must be at most 64 bytes")
    payload = encode_ttlv([TtlvItem(1, ssid_bytes), TtlvItem(2, password_bytes)])
    return encode_frame(packet_id, CMD_SET_WIFI, payload)


class WifiReplyStatus(StrEnum):
    """How a ``0x7011`` reads."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    NOT_IN_SETUP_MODE = "not_in_setup_mode"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class ProvisionedDevice:
    """What a device reports once it took the Wi-Fi settings."""

    product_key: str
    device_key: str
    binding_code: str

    def __repr__(self) -> str:
        """Keep the binding code out."""
        return f"ProvisionedDevice(product_key={self.product_key!r}, device_key={self.device_key!r})"


@dataclass(frozen=True, slots=True)
class WifiReply:
    """A parsed ``0x7011``: the status, the device when accepted, and the TTLV ids it carried."""

    status: WifiReplyStatus
    device: ProvisionedDevice | None = None
    ids_seen: tuple[int, ...] = ()


_ID_SUCCESS_CAPTURED: Final = 4
_ID_SUCCESS_SAMPLES: Final = 6
_ID_PRODUCT_KEY: Final = 7
_ID_DEVICE_KEY: Final = 8
_ID_BINDING_CODE: Final = 9


def _text(items: dict[int, TtlvValue], item_id: int) -> str | None:
    value = items.get(item_id)
    if not isinstance(value, bytes) or not value:
        return None
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        return None


def parse_set_wifi_reply(payload: bytes) -> WifiReply:
    """Read a ``0x7011`` payload defensively (cloud_api.md §7.3); never raises.

    * An empty payload: the device is not in set-up mode (captured ``aaaa00056c03e87011``).
    * A refusal: the first item is ``false`` (the iOS demo reads the first item as the result, whatever its id), or id
      6 or id 4 is ``false`` (the Android sample reads id 6; the captured reply carries id 4 = true, id 5 = 30).
    * A success: PK (id 7), DK (id 8) and binding code (id 9), each in the format the actions accept
      (``identifiers.py``), and no ``false`` flag.
    * Anything else (keys missing, too long, with control characters, a trailing newline...) is unreadable.
    """
    if not payload:
        return WifiReply(WifiReplyStatus.NOT_IN_SETUP_MODE)
    try:
        decoded = decode_ttlv(payload)
    except ValueError:
        _LOGGER.debug("0x7011 reply is not valid TTLV (%d bytes)", len(payload))
        return WifiReply(WifiReplyStatus.UNREADABLE)
    items = {item.id: item.value for item in decoded}
    ids_seen = tuple(item.id for item in decoded)
    first_refuses = bool(decoded) and decoded[0].value is False
    if first_refuses or any(
        item.value is False and item.id in {_ID_SUCCESS_SAMPLES, _ID_SUCCESS_CAPTURED} for item in decoded
    ):
        return WifiReply(WifiReplyStatus.REFUSED, ids_seen=ids_seen)
    product_key = _text(items, _ID_PRODUCT_KEY)
    device_key = _text(items, _ID_DEVICE_KEY)
    binding_code = _text(items, _ID_BINDING_CODE)
    if (
        product_key is not None
        and device_key is not None
        and binding_code is not None
        and PRODUCT_KEY_PATTERN.fullmatch(product_key)
        and DEVICE_KEY_PATTERN.fullmatch(device_key)
        and BINDING_CODE_PATTERN.fullmatch(binding_code)
    ):
        return WifiReply(WifiReplyStatus.ACCEPTED, ProvisionedDevice(product_key, device_key, binding_code), ids_seen)
    _LOGGER.debug("0x7011 reply without a flag or valid PK/DK/code; ids seen: %s", ids_seen)
    return WifiReply(WifiReplyStatus.UNREADABLE, ids_seen=ids_seen)


# ----- Wi-Fi scan (0x7012 / 0x7013) -----


def encode_scan_wifi(packet_id: int) -> bytes:
    """The ``0x7012`` frame: no payload (cloud_api.md §7.3).

    Raises:
        ValueError: A packet id outside 1..0xFFFE.
    """
    _check_request_id(packet_id)
    return encode_frame(packet_id, CMD_SCAN_WIFI, b"")


def parse_wifi_scan_reply(payload: bytes) -> list[str]:
    """The SSIDs of a ``0x7013`` payload as the device lists them: empty and repeated names dropped, order kept.

    A name that is not UTF-8 is dropped too (it could not be typed back); the user can still type any name.

    Raises:
        ValueError: Not TTLV, or without the id-51 struct.
    """
    lists = [item.value for item in decode_ttlv(payload) if item.id == _ID_SCAN_LIST and isinstance(item.value, list)]
    if not lists:
        raise ValueError("0x7013 without its list of networks (TTLV id 51)")
    ssids: dict[str, None] = {}
    for entry in lists[0]:
        if not isinstance(entry.value, bytes) or not entry.value or len(entry.value) > MAX_SSID_BYTES:
            continue
        try:
            ssids.setdefault(entry.value.decode(), None)
        except UnicodeDecodeError:
            continue
    return list(ssids)
