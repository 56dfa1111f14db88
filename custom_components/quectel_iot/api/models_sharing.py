"""Typed shapes of sharing: an invitation, leaving a share, and the owner's list of shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from .models_devices import page_items
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

    def to_api(self) -> dict[str, str]:
        """The query string: exactly one recipient, the optional auth key, cover mode and end (epoch ms).

        Raises:
            ValueError: Not exactly one of ``share_uid``, ``email`` and ``phone`` is given.
        """
        recipients = {"shareUid": self.share_uid, "email": self.email, "phone": self.phone}
        given = {name: value for name, value in recipients.items() if value}
        if len(given) != 1:
            raise ValueError("Give exactly one of share_uid, email and phone")
        params: dict[str, str] = {"pk": self.product_key, "dk": self.device_key, **given}
        if self.auth_key:
            params["authKey"] = self.auth_key
        if self.cover_mode is not None:
            params["coverMark"] = str(int(self.cover_mode))
        if self.expires_at is not None:
            params["sharingExpireAt"] = str(int(self.expires_at.timestamp() * 1000))
        return params


@dataclass(frozen=True, slots=True)
class ShareResult:
    """Result of ``shareByUid``."""

    product_key: str
    device_key: str
    share_code: str = field(repr=False)

    @classmethod
    def from_api(cls, data: Any, request: ShareRequest) -> Self:
        """Read the answer (the share code as ``data``) to ``request``."""
        return cls(request.product_key, request.device_key, "" if data is None else str(data))


@dataclass(frozen=True, slots=True)
class LeaveShareResult:
    """Result of leaving a share (``shareUserUnshareDevice``): the device is no longer the account's."""

    product_key: str
    device_key: str


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

    @classmethod
    def list_from_api(cls, data: Any) -> list[Self]:
        """Parse ``deviceShareUserList``'s ``data``: a plain array as the page documents, or a page object."""
        if data is None:
            return []
        items = data if isinstance(data, list) else page_items(data)[0]
        return [cls.from_api(item) for item in items if isinstance(item, dict)]
