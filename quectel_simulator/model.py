"""The records the simulated cloud keeps: user domains, users, homes, products, devices, bindings and shares.

Plain dataclasses that :class:`~quectel_simulator.state.SimulatorState` holds and the request handlers change. Times
are epoch seconds (floats) of the simulator's clock, except ``Share.sharing_expire_at``, which keeps the wire's epoch
milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

ROLE_CREATOR: Final = 1
"""Family role: creator (owner) of the home."""
ROLE_ADMIN: Final = 2
"""Family role: administrator."""
ROLE_MEMBER: Final = 3
"""Family role: ordinary member (may not bind devices into the home)."""

BINDING_MODE_MULTI: Final = 1
"""Product binding mode: any number of users may bind the device."""
BINDING_MODE_UNIQUE: Final = 2
"""Product binding mode: one owner; others get 5412 until the owner unbinds."""
BINDING_MODE_ROTATION: Final = 3
"""Product binding mode: a new binding replaces the previous one."""

BINDING_TYPE_SN: Final = 1
"""Binding type 1: by serial number."""
BINDING_TYPE_WIFI: Final = 2
"""Binding type 2: Wi-Fi (binding code) binding."""
BINDING_TYPE_DK: Final = 3
"""Binding type 3: PK/DK binding."""
BINDING_TYPE_BLE: Final = 4
"""Binding type 4: pure-BLE binding."""

SHARE_PENDING: Final = "pending"
"""Share status: sent, not accepted yet."""
SHARE_ACCEPTED: Final = "accepted"
"""Share status: accepted by the recipient (the device shows in their list)."""
SHARE_REPLACED: Final = "replaced"
"""Share status: superseded by a later share (coverMark 1 or 3)."""
SHARE_REVOKED: Final = "revoked"
"""Share status: ended by the owner (``ownerUserUnshareDevice``, or the owner's binding went away)."""
SHARE_LEFT: Final = "left"
"""Share status: ended by the recipient (``shareUserUnshareDevice``)."""
LIVE_STATUSES: Final = frozenset({SHARE_PENDING, SHARE_ACCEPTED})
"""The statuses of a share that still counts (until its expiry)."""

NETWORK_TYPES: Final[dict[str, int]] = {"wifi": 1, "cellular": 2, "nb": 3, "ble": 5}
"""``networkType`` of the device list per product kind."""


@dataclass
class UserDomain:
    """An App's user domain.

    Attributes:
        domain: The user domain, e.g. ``C.DM.90001.1``.
        secret: The user domain secret (only ever hashed into signatures).
        enabled: ``False`` makes logins answer 5104.
        products: Product keys authorized for this domain (others give 5229).
    """

    domain: str
    secret: str
    enabled: bool = True
    products: set[str] = field(default_factory=set)


@dataclass
class Room:
    """A room of a home.

    Attributes:
        frid: Room id.
        name: Room name.
        sort: Display order.
        added_at: Creation time.
    """

    frid: str
    name: str
    sort: int = 0
    added_at: float = 0.0


@dataclass
class Family:
    """A home ("family") and who belongs to it.

    Attributes:
        fid: Home id.
        name: Home name.
        location: Free-text address.
        coordinates: ``"lat,lng"`` or "".
        added_at: Creation time.
        members: Role per uid (1 creator, 2 admin, 3 member).
        rooms: The home's rooms.
    """

    fid: str
    name: str
    location: str = ""
    coordinates: str = ""
    added_at: float = 0.0
    members: dict[str, int] = field(default_factory=dict)
    rooms: list[Room] = field(default_factory=list)

    def room(self, frid: str) -> Room | None:
        """Find a room of this home.

        Args:
            frid: Room id.

        Returns:
            The room, or ``None``.
        """
        return next((room for room in self.rooms if room.frid == frid), None)


@dataclass
class User:
    """An end-user account.

    Attributes:
        uid: User id, e.g. ``C1001``.
        user_domain: The domain the account lives in.
        email: Login email, or ``None``.
        phone: Login phone number (national part), or ``None``.
        international_code: Country calling code of ``phone``, e.g. ``86``.
        password: The password in clear (this is a simulator).
        nickname: ``nikeName`` of ``userInfo``.
        lang: Language tag.
        nationality: Nationality code.
        timezone: Time zone name.
        family_mode: Home mode on (fid/frid accepted) or off (5624).
        auto_switch: ``enabledAutoSwitch`` of the family mode config.
        registered_at: Registration time.
        last_login_at: Last successful login, or ``None``.
        failed_logins: Wrong passwords since the last success or lockout.
        locked_until: End of a lockout (5147), or ``None``.
    """

    uid: str
    user_domain: str
    email: str | None
    phone: str | None
    international_code: str
    password: str
    nickname: str = ""
    lang: str = "en-US"
    nationality: str = ""
    timezone: str = "UTC"
    family_mode: bool = False
    auto_switch: bool = False
    registered_at: float = 0.0
    last_login_at: float | None = None
    failed_logins: int = 0
    locked_until: float | None = None


@dataclass
class Product:
    """A product defined on the Developer Center.

    Attributes:
        pk: Product key.
        name: Product name.
        logo: Logo URL.
        kind: ``wifi``, ``cellular``, ``nb`` or ``ble`` (how devices connect; sets ``networkType``).
        binding_mode: 1 multi, 2 unique, 3 rotation.
        product_secret: The 16-character Product Secret (pure-BLE crypto), or ``None``.
    """

    pk: str
    name: str
    logo: str = ""
    kind: str = "wifi"
    binding_mode: int = BINDING_MODE_MULTI
    product_secret: str | None = None


@dataclass
class Device:
    """A device registered on the platform.

    Attributes:
        pk: Product key.
        dk: Device key.
        name: Default device name.
        capabilities: ``capabilitiesBitmask`` (bit0 WAN, bit1 Wi-Fi LAN, bit2 BLE, bit3 Matter).
        online: Whether the device is connected.
        data_center: Data center the device lives in (6083 when it is not the simulator's); ``None`` for the
            simulator's own.
        binding_code: The last binding code the device reported, or ``None`` (5460).
        binding_code_expires_at: When that code stops being valid (5461), ``None`` for never.
        binding_secret: The pure-BLE binding secret stored at the last binding, or ``None``.
    """

    pk: str
    dk: str
    name: str = ""
    capabilities: int = 1
    online: bool = False
    data_center: str | None = None
    binding_code: str | None = None
    binding_code_expires_at: float | None = None
    binding_secret: str | None = None


@dataclass
class Binding:
    """A user's own binding of a device (``deviceType`` 1 in the device list).

    Attributes:
        uid: The owner.
        pk: Product key.
        dk: Device key.
        auth_key: The device's authKey handed to this user.
        binding_type: 1 SN, 2 Wi-Fi, 3 PK-DK, 4 BLE.
        verified: 1 verified, 0 not (unverified bindings cannot be shared: 5360).
        name: The name the user gave the device.
        fid: Home id, or ``None``.
        frid: Room id, or ``None``.
        bound_at: Binding time.
        capabilities: ``capabilitiesBitmask`` sent at binding, or ``None`` (the device's is shown).
        is_common: ``isCommonDevice``.
        binding_code: The binding code used ("" for PK/DK bindings).
        bt_pwd: The pure-BLE device password given at binding ("" when none).
        matter_info: The ``matterInfo`` object of a Matter binding, or ``None``.
    """

    uid: str
    pk: str
    dk: str
    auth_key: str
    binding_type: int = BINDING_TYPE_DK
    verified: int = 1
    name: str = ""
    fid: str | None = None
    frid: str | None = None
    bound_at: float = 0.0
    capabilities: int | None = None
    is_common: bool = True
    binding_code: str = ""
    bt_pwd: str = ""
    matter_info: dict[str, Any] | None = None


@dataclass
class Share:
    """A device share from its owner to another user of the same domain.

    Attributes:
        share_code: The share code (the ``data`` of ``shareByUid``).
        owner_uid: The sharing owner.
        recipient_uid: The invited user.
        pk: Product key.
        dk: Device key.
        cover_mark: 1 replace, 2 add, 3 replace only when extended.
        sharing_expire_at: End of the recipient's access in epoch ms, or ``None`` (no end).
        status: ``pending``, ``accepted``, ``replaced``, ``revoked`` or ``left``.
        created_at: When the share was made.
        accepted_at: When the recipient accepted it, or ``None``.
        auth_key: The owner's authKey at share time.
        device_name: The device's name as the owner had it.
    """

    share_code: str
    owner_uid: str
    recipient_uid: str
    pk: str
    dk: str
    cover_mark: int = 1
    sharing_expire_at: int | None = None
    status: str = SHARE_PENDING
    created_at: float = 0.0
    accepted_at: float | None = None
    auth_key: str = ""
    device_name: str = ""

    def is_live(self, now_ms: int) -> bool:
        """Whether the share is pending or accepted and not past its expiry.

        Args:
            now_ms: The current time in epoch ms.

        Returns:
            ``True`` while the share still counts.
        """
        return self.status in LIVE_STATUSES and (self.sharing_expire_at is None or self.sharing_expire_at > now_ms)
