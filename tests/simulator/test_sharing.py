"""The simulator's shareByUid over raw HTTP: recipients, expiry, errors and cover marks."""

from __future__ import annotations

from typing import Any

import pytest

from quectel_simulator import CloudSimulator
from quectel_simulator.state import SHARE_ACCEPTED, SHARE_PENDING, SHARE_REPLACED
from tests.simulator.helpers import (
    CELL_BOUND,
    CELL_FREE,
    CELL_PK,
    DEMO_UID,
    FRIEND_EMAIL,
    FRIEND_PHONE,
    FRIEND_UID,
    OTHER_UID,
    SHARE,
    SHARED_DK,
    WIFI_PK,
    Cloud,
)

# ----- sharing -----


async def test_share_by_uid_email_phone(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    base = {"pk": CELL_PK, "dk": CELL_BOUND, "coverMark": 2}
    codes = []
    for recipient in ({"shareUid": FRIEND_UID}, {"email": FRIEND_EMAIL.upper()}, {"phone": FRIEND_PHONE}):
        code = await cloud.ok("POST", SHARE, token=token, params=base | recipient)
        assert len(code) == 32
        int(code, 16)
        codes.append(code)
    shares = [s for s in sim.state.shares if s.share_code in codes]
    assert [s.recipient_uid for s in shares] == [FRIEND_UID] * 3
    assert all(s.status == SHARE_PENDING for s in shares)
    assert shares[0].auth_key == "pQSpXFqVlUJPxsivVIE96Q=="
    # Pending shares are not in the recipient's list; accepted ones are.
    assert (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["total"] == 0
    shares[0].status = SHARE_ACCEPTED
    item = (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["list"][0]
    assert item["deviceType"] == 2
    assert item["ownerUid"] == DEMO_UID
    assert item["shareCode"] == codes[0]


async def test_share_expiry(cloud: Cloud, sim: CloudSimulator) -> None:
    expire = int(sim.now() * 1000) + 60_000
    params = {"pk": CELL_PK, "dk": CELL_BOUND, "shareUid": FRIEND_UID, "sharingExpireAt": expire, "authKey": "K"}
    code = await cloud.ok("POST", SHARE, token=cloud.token(), params=params)
    share = next(s for s in sim.state.shares if s.share_code == code)
    assert share.sharing_expire_at == expire
    assert share.auth_key == "K"
    share.status = SHARE_ACCEPTED
    item = (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["list"][0]
    assert item["sharingExpireAt"] == expire
    sim.advance_clock(61)
    assert (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["total"] == 0


def _share(**params: Any) -> dict[str, Any]:
    return {"pk": CELL_PK, "dk": CELL_BOUND, "shareUid": FRIEND_UID} | params


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"dk": CELL_BOUND, "shareUid": FRIEND_UID}, 5066),
        ({"pk": CELL_PK, "shareUid": FRIEND_UID}, 5067),
        ({"pk": CELL_PK, "dk": CELL_BOUND}, 5891),
        (_share(shareUid=""), 5891),
        (_share(coverMark=0), 5133),
        (_share(coverMark=4), 5133),
        (_share(coverMark="x"), 5133),
        (_share(sharingExpireAt="tomorrow"), 5145),
        (_share(sharingExpireAt=1000), 5145),
        (_share(dk=CELL_FREE), 5134),
        (_share(pk=WIFI_PK, dk=SHARED_DK), 5134),
        (_share(shareUid="C9999"), 5134),
        (_share(shareUid=OTHER_UID), 5134),
        (_share(shareUid=None, email="other@example.com"), 5134),
        (_share(shareUid=None, phone="2025550123"), 5134),
        (_share(shareUid=DEMO_UID), 5134),
    ],
)
async def test_share_errors(cloud: Cloud, params: dict[str, Any], code: int) -> None:
    assert await cloud.code("POST", SHARE, token=cloud.token(), params=params) == code


async def test_share_unverified_and_placement(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    binding = sim.state.binding_of(DEMO_UID, CELL_PK, CELL_BOUND)
    assert binding is not None
    binding.verified = 0
    assert await cloud.code("POST", SHARE, token=token, params=_share()) == 5360
    binding.verified = 1
    assert await cloud.code("POST", SHARE, token=token, json_body=_share()) == 5066
    assert await cloud.code("POST", SHARE, params=_share()) == 5106


def _live(sim: CloudSimulator) -> list[Any]:
    now_ms = int(sim.now() * 1000)
    return [s for s in sim.state.shares if s.owner_uid == DEMO_UID and s.is_live(now_ms)]


async def test_share_cover_marks(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    now_ms = int(sim.now() * 1000)
    first = await cloud.ok("POST", SHARE, token=token, params=_share(sharingExpireAt=now_ms + 100_000))
    # 1 (default) replaces the live share to that recipient.
    second = await cloud.ok("POST", SHARE, token=token, params=_share(sharingExpireAt=now_ms + 50_000))
    assert [s.share_code for s in _live(sim)] == [second]
    assert next(s for s in sim.state.shares if s.share_code == first).status == SHARE_REPLACED
    # 2 adds.
    third = await cloud.ok("POST", SHARE, token=token, params=_share(coverMark=2, sharingExpireAt=now_ms + 70_000))
    assert [s.share_code for s in _live(sim)] == [second, third]
    # 3 replaces only when the new share ends later than every live one.
    assert (
        await cloud.code("POST", SHARE, token=token, params=_share(coverMark=3, sharingExpireAt=now_ms + 60_000))
        == 5134
    )
    fourth = await cloud.ok("POST", SHARE, token=token, params=_share(coverMark=3, sharingExpireAt=now_ms + 90_000))
    assert [s.share_code for s in _live(sim)] == [fourth]
    # No end date is later than any end date; nothing is later than no end date.
    fifth = await cloud.ok("POST", SHARE, token=token, params=_share(coverMark=3))
    assert [s.share_code for s in _live(sim)] == [fifth]
    assert await cloud.code("POST", SHARE, token=token, params=_share(coverMark=3)) == 5134
    # 3 with nothing live to that recipient just adds.
    other = await cloud.ok("POST", SHARE, token=token, params=_share(coverMark=3, shareUid="C1003"))
    assert other in [s.share_code for s in _live(sim)]


async def test_share_replacing_accepted_keeps_access(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    first = await cloud.ok("POST", SHARE, token=token, params=_share())
    next(s for s in sim.state.shares if s.share_code == first).status = SHARE_ACCEPTED
    second = await cloud.ok("POST", SHARE, token=token, params=_share())
    new = next(s for s in sim.state.shares if s.share_code == second)
    assert new.status == SHARE_ACCEPTED
    assert new.accepted_at is not None
    assert (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["list"][0]["shareCode"] == second
