"""Entry setup and unload: stored tokens, refresh written back, reauth and retry."""

from __future__ import annotations

import time

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import UpdateFailed

from custom_components.quectel_iot.api import QuecConnectionError, QuecRateLimitError, Token, TokenPair
from custom_components.quectel_iot.const import CONF_TOKENS, DOMAIN
from custom_components.quectel_iot.errors import setup_error
from quectel_simulator import CloudSimulator, Fault
from tests.common import DEMO_UID, setup_demo_entry


async def test_setup_with_stored_tokens_makes_no_login(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.user_info.uid == DEMO_UID
    # The account check, then the device list's first poll; no login.
    assert [request.path.rsplit("/", 1)[-1] for request in simulator.requests] == ["userInfo", "userDeviceList"]
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    # A restart (setup again) still logs in zero times.
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert simulator.requests_to("emailPwdLogin") == []


async def test_refreshed_tokens_are_written_back(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    pair = TokenPair.from_api(simulator.issue_tokens(DEMO_UID))
    stale = TokenPair(Token(pair.access.value, time.time() - 5), pair.refresh)
    entry = await setup_demo_entry(hass, simulator, with_tokens=False, tokens=stale.as_dict())
    assert entry.state is ConfigEntryState.LOADED
    assert len(simulator.requests_to("refreshToken")) == 1
    assert simulator.requests_to("emailPwdLogin") == []
    stored = TokenPair.from_dict(entry.data[CONF_TOKENS])
    assert stored.refresh.value != pair.refresh.value
    assert stored == entry.runtime_data.client.tokens


async def test_expired_refresh_token_logs_in_once(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    pair = TokenPair.from_api(simulator.issue_tokens(DEMO_UID))
    expired = TokenPair(Token(pair.access.value, time.time() - 5), Token(pair.refresh.value, time.time() - 1))
    entry = await setup_demo_entry(hass, simulator, with_tokens=False, tokens=expired.as_dict())
    assert entry.state is ConfigEntryState.LOADED
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert simulator.requests_to("refreshToken") == []
    assert TokenPair.from_dict(entry.data[CONF_TOKENS]).access.expires_at > time.time()


async def test_rejected_credentials_start_reauth(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    # No usable tokens and a password changed elsewhere: exactly one login, refused, and reauth starts.
    entry = await setup_demo_entry(hass, simulator, with_tokens=False, password="changed-elsewhere")
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == entry.entry_id
    assert len(simulator.requests_to("emailPwdLogin")) == 1


async def test_network_trouble_retries_setup(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="http_status", status=503, path="userInfo", count=10))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "503" in str(entry.reason)
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []


@pytest.mark.parametrize("path", ["userInfo", "userDeviceList"])
async def test_lockout_retries_setup(hass: HomeAssistant, simulator: CloudSimulator, path: str) -> None:
    simulator.faults.add(Fault(kind="code", code=5148, path=path, count=10))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "20 minutes" in str(entry.reason)


async def test_other_cloud_error_retries_setup(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    simulator.faults.add(Fault(kind="code", code=5000, path="userInfo", count=10))
    entry = await setup_demo_entry(hass, simulator)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "5000" in str(entry.reason)


def test_a_lockout_at_setup_says_how_long_to_wait() -> None:
    # The first refresh turns this into "not ready"; from Home Assistant 2026.11 on its retry waits retry_after.
    error = setup_error(QuecRateLimitError("locked", code=5148, retry_after=1200.0), "https://example.invalid")
    assert isinstance(error, UpdateFailed)
    assert error.retry_after == 1200.0
    assert error.translation_key == "rate_limited"
    assert error.translation_placeholders == {"wait": "20", "code": "5148"}
    other = setup_error(QuecConnectionError("refused"), "https://example.invalid")
    assert isinstance(other, UpdateFailed)
    assert other.retry_after is None
