"""The API layer against the simulator over loopback HTTP: wire contents, tokens, errors, faults, redaction."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.quectel_iot.api import (
    BindByDkRequest,
    BindOptions,
    CoverMode,
    DeviceType,
    EmailCredentials,
    MatterCat,
    MatterInfo,
    PhoneCredentials,
    PureBleBindRequest,
    QuecAuthenticationError,
    QuecCloudClient,
    QuecNotFoundError,
    QuecRateLimitError,
    QuecUserDomainError,
    Region,
    ShareRequest,
    Token,
    TokenPair,
    WifiBindRequest,
)
from quectel_simulator import CloudSimulator
from quectel_simulator.crypto import ble_decrypt, ble_signature, decrypt_login_password, email_login_signature
from tests.api.helpers import issued, make_client
from tests.api.wire import form_of
from tests.common import (
    BLE_CODE,
    BLE_CODE_WITH_SECRET,
    BLE_DK,
    BLE_DK_WITH_SECRET,
    BLE_PK,
    BLE_PS,
    BLE_STORED_SECRET,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_DOMAIN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_SECRET,
    DEMO_UID,
    DISABLED_DOMAIN,
    FRIEND_EMAIL,
    FRIEND_UID,
    OTHER_DOMAIN,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
)

if TYPE_CHECKING:
    import aiohttp


# --- construction ---------------------------------------------------------------------------------------------------


def test_region_urls_and_custom_needs_a_url(session: aiohttp.ClientSession) -> None:
    client = QuecCloudClient(session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.CHINA)
    assert client.base_url == "https://iot-api.quectelcn.com"
    assert client.uid == ""
    assert client.tokens is None
    with pytest.raises(ValueError, match="base URL"):
        QuecCloudClient(session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.CUSTOM)


# --- login ----------------------------------------------------------------------------------------------------------


async def test_email_login_wire_and_tokens(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    saved: list[TokenPair] = []
    client = make_client(session, simulator, saved=saved)
    tokens = await client.login()
    assert tokens.uid == DEMO_UID == client.uid
    assert tokens.access.value.startswith("Bearer ")
    assert tokens.access.expires_at > time.time() + 3600
    assert saved == [tokens]
    (request,) = simulator.requests_to("emailPwdLogin")
    assert request.method == "POST"
    assert request.json is None
    # A form body, as every client proven against the live cloud sends it; nothing in the query string.
    assert request.query == {}
    form = form_of(request)
    assert set(form) == {"email", "pwd", "random", "userDomain", "signature"}
    assert form["email"] == DEMO_EMAIL
    assert form["userDomain"] == DEMO_DOMAIN
    assert len(form["random"]) == 16
    assert decrypt_login_password(form["pwd"], form["random"]) == DEMO_PASSWORD
    assert form["signature"] == email_login_signature(DEMO_EMAIL, form["pwd"], form["random"], DEMO_SECRET)
    assert "Authorization" not in request.headers


async def test_phone_login(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    client = make_client(session, simulator, credentials=PhoneCredentials(DEMO_PHONE, DEMO_PASSWORD, "86"))
    assert (await client.login()).uid == DEMO_UID
    (request,) = simulator.requests_to("phonePwdLogin")
    assert request.query == {}
    assert form_of(request)["phone"] == DEMO_PHONE
    assert form_of(request)["internationalCode"] == "86"


@pytest.mark.parametrize(
    ("domain", "secret", "credentials", "error", "code"),
    [
        (DEMO_DOMAIN, DEMO_SECRET, EmailCredentials(DEMO_EMAIL, "wrong-pass"), QuecAuthenticationError, 5586),
        (DEMO_DOMAIN, DEMO_SECRET, EmailCredentials("nobody@example.com", "x12345"), QuecAuthenticationError, 5031),
        (DEMO_DOMAIN, DEMO_SECRET, PhoneCredentials("19999999999", "x12345"), QuecAuthenticationError, 5004),
        (DEMO_DOMAIN, DEMO_SECRET, PhoneCredentials(DEMO_PHONE, "wrong-pass"), QuecAuthenticationError, 5582),
        ("C.DM.99999.9", DEMO_SECRET, EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD), QuecUserDomainError, 5015),
        ("not a domain", DEMO_SECRET, EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD), QuecUserDomainError, 5013),
        (DISABLED_DOMAIN, DEMO_SECRET, EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD), QuecUserDomainError, 5104),
        (DEMO_DOMAIN, "wrong-secret", EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD), QuecUserDomainError, 5420),
        (OTHER_DOMAIN, DEMO_SECRET, EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD), QuecUserDomainError, 5420),
    ],
)
async def test_login_errors(
    session: aiohttp.ClientSession,
    simulator: CloudSimulator,
    domain: str,
    secret: str,
    credentials: Any,
    error: type[Exception],
    code: int,
) -> None:
    client = make_client(session, simulator, domain=domain, secret=secret, credentials=credentials)
    with pytest.raises(error) as info:
        await client.login()
    assert info.value.code == code  # type: ignore[attr-defined]
    assert info.type is error
    assert len(simulator.requests) == 1


async def test_wrong_password_countdown_then_lockout(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    client = make_client(session, simulator, credentials=EmailCredentials(DEMO_EMAIL, "wrong-pass"))
    left = []
    for _ in range(4):
        with pytest.raises(QuecAuthenticationError) as info:
            await client.login()
        left.append(info.value.attempts_left)
    assert left == [4, 3, 2, 1]
    with pytest.raises(QuecRateLimitError) as locked:
        await client.login()
    assert locked.value.code == 5147
    assert locked.value.retry_after == 1200
    good = make_client(session, simulator)
    with pytest.raises(QuecRateLimitError):
        await good.login()
    simulator.advance_clock(21 * 60)
    assert (await good.login()).uid == DEMO_UID
    # One request per attempt: the client never retries a login by itself.
    assert len(simulator.requests_to("emailPwdLogin")) == 7


# --- reads ----------------------------------------------------------------------------------------------------------


async def test_stored_tokens_make_no_login(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    info = await client.get_user_info()
    assert (info.uid, info.email, info.nickname) == (DEMO_UID, DEMO_EMAIL, "Demo User")
    assert [request.path for request in simulator.requests] == ["/v2/enduser/enduserapi/userInfo"]
    assert simulator.requests[0].headers["Authorization"] == client.tokens.access.value  # type: ignore[union-attr]


async def test_device_list_all_pages(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE))
    await client.bind_by_dk(BindByDkRequest(CELL_PK, "c0ffee000003"))
    simulator.clear_requests()
    devices = await client.get_devices(page_size=1)
    keys = {(device.product_key, device.device_key) for device in devices}
    assert {
        (CELL_PK, CELL_DK_BOUND),
        (CELL_PK, CELL_DK_FREE),
        (CELL_PK, "c0ffee000003"),
        (WIFI_PK, "a0b1c2d3e4f8"),
    } <= keys
    requests = simulator.requests_to("userDeviceList")
    assert [request.query["page"] for request in requests] == [str(n) for n in range(1, len(devices) + 1)]
    assert all(request.query["pageSize"] == "1" for request in requests)
    shared = next(device for device in devices if device.device_key == "a0b1c2d3e4f8")
    assert shared.device_type is DeviceType.SHARED
    assert shared.owner_uid == FRIEND_UID
    tracker = next(device for device in devices if device.device_key == CELL_DK_BOUND)
    assert tracker.device_type is DeviceType.OWN
    assert tracker.online
    assert tracker.family_id == "fam-demo-home"
    assert "auth_key" not in repr(tracker)


async def test_homes_and_rooms(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    assert (await client.get_family_mode_config()).enabled
    families = {family.family_id: family for family in await client.get_families(page_size=1)}
    assert families["fam-demo-home"].name == "Demo Home"
    assert families["fam-demo-home"].role == 1
    assert families["fam-neighbour"].role == 3
    rooms = await client.get_rooms("fam-demo-home")
    assert {room.room_id: room.name for room in rooms} == {"room-living": "Living Room", "room-bedroom": "Bedroom"}
    (room_request,) = simulator.requests_to("getFamilyRoomList")
    assert room_request.query["fid"] == "fam-demo-home"


async def test_home_mode_off(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    friend = make_client(session, simulator, tokens=issued(simulator, FRIEND_UID))
    assert not (await friend.get_family_mode_config()).enabled
    with pytest.raises(QuecNotFoundError) as info:
        await friend.get_families()
    assert info.value.code == 5624


# --- tokens ---------------------------------------------------------------------------------------------------------


async def test_expired_access_token_one_refresh_for_50_callers(
    session: aiohttp.ClientSession, simulator: CloudSimulator
) -> None:
    saved: list[TokenPair] = []
    old = issued(simulator, access_expires_at=time.time() - 1)
    client = make_client(session, simulator, tokens=old, saved=saved)
    results = await asyncio.gather(*(client.get_user_info() for _ in range(50)))
    assert {info.uid for info in results} == {DEMO_UID}
    assert len(simulator.requests_to("refreshToken")) == 1
    assert simulator.requests_to("emailPwdLogin") == []
    (refresh,) = simulator.requests_to("refreshToken")
    assert refresh.method == "PUT"
    assert refresh.query == {}
    assert form_of(refresh) == {"refreshToken": old.refresh.value}
    assert len(saved) == 1
    assert saved[0].refresh.value != old.refresh.value
    assert all(
        request.headers["Authorization"] == saved[0].access.value for request in simulator.requests_to("userInfo")
    )


async def test_rejected_token_refreshes_and_retries_once(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    simulator.revoke_tokens(DEMO_UID)  # access and refresh both invalid server-side
    result = await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE))
    assert result.auth_key
    binds = simulator.requests_to("bindDeviceDk")
    assert [request.response_code for request in binds] == [5032, 200]
    # The refresh was refused, so exactly one login followed.
    assert len(simulator.requests_to("refreshToken")) == 1
    assert len(simulator.requests_to("emailPwdLogin")) == 1


async def test_refresh_token_expired_goes_straight_to_login(
    session: aiohttp.ClientSession, simulator: CloudSimulator
) -> None:
    pair = issued(simulator)
    stale = TokenPair(Token(pair.access.value, time.time() - 10), Token(pair.refresh.value, time.time() - 5))
    client = make_client(session, simulator, tokens=stale)
    await client.get_user_info()
    assert simulator.requests_to("refreshToken") == []
    assert len(simulator.requests_to("emailPwdLogin")) == 1


async def test_rejected_credentials_are_distinct(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    client = make_client(
        session, simulator, tokens=issued(simulator), credentials=EmailCredentials(DEMO_EMAIL, "changed-pw")
    )
    simulator.revoke_tokens()
    with pytest.raises(QuecAuthenticationError) as info:
        await client.get_user_info()
    assert info.value.code == 5586
    no_credentials = QuecCloudClient(
        session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.CUSTOM, base_url=simulator.url
    )
    with pytest.raises(QuecAuthenticationError, match="no credentials"):
        await no_credentials.get_user_info()


async def test_short_lived_tokens_do_not_refresh_every_call(
    session: aiohttp.ClientSession, simulator: CloudSimulator
) -> None:
    simulator.access_token_lifetime = 120
    client = make_client(session, simulator)
    for _ in range(5):
        await client.get_user_info()
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert simulator.requests_to("refreshToken") == []


async def test_token_pair_storage_round_trip(client: QuecCloudClient) -> None:
    assert client.tokens is not None
    restored = TokenPair.from_dict(client.tokens.as_dict())
    assert restored == client.tokens
    assert restored.uid == DEMO_UID


# --- binding --------------------------------------------------------------------------------------------------------


async def test_bind_by_dk_wire(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    options = BindOptions(
        device_name="Garage tracker",
        capabilities=1,
        family_id="fam-demo-home",
        room_id="room-bedroom",
        common_device=False,
    )
    result = await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, options))
    (request,) = simulator.requests_to("bindDeviceDk")
    assert request.method == "POST"
    assert request.json is None
    assert request.query == {
        "pk": CELL_PK,
        "dk": CELL_DK_FREE,
        "name": "Garage tracker",
        "capabilitiesBitmask": "1",
        "fid": "fam-demo-home",
        "frid": "room-bedroom",
        "isCommonDevice": "false",
    }
    binding = simulator.state.binding_of(DEMO_UID, CELL_PK, CELL_DK_FREE)
    assert result.auth_key == binding.auth_key
    assert binding.name == "Garage tracker"
    assert "auth_key" not in repr(result)


async def test_bind_wifi_wire_with_matter(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    matter = MatterInfo(
        vendor_id=4660,
        product_id=22136,
        version="1.0",
        node_id=7,
        fabric_id=9,
        discriminator=3840,
        cat_list=(MatterCat(1, "Operate"),),
        extra="x",
    )
    result = await client.bind_by_wifi(
        WifiBindRequest(WIFI_PK, WIFI_DK, WIFI_CODE, BindOptions(device_name="Desk plug", capabilities=3), matter)
    )
    (request,) = simulator.requests_to("deviceBindingByWifi")
    assert request.query == {}
    assert request.json == {
        "productKey": WIFI_PK,
        "deviceKey": WIFI_DK,
        "bindingCode": WIFI_CODE,
        "deviceName": "Desk plug",
        "capabilitiesBitmask": 3,
        "isMatter": True,
        "matterInfo": {
            "catList": [{"cat": 1, "privilege": "Operate"}],
            "discriminator": 3840,
            "fabricId": 9,
            "matterProductId": 22136,
            "matterVendorId": 4660,
            "matterVersion": "1.0",
            "nodeId": 7,
            "extra": "x",
        },
    }
    assert result.product_name == "Smart Plug"
    assert result.binding_mode == 1
    assert result.product_logo.endswith("p11wifi.png")
    assert result.auth_key == simulator.state.binding_of(DEMO_UID, WIFI_PK, WIFI_DK).auth_key


async def test_bind_pure_ble_wire_and_crypto(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    result = await client.bind_by_pure_ble(
        PureBleBindRequest(
            product_key=BLE_PK,
            device_key=BLE_DK,
            product_secret=BLE_PS,
            binding_secret="fresh-secret",
            binding_code=BLE_CODE,
            device_password="4321",
            options=BindOptions(device_name="Fridge"),
        )
    )
    assert result.verified
    (request,) = simulator.requests_to("deviceBindingByPureBt")
    body = request.json
    assert request.query == {}
    assert set(body) == {
        "pk",
        "dk",
        "random",
        "bindingCode",
        "encryptedNewBindingSecret",
        "pwd",
        "signature",
        "deviceName",
    }
    assert body["bindingCode"] == BLE_CODE
    assert ble_decrypt(body["encryptedNewBindingSecret"], BLE_PS, body["random"]) == f"{BLE_PK},{BLE_DK},fresh-secret"
    assert body["signature"] == ble_signature(BLE_PK, BLE_DK, BLE_CODE, "4321", DEMO_SECRET)
    assert simulator.state.devices[BLE_PK, BLE_DK].binding_secret == "fresh-secret"


async def test_bind_pure_ble_with_old_secret_is_verified(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    request = PureBleBindRequest(
        product_key=BLE_PK,
        device_key=BLE_DK_WITH_SECRET,
        product_secret=BLE_PS,
        binding_secret="next",
        binding_code=BLE_CODE_WITH_SECRET,
    )
    assert not (await client.bind_by_pure_ble(request)).verified  # no old secret given
    with_old = PureBleBindRequest(
        product_key=BLE_PK,
        device_key=BLE_DK_WITH_SECRET,
        product_secret=BLE_PS,
        binding_secret="third",
        binding_code=BLE_CODE_WITH_SECRET,
        old_binding_secret="next",
        random="0123456789abcdef",
    )
    simulator.state.bindings.remove(simulator.state.binding_of(DEMO_UID, BLE_PK, BLE_DK_WITH_SECRET))
    assert (await client.bind_by_pure_ble(with_old)).verified
    body = simulator.requests_to("deviceBindingByPureBt")[-1].json
    assert body["random"] == "0123456789abcdef"
    assert (
        ble_decrypt(body["encryptedOldBindingSecret"], BLE_PS, body["random"]) == f"{BLE_PK},{BLE_DK_WITH_SECRET},next"
    )
    assert BLE_STORED_SECRET != "next"


async def test_share_device_wire(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    expires = datetime.now(UTC) + timedelta(days=2)
    result = await client.share_device(
        ShareRequest(
            CELL_PK, CELL_DK_BOUND, email=FRIEND_EMAIL, cover_mode=CoverMode.ADD, expires_at=expires, auth_key="ak"
        )
    )
    (request,) = simulator.requests_to("shareByUid")
    assert request.json is None
    assert request.query == {
        "pk": CELL_PK,
        "dk": CELL_DK_BOUND,
        "email": FRIEND_EMAIL,
        "coverMark": "2",
        "sharingExpireAt": str(int(expires.timestamp() * 1000)),
        "authKey": "ak",
    }
    assert result.share_code in [share.share_code for share in simulator.state.shares]
    with pytest.raises(ValueError, match="exactly one"):
        await client.share_device(ShareRequest(CELL_PK, CELL_DK_BOUND, email=FRIEND_EMAIL, share_uid=FRIEND_UID))
