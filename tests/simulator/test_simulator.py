"""The cloud simulator over raw HTTP: crypto vectors, login, tokens, reads, binding, sharing, faults, log and CLI.

Nothing here imports the integration: requests are built by hand with the documented formulas, so the simulator's
crypto is checked against the docs' known answers and against an independent implementation in this file.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from quectel_simulator import CloudSimulator, Device, Fault, FaultSet, RecordedRequest, Share, SimulatorState, crypto
from quectel_simulator import __main__ as cli
from quectel_simulator.codes import MESSAGES, ApiError, message_for
from quectel_simulator.state import SHARE_ACCEPTED, SHARE_PENDING, SHARE_REPLACED, SHARE_REVOKED, DataFileError

REPO = Path(__file__).resolve().parents[2]

EMAIL_LOGIN = "/v2/enduser/enduserapi/emailPwdLogin"
PHONE_LOGIN = "/v2/enduser/enduserapi/phonePwdLogin"
REFRESH = "/v2/enduser/enduserapi/refreshToken"
USER_INFO = "/v2/enduser/enduserapi/userInfo"
DEVICE_LIST = "/v2/binding/enduserapi/userDeviceList"
FAMILY_MODE = "/v2/family/enduserapi/getFamilyModeConfig"
FAMILY_LIST = "/v2/family/enduserapi/getFamilyList"
ROOM_LIST = "/v2/family/enduserapi/getFamilyRoomList"
BIND_DK = "/v2/binding/enduserapi/bindDeviceDk"
BIND_WIFI = "/v2/binding/enduserapi/v2/deviceBindingByWifi"
BIND_BLE = "/v2/binding/enduserapi/deviceBindingByPureBt"
SHARE = "/v2/binding/enduserapi/shareByUid"

DOMAIN = "C.DM.90001.1"
SECRET = "NYrvzavymo87KXspmZzDW9LRPdvgrmuGyoVw6AoDVcc4"
OTHER_DOMAIN = "E.DM.90002.1"
OTHER_SECRET = "zCKRqE9g3YPh1UaLRbfESqspKLAFFpGmECZRXuzZE3rm"
DISABLED_DOMAIN = "C.DM.90003.1"
DEMO_UID = "C1001"
DEMO_EMAIL = "demo@example.com"
DEMO_PHONE = "13800138000"
DEMO_PASSWORD = "demo1234"
FRIEND_UID = "C1002"
FRIEND_EMAIL = "friend@example.com"
FRIEND_PHONE = "13900139000"
OTHER_UID = "C2001"
BLE_PK = "p11blee"
BLE_PS = "VnhyDemoPsSTFh16"
BLE_DK = "d0d1d2d3d4d5"
BLE_CODE = "BFFFCBDAAA200BDA"
BLE_DK2 = "d0d1d2d3d4d6"
BLE_CODE2 = "A1B2C3D4E5F60718"
BLE_STORED_SECRET = "oldSecret42"
RANDOM16 = "R4nd0mDeviceIV16"
WIFI_PK = "p11wifi"
WIFI_DK = "a0b1c2d3e4f5"
WIFI_CODE = "0123456789ABCDEF"
CELL_PK = "p11cell"
CELL_FREE = "c0ffee000002"
CELL_BOUND = "c0ffee000001"
SHARED_DK = "a0b1c2d3e4f8"


# ----- an independent implementation of the documented formulas -----


def sha(*parts: str) -> str:
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def aes_b64(plaintext: str, key: bytes, iv: bytes) -> str:
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()


def encrypt_pwd(password: str, random: str) -> str:
    digest = hashlib.md5(random.encode(), usedforsecurity=False).hexdigest().upper()
    key = digest[8:24]
    return aes_b64(password, key.encode(), (key[8:16] + key[0:8]).encode())


def email_login_params(
    email: str = DEMO_EMAIL,
    password: str = DEMO_PASSWORD,
    *,
    domain: str = DOMAIN,
    secret: str = SECRET,
    random: str = "j1acpdj2bmtqZXVb",
) -> dict[str, str]:
    pwd = encrypt_pwd(password, random)
    return {
        "email": email,
        "pwd": pwd,
        "random": random,
        "userDomain": domain,
        "signature": sha(email, pwd, random, secret),
    }


def phone_login_params(
    phone: str = DEMO_PHONE,
    password: str = DEMO_PASSWORD,
    *,
    code: str | None = "86",
    domain: str = DOMAIN,
    secret: str = SECRET,
    random: str = "abcdef",
) -> dict[str, str]:
    pwd = encrypt_pwd(password, random)
    params = {
        "phone": phone,
        "pwd": pwd,
        "random": random,
        "userDomain": domain,
        "signature": sha(code or "", phone, pwd, random, secret),
    }
    if code is not None:
        params["internationalCode"] = code
    return params


def jwt_claims(token: str) -> dict[str, Any]:
    payload = token.removeprefix("Bearer ").split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def ble_body(
    *,
    pk: str = BLE_PK,
    dk: str = BLE_DK,
    code: str = BLE_CODE,
    binding_secret: str = "newSecret01",  # noqa: S107 - a made-up device secret
    random: str = RANDOM16,
    ps: str = BLE_PS,
    pwd: str | None = None,
    encrypted: bool = True,
    old_secret: str | None = None,
    domain_secret: str = SECRET,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "pk": pk,
        "dk": dk,
        "random": random,
        "encryptedNewBindingSecret": aes_b64(f"{pk},{dk},{binding_secret}", ps.encode(), random.encode()),
    }
    if encrypted:
        body["encryptedBindingCode"] = aes_b64(code, ps.encode(), random.encode())
    else:
        body["bindingCode"] = code
    if pwd is not None:
        body["pwd"] = pwd
    if old_secret is not None:
        body["encryptedOldBindingSecret"] = aes_b64(f"{pk},{dk},{old_secret}", ps.encode(), random.encode())
    signed = body["encryptedBindingCode"] if encrypted else code
    body["signature"] = sha(pk, dk, signed, pwd or "", domain_secret)
    body.update(extra)
    return body


class Cloud:
    """Raw HTTP calls against the simulator."""

    def __init__(self, sim: CloudSimulator, session: aiohttp.ClientSession) -> None:
        self.sim = sim
        self.session = session

    def token(self, uid: str = DEMO_UID) -> str:
        return str(self.sim.issue_tokens(uid)["accessToken"]["token"])

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        data: Any = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        sent_headers = dict(headers or {})
        if token is not None:
            sent_headers["Authorization"] = token
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        async with self.session.request(
            method, self.sim.url + path, params=query, json=json_body, data=data, headers=sent_headers
        ) as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
            body: dict[str, Any] = await resp.json(content_type=None)
        assert set(body) == {"code", "msg", "data", "extMsg"}
        return body

    async def code(self, method: str, path: str, **kwargs: Any) -> int:
        return int((await self.call(method, path, **kwargs))["code"])

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        body = await self.call(method, path, **kwargs)
        assert body["code"] == 200, body
        return body["data"]

    async def devices(self, uid: str = DEMO_UID, **params: Any) -> dict[str, Any]:
        page: dict[str, Any] = await self.ok("GET", DEVICE_LIST, token=self.token(uid), params=params)
        return page


@pytest.fixture
def cloud(sim: CloudSimulator, http: aiohttp.ClientSession) -> Cloud:
    return Cloud(sim, http)


# ----- crypto known answers (cloud_api.md 3.3 / 3.4) -----


def test_login_password_vectors() -> None:
    assert crypto.login_key_iv("j1acpdj2bmtqZXVb") == (b"89A049614445CCA8", b"4445CCA889A04961")
    assert crypto.encrypt_login_password("china1234", "j1acpdj2bmtqZXVb") == "lkZMvj0KDSJXlp66jBieHA=="
    assert crypto.login_key_iv("A1b2C3d4E5f6G7h8") == (b"53135C61D6B5274A", b"D6B5274A53135C61")
    assert crypto.encrypt_login_password("battery-staple", "A1b2C3d4E5f6G7h8") == "3sdplu/Bs129i+mVuBFlOg=="
    assert crypto.encrypt_login_password("abcd1234", "abcdef") == "KbbO5AsWloh9gulLei6NhQ=="
    assert crypto.decrypt_login_password("lkZMvj0KDSJXlp66jBieHA==", "j1acpdj2bmtqZXVb") == "china1234"
    # The independent implementation above agrees.
    assert encrypt_pwd("china1234", "j1acpdj2bmtqZXVb") == "lkZMvj0KDSJXlp66jBieHA=="


def test_signature_vectors() -> None:
    vm22 = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM22"
    vm33 = "57Fk69oYgbs2aWWN362NtZwYB2RqKNqQ7yZESnF5VM33"
    assert (
        crypto.phone_login_signature("86", "17132136550", "KbbO5AsWloh9gulLei6NhQ==", "abcdef", vm22)
        == "1fd91ebf096be51dae1c6055bc930bd8e24b1f477d2a47ae87eedb0f73057bf0"
    )
    assert (
        crypto.sha256_hex("17132136550", "3", "76a6L647F02CAoN9", "1744773894369", vm22)
        == "2deb6518ca0ee701e28a6359a91270c59dbe69456a3336dc5f625bfa32e64df6"
    )
    assert (
        crypto.sha256_hex("13800138000", "3", "76a6L647F02CAoN9", "1744773894369", vm33)
        == "adf0cd13e4a086f78577ca284df28a5382a7af36e011e1aec6375a0a615fb891"
    )
    assert crypto.sha256_hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert (
        crypto.email_login_signature("user@example.com", "lkZMvj0KDSJXlp66jBieHA==", "j1acpdj2bmtqZXVb", vm22)
        == "bd0ab54523e2cb53dda1b0a26c84ac18a5defeb685fcec7818b2cc2b628bc9ca"
    )
    assert crypto.ble_signature("pk", "dk", "code", "", "s") == sha("pkdkcodes")


@pytest.mark.parametrize(
    "ciphertext",
    ["not base64!", "", base64.b64encode(b"short").decode(), "lkZMvj0KDSJXlp66jBieHA=="],
)
def test_decrypt_failures(ciphertext: str) -> None:
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt_login_password(ciphertext, "a different random")


def test_decrypt_not_utf8() -> None:
    key, iv = b"K" * 16, b"I" * 16
    padder = padding.PKCS7(128).padder()
    data = padder.update(b"\xff\xfe") + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode()
    with pytest.raises(crypto.DecryptError):
        crypto.aes_cbc_decrypt(ciphertext, key, iv)


def test_ble_crypto_round_trip() -> None:
    ciphertext = crypto.ble_encrypt("p11blee,d0d1d2d3d4d5,s3cret", BLE_PS, RANDOM16)
    assert ciphertext == aes_b64("p11blee,d0d1d2d3d4d5,s3cret", BLE_PS.encode(), RANDOM16.encode())
    assert crypto.ble_decrypt(ciphertext, BLE_PS, RANDOM16) == "p11blee,d0d1d2d3d4d5,s3cret"
    with pytest.raises(crypto.DecryptError):
        crypto.ble_decrypt(ciphertext, BLE_PS, "short random")
    auth_key = base64.b64decode(crypto.new_auth_key())
    assert len(auth_key) == 16


def test_jwt() -> None:
    token = crypto.encode_jwt({"uid": "C1", "type": "AccessToken"}, b"k")
    assert crypto.decode_jwt(token, b"k") == {"uid": "C1", "type": "AccessToken"}
    assert crypto.decode_jwt(token) == {"uid": "C1", "type": "AccessToken"}
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt(token, b"other key")
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt("a.b")
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt("a.%%%.c")
    not_object = base64.urlsafe_b64encode(b"[1]").decode().rstrip("=")
    with pytest.raises(crypto.JwtError):
        crypto.decode_jwt(f"a.{not_object}.c")


def test_messages() -> None:
    assert message_for(5032) == "Token verification failed."
    assert message_for(1234) == "Error 1234."
    assert ApiError(5420).msg == MESSAGES[5420]
    assert ApiError(5420, "custom").msg == "custom"


# ----- login -----


async def test_email_login(cloud: Cloud, sim: CloudSimulator) -> None:
    before = int(time.time())
    data = await cloud.ok("POST", EMAIL_LOGIN, params=email_login_params())
    access, refresh = data["accessToken"], data["refreshToken"]
    assert access["token"].startswith("Bearer ")
    assert refresh["token"].startswith("Bearer ")
    assert before + 7200 <= access["expirationTime"] <= int(time.time()) + 7200
    assert before + 2_592_000 <= refresh["expirationTime"] <= int(time.time()) + 2_592_000
    claims = jwt_claims(access["token"])
    assert claims["iss"] == "enduser"
    assert claims["uid"] == DEMO_UID
    assert claims["type"] == "AccessToken"
    assert claims["exp"] - claims["iat"] == 7200
    assert claims["nbf"] == claims["iat"]
    assert jwt_claims(refresh["token"])["type"] == "RefreshToken"
    assert crypto.decode_jwt(access["token"].removeprefix("Bearer "), sim.tokens.signing_key)["uid"] == DEMO_UID
    info = await cloud.ok("GET", USER_INFO, token=access["token"])
    assert info["uid"] == DEMO_UID
    assert info["lastLoginTimeTs"] >= before * 1000


async def test_email_login_is_case_insensitive_and_uses_lifetime(cloud: Cloud, sim: CloudSimulator) -> None:
    sim.access_token_lifetime = 60
    sim.refresh_token_lifetime = 120
    assert (sim.access_token_lifetime, sim.refresh_token_lifetime) == (60, 120)
    data = await cloud.ok("POST", EMAIL_LOGIN, params=email_login_params("Demo@Example.com"))
    claims = jwt_claims(data["accessToken"]["token"])
    assert claims["exp"] - claims["iat"] == 60
    refresh_claims = jwt_claims(data["refreshToken"]["token"])
    assert refresh_claims["exp"] - refresh_claims["iat"] == 120


async def test_phone_login(cloud: Cloud) -> None:
    data = await cloud.ok("POST", PHONE_LOGIN, params=phone_login_params())
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID
    # Without internationalCode the signature uses "" and any code matches.
    data = await cloud.ok("POST", PHONE_LOGIN, params=phone_login_params(code=None))
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID
    data = await cloud.ok("POST", PHONE_LOGIN, params=phone_login_params(code="+86"))
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID
    assert await cloud.code("POST", PHONE_LOGIN, params=phone_login_params(code="49")) == 5004


async def test_login_accepts_form_body_but_not_json(cloud: Cloud) -> None:
    data = await cloud.ok("POST", EMAIL_LOGIN, data=email_login_params())
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID
    # A JSON body is not where the login reads its parameters: the first check (userDomain) fails.
    assert await cloud.code("POST", EMAIL_LOGIN, json_body=email_login_params()) == 5023
    # A form body that is not UTF-8 is ignored.
    assert (
        await cloud.code(
            "POST",
            EMAIL_LOGIN,
            data=b"\xff\xfe",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        == 5023
    )


def _without(params: dict[str, str], key: str) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != key}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (_without(email_login_params(), "userDomain"), 5023),
        (email_login_params() | {"userDomain": "C.DM"}, 5013),
        (email_login_params() | {"userDomain": "CDM.90001.1"}, 5013),
        (email_login_params(domain="C.DM.99999.1"), 5015),
        (email_login_params(domain=DISABLED_DOMAIN), 5104),
        (_without(email_login_params(), "email"), 5026),
        (_without(email_login_params(), "pwd"), 5022),
        (_without(email_login_params(), "signature"), 5550),
        (email_login_params() | {"signature": "0" * 64}, 5420),
        (email_login_params(secret=OTHER_SECRET), 5420),
        (email_login_params() | {"signature": email_login_params()["signature"].upper()}, 5420),
        (email_login_params("nobody@example.com"), 5031),
        (email_login_params(domain=OTHER_DOMAIN, secret=OTHER_SECRET), 5031),
    ],
)
async def test_email_login_errors(cloud: Cloud, params: dict[str, str], code: int) -> None:
    body = await cloud.call("POST", EMAIL_LOGIN, params=params)
    assert body["code"] == code
    assert body["msg"] == MESSAGES[code]
    assert body["data"] is None


async def test_login_undecryptable_pwd(cloud: Cloud) -> None:
    random = "j1acpdj2bmtqZXVb"
    for pwd in ("not-base64", base64.b64encode(b"0123456789abcdef").decode()):
        params = {
            "email": DEMO_EMAIL,
            "pwd": pwd,
            "random": random,
            "userDomain": DOMAIN,
            "signature": sha(DEMO_EMAIL, pwd, random, SECRET),
        }
        assert await cloud.code("POST", EMAIL_LOGIN, params=params) == 5056
    # An empty password encrypts to a valid block but is no password.
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params(password="")) == 5056


@pytest.mark.parametrize(
    ("params", "code"),
    [
        (_without(phone_login_params(), "phone"), 5021),
        (_without(phone_login_params(), "pwd"), 5022),
        (_without(phone_login_params(), "signature"), 5550),
        (phone_login_params(secret=OTHER_SECRET), 5420),
        (phone_login_params("13000000000"), 5004),
        (phone_login_params(domain=DISABLED_DOMAIN), 5104),
    ],
)
async def test_phone_login_errors(cloud: Cloud, params: dict[str, str], code: int) -> None:
    assert await cloud.code("POST", PHONE_LOGIN, params=params) == code


async def test_email_lockout_and_expiry(cloud: Cloud, sim: CloudSimulator) -> None:
    wrong = email_login_params(password="wrong-password")
    codes = [await cloud.code("POST", EMAIL_LOGIN, params=wrong) for _ in range(5)]
    assert codes == [5586, 5585, 5584, 5583, 5147]
    # Locked: even the right password is refused.
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params()) == 5147
    assert await cloud.code("POST", PHONE_LOGIN, params=phone_login_params()) == 5147
    sim.advance_clock(19 * 60)
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params()) == 5147
    sim.advance_clock(61)
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params()) == 200
    # The count starts again after the lockout.
    assert await cloud.code("POST", EMAIL_LOGIN, params=wrong) == 5586


async def test_phone_countdown_and_success_resets(cloud: Cloud, sim: CloudSimulator) -> None:
    wrong = phone_login_params(password="wrong-password")
    assert [await cloud.code("POST", PHONE_LOGIN, params=wrong) for _ in range(4)] == [5582, 5581, 5580, 5579]
    assert await cloud.code("POST", PHONE_LOGIN, params=phone_login_params()) == 200
    assert sim.state.users[DEMO_UID].failed_logins == 0
    assert await cloud.code("POST", PHONE_LOGIN, params=wrong) == 5582
    # Unknown accounts and bad signatures do not count.
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params(secret="x")) == 5420
    assert sim.state.users[DEMO_UID].failed_logins == 1


# ----- tokens -----


async def test_refresh_rotation(cloud: Cloud, sim: CloudSimulator) -> None:
    login = await cloud.ok("POST", EMAIL_LOGIN, params=email_login_params())
    old_refresh = login["refreshToken"]["token"]
    fresh = await cloud.ok("PUT", REFRESH, params={"refreshToken": old_refresh})
    assert fresh["accessToken"]["token"] != login["accessToken"]["token"]
    assert fresh["refreshToken"]["token"] != old_refresh
    assert jwt_claims(fresh["accessToken"]["token"])["uid"] == DEMO_UID
    assert await cloud.code("GET", USER_INFO, token=fresh["accessToken"]["token"]) == 200
    # The used refresh token is single-use.
    assert await cloud.code("PUT", REFRESH, params={"refreshToken": old_refresh}) == 5032
    # The new one works once, also as a form body.
    again = await cloud.ok("PUT", REFRESH, data={"refreshToken": fresh["refreshToken"]["token"]})
    # Access tokens are not refresh tokens and vice versa.
    assert await cloud.code("PUT", REFRESH, params={"refreshToken": again["accessToken"]["token"]}) == 5032
    assert await cloud.code("GET", USER_INFO, token=again["refreshToken"]["token"]) == 5032
    # Expired refresh tokens.
    sim.advance_clock(2_592_000)
    assert await cloud.code("PUT", REFRESH, params={"refreshToken": again["refreshToken"]["token"]}) == 5032


@pytest.mark.parametrize(("params", "code"), [({}, 5115), ({"refreshToken": ""}, 5115), ({"refreshToken": "x"}, 5032)])
async def test_refresh_errors(cloud: Cloud, params: dict[str, str], code: int) -> None:
    assert await cloud.code("PUT", REFRESH, params=params) == code


async def test_authorization_checks(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    assert await cloud.code("GET", USER_INFO) == 5106
    assert await cloud.code("GET", USER_INFO, token="") == 5106
    assert await cloud.code("GET", USER_INFO, token=token.removeprefix("Bearer ")) == 5032
    assert await cloud.code("GET", USER_INFO, token="Bearer " + token) == 5032
    assert await cloud.code("GET", USER_INFO, token="Bearer nonsense") == 5032
    assert await cloud.code("GET", USER_INFO, token=token) == 200
    sim.advance_clock(7200)
    assert await cloud.code("GET", USER_INFO, token=token) == 5032


async def test_revoke_tokens(cloud: Cloud, sim: CloudSimulator) -> None:
    demo, friend = cloud.token(), cloud.token(FRIEND_UID)
    assert sim.revoke_tokens(DEMO_UID) == 2
    assert await cloud.code("GET", USER_INFO, token=demo) == 5032
    assert await cloud.code("GET", USER_INFO, token=friend) == 200
    assert sim.revoke_tokens() == 2
    assert await cloud.code("GET", USER_INFO, token=friend) == 5032
    with pytest.raises(KeyError):
        sim.issue_tokens("C9999")
    # A token whose user was removed from the state.
    token = cloud.token(FRIEND_UID)
    del sim.state.users[FRIEND_UID]
    assert await cloud.code("GET", USER_INFO, token=token) == 5032


async def test_user_info(cloud: Cloud) -> None:
    info = await cloud.ok("GET", USER_INFO, token=cloud.token())
    assert info["uid"] == DEMO_UID
    assert info["nikeName"] == "Demo User"
    assert info["email"] == DEMO_EMAIL
    assert info["phone"] == DEMO_PHONE
    assert info["status"] == 1
    assert info["registerTime"] == "2025-01-15 08:00:00"
    assert info["registerTimeTs"] == 1736928000000
    assert info["lastLoginTime"] is None
    assert {"lang", "nationality", "timezone", "lastLoginTimeTs"} <= set(info)


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


def _wifi(**fields: Any) -> dict[str, Any]:
    return {"productKey": WIFI_PK, "deviceKey": WIFI_DK, "bindingCode": WIFI_CODE} | fields


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
    body = _wifi(deviceName="Desk plug", capabilitiesBitmask=3, fid="fam-demo-home", isCommonDevice=True)
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
    body = _wifi(isMatter=True, matterInfo=MATTER)
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
    body = _wifi(isMatter=True, matterInfo=info)
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=body) == code
    if missing == "matterVersion":
        body = _wifi(isMatter=True, matterInfo=MATTER | {"matterVersion": " "})
        assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=body) == code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"deviceKey": WIFI_DK, "bindingCode": WIFI_CODE}, 5066),
        ({"productKey": WIFI_PK, "bindingCode": WIFI_CODE}, 5067),
        ({"productKey": WIFI_PK, "deviceKey": WIFI_DK}, 5179),
        (_wifi(bindingCode=None), 5179),
        (_wifi(isMatter="perhaps"), 5000),
        (_wifi(isMatter=True), 5879),
        (_wifi(isMatter=True, matterInfo="nope"), 5879),
        (_wifi(frid="room-living"), 5636),
        (_wifi(deviceKey="a0:b1:c2"), 5361),
        (_wifi(deviceName="n" * 300), 5333),
        (_wifi(capabilitiesBitmask=99), 5000),
        (_wifi(capabilitiesBitmask=True), 5000),
        (_wifi(bindingCode="0123456789abcdef"), 5213),
        (_wifi(bindingCode="0123"), 5213),
        (_wifi(deviceKey="a0b1c2d3e4f7"), 5460),
        (_wifi(bindingCode="FFFFFFFFFFFFFFFF"), 5462),
        (_wifi(productKey="p11priv", deviceKey="b0b1b2b3b4b5"), 5229),
        (_wifi(deviceKey=SHARED_DK), 6040),
        (_wifi(fid="fam-neighbour"), 5669),
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
        await cloud.code("POST", BIND_WIFI, token=token, json_body=_wifi(deviceKey="a0b1c2d3e4f7", bindingCode=code))
        == 5461
    )
    code = sim.report_binding_code(WIFI_PK, "a0b1c2d3e4f7", "00000000000000AA", ttl=10)
    assert code == "00000000000000AA"
    assert (
        await cloud.code("POST", BIND_WIFI, token=token, json_body=_wifi(deviceKey="a0b1c2d3e4f7", bindingCode=code))
        == 200
    )
    # Demo codes never expire.
    sim.advance_clock(10 * 365 * 86400)
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=_wifi()) == 200
    with pytest.raises(KeyError):
        sim.report_binding_code(WIFI_PK, "000000000000")


async def test_bind_wifi_wrong_placement(cloud: Cloud) -> None:
    # The body fields sent as query parameters are not read.
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), params=_wifi()) == 5066
    # A form body is not JSON either.
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), data=_wifi()) == 5066
    # A JSON array is not the object the endpoint expects.
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=[_wifi()]) == 5066
    # Numbers are accepted where strings are expected (as Spring would).
    assert await cloud.code("POST", BIND_WIFI, token=cloud.token(), json_body=_wifi(fid=123)) == 5041


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


# ----- faults -----


async def test_fault_latency(cloud: Cloud, sim: CloudSimulator) -> None:
    sim.faults.add(Fault(kind="latency", delay=0.2, path="userInfo"))
    start = time.monotonic()
    assert await cloud.code("GET", USER_INFO, token=cloud.token()) == 200
    assert time.monotonic() - start >= 0.2
    assert sim.requests[-1].fault == "latency"
    assert sim.requests[-1].response_code == 200
    assert len(sim.faults) == 0


@pytest.mark.parametrize(("status", "expected"), [(None, 500), (503, 503), (502, 502), (599, 599)])
async def test_fault_http_status(
    sim: CloudSimulator, http: aiohttp.ClientSession, status: int | None, expected: int
) -> None:
    sim.faults.add(Fault(kind="http_status", status=status))
    async with http.get(sim.url + USER_INFO) as resp:
        assert resp.status == expected
        assert resp.content_type == "text/plain"
        assert (await resp.text()).startswith(str(expected))
    assert sim.requests[-1].fault == "http_status"
    assert sim.requests[-1].response_code is None
    assert sim.requests[-1].http_status == expected


async def test_fault_html(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.add(Fault(kind="html"))
    sim.faults.add(Fault(kind="html", status=504))
    async with http.post(sim.url + EMAIL_LOGIN) as resp:
        assert resp.status == 502
        assert resp.content_type == "text/html"
        assert "<html>" in await resp.text()
    async with http.post(sim.url + EMAIL_LOGIN) as resp:
        assert resp.status == 504
        assert "504 Gateway Timeout" in await resp.text()


async def test_fault_malformed_and_empty(sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    sim.faults.add(Fault(kind="malformed_json"))
    sim.faults.add(Fault(kind="empty_body"))
    async with http.get(sim.url + USER_INFO) as resp:
        assert resp.status == 200
        assert await resp.text() == '{"code": 200, "data": '
        with pytest.raises(json.JSONDecodeError):
            await resp.json(content_type=None)
    async with http.get(sim.url + USER_INFO) as resp:
        assert resp.status == 200
        assert await resp.read() == b""
    assert [r.fault for r in sim.requests] == ["malformed_json", "empty_body"]


async def test_fault_drop(sim: CloudSimulator) -> None:
    sim.faults.add(Fault(kind="drop", path="emailPwdLogin"))
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ServerDisconnectedError):
            await session.post(sim.url + EMAIL_LOGIN, params=email_login_params())
        # The fault is used up: the next request is answered.
        async with session.post(sim.url + EMAIL_LOGIN, params=email_login_params()) as resp:
            assert (await resp.json(content_type=None))["code"] == 200
    dropped, answered = sim.requests
    assert dropped.fault == "drop"
    assert dropped.response_code is None
    assert dropped.http_status is None
    assert answered.fault is None


async def test_fault_code(cloud: Cloud, sim: CloudSimulator) -> None:
    sim.faults.add(Fault(kind="code", code=5032))
    sim.faults.add(Fault(kind="code", code=4026, msg="quota"))
    sim.faults.add(Fault(kind="code", code=4242))
    body = await cloud.call("GET", USER_INFO, token=cloud.token())
    assert body == {"code": 5032, "msg": "Token verification failed.", "data": None, "extMsg": None}
    assert (await cloud.call("GET", USER_INFO))["msg"] == "quota"
    assert (await cloud.call("GET", USER_INFO))["msg"] == "Error 4242."
    assert [r.response_code for r in sim.requests] == [5032, 4026, 4242]


async def test_fault_matching_and_counts(cloud: Cloud, sim: CloudSimulator) -> None:
    token = cloud.token()
    fault = sim.faults.add(Fault(kind="code", code=5000, path="userDeviceList", count=2))
    sim.faults.add(Fault(kind="code", code=5000, path="userInfo", method="POST"))
    assert await cloud.code("GET", USER_INFO, token=token) == 200
    assert await cloud.code("GET", DEVICE_LIST, token=token) == 5000
    assert fault.count == 1
    assert await cloud.code("GET", DEVICE_LIST, token=token) == 5000
    assert await cloud.code("GET", DEVICE_LIST, token=token) == 200
    assert len(sim.faults) == 1
    forever = sim.faults.add(Fault(kind="code", code=5000, count=None))
    for _ in range(3):
        assert await cloud.code("GET", FAMILY_MODE, token=token) == 5000
    assert forever in list(sim.faults)
    sim.faults.remove(forever)
    assert await cloud.code("GET", FAMILY_MODE, token=token) == 200
    sim.faults.add(Fault(kind="code", code=5000))
    sim.faults.clear()
    assert len(sim.faults) == 0
    assert await cloud.code("GET", FAMILY_MODE, token=token) == 200


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "explode"},
        {"kind": "code"},
        {"kind": "latency", "count": 0},
        {"kind": "latency", "delay": -1},
    ],
)
def test_fault_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Fault(**kwargs)


def test_fault_set_take() -> None:
    faults = FaultSet()
    assert faults.take("GET", "/x") is None
    first = faults.add(Fault(kind="empty_body", path="/a"))
    assert faults.take("GET", "/b") is None
    assert faults.take("GET", "/a/b") is first
    assert len(faults) == 0


# ----- request log -----


async def test_request_log(cloud: Cloud, sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    token = cloud.token()
    await cloud.call("POST", BIND_WIFI, token=token, json_body=_wifi(), headers={"X-Test": "1"})
    await cloud.call("GET", DEVICE_LIST, token=token, params={"page": 1, "pageSize": 5})
    async with http.get(sim.url + "/no/such/path") as resp:
        assert resp.status == 404
    async with http.post(sim.url + DEVICE_LIST) as resp:
        assert resp.status == 405
    bind, listing, missing, wrong_method = sim.requests
    assert isinstance(bind, RecordedRequest)
    assert (bind.method, bind.path) == ("POST", BIND_WIFI)
    assert bind.json == _wifi()
    assert json.loads(bind.body) == _wifi()
    assert bind.headers["Authorization"] == token
    assert bind.headers["X-Test"] == "1"
    assert bind.query == {}
    assert bind.response_code == 200
    assert bind.fault is None
    assert bind.received_at > 0
    assert listing.query == {"page": "1", "pageSize": "5"}
    assert listing.json is None
    assert listing.body == b""
    assert (missing.http_status, missing.response_code) == (404, None)
    assert wrong_method.http_status == 405
    assert sim.requests_to("userDeviceList") == [listing, wrong_method]
    assert sim.requests_to("emailPwdLogin") == []
    sim.clear_requests()
    assert sim.requests == []


async def test_request_log_non_json_body(cloud: Cloud, sim: CloudSimulator) -> None:
    await cloud.call(
        "POST", BIND_WIFI, token=cloud.token(), data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert sim.requests[-1].json is None
    assert sim.requests[-1].body == b"{not json"
    assert sim.requests[-1].response_code == 5066


async def test_no_secrets_in_logs(cloud: Cloud, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="quectel_simulator")
    params = email_login_params()
    data = await cloud.ok("POST", EMAIL_LOGIN, params=params)
    await cloud.ok("GET", USER_INFO, token=data["accessToken"]["token"])
    text = caplog.text
    assert "emailPwdLogin" in text
    for secret in (params["pwd"], params["signature"], SECRET, DEMO_PASSWORD, data["accessToken"]["token"][7:40]):
        assert secret not in text


# ----- lifecycle and data files -----


async def test_lifecycle() -> None:
    sim = CloudSimulator.from_demo_data()
    with pytest.raises(RuntimeError):
        _ = sim.url
    assert sim.running_now is False
    await sim.stop()  # no-op
    async with sim as started:
        assert started.running_now
        assert started.url == f"http://127.0.0.1:{started.port}"
        with pytest.raises(RuntimeError):
            await started.start()
    assert sim.running_now is False
    # Restartable, and a busy port is reported.
    async with sim.running(port=0):
        other = CloudSimulator.from_demo_data()
        with pytest.raises(OSError):
            await other.start(port=sim.port)
        assert other.running_now is False


def test_demo_data_contents() -> None:
    sim = CloudSimulator.from_demo_data()
    state = sim.state
    assert state.data_center == "EU"
    domain = state.user_domains[DOMAIN]
    assert domain.secret == SECRET
    assert len(domain.secret) == 44
    assert not set(domain.secret) & set("0OIl")
    assert state.user_domains[OTHER_DOMAIN].secret == OTHER_SECRET
    assert state.user_domains[DISABLED_DOMAIN].enabled is False
    demo = state.users[DEMO_UID]
    assert (demo.email, demo.phone, demo.international_code, demo.password) == (
        DEMO_EMAIL,
        DEMO_PHONE,
        "86",
        DEMO_PASSWORD,
    )
    assert demo.family_mode is True
    roles = {family.fid: role for family, role in state.families_of(DEMO_UID)}
    assert roles == {"fam-demo-home": 1, "fam-neighbour": 3}
    assert len(state.families["fam-demo-home"].rooms) == 2
    assert state.users[FRIEND_UID].password == "friend1234"
    modes = {p.pk: p.binding_mode for p in state.products.values()}
    assert modes == {"p11wifi": 1, "p11cell": 1, "p11uniq": 2, "p11rota": 3, "p11blee": 1, "p11priv": 1}
    assert state.products[BLE_PK].product_secret == BLE_PS
    assert len(BLE_PS) == 16
    assert "p11priv" not in domain.products
    assert any(d.data_center != "EU" for d in state.devices.values())
    for device in state.devices.values():
        assert len(device.dk) == 12
        int(device.dk, 16)
        if device.binding_code is not None:
            assert device.binding_code_expires_at is None


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.toml"
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """
[[user_domains]]
domain = "U.DM.1.1"
secret = "s"
products = ["pk1"]

[[users]]
uid = "U1"
user_domain = "U.DM.1.1"
email = "u@example.com"
password = "password1"
registered_at = 1700000000

[[products]]
pk = "pk1"
name = "P"

[[devices]]
pk = "pk1"
dk = "dk000001"
binding_code = "00000000000000AB"
binding_code_ttl = 30
"""


async def test_from_file(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    sim = CloudSimulator.from_file(_write(tmp_path, MINIMAL), access_token_lifetime=5)
    assert sim.access_token_lifetime == 5
    assert sim.state.data_center == "EU"
    assert sim.state.users["U1"].registered_at == 1700000000
    device = sim.state.devices["pk1", "dk000001"]
    assert device.binding_code_expires_at is not None
    assert device.data_center == "EU"
    async with sim.running():
        cloud = Cloud(sim, http)
        params = email_login_params("u@example.com", "password1", domain="U.DM.1.1", secret="s")
        data = await cloud.ok("POST", EMAIL_LOGIN, params=params)
        token = data["accessToken"]["token"]
        assert jwt_claims(token)["exp"] - jwt_claims(token)["iat"] == 5
        body = {"productKey": "pk1", "deviceKey": "dk000001", "bindingCode": "00000000000000AB"}
        assert await cloud.code("POST", BIND_WIFI, token=token, json_body=body) == 200
        assert "(in-memory state)" not in cli.banner(sim)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("simulator = 3", "must be a table"),
        ("user_domains = 3", "array of tables"),
        ('[[user_domains]]\nsecret = "s"', "missing 'domain'"),
        ('[[user_domains]]\ndomain = 1\nsecret = "s"', "must be str"),
        ('[[user_domains]]\ndomain = "d"\nsecret = "s"\nproducts = [1]', "list of strings"),
        ('[[user_domains]]\ndomain = "d"\nsecret = "s"\nenabled = 1', "must be bool"),
        ('[[users]]\nuid = "u"\nuser_domain = "nope"\npassword = "p"', "unknown user domain"),
        ('[[families]]\nfid = "f"\nname = "n"\nmembers = { U9 = 1 }', "unknown users"),
        ('[[families]]\nfid = "f"\nname = "n"\nmembers = { U9 = 7 }', "must be 1, 2 or 3"),
        ('[[devices]]\npk = "p"\ndk = "d"', "unknown product"),
        ('[[products]]\npk = "p"\nname = "n"\nbinding_mode = true', "must be int"),
        ('[[bindings]]\nuid = "u"\npk = "p"\ndk = "d"', "unknown user or device"),
        ('[[shares]]\nshare_code = "c"\nowner_uid = "u"\nrecipient_uid = "r"\npk = "p"\ndk = "d"', "owner binding"),
        ('[[users]]\nuid = "u"\nuser_domain = "d"\npassword = "p"\nregistered_at = "yesterday"', "date-time"),
    ],
)
def test_data_file_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataFileError, match=message):
        CloudSimulator.from_file(_write(tmp_path, text))


def test_data_file_naive_datetime(tmp_path: Path) -> None:
    text = MINIMAL.replace("registered_at = 1700000000", "registered_at = 2025-01-01T00:00:00")
    sim = CloudSimulator.from_file(_write(tmp_path, text))
    assert sim.state.users["U1"].registered_at == 1735689600


# ----- CLI -----


def test_cli_arguments() -> None:
    parser = cli.build_parser()
    args = parser.parse_args([])
    assert (args.host, args.port, args.data, args.access_token_lifetime) == ("127.0.0.1", 8910, None, 7200)
    assert args.refresh_token_lifetime == 2_592_000
    args = parser.parse_args(
        ["--host", "192.0.2.1", "--port", "0", "--data", "x.toml", "--access-token-lifetime", "60"]
    )
    assert (args.host, args.port, args.data, args.access_token_lifetime) == ("192.0.2.1", 0, Path("x.toml"), 60)
    for bad in (
        ["--port", "70000"],
        ["--port", "http"],
        ["--access-token-lifetime", "0"],
        ["--access-token-lifetime", "x"],
    ):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)


async def test_cli_banner(sim: CloudSimulator) -> None:
    text = cli.banner(sim)
    assert text.startswith(f"Quectel cloud simulator listening on {sim.url}\n")
    for expected in (
        "region:             custom",
        f"base URL:           {sim.url}",
        DOMAIN,
        SECRET,
        DEMO_EMAIL,
        DEMO_PHONE,
        "international code 86",
        DEMO_PASSWORD,
        "friend@example.com",
        "friend1234",
        "domain disabled",
        f"binding code {WIFI_CODE} (never expires)",
        f"binding code {BLE_CODE}",
        f"product secret {BLE_PS}",
        "not authorized for C.DM.90001.1",
        "data center CN",
        "bound to C1002",
        "shared to C1001 (accepted)",
        f"stored binding secret {BLE_STORED_SECRET}",
        "Press Ctrl-C to stop.",
    ):
        assert expected in text, expected
    sim.report_binding_code(WIFI_PK, "a0b1c2d3e4f7", ttl=100)
    assert "s left)" in cli.banner(sim)


async def test_cli_banner_without_users(http: aiohttp.ClientSession) -> None:
    async with CloudSimulator(SimulatorState()).running() as empty:
        text = cli.banner(empty)
    assert "Demo account" not in text
    assert "(in-memory state)" in text


def _running(sim: CloudSimulator) -> bool:
    return sim.running_now


async def test_cli_serve_until_stopped() -> None:
    stop = asyncio.Event()
    out = io.StringIO()
    sim = CloudSimulator.from_demo_data()
    task = asyncio.create_task(cli.serve(sim, "127.0.0.1", 0, stop=stop, out=out))
    for _ in range(100):
        if "Press Ctrl-C" in out.getvalue():
            break
        await asyncio.sleep(0.01)
    assert _running(sim)
    assert "listening on http://127.0.0.1:" in out.getvalue()
    stop.set()
    await task
    assert not _running(sim)
    assert out.getvalue().endswith("Simulator stopped.\n")


def test_cli_main(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    served: list[tuple[CloudSimulator, str, int]] = []

    async def fake_serve(sim: CloudSimulator, host: str, port: int) -> None:
        served.append((sim, host, port))

    monkeypatch.setattr(cli, "serve", fake_serve)
    assert cli.main(["--port", "0", "--access-token-lifetime", "30"]) == 0
    sim, host, port = served[-1]
    assert (host, port, sim.access_token_lifetime) == ("127.0.0.1", 0, 30)
    assert cli.main(["--data", str(_write(tmp_path, MINIMAL)), "--refresh-token-lifetime", "99"]) == 0
    assert served[-1][0].refresh_token_lifetime == 99
    assert "U1" in served[-1][0].state.users
    assert cli.main(["--data", str(tmp_path / "missing.toml")]) == 2
    assert cli.main(["--data", str(_write(tmp_path, "users = 3"))]) == 2
    assert "cannot load the data file" in capsys.readouterr().err

    async def busy(sim: CloudSimulator, host: str, port: int) -> None:
        raise OSError("address in use")

    monkeypatch.setattr(cli, "serve", busy)
    assert cli.main([]) == 1
    assert "cannot listen on 127.0.0.1:8910" in capsys.readouterr().err


async def test_cli_subprocess(http: aiohttp.ClientSession) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "quectel_simulator",
        "--port",
        "0",
        "--log-level",
        "WARNING",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert first.startswith("Quectel cloud simulator listening on http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        async with http.get(url + USER_INFO) as resp:
            assert (await resp.json(content_type=None))["code"] == 5106
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0
        assert "Simulator stopped." in out.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
