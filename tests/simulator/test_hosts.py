"""A user domain on a second host name: two listeners over one state, the domain known to one of them.

This is how the integration's region ``auto`` is tested over real HTTP: the primary listener answers 5015 to a user
domain it does not serve (as the real cloud answers a user domain of another data center), the listener that serves
it signs its users in and answers wrong passwords and lockouts with the usual codes.
"""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys

import aiohttp
import pytest

from quectel_simulator import CloudSimulator, Fault
from quectel_simulator import __main__ as cli
from quectel_simulator.codes import MESSAGES
from tests.simulator.helpers import (
    DEMO_UID,
    DISABLED_DOMAIN,
    DOMAIN,
    EMAIL_LOGIN,
    OTHER_DOMAIN,
    OTHER_SECRET,
    OTHER_UID,
    PHONE_LOGIN,
    REFRESH,
    REPO,
    USER_INFO,
    Cloud,
    email_login_params,
    jwt_claims,
    phone_login_params,
)

EU_ALT = "iot-api.quecteleu.com"
OTHER_EMAIL = "other@example.com"
OTHER_PHONE = "2025550123"
OTHER_PASSWORD = "other1234"


def other_email_login(password: str = OTHER_PASSWORD) -> dict[str, str]:
    return email_login_params(OTHER_EMAIL, password, domain=OTHER_DOMAIN, secret=OTHER_SECRET)


def other_phone_login(password: str = OTHER_PASSWORD) -> dict[str, str]:
    return phone_login_params(OTHER_PHONE, password, code="1", domain=OTHER_DOMAIN, secret=OTHER_SECRET)


async def test_second_host_serves_its_user_domain(cloud: Cloud, sim: CloudSimulator) -> None:
    alt = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    assert alt != sim.url
    assert sim.host_url(EU_ALT) == alt
    assert sim.urls == {"primary": sim.url, EU_ALT: alt}
    assert sim.hosts_of(OTHER_DOMAIN) == [EU_ALT]
    assert sim.hosts_of(DOMAIN) == ["primary"]
    assert (sim.serves(EU_ALT, OTHER_DOMAIN), sim.serves("primary", OTHER_DOMAIN)) == (True, False)
    # The primary does not know the domain: "The user domain does not exist", for both logins.
    body = await cloud.call("POST", EMAIL_LOGIN, params=other_email_login())
    assert (body["code"], body["msg"], body["data"]) == (5015, MESSAGES[5015], None)
    assert await cloud.code("POST", PHONE_LOGIN, params=other_phone_login()) == 5015
    # The second host signs the user in, by query or form body.
    login = await cloud.ok("POST", EMAIL_LOGIN, data=other_email_login(), base=alt)
    assert jwt_claims(login["accessToken"]["token"])["uid"] == OTHER_UID
    assert await cloud.code("POST", PHONE_LOGIN, params=other_phone_login(), base=alt) == 200
    # And it does not know the primary's domains.
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params(), base=alt) == 5015
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params()) == 200
    # The request log names the host each request reached.
    assert [r.response_code for r in sim.requests_to("emailPwdLogin", host=EU_ALT)] == [200, 5015]
    assert [r.response_code for r in sim.requests_to("emailPwdLogin", host="primary")] == [5015, 200]


async def test_tokens_are_answered_where_they_belong(cloud: Cloud, sim: CloudSimulator) -> None:
    alt = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    login = await cloud.ok("POST", EMAIL_LOGIN, params=other_email_login(), base=alt)
    access, refresh = login["accessToken"]["token"], login["refreshToken"]["token"]
    assert (await cloud.ok("GET", USER_INFO, token=access, base=alt))["uid"] == OTHER_UID
    # Another host does not know the user: its tokens fail verification there.
    assert await cloud.code("GET", USER_INFO, token=access) == 5032
    assert await cloud.code("GET", "/v2/binding/enduserapi/userDeviceList", token=access) == 5032
    assert await cloud.code("PUT", REFRESH, params={"refreshToken": refresh}) == 5032
    # The refused refresh did not use the token up.
    fresh = await cloud.ok("PUT", REFRESH, data={"refreshToken": refresh}, base=alt)
    assert jwt_claims(fresh["accessToken"]["token"])["uid"] == OTHER_UID
    assert sim.tokens.use_refresh(refresh) is None  # used up there
    # The primary's own users are unknown at the second host.
    demo = cloud.token(DEMO_UID)
    assert await cloud.code("GET", USER_INFO, token=demo, base=alt) == 5032
    assert await cloud.code("GET", USER_INFO, token=demo) == 200


async def test_wrong_password_and_lockout_where_the_domain_lives(cloud: Cloud, sim: CloudSimulator) -> None:
    alt = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    wrong = other_email_login("wrong-password")
    assert [await cloud.code("POST", EMAIL_LOGIN, params=wrong, base=alt) for _ in range(5)] == [
        5586,
        5585,
        5584,
        5583,
        5147,
    ]
    # Locked at the host that knows the domain, even with the right password; the other host still does not know it.
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login(), base=alt) == 5147
    assert await cloud.code("POST", PHONE_LOGIN, params=other_phone_login(), base=alt) == 5147
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login()) == 5015
    sim.advance_clock(20 * 60)
    wrong_phone = other_phone_login("wrong-password")
    assert await cloud.code("POST", PHONE_LOGIN, params=wrong_phone, base=alt) == 5582
    assert await cloud.code("POST", PHONE_LOGIN, params=wrong_phone) == 5015
    # Wrong passwords at a host that does not know the domain do not count.
    assert sim.state.users[OTHER_UID].failed_logins == 1


async def test_user_domain_unknown_everywhere(cloud: Cloud, sim: CloudSimulator) -> None:
    alt = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    empty = await sim.start_host("iot-api.quectelus.com", [])
    unknown = email_login_params(domain="E.SP.90009.1")
    for base in (sim.url, alt, empty):
        assert await cloud.code("POST", EMAIL_LOGIN, params=unknown, base=base) == 5015
        assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params(domain="E.SP"), base=base) == 5013
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login(), base=empty) == 5015


async def test_a_disabled_domain_on_the_second_host(cloud: Cloud, sim: CloudSimulator) -> None:
    alt = await sim.start_host(EU_ALT, [DISABLED_DOMAIN])
    disabled = email_login_params("disabled@example.com", domain=DISABLED_DOMAIN)
    assert await cloud.code("POST", EMAIL_LOGIN, params=disabled, base=alt) == 5104
    assert await cloud.code("POST", EMAIL_LOGIN, params=disabled) == 5015


async def test_aliases_share_a_domain(cloud: Cloud, sim: CloudSimulator) -> None:
    first = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    second = await sim.start_host("iot-api.acceleronix.io-alias", [OTHER_DOMAIN, DOMAIN])
    assert sim.hosts_of(OTHER_DOMAIN) == [EU_ALT, "iot-api.acceleronix.io-alias"]
    login = await cloud.ok("POST", EMAIL_LOGIN, params=other_email_login(), base=first)
    assert await cloud.code("GET", USER_INFO, token=login["accessToken"]["token"], base=second) == 200
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login()) == 5015
    # The primary keeps only what no extra host was given.
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params()) == 5015
    assert await cloud.code("POST", EMAIL_LOGIN, params=email_login_params(), base=second) == 200


async def test_stopped_host_and_faults_per_host(cloud: Cloud, sim: CloudSimulator, http: aiohttp.ClientSession) -> None:
    alt = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    # A fault limited to the primary: the connection drops there only.
    sim.faults.add(Fault(kind="drop", host="primary", path="emailPwdLogin"))
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login(), base=alt) == 200
    assert len(sim.faults) == 1
    with pytest.raises(aiohttp.ClientError):
        await cloud.call("POST", EMAIL_LOGIN, params=other_email_login())
    assert sim.requests[-1].fault == "drop"
    assert sim.requests[-1].host == "primary"
    # A stopped host refuses connections; its domain does not fall back to the primary.
    await sim.stop_host(EU_ALT)
    await sim.stop_host(EU_ALT)  # no-op
    assert EU_ALT not in sim.urls
    with pytest.raises(aiohttp.ClientConnectionError):
        async with http.post(alt + EMAIL_LOGIN, params=other_email_login()):
            pass
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login()) == 5015
    # Started again (on a new port), with the domain again.
    again = await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    assert await cloud.code("POST", EMAIL_LOGIN, params=other_email_login(), base=again) == 200


async def test_start_host_errors(sim: CloudSimulator) -> None:
    with pytest.raises(KeyError):
        await sim.start_host(EU_ALT, ["E.SP.90009.1"])
    with pytest.raises(ValueError, match="primary"):
        await sim.start_host("primary", [OTHER_DOMAIN])
    await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    with pytest.raises(RuntimeError, match="already running"):
        await sim.start_host(EU_ALT, [OTHER_DOMAIN])
    with pytest.raises(RuntimeError, match="no listener named"):
        sim.host_url("nowhere")
    assert sim.host_table.user_domains_of(EU_ALT) == frozenset({OTHER_DOMAIN})
    assert sim.host_table.user_domains_of("primary") is None
    with pytest.raises(ValueError, match="primary"):
        sim.host_table.assign("primary", [])
    # stop() closes every listener.
    await sim.stop()
    assert sim.urls == {}
    assert not sim.running_now


async def test_a_host_whose_port_cannot_be_opened_keeps_nothing(sim: CloudSimulator) -> None:
    with pytest.raises(OSError, match="address"):
        await sim.start_host(EU_ALT, [OTHER_DOMAIN], port=sim.port)
    assert sim.hosts_of(OTHER_DOMAIN) == ["primary"]
    assert EU_ALT not in sim.urls


# ----- command line -----


def test_cli_extra_host_arguments() -> None:
    parser = cli.build_parser()
    assert parser.parse_args([]).extra_host == []
    args = parser.parse_args(["--extra-host", f"0:{OTHER_DOMAIN}", "--extra-host", f"8912:{DOMAIN}, {OTHER_DOMAIN}"])
    assert args.extra_host == [(0, [OTHER_DOMAIN]), (8912, [DOMAIN, OTHER_DOMAIN])]
    for bad in (["--extra-host", "8912"], ["--extra-host", "8912:"], ["--extra-host", f"x:{DOMAIN}"]):
        with pytest.raises(SystemExit):
            parser.parse_args(bad)


def test_cli_extra_host_needs_known_domains(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--extra-host", "0:E.SP.90009.1"]) == 2
    assert "E.SP.90009.1" in capsys.readouterr().err


async def test_cli_serve_with_an_extra_host(cloud: Cloud) -> None:
    stop = asyncio.Event()
    out = io.StringIO()
    sim = CloudSimulator.from_demo_data()
    task = asyncio.create_task(cli.serve(sim, "127.0.0.1", 0, stop=stop, out=out, extra_hosts=[(0, [OTHER_DOMAIN])]))
    for _ in range(100):
        if "Press Ctrl-C" in out.getvalue():
            break
        await asyncio.sleep(0.01)
    alt = sim.host_url("extra1")
    assert f"  and on {alt} (extra1) for {OTHER_DOMAIN} (not served on {sim.url})" in out.getvalue()
    other = Cloud(sim, cloud.session)
    assert await other.code("POST", EMAIL_LOGIN, params=other_email_login(), base=alt) == 200
    assert await other.code("POST", EMAIL_LOGIN, params=other_email_login()) == 5015
    stop.set()
    await task
    assert sim.urls == {}


async def test_cli_serve_stops_when_an_extra_port_is_taken(sim: CloudSimulator) -> None:
    other = CloudSimulator.from_demo_data()
    with pytest.raises(OSError, match="address"):
        await cli.serve(other, "127.0.0.1", 0, out=io.StringIO(), extra_hosts=[(sim.port, [OTHER_DOMAIN])])
    assert other.urls == {}


async def test_cli_subprocess_with_an_extra_host(http: aiohttp.ClientSession) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = ["-m", "quectel_simulator", "--port", "0", "--extra-host", f"0:{OTHER_DOMAIN}", "--log-level", "WARNING"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=REPO, env=env
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        second = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        url = first.rsplit(" ", 1)[1].strip()
        alt = second.split()[2]
        assert second.startswith(f"  and on {alt} (extra1) for {OTHER_DOMAIN}")
        async with http.post(alt + EMAIL_LOGIN, params=other_email_login()) as resp:
            assert (await resp.json(content_type=None))["code"] == 200
        async with http.post(url + EMAIL_LOGIN, params=other_email_login()) as resp:
            assert (await resp.json(content_type=None))["code"] == 5015
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0
        assert "Simulator stopped." in out.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
