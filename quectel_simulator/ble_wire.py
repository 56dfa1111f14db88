"""The simulated device's own reading and writing of Quectel's local frames and TTLV (cloud_api.md §7.2).

Written apart from the integration's codec, which it must never import: it is a check on it. It takes another route
on purpose: stuffing by a regular expression over everything after the header, frames found by unstuffing the whole
rest of the buffer, and ``struct`` for the fields. The facts are the ones the public codecs agree on
(``truelecter/unquec-ble`` ``model/src/ttlv``, ``attractify-logan/pecron-monitor`` ``protocol.py``,
``bordeux/ha-oukitel-powerstation`` ``REVERSE_ENGINEERING.md`` §4-5):

* ``AA AA | length (2) | checksum (1) | packet id (2) | command (2) | payload``, big-endian; ``length`` counts the
  bytes after itself; ``checksum`` is the sum of packet id, command and payload modulo 256.
* After the header, an ``AA`` followed by ``AA`` or ``55`` gets a ``55`` inserted after it; the reader drops it.
* TTLV header ``id << 3 | type``: 0/1 boolean, 2 number (control byte: bit 7 sign, bits 3-6 decimals, bits 0-2 size
  - 1), 3/5 binary (2-byte length), 4 struct (2-byte count).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Final

HEAD: Final = b"\xaa\xaa"
_STUFF: Final = re.compile(rb"\xaa(?=[\xaa\x55])")
_UNSTUFF: Final = re.compile(rb"\xaa\x55")
_MIN_LENGTH: Final = 5
_MAX_LENGTH: Final = 0x4000

type Value = bool | int | float | bytes | list[tuple[int, Value]]
"""A decoded TTLV value; a struct is a list of ``(id, value)``."""


@dataclass(frozen=True)
class WireFrame:
    """A frame as the simulated device read it."""

    packet_id: int
    command: int
    payload: bytes

    def __repr__(self) -> str:
        """The payload may hold a Wi-Fi password: only its size shows."""
        return f"WireFrame(packet_id={self.packet_id}, command=0x{self.command:04x}, {len(self.payload)} bytes)"


def build_frame(packet_id: int, command: int, payload: bytes) -> bytes:
    """A stuffed frame."""
    inner = struct.pack(">HH", packet_id, command) + payload
    after_header = struct.pack(">HB", len(inner) + 1, sum(inner) % 256) + inner
    return HEAD + _STUFF.sub(b"\xaa\x55", after_header)


class FrameReader:
    """Collects written chunks and yields the frames they complete; frames with a bad checksum are dropped."""

    def __init__(self) -> None:
        """Nothing read yet."""
        self._raw = b""

    def push(self, data: bytes) -> list[WireFrame]:
        """Add a chunk; return the completed frames."""
        self._raw += data
        frames: list[WireFrame] = []
        while (start := self._raw.find(HEAD)) >= 0:
            while self._raw[start + 2 : start + 3] == b"\xaa":
                start += 1
            rest = _UNSTUFF.sub(b"\xaa", self._raw[start + 2 :])
            if len(rest) < 2:  # noqa: PLR2004
                self._raw = self._raw[start:]
                return frames
            (length,) = struct.unpack_from(">H", rest)
            if not _MIN_LENGTH <= length <= _MAX_LENGTH:
                self._raw = self._raw[start + 1 :]
                continue
            if len(rest) < 2 + length:
                self._raw = self._raw[start:]
                return frames
            unstuffed = rest[: 2 + length]
            consumed = 2 + len(_STUFF.sub(b"\xaa\x55", unstuffed))
            checksum, packet_id, command = struct.unpack_from(">BHH", unstuffed, 2)
            if checksum == sum(unstuffed[3:]) % 256:
                frames.append(WireFrame(packet_id, command, unstuffed[7:]))
                self._raw = self._raw[start + consumed :]
            else:
                self._raw = self._raw[start + 1 :]
        self._raw = self._raw[-1:] if self._raw.endswith(b"\xaa") else b""
        return frames


def ttlv_bool(item_id: int, value: bool) -> bytes:
    """A boolean item (type 1 true, 0 false)."""
    return struct.pack(">H", item_id << 3 | (1 if value else 0))


def ttlv_int(item_id: int, value: int) -> bytes:
    """An integer item: sign bit, no decimals, the fewest big-endian bytes."""
    magnitude = abs(value)
    size = max(1, -(-magnitude.bit_length() // 8))
    control = (0x80 if value < 0 else 0) | (size - 1)
    return struct.pack(">HB", item_id << 3 | 2, control) + magnitude.to_bytes(size, "big")


def ttlv_binary(item_id: int, value: bytes) -> bytes:
    """A binary item (type 3)."""
    return struct.pack(">HH", item_id << 3 | 3, len(value)) + value


def ttlv_struct(item_id: int, encoded_items: list[bytes]) -> bytes:
    """A struct item (type 4): its element count, then the already encoded elements."""
    return struct.pack(">HH", item_id << 3 | 4, len(encoded_items)) + b"".join(encoded_items)


def ttlv_items(payload: bytes) -> list[tuple[int, Value]]:
    """Decode a payload into ``(id, value)`` pairs.

    Raises:
        ValueError: A truncated payload or an unknown type.
    """
    cursor = _Cursor(payload)
    items: list[tuple[int, Value]] = []
    while cursor.offset < len(payload):
        items.append(_item(cursor))
    return items


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def take(self, size: int) -> bytes:
        chunk = self.data[self.offset : self.offset + size]
        if len(chunk) != size:
            raise ValueError("truncated TTLV")
        self.offset += size
        return chunk

    def u16(self) -> int:
        value: int = struct.unpack(">H", self.take(2))[0]
        return value


def _item(cursor: _Cursor) -> tuple[int, Value]:
    header = cursor.u16()
    return header >> 3, _value(cursor, header & 7)


def _value(cursor: _Cursor, kind: int) -> Value:
    if kind in {0, 1}:
        return kind == 1
    if kind == 2:  # noqa: PLR2004
        control = cursor.take(1)[0]
        number = int.from_bytes(cursor.take((control & 7) + 1), "big") * (-1 if control & 0x80 else 1)
        decimals = (control >> 3) & 0x0F
        return number / 10**decimals if decimals else number
    if kind in {3, 5}:
        return cursor.take(cursor.u16())
    if kind == 4:  # noqa: PLR2004
        return [_item(cursor) for _ in range(cursor.u16())]
    raise ValueError(f"TTLV type {kind}")
