"""The simulator's in-memory model of one data center of the end-user cloud.

Plain dataclasses, loaded from a TOML file (``demo_data.toml`` by default) and changed by the request handlers. Tests
may read and change them directly through ``CloudSimulator.state``.

Times are epoch seconds (floats) of the simulator's :class:`Clock`, except ``Share.sharing_expire_at``, which keeps
the wire's epoch milliseconds.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .crypto import new_auth_key

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
"""Share status: ended (the owner's binding went away)."""

NETWORK_TYPES: Final[dict[str, int]] = {"wifi": 1, "cellular": 2, "nb": 3, "ble": 5}
"""``networkType`` of the device list per product kind."""


class DataFileError(ValueError):
    """A data file that does not describe a valid state (the message names the problem)."""


@dataclass
class Clock:
    """The simulator's clock: wall time plus an offset that tests move forward.

    Attributes:
        offset: Seconds added to ``time.time()``.
    """

    offset: float = 0.0

    def now(self) -> float:
        """Return the current simulated time.

        Returns:
            Epoch seconds.
        """
        return time.time() + self.offset

    def now_ms(self) -> int:
        """Return the current simulated time in milliseconds.

        Returns:
            Epoch milliseconds.
        """
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        """Move the clock forward.

        Args:
            seconds: How far (negative values move it back).
        """
        self.offset += seconds


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
        status: ``pending``, ``accepted``, ``replaced`` or ``revoked``.
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
        return self.status in {SHARE_PENDING, SHARE_ACCEPTED} and (
            self.sharing_expire_at is None or self.sharing_expire_at > now_ms
        )


@dataclass
class SimulatorState:
    """Everything the simulated cloud knows.

    Attributes:
        data_center: This simulator's data center name (devices elsewhere give 6083).
        demo_uid: The account the CLI banner presents, or ``None`` (then the first user).
        user_domains: User domains by name.
        users: Users by uid.
        families: Homes by fid.
        products: Products by product key.
        devices: Devices by ``(pk, dk)``.
        bindings: Own bindings, in binding order.
        shares: Shares, in creation order.
    """

    data_center: str = "EU"
    demo_uid: str | None = None
    user_domains: dict[str, UserDomain] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    families: dict[str, Family] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    devices: dict[tuple[str, str], Device] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)

    # ----- queries -----

    def user_by_email(self, domain: str, email: str) -> User | None:
        """Find an account by email (case-insensitive) inside one user domain.

        Args:
            domain: The user domain.
            email: The email.

        Returns:
            The user, or ``None``.
        """
        wanted = email.casefold()
        return next(
            (u for u in self.users.values() if u.user_domain == domain and u.email and u.email.casefold() == wanted),
            None,
        )

    def user_by_phone(self, domain: str, phone: str, international_code: str | None) -> User | None:
        """Find an account by phone number inside one user domain.

        Args:
            domain: The user domain.
            phone: The national phone number.
            international_code: The country code; ``None`` matches any.

        Returns:
            The user, or ``None``.
        """
        return next(
            (
                u
                for u in self.users.values()
                if u.user_domain == domain
                and u.phone == phone
                and (international_code is None or u.international_code == international_code)
            ),
            None,
        )

    def families_of(self, uid: str) -> list[tuple[Family, int]]:
        """List the homes a user belongs to, with the user's role.

        Args:
            uid: The user.

        Returns:
            ``(family, role)`` pairs in home creation order.
        """
        found = [(family, family.members[uid]) for family in self.families.values() if uid in family.members]
        return sorted(found, key=lambda pair: pair[0].added_at)

    def binding_of(self, uid: str, pk: str, dk: str) -> Binding | None:
        """Find a user's own binding of a device.

        Args:
            uid: The user.
            pk: Product key.
            dk: Device key.

        Returns:
            The binding, or ``None``.
        """
        return next((b for b in self.bindings if b.uid == uid and b.pk == pk and b.dk == dk), None)

    def bindings_of_device(self, pk: str, dk: str) -> list[Binding]:
        """List every own binding of a device.

        Args:
            pk: Product key.
            dk: Device key.

        Returns:
            The bindings, in binding order.
        """
        return [b for b in self.bindings if b.pk == pk and b.dk == dk]

    def bindings_of_user(self, uid: str) -> list[Binding]:
        """List a user's own bindings.

        Args:
            uid: The user.

        Returns:
            The bindings, in binding order.
        """
        return [b for b in self.bindings if b.uid == uid]

    def accepted_shares_to(self, uid: str, now_ms: int) -> list[Share]:
        """List the live, accepted shares a user received.

        Args:
            uid: The recipient.
            now_ms: The current time (epoch ms).

        Returns:
            The shares, in creation order.
        """
        return [s for s in self.shares if s.recipient_uid == uid and s.status == SHARE_ACCEPTED and s.is_live(now_ms)]

    def accepted_shares_of_device(self, pk: str, dk: str, now_ms: int) -> list[Share]:
        """List the live, accepted shares of a device (its recipients count as bound users).

        Args:
            pk: Product key.
            dk: Device key.
            now_ms: The current time (epoch ms).

        Returns:
            The shares, in creation order.
        """
        return [s for s in self.shares if (s.pk, s.dk) == (pk, dk) and s.status == SHARE_ACCEPTED and s.is_live(now_ms)]

    # ----- changes -----

    def add_share(
        self,
        binding: Binding,
        recipient_uid: str,
        *,
        cover_mark: int,
        sharing_expire_at: int | None,
        accepted: bool,
        now: float,
        auth_key: str | None = None,
    ) -> Share:
        """Record a new share of an owner's binding, with a fresh share code.

        Args:
            binding: The owner's binding of the device.
            recipient_uid: The invited user.
            cover_mark: 1 replace, 2 add, 3 replace only when extended.
            sharing_expire_at: End of the recipient's access in epoch ms, or ``None``.
            accepted: Whether the recipient already has it (e.g. it replaces an accepted share).
            now: The simulator's clock.
            auth_key: The authKey sent with the share; the binding's when ``None`` or empty.

        Returns:
            The share, appended to ``shares``.
        """
        share = Share(
            share_code=secrets.token_hex(16),
            owner_uid=binding.uid,
            recipient_uid=recipient_uid,
            pk=binding.pk,
            dk=binding.dk,
            cover_mark=cover_mark,
            sharing_expire_at=sharing_expire_at,
            status=SHARE_ACCEPTED if accepted else SHARE_PENDING,
            created_at=now,
            accepted_at=now if accepted else None,
            auth_key=auth_key or binding.auth_key,
            device_name=binding.name,
        )
        self.shares.append(share)
        return share

    def remove_bindings_of_device(self, pk: str, dk: str, *, except_uid: str | None = None) -> None:
        """Drop the device's bindings (rotation mode) and revoke the shares their owners made.

        Args:
            pk: Product key.
            dk: Device key.
            except_uid: A user whose binding stays.
        """
        gone = {b.uid for b in self.bindings if b.pk == pk and b.dk == dk and b.uid != except_uid}
        self.bindings = [b for b in self.bindings if not (b.pk == pk and b.dk == dk and b.uid in gone)]
        for share in self.shares:
            if share.pk == pk and share.dk == dk and share.owner_uid in gone and share.status != SHARE_REPLACED:
                share.status = SHARE_REVOKED

    def remove_binding(self, uid: str, pk: str, dk: str) -> bool:
        """Drop one user's own binding of a device and revoke the shares that user made of it.

        Args:
            uid: The owner.
            pk: Product key.
            dk: Device key.

        Returns:
            Whether there was such a binding.
        """
        binding = self.binding_of(uid, pk, dk)
        if binding is None:
            return False
        self.bindings.remove(binding)
        for share in self.shares:
            if share.pk == pk and share.dk == dk and share.owner_uid == uid and share.status != SHARE_REPLACED:
                share.status = SHARE_REVOKED
        return True

    def reset_device(self, pk: str, dk: str) -> None:
        """Initialise a device: every binding of it goes, every share ends, a pure-BLE secret is forgotten.

        Args:
            pk: Product key.
            dk: Device key.
        """
        self.remove_bindings_of_device(pk, dk)
        self.devices[pk, dk].binding_secret = None

    def share_by_code(self, share_code: str) -> Share | None:
        """Find a share by its code.

        Args:
            share_code: The share code.

        Returns:
            The share, or ``None``.
        """
        return next((s for s in self.shares if s.share_code == share_code), None)

    # ----- loading -----

    @classmethod
    def from_file(cls, path: str | Path, *, now: float | None = None) -> SimulatorState:
        """Load a TOML data file (the layout of ``demo_data.toml``).

        Args:
            path: The file.
            now: The simulated time binding-code TTLs count from (wall time when ``None``).

        Returns:
            The state.
        """
        with Path(path).open("rb") as file:
            return cls.from_dict(tomllib.load(file), now=now)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, now: float | None = None) -> SimulatorState:
        """Build the state from parsed TOML.

        Args:
            data: The parsed document.
            now: The simulated time binding-code TTLs count from (wall time when ``None``).

        Returns:
            The state.

        Raises:
            DataFileError: On a missing key, a wrong type or a dangling reference (the message names it).
        """
        loader = _Loader(time.time() if now is None else now)
        return loader.load(data)


class _Loader:
    """Turns the TOML document into a :class:`SimulatorState`, with helpful errors."""

    def __init__(self, now: float) -> None:
        self.now = now

    def load(self, data: dict[str, Any]) -> SimulatorState:
        simulator = _table(data, "simulator", "document")
        state = SimulatorState(
            data_center=_get(simulator, "data_center", str, "simulator", "EU"),
            demo_uid=_get(simulator, "demo_uid", str, "simulator", None),
        )
        self._load_accounts(state, data)
        self._load_devices(state, data)
        self._load_relations(state, data)
        return state

    def _load_accounts(self, state: SimulatorState, data: dict[str, Any]) -> None:
        for item in _tables(data, "user_domains"):
            domain = UserDomain(
                domain=_req(item, "domain", str, "user_domains"),
                secret=_req(item, "secret", str, "user_domains"),
                enabled=_get(item, "enabled", bool, "user_domains", default=True),
                products=set(_str_list(item, "products", "user_domains")),
            )
            state.user_domains[domain.domain] = domain
        for item in _tables(data, "users"):
            user = self._user(item)
            if user.user_domain not in state.user_domains:
                raise DataFileError(f"users: {user.uid} names unknown user domain {user.user_domain!r}")
            state.users[user.uid] = user
        for item in _tables(data, "families"):
            family = self._family(item)
            unknown = [uid for uid in family.members if uid not in state.users]
            if unknown:
                raise DataFileError(f"families: {family.fid} names unknown users {unknown!r}")
            state.families[family.fid] = family

    def _load_devices(self, state: SimulatorState, data: dict[str, Any]) -> None:
        for item in _tables(data, "products"):
            product = Product(
                pk=_req(item, "pk", str, "products"),
                name=_req(item, "name", str, "products"),
                logo=_get(item, "logo", str, "products", ""),
                kind=_get(item, "kind", str, "products", "wifi"),
                binding_mode=_get(item, "binding_mode", int, "products", BINDING_MODE_MULTI),
                product_secret=_get(item, "product_secret", str, "products", None),
            )
            state.products[product.pk] = product
        for item in _tables(data, "devices"):
            device = self._device(item, state.data_center)
            if device.pk not in state.products:
                raise DataFileError(f"devices: {device.dk} names unknown product {device.pk!r}")
            state.devices[device.pk, device.dk] = device

    def _load_relations(self, state: SimulatorState, data: dict[str, Any]) -> None:
        for item in _tables(data, "bindings"):
            binding = self._binding(item)
            if (binding.pk, binding.dk) not in state.devices or binding.uid not in state.users:
                raise DataFileError(
                    f"bindings: {binding.uid} {binding.pk}/{binding.dk} names an unknown user or device"
                )
            state.bindings.append(binding)
        for item in _tables(data, "shares"):
            share = self._share(item)
            owner = state.binding_of(share.owner_uid, share.pk, share.dk)
            if owner is None or share.recipient_uid not in state.users:
                raise DataFileError(f"shares: {share.share_code} needs an owner binding and a known recipient")
            share.auth_key = share.auth_key or owner.auth_key
            share.device_name = share.device_name or owner.name
            state.shares.append(share)

    def _user(self, item: dict[str, Any]) -> User:
        return User(
            uid=_req(item, "uid", str, "users"),
            user_domain=_req(item, "user_domain", str, "users"),
            email=_get(item, "email", str, "users", None),
            phone=_get(item, "phone", str, "users", None),
            international_code=_get(item, "international_code", str, "users", ""),
            password=_req(item, "password", str, "users"),
            nickname=_get(item, "nickname", str, "users", ""),
            lang=_get(item, "lang", str, "users", "en-US"),
            nationality=_get(item, "nationality", str, "users", ""),
            timezone=_get(item, "timezone", str, "users", "UTC"),
            family_mode=_get(item, "family_mode", bool, "users", default=False),
            auto_switch=_get(item, "auto_switch", bool, "users", default=False),
            registered_at=_time(item, "registered_at", "users", self.now),
        )

    def _family(self, item: dict[str, Any]) -> Family:
        members_raw = _get(item, "members", dict, "families", {})
        members: dict[str, int] = {}
        for uid, role in members_raw.items():
            if not isinstance(role, int) or role not in {ROLE_CREATOR, ROLE_ADMIN, ROLE_MEMBER}:
                raise DataFileError(f"families: role of {uid} must be 1, 2 or 3")
            members[str(uid)] = role
        rooms = [
            Room(
                frid=_req(room, "frid", str, "families.rooms"),
                name=_req(room, "name", str, "families.rooms"),
                sort=_get(room, "sort", int, "families.rooms", index),
                added_at=_time(room, "added_at", "families.rooms", self.now),
            )
            for index, room in enumerate(_tables(item, "rooms"))
        ]
        return Family(
            fid=_req(item, "fid", str, "families"),
            name=_req(item, "name", str, "families"),
            location=_get(item, "location", str, "families", ""),
            coordinates=_get(item, "coordinates", str, "families", ""),
            added_at=_time(item, "added_at", "families", self.now),
            members=members,
            rooms=rooms,
        )

    def _device(self, item: dict[str, Any], data_center: str) -> Device:
        code = _get(item, "binding_code", str, "devices", None)
        ttl = _get(item, "binding_code_ttl", int, "devices", 0)
        return Device(
            pk=_req(item, "pk", str, "devices"),
            dk=_req(item, "dk", str, "devices"),
            name=_get(item, "name", str, "devices", ""),
            capabilities=_get(item, "capabilities", int, "devices", 1),
            online=_get(item, "online", bool, "devices", default=False),
            data_center=_get(item, "data_center", str, "devices", data_center),
            binding_code=code,
            binding_code_expires_at=self.now + ttl if code is not None and ttl > 0 else None,
            binding_secret=_get(item, "binding_secret", str, "devices", None),
        )

    def _binding(self, item: dict[str, Any]) -> Binding:
        return Binding(
            uid=_req(item, "uid", str, "bindings"),
            pk=_req(item, "pk", str, "bindings"),
            dk=_req(item, "dk", str, "bindings"),
            auth_key=_get(item, "auth_key", str, "bindings", None) or new_auth_key(),
            binding_type=_get(item, "binding_type", int, "bindings", BINDING_TYPE_DK),
            verified=_get(item, "verified", int, "bindings", 1),
            name=_get(item, "name", str, "bindings", ""),
            fid=_get(item, "fid", str, "bindings", None),
            frid=_get(item, "frid", str, "bindings", None),
            bound_at=_time(item, "bound_at", "bindings", self.now),
            capabilities=_get(item, "capabilities", int, "bindings", None),
            is_common=_get(item, "is_common", bool, "bindings", default=True),
            binding_code=_get(item, "binding_code", str, "bindings", ""),
        )

    def _share(self, item: dict[str, Any]) -> Share:
        return Share(
            share_code=_req(item, "share_code", str, "shares"),
            owner_uid=_req(item, "owner_uid", str, "shares"),
            recipient_uid=_req(item, "recipient_uid", str, "shares"),
            pk=_req(item, "pk", str, "shares"),
            dk=_req(item, "dk", str, "shares"),
            cover_mark=_get(item, "cover_mark", int, "shares", 1),
            sharing_expire_at=_get(item, "sharing_expire_at", int, "shares", None),
            status=_get(item, "status", str, "shares", SHARE_PENDING),
            created_at=_time(item, "created_at", "shares", self.now),
            accepted_at=(
                _time(item, "accepted_at", "shares", self.now)
                if "accepted_at" in item or _get(item, "status", str, "shares", "") == SHARE_ACCEPTED
                else None
            ),
        )


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise DataFileError(f"{where}: [{key}] must be a table")
    return value


def _tables(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise DataFileError(f"[[{key}]] must be an array of tables")
    return value


def _req[T](item: dict[str, Any], key: str, kind: type[T], where: str) -> T:
    if key not in item:
        raise DataFileError(f"{where}: missing {key!r} in {item!r}")
    value = _get(item, key, kind, where, None)
    if value is None:  # pragma: no cover - _get only returns None for a missing key
        raise DataFileError(f"{where}: missing {key!r}")
    return value


def _get[T, D](item: dict[str, Any], key: str, kind: type[T], where: str, default: D) -> T | D:
    if key not in item:
        return default
    value = item[key]
    # bool is an int subclass: do not accept true/false where a number is expected.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DataFileError(f"{where}: {key!r} must be {kind.__name__}, got {value!r}")
    return value


def _str_list(item: dict[str, Any], key: str, where: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"{where}: {key!r} must be a list of strings")
    return value


def _time(item: dict[str, Any], key: str, where: str, default: float) -> float:
    value = item.get(key)
    if value is None:
        return default
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise DataFileError(f"{where}: {key!r} must be a TOML date-time or epoch seconds, got {value!r}")
