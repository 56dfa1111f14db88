"""Host discovery over real loopback HTTP: two simulators stand for two hosts, a user domain known to one or both."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from unittest.mock import patch

import pytest

from custom_components.quectel_iot.api import (
    REGION_BASE_URLS,
    EmailCredentials,
    HostCandidate,
    QuecAuthenticationError,
    QuecCloudClient,
    QuecConnectionError,
    QuecRateLimitError,
    QuecResponseError,
    QuecUserDomainError,
    Region,
    TokenPair,
    candidate_hosts,
    data_center_order,
    discover_host,
    known_hosts,
)
from quectel_simulator import CloudSimulator, Fault
from tests.common import DEMO_DOMAIN, DEMO_EMAIL, DEMO_PASSWORD, DEMO_SECRET, DEMO_UID, OTHER_SECRET

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import aiohttp

DEAD = "http://127.0.0.1:9"  # the discard port: connection refused
EU, NA, CN = Region.EUROPE, Region.NORTH_AMERICA, Region.CHINA


@pytest.fixture
async def second(socket_enabled: None) -> AsyncIterator[CloudSimulator]:
    """Another host, with the demo data too."""
    sim = CloudSimulator.from_demo_data()
    await sim.start(host="127.0.0.1", port=0)
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
def first(simulator: CloudSimulator) -> CloudSimulator:
    """The host tried first; it does not know the demo user domain."""
    del simulator.state.user_domains[DEMO_DOMAIN]
    return simulator


def logins(sim: CloudSimulator) -> list[int | None]:
    return [request.response_code for request in sim.requests_to("emailPwdLogin")]


async def discover(session: aiohttp.ClientSession, hosts: Any, **kwargs: Any) -> Any:
    options: dict[str, Any] = {
        "user_domain": DEMO_DOMAIN,
        "user_domain_secret": DEMO_SECRET,
        "credentials": EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
        "hosts": hosts,
        "retry_backoff": 0,
        **kwargs,
    }
    return await discover_host(session, **options)


# --- order of the candidates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user_domain", "order"),
    [
        ("E.SP.4294967410", (EU, NA, CN)),
        ("U.SP.8589934603", (NA, EU, CN)),
        ("u.dm.10351.1", (NA, EU, CN)),
        ("C.DM.5903.1", (CN, EU, NA)),
        ("X.DM.1.1", (EU, NA, CN)),
        ("", (EU, NA, CN)),
    ],
)
def test_the_prefix_orders_and_never_excludes(user_domain: str, order: tuple[Region, ...]) -> None:
    assert data_center_order(user_domain) == order


def test_known_hosts_documented_first() -> None:
    assert known_hosts() == {
        EU: ("https://iot-api.acceleronix.io", "https://iot-api.quecteleu.com"),
        NA: ("https://iot-api.landecia.com", "https://iot-api.quectelus.com"),
        CN: ("https://iot-api.quectelcn.com", "https://iot-gateway.quectel.com"),
    }
    assert [candidate.base_url for candidate in candidate_hosts(Region.AUTO, "U.SP.8589934603")] == [
        "https://iot-api.landecia.com",
        "https://iot-api.quectelus.com",
        "https://iot-api.acceleronix.io",
        "https://iot-api.quecteleu.com",
        "https://iot-api.quectelcn.com",
        "https://iot-gateway.quectel.com",
    ]
    assert candidate_hosts(CN, "E.SP.1") == (
        HostCandidate("https://iot-api.quectelcn.com", CN),
        HostCandidate("https://iot-gateway.quectel.com", CN),
    )
    # Read when called, so a patched table is used.
    with patch.dict(REGION_BASE_URLS, {EU: "http://127.0.0.1:1/"}):
        assert candidate_hosts(EU, DEMO_DOMAIN)[0] == HostCandidate("http://127.0.0.1:1", EU)


def test_custom_is_its_url_alone_and_duplicates_are_tried_once() -> None:
    assert candidate_hosts(Region.CUSTOM, DEMO_DOMAIN, base_url="http://x.test/") == (
        HostCandidate("http://x.test", Region.CUSTOM),
    )
    with pytest.raises(ValueError, match="base URL"):
        candidate_hosts(Region.CUSTOM, DEMO_DOMAIN)
    hosts = {EU: ("http://a.test", "http://a.test/"), NA: ("http://a.test",)}
    assert candidate_hosts(Region.AUTO, "E.X.1", hosts=hosts) == (HostCandidate("http://a.test", EU),)
    with pytest.raises(ValueError, match="No known host"):
        candidate_hosts(CN, DEMO_DOMAIN, hosts=hosts)


# --- moving on, and stopping ----------------------------------------------------------------------------------------


async def test_auto_finds_the_domain_on_the_second_host(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    saved: list[TokenPair] = []
    found = await discover(session, {EU: (first.url, second.url)}, on_tokens_updated=saved.append)
    assert (found.base_url, found.data_center, found.uid) == (second.url, EU, DEMO_UID)
    assert found.client.base_url == second.url
    assert found.client.tokens == found.tokens
    assert saved == [found.tokens]
    assert (logins(first), logins(second)) == ([5015], [200])
    # The uid came from the access token: no userInfo request anywhere.
    assert first.requests_to("userInfo") == second.requests_to("userInfo") == []
    await found.client.get_devices()
    assert first.requests_to("userDeviceList") == []
    assert len(second.requests_to("userDeviceList")) == 1


async def test_auto_finds_a_domain_the_simulator_serves_on_a_second_host_name(
    session: aiohttp.ClientSession, simulator: CloudSimulator
) -> None:
    """One simulated cloud, the demo domain moved to a second listener: the documented host no longer knows it."""
    alias = await simulator.start_host("iot-api.quecteleu.com", [DEMO_DOMAIN])
    found = await discover(session, {EU: (simulator.url, alias)})
    assert (found.base_url, found.data_center, found.uid) == (alias, EU, DEMO_UID)
    assert [(r.host, r.response_code) for r in simulator.requests_to("emailPwdLogin")] == [
        ("primary", 5015),
        ("iot-api.quecteleu.com", 200),
    ]
    await found.client.get_devices()
    assert {r.host for r in simulator.requests_to("userDeviceList")} == {"iot-api.quecteleu.com"}
    assert simulator.requests_to("userInfo") == []


async def test_the_prefix_decides_which_data_center_is_asked_first(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    # The demo domain is C.DM...: China first, although the table lists Europe first.
    found = await discover(session, {EU: (second.url,), CN: (first.url,)})
    assert (found.data_center, logins(first), logins(second)) == (EU, [5015], [200])


async def test_wrong_password_is_final(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    with pytest.raises(QuecAuthenticationError) as info:
        await discover(
            session, {EU: (first.url, second.url, DEAD)}, credentials=EmailCredentials(DEMO_EMAIL, "wrong-pass")
        )
    assert (info.type, info.value.code, info.value.attempts_left) == (QuecAuthenticationError, 5586, 4)
    assert (logins(first), logins(second)) == ([5015], [5586])


@pytest.mark.parametrize("code", [5147, 5148, 5325, 5146])
async def test_lockout_is_final(
    session: aiohttp.ClientSession, second: CloudSimulator, simulator: CloudSimulator, code: int
) -> None:
    second.faults.add(Fault(kind="code", code=code, path="emailPwdLogin"))
    with pytest.raises(QuecRateLimitError) as info:
        await discover(session, {EU: (second.url, simulator.url)})
    assert info.value.code == code
    assert (logins(second), simulator.requests) == ([code], [])


async def test_real_lockout_after_wrong_passwords_is_final(
    session: aiohttp.ClientSession, second: CloudSimulator, simulator: CloudSimulator
) -> None:
    wrong = EmailCredentials(DEMO_EMAIL, "wrong-pass")
    for _ in range(4):
        with pytest.raises(QuecAuthenticationError):
            await discover(session, {EU: (second.url, simulator.url)}, credentials=wrong)
    for credentials in (wrong, EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD)):  # the fifth locks, even the right one
        with pytest.raises(QuecRateLimitError) as info:
            await discover(session, {EU: (second.url, simulator.url)}, credentials=credentials)
        assert info.value.code == 5147
    assert logins(second) == [5586, 5585, 5584, 5583, 5147, 5147]
    assert simulator.requests == []


async def test_every_host_unknown(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    del second.state.user_domains[DEMO_DOMAIN]
    with pytest.raises(QuecUserDomainError) as info:
        await discover(session, {EU: (first.url,), NA: (second.url,)})
    assert info.value.code == 5015
    assert (logins(first), logins(second)) == ([5015], [5015])


async def test_another_secret_moves_on_and_says_so_when_nothing_else_answers(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    # `second` knows the demo domain's name under another secret (the same name on another data center).
    second.state.user_domains[DEMO_DOMAIN].secret = OTHER_SECRET
    with pytest.raises(QuecUserDomainError) as info:
        await discover(session, {EU: (second.url, first.url)})
    assert info.value.code == 5420  # more telling than the other host's 5015
    assert (logins(second), logins(first)) == ([5420], [5015])
    third = CloudSimulator.from_demo_data()
    await third.start(host="127.0.0.1", port=0)
    try:
        found = await discover(session, {EU: (second.url, third.url)})
        assert found.base_url == third.url
    finally:
        await third.stop()


async def test_an_account_unknown_where_the_domain_is_known_is_final(
    session: aiohttp.ClientSession, simulator: CloudSimulator, second: CloudSimulator
) -> None:
    # The domain and its secret are right on the first host: the account belongs there, whatever the second says.
    del simulator.state.users[DEMO_UID]
    with pytest.raises(QuecAuthenticationError) as info:
        await discover(session, {EU: (simulator.url,), NA: (second.url,)})
    assert (info.type, info.value.code) == (QuecAuthenticationError, 5031)
    assert (logins(simulator), second.requests) == ([5031], [])


@pytest.mark.parametrize(
    "fault",
    [
        Fault(kind="drop", path="emailPwdLogin"),
        Fault(kind="html", status=404, path="emailPwdLogin"),
        Fault(kind="http_status", status=503, path="emailPwdLogin"),
    ],
    ids=["drop", "html404", "http503"],
)
async def test_a_failed_connection_moves_on(
    session: aiohttp.ClientSession, simulator: CloudSimulator, second: CloudSimulator, fault: Fault
) -> None:
    simulator.faults.add(fault)
    found = await discover(session, {EU: (DEAD, simulator.url, second.url)})
    assert found.base_url == second.url
    assert (len(simulator.requests_to("emailPwdLogin")), logins(second)) == (1, [200])


async def test_every_host_unreachable(session: aiohttp.ClientSession, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="html", status=404, path="emailPwdLogin", count=2))
    with pytest.raises(QuecConnectionError) as info:
        await discover(session, {EU: (DEAD,), NA: (simulator.url,)})
    assert info.type is QuecConnectionError  # the first failure: the refused connection
    assert info.value.__cause__ is None
    with pytest.raises(QuecResponseError) as single:
        await discover(session, {}, region=Region.CUSTOM, base_url=simulator.url + "/")
    assert single.value.http_status == 404  # a custom URL's own failure, as it was


async def test_a_silent_data_center_is_not_called_unknown(
    session: aiohttp.ClientSession, first: CloudSimulator
) -> None:
    # Europe never answered: the domain may live there.
    with pytest.raises(QuecConnectionError):
        await discover(session, {EU: (DEAD,), NA: (first.url,)})
    # Europe answered on its other host: that answer stands for the data center.
    with pytest.raises(QuecUserDomainError):
        await discover(session, {EU: (DEAD, first.url)})


async def test_an_explicit_region_tries_its_own_hosts_only(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    found = await discover(session, {EU: (first.url, second.url), NA: (DEAD,)}, region=EU)
    assert (found.base_url, found.data_center, logins(first)) == (second.url, EU, [5015])
    first.clear_requests()
    second.clear_requests()
    with pytest.raises(QuecConnectionError):
        await discover(session, {EU: (first.url, second.url), NA: (DEAD,)}, region=NA)
    assert first.requests == second.requests == []


async def test_custom_tries_its_url_alone(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    with pytest.raises(QuecUserDomainError):
        await discover(session, {EU: (second.url,)}, region=Region.CUSTOM, base_url=first.url)
    assert second.requests == []
    found = await discover(session, None, region=Region.CUSTOM, base_url=second.url)
    assert (found.base_url, found.data_center) == (second.url, Region.CUSTOM)


# --- after discovery ------------------------------------------------------------------------------------------------


async def test_the_stored_host_is_reused_with_no_login(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator
) -> None:
    found = await discover(session, {EU: (first.url, second.url)})
    second.clear_requests()
    for region in (Region.AUTO, Region.EUROPE):  # what an entry stores: the choice, and the host that answered
        restarted = QuecCloudClient(
            session,
            user_domain=DEMO_DOMAIN,
            user_domain_secret=DEMO_SECRET,
            region=region,
            base_url=found.base_url,
            credentials=EmailCredentials(DEMO_EMAIL, DEMO_PASSWORD),
            tokens=TokenPair.from_dict(found.tokens.as_dict()),
        )
        assert (restarted.base_url, restarted.region) == (second.url, region)
        assert await restarted.resolve_uid() == DEMO_UID
        await restarted.get_devices()
    assert second.requests_to("emailPwdLogin") == second.requests_to("userInfo") == []
    assert len(second.requests_to("userDeviceList")) == 2
    assert first.requests_to("userDeviceList") == []
    with pytest.raises(ValueError, match="auto needs a base URL"):
        QuecCloudClient(session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.AUTO)


async def test_uid_falls_back_to_user_info_without_a_jwt(
    session: aiohttp.ClientSession, simulator: CloudSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TokenPair, "uid", property(lambda _self: ""))
    found = await discover(session, {EU: (simulator.url,)})
    assert found.uid == DEMO_UID
    assert [request.path.rsplit("/", 1)[1] for request in simulator.requests] == ["emailPwdLogin", "userInfo"]


async def test_discovery_logs_hosts_and_codes_but_no_secret(
    session: aiohttp.ClientSession, first: CloudSimulator, second: CloudSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.quectel_iot.api")
    found = await discover(session, {EU: (DEAD, first.url, second.url)})
    assert "code 5015" in caplog.text
    assert second.url in caplog.text
    assert found.tokens.access.value.startswith("Bearer ")
    text = caplog.text + repr(found)
    for secret in (DEMO_PASSWORD, DEMO_SECRET, found.tokens.access.value, found.tokens.refresh.value):
        assert secret not in text
