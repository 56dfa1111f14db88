"""The simulator's in-memory model of one data center of the end-user cloud, and its clock.

:class:`SimulatorState` holds the records of :mod:`quectel_simulator.model` (re-exported here), loaded from a TOML file
(``demo_data.toml`` by default; :mod:`quectel_simulator.data_file`) and changed by the request handlers. Tests may read
and change them directly through ``CloudSimulator.state``.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from .model import (
    BINDING_MODE_MULTI,
    BINDING_MODE_ROTATION,
    BINDING_MODE_UNIQUE,
    BINDING_TYPE_BLE,
    BINDING_TYPE_DK,
    BINDING_TYPE_SN,
    BINDING_TYPE_WIFI,
    LIVE_STATUSES,
    NETWORK_TYPES,
    ROLE_ADMIN,
    ROLE_CREATOR,
    ROLE_MEMBER,
    SHARE_ACCEPTED,
    SHARE_LEFT,
    SHARE_PENDING,
    SHARE_REPLACED,
    SHARE_REVOKED,
    Binding,
    Device,
    Family,
    Product,
    Room,
    Share,
    User,
    UserDomain,
)

__all__ = [
    "BINDING_MODE_MULTI",
    "BINDING_MODE_ROTATION",
    "BINDING_MODE_UNIQUE",
    "BINDING_TYPE_BLE",
    "BINDING_TYPE_DK",
    "BINDING_TYPE_SN",
    "BINDING_TYPE_WIFI",
    "LIVE_STATUSES",
    "NETWORK_TYPES",
    "ROLE_ADMIN",
    "ROLE_CREATOR",
    "ROLE_MEMBER",
    "SHARE_ACCEPTED",
    "SHARE_LEFT",
    "SHARE_PENDING",
    "SHARE_REPLACED",
    "SHARE_REVOKED",
    "Binding",
    "Clock",
    "Device",
    "Family",
    "Product",
    "Room",
    "Share",
    "SimulatorState",
    "User",
    "UserDomain",
]


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
            if share.pk == pk and share.dk == dk and share.owner_uid in gone and share.status in LIVE_STATUSES:
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
            if share.pk == pk and share.dk == dk and share.owner_uid == uid and share.status in LIVE_STATUSES:
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
