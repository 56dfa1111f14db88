"""Typed shapes of the device list (``userDeviceList``) and of the cloud's paged lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Self

from .exceptions import QuecResponseError
from .parsing import bool_of, int_of, optional_int_of, str_of

if TYPE_CHECKING:
    from collections.abc import Callable


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

    @staticmethod
    def from_api[I](data: Any, item: Callable[[dict[str, Any]], I]) -> Page[I]:
        """Parse a PageHelper ``data``, each item with ``item``."""
        items, total, page, page_size, has_next = page_items(data)
        return Page([item(entry) for entry in items], total, page, page_size, has_next)


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
