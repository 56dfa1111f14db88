"""The client's memory of a refused login (API layer): no renewal with a refused password, a lockout waited out."""

from __future__ import annotations

from typing import Any

import pytest

from custom_components.quectel_iot.api import (
    EmailCredentials,
    QuecAuthenticationError,
    QuecCloudClient,
    QuecRateLimitError,
    Region,
    Token,
    TokenPair,
)
from quectel_simulator import CloudSimulator, Fault
from tests.common import (
    DEMO_DOMAIN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SECRET,
    DEMO_UID,
)


def _expired_pair(sim: CloudSimulator) -> TokenPair:
    pair = TokenPair.from_api(sim.issue_tokens(DEMO_UID))
    return TokenPair(Token(pair.access.value, 0.0), Token(pair.refresh.value, 0.0))


def _client(session: Any, sim: CloudSimulator, password: str, clock: Any = None, **kwargs: Any) -> QuecCloudClient:
    return QuecCloudClient(
        session, user_domain=DEMO_DOMAIN, user_domain_secret=DEMO_SECRET, region=Region.CUSTOM, base_url=sim.url,
        credentials=EmailCredentials(DEMO_EMAIL, password), tokens=_expired_pair(sim), retry_backoff=0,
        **({"clock": clock} if clock else {}), **kwargs,
    )  # fmt: skip


async def test_client_does_not_renew_with_a_refused_password(session: Any, simulator: CloudSimulator) -> None:
    client = _client(session, simulator, "wrong-pass")
    with pytest.raises(QuecAuthenticationError) as first:
        await client.get_user_info()
    for _ in range(3):
        with pytest.raises(QuecAuthenticationError) as again:
            await client.get_user_info()
        assert again.value is not first.value
        assert (
            (again.value.code, again.value.attempts_left) == (first.value.code, first.value.attempts_left) == (5586, 4)
        )
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert simulator.requests_to("userInfo") == []
    # An explicit login is a user's action: it is always sent.
    with pytest.raises(QuecAuthenticationError):
        await client.login()
    assert len(simulator.requests_to("emailPwdLogin")) == 2


async def test_client_waits_out_a_lockout_before_logging_in_again(session: Any, simulator: CloudSimulator) -> None:
    now = [1_000_000.0]
    client = _client(session, simulator, DEMO_PASSWORD, clock=lambda: now[0])
    simulator.faults.add(Fault(kind="code", code=5147, path="emailPwdLogin", count=1))
    with pytest.raises(QuecRateLimitError) as first:
        await client.get_user_info()
    assert first.value.retry_after == 1200
    now[0] += 600
    with pytest.raises(QuecRateLimitError) as again:
        await client.get_user_info()
    assert (again.value.code, again.value.retry_after) == (5147, 600)
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    now[0] += 601
    assert (await client.get_user_info()).uid == DEMO_UID
    assert len(simulator.requests_to("emailPwdLogin")) == 2
