"""The API layer against the simulator over loopback HTTP: wire contents, tokens, errors, faults, redaction."""

from __future__ import annotations

import asyncio
import logging
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
    QuecAlreadyBoundError,
    QuecApiError,
    QuecAuthenticationError,
    QuecBindingCodeError,
    QuecCloudClient,
    QuecConnectionError,
    QuecInvalidInputError,
    QuecNotFoundError,
    QuecPermissionError,
    QuecRateLimitError,
    QuecResponseError,
    QuecTimeoutError,
    QuecTokenError,
    QuecUserDomainError,
    Region,
    ShareRequest,
    Token,
    TokenPair,
    WifiBindRequest,
)
from quectel_simulator import CloudSimulator, Fault
from quectel_simulator.crypto import ble_decrypt, ble_signature, decrypt_login_password, email_login_signature
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
    FRIEND_PASSWORD,
    FRIEND_UID,
    OTHER_DOMAIN,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
)

if TYPE_CHECKING:
    import aiohttp


def make_client(
    session: aiohttp.ClientSession,
    sim: CloudSimulator,
    *,
    credentials: Any = None,
    tokens: TokenPair | None = None,
    secret: str = DEMO_SECRET,
    domain: str = DEMO_DOMAIN,
    saved: list[TokenPair] | None = None,
    **kwargs: Any,
) -> QuecCloudClient:
    return QuecCloudClient(
        session,
        user_domain=domain,
        user_domain_secret=secret,
        region=Region.CUSTOM,
        base_url=sim.url + "/",
        credentials=credentials if credentials is not None else EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
        tokens=tokens,
        on_tokens_updated=saved.append if saved is not None else None,
        retry_backoff=0,
        **kwargs,
    )


def issued(sim: CloudSimulator, uid: str = DEMO_UID, *, access_expires_at: float | None = None) -> TokenPair:
    """A token pair issued by the simulator without a login request (as if stored by HA)."""
    pair = TokenPair.from_api(sim.issue_tokens(uid))
    if access_expires_at is not None:
        pair = TokenPair(Token(pair.access.value, access_expires_at), pair.refresh)
    return pair


@pytest.fixture
async def client(session: aiohttp.ClientSession, simulator: CloudSimulator) -> QuecCloudClient:
    return make_client(session, simulator, tokens=issued(simulator))


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


# --- every seed code the simulator's state can produce ---------------------------------------------------------------


SEED_CASES: list[tuple[str, Any, type[QuecApiError], int]] = [
    ("dk already bound", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_BOUND)), QuecAlreadyBoundError, 5049),
    ("dk unique product", lambda c: c.bind_by_dk(BindByDkRequest("p11uniq", "e0e1e2e3e401")), QuecAlreadyBoundError, 5412),
    ("dk shared to me", lambda c: c.bind_by_dk(BindByDkRequest(WIFI_PK, "a0b1c2d3e4f8")), QuecAlreadyBoundError, 6040),
    ("dk other data center", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, "c0ffee0000dc")), QuecPermissionError, 6083),
    ("dk product not authorized", lambda c: c.bind_by_dk(BindByDkRequest("p11priv", "b0b1b2b3b4b5")), QuecPermissionError, 5229),
    ("dk unknown device", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, "ffffffffffff")), QuecNotFoundError, 5314),
    ("dk bad format", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, "c0-ffee")), QuecInvalidInputError, 5361),
    ("dk missing pk", lambda c: c.bind_by_dk(BindByDkRequest("", CELL_DK_FREE)), QuecInvalidInputError, 5066),
    ("dk missing dk", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, "")), QuecInvalidInputError, 5067),
    ("dk name too long", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, BindOptions(device_name="n" * 255))), QuecInvalidInputError, 5333),
    ("dk room without home", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, BindOptions(room_id="room-living"))), QuecInvalidInputError, 5636),
    ("dk unknown home", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, BindOptions(family_id="nope"))), QuecPermissionError, 5041),
    ("dk member of home", lambda c: c.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, BindOptions(family_id="fam-neighbour"))), QuecPermissionError, 5669),
    ("wifi code missing", lambda c: c.bind_by_wifi(WifiBindRequest(WIFI_PK, WIFI_DK, "")), QuecBindingCodeError, 5179),
    ("wifi code format", lambda c: c.bind_by_wifi(WifiBindRequest(WIFI_PK, WIFI_DK, "XYZ")), QuecBindingCodeError, 5213),
    ("wifi code not reported", lambda c: c.bind_by_wifi(WifiBindRequest(WIFI_PK, "a0b1c2d3e4f7", WIFI_CODE)), QuecBindingCodeError, 5460),
    ("wifi code wrong", lambda c: c.bind_by_wifi(WifiBindRequest(WIFI_PK, WIFI_DK, "FFFFFFFFFFFFFFFF")), QuecBindingCodeError, 5462),
    ("wifi unique product", lambda c: c.bind_by_dk(BindByDkRequest("p11uniq", "e0e1e2e3e401")), QuecAlreadyBoundError, 5412),
    ("ble wrong old secret", lambda c: c.bind_by_pure_ble(PureBleBindRequest(product_key=BLE_PK, device_key=BLE_DK_WITH_SECRET, product_secret=BLE_PS, binding_secret="n", binding_code=BLE_CODE_WITH_SECRET, old_binding_secret="wrong")), QuecBindingCodeError, 5462),
    ("ble wrong product secret", lambda c: c.bind_by_pure_ble(PureBleBindRequest(product_key=BLE_PK, device_key=BLE_DK, product_secret="0000000000000000", binding_secret="n", binding_code=BLE_CODE)), QuecBindingCodeError, 5459),
    ("ble wrong code", lambda c: c.bind_by_pure_ble(PureBleBindRequest(product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="n", binding_code="FFFFFFFFFFFFFFFF")), QuecBindingCodeError, 5462),
    ("ble pwd format", lambda c: c.bind_by_pure_ble(PureBleBindRequest(product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="n", binding_code=BLE_CODE, device_password="!!")), QuecInvalidInputError, 5357),
    ("share not owner", lambda c: c.share_device(ShareRequest(WIFI_PK, "a0b1c2d3e4f8", email=FRIEND_EMAIL)), QuecApiError, 5134),
    ("share unknown recipient", lambda c: c.share_device(ShareRequest(CELL_PK, CELL_DK_BOUND, email="nobody@example.com")), QuecApiError, 5134),
    ("share in the past", lambda c: c.share_device(ShareRequest(CELL_PK, CELL_DK_BOUND, email=FRIEND_EMAIL, expires_at=datetime(2020, 1, 1, tzinfo=UTC))), QuecInvalidInputError, 5145),
    ("share missing pk", lambda c: c.share_device(ShareRequest("", CELL_DK_BOUND, email=FRIEND_EMAIL)), QuecInvalidInputError, 5066),
    ("share missing dk", lambda c: c.share_device(ShareRequest(CELL_PK, "", email=FRIEND_EMAIL)), QuecInvalidInputError, 5067),
]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "error", "code"), [case[1:] for case in SEED_CASES], ids=[case[0] for case in SEED_CASES]
)
async def test_seed_error_codes(
    client: QuecCloudClient, simulator: CloudSimulator, call: Any, error: type[QuecApiError], code: int
) -> None:
    with pytest.raises(error) as info:
        await call(client)
    assert info.value.code == code
    assert str(code) in str(info.value)
    assert info.value.cloud_message
    # A refusal is final: exactly one request, never retried.
    assert len([request for request in simulator.requests if request.response_code == code]) == 1


async def test_expired_binding_code(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    code = simulator.report_binding_code(WIFI_PK, "a0b1c2d3e4f6", ttl=60)
    simulator.advance_clock(61)
    with pytest.raises(QuecBindingCodeError) as info:
        await client.bind_by_wifi(WifiBindRequest(WIFI_PK, "a0b1c2d3e4f6", code))
    assert info.value.code == 5461


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("discriminator", 5879),
        ("product_id", 5880),
        ("version", 5881),
        ("vendor_id", 5882),
        ("fabric_id", 5883),
        ("node_id", 5885),
    ],
)
async def test_matter_member_codes(
    client: QuecCloudClient, simulator: CloudSimulator, missing: str, code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    matter = MatterInfo(vendor_id=1, product_id=2, version="1", node_id=3, fabric_id=4, discriminator=5)
    names = {"discriminator": "discriminator", "product_id": "matterProductId", "version": "matterVersion",
             "vendor_id": "matterVendorId", "fabric_id": "fabricId", "node_id": "nodeId"}  # fmt: skip
    original = MatterInfo.to_api
    monkeypatch.setattr(
        MatterInfo, "to_api", lambda self: {k: v for k, v in original(self).items() if k != names[missing]}
    )
    with pytest.raises(QuecInvalidInputError) as info:
        await client.bind_by_wifi(WifiBindRequest(WIFI_PK, WIFI_DK, WIFI_CODE, matter=matter))
    assert info.value.code == code


async def test_unverified_binding_cannot_be_shared(client: QuecCloudClient) -> None:
    await client.bind_by_pure_ble(
        PureBleBindRequest(
            product_key=BLE_PK,
            device_key=BLE_DK_WITH_SECRET,
            product_secret=BLE_PS,
            binding_secret="n",
            binding_code=BLE_CODE_WITH_SECRET,
        )
    )
    with pytest.raises(QuecPermissionError) as info:
        await client.share_device(ShareRequest(BLE_PK, BLE_DK_WITH_SECRET, email=FRIEND_EMAIL))
    assert info.value.code == 5360


async def test_wrong_secret_signature_on_pure_ble(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    client = make_client(session, simulator, tokens=issued(simulator), secret="not-the-domain-secret")
    with pytest.raises(QuecUserDomainError) as info:
        await client.bind_by_pure_ble(
            PureBleBindRequest(
                product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="n", binding_code=BLE_CODE
            )
        )
    assert info.value.code == 5420


async def test_home_mode_off_bind(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    friend = make_client(
        session,
        simulator,
        tokens=issued(simulator, FRIEND_UID),
        credentials=EmailCredentials(FRIEND_EMAIL, FRIEND_PASSWORD),
    )
    with pytest.raises(QuecNotFoundError) as info:
        await friend.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE, BindOptions(family_id="fam-demo-home")))
    assert info.value.code == 5624


@pytest.mark.parametrize(
    ("code", "error", "retry_after"),
    [(5147, QuecRateLimitError, 1200), (5148, QuecRateLimitError, 1200), (5325, QuecRateLimitError, 86400),
     (5032, QuecTokenError, None), (4026, QuecRateLimitError, "midnight"), (9999, QuecApiError, None)],
)  # fmt: skip
async def test_forced_codes(
    client: QuecCloudClient, simulator: CloudSimulator, code: int, error: type[QuecApiError], retry_after: Any
) -> None:
    simulator.faults.add(Fault(kind="code", code=code, path="userInfo", count=3))
    with pytest.raises(error) as info:
        await client.get_user_info()
    assert info.value.code == code
    if retry_after == "midnight":
        assert 0 < info.value.retry_after <= 86400  # type: ignore[attr-defined]
    elif retry_after is not None:
        assert info.value.retry_after == retry_after  # type: ignore[attr-defined]


# --- transport faults -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        (Fault(kind="html", path="bindDeviceDk"), QuecResponseError, "HTML page"),
        (Fault(kind="malformed_json", path="bindDeviceDk"), QuecResponseError, "malformed JSON"),
        (Fault(kind="empty_body", path="bindDeviceDk"), QuecResponseError, "empty response"),
        (Fault(kind="http_status", status=503, path="bindDeviceDk"), QuecResponseError, "HTTP 503"),
        (Fault(kind="drop", path="bindDeviceDk"), QuecConnectionError, "Cannot reach"),
    ],
    ids=["html", "malformed", "empty", "http503", "drop"],
)
async def test_bind_transport_faults_are_never_retried(
    client: QuecCloudClient, simulator: CloudSimulator, fault: Fault, error: type[Exception], message: str
) -> None:
    simulator.faults.add(fault)
    with pytest.raises(error, match=message):
        await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE))
    assert len(simulator.requests_to("bindDeviceDk")) == 1


async def test_bind_timeout_is_not_retried(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    client = make_client(session, simulator, tokens=issued(simulator), request_timeout=0.2)
    simulator.faults.add(Fault(kind="latency", delay=1.0, path="bindDeviceDk"))
    with pytest.raises(QuecTimeoutError, match="within"):
        await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE))
    await asyncio.sleep(1.0)  # let the simulator finish the delayed request
    assert len(simulator.requests_to("bindDeviceDk")) == 1


async def test_reads_are_retried_on_5xx_and_drops(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="http_status", status=502, path="userInfo", count=1))
    simulator.faults.add(Fault(kind="drop", path="userInfo", count=1))
    assert (await client.get_user_info()).uid == DEMO_UID
    assert len(simulator.requests_to("userInfo")) == 3


async def test_reads_give_up_after_retries(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="http_status", status=500, path="userInfo", count=10))
    with pytest.raises(QuecResponseError) as info:
        await client.get_user_info()
    assert info.value.http_status == 500
    assert len(simulator.requests_to("userInfo")) == 3


async def test_html_on_a_read_is_not_retried(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="html", status=404, path="userInfo", count=10))
    with pytest.raises(QuecResponseError, match="HTML"):
        await client.get_user_info()
    assert len(simulator.requests_to("userInfo")) == 1


async def test_unreachable_cloud(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    client = QuecCloudClient(
        session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.CUSTOM,
        base_url="http://127.0.0.1:9", credentials=EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
    )  # fmt: skip
    with pytest.raises(QuecConnectionError) as info:
        await client.login()
    assert info.value.__cause__ is None  # the aiohttp error (with the URL and its query) is not chained
    assert "pwd" not in str(info.value)


# --- secrets --------------------------------------------------------------------------------------------------------


async def test_no_secret_in_repr_logs_or_errors(
    session: aiohttp.ClientSession, simulator: CloudSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(session, simulator)
    errors: list[str] = []
    await client.login()
    await client.get_user_info()
    dk_result = await client.bind_by_dk(BindByDkRequest(CELL_PK, CELL_DK_FREE))
    ble_request = PureBleBindRequest(
        product_key=BLE_PK, device_key=BLE_DK, product_secret=BLE_PS, binding_secret="bindsecret77",
        binding_code=BLE_CODE, device_password="pw4242",
    )  # fmt: skip
    await client.bind_by_pure_ble(ble_request)
    try:
        await client.bind_by_pure_ble(ble_request)
    except QuecApiError as err:
        errors.append(str(err))
        errors.append(repr(err))
    simulator.revoke_tokens()
    bad = make_client(session, simulator, credentials=EmailCredentials(DEMO_EMAIL, "Wr0ngPassw0rd"))
    try:
        await bad.login()
    except QuecAuthenticationError as err:
        errors.append(str(err))
    tokens = client.tokens
    assert tokens is not None
    secrets = [DEMO_PASSWORD, "Wr0ngPassw0rd", DEMO_SECRET, tokens.access.value, tokens.refresh.value,
               tokens.access.value.removeprefix("Bearer "), BLE_PS, "bindsecret77", "pw4242", dk_result.auth_key]  # fmt: skip
    texts = [caplog.text, repr(client), repr(tokens), repr(ble_request), repr(dk_result), *errors,
             repr(EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD))]  # fmt: skip
    assert "bindDeviceDk" in caplog.text  # DEBUG logging was really on
    for secret in secrets:
        for text in texts:
            assert secret not in text


async def test_wifi_body_carries_home_room_and_common(client: QuecCloudClient, simulator: CloudSimulator) -> None:
    options = BindOptions(family_id="fam-demo-home", room_id="room-living", common_device=False)
    await client.bind_by_wifi(WifiBindRequest(WIFI_PK, WIFI_DK, WIFI_CODE, options))
    body = simulator.requests_to("deviceBindingByWifi")[0].json
    assert (body["fid"], body["frid"], body["isCommonDevice"]) == ("fam-demo-home", "room-living", False)
    assert "isMatter" not in body


async def test_lockout_during_refresh_is_not_turned_into_a_login(
    session: aiohttp.ClientSession, simulator: CloudSimulator
) -> None:
    client = make_client(session, simulator, tokens=issued(simulator, access_expires_at=time.time() - 1))
    simulator.faults.add(Fault(kind="code", code=5148, path="refreshToken"))
    with pytest.raises(QuecRateLimitError):
        await client.get_user_info()
    assert simulator.requests_to("emailPwdLogin") == []
