"""The config flow and reauth under every fault, and login storms: one login per submit, none after a refusal."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from custom_components.quectel_iot.api import (
    Region,
)
from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator
from tests.common import (
    CELL_DK_FREE,
    CELL_PK,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_UID,
    known_hosts,
    setup_demo_entry,
    user_input,
)
from tests.reliability.cases import (
    ALL_FAULTS,
    FLOW_ERRORS,
    assert_form_error,
    assert_no_traceback,
    assert_wait,
    call,
    fault,
    settle,
)


@pytest.mark.parametrize("name", ALL_FAULTS)
async def test_config_flow_fault_is_a_form_error_after_one_login(
    hass: HomeAssistant, simulator: CloudSimulator, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    simulator.faults.add(fault(name, "emailPwdLogin"))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    with known_hosts({Region.EUROPE: (simulator.url,)}):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(region="europe"))
    await settle(name)
    assert_form_error(result, "user", FLOW_ERRORS[name])
    if name.startswith("code_"):
        assert_wait(result["description_placeholders"], name)
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert hass.config_entries.async_entries(DOMAIN) == []
    assert_no_traceback(caplog)


@pytest.mark.parametrize(
    ("name", "error"),
    [("timeout", "cannot_connect"), ("malformed_json", "invalid_base_url"), ("empty_body", "invalid_base_url")],
)
async def test_custom_endpoint_fault_is_a_form_error(
    hass: HomeAssistant, simulator: CloudSimulator, name: str, error: str
) -> None:
    simulator.faults.add(fault(name, "emailPwdLogin"))
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    await settle(name)
    assert_form_error(result, "custom_endpoint", error)
    assert len(simulator.requests_to("emailPwdLogin")) == 1


@pytest.mark.parametrize("name", ["timeout", "drop", "html_502", "code_5147", "code_4026"])
async def test_reauth_fault_is_a_form_error_after_one_login(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, name: str
) -> None:
    result = await entry.start_reauth_flow(hass)
    simulator.faults.add(fault(name, "emailPwdLogin"))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": DEMO_PASSWORD})
    await settle(name)
    assert_form_error(result, "reauth_confirm", FLOW_ERRORS[name])
    assert result["description_placeholders"]["account"] == DEMO_EMAIL
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert entry.state is ConfigEntryState.LOADED


# --- login storms ---------------------------------------------------------------------------------------------------


async def test_config_flow_one_login_per_submit_until_the_lockout_shows_its_wait(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    errors = []
    for attempt in range(1, 6):
        # Each credential error goes back to the sign-in step (the base-URL step has no password field).
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(password="wrong-pass"))
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
        errors.append(result["errors"]["base"])
        assert len(simulator.requests_to("emailPwdLogin")) == attempt
    # Four wrong passwords, then the cloud's lockout, with its wait in the form.
    assert errors == ["invalid_auth"] * 4 + ["account_locked"]
    assert result["description_placeholders"]["wait"] == "20"


async def test_reauth_one_login_per_submit(hass: HomeAssistant, simulator: CloudSimulator, entry: Any) -> None:
    result = await entry.start_reauth_flow(hass)
    assert simulator.requests == []  # showing the form costs nothing
    for attempt in (1, 2):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": "wrong-pass"})
        assert result["errors"] == {"base": "invalid_auth"}
        assert len(simulator.requests_to("emailPwdLogin")) == attempt
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": DEMO_PASSWORD})
    assert result["reason"] == "reauth_successful"
    assert len(simulator.requests_to("emailPwdLogin")) == 3


async def test_setup_with_revoked_tokens_and_a_changed_password_logs_in_once(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    simulator.state.users[DEMO_UID].password = "changed-in-the-app"
    tokens_entry = await setup_demo_entry(hass, simulator, with_tokens=True, password=DEMO_PASSWORD)
    # The tokens were good at setup; now the cloud revokes them (as after a password change).
    simulator.revoke_tokens()
    simulator.clear_requests()
    await hass.config_entries.async_reload(tokens_entry.entry_id)
    await hass.async_block_till_done()
    assert tokens_entry.state is ConfigEntryState.SETUP_ERROR
    assert [request.path.rsplit("/", 1)[-1] for request in simulator.requests] == [
        "userInfo", "refreshToken", "emailPwdLogin",
    ]  # fmt: skip
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_refused_password_is_not_tried_again_by_later_actions(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Each action would otherwise log in once more with the refused password, and five lock the account."""
    caplog.set_level(logging.WARNING)
    simulator.state.users[DEMO_UID].password = "changed-in-the-app"
    simulator.revoke_tokens()
    data = {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_FREE}
    with pytest.raises(HomeAssistantError) as first:
        await call(hass, "bind_by_dk", data)
    assert first.value.translation_key == "auth_failed_call"
    # Sequential actions, then a burst of concurrent ones: no further login.
    for _ in range(6):
        with pytest.raises(HomeAssistantError) as info:
            await call(hass, "bind_by_dk", data)
        assert info.value.translation_key == "auth_failed_call"
    results = await asyncio.gather(*(call(hass, "bind_by_dk", data) for _ in range(10)), return_exceptions=True)
    assert {type(result) for result in results} == {HomeAssistantError}
    assert {result.translation_key for result in results} == {"auth_failed_call"}  # type: ignore[union-attr]
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert simulator.state.users[DEMO_UID].locked_until is None
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    # Signing in again (the new password) reloads the entry, and actions work again.
    simulator.clear_requests()
    result = await hass.config_entries.flow.async_configure(flows[0]["flow_id"], {"password": "changed-in-the-app"})
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert (await call(hass, "bind_by_dk", data))["device_key"] == CELL_DK_FREE
    assert len(simulator.requests_to("emailPwdLogin")) == 1  # the reauth's own login; the reload reused its tokens


async def test_concurrent_actions_with_a_refused_password_log_in_once(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any
) -> None:
    simulator.state.users[DEMO_UID].password = "changed-in-the-app"
    simulator.revoke_tokens()
    data = {"config_entry_id": entry.entry_id, "product_key": CELL_PK, "device_key": CELL_DK_FREE}
    results = await asyncio.gather(*(call(hass, "bind_by_dk", data) for _ in range(8)), return_exceptions=True)
    assert {getattr(result, "translation_key", None) for result in results} == {"auth_failed_call"}
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    assert len(simulator.requests_to("refreshToken")) == 1
