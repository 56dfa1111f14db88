"""The client's unbinding and share-management calls against the simulator: wire contents, parsing, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from custom_components.quectel_iot.api import (
    DeviceShare,
    LeaveShareResult,
    QuecApiError,
    QuecCloudClient,
    QuecNotFoundError,
    QuecPermissionError,
    QuecResponseError,
    UnbindRequest,
)
from quectel_simulator import Binding, CloudSimulator, Fault
from quectel_simulator.crypto import ble_encrypt
from tests.api.helpers import issued, make_client
from tests.common import (
    BLE_DK,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_UID,
    FRIEND_UID,
    WIFI_PK,
)

if TYPE_CHECKING:
    import aiohttp

SHARED_DK = "a0b1c2d3e4f8"
DEMO_SHARE_CODE = "53f2d1e7b4181db8636868128ec7a223"


async def test_unbind_wire_and_result(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    result = await client.unbind_device(UnbindRequest(CELL_PK, CELL_DK_BOUND))
    (request,) = simulator.requests
    assert (request.method, request.path) == ("DELETE", "/v2/binding/enduserapi/unbundlingDeviceDk")
    assert request.query == {"pk": CELL_PK, "dk": CELL_DK_BOUND}
    assert request.json is None
    assert (result.product_key, result.device_key, result.binding_sum) == (CELL_PK, CELL_DK_BOUND, 0)
    assert simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_BOUND) is None


async def test_unbind_pure_ble_sends_reset_arguments(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    simulator.state.bindings.append(Binding(uid=DEMO_UID, pk=BLE_PK, dk=BLE_DK, auth_key="", binding_type=4))
    random = "abcdefghijklmnop"
    credentials = ble_encrypt(f"{BLE_PK},{BLE_DK},secret", BLE_PS, random)
    request = UnbindRequest(BLE_PK, BLE_DK, reset=True, reset_credentials=credentials, random=random)
    assert "reset_credentials" not in repr(request)
    result = await client.unbind_device(request)
    assert simulator.requests[0].query == {
        "pk": BLE_PK,
        "dk": BLE_DK,
        "isInit": "true",
        "pureBtResetCredentials": credentials,
        "random": random,
    }
    assert result.binding_sum == 0


async def test_unbind_refuses_half_the_reset_arguments(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    with pytest.raises(ValueError, match="both"):
        await client.unbind_device(UnbindRequest(BLE_PK, BLE_DK, reset_credentials="abc"))
    with pytest.raises(ValueError, match="both"):
        await client.unbind_device(UnbindRequest(BLE_PK, BLE_DK, random="abcdefghijklmnop"))
    assert simulator.requests == []


async def test_unbind_errors_and_no_retry(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    with pytest.raises(QuecApiError) as info:
        await client.unbind_device(UnbindRequest(CELL_PK, CELL_DK_FREE, reset=False))
    assert info.value.code == 5052
    assert simulator.requests[0].query["isInit"] == "false"
    simulator.clear_requests()
    simulator.faults.add(Fault(kind="http_status", status=503, path="unbundlingDeviceDk", count=5))
    with pytest.raises(QuecResponseError):
        await client.unbind_device(UnbindRequest(CELL_PK, CELL_DK_BOUND))
    assert len(simulator.requests) == 1  # never repeated by itself


@pytest.mark.parametrize(("data", "binding_sum"), [(None, None), ({"bindingSum": True}, None), ({"bindingSum": 3}, 3)])
async def test_unbind_binding_sum_shapes(
    client: QuecCloudClient, simulator: CloudSimulator, monkeypatch: pytest.MonkeyPatch, data: Any, binding_sum: Any
) -> None:
    # The simulator always answers the documented shape; these are the shapes a real cloud might send instead.
    async def fake_call(*_args: Any, **_kwargs: Any) -> Any:
        return data

    monkeypatch.setattr(client, "_call", fake_call)
    assert (await client.unbind_device(UnbindRequest(CELL_PK, CELL_DK_BOUND))).binding_sum == binding_sum


async def test_accept_share_wire(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    code = simulator.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_DK_BOUND)
    friend = make_client(session, simulator, tokens=issued(simulator, FRIEND_UID))
    await friend.accept_share(code, "Borrowed tracker")
    (request,) = simulator.requests
    assert (request.method, request.path) == ("POST", "/v2/binding/enduserapi/shareDevice")
    assert request.query == {"shareCode": code, "deviceName": "Borrowed tracker"}
    devices = await friend.get_devices()
    assert [(d.device_key, d.device_name) for d in devices if d.device_key == CELL_DK_BOUND] == [
        (CELL_DK_BOUND, "Borrowed tracker")
    ]
    simulator.clear_requests()
    with pytest.raises(QuecApiError) as info:
        await friend.accept_share(code)
    assert info.value.code == 6040
    assert simulator.requests[0].query == {"shareCode": code}


async def test_revoke_share_wire(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    friend = make_client(session, simulator, tokens=issued(simulator, FRIEND_UID))
    await friend.revoke_share(DEMO_SHARE_CODE)
    (request,) = simulator.requests
    assert (request.method, request.path, request.query) == (
        "DELETE",
        "/v2/binding/enduserapi/ownerUserUnshareDevice",
        {"shareCode": DEMO_SHARE_CODE},
    )
    with pytest.raises(QuecApiError) as info:
        await friend.revoke_share(DEMO_SHARE_CODE)
    assert info.value.code == 5142


async def test_device_shares(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    expire = int(simulator.now() * 1000) + 86_400_000
    pending = simulator.add_share(DEMO_UID, FRIEND_UID, CELL_PK, CELL_DK_BOUND, sharing_expire_at=expire)
    accepted = simulator.add_share(DEMO_UID, "C1003", CELL_PK, CELL_DK_BOUND, accepted=True, cover_mark=2)
    shares = await client.get_device_shares(CELL_PK, CELL_DK_BOUND)
    request = simulator.requests[0]
    assert (request.method, request.path) == ("GET", "/v2/binding/enduserapi/deviceShareUserList")
    assert request.query == {"pk": CELL_PK, "dk": CELL_DK_BOUND}
    first, second = shares
    assert (first.share_code, first.recipient_uid, first.owner_uid) == (pending, FRIEND_UID, DEMO_UID)
    assert (first.recipient_name, first.recipient_email, first.recipient_phone) == (
        "Friend",
        "friend@example.com",
        "13900139000",
    )
    assert (first.status, first.accepted, first.accepted_at, first.expires_at) == (0, False, None, expire)
    assert first.shared_at is not None
    assert first.accept_by is None
    assert first.cover_mode == 1
    assert first.share_id == "2"  # the demo data's share is the first
    assert (second.share_code, second.accepted, second.status, second.cover_mode) == (accepted, True, 1, 2)
    assert second.accepted_at is not None
    text = repr(shares)
    for secret in (pending, accepted, "friend@example.com", "13900139000"):
        assert secret not in text


async def test_device_shares_errors_and_retries(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    with pytest.raises(QuecApiError) as info:
        await client.get_device_shares(CELL_PK, CELL_DK_FREE)
    assert info.value.code == 5141
    # A read: transport faults are retried.
    simulator.faults.add(Fault(kind="http_status", status=502, path="deviceShareUserList", count=1))
    assert await client.get_device_shares(CELL_PK, CELL_DK_BOUND) == []


@pytest.mark.parametrize(
    ("data", "codes"),
    [
        (None, []),
        ({"list": [{"shareInfo": {"shareCode": "a"}}], "total": 1}, ["a"]),
        ([{"shareInfo": {"shareCode": "b"}}, "junk"], ["b"]),
    ],
)
async def test_device_shares_shapes(
    client: QuecCloudClient, monkeypatch: pytest.MonkeyPatch, data: Any, codes: list[str]
) -> None:
    async def fake_call(*_args: Any, **_kwargs: Any) -> Any:
        return data

    monkeypatch.setattr(client, "_call", fake_call)
    assert [share.share_code for share in await client.get_device_shares(CELL_PK, CELL_DK_BOUND)] == codes


def test_device_share_parsing_tolerates_gaps() -> None:
    share = DeviceShare.from_api({"shareInfo": None, "userInfo": "x"})
    assert (share.share_code, share.recipient_uid, share.status, share.accepted, share.expires_at) == (
        "",
        "",
        None,
        False,
        None,
    )
    # Times in text form only (no "Ts"), a recipient known only from userInfo, and zero meaning "unset".
    share = DeviceShare.from_api(
        {
            "shareInfo": {"acceptTime": "1700000000000", "sharingExpireAt": "2025-04-16 13:19:41", "shareTimeTs": 0},
            "userInfo": {"uid": "C7"},
        }
    )
    assert (share.accepted_at, share.accepted, share.expires_at, share.shared_at, share.recipient_uid) == (
        1700000000000,
        True,
        None,
        None,
        "C7",
    )


async def test_leave_share_wire_and_device_gone(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    """The demo user is the recipient of the demo data's share (the friend's plug)."""
    await client.leave_share(DEMO_SHARE_CODE)
    (request,) = simulator.requests
    assert (request.method, request.path, request.query, request.body) == (
        "DELETE",
        "/v2/binding/enduserapi/shareUserUnshareDevice",
        {"shareCode": DEMO_SHARE_CODE},
        b"",
    )
    assert "Content-Type" not in request.headers
    assert request.response_code == 200
    assert SHARED_DK not in [device.device_key for device in await client.get_devices()]
    with pytest.raises(QuecApiError) as info:
        await client.leave_share(DEMO_SHARE_CODE)
    assert info.value.code == 5142


async def test_leave_share_refusals(
    session: aiohttp.ClientSession, client: QuecCloudClient, simulator: CloudSimulator
) -> None:
    owner = make_client(session, simulator, tokens=issued(simulator, FRIEND_UID))
    with pytest.raises(QuecPermissionError) as info:
        await owner.leave_share(DEMO_SHARE_CODE)  # the owner revokes; only the recipient leaves
    assert info.value.code == 5041
    with pytest.raises(QuecApiError) as missing:
        await client.leave_share("")
    assert missing.value.code == 5136
    # Refusals are final: one request each.
    assert [request.response_code for request in simulator.requests] == [5041, 5136]


async def test_leave_shared_device_by_keys(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    result = await client.leave_shared_device(WIFI_PK, SHARED_DK)
    assert result == LeaveShareResult(WIFI_PK, SHARED_DK)
    (leave,) = simulator.requests_to("shareUserUnshareDevice")
    assert leave.query == {"shareCode": DEMO_SHARE_CODE}
    simulator.clear_requests()
    # Gone from the list now; an own device has no share to leave: refused without asking the cloud to leave.
    for keys in ((WIFI_PK, SHARED_DK), (CELL_PK, CELL_DK_BOUND)):
        with pytest.raises(QuecNotFoundError, match="shared with this account") as info:
            await client.leave_shared_device(*keys)
        assert info.value.code is None
    assert simulator.requests_to("shareUserUnshareDevice") == []
