"""Parsing the cloud's payloads tolerantly: odd shapes become values or a clear error, never a KeyError."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from custom_components.quectel_iot.api import (
    Device,
    DeviceType,
    FamilyModeConfig,
    QuecCloudClient,
    QuecRateLimitError,
    QuecResponseError,
    Token,
    TokenPair,
    UserInfo,
    page_items,
)


def _jwt(claims: dict[str, Any]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return f"Bearer eyJhbGciOiJIUzI1NiJ9.{payload}.sig"


def test_token_in_milliseconds_and_bad_shapes() -> None:
    assert Token.from_api({"token": "Bearer x", "expirationTime": 1744787786000}).expires_at == 1744787786
    assert Token.from_api({"token": "Bearer x", "expirationTime": "1744787786"}).expires_at == 1744787786
    for bad in (None, {}, {"token": ""}, {"token": 5}, "Bearer x"):
        with pytest.raises(QuecResponseError):
            Token.from_api(bad)
    with pytest.raises(QuecResponseError):
        TokenPair.from_api(None)


@pytest.mark.parametrize(
    ("token", "uid"),
    [
        (_jwt({"uid": "C131362", "type": "AccessToken"}), "C131362"),
        ("Bearer not-a-jwt", ""),
        ("Bearer a.%%%.c", ""),
        ("Bearer a." + base64.urlsafe_b64encode(b"[1, 2]").decode() + ".c", ""),
        (_jwt({"type": "AccessToken"}), ""),
    ],
)
def test_uid_from_token_claims(token: str, uid: str) -> None:
    assert TokenPair(Token(token, 0), Token("Bearer r", 0)).uid == uid


def test_sparse_device_is_tolerated() -> None:
    device = Device.from_api(
        {"productKey": "pk1", "deviceKey": "dk1", "deviceType": "2", "onlineStatus": True, "verified": "1",
         "capabilitiesBitmask": "", "bindMode": "x", "deviceBindTimeTs": "-5"}
    )  # fmt: skip
    assert device.device_type is DeviceType.SHARED
    assert device.online
    assert device.verified
    assert device.capabilities is None
    assert device.bind_mode == 0
    assert device.bound_at == -5
    assert (device.auth_key, device.binding_code, device.device_name) == ("", "", "")
    assert "pk1" in repr(device)


def test_page_items_without_next_flag_and_bad_shapes() -> None:
    items, total, page, size, has_next = page_items(
        {"list": [{"a": 1}, "junk"], "total": 5, "pageNum": 1, "pageSize": 1}
    )
    assert (items, total, page, size, has_next) == ([{"a": 1}], 5, 1, 1, True)
    assert page_items({"list": None})[4] is False
    for bad in (None, [], {"list": "x"}):
        with pytest.raises(QuecResponseError):
            page_items(bad)


def test_user_info_and_home_mode_shapes() -> None:
    with pytest.raises(QuecResponseError):
        UserInfo.from_api({"nikeName": "x"})
    with pytest.raises(QuecResponseError):
        FamilyModeConfig.from_api("on")
    assert FamilyModeConfig.from_api({"enabledFamilyMode": "true"}).enabled


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response"),
        (b"   ", "empty response"),
        (b"<!DOCTYPE html><p>Bad gateway</p>", "HTML page"),
        (b"{not json", "malformed JSON"),
        (b"[1, 2]", "usual envelope"),
        (b'{"code": "200"}', "usual envelope"),
        (b'{"code": true}', "usual envelope"),
        (b'{"msg": "no code"}', "usual envelope"),
    ],
)
def test_envelope_errors(body: bytes, message: str) -> None:
    with pytest.raises(QuecResponseError, match=message):
        QuecCloudClient._parse_envelope(200, "*/*", body)


def test_envelope_success_and_quota() -> None:
    assert QuecCloudClient._parse_envelope(200, "*/*", b'{"code": 200, "data": {"x": 1}}') == {"x": 1}
    with pytest.raises(QuecRateLimitError) as info:
        QuecCloudClient._parse_envelope(200, "application/json", b'{"code": 4026, "msg": "Insufficient resources"}')
    assert info.value.cloud_message == "Insufficient resources"
