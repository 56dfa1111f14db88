"""Hand-built requests for the simulator tests: the demo data's names, an independent implementation of the
documented formulas, and :class:`Cloud`, raw HTTP calls that check the envelope.

Nothing here imports the integration: requests are built by hand with the documented formulas, so the simulator's
crypto is checked against the docs' known answers and against this independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from quectel_simulator import CloudSimulator

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


def wifi_body(**fields: Any) -> dict[str, Any]:
    return {"productKey": WIFI_PK, "deviceKey": WIFI_DK, "bindingCode": WIFI_CODE} | fields


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
        base: str | None = None,
    ) -> dict[str, Any]:
        sent_headers = dict(headers or {})
        if token is not None:
            sent_headers["Authorization"] = token
        query = {k: str(v) for k, v in (params or {}).items() if v is not None}
        async with self.session.request(
            method, (base or self.sim.url) + path, params=query, json=json_body, data=data, headers=sent_headers
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
