"""Requests shaped as the working third-party clients send them (cloud_api.md 2.2, 2.3, 3.7, 10).

Android apps encode ``pwd`` with ``Base64.DEFAULT`` (line breaks every 76 characters and a trailing newline),
several clients send the login and refresh parameters as a form body, and the vendor apps add their own headers.
The simulator must accept each of them as the real cloud is recorded doing.
"""

from __future__ import annotations

import base64
import textwrap
from urllib.parse import urlencode

from quectel_simulator import CloudSimulator
from tests.simulator.helpers import (
    BIND_DK,
    CELL_BOUND,
    CELL_FREE,
    CELL_PK,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_UID,
    DEVICE_LIST,
    DOMAIN,
    EMAIL_LOGIN,
    PHONE_LOGIN,
    REFRESH,
    SECRET,
    SHARE,
    SHARED_DK,
    USER_INFO,
    Cloud,
    email_login_params,
    encrypt_pwd,
    jwt_claims,
    phone_login_params,
    sha,
)

ANDROID_RANDOM = "A1b2C3d4E5f6G7h8"
APP_HEADERS = {
    "appId": "123",
    "appVersion": "3.6.0",
    "appSystemType": "android",
    "X-Q-Language": "en",
    "quec-random-url": "5b0c3c8e-3c1f-4d7e-9a51-2f0c7d9f1e00",
    "app-info": '[{"appVersion":"3.6.0","phoneModel":"Pixel 8"}]',
    "User-Agent": "okhttp/4.9.3",
}
"""The extra headers vendor apps send (cloud_api.md 2.3); the API does not need them."""


def android_base64(pwd: str) -> str:
    """Re-wrap a Base64 value as Android's ``Base64.DEFAULT`` writes it: 76-character lines, each ending in ``\\n``."""
    return "".join(line + "\n" for line in textwrap.wrap(pwd, 76))


def android_email_params(
    email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD, random: str = ANDROID_RANDOM
) -> dict[str, str]:
    pwd = android_base64(encrypt_pwd(password, random))
    return {
        "email": email,
        "pwd": pwd,
        "random": random,
        "userDomain": DOMAIN,
        "signature": sha(email, pwd, random, SECRET),
    }


# ----- pwd with line breaks -----


def test_android_base64_shape() -> None:
    short = android_base64(encrypt_pwd(DEMO_PASSWORD, ANDROID_RANDOM))
    assert short.endswith("==\n")
    assert short.count("\n") == 1
    long = android_base64(encrypt_pwd("p" * 60, ANDROID_RANDOM))
    assert long.count("\n") == 2
    assert len(long.split("\n")[0]) == 76


async def test_login_pwd_with_trailing_newline(cloud: Cloud) -> None:
    params = android_email_params()
    assert params["pwd"].endswith("\n")
    data = await cloud.ok("POST", EMAIL_LOGIN, params=params)
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID
    # The same as a form body, as the Oukitel client sends it.
    data = await cloud.ok("POST", EMAIL_LOGIN, data=android_email_params())
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID


async def test_login_pwd_with_line_breaks(cloud: Cloud, sim: CloudSimulator) -> None:
    sim.state.users[DEMO_UID].password = "p" * 60  # 64 bytes of ciphertext: 88 Base64 characters, two lines
    params = android_email_params(password="p" * 60)
    assert params["pwd"].count("\n") == 2
    assert await cloud.code("POST", EMAIL_LOGIN, data=params) == 200
    # A CR LF line break decodes too.
    pwd = params["pwd"].replace("\n", "\r\n")
    crlf = params | {"pwd": pwd, "signature": sha(DEMO_EMAIL, pwd, ANDROID_RANDOM, SECRET)}
    assert await cloud.code("POST", EMAIL_LOGIN, data=crlf) == 200


async def test_login_signature_is_over_pwd_as_sent(cloud: Cloud) -> None:
    params = android_email_params()
    stripped = params["pwd"].strip()
    # Signed over the value without its newline, sent with it: the signature does not match.
    assert (
        await cloud.code(
            "POST", EMAIL_LOGIN, data=params | {"signature": sha(DEMO_EMAIL, stripped, ANDROID_RANDOM, SECRET)}
        )
        == 5420
    )
    # A wrong password behind a newline is still a wrong password, not a format error.
    assert await cloud.code("POST", EMAIL_LOGIN, data=android_email_params(password="wrong-password")) == 5586


async def test_phone_login_pwd_with_trailing_newline(cloud: Cloud) -> None:
    params = phone_login_params()
    pwd = params["pwd"] + "\n"
    params |= {"pwd": pwd, "signature": sha("86", DEMO_PHONE, pwd, params["random"], SECRET)}
    data = await cloud.ok("POST", PHONE_LOGIN, data=params)
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID


async def test_login_pwd_still_must_be_base64(cloud: Cloud) -> None:
    for pwd in ("lkZM vj0K!DSJX\n", base64.b64encode(b"0123456789abcdef").decode() + "\n"):
        params = {
            "email": DEMO_EMAIL,
            "pwd": pwd,
            "random": "r",
            "userDomain": DOMAIN,
            "signature": sha(DEMO_EMAIL, pwd, "r", SECRET),
        }
        assert await cloud.code("POST", EMAIL_LOGIN, data=params) == 5056


# ----- query string or form body -----


async def test_phone_login_as_form_body(cloud: Cloud, sim: CloudSimulator) -> None:
    data = await cloud.ok("POST", PHONE_LOGIN, data=phone_login_params())
    assert jwt_claims(data["accessToken"]["token"])["uid"] == DEMO_UID
    recorded = sim.requests_to("phonePwdLogin")[-1]
    assert recorded.query == {}
    assert recorded.headers["Content-Type"] == "application/x-www-form-urlencoded"


async def test_form_body_with_charset(cloud: Cloud) -> None:
    body = urlencode(android_email_params()).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}
    assert await cloud.code("POST", EMAIL_LOGIN, data=body, headers=headers) == 200


async def test_query_with_empty_body_of_any_content_type(cloud: Cloud) -> None:
    # The vendor's curl: parameters in the query, an empty body (``-d ''``), whatever Content-Type comes with it.
    for content_type in ("application/json", "application/octet-stream", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": content_type}
        assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params(), data=b"", headers=headers) == 200
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params()) == 200


async def test_refresh_as_form_body_or_query(cloud: Cloud, sim: CloudSimulator) -> None:
    login = await cloud.ok("POST", EMAIL_LOGIN, data=android_email_params())
    fresh = await cloud.ok("PUT", REFRESH, data={"refreshToken": login["refreshToken"]["token"]})
    assert jwt_claims(fresh["accessToken"]["token"])["uid"] == DEMO_UID
    assert sim.requests_to("refreshToken")[-1].query == {}
    again = await cloud.ok("PUT", REFRESH, params={"refreshToken": fresh["refreshToken"]["token"]})
    assert await cloud.code("GET", USER_INFO, token=again["accessToken"]["token"]) == 200


async def test_seed_endpoints_keep_their_placement(cloud: Cloud) -> None:
    # bindDeviceDk and shareByUid are query-only on their seed pages: a form body is not read.
    token = cloud.token()
    assert await cloud.code("POST", BIND_DK, token=token, data={"pk": CELL_PK, "dk": CELL_FREE}) == 5066
    share = {"pk": CELL_PK, "dk": "c0ffee000001", "shareUid": "C1002"}
    assert await cloud.code("POST", SHARE, token=token, data=share) == 5066
    assert await cloud.code("POST", BIND_DK, token=token, params={"pk": CELL_PK, "dk": CELL_FREE}) == 200


# ----- app headers -----


async def test_app_headers_are_ignored(cloud: Cloud, sim: CloudSimulator) -> None:
    data = await cloud.ok("POST", EMAIL_LOGIN, data=android_email_params(), headers=APP_HEADERS)
    token = data["accessToken"]["token"]
    assert await cloud.code("GET", USER_INFO, token=token, headers=APP_HEADERS) == 200
    page = await cloud.ok("GET", "/v2/binding/enduserapi/userDeviceList", token=token, headers=APP_HEADERS)
    assert page["total"] == 2
    fresh = await cloud.ok("PUT", REFRESH, data={"refreshToken": data["refreshToken"]["token"]}, headers=APP_HEADERS)
    assert fresh["accessToken"]["token"] != token
    recorded = sim.requests_to("emailPwdLogin")[-1]
    assert recorded.headers["X-Q-Language"] == "en"
    assert recorded.headers["quec-random-url"] == APP_HEADERS["quec-random-url"]


# ----- device list paging -----


async def test_device_list_page_number(cloud: Cloud) -> None:
    # The Oukitel client's request: pageNumber=1&pageSize=50.
    page = await cloud.devices(pageNumber=1, pageSize=50)
    assert (page["pageNum"], page["pageSize"], page["total"], len(page["list"])) == (1, 50, 2, 2)
    second = await cloud.devices(pageNumber=2, pageSize=1)
    assert second["pageNum"] == 2
    assert [d["deviceKey"] for d in second["list"]] == [SHARED_DK]
    # The documented name wins when both are sent.
    both = await cloud.devices(page=1, pageNumber=2, pageSize=1)
    assert both["pageNum"] == 1
    assert [d["deviceKey"] for d in both["list"]] == [CELL_BOUND]
    # A blank page falls back to pageNumber.
    assert (await cloud.devices(page="", pageNumber=2, pageSize=1))["pageNum"] == 2


async def test_device_list_without_paging(cloud: Cloud) -> None:
    page = await cloud.devices()
    assert (page["pageNum"], page["pageSize"], page["total"], len(page["list"])) == (1, 10, 2, 2)
    only_size = await cloud.devices(pageSize=1)
    assert (only_size["pageNum"], len(only_size["list"]), only_size["hasNextPage"]) == (1, 1, True)


async def test_device_list_page_number_errors(cloud: Cloud) -> None:
    token = cloud.token()
    for params in (
        {"pageNumber": "0"},
        {"pageNumber": "x"},
        {"pageNumber": "1.5"},
        {"pageNumber": "1", "pageSize": "0"},
    ):
        assert await cloud.code("GET", DEVICE_LIST, token=token, params=params) == 5000
