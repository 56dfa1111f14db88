"""The simulator's bind endpoints over raw HTTP: bindDeviceDk, v2/deviceBindingByWifi and deviceBindingByPureBt."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from quectel_simulator import CloudSimulator, Device, Share
from quectel_simulator.codes import MESSAGES
from quectel_simulator.state import SHARE_REVOKED
from tests.simulator.helpers import (
    BIND_BLE,
    BIND_DK,
    BIND_WIFI,
    BLE_CODE,
    BLE_CODE2,
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
    OTHER_SECRET,
    RANDOM16,
    SECRET,
    SHARE,
    SHARED_DK,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
    Cloud,
    aes_b64,
    ble_body,
    sha,
    wifi_body,
)

# ----- bindDeviceDk -----


async def test_bind_dk_success(cloud: Cloud, sim: CloudSimulator) -> None:
    params = {
        "pk": CELL_PK,
        "dk": CELL_FREE,
        "name": "Garage tracker",
        "capabilitiesBitmask": 5,
        "fid": "fam-demo-home",
        "frid": "room-bedroom",
        "isCommonDevice": "false",
    }
    data = await cloud.ok("POST", BIND_DK, token=cloud.token(), params=params)
    assert set(data) == {"authKey"}
    assert len(base64.b64decode(data["authKey"])) == 16
    item = (await cloud.devices(dk=CELL_FREE))["list"][0]
    assert item["deviceName"] == "Garage tracker"
    assert item["bindingType"] == 3
    assert item["capabilitiesBitmask"] == 5
    assert (item["fid"], item["frid"]) == ("fam-demo-home", "room-bedroom")
    assert item["authKey"] == data["authKey"]
    binding = sim.state.binding_of(DEMO_UID, CELL_PK, CELL_FREE)
    assert binding is not None
    assert binding.is_common is False
    recorded = sim.requests_to("bindDeviceDk")[-1]
    assert recorded.query["pk"] == CELL_PK
    assert recorded.json is None
    assert recorded.response_code == 200
    # Without a name the device's own name is used; a second user of a multi-binding product shares the authKey.
    friend = await cloud.ok("POST", BIND_DK, token=cloud.token(FRIEND_UID), params={"pk": CELL_PK, "dk": CELL_FREE})
    assert friend["authKey"] == data["authKey"]
    assert (await cloud.devices(FRIEND_UID, dk=CELL_FREE))["list"][0]["deviceName"] == "Tracker 2"


def _dk(**params: Any) -> dict[str, Any]:
    return {"pk": CELL_PK, "dk": CELL_FREE} | params


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"dk": CELL_FREE}, 5066),
        ({"pk": CELL_PK}, 5067),
        ({"pk": "", "dk": CELL_FREE}, 5066),
        (_dk(frid="room-living"), 5636),
        (_dk(dk="abc"), 5361),
        (_dk(dk="c0ff-ee00-0002"), 5361),
        (_dk(dk="x" * 33), 5361),
        (_dk(name="n" * 255), 5333),
        (_dk(capabilitiesBitmask=0), 5000),
        (_dk(capabilitiesBitmask=16), 5000),
        (_dk(capabilitiesBitmask="many"), 5000),
        (_dk(isCommonDevice="maybe"), 5000),
        (_dk(dk="c0ffee0000ff"), 5314),
        (_dk(pk="p11none"), 5314),
        ({"pk": "p11priv", "dk": "b0b1b2b3b4b5"}, 5229),
        (_dk(dk="c0ffee0000dc"), 6083),
        (_dk(fid="fam-unknown"), 5041),
        (_dk(fid="fam-neighbour"), 5669),
        (_dk(fid="fam-neighbour", frid="room-kitchen"), 5669),
        (_dk(fid="fam-demo-home", frid="room-kitchen"), 5041),
        ({"pk": WIFI_PK, "dk": SHARED_DK}, 6040),
        (_dk(dk=CELL_BOUND), 5049),
        ({"pk": "p11uniq", "dk": "e0e1e2e3e401"}, 5412),
    ],
)
async def test_bind_dk_errors(cloud: Cloud, params: dict[str, Any], code: int) -> None:
    body = await cloud.call("POST", BIND_DK, token=cloud.token(), params=params)
    assert body["code"] == code
    assert body["msg"] == MESSAGES[code]


async def test_bind_dk_edges(cloud: Cloud, sim: CloudSimulator) -> None:
    # Auth comes first.
    assert await cloud.code("POST", BIND_DK, params=_dk()) == 5106
    assert await cloud.code("POST", BIND_DK, params={}, token="Bearer x") == 5032
    # Home mode off: a fid is refused.
    assert await cloud.code("POST", BIND_DK, token=cloud.token(FRIEND_UID), params=_dk(fid="fam-demo-home")) == 5624
    # Parameters in a JSON body are not read.
    assert await cloud.code("POST", BIND_DK, token=cloud.token(), json_body=_dk()) == 5066
    # Exactly 254 characters is fine; a 4-character DK is fine; booleans in Spring's words.
    assert (
        await cloud.code("POST", BIND_DK, token=cloud.token(), params=_dk(name="n" * 254, isCommonDevice="ON")) == 200
    )
    binding = sim.state.binding_of(DEMO_UID, CELL_PK, CELL_FREE)
    assert binding is not None
    assert binding.is_common is True
    sim.state.devices[CELL_PK, "abcd"] = Device(pk=CELL_PK, dk="abcd")
    assert await cloud.code("POST", BIND_DK, token=cloud.token(), params=_dk(dk="abcd")) == 200
    # An expired accepted share no longer blocks the bind (6040).
    share = sim.state.shares[0]
    share.sharing_expire_at = int(sim.now() * 1000) + 1000
    sim.advance_clock(2)
    assert await cloud.code("POST", BIND_DK, token=cloud.token(), params={"pk": WIFI_PK, "dk": SHARED_DK}) == 200


async def test_binding_modes(cloud: Cloud, sim: CloudSimulator) -> None:
    demo, friend = cloud.token(), cloud.token(FRIEND_UID)
    # Unique: the first binder owns it.
    uniq = {"pk": "p11uniq", "dk": "e0e1e2e3e402"}
    assert await cloud.code("POST", BIND_DK, token=demo, params=uniq) == 200
    assert await cloud.code("POST", BIND_DK, token=friend, params=uniq) == 5412
    # Rotation: the new binding replaces friend's, whose shares end.
    sim.state.shares.append(
        Share(share_code="r1", owner_uid=FRIEND_UID, recipient_uid="C1003", pk="p11rota", dk="f0f1f2f3f401")
    )
    rota = {"pk": "p11rota", "dk": "f0f1f2f3f401"}
    old_key = sim.state.binding_of(FRIEND_UID, "p11rota", "f0f1f2f3f401")
    assert old_key is not None
    data = await cloud.ok("POST", BIND_DK, token=demo, params=rota)
    assert data["authKey"] != old_key.auth_key
    assert [b.uid for b in sim.state.bindings_of_device("p11rota", "f0f1f2f3f401")] == [DEMO_UID]
    assert sim.state.shares[-1].status == SHARE_REVOKED
    assert (await cloud.devices(FRIEND_UID, pkList="p11rota"))["total"] == 0


# ----- Wi-Fi binding -----


MATTER = {
    "catList": [{"cat": 1, "privilege": "Operate"}],
    "discriminator": 3840,
    "extra": "",
    "fabricId": 1,
    "matterProductId": 32769,
    "matterVendorId": 65521,
    "matterVersion": "1.2",
    "nodeId": 4660,
}


async def test_bind_wifi_success(cloud: Cloud, sim: CloudSimulator) -> None:
    body = wifi_body(deviceName="Desk plug", capabilitiesBitmask=3, fid="fam-demo-home", isCommonDevice=True)
    data = await cloud.ok("POST", BIND_WIFI, token=cloud.token(), json_body=body)
    assert set(data) == {"authKey", "bindingMode", "productName", "productLogo"}
    assert data["bindingMode"] == 1
    assert data["productName"] == "Smart Plug"
    assert data["productLogo"].endswith("p11wifi.png")
    assert len(base64.b64decode(data["authKey"])) == 16
    item = (await cloud.devices(dk=WIFI_DK))["list"][0]
    assert item["bindingType"] == 2
    assert item["bindingCode"] == WIFI_CODE
    assert item["deviceName"] == "Desk plug"
    assert item["isMatter"] is False
    assert sim.requests_to("deviceBindingByWifi")[-1].json == body


async def test_bind_wifi_matter(cloud: Cloud) -> None:
    body = wifi_body(isMatter=True, matterInfo=MATTER)
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=body) == 200
    item = (await cloud.devices(dk=WIFI_DK))["list"][0]
    assert item["isMatter"] is True
    assert item["matterInfo"]["nodeId"] == 4660


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("discriminator", 5879),
        ("matterProductId", 5880),
        ("matterVersion", 5881),
        ("matterVendorId", 5882),
        ("fabricId", 5883),
        ("nodeId", 5885),
    ],
)
async def test_bind_wifi_matter_missing(cloud: Cloud, missing: str, code: int) -> None:
    info = {k: v for k, v in MATTER.items() if k != missing}
    body = wifi_body(isMatter=True, matterInfo=info)
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=body) == code
    if missing == "matterVersion":
        body = wifi_body(isMatter=True, matterInfo=MATTER | {"matterVersion": " "})
        assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=body) == code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"deviceKey": WIFI_DK, "bindingCode": WIFI_CODE}, 5066),
        ({"productKey": WIFI_PK, "bindingCode": WIFI_CODE}, 5067),
        ({"productKey": WIFI_PK, "deviceKey": WIFI_DK}, 5179),
        (wifi_body(bindingCode=None), 5179),
        (wifi_body(isMatter="perhaps"), 5000),
        (wifi_body(isMatter=True), 5879),
        (wifi_body(isMatter=True, matterInfo="nope"), 5879),
        (wifi_body(frid="room-living"), 5636),
        (wifi_body(deviceKey="a0:b1:c2"), 5361),
        (wifi_body(deviceName="n" * 300), 5333),
        (wifi_body(capabilitiesBitmask=99), 5000),
        (wifi_body(capabilitiesBitmask=True), 5000),
        (wifi_body(bindingCode="0123456789abcdef"), 5213),
        (wifi_body(bindingCode="0123"), 5213),
        (wifi_body(deviceKey="a0b1c2d3e4f7"), 5460),
        (wifi_body(bindingCode="FFFFFFFFFFFFFFFF"), 5462),
        (wifi_body(productKey="p11priv", deviceKey="b0b1b2b3b4b5"), 5229),
        (wifi_body(deviceKey=SHARED_DK), 6040),
        (wifi_body(fid="fam-neighbour"), 5669),
    ],
)
async def test_bind_wifi_errors(cloud: Cloud, body: dict[str, Any], code: int) -> None:
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=body) == code


async def test_bind_wifi_codes_over_time(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    code = sim.report_binding_code(WIFI_PK, "a0b1c2d3e4f7", ttl=10)
    assert len(code) == 16
    assert code == code.upper()
    int(code, 16)
    sim.advance_clock(11)
    assert (
        await cloud.code(
            "POST", BIND_WIFI, token=token, json_body=wifi_body(deviceKey="a0b1c2d3e4f7", bindingCode=code)
        )
        == 5461
    )
    code = sim.report_binding_code(WIFI_PK, "a0b1c2d3e4f7", "00000000000000AA", ttl=10)
    assert code == "00000000000000AA"
    assert (
        await cloud.code(
            "POST", BIND_WIFI, token=token, json_body=wifi_body(deviceKey="a0b1c2d3e4f7", bindingCode=code)
        )
        == 200
    )
    # Demo codes never expire.
    sim.advance_clock(10 * 365 * 86400)
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=wifi_body()) == 200
    with pytest.raises(KeyError):
        sim.report_binding_code(WIFI_PK, "000000000000")


async def test_bind_wifi_wrong_placement(cloud: Cloud) -> None:
    # The body fields sent as query parameters are not read.
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), params=wifi_body()) == 5066
    # A form body is not JSON either.
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), data=wifi_body()) == 5066
    # A JSON array is not the object the endpoint expects.
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=[wifi_body()]) == 5066
    # Numbers are accepted where strings are expected (as Spring would).
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=wifi_body(fid=123)) == 5041


# ----- pure-BLE binding -----


async def test_bind_ble_encrypted_code(cloud: Cloud, sim: CloudSimulator) -> None:
    body = ble_body(pwd="pin1234", deviceName="Fridge thermometer", capabilitiesBitmask=4)
    assert await cloud.ok("POST", BIND_BLE, token=cloud.token(), json_body=body) == {"verified": 1}
    assert sim.state.devices[BLE_PK, BLE_DK].binding_secret == "newSecret01"
    item = (await cloud.devices(dk=BLE_DK))["list"][0]
    assert item["bindingType"] == 4
    assert item["btPwd"] == "pin1234"
    assert item["verified"] == 1
    assert item["bindingCode"] == BLE_CODE
    assert item["networkType"] == 5


async def test_bind_ble_clear_code(cloud: Cloud, sim: CloudSimulator) -> None:
    body = ble_body(encrypted=False, binding_secret="with,comma")
    assert await cloud.ok("POST", BIND_BLE, token=cloud.token(), json_body=body) == {"verified": 1}
    assert sim.state.devices[BLE_PK, BLE_DK].binding_secret == "with,comma"


async def test_bind_ble_stored_secret(cloud: Cloud, sim: CloudSimulator) -> None:
    device = sim.state.devices[BLE_PK, BLE_DK2]
    # Without the old secret: bound, but unverified (and cannot be shared).
    body = ble_body(dk=BLE_DK2, code=BLE_CODE2, binding_secret="second")
    assert await cloud.ok("POST", BIND_BLE, token=cloud.token(), json_body=body) == {"verified": 0}
    assert device.binding_secret == "second"
    share = {"pk": BLE_PK, "dk": BLE_DK2, "shareUid": FRIEND_UID}
    assert await cloud.code("POST", SHARE, token=cloud.token(), params=share) == 5360
    # With the right old secret: verified.
    friend = cloud.token(FRIEND_UID)
    wrong_old = ble_body(dk=BLE_DK2, code=BLE_CODE2, binding_secret="third", old_secret=BLE_STORED_SECRET)
    assert await cloud.code("POST", BIND_BLE, token=friend, json_body=wrong_old) == 5462
    garbage_old = ble_body(dk=BLE_DK2, code=BLE_CODE2, binding_secret="third") | {"encryptedOldBindingSecret": "AAAA"}
    assert await cloud.code("POST", BIND_BLE, token=friend, json_body=garbage_old) == 5462
    right_old = ble_body(dk=BLE_DK2, code=BLE_CODE2, binding_secret="third", old_secret="second")
    assert await cloud.ok("POST", BIND_BLE, token=friend, json_body=right_old) == {"verified": 1}
    assert device.binding_secret == "third"


async def test_bind_ble_demo_old_secret(cloud: Cloud) -> None:
    body = ble_body(dk=BLE_DK2, code=BLE_CODE2, old_secret=BLE_STORED_SECRET)
    assert await cloud.ok("POST", BIND_BLE, token=cloud.token(), json_body=body) == {"verified": 1}


def _drop(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


def _resign(body: dict[str, Any]) -> dict[str, Any]:
    signed = body.get("encryptedBindingCode") or body.get("bindingCode") or ""
    return body | {"signature": sha(body["pk"], body["dk"], signed, body.get("pwd") or "", SECRET)}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_drop(ble_body(), "pk"), 5066),
        (_drop(ble_body(), "dk"), 5067),
        (_drop(ble_body(), "random"), 5179),
        (_drop(ble_body(), "signature"), 5550),
        (_drop(ble_body(), "encryptedBindingCode"), 5179),
        (_drop(ble_body(), "encryptedNewBindingSecret"), 5458),
        (ble_body(frid="room-living"), 5636),
        (_resign(ble_body(dk="d0:d1")), 5361),
        (ble_body(deviceName="n" * 255), 5333),
        (ble_body(capabilitiesBitmask=-1), 5000),
        (ble_body(pwd="abc"), 5357),
        (ble_body(pwd="a" * 17), 5357),
        (ble_body(pwd="pin 1234"), 5357),
        (ble_body(encrypted=False, code="bfffcbdaaa200bda"), 5213),
        (ble_body(domain_secret=OTHER_SECRET), 5420),
        (ble_body(pwd="pin1234") | {"pwd": "pin9999"}, 5420),
        # Signed over the clear code while sending the encrypted one.
        (ble_body() | {"signature": sha(BLE_PK, BLE_DK, BLE_CODE, "", SECRET)}, 5420),
        (_resign(ble_body(dk="d0d1d2d3d4ff")), 5314),
        (_resign(ble_body(ps="WrongProductKey1")), 5213),
        (_resign(ble_body(code="not hex at all!!")), 5213),
        (_resign(ble_body(code="FFFFFFFFFFFFFFFF")), 5462),
        (_resign(ble_body(encrypted=False, code="FFFFFFFFFFFFFFFF")), 5462),
        (ble_body() | {"encryptedNewBindingSecret": "AAAA"}, 5459),
        (ble_body() | {"encryptedNewBindingSecret": aes_b64("no commas", BLE_PS.encode(), RANDOM16.encode())}, 5459),
        (
            ble_body()
            | {"encryptedNewBindingSecret": aes_b64(f"{BLE_PK},other,s", BLE_PS.encode(), RANDOM16.encode())},
            5459,
        ),
        (
            ble_body()
            | {"encryptedNewBindingSecret": aes_b64(f"{BLE_PK},{BLE_DK},", BLE_PS.encode(), RANDOM16.encode())},
            5459,
        ),
        (ble_body() | {"random": "short"}, 5213),
    ],
)
async def test_bind_ble_errors(cloud: Cloud, sim: CloudSimulator, body: dict[str, Any], code: int) -> None:
    assert await cloud.code("POST", BIND_BLE, token=cloud.token(), json_body=body) == code
    assert sim.state.devices[BLE_PK, BLE_DK].binding_secret is None


async def test_bind_ble_state_and_placement(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    assert await cloud.code("POST", BIND_BLE, token=token, params=ble_body()) == 5066
    sim.state.devices[BLE_PK, BLE_DK].binding_code = None
    assert await cloud.code("POST", BIND_BLE, token=token, json_body=ble_body()) == 5460
    sim.report_binding_code(BLE_PK, BLE_DK, BLE_CODE, ttl=5)
    sim.advance_clock(6)
    assert await cloud.code("POST", BIND_BLE, token=token, json_body=ble_body()) == 5461
    sim.report_binding_code(BLE_PK, BLE_DK, BLE_CODE, ttl=0)
    assert await cloud.code("POST", BIND_BLE, token=token, json_body=ble_body()) == 200
    assert await cloud.code("POST", BIND_BLE, token=token, json_body=ble_body()) == 5049
