"""A failing cloud: the cloud actions, entry setup and the config flow under every fault the simulator can make.

Every failure must reach the user as a translated message (never a traceback), leave a loaded entry loaded, and end
setup in a retry or a reauth as fits. Binds and shares are sent once (a resend happens only after the cloud rejected
the token, which it does before acting); reads are retried with backoff. A rejected password never turns into a
stream of logins that would lock the account.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr

from custom_components.quectel_iot.api import (
    EmailCredentials,
    QuecAuthenticationError,
    QuecCloudClient,
    QuecRateLimitError,
    Region,
    Token,
    TokenPair,
)
from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator, Fault
from tests.common import (
    BLE_CODE,
    BLE_DK,
    BLE_PK,
    BLE_PS,
    CELL_DK_BOUND,
    CELL_DK_FREE,
    CELL_PK,
    DEMO_DOMAIN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SECRET,
    DEMO_UID,
    FRIEND_EMAIL,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
    known_hosts,
    setup_demo_entry,
    user_input,
)

TRANSLATIONS = json.loads(
    (Path(__file__).parents[1] / "custom_components/quectel_iot/translations/en.json").read_text(encoding="utf-8")
)

REQUEST_TIMEOUT = 0.2  # what the integration's client gets here, instead of 20 s
LATENCY = 0.6  # a "timeout" fault: the cloud answers, but only after the client gave up

# The faults, by name; each applies to every matching request (count=None) so that a retry would meet it again.
TRANSPORT_FAULTS: dict[str, dict[str, Any]] = {
    "timeout": {"kind": "latency", "delay": LATENCY},
    "drop": {"kind": "drop"},
    "http_500": {"kind": "http_status", "status": 500},
    "html_502": {"kind": "html"},
    "malformed_json": {"kind": "malformed_json"},
    "empty_body": {"kind": "empty_body"},
}
# What the user reads about each of them (the {error} of the message), never a URL or a query string.
TRANSPORT_MESSAGES = {
    "timeout": f"No answer from the cloud within {REQUEST_TIMEOUT:.0f} s",
    "drop": "Cannot reach the cloud (ServerDisconnectedError)",
    "http_500": "The cloud sent an error (HTTP 500)",
    "html_502": "The cloud sent an HTML page (HTTP 502)",
    "malformed_json": "The cloud sent malformed JSON (HTTP 200)",
    "empty_body": "The cloud sent an empty response (HTTP 200)",
}
# Lockout and quota codes, with the wait (minutes) each message must show; None: until 00:00 UTC, any number.
LOCKOUTS: dict[int, str | None] = {5147: "20", 5148: "20", 5325: "1440", 4026: None}
# What reads do with each transport fault: retried (HTTP 5xx and transport errors) or not (a 200 that is no envelope).
# On a drop, aiohttp itself resends an idempotent request (GET, PUT) once when the connection was a reused one.
READ_ATTEMPTS = {"timeout": {3}, "drop": {3, 4, 5, 6}, "http_500": {3}, "html_502": {3}, "malformed_json": {1},
                 "empty_body": {1}}  # fmt: skip


def fault(name: str, path: str, **overrides: Any) -> Fault:
    """A fault from the tables above, on requests whose path contains ``path``."""
    spec = (
        {"kind": "code", "code": int(name.removeprefix("code_"))}
        if name.startswith("code_")
        else TRANSPORT_FAULTS[name]
    )
    return Fault(**{"path": path, "count": None, **spec, **overrides})


ALL_FAULTS = [*TRANSPORT_FAULTS, *(f"code_{code}" for code in LOCKOUTS)]


@pytest.fixture(autouse=True)
def fast_client(request: pytest.FixtureRequest) -> Any:
    """The integration builds its client (account.build_client) with almost no backoff, and with a short timeout in
    the tests of the timeout fault (elsewhere a generous one, so that a busy machine does not fail other tests)."""
    params = getattr(request.node, "callspec", None)
    timeout = REQUEST_TIMEOUT if params is not None and params.params.get("name") == "timeout" else 10.0
    fast = partial(QuecCloudClient, request_timeout=timeout, retry_backoff=0.01)
    with (
        patch("custom_components.quectel_iot.login.QuecCloudClient", fast),
        # The flows' sign-in has a timeout of its own.
        patch("custom_components.quectel_iot.login.SIGN_IN_REQUEST_TIMEOUT", timeout),
    ):
        yield


async def settle(name: str) -> None:
    """After a timeout fault, let the simulator finish the requests the client stopped waiting for."""
    if name == "timeout":
        await asyncio.sleep(LATENCY + 0.1)


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing logged a traceback at INFO or above (HA core adds one to its own DEBUG "Full exception" line)."""
    shown = [record for record in caplog.records if record.levelno >= logging.INFO]
    assert [record.getMessage() for record in shown if record.exc_info or "Traceback" in record.getMessage()] == []


def assert_translated(err: HomeAssistantError, key: str) -> str:
    """The error carries our translation key and its message has every placeholder filled."""
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    assert key in TRANSLATIONS["exceptions"]
    message = str(err)
    assert message
    assert message != key
    assert "{" not in message
    assert "}" not in message
    return message


def expected_call_error(name: str) -> str:
    return f"cloud_error_{name.removeprefix('code_')}" if name.startswith("code_") else "cannot_connect_call"


def assert_wait(placeholders: dict[str, str], name: str) -> None:
    """A lockout names how long to wait: the cloud's own figure, or the minutes until 00:00 UTC for the quota."""
    wait = LOCKOUTS[int(name.removeprefix("code_"))]
    if wait is None:
        assert placeholders["wait"].isdigit()
        assert 1 <= int(placeholders["wait"]) <= 1440
    else:
        assert placeholders["wait"] == wait


async def call(hass: HomeAssistant, service: str, data: dict[str, Any]) -> Any:
    return await hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=True)


# Each action with input the cloud accepts, the endpoint it calls, and the device it would add (None for a share).
SERVICES: dict[str, tuple[dict[str, Any], str, tuple[str, str] | None]] = {
    "bind_by_dk": ({"product_key": CELL_PK, "device_key": CELL_DK_FREE}, "bindDeviceDk", (CELL_PK, CELL_DK_FREE)),
    "bind_wifi": (
        {"product_key": WIFI_PK, "device_key": WIFI_DK, "binding_code": WIFI_CODE},
        "deviceBindingByWifi",
        (WIFI_PK, WIFI_DK),
    ),
    "bind_ble": (
        {
            "product_key": BLE_PK,
            "device_key": BLE_DK,
            "binding_code": BLE_CODE,
            "binding_secret": "s3cret-bs",
            "product_secret": BLE_PS,
        },
        "deviceBindingByPureBt",
        (BLE_PK, BLE_DK),
    ),
    "share_device": (
        {"product_key": CELL_PK, "device_key": CELL_DK_BOUND, "email": FRIEND_EMAIL},
        "shareByUid",
        None,
    ),
}


def acted_on(sim: CloudSimulator, service: str) -> int:
    """How many times the simulated cloud carried the action out (bindings made, shares created)."""
    data, _path, device = SERVICES[service]
    if device is None:
        return sum(1 for share in sim.state.shares if (share.pk, share.dk) == (data["product_key"], data["device_key"]))
    return sum(1 for binding in sim.state.bindings if (binding.uid, binding.pk, binding.dk) == (DEMO_UID, *device))


@pytest.fixture
async def entry(hass: HomeAssistant, simulator: CloudSimulator) -> Any:
    entry = await setup_demo_entry(hass, simulator)
    simulator.clear_requests()
    return entry


# --- the cloud actions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_FAULTS)
@pytest.mark.parametrize("service", list(SERVICES))
async def test_action_fault_is_translated_and_never_resent(
    hass: HomeAssistant,
    simulator: CloudSimulator,
    entry: Any,
    caplog: pytest.LogCaptureFixture,
    service: str,
    name: str,
) -> None:
    data, path, device = SERVICES[service]
    shares_before = acted_on(simulator, service)
    simulator.faults.add(fault(name, path))
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert not isinstance(info.value, ServiceValidationError)
    message = assert_translated(info.value, expected_call_error(name))
    if name.startswith("code_"):
        assert_wait(info.value.translation_placeholders, name)
        assert f"[cloud code {name.removeprefix('code_')}]" in message
    else:
        assert info.value.translation_placeholders["error"] == TRANSPORT_MESSAGES[name]
        # What happened, in words (never a URL or query string, which would carry the request's secrets).
        assert "check the device list before retrying" in message
        assert "://" not in info.value.translation_placeholders["error"]
    await settle(name)
    # Sent once: a bind or share that may have reached the cloud is never repeated blindly.
    assert len(simulator.requests_to(path)) == 1
    assert simulator.requests_to("emailPwdLogin") == []
    assert entry.state is ConfigEntryState.LOADED
    assert hass.config_entries.flow.async_progress_by_handler(DOMAIN) == []
    if device is not None:
        assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, "_".join(device)), entry.entry_id) is None
    # Only a timeout leaves the outcome open: the cloud did act, after the client had given up.
    assert acted_on(simulator, service) - shares_before == (1 if name == "timeout" else 0)
    assert_no_traceback(caplog)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_action_recovers_once_the_fault_is_gone(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, service: str
) -> None:
    data, path, device = SERVICES[service]
    simulator.faults.add(fault("http_500", path, count=1))
    with pytest.raises(HomeAssistantError):
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    response = await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert response["device_key"] == data["device_key"]
    assert [request.http_status for request in simulator.requests_to(path)] == [500, 200]
    assert acted_on(simulator, service) == 1
    if device is not None:
        assert dr.async_get(hass).async_get_device_by_identifier((DOMAIN, "_".join(device)), entry.entry_id)


@pytest.mark.parametrize("service", list(SERVICES))
async def test_action_5032_in_the_middle_renews_and_acts_once(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, service: str
) -> None:
    data, path, _device = SERVICES[service]
    before = acted_on(simulator, service)
    simulator.faults.add(Fault(kind="code", code=5032, path=path, count=1))
    response = await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert response["device_key"] == data["device_key"]
    # The cloud refused the first request before acting on it; the one resend follows a single token refresh.
    assert [request.response_code for request in simulator.requests_to(path)] == [5032, 200]
    assert len(simulator.requests_to("refreshToken")) == 1
    assert simulator.requests_to("emailPwdLogin") == []
    assert acted_on(simulator, service) - before == 1
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.parametrize("service", list(SERVICES))
async def test_action_5032_that_persists_asks_to_sign_in_again(
    hass: HomeAssistant, simulator: CloudSimulator, entry: Any, caplog: pytest.LogCaptureFixture, service: str
) -> None:
    data, path, _device = SERVICES[service]
    before = acted_on(simulator, service)
    simulator.faults.add(fault("code_5032", path))
    with pytest.raises(HomeAssistantError) as info:
        await call(hass, service, {"config_entry_id": entry.entry_id, **data})
    assert "5032" in assert_translated(info.value, "auth_failed_call")
    await hass.async_block_till_done()
    # One resend after one refresh, never more; the cloud acted on neither.
    assert [request.response_code for request in simulator.requests_to(path)] == [5032, 5032]
    assert len(simulator.requests_to("refreshToken")) == 1
    assert acted_on(simulator, service) == before
    assert entry.state is ConfigEntryState.LOADED
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert_no_traceback(caplog)


# --- entry setup ----------------------------------------------------------------------------------------------------


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


# --- the config flow ------------------------------------------------------------------------------------------------


def assert_form_error(result: Any, step: str, error: str) -> None:
    """The form is shown again with a translated error whose placeholders are all given."""
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == step
    assert result["errors"] == {"base": error}
    text = TRANSLATIONS["config"]["error"][error]
    step_text = TRANSLATIONS["config"]["step"][step].get("description", "")
    formatted = (text + step_text).format(**result["description_placeholders"])
    assert "{" not in formatted


FLOW_ERRORS = dict.fromkeys(TRANSPORT_FAULTS, "cannot_connect") | {
    f"code_{code}": "account_locked" for code in LOCKOUTS
}


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


# --- the client's memory of a refused login (API layer) -------------------------------------------------------------


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
