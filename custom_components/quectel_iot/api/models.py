"""Typed requests and responses of the end-user cloud API.

Secrets (tokens, passwords, binding codes and secrets, auth keys, product secrets) are kept out of ``repr()`` with
``field(repr=False)`` so that logging a model can never leak one.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from .exceptions import QuecResponseError

if TYPE_CHECKING:
    from datetime import datetime


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _int(data: dict[str, Any], key: str, default: int = 0) -> int:
    value = data.get(key)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return default


def _optional_int(data: dict[str, Any], key: str) -> int | None:
    return _int(data, key) if data.get(key) not in (None, "") else None


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true"}
    return bool(value)


def _jwt_claims(token: str) -> dict[str, Any]:
    """Read a JWT's payload without verifying it (the cloud signs it; we only need the uid and expiry)."""
    raw = token.removeprefix("Bearer ").strip()
    parts = raw.split(".")
    if len(parts) != 3:  # noqa: PLR2004
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except binascii.Error, ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


@dataclass(frozen=True, slots=True)
class Token:
    """One token as the cloud returned it; ``value`` already begins with ``Bearer `` and is sent verbatim."""

    value: str = field(repr=False)
    expires_at: float

    def expires_within(self, seconds: float, now: float) -> bool:
        """Whether the token is expired, or will be within ``seconds``."""
        return now + seconds >= self.expires_at

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``{"token": ..., "expirationTime": <epoch seconds>}``."""
        if not isinstance(data, dict) or not isinstance(data.get("token"), str) or not data["token"]:
            raise QuecResponseError("The cloud returned a token in an unexpected shape")
        expires_at = float(_int(data, "expirationTime"))
        if expires_at > 1e11:  # noqa: PLR2004 - a few clouds send milliseconds
            expires_at /= 1000
        return cls(value=data["token"], expires_at=expires_at)


@dataclass(frozen=True, slots=True)
class TokenPair:
    """The access and refresh tokens of a session."""

    access: Token
    refresh: Token

    @property
    def uid(self) -> str:
        """The user id, read from the access token's claims ("" when the token is not a JWT)."""
        return str(_jwt_claims(self.access.value).get("uid", ""))

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse the ``data`` of a login or refresh response."""
        if not isinstance(data, dict):
            raise QuecResponseError("The cloud returned no tokens")
        return cls(access=Token.from_api(data.get("accessToken")), refresh=Token.from_api(data.get("refreshToken")))

    def as_dict(self) -> dict[str, Any]:
        """Serialise for storage (Home Assistant keeps this in the config entry)."""
        return {
            "access_token": self.access.value,
            "access_token_expires_at": self.access.expires_at,
            "refresh_token": self.refresh.value,
            "refresh_token_expires_at": self.refresh.expires_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Inverse of ``as_dict``."""
        return cls(
            access=Token(str(data["access_token"]), float(data["access_token_expires_at"])),
            refresh=Token(str(data["refresh_token"]), float(data["refresh_token_expires_at"])),
        )


@dataclass(frozen=True, slots=True)
class EmailCredentials:
    """Login with an email address."""

    email: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PhoneCredentials:
    """Login with a phone number and its international calling code (``86`` without ``+``)."""

    phone: str
    password: str = field(repr=False)
    international_code: str = "86"


type Credentials = EmailCredentials | PhoneCredentials


@dataclass(frozen=True, slots=True)
class UserInfo:
    """The logged-in user (``userInfo``)."""

    uid: str
    nickname: str
    email: str
    phone: str
    lang: str
    timezone: str

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``userInfo``'s ``data``."""
        if not isinstance(data, dict) or not data.get("uid"):
            raise QuecResponseError("The cloud returned no user information")
        return cls(
            uid=_str(data, "uid"),
            nickname=_str(data, "nikeName"),  # sic: the cloud's spelling
            email=_str(data, "email"),
            phone=_str(data, "phone"),
            lang=_str(data, "lang"),
            timezone=_str(data, "timezone"),
        )


class DeviceType(IntEnum):
    """Whether the account owns a device or has it through a share."""

    OWN = 1
    SHARED = 2


@dataclass(frozen=True, slots=True)
class Device:
    """One entry of ``userDeviceList``: a device bound to the account or shared with it."""

    product_key: str
    device_key: str
    device_name: str
    product_name: str
    logo_url: str
    online: bool
    device_type: DeviceType
    verified: bool
    bind_mode: int | None
    binding_type: int | None
    capabilities: int | None
    family_id: str
    room_id: str
    owner_uid: str
    share_code: str = field(repr=False)
    sharing_expires_at: int | None
    bound_at: int | None
    auth_key: str = field(repr=False)
    binding_code: str = field(repr=False)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one list item, tolerating missing fields (a BLE-only device has no authKey, for one)."""
        device_type = DeviceType.SHARED if _int(data, "deviceType", 1) == DeviceType.SHARED else DeviceType.OWN
        return cls(
            product_key=_str(data, "productKey"),
            device_key=_str(data, "deviceKey"),
            device_name=_str(data, "deviceName"),
            product_name=_str(data, "productName"),
            logo_url=_str(data, "logoImage"),
            online=_int(data, "onlineStatus") == 1,
            device_type=device_type,
            verified=_bool(data, "verified"),
            bind_mode=_optional_int(data, "bindMode"),
            binding_type=_optional_int(data, "bindingType"),
            capabilities=_optional_int(data, "capabilitiesBitmask"),
            family_id=_str(data, "fid"),
            room_id=_str(data, "frid"),
            owner_uid=_str(data, "ownerUid"),
            share_code=_str(data, "shareCode"),
            sharing_expires_at=_optional_int(data, "sharingExpireAt"),
            bound_at=_optional_int(data, "deviceBindTimeTs"),
            auth_key=_str(data, "authKey"),
            binding_code=_str(data, "bindingCode"),
        )


@dataclass(frozen=True, slots=True)
class Page[T]:
    """One page of a PageHelper-style list."""

    items: list[T]
    total: int
    page: int
    page_size: int
    has_next: bool


def page_items(data: Any) -> tuple[list[dict[str, Any]], int, int, int, bool]:
    """Split a PageHelper ``data`` into its items and counters; refuse anything else."""
    # An empty page may come as "list": null.
    if not isinstance(data, dict) or not isinstance(data.get("list") or [], list):
        raise QuecResponseError("The cloud returned a list in an unexpected shape")
    items = [item for item in data.get("list") or [] if isinstance(item, dict)]
    page = _int(data, "pageNum", 1)
    page_size = _int(data, "pageSize", len(items))
    total = _int(data, "total", len(items))
    has_next = _bool(data, "hasNextPage") if "hasNextPage" in data else page * page_size < total
    return items, total, page, page_size, has_next


@dataclass(frozen=True, slots=True)
class FamilyModeConfig:
    """Whether the account uses homes ("family mode")."""

    enabled: bool
    auto_switch: bool

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Parse ``getFamilyModeConfig``'s ``data``."""
        if not isinstance(data, dict):
            raise QuecResponseError("The cloud returned the home mode in an unexpected shape")
        return cls(enabled=_bool(data, "enabledFamilyMode"), auto_switch=_bool(data, "enabledAutoSwitch"))


class FamilyRole(IntEnum):
    """The account's role in a home."""

    CREATOR = 1
    ADMIN = 2
    MEMBER = 3


@dataclass(frozen=True, slots=True)
class Family:
    """A home."""

    family_id: str
    name: str
    role: int | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one ``getFamilyList`` item."""
        return cls(family_id=_str(data, "fid"), name=_str(data, "familyName"), role=_optional_int(data, "memberRole"))


@dataclass(frozen=True, slots=True)
class Room:
    """A room in a home."""

    room_id: str
    name: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one ``getFamilyRoomList`` item."""
        return cls(room_id=_str(data, "frid"), name=_str(data, "roomName"))


@dataclass(frozen=True, slots=True)
class BindOptions:
    """Optional parameters every bind call accepts."""

    device_name: str | None = None
    capabilities: int | None = None
    family_id: str | None = None
    room_id: str | None = None
    common_device: bool | None = None


@dataclass(frozen=True, slots=True)
class MatterCat:
    """One CASE Authenticated Tag of a Matter device."""

    cat: int
    privilege: str


@dataclass(frozen=True, slots=True)
class MatterInfo:
    """Matter commissioning data sent with a Wi-Fi bind."""

    vendor_id: int
    product_id: int
    version: str
    node_id: int
    fabric_id: int
    discriminator: int
    cat_list: tuple[MatterCat, ...] = ()
    extra: str | None = None

    def to_api(self) -> dict[str, Any]:
        """The seed's ``matterInfo`` object."""
        body: dict[str, Any] = {
            "catList": [{"cat": item.cat, "privilege": item.privilege} for item in self.cat_list],
            "discriminator": self.discriminator,
            "fabricId": self.fabric_id,
            "matterProductId": self.product_id,
            "matterVendorId": self.vendor_id,
            "matterVersion": self.version,
            "nodeId": self.node_id,
        }
        if self.extra is not None:
            body["extra"] = self.extra
        return body


@dataclass(frozen=True, slots=True)
class BindByDkRequest:
    """``bindDeviceDk``: bind a pre-registered device by its keys alone."""

    product_key: str
    device_key: str
    options: BindOptions = BindOptions()


@dataclass(frozen=True, slots=True)
class WifiBindRequest:
    """``deviceBindingByWifi``: bind a Wi-Fi device with the binding code it reported to the cloud."""

    product_key: str
    device_key: str
    binding_code: str = field(repr=False)
    options: BindOptions = BindOptions()
    matter: MatterInfo | None = None


@dataclass(frozen=True, slots=True)
class PureBleBindRequest:
    """``deviceBindingByPureBt``: bind a Bluetooth-only device.

    Give exactly one of ``binding_code`` (encrypted here with the product secret) and ``encrypted_binding_code``
    (already encrypted, e.g. by the device). ``random`` is the 16-character IV; a fresh one is made when absent.
    """

    product_key: str
    device_key: str
    product_secret: str = field(repr=False)
    binding_secret: str = field(repr=False)
    binding_code: str | None = field(default=None, repr=False)
    encrypted_binding_code: str | None = field(default=None, repr=False)
    old_binding_secret: str | None = field(default=None, repr=False)
    random: str | None = None
    device_password: str | None = field(default=None, repr=False)
    options: BindOptions = BindOptions()


class CoverMode(IntEnum):
    """How a new share treats an existing one (``coverMark``)."""

    REPLACE = 1
    ADD = 2
    EXTEND_ONLY = 3


@dataclass(frozen=True, slots=True)
class ShareRequest:
    """``shareByUid``: invite one user (by uid, email or phone) to a device."""

    product_key: str
    device_key: str
    share_uid: str | None = None
    email: str | None = None
    phone: str | None = None
    auth_key: str | None = field(default=None, repr=False)
    cover_mode: CoverMode | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BindResult:
    """Result of ``bindDeviceDk``."""

    product_key: str
    device_key: str
    auth_key: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class WifiBindResult:
    """Result of ``deviceBindingByWifi``."""

    product_key: str
    device_key: str
    auth_key: str = field(repr=False)
    binding_mode: int | None
    product_name: str
    product_logo: str


@dataclass(frozen=True, slots=True)
class PureBleBindResult:
    """Result of ``deviceBindingByPureBt``."""

    product_key: str
    device_key: str
    verified: bool


@dataclass(frozen=True, slots=True)
class ShareResult:
    """Result of ``shareByUid``."""

    product_key: str
    device_key: str
    share_code: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class UnbindRequest:
    """``unbundlingDeviceDk``: give up the account's own binding of a device.

    ``reset`` is ``isInit`` (also initialise the device; the cloud's default is false). A Bluetooth-only device needs
    ``reset_credentials`` (``pureBtResetCredentials``, Base64 of ``"PK,DK,bindingSecret"`` AES-encrypted with the
    product secret) and the ``random`` it was encrypted with; both are passed through as given.
    """

    product_key: str
    device_key: str
    reset: bool | None = None
    reset_credentials: str | None = field(default=None, repr=False)
    random: str | None = None


@dataclass(frozen=True, slots=True)
class UnbindResult:
    """Result of ``unbundlingDeviceDk``: how many users are still bound (pseudo-bindings included), when told."""

    product_key: str
    device_key: str
    binding_sum: int | None


def _epoch_ms(data: dict[str, Any], key: str) -> int | None:
    """A time the cloud sends twice (text and ``<key>Ts`` in ms): the milliseconds, ``None`` when unset or 0."""
    for name in (f"{key}Ts", key):
        value = _optional_int(data, name)
        if value:
            return value
    return None


@dataclass(frozen=True, slots=True)
class DeviceShare:
    """One entry of ``deviceShareUserList``: a share of the owner's device and its recipient.

    Times are epoch milliseconds (``None`` when unset). ``status`` is the cloud's ``shareStatus`` as sent (its values
    are not documented); ``accepted`` is read from the acceptance time. The share's ``authKey`` is not kept.
    """

    share_code: str = field(repr=False)
    share_id: str
    owner_uid: str
    recipient_uid: str
    recipient_name: str
    recipient_email: str = field(repr=False)
    recipient_phone: str = field(repr=False)
    status: int | None
    accepted: bool
    cover_mode: int | None
    device_name: str
    shared_at: int | None
    accepted_at: int | None
    accept_by: int | None
    expires_at: int | None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one ``{shareInfo, userInfo}`` item (either part may be missing)."""
        share = data.get("shareInfo")
        share = share if isinstance(share, dict) else {}
        user = data.get("userInfo")
        user = user if isinstance(user, dict) else {}
        accepted_at = _epoch_ms(share, "acceptTime")
        return cls(
            share_code=_str(share, "shareCode"),
            share_id=_str(share, "shareId"),
            owner_uid=_str(share, "ownerUid"),
            recipient_uid=_str(share, "shareUid") or _str(user, "uid"),
            recipient_name=_str(user, "nikeName"),  # sic: the cloud's spelling
            recipient_email=_str(user, "email"),
            recipient_phone=_str(user, "phone"),
            status=_optional_int(share, "shareStatus"),
            accepted=accepted_at is not None,
            cover_mode=_optional_int(share, "coverMark"),
            device_name=_str(share, "deviceName"),
            shared_at=_epoch_ms(share, "shareTime"),
            accepted_at=accepted_at,
            accept_by=_epoch_ms(share, "acceptingExpireAt"),
            expires_at=_epoch_ms(share, "sharingExpireAt"),
        )
