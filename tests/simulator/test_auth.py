"""The simulator's sign-in over raw HTTP: email and phone login, lockouts, token refresh, authorization, userInfo."""

from __future__ import annotations

import base64
import json
import time

import pytest

from quectel_simulator import CloudSimulator, crypto
from quectel_simulator.codes import MESSAGES
from tests.simulator.helpers import (
    DEMO_EMAIL,
    DEMO_PHONE,
    DEMO_UID,
    DISABLED_DOMAIN,
    DOMAIN,
    EMAIL_LOGIN,
    FRIEND_UID,
    OTHER_DOMAIN,
    OTHER_SECRET,
    PHONE_LOGIN,
    REFRESH,
    SECRET,
    USER_INFO,
    Cloud,
    email_login_params,
    jwt_claims,
    phone_login_params,
    sha,
)

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


async def test_tokens_carry_the_uid_as_the_vendor_example_does(cloud: Cloud, sim: CloudSimulator) -> None:
    # cloud_api.md 3.6: "Bearer " + a JWT whose payload names the user in "uid"; readable without the signing key.
    login = await cloud.ok("POST", PHONE_LOGIN, params=phone_login_params())
    fresh = await cloud.ok("PUT", REFRESH, params={"refreshToken": login["refreshToken"]["token"]})
    for pair in (login, fresh):
        token = pair["accessToken"]["token"]
        header = json.loads(base64.urlsafe_b64decode(token.removeprefix("Bearer ").split(".")[0] + "=="))
        assert header["typ"] == "JWT"
        claims = jwt_claims(token)
        assert set(claims) == {"iss", "aud", "sub", "uid", "type", "iat", "nbf", "exp", "jti"}
        assert (claims["iss"], claims["aud"], claims["sub"], claims["uid"], claims["type"]) == (
            "enduser",
            "Audience",
            "subject",
            DEMO_UID,
            "AccessToken",
        )
        assert claims["exp"] == pair["accessToken"]["expirationTime"]
        assert jwt_claims(pair["refreshToken"]["token"])["uid"] == DEMO_UID
    assert jwt_claims(cloud.token(FRIEND_UID))["uid"] == FRIEND_UID


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
