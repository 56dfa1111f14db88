"""The simulator's unbinding and share-management endpoints, and its test helpers, over raw HTTP.

unbundlingDeviceDk, shareDevice, ownerUserUnshareDevice and deviceShareUserList follow the vendor's pages (error
codes and parameter placement); the pure-BLE reset credentials are built here with an independent AES.
"""

from __future__ import annotations

from typing import Any

import pytest

from quectel_simulator import Binding, CloudSimulator
from quectel_simulator.state import SHARE_ACCEPTED, SHARE_LEFT, SHARE_PENDING, SHARE_REPLACED, SHARE_REVOKED
from tests.simulator.helpers import (
    BLE_CODE,
    BLE_DK,
    BLE_DK2,
    BLE_PK,
    BLE_PS,
    BLE_STORED_SECRET,
    CELL_BOUND,
    CELL_FREE,
    CELL_PK,
    DEMO_UID,
    FRIEND_UID,
    RANDOM16,
    SHARED_DK,
    WIFI_PK,
    Cloud,
    aes_b64,
)

UNBIND = "/v2/binding/enduserapi/unbundlingDeviceDk"
ACCEPT = "/v2/binding/enduserapi/shareDevice"
UNSHARE = "/v2/binding/enduserapi/ownerUserUnshareDevice"
LEAVE = "/v2/binding/enduserapi/shareUserUnshareDevice"
SHARE_LIST = "/v2/binding/enduserapi/deviceShareUserList"
BIND_DK = "/v2/binding/enduserapi/bindDeviceDk"
DEMO_SHARE_CODE = "53f2d1e7b4181db8636868128ec7a223"
NEIGHBOUR_UID = "C1003"


def reset_credentials(dk: str, secret: str, random: str = RANDOM16) -> str:
    return aes_b64(f"{BLE_PK},{dk},{secret}", BLE_PS.encode(), random.encode())


# ----- unbundlingDeviceDk -----


async def test_unbind_own_device(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    code = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, accepted=True)
    assert (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["total"] == 1
    data = await cloud.ok("DELETE", UNBIND, token=token, params={"pk": CELL_PK, "dk": CELL_BOUND})
    assert data == {"bindingSum": 0}
    assert sim.state.binding_of(DEMO_UID, CELL_PK, CELL_BOUND) is None
    # The shares the owner made end with the binding.
    assert sim.state.share_by_code(code).status == SHARE_REVOKED  # type: ignore[union-attr]
    assert (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["total"] == 0
    assert (await cloud.devices(dk=CELL_BOUND))["total"] == 0
    # A second unbind: not bound any more.
    assert await cloud.code("DELETE", UNBIND, token=token, params={"pk": CELL_PK, "dk": CELL_BOUND}) == 5052


async def test_unbind_counts_the_users_left(cloud: Cloud, sim: CloudSimulator) -> None:
    await cloud.ok("POST", BIND_DK, token=cloud.token(FRIEND_UID), params={"pk": CELL_PK, "dk": CELL_BOUND})
    sim.add_share(FRIEND_UID, NEIGHBOUR_UID, CELL_PK, CELL_BOUND, accepted=True)
    sim.add_share(FRIEND_UID, NEIGHBOUR_UID, CELL_PK, CELL_BOUND, sharing_expire_at=1)  # expired: not counted
    data = await cloud.ok("DELETE", UNBIND, token=cloud.token(), params={"pk": CELL_PK, "dk": CELL_BOUND})
    assert data == {"bindingSum": 2}
    assert sim.state.binding_of(FRIEND_UID, CELL_PK, CELL_BOUND) is not None


async def test_unbind_with_init_resets_the_device(cloud: Cloud, sim: CloudSimulator) -> None:
    await cloud.ok("POST", BIND_DK, token=cloud.token(FRIEND_UID), params={"pk": CELL_PK, "dk": CELL_BOUND})
    code = sim.add_share(FRIEND_UID, NEIGHBOUR_UID, CELL_PK, CELL_BOUND, accepted=True)
    params = {"pk": CELL_PK, "dk": CELL_BOUND, "isInit": "true"}
    assert await cloud.ok("DELETE", UNBIND, token=cloud.token(), params=params) == {"bindingSum": 0}
    assert sim.state.bindings_of_device(CELL_PK, CELL_BOUND) == []
    assert sim.state.share_by_code(code).status == SHARE_REVOKED  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"dk": CELL_BOUND}, 5066),
        ({"pk": CELL_PK}, 5067),
        ({"pk": CELL_PK, "dk": CELL_BOUND, "isInit": "maybe"}, 5000),
        ({"pk": CELL_PK, "dk": CELL_FREE}, 5052),
        ({"pk": WIFI_PK, "dk": SHARED_DK}, 5052),  # shared to the caller, not bound: recipients leave another way
        ({"pk": "nope", "dk": CELL_BOUND}, 5052),
    ],
)
async def test_unbind_errors(cloud: Cloud, params: dict[str, Any], code: int) -> None:
    assert await cloud.code("DELETE", UNBIND, token=cloud.token(), params=params) == code


async def test_unbind_placement_and_auth(cloud: Cloud) -> None:
    params = {"pk": CELL_PK, "dk": CELL_BOUND}
    assert await cloud.code("DELETE", UNBIND, params=params) == 5106
    assert await cloud.code("DELETE", UNBIND, token="Bearer nope", params=params) == 5032
    assert await cloud.code("DELETE", UNBIND, token=cloud.token(), data=params) == 5066


async def _bind_ble(cloud: Cloud, sim: CloudSimulator, dk: str, secret: str | None) -> None:
    """Bind a pure-BLE device for the demo user directly in the state (the bind path is tested elsewhere)."""
    sim.state.bindings.append(Binding(uid=DEMO_UID, pk=BLE_PK, dk=dk, auth_key="", binding_type=4, name="T"))
    sim.state.devices[BLE_PK, dk].binding_secret = secret
    assert (await cloud.devices(dk=dk))["total"] == 1


async def test_unbind_pure_ble_needs_reset_credentials(cloud: Cloud, sim: CloudSimulator) -> None:
    await _bind_ble(cloud, sim, BLE_DK2, BLE_STORED_SECRET)
    token = cloud.token()
    base = {"pk": BLE_PK, "dk": BLE_DK2, "isInit": "true"}
    good = reset_credentials(BLE_DK2, BLE_STORED_SECRET)
    for extra in (
        {},
        {"pureBtResetCredentials": good},
        {"random": RANDOM16},
        {"pureBtResetCredentials": "bm90LWNpcGhlcg==", "random": RANDOM16},
        {"pureBtResetCredentials": good, "random": "short"},
        {"pureBtResetCredentials": reset_credentials(BLE_DK2, "wrongSecret"), "random": RANDOM16},
        {"pureBtResetCredentials": reset_credentials(BLE_DK, BLE_STORED_SECRET), "random": RANDOM16},
    ):
        assert await cloud.code("DELETE", UNBIND, token=token, params=base | extra) == 5050, extra
    assert sim.state.binding_of(DEMO_UID, BLE_PK, BLE_DK2) is not None
    data = await cloud.ok(
        "DELETE", UNBIND, token=token, params=base | {"pureBtResetCredentials": good, "random": RANDOM16}
    )
    assert data == {"bindingSum": 0}
    assert sim.state.devices[BLE_PK, BLE_DK2].binding_secret is None


async def test_unbind_pure_ble_without_stored_secret(cloud: Cloud, sim: CloudSimulator) -> None:
    # A device that kept no secret takes credentials of any secret, as long as they name it.
    await _bind_ble(cloud, sim, BLE_DK, None)
    params = {
        "pk": BLE_PK,
        "dk": BLE_DK,
        "pureBtResetCredentials": reset_credentials(BLE_DK, "any"),
        "random": RANDOM16,
    }
    assert await cloud.ok("DELETE", UNBIND, token=cloud.token(), params=params) == {"bindingSum": 0}
    # Without isInit only the caller's binding goes; the device keeps its code.
    assert sim.state.devices[BLE_PK, BLE_DK].binding_code == BLE_CODE


# ----- shareDevice (accept) -----


async def test_accept_share(cloud: Cloud, sim: CloudSimulator) -> None:
    code = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND)
    friend = cloud.token(FRIEND_UID)
    assert (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["total"] == 0
    assert await cloud.ok("POST", ACCEPT, token=friend, params={"shareCode": code, "deviceName": "Borrowed"}) == {}
    share = sim.state.share_by_code(code)
    assert share is not None
    assert share.status == SHARE_ACCEPTED
    assert share.accepted_at is not None
    item = (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["list"][0]
    assert (item["deviceType"], item["deviceName"], item["shareCode"]) == (2, "Borrowed", code)
    # Accepting again: already accepted.
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": code}) == 6040


async def test_accept_replaces_an_older_accepted_share(cloud: Cloud, sim: CloudSimulator) -> None:
    old = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, accepted=True)
    new = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND)
    await cloud.ok("POST", ACCEPT, token=cloud.token(FRIEND_UID), params={"shareCode": new})
    assert sim.state.share_by_code(old).status == SHARE_REPLACED  # type: ignore[union-attr]
    assert [i["shareCode"] for i in (await cloud.devices(FRIEND_UID, dk=CELL_BOUND))["list"]] == [new]


async def test_accept_cover_mark_three(cloud: Cloud, sim: CloudSimulator) -> None:
    now_ms = int(sim.now() * 1000)
    sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, accepted=True, sharing_expire_at=now_ms + 100_000)
    shorter = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, cover_mark=3, sharing_expire_at=now_ms + 50_000)
    longer = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, cover_mark=3, sharing_expire_at=now_ms + 200_000)
    friend = cloud.token(FRIEND_UID)
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": shorter}) == 5151
    await cloud.ok("POST", ACCEPT, token=friend, params={"shareCode": longer})
    assert sim.state.share_by_code(longer).status == SHARE_ACCEPTED  # type: ignore[union-attr]


async def test_accept_errors(cloud: Cloud, sim: CloudSimulator) -> None:
    friend = cloud.token(FRIEND_UID)
    pending = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND)
    expired = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, sharing_expire_at=1)
    to_neighbour = sim.add_share(DEMO_UID, NEIGHBOUR_UID, CELL_PK, CELL_BOUND)
    assert await cloud.code("POST", ACCEPT, token=friend, params={}) == 5136
    assert (
        await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": pending, "deviceName": "x" * 255}) == 5333
    )
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": "f" * 32}) == 5137
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": expired}) == 5137
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": to_neighbour}) == 5138
    assert await cloud.code("POST", ACCEPT, token=cloud.token(), params={"shareCode": pending}) == 5138
    # The recipient bound the device meanwhile.
    await cloud.ok("POST", BIND_DK, token=friend, params={"pk": CELL_PK, "dk": CELL_BOUND})
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": pending}) == 5049
    assert await cloud.code("POST", ACCEPT, token=friend, json_body={"shareCode": pending}) == 5136
    assert await cloud.code("POST", ACCEPT, params={"shareCode": pending}) == 5106
    assert sim.state.share_by_code(pending).status == SHARE_PENDING  # type: ignore[union-attr]


# ----- ownerUserUnshareDevice (revoke) -----


async def test_revoke_share(cloud: Cloud, sim: CloudSimulator) -> None:
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 1
    friend = cloud.token(FRIEND_UID)
    assert await cloud.ok("DELETE", UNSHARE, token=friend, params={"shareCode": DEMO_SHARE_CODE}) == {}
    assert sim.state.share_by_code(DEMO_SHARE_CODE).status == SHARE_REVOKED  # type: ignore[union-attr]
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 0
    assert await cloud.code("DELETE", UNSHARE, token=friend, params={"shareCode": DEMO_SHARE_CODE}) == 5142


async def test_revoke_errors(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    expired = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, sharing_expire_at=1)
    assert await cloud.code("DELETE", UNSHARE, token=token, params={}) == 5136
    assert await cloud.code("DELETE", UNSHARE, token=token, params={"shareCode": "0" * 32}) == 5041
    # The recipient may not revoke the owner's share (recipients leave with shareUserUnshareDevice).
    assert await cloud.code("DELETE", UNSHARE, token=token, params={"shareCode": DEMO_SHARE_CODE}) == 5041
    assert await cloud.code("DELETE", UNSHARE, token=token, params={"shareCode": expired}) == 5142
    assert await cloud.code("DELETE", UNSHARE, token=token, data={"shareCode": expired}) == 5136
    assert await cloud.code("DELETE", UNSHARE, params={"shareCode": expired}) == 5106


# ----- shareUserUnshareDevice (the recipient leaves) -----


async def test_leave_share(cloud: Cloud, sim: CloudSimulator) -> None:
    demo, friend = cloud.token(), cloud.token(FRIEND_UID)
    owner_list = {"pk": WIFI_PK, "dk": SHARED_DK}
    assert len(await cloud.ok("GET", SHARE_LIST, token=friend, params=owner_list)) == 1
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 1
    body = await cloud.call("DELETE", LEAVE, token=demo, params={"shareCode": DEMO_SHARE_CODE})
    assert body == {"code": 200, "msg": "success", "data": {}, "extMsg": None}
    assert sim.state.share_by_code(DEMO_SHARE_CODE).status == SHARE_LEFT  # type: ignore[union-attr]
    # Gone from the recipient's list and from the owner's list of shares; the owner keeps the device.
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 0
    assert await cloud.ok("GET", SHARE_LIST, token=friend, params=owner_list) == []
    assert (await cloud.devices(FRIEND_UID, dk=SHARED_DK))["list"][0]["deviceType"] == 1
    # Left once: the share has ended, for both ends.
    assert await cloud.code("DELETE", LEAVE, token=demo, params={"shareCode": DEMO_SHARE_CODE}) == 5142
    assert await cloud.code("DELETE", UNSHARE, token=friend, params={"shareCode": DEMO_SHARE_CODE}) == 5142
    assert await cloud.code("POST", ACCEPT, token=demo, params={"shareCode": DEMO_SHARE_CODE}) == 5137
    # The owner may share again, and the device comes back once accepted.
    again = sim.add_share(FRIEND_UID, DEMO_UID, WIFI_PK, SHARED_DK)
    await cloud.ok("POST", ACCEPT, token=demo, params={"shareCode": again})
    assert [i["shareCode"] for i in (await cloud.devices(dk=SHARED_DK))["list"]] == [again]
    # Unbinding later does not turn a left share into a revoked one.
    sim.unbind_elsewhere(FRIEND_UID, WIFI_PK, SHARED_DK)
    assert sim.state.share_by_code(DEMO_SHARE_CODE).status == SHARE_LEFT  # type: ignore[union-attr]
    assert sim.state.share_by_code(again).status == SHARE_REVOKED  # type: ignore[union-attr]


async def test_leave_pending_share(cloud: Cloud, sim: CloudSimulator) -> None:
    friend = cloud.token(FRIEND_UID)
    pending = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND)
    assert await cloud.ok("DELETE", LEAVE, token=friend, params={"shareCode": pending}) == {}
    assert sim.state.share_by_code(pending).status == SHARE_LEFT  # type: ignore[union-attr]
    assert await cloud.code("POST", ACCEPT, token=friend, params={"shareCode": pending}) == 5137
    assert await cloud.ok("GET", SHARE_LIST, token=cloud.token(), params={"pk": CELL_PK, "dk": CELL_BOUND}) == []


async def test_leave_errors(cloud: Cloud, sim: CloudSimulator) -> None:
    demo, friend = cloud.token(), cloud.token(FRIEND_UID)
    expired = sim.add_share(FRIEND_UID, DEMO_UID, WIFI_PK, SHARED_DK, accepted=True, sharing_expire_at=1)
    to_neighbour = sim.add_share(DEMO_UID, NEIGHBOUR_UID, CELL_PK, CELL_BOUND, accepted=True)
    revoked = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND)
    await cloud.ok("DELETE", UNSHARE, token=demo, params={"shareCode": revoked})
    assert await cloud.code("DELETE", LEAVE, token=demo, params={}) == 5136
    assert await cloud.code("DELETE", LEAVE, token=demo, params={"shareCode": " "}) == 5136
    assert await cloud.code("DELETE", LEAVE, token=demo, params={"shareCode": "0" * 32}) == 5041
    # Only the recipient leaves: not the owner, not another user.
    assert await cloud.code("DELETE", LEAVE, token=friend, params={"shareCode": DEMO_SHARE_CODE}) == 5041
    assert await cloud.code("DELETE", LEAVE, token=demo, params={"shareCode": to_neighbour}) == 5041
    assert await cloud.code("DELETE", LEAVE, token=friend, params={"shareCode": to_neighbour}) == 5041
    # Ended shares: expired, revoked by the owner.
    assert await cloud.code("DELETE", LEAVE, token=demo, params={"shareCode": expired}) == 5142
    assert await cloud.code("DELETE", LEAVE, token=friend, params={"shareCode": revoked}) == 5142
    # Query only: a form or JSON body is not read; the token comes first.
    assert await cloud.code("DELETE", LEAVE, token=demo, data={"shareCode": DEMO_SHARE_CODE}) == 5136
    assert await cloud.code("DELETE", LEAVE, token=demo, json_body={"shareCode": DEMO_SHARE_CODE}) == 5136
    assert await cloud.code("DELETE", LEAVE, params={"shareCode": DEMO_SHARE_CODE}) == 5106
    assert await cloud.code("DELETE", LEAVE, token="Bearer nonsense", params={"shareCode": DEMO_SHARE_CODE}) == 5032
    async with cloud.session.post(
        sim.url + LEAVE, params={"shareCode": DEMO_SHARE_CODE}, headers={"Authorization": demo}
    ) as resp:
        assert resp.status == 405
    assert sim.state.share_by_code(DEMO_SHARE_CODE).status == SHARE_ACCEPTED  # type: ignore[union-attr]


# ----- deviceShareUserList -----


async def test_share_user_list(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    assert await cloud.ok("GET", SHARE_LIST, token=token, params={"pk": CELL_PK, "dk": CELL_BOUND}) == []
    expire = int(sim.now() * 1000) + 3_600_000
    pending = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, sharing_expire_at=expire, cover_mark=2)
    accepted = sim.add_share(DEMO_UID, NEIGHBOUR_UID, CELL_PK, CELL_BOUND, accepted=True)
    sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND, sharing_expire_at=1)  # expired: not listed
    revoked = sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_BOUND)
    await cloud.ok("DELETE", UNSHARE, token=token, params={"shareCode": revoked})
    items = await cloud.ok("GET", SHARE_LIST, token=token, params={"pk": CELL_PK, "dk": CELL_BOUND})
    assert [item["shareInfo"]["shareCode"] for item in items] == [pending, accepted]
    first, second = items
    info = first["shareInfo"]
    assert info["shareStatus"] == 0
    assert info["shareUid"] == FRIEND_UID
    assert info["ownerUid"] == DEMO_UID
    assert info["coverMark"] == 2
    assert info["sharingExpireAtTs"] == expire
    assert isinstance(info["sharingExpireAt"], str)
    assert info["acceptTimeTs"] is None
    assert info["shareTimeTs"] > 0
    assert (info["pk"], info["dk"], info["fid"]) == (CELL_PK, CELL_BOUND, "fam-demo-home")
    assert info["authKey"] == "pQSpXFqVlUJPxsivVIE96Q=="
    assert first["userInfo"]["email"] == "friend@example.com"
    assert first["userInfo"]["nikeName"] == "Friend"
    assert second["shareInfo"]["shareStatus"] == 1
    assert second["shareInfo"]["acceptTimeTs"] > 0
    assert second["shareInfo"]["sharingExpireAt"] is None
    assert second["userInfo"]["uid"] == NEIGHBOUR_UID
    # A recipient removed from the cloud leaves its share without user details.
    del sim.state.users[NEIGHBOUR_UID]
    items = await cloud.ok("GET", SHARE_LIST, token=token, params={"pk": CELL_PK, "dk": CELL_BOUND})
    assert items[1]["userInfo"] is None


async def test_share_user_list_errors(cloud: Cloud) -> None:
    token = cloud.token()
    assert await cloud.code("GET", SHARE_LIST, token=token, params={"dk": CELL_BOUND}) == 5066
    assert await cloud.code("GET", SHARE_LIST, token=token, params={"pk": CELL_PK}) == 5067
    assert await cloud.code("GET", SHARE_LIST, token=token, params={"pk": CELL_PK, "dk": CELL_FREE}) == 5141
    # Shared to the caller is not owned by the caller.
    assert await cloud.code("GET", SHARE_LIST, token=token, params={"pk": WIFI_PK, "dk": SHARED_DK}) == 5141
    assert await cloud.code("GET", SHARE_LIST, params={"pk": CELL_PK, "dk": CELL_BOUND}) == 5106


# ----- test helpers -----


async def test_online_switch_and_unbind_elsewhere(cloud: Cloud, sim: CloudSimulator) -> None:
    assert (await cloud.devices(dk=CELL_BOUND))["list"][0]["onlineStatus"] == 1
    sim.set_online(CELL_PK, CELL_BOUND, online=False)
    item = (await cloud.devices(dk=CELL_BOUND))["list"][0]
    assert (item["onlineStatus"], item["deviceStatus"]) == (0, "Offline")
    sim.set_online(CELL_PK, CELL_BOUND)
    assert (await cloud.devices(dk=CELL_BOUND))["list"][0]["onlineStatus"] == 1
    assert sim.unbind_elsewhere(FRIEND_UID, WIFI_PK, SHARED_DK) is True
    # The friend's share to the demo user ends with the friend's binding.
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 0
    assert sim.unbind_elsewhere(FRIEND_UID, WIFI_PK, SHARED_DK) is False
    with pytest.raises(KeyError):
        sim.set_online("nope", "nope")


async def test_add_share_needs_an_owner_binding(sim: CloudSimulator) -> None:
    with pytest.raises(KeyError):
        sim.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_FREE)
    with pytest.raises(KeyError):
        sim.add_share(DEMO_UID, "C9999", CELL_PK, CELL_BOUND)
