"""The API layer's refusals against the simulator: every seed code, transport faults, and secrets kept out of text."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from custom_components.quectel_iot.api import (
    BindByDkRequest,
    BindOptions,
    EmailCredentials,
    MatterInfo,
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
    WifiBindRequest,
)
from quectel_simulator import CloudSimulator, Fault
from tests.api.helpers import issued, make_client
from tests.common import (
    BLE_CODE,
    BLE_CODE_WITH_SECRET,
    BLE_DK,
    BLE_DK_WITH_SECRET,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_DOMAIN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SECRET,
    DEMO_UID,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    FRIEND_UID,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
)

if TYPE_CHECKING:
    import aiohttp


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
