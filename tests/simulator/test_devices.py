"""The simulator's device list and home reads over raw HTTP."""

from __future__ import annotations

from quectel_simulator import CloudSimulator
from tests.simulator.helpers import (
    BIND_DK,
    CELL_BOUND,
    CELL_PK,
    DEVICE_LIST,
    FAMILY_LIST,
    FAMILY_MODE,
    FRIEND_UID,
    ROOM_LIST,
    SHARED_DK,
    Cloud,
)

# ----- device list -----


async def test_device_list_demo(cloud: Cloud) -> None:
    page = await cloud.devices()
    assert page["total"] == 2
    own, shared = page["list"]
    assert own["deviceType"] == 1
    assert (own["productKey"], own["deviceKey"]) == (CELL_PK, CELL_BOUND)
    assert own["authKey"] == "pQSpXFqVlUJPxsivVIE96Q=="
    assert own["onlineStatus"] == 1
    assert own["bindingType"] == 3
    assert own["verified"] == 1
    assert (own["fid"], own["frid"]) == ("fam-demo-home", "room-living")
    assert own["productName"] == "GPS Tracker"
    assert own["logoImage"].endswith("p11cell.png")
    assert own["deviceBindTime"] == "2025-03-01 10:00:00"
    assert own["deviceBindTimeTs"] == 1740823200000
    assert shared["deviceType"] == 2
    assert shared["deviceKey"] == SHARED_DK
    assert shared["ownerUid"] == FRIEND_UID
    assert shared["shareCode"] == "53f2d1e7b4181db8636868128ec7a223"
    assert shared["sharingExpireAt"] is None
    assert shared["authKey"] == "tKy+Y9W4Vy4bKC6Vo/hrjg=="
    for item in page["list"]:
        assert {
            "deviceName",
            "capabilitiesBitmask",
            "bindMode",
            "bindingCode",
            "deviceBindTimeTs",
            "logoImage",
        } <= set(item)


async def test_device_list_pagination_and_filters(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    for dk in ("c0ffee000002", "c0ffee000003"):
        await cloud.ok("POST", BIND_DK, token=token, params={"pk": CELL_PK, "dk": dk})
    await cloud.ok("POST", BIND_DK, token=token, params={"pk": "p11uniq", "dk": "e0e1e2e3e402"})
    first = await cloud.devices(page=1, pageSize=2)
    assert first["total"] == 5
    assert first["pages"] == 3
    assert first["pageNum"] == 1
    assert first["pageSize"] == 2
    assert len(first["list"]) == 2
    assert first["hasNextPage"] is True
    assert first["isLastPage"] is False
    assert first["isFirstPage"] is True
    last = await cloud.devices(page=3, pageSize=2)
    assert len(last["list"]) == 1
    assert last["hasNextPage"] is False
    assert last["isLastPage"] is True
    assert last["prePage"] == 2
    beyond = await cloud.devices(page=9, pageSize=2)
    assert beyond["list"] == []
    seen = [d["deviceKey"] for p in (1, 2, 3) for d in (await cloud.devices(page=p, pageSize=2))["list"]]
    assert len(set(seen)) == 5
    assert (await cloud.devices(pkList=f"{CELL_PK}, p11uniq"))["total"] == 4
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 1
    assert (await cloud.devices(deviceName="Tracker"))["total"] == 3
    for params in ({"page": "0"}, {"pageSize": "x"}, {"pageSize": "0"}, {"page": "1.5"}):
        assert await cloud.code("GET", DEVICE_LIST, token=token, params=params) == 5000
    # A share whose owner's binding is gone no longer lists.
    sim.state.bindings = [b for b in sim.state.bindings if b.uid != FRIEND_UID]
    assert (await cloud.devices(dk=SHARED_DK))["total"] == 0


# ----- homes -----


async def test_family_reads(cloud: Cloud) -> None:
    token = cloud.token()
    config = await cloud.ok("GET", FAMILY_MODE, token=token)
    assert config == {"enabledFamilyMode": True, "enabledAutoSwitch": False}
    homes = await cloud.ok("GET", FAMILY_LIST, token=token)
    assert [(h["fid"], h["memberRole"]) for h in homes["list"]] == [("fam-demo-home", 1), ("fam-neighbour", 3)]
    assert homes["list"][0]["familyName"] == "Demo Home"
    assert homes["total"] == 2
    created = await cloud.ok("GET", FAMILY_LIST, token=token, params={"role": "1,2"})
    assert [h["fid"] for h in created["list"]] == ["fam-demo-home"]
    assert await cloud.code("GET", FAMILY_LIST, token=token, params={"role": "4"}) == 5000
    assert await cloud.code("GET", FAMILY_LIST, token=token, params={"role": "x"}) == 5000
    rooms = await cloud.ok("GET", ROOM_LIST, token=token, params={"fid": "fam-demo-home"})
    assert [(r["frid"], r["roomName"], r["roomSort"]) for r in rooms["list"]] == [
        ("room-living", "Living Room", 0),
        ("room-bedroom", "Bedroom", 1),
    ]
    small = await cloud.ok("GET", ROOM_LIST, token=token, params={"fid": "fam-demo-home", "pageSize": 1})
    assert small["hasNextPage"] is True
    assert await cloud.code("GET", ROOM_LIST, token=token) == 5618
    assert await cloud.code("GET", ROOM_LIST, token=token, params={"fid": "nope"}) == 5041
    assert await cloud.code("GET", ROOM_LIST, token=cloud.token("C1003"), params={"fid": "fam-demo-home"}) == 5041


async def test_family_mode_off(cloud: Cloud) -> None:
    token = cloud.token(FRIEND_UID)
    assert await cloud.ok("GET", FAMILY_MODE, token=token) == {"enabledFamilyMode": False, "enabledAutoSwitch": False}
    assert await cloud.code("GET", FAMILY_LIST, token=token) == 5624
    assert await cloud.code("GET", ROOM_LIST, token=token, params={"fid": "fam-demo-home"}) == 5624
    assert await cloud.code("GET", FAMILY_LIST) == 5106
