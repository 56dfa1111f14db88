"""Typed requests and responses of sharing and unbinding: invite, leave, unbind, and the owner's list of shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from .parsing import epoch_ms_of, optional_int_of, str_of

if TYPE_CHECKING:
    from datetime import datetime


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
class ShareResult:
    """Result of ``shareByUid``."""

    product_key: str
    device_key: str
    share_code: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class LeaveShareResult:
    """Result of leaving a share (``shareUserUnshareDevice``): the device is no longer the account's."""

    product_key: str
    device_key: str


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
        accepted_at = epoch_ms_of(share, "acceptTime")
        return cls(
            share_code=str_of(share, "shareCode"),
            share_id=str_of(share, "shareId"),
            owner_uid=str_of(share, "ownerUid"),
            recipient_uid=str_of(share, "shareUid") or str_of(user, "uid"),
            recipient_name=str_of(user, "nikeName"),  # sic: the cloud's spelling
            recipient_email=str_of(user, "email"),
            recipient_phone=str_of(user, "phone"),
            status=optional_int_of(share, "shareStatus"),
            accepted=accepted_at is not None,
            cover_mode=optional_int_of(share, "coverMark"),
            device_name=str_of(share, "deviceName"),
            shared_at=epoch_ms_of(share, "shareTime"),
            accepted_at=accepted_at,
            accept_by=epoch_ms_of(share, "acceptingExpireAt"),
            expires_at=epoch_ms_of(share, "sharingExpireAt"),
        )
