"""Sharing routes: invite, accept, revoke, leave, and the owner's list of a device's shares.

``shareByUid`` (invite), ``shareDevice`` (accept), ``ownerUserUnshareDevice`` (the owner revokes),
``shareUserUnshareDevice`` (the recipient leaves) and ``deviceShareUserList``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .backend import Routes
from .codes import ApiError
from .model import SHARE_ACCEPTED, SHARE_LEFT, SHARE_REPLACED, SHARE_REVOKED
from .params import MAX_DEVICE_NAME, epoch_ms, format_time, int_param, query_params, required_param, text_param

if TYPE_CHECKING:
    from aiohttp import web

    from .model import User

COVER_REPLACE: Final = 1
"""coverMark 1: replace the live shares to that recipient (the default)."""
COVER_ADD: Final = 2
"""coverMark 2: add one more share."""
COVER_EXTEND_ONLY: Final = 3
"""coverMark 3: replace only when the new share ends later."""
COVER_MARKS: Final = range(COVER_REPLACE, COVER_EXTEND_ONLY + 1)
"""Valid ``coverMark`` values (5133 outside)."""
SHARE_STATUS_PENDING: Final = 0
"""``shareStatus`` of a share not accepted yet (this simulator's value: the vendor does not document them)."""
SHARE_STATUS_ACCEPTED: Final = 1
"""``shareStatus`` of an accepted share (this simulator's value)."""


class SharingRoutes(Routes):
    """Shares from an owner to another user of the same domain, from both ends."""

    def _recipient(self, user: User, params: dict[str, str]) -> User | None:
        """The invited user in the caller's domain: by ``shareUid``, else ``email``, else ``phone``."""
        state = self.state
        if uid := text_param(params.get("shareUid")):
            found = state.users.get(uid)
            return found if found is not None and found.user_domain == user.user_domain else None
        if email := text_param(params.get("email")):
            return state.user_by_email(user.user_domain, email)
        phone = text_param(params.get("phone")) or ""
        return state.user_by_phone(user.user_domain, phone.removeprefix("+"), None)

    def share_by_uid(self, request: web.Request) -> str:
        """``POST shareByUid`` (query parameters only): invite another user of the caller's domain.

        Order: 5106/5032; pk 5066; dk 5067; none of shareUid/email/phone 5891; coverMark (default 1) not 1..3 5133;
        sharingExpireAt (ms, optional) not an integer or not in the future 5145; the caller has no own binding of
        the device 5134; that binding is unverified 5360; recipient not found in the domain (or the caller
        themself) 5134; coverMark 3 with a live share to that recipient that ends no earlier than the new one 5134.

        coverMark 1 and 3 replace the caller's live shares of the device to that recipient (the new share keeps
        their acceptance), 2 adds one more. Success: the new share code (32 hex characters), pending until the
        recipient accepts it unless it replaced an accepted share.
        """
        user = self.authenticate(request)
        params = query_params(request)
        pk = required_param(params.get("pk"), 5066)
        dk = required_param(params.get("dk"), 5067)
        if not any(text_param(params.get(name)) for name in ("shareUid", "email", "phone")):
            raise ApiError(5891)
        cover_mark = int_param(params.get("coverMark"), 5133)
        cover_mark = COVER_REPLACE if cover_mark is None else cover_mark
        if cover_mark not in COVER_MARKS:
            raise ApiError(5133)
        expire_at = int_param(params.get("sharingExpireAt"), 5145)
        now_ms = self.backend.clock.now_ms()
        if expire_at is not None and expire_at <= now_ms:
            raise ApiError(5145)
        state = self.state
        binding = state.binding_of(user.uid, pk, dk)
        if binding is None:
            raise ApiError(5134)
        if binding.verified != 1:
            raise ApiError(5360)
        recipient = self._recipient(user, params)
        if recipient is None or recipient.uid == user.uid:
            raise ApiError(5134)
        live = [
            s
            for s in state.shares
            if s.owner_uid == user.uid
            and s.recipient_uid == recipient.uid
            and s.pk == pk
            and s.dk == dk
            and s.is_live(now_ms)
        ]
        if cover_mark == COVER_EXTEND_ONLY and any(not _later(expire_at, s.sharing_expire_at) for s in live):
            raise ApiError(5134)
        replaced = [] if cover_mark == COVER_ADD else live
        accepted = any(s.status == SHARE_ACCEPTED for s in replaced)
        for share in replaced:
            share.status = SHARE_REPLACED
        share = state.add_share(
            binding,
            recipient.uid,
            cover_mark=cover_mark,
            sharing_expire_at=expire_at,
            accepted=accepted,
            now=self.backend.clock.now(),
            auth_key=text_param(params.get("authKey")),
        )
        return share.share_code

    def accept_share(self, request: web.Request) -> dict[str, Any]:
        """``POST shareDevice`` (query parameters only): the invited user accepts a share.

        Order: 5106/5032; shareCode 5136; deviceName longer than 254 5333; no such share, or it was replaced,
        revoked or has expired 5137; the share invites another user 5138; the caller has an own binding of the
        device 5049; the share is already accepted 6040; coverMark 3 while the caller holds another accepted live
        share of the device that ends no earlier than this one 5151.

        Success accepts the share: the device joins the caller's list (deviceType 2), named ``deviceName`` when
        given; other accepted shares of the device to the caller are replaced. Answers ``{}``.
        """
        user = self.authenticate(request)
        params = query_params(request)
        code = required_param(params.get("shareCode"), 5136)
        name = text_param(params.get("deviceName"))
        if name is not None and len(name) > MAX_DEVICE_NAME:
            raise ApiError(5333)
        state = self.state
        now_ms = self.backend.clock.now_ms()
        share = state.share_by_code(code)
        if share is None or not share.is_live(now_ms):
            raise ApiError(5137)
        if share.recipient_uid != user.uid:
            raise ApiError(5138)
        if state.binding_of(user.uid, share.pk, share.dk) is not None:
            raise ApiError(5049)
        if share.status == SHARE_ACCEPTED:
            raise ApiError(6040)
        others = [s for s in state.accepted_shares_to(user.uid, now_ms) if s.pk == share.pk and s.dk == share.dk]
        if share.cover_mark == COVER_EXTEND_ONLY and any(
            not _later(share.sharing_expire_at, s.sharing_expire_at) for s in others
        ):
            raise ApiError(5151)
        for other in others:
            other.status = SHARE_REPLACED
        share.status = SHARE_ACCEPTED
        share.accepted_at = self.backend.clock.now()
        if name is not None:
            share.device_name = name
        return {}

    def owner_unshare(self, request: web.Request) -> dict[str, Any]:
        """``DELETE ownerUserUnshareDevice`` (query parameters only): the owner ends one share.

        Order: 5106/5032; shareCode 5136; no such share, or another user made it 5041; the share already ended
        (replaced, revoked or expired) 5142. Success revokes it (the device leaves the recipient's list); ``{}``.
        """
        user = self.authenticate(request)
        params = query_params(request)
        code = required_param(params.get("shareCode"), 5136)
        share = self.state.share_by_code(code)
        if share is None or share.owner_uid != user.uid:
            raise ApiError(5041)
        if not share.is_live(self.backend.clock.now_ms()):
            raise ApiError(5142)
        share.status = SHARE_REVOKED
        return {}

    def recipient_unshare(self, request: web.Request) -> dict[str, Any]:
        """``DELETE shareUserUnshareDevice`` (query parameters only): the invited user leaves a share.

        The vendor's page (``shareUserUnshareDevice``) mirrors ``ownerUserUnshareDevice``: ``shareCode`` in the
        query, codes 5106/5032, 5136, 5041 and 5142, ``data`` ``{}``. Order: 5106/5032; shareCode 5136; no such
        share, or it invites another user 5041; the share already ended (replaced, revoked, left or expired) 5142.

        Success ends the share (the device leaves the caller's device list, the owner's ``deviceShareUserList`` no
        longer shows it; the owner may share again). A pending share may be left too, which declines it (the page
        does not say; this simulator's choice). Answers ``{}``.
        """
        user = self.authenticate(request)
        params = query_params(request)
        code = required_param(params.get("shareCode"), 5136)
        share = self.state.share_by_code(code)
        if share is None or share.recipient_uid != user.uid:
            raise ApiError(5041)
        if not share.is_live(self.backend.clock.now_ms()):
            raise ApiError(5142)
        share.status = SHARE_LEFT
        return {}

    def device_share_user_list(self, request: web.Request) -> list[dict[str, Any]]:
        """``GET deviceShareUserList``: the caller's live shares (pending or accepted) of one of the caller's devices.

        Order: 5106/5032; pk 5066; dk 5067; the caller has no own binding of the device 5141. A plain array of
        ``{shareInfo, userInfo}`` in share order; ``shareStatus`` 0 pending, 1 accepted (this simulator's values).
        """
        user = self.authenticate(request)
        params = query_params(request)
        pk = required_param(params.get("pk"), 5066)
        dk = required_param(params.get("dk"), 5067)
        state = self.state
        binding = state.binding_of(user.uid, pk, dk)
        if binding is None:
            raise ApiError(5141)
        now_ms = self.backend.clock.now_ms()
        items: list[dict[str, Any]] = []
        for share_id, share in enumerate(state.shares, start=1):
            if share.owner_uid != user.uid or (share.pk, share.dk) != (pk, dk) or not share.is_live(now_ms):
                continue
            expire_at = share.sharing_expire_at
            share_info = {
                "shareCode": share.share_code,
                "shareId": share_id,
                "shareUid": share.recipient_uid,
                "ownerUid": share.owner_uid,
                "shareStatus": SHARE_STATUS_ACCEPTED if share.status == SHARE_ACCEPTED else SHARE_STATUS_PENDING,
                "coverMark": share.cover_mark,
                "acceptingExpireAt": None,
                "acceptingExpireAtTs": None,
                "sharingExpireAt": format_time(expire_at / 1000) if expire_at is not None else None,
                "sharingExpireAtTs": expire_at,
                "shareTime": epoch_ms(share.created_at),
                "shareTimeTs": epoch_ms(share.created_at),
                "acceptTime": epoch_ms(share.accepted_at),
                "acceptTimeTs": epoch_ms(share.accepted_at),
                "deviceName": share.device_name,
                "pk": share.pk,
                "dk": share.dk,
                "fid": binding.fid,
                "authKey": share.auth_key,
            }
            recipient = state.users.get(share.recipient_uid)
            user_info = (
                {
                    "uid": recipient.uid,
                    "nikeName": recipient.nickname,
                    "email": recipient.email,
                    "phone": recipient.phone,
                    "userDomain": recipient.user_domain,
                    "headimg": "",
                }
                if recipient is not None
                else None
            )
            items.append({"shareInfo": share_info, "userInfo": user_info})
        return items


def _later(new: int | None, old: int | None) -> bool:
    """Whether expiry ``new`` ends after ``old`` (``None`` = never ends)."""
    if old is None:
        return False
    return new is None or new > old
