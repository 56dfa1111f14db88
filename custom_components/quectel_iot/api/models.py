"""Typed requests and responses of the end-user cloud API.

Secrets (tokens, passwords, binding codes and secrets, auth keys, product secrets) are kept out of ``repr()`` with
``field(repr=False)`` so that logging a model can never leak one. The share and unbind models live in
``sharing_models`` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Self

from .exceptions import QuecResponseError
from .parsing import bool_of, int_of, jwt_claims, optional_int_of, str_of
from .sharing_models import (
    CoverMode,
    DeviceShare,
    LeaveShareResult,
    ShareRequest,
    ShareResult,
    UnbindRequest,
    UnbindResult,
)

__all__ = [
    "BindByDkRequest",
    "BindOptions",
    "BindResult",
    "CoverMode",
    "Credentials",
    "Device",
    "DeviceShare",
    "DeviceType",
    "EmailCredentials",
    "Family",
    "FamilyModeConfig",
    "FamilyRole",
    "LeaveShareResult",
    "MatterCat",
    "MatterInfo",
    "Page",
    "PhoneCredentials",
    "PureBleBindRequest",
    "PureBleBindResult",
    "Room",
    "ShareRequest",
    "ShareResult",
    "Token",
    "TokenPair",
    "UnbindRequest",
    "UnbindResult",
    "UserInfo",
    "WifiBindRequest",
    "WifiBindResult",
    "page_items",
]


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
        expires_at = float(int_of(data, "expirationTime"))
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
        return str(jwt_claims(self.access.value).get("uid", ""))

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
            uid=str_of(data, "uid"),
            nickname=str_of(data, "nikeName"),  # sic: the cloud's spelling
            email=str_of(data, "email"),
            phone=str_of(data, "phone"),
            lang=str_of(data, "lang"),
            timezone=str_of(data, "timezone"),
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
        device_type = DeviceType.SHARED if int_of(data, "deviceType", 1) == DeviceType.SHARED else DeviceType.OWN
        return cls(
            product_key=str_of(data, "productKey"),
            device_key=str_of(data, "deviceKey"),
            device_name=str_of(data, "deviceName"),
            product_name=str_of(data, "productName"),
            logo_url=str_of(data, "logoImage"),
            online=int_of(data, "onlineStatus") == 1,
            device_type=device_type,
            verified=bool_of(data, "verified"),
            bind_mode=optional_int_of(data, "bindMode"),
            binding_type=optional_int_of(data, "bindingType"),
            capabilities=optional_int_of(data, "capabilitiesBitmask"),
            family_id=str_of(data, "fid"),
            room_id=str_of(data, "frid"),
            owner_uid=str_of(data, "ownerUid"),
            share_code=str_of(data, "shareCode"),
            sharing_expires_at=optional_int_of(data, "sharingExpireAt"),
            bound_at=optional_int_of(data, "deviceBindTimeTs"),
            auth_key=str_of(data, "authKey"),
            binding_code=str_of(data, "bindingCode"),
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
    page = int_of(data, "pageNum", 1)
    page_size = int_of(data, "pageSize", len(items))
    total = int_of(data, "total", len(items))
    has_next = bool_of(data, "hasNextPage") if "hasNextPage" in data else page * page_size < total
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
        return cls(enabled=bool_of(data, "enabledFamilyMode"), auto_switch=bool_of(data, "enabledAutoSwitch"))


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
        return cls(
            family_id=str_of(data, "fid"), name=str_of(data, "familyName"), role=optional_int_of(data, "memberRole")
        )


@dataclass(frozen=True, slots=True)
class Room:
    """A room in a home."""

    room_id: str
    name: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Self:
        """Parse one ``getFamilyRoomList`` item."""
        return cls(room_id=str_of(data, "frid"), name=str_of(data, "roomName"))


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

    Give exactly one of ``binding_code`` (sent as ``bindingCode``) and ``encrypted_binding_code`` (already
    encrypted by the device, sent as ``encryptedBindingCode``). ``random`` is the 16-character IV. With
    ``encrypted_binding_code`` it is required, and must be the random the device encrypted the code with: the request
    builder refuses (``ValueError``) an encrypted code without one. A plain ``binding_code`` without ``random`` gets a
    fresh one.
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

    @classmethod
    def from_device(cls, device: Device) -> Self:
        """The result as the device list shows a device the account owns (a bind whose answer was lost)."""
        return cls(
            product_key=device.product_key,
            device_key=device.device_key,
            auth_key=device.auth_key,
            binding_mode=device.bind_mode,
            product_name=device.product_name,
            product_logo=device.logo_url,
        )


@dataclass(frozen=True, slots=True)
class PureBleBindResult:
    """Result of ``deviceBindingByPureBt``."""

    product_key: str
    device_key: str
    verified: bool
