"""Entry setup under every fault: a retry later, or a reauth when the token is refused for good; reads back off."""

from __future__ import annotations

from functools import partial

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.quectel_iot.api import (
    QuecCloudClient,
)
from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator, Fault
from tests.common import (
    setup_demo_entry,
)
from tests.reliability.cases import (
    ALL_FAULTS,
    READ_ATTEMPTS,
    assert_no_traceback,
    fault,
    settle,
)


@pytest.mark.parametrize("name", ALL_FAULTS)
async def test_setup_with_stored_tokens_retries_later(
    hass: HomeAssistant, simulator: CloudSimulator, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    simulator.faults.add(fault(name, "userInfo"))
    entry = await setup_demo_entry(hass, simulator)
    await settle(name)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    reason = str(entry.reason)
    assert "{" not in reason
    if name.startswith("code_"):
        # A lockout is not retried inside one setup; HA retries the setup later.
        assert len(simulator.requests_to("userInfo")) == 1
        assert f"[cloud code {name.removeprefix('code_')}]" in reason
        assert "minutes" in reason
    else:
        # A read: retried with backoff on transport faults and HTTP 5xx, not on a 200 that is not an envelope.
        assert len(simulator.requests_to("userInfo")) in READ_ATTEMPTS[name]
        assert reason.startswith(f"Cannot reach the Quectel cloud at {simulator.url}: ")
    assert simulator.requests_to("emailPwdLogin") == []
    assert_no_traceback(caplog)


@pytest.mark.parametrize("name", ALL_FAULTS)
async def test_setup_that_must_log_in_retries_later_after_one_login(
    hass: HomeAssistant, simulator: CloudSimulator, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    simulator.faults.add(fault(name, "emailPwdLogin"))
    entry = await setup_demo_entry(hass, simulator, with_tokens=False)
    await settle(name)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "{" not in str(entry.reason)
    if name.startswith("code_"):
        assert "minutes" in str(entry.reason)
    # A login is never retried by itself: repeated attempts lock the account.
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    assert_no_traceback(caplog)


async def test_setup_5032_renews_once_and_loads(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="code", code=5032, path="userInfo", count=1))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.LOADED
    assert [request.response_code for request in simulator.requests_to("userInfo")] == [5032, 200]
    assert len(simulator.requests_to("refreshToken")) == 1
    assert simulator.requests_to("emailPwdLogin") == []


async def test_setup_5032_that_persists_asks_to_sign_in_again(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    simulator.faults.add(fault("code_5032", "userInfo"))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert len(simulator.requests_to("userInfo")) == 2
    assert simulator.requests_to("emailPwdLogin") == []


async def test_reads_back_off_between_attempts(
    hass: HomeAssistant, simulator: CloudSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "custom_components.quectel_iot.login.QuecCloudClient",
        partial(QuecCloudClient, request_timeout=10.0, retry_backoff=0.2),
    )
    simulator.faults.add(fault("http_500", "userInfo", count=2))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.LOADED
    arrivals = [request.received_at for request in simulator.requests_to("userInfo")]
    assert len(arrivals) == 3
    # Exponential backoff: 0.2 s, then 0.4 s (a little slack for the clock's resolution).
    assert arrivals[1] - arrivals[0] >= 0.18
    assert arrivals[2] - arrivals[1] >= 0.38
