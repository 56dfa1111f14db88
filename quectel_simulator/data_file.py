"""Loading a TOML data file (the layout of ``demo_data.toml``) into a :class:`~quectel_simulator.state.SimulatorState`.

Every problem is a :class:`DataFileError` whose message names the table and key, so a scenario file is quick to fix.
"""

from __future__ import annotations

import datetime as dt
import time
import tomllib
from pathlib import Path
from typing import Any

from .crypto import new_auth_key
from .model import (
    BINDING_MODE_MULTI,
    BINDING_TYPE_DK,
    ROLE_ADMIN,
    ROLE_CREATOR,
    ROLE_MEMBER,
    SHARE_ACCEPTED,
    SHARE_PENDING,
    Binding,
    Device,
    Family,
    Product,
    Room,
    Share,
    User,
    UserDomain,
)
from .state import SimulatorState


class DataFileError(ValueError):
    """A data file that does not describe a valid state (the message names the problem)."""


def load_state_file(path: str | Path, *, now: float | None = None) -> SimulatorState:
    """Load a TOML data file (the layout of ``demo_data.toml``).

    Args:
        path: The file.
        now: The simulated time binding-code TTLs count from (wall time when ``None``).

    Returns:
        The state.
    """
    with Path(path).open("rb") as file:
        return load_state(tomllib.load(file), now=now)


def load_state(data: dict[str, Any], *, now: float | None = None) -> SimulatorState:
    """Build the state from a parsed TOML document.

    Args:
        data: The parsed document.
        now: The simulated time binding-code TTLs count from (wall time when ``None``).

    Returns:
        The state.

    Raises:
        DataFileError: On a missing key, a wrong type or a dangling reference (the message names it).
    """
    return _Loader(time.time() if now is None else now).load(data)


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
