"""Where each call puts its parameters, as the simulator received them: method, query, body and Content-Type."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from custom_components.quectel_iot.api import (
    BindByDkRequest,
    PhoneCredentials,
    PureBleBindRequest,
    QuecCloudClient,
    ShareRequest,
    UnbindRequest,
    WifiBindRequest,
)
from custom_components.quectel_iot.api.crypto import encrypt_binding_code
from tests.api.helpers import issued, make_client
from tests.api.wire import FORM, content_type, form_of
from tests.common import (
    BLE_CODE,
    BLE_DK,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PHONE,
    FRIEND_EMAIL,
    FRIEND_UID,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
)

if TYPE_CHECKING:
    import aiohttp

    from quectel_simulator import CloudSimulator

JSON = "application/json"


async def test_login_and_refresh_are_form_bodies(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    await make_client(session, simulator, credentials=PhoneCredentials(DEMO_PHONE, DEMO_PASSWORD, "86")).login()
    stale = issued(simulator, access_expires_at=time.time() - 1)
    await make_client(session, simulator, tokens=stale).get_user_info()  # an expired access token: refresh first
    login, refresh, user_info = simulator.requests
    assert (login.method, login.path, login.query, content_type(login)) == (
        "POST",
        "/v2/enduser/enduserapi/phonePwdLogin",
        {},
        FORM,
    )
    assert set(form_of(login)) == {"phone", "internationalCode", "pwd", "random", "userDomain", "signature"}
    assert form_of(login)["userDomain"] == DEMO_DOMAIN
    assert (refresh.method, refresh.path, refresh.query, content_type(refresh)) == (
        "PUT",
        "/v2/enduser/enduserapi/refreshToken",
        {},
        FORM,
    )
    assert form_of(refresh) == {"refreshToken": stale.refresh.value}
    assert (refresh.response_code, user_info.response_code) == (200, 200)
    # A read has no body and no Content-Type.
    assert (user_info.method, user_info.body, content_type(user_info)) == ("GET", b"", None)


async def test_query_endpoints_send_no_body_and_no_content_type(
    session: aiohttp.ClientSession, client: QuecCloudClient, simulator: CloudSimulator
) -> None:
    """The seed endpoints bindDeviceDk and shareByUid, and the other query-string calls, exactly as their pages say."""
    await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE))
    share = await client.share_device(ShareRequest(CELL_PK, CELL_DK_BOUND, email=FRIEND_EMAIL))
    await client.revoke_share(share.share_code)
    await client.unbind_device(UnbindRequest(CELL_PK, CELL_DK_FREE))
    friend = make_client(session, simulator, tokens=issued(simulator, FRIEND_UID))
    code = simulator.add_share(client.uid, FRIEND_UID, CELL_PK, CELL_DK_BOUND)
    await friend.accept_share(code)
    seen = [(r.method, r.path.rsplit("/", 1)[1], r.query, r.body, content_type(r)) for r in simulator.requests]
    assert seen == [
        ("POST", "bindDeviceDk", {"pk": CELL_PK, "dk": CELL_DK_FREE}, b"", None),
        ("POST", "shareByUid", {"pk": CELL_PK, "dk": CELL_DK_BOUND, "email": FRIEND_EMAIL}, b"", None),
        ("DELETE", "ownerUserUnshareDevice", {"shareCode": share.share_code}, b"", None),
        ("DELETE", "unbundlingDeviceDk", {"pk": CELL_PK, "dk": CELL_DK_FREE}, b"", None),
        ("POST", "shareDevice", {"shareCode": code}, b"", None),
    ]
    assert all(request.response_code == 200 for request in simulator.requests)


async def test_json_endpoints_send_json_and_no_query(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    """The seed endpoints deviceBindingByWifi and deviceBindingByPureBt: a JSON body, nothing in the query."""
    await client.bind_by_wifi(WifiBindRequest(WIFI_PK, WIFI_DK, WIFI_CODE))
    await client.bind_by_pure_ble(
        PureBleBindRequest(
            product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="s", binding_code=BLE_CODE
        )
    )
    wifi, ble = simulator.requests
    for request in (wifi, ble):
        assert (request.method, request.query, content_type(request)) == ("POST", {}, JSON)
        assert isinstance(request.json, dict)
        assert request.response_code == 200
    assert wifi.json == {"productKey": WIFI_PK, "deviceKey": WIFI_DK, "bindingCode": WIFI_CODE}
    assert ble.json is not None
    assert ble.json["bindingCode"] == BLE_CODE


async def test_encrypted_code_without_random_is_refused_before_sending(
    client: QuecCloudClient, simulator: CloudSimulator
) -> None:
    request = PureBleBindRequest(
        product_key=BLE_PK,
        device_key=BLE_DK,
        product_secret=BLE_PS,
        binding_secret="s",
        encrypted_binding_code=encrypt_binding_code(BLE_CODE, BLE_PS, "abcdefghijklmnop"),
    )
    with pytest.raises(ValueError, match="random"):
        await client.bind_by_pure_ble(request)
    assert simulator.requests == []
