"""A simulated factory-new Quectel Wi-Fi + Bluetooth device, for tests and demos (cloud_api.md §7.1-7.3).

It holds only what the public sources show: one characteristic ``00009c40-…`` written to and indicating back; a
``0x7010`` frame with TTLV id 1 (SSID) and id 2 (password); a ``0x7011`` reply with id 7 PK, id 8 DK, id 9 binding
code and a success flag (``captured`` layout: id 4 true and id 5 = 30 as in the real reply in ``truelecter/unquec-ble``
``decode.rs``; ``samples`` layout: id 6 true as Quectel's Android sample reads it). Then the device joins the network
and reports its binding code to the cloud, which answers 5460 to ``deviceBindingByWifi`` until then. The cloud is a
:class:`~quectel_simulator.CloudSimulator` in this process, or a :class:`~quectel_simulator.remote_cloud.RemoteCloud`
for a simulator in another one (a device inside Home Assistant, whose cloud simulator runs beside it).

A device out of set-up mode answers an empty ``0x7011``, as one captured in unquec-ble (whose client reads it as "not
in pairing mode"). One thing is not public and is chosen here: how a device says no. A refusal is the layout's flag
set to ``false`` with no keys or code (that is how the integration is told to read a refusal).

It is the GATT server side only; :mod:`quectel_simulator.ble_backend` puts it behind bleak's client API. It never
uses the integration's code: its frames and TTLV come from :mod:`quectel_simulator.ble_wire`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import struct
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from .ble_wire import (
    FrameReader,
    WireFrame,
    build_frame,
    ttlv_binary,
    ttlv_bool,
    ttlv_int,
    ttlv_items,
    ttlv_struct,
)
from .crypto import new_auth_key
from .remote_cloud import RemoteCloud, RemoteCloudError
from .state import BINDING_TYPE_WIFI, Binding

if TYPE_CHECKING:
    from .simulator import CloudSimulator

_LOGGER = logging.getLogger(__name__)

SERVICE_UUID: Final = "0000180a-0000-1000-8000-00805f9b34fb"
CHARACTERISTIC_UUID: Final = "00009c40-0000-1000-8000-00805f9b34fb"
MANUFACTURER_ID: Final = 0x5551
CMD_SET_WIFI: Final = 0x7010
CMD_SET_WIFI_REPLY: Final = 0x7011
CMD_SCAN_WIFI: Final = 0x7012
CMD_SCAN_WIFI_REPLY: Final = 0x7013
NEIGHBOUR_NETWORKS: Final = ("TP-Link_A434", "", "Xiaomi_9A41", "MegaWIFI_2GHz", "TP-Link_A434", "Tenda_57")
"""What a device also sees besides the networks it may join (names from the captured scan; an empty one and a
repeat as in it)."""
_SCAN_LIST_ID: Final = 51
CMD_STATUS_REPORT: Final = 0x7014
UNASKED_STATUS_FRAME: Final = build_frame(0, CMD_STATUS_REPORT, ttlv_bool(6, value=True))
"""A frame a device sends unasked, with packet id 0 (captured in unquec-ble as ``aaaa0007b5000070140031``)."""
DEFAULT_MTU: Final = 23
"""The minimum ATT MTU: indications then carry 20 bytes, so a reply spans several."""

# The advertisement as Quectel's Android demo reads it (DeviceUtil.java; cloud_api.md §7.1): the status byte's bit 2 is
# "bound" (bits 1 and 3 as the reference reconciles unquec-ble), then 16 little-endian flags: capabilities in bits 0-3,
# "the DK hex has a padding 0" in bit 8, the cloud endpoint type in bits 9-11.
_STATUS_WIFI_CONFIGURED: Final = 0b0010
_STATUS_BOUND: Final = 0b0100
_STATUS_BINDING_ALLOWED: Final = 0b1000
_FLAGS_DK_PADDED: Final = 1 << 8
_FLAGS_ENDPOINT_SHIFT: Final = 9

type ReplyLayout = Literal["captured", "samples"]
type Indication = Callable[[bytes], None]


@dataclass(eq=False)
class SimulatedWifiDevice:
    """A factory-new Wi-Fi device in set-up mode, advertising and waiting for its Wi-Fi settings.

    Attributes:
        product_key: Its product key.
        device_key: Its device key (12 hex characters, MAC style; the Bluetooth address is made from it).
        cloud: The cloud simulator it reports to once on Wi-Fi (in this process, or a remote one over HTTP), or
            ``None`` for a device without a cloud.
        networks: The networks in reach, SSID → password. Empty: any SSID and password join.
        binding_code: The code it reports (16 upper-case hex), random by default.
        binding_code_ttl: Seconds the cloud keeps the code valid (0 for ever).
        reply_layout: Where the success flag sits in the ``0x7011``.
        reply_delay: Seconds between the ``0x7010`` and the ``0x7011``.
        join_delay: Seconds between the ``0x7011`` and reaching the cloud.
        reaches_cloud: ``False``: it accepts the settings but never gets online (bad router, 5 GHz only...).
        bound_elsewhere_by: A user who binds it in another app the moment it reaches the cloud (in-process cloud only).
        answers: ``False``: it takes writes and never replies.
        setup_mode: ``False``: it answers an empty ``0x7011`` and joins nothing.
        before_reply: Raw frames it indicates just before its ``0x7011`` (frames this simulation does not model, such
            as the ``0x7014`` captured in unquec-ble).
        reports_status_first: It indicates ``UNASKED_STATUS_FRAME`` (packet id 0) just before its ``0x7011``.
        reply_packet_id: The packet id of its ``0x7011``; ``None``: the request's, as devices do.
        reported_device_key: The DK its ``0x7011`` carries; ``None``: its own (another one: a device that mixes up
            keys, or a reply from another device).
        has_characteristic: ``False``: its GATT table lacks ``00009c40-…``.
        refuse_connections: Connection attempts fail.
        mtu: The ATT MTU: indications carry ``mtu - 3`` bytes.
        scan_networks: The SSIDs its ``0x7013`` lists, in order; ``None``: the ``networks`` it may join, then
            ``NEIGHBOUR_NETWORKS`` (with no ``networks``, any SSID joins: ``"Home"`` leads the list).
        answers_scan: ``False``: it ignores ``0x7012``.
        capabilities: The capabilities it advertises (bit0 WAN, bit1 Wi-Fi LAN, bit2 BLE, bit3 Matter): Wi-Fi + BLE.
        endpoint_type: The cloud endpoint type it advertises (1 tcp, 2 tcp-psk, 3 tls, 4 cert, 5 udp, 6 udp-psk).
    """

    product_key: str
    device_key: str
    cloud: CloudSimulator | RemoteCloud | None = None
    networks: dict[str, str] = field(default_factory=dict, repr=False)
    binding_code: str = field(default_factory=lambda: secrets.token_hex(8).upper(), repr=False)
    binding_code_ttl: float = 600.0
    reply_layout: ReplyLayout = "captured"
    reply_delay: float = 0.0
    join_delay: float = 0.05
    reaches_cloud: bool = True
    bound_elsewhere_by: str | None = None
    answers: bool = True
    setup_mode: bool = True
    before_reply: tuple[bytes, ...] = ()
    reports_status_first: bool = False
    reply_packet_id: int | None = None
    reported_device_key: str | None = field(default=None, repr=False)
    has_characteristic: bool = True
    refuse_connections: bool = False
    mtu: int = DEFAULT_MTU
    scan_networks: tuple[str, ...] | None = None
    answers_scan: bool = True
    capabilities: int = 0b0110
    endpoint_type: int = 3

    wifi_ssid: str | None = field(default=None, init=False)
    """The network it joined, ``None`` while factory-new."""
    connected: bool = field(default=False, init=False)
    connections: int = field(default=0, init=False)
    disconnections: int = field(default=0, init=False)
    writes: list[bytes] = field(default_factory=list, init=False, repr=False)
    """Every chunk written to the characteristic, as received."""
    frames: list[WireFrame] = field(default_factory=list, init=False, repr=False)
    """Every frame it read from those writes."""
    indications: list[bytes] = field(default_factory=list, init=False, repr=False)
    """Every indication it sent (chunks of at most ``mtu - 3`` bytes)."""
    reached_cloud: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    on_link_lost: Callable[[], None] | None = field(default=None, init=False, repr=False)
    """Set by the connected client: how it learns of a link that breaks."""
    _reader: FrameReader = field(default_factory=FrameReader, init=False, repr=False)
    _subscriber: Indication | None = field(default=None, init=False, repr=False)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        """A device the cloud does not know cannot report to it (a remote cloud says so at the first request)."""
        if isinstance(self.cloud, RemoteCloud):
            if self.bound_elsewhere_by is not None:
                raise ValueError("bound_elsewhere_by needs the cloud simulator in this process")
        elif self.cloud is not None and (self.product_key, self.device_key) not in self.cloud.state.devices:
            raise KeyError((self.product_key, self.device_key))

    # ----- what it advertises -----

    @property
    def address(self) -> str:
        """The Bluetooth address: the device key as a MAC."""
        return ":".join(self.device_key[i : i + 2] for i in range(0, 12, 2)).upper()

    @property
    def local_name(self) -> str:
        """``QUEC_BLE_`` and the last 4 characters of the DK (cloud_api.md §7.1)."""
        return f"QUEC_BLE_{self.device_key[-4:].upper()}"

    @property
    def bound(self) -> bool:
        """Whether the cloud has any binding of it (a remote cloud: at its last answer, ``RemoteCloud.refresh``)."""
        if isinstance(self.cloud, RemoteCloud):
            return self.cloud.is_bound(self.product_key, self.device_key)
        return self.cloud is not None and bool(self.cloud.state.bindings_of_device(self.product_key, self.device_key))

    def manufacturer_data(self) -> dict[int, bytes]:
        """The advertisement under company id 0x5551 (§7.1): ``"EC"``, version, PK, DK, status, flags (LE).

        A device key of odd length goes out with a padding ``0`` nibble and flags bit 8 set.
        """
        status = _STATUS_BOUND if self.bound else _STATUS_BINDING_ALLOWED
        if self.wifi_ssid is not None:
            status |= _STATUS_WIFI_CONFIGURED
        flags = (self.capabilities & 0x0F) | (self.endpoint_type & 0x07) << _FLAGS_ENDPOINT_SHIFT
        dk_hex = self.device_key
        if len(dk_hex) % 2:
            dk_hex += "0"
            flags |= _FLAGS_DK_PADDED
        pk, dk = self.product_key.encode(), bytes.fromhex(dk_hex)
        fields = struct.pack(">2sHB", b"EC", 1, len(pk)) + pk + struct.pack(">B", len(dk)) + dk
        return {MANUFACTURER_ID: fields + struct.pack("<BH", status, flags)}

    # ----- the GATT server -----

    def connect(self) -> None:
        """A central connects.

        Raises:
            ConnectionRefusedError: With ``refuse_connections``.
        """
        if self.refuse_connections:
            raise ConnectionRefusedError("the simulated device refuses connections")
        self.connected = True
        self.connections += 1

    def disconnect(self) -> None:
        """The central disconnects (indications stop)."""
        if self.connected:
            self.connected = False
            self.disconnections += 1
        self._subscriber = None

    def drop_link(self) -> None:
        """The radio link breaks (the device resets, or goes out of range): the client sees a disconnection."""
        callback, self.on_link_lost = self.on_link_lost, None
        self.disconnect()
        if callback is not None:
            callback()

    def subscribe(self, callback: Indication) -> None:
        """The central turns indications on (writes ``02 00`` to the CCCD)."""
        self._subscriber = callback

    def unsubscribe(self) -> None:
        """The central turns indications off."""
        self._subscriber = None

    def write(self, data: bytes) -> None:
        """The central writes to ``00009c40-…``; complete ``0x7010`` frames start the set-up."""
        self.writes.append(bytes(data))
        for frame in self._reader.push(bytes(data)):
            self.frames.append(frame)
            if frame.command == CMD_SET_WIFI:
                self._on_set_wifi(frame)
            elif frame.command == CMD_SCAN_WIFI and self.answers_scan:
                self._indicate(build_frame(frame.packet_id, CMD_SCAN_WIFI_REPLY, self._scan_reply()))
            else:
                _LOGGER.debug("Simulated device ignores command 0x%04x", frame.command)

    def _on_set_wifi(self, frame: WireFrame) -> None:
        try:
            items = dict(ttlv_items(frame.payload))
        except ValueError:
            _LOGGER.debug("Simulated device got a 0x7010 that is not TTLV")
            return
        ssid, password = items.get(1), items.get(2, b"")
        if not isinstance(ssid, bytes) or not isinstance(password, bytes):
            _LOGGER.debug("Simulated device got a 0x7010 without a binary SSID and password")
            return
        self._spawn(self._provision(frame.packet_id, ssid.decode(errors="replace"), password.decode(errors="replace")))

    async def _provision(self, packet_id: int, ssid: str, password: str) -> None:
        await asyncio.sleep(self.reply_delay)
        joins = self.setup_mode and (not self.networks or self.networks.get(ssid) == password)
        if self.answers:
            for raw in (*self.before_reply, *((UNASKED_STATUS_FRAME,) if self.reports_status_first else ())):
                self._indicate(raw)
            payload = self._reply(joins) if self.setup_mode else b""
            reply_id = packet_id if self.reply_packet_id is None else self.reply_packet_id
            self._indicate(build_frame(reply_id, CMD_SET_WIFI_REPLY, payload))
        if not joins:
            return
        self.wifi_ssid = ssid
        await asyncio.sleep(self.join_delay)
        if self.reaches_cloud:
            self.reach_cloud()

    def seen_networks(self) -> tuple[str, ...]:
        """The SSIDs its scan lists."""
        if self.scan_networks is not None:
            return self.scan_networks
        return (*(self.networks or ("Home",)), *NEIGHBOUR_NETWORKS)

    def _scan_reply(self) -> bytes:
        entries = [ttlv_binary(0, ssid.encode()) for ssid in self.seen_networks()]
        return ttlv_struct(_SCAN_LIST_ID, entries)

    def _reply(self, accepted: bool) -> bytes:
        flag = ttlv_bool(4, accepted) + ttlv_int(5, 30) if self.reply_layout == "captured" else ttlv_bool(6, accepted)
        if not accepted:
            return flag
        return (
            flag
            + ttlv_binary(7, self.product_key.encode())
            + ttlv_binary(8, (self.reported_device_key or self.device_key).encode())
            + ttlv_binary(9, self.binding_code.encode())
        )

    def _indicate(self, data: bytes) -> None:
        if self._subscriber is None:
            _LOGGER.debug("Simulated device has no subscriber for its indication")
            return
        size = self.mtu - 3
        for start in range(0, len(data), size):
            chunk = data[start : start + size]
            self.indications.append(chunk)
            self._subscriber(chunk)

    # ----- the cloud side -----

    def reach_cloud(self) -> None:
        """Get online and report the binding code (what the device does once on Wi-Fi)."""
        if isinstance(self.cloud, RemoteCloud):
            # Over HTTP, in a task of its own: ``reached_cloud`` is set once the simulator has taken the report.
            self._spawn(self._report_to(self.cloud))
            return
        if self.cloud is not None:
            self.cloud.report_binding_code(
                self.product_key, self.device_key, self.binding_code, ttl=self.binding_code_ttl
            )
            self.cloud.set_online(self.product_key, self.device_key)
            if self.bound_elsewhere_by is not None:
                self.bind_elsewhere(self.bound_elsewhere_by)
        self.reached_cloud.set()

    async def _report_to(self, cloud: RemoteCloud) -> None:
        try:
            await cloud.report_online(self.product_key, self.device_key, self.binding_code, ttl=self.binding_code_ttl)
        except (KeyError, RemoteCloudError) as err:
            # As a device whose cloud link fails: it stays offline, and a bind keeps answering 5460.
            _LOGGER.warning("Simulated device %s could not report to the cloud: %s", self.local_name, err)
            return
        self.reached_cloud.set()

    def bind_elsewhere(self, uid: str) -> None:
        """Another user binds the device with its binding code in another app.

        Raises:
            KeyError: Without a cloud in this process, or for an unknown user.
        """
        if self.cloud is None or isinstance(self.cloud, RemoteCloud) or uid not in self.cloud.state.users:
            raise KeyError(uid)
        state = self.cloud.state
        others = state.bindings_of_device(self.product_key, self.device_key)
        state.bindings.append(
            Binding(
                uid=uid,
                pk=self.product_key,
                dk=self.device_key,
                auth_key=others[0].auth_key if others else new_auth_key(),
                binding_type=BINDING_TYPE_WIFI,
                name=state.devices[self.product_key, self.device_key].name,
                bound_at=self.cloud.now(),
                binding_code=self.binding_code,
            )
        )

    # ----- lifecycle -----

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop whatever it is still doing (a pending reply or join)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.disconnect()
