"""Device and home reads: ``userDeviceList``, ``getFamilyModeConfig``, ``getFamilyList``, ``getFamilyRoomList``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .backend import Routes
from .codes import ApiError
from .model import NETWORK_TYPES
from .params import epoch_ms, format_time, int_param, page_of, paging, query_params, required_param, text_param

if TYPE_CHECKING:
    from aiohttp import web

    from .model import Binding, Device, Product, User

DEVICE_LIST_PAGE_NAMES: Final = ("page", "pageNumber")
"""Where ``userDeviceList`` finds its page number: the documented ``page``, else the ``pageNumber`` vendor apps send
(cloud_api.md 4.1; ``bordeux/ha-oukitel-powerstation`` REVERSE_ENGINEERING.md 11b, verified live)."""
FAMILY_ROLES: Final = range(1, 4)
"""Family roles a ``role`` filter may name (1 creator, 2 admin, 3 member)."""


class DeviceRoutes(Routes):
    """The caller's devices (own and shared) and homes."""

    @staticmethod
    def _device_item(product: Product, device: Device, binding: Binding) -> dict[str, Any]:
        return {
            "productKey": device.pk,
            "deviceKey": device.dk,
            "deviceName": binding.name,
            "productName": product.name,
            "logoImage": product.logo,
            "onlineStatus": 1 if device.online else 0,
            "deviceStatus": "Online" if device.online else "Offline",
            "authKey": binding.auth_key,
            "bindingCode": binding.binding_code,
            "btPwd": binding.bt_pwd,
            "verified": binding.verified,
            "status": 1,
            "bindStatus": 1,
            "bindMode": product.binding_mode,
            "bindingType": binding.binding_type,
            "capabilitiesBitmask": binding.capabilities if binding.capabilities is not None else device.capabilities,
            "networkType": NETWORK_TYPES.get(product.kind, 1),
            "accessType": 0,
            "isMatter": binding.matter_info is not None,
            "matterInfo": binding.matter_info,
            "fid": binding.fid,
            "frid": binding.frid,
            "uid": binding.uid,
        }

    def _device_items(self, user: User) -> list[dict[str, Any]]:
        state = self.state
        items: list[dict[str, Any]] = []
        for binding in state.bindings_of_user(user.uid):
            device = state.devices[binding.pk, binding.dk]
            item = self._device_item(state.products[binding.pk], device, binding)
            item |= {
                "deviceType": 1,
                "ownerUid": user.uid,
                "shareCode": None,
                "sharingExpireAt": None,
                "deviceBindTime": format_time(binding.bound_at),
                "deviceBindTimeTs": epoch_ms(binding.bound_at),
            }
            items.append(item)
        for share in state.accepted_shares_to(user.uid, self.backend.clock.now_ms()):
            owner = state.binding_of(share.owner_uid, share.pk, share.dk)
            if owner is None:
                continue
            item = self._device_item(state.products[share.pk], state.devices[share.pk, share.dk], owner)
            bound_at = share.accepted_at if share.accepted_at is not None else share.created_at
            item |= {
                "deviceName": share.device_name or owner.name,
                "authKey": share.auth_key or owner.auth_key,
                "deviceType": 2,
                "ownerUid": share.owner_uid,
                "shareCode": share.share_code,
                "sharingExpireAt": share.sharing_expire_at,
                "fid": None,
                "frid": None,
                "uid": user.uid,
                "deviceBindTime": format_time(bound_at),
                "deviceBindTimeTs": epoch_ms(bound_at),
            }
            items.append(item)
        return items

    def user_device_list(self, request: web.Request) -> dict[str, Any]:
        """``GET userDeviceList``: a page of the caller's own (deviceType 1) and accepted shared (2) devices.

        Own bindings come first (binding order), then shares (share order). Optional filters: ``pkList`` (comma
        list), ``dk``, ``deviceName`` (substring). Paging: ``page`` (else ``pageNumber``, default 1) and ``pageSize``
        (default 10), each optional. Errors: 5106/5032; the page number or ``pageSize`` not a positive integer 5000.
        """
        user = self.authenticate(request)
        params = query_params(request)
        page, size = paging(params, DEVICE_LIST_PAGE_NAMES)
        items = self._device_items(user)
        if pk_list := text_param(params.get("pkList")):
            wanted = {pk.strip() for pk in pk_list.split(",")}
            items = [item for item in items if item["productKey"] in wanted]
        if dk := text_param(params.get("dk")):
            items = [item for item in items if item["deviceKey"] == dk]
        if name := text_param(params.get("deviceName")):
            items = [item for item in items if name in item["deviceName"]]
        return page_of(items, page, size)

    def family_mode_config(self, request: web.Request) -> dict[str, Any]:
        """``GET getFamilyModeConfig``: ``{enabledFamilyMode, enabledAutoSwitch}`` (5106/5032 only)."""
        user = self.authenticate(request)
        return {"enabledFamilyMode": user.family_mode, "enabledAutoSwitch": user.auto_switch}

    def family_list(self, request: web.Request) -> dict[str, Any]:
        """``GET getFamilyList``: a page of the caller's homes.

        Order: 5106/5032; ``page``/``pageSize``/``role`` (comma list of 1..3) malformed 5000; home mode off 5624.
        """
        user = self.authenticate(request)
        params = query_params(request)
        page, size = paging(params)
        roles: set[int] | None = None
        if role_text := text_param(params.get("role")):
            roles = set()
            for part in role_text.split(","):
                role = int_param(part, 5000)
                if role is None or role not in FAMILY_ROLES:
                    raise ApiError(5000)
                roles.add(role)
        if not user.family_mode:
            raise ApiError(5624)
        items = [
            {
                "fid": family.fid,
                "familyName": family.name,
                "familyLocation": family.location,
                "familyCoordinates": family.coordinates,
                "memberRole": role,
                "addTime": epoch_ms(family.added_at),
                "addTimeTs": epoch_ms(family.added_at),
            }
            for family, role in self.state.families_of(user.uid)
            if roles is None or role in roles
        ]
        return page_of(items, page, size)

    def family_room_list(self, request: web.Request) -> dict[str, Any]:
        """``GET getFamilyRoomList``: a page of one home's rooms (by ``roomSort``).

        Order: 5106/5032; ``fid`` missing 5618; ``page``/``pageSize`` malformed 5000; home mode off 5624; unknown
        home or the caller is not in it 5041.
        """
        user = self.authenticate(request)
        params = query_params(request)
        fid = required_param(params.get("fid"), 5618)
        page, size = paging(params)
        if not user.family_mode:
            raise ApiError(5624)
        family = self.state.families.get(fid)
        if family is None or user.uid not in family.members:
            raise ApiError(5041)
        items = [
            {
                "frid": room.frid,
                "roomName": room.name,
                "roomSort": room.sort,
                "addTime": epoch_ms(room.added_at),
                "addTimeTs": epoch_ms(room.added_at),
            }
            for room in sorted(family.rooms, key=lambda room: room.sort)
        ]
        return page_of(items, page, size)
