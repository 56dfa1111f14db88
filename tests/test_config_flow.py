"""The config flow (user, custom endpoint, reauth, reconfigure) against the simulator."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.quectel_iot.api import Region, TokenPair
from custom_components.quectel_iot.const import CONF_TOKENS, DOMAIN
from quectel_simulator import CloudSimulator, Fault
from tests.api.wire import form_of
from tests.common import (
    DEMO_DOMAIN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PHONE,
    DEMO_SECRET,
    FRIEND_EMAIL,
    FRIEND_PASSWORD,
    entry_data,
    known_hosts,
    setup_demo_entry,
    user_input,
)

CREDENTIAL_ERRORS = {"invalid_auth", "invalid_user_domain", "account_locked"}


async def _start(hass: HomeAssistant) -> dict[str, Any]:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    return result


def _suggested(result: dict[str, Any], field: str) -> Any:
    for key in result["data_schema"].schema:
        if key == field:
            return (key.description or {}).get("suggested_value")
    raise AssertionError(field)


async def test_email_account_on_custom_endpoint(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "custom_endpoint"
    assert simulator.requests == []
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url + "/"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == DEMO_EMAIL
    entry = result["result"]
    assert entry.unique_id == "c.dm.90001.1:c1001"
    assert entry.data["base_url"] == simulator.url
    assert entry.data["account"] == DEMO_EMAIL
    assert TokenPair.from_dict(entry.data[CONF_TOKENS]).uid == "C1001"
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    await hass.async_block_till_done()
    assert entry.runtime_data.user_info.uid == "C1001"
    # Setting up right after the flow reuses the flow's tokens: still one login in all.
    assert len(simulator.requests_to("emailPwdLogin")) == 1


async def test_phone_account_with_country_prefix(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(account="+86 " + DEMO_PHONE, international_code="+86")
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"+86 {DEMO_PHONE}"
    assert result["data"]["account"] == DEMO_PHONE
    assert result["data"]["international_code"] == "86"
    (login,) = simulator.requests_to("phonePwdLogin")
    form = form_of(login)  # login parameters travel as a form body, as the proven clients send them
    assert (form["phone"], form["internationalCode"]) == (DEMO_PHONE, "86")


async def test_region_without_custom_step(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    with known_hosts({Region.EUROPE: (simulator.url,)}):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(region="europe"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # The host that signed the account in is kept (since region auto); the region stays the user's choice.
    assert result["data"]["base_url"] == simulator.url
    assert result["data"]["data_center"] == "europe"
    assert result["data"]["region"] == "europe"


@pytest.mark.parametrize(
    ("overrides", "fault", "error"),
    [
        ({"password": "wrong-pass"}, None, "invalid_auth"),
        ({"account": "nobody@example.com"}, None, "invalid_auth"),
        ({"user_domain": "C.DM.99999.9"}, None, "invalid_user_domain"),
        ({"user_domain_secret": "wrong"}, None, "invalid_user_domain"),
        ({}, Fault(kind="code", code=5147, path="emailPwdLogin"), "account_locked"),
        ({}, Fault(kind="drop", path="emailPwdLogin"), "cannot_connect"),
        ({}, Fault(kind="http_status", status=502, path="emailPwdLogin"), "cannot_connect"),
        ({}, Fault(kind="html", status=200, path="emailPwdLogin"), "invalid_base_url"),
        ({}, Fault(kind="code", code=6084, path="emailPwdLogin"), "unknown"),
    ],
)
async def test_login_errors_then_recovery(
    hass: HomeAssistant, simulator: CloudSimulator, overrides: dict[str, Any], fault: Fault | None, error: str
) -> None:
    if fault is not None:
        simulator.faults.add(fault)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(**overrides))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    if error in CREDENTIAL_ERRORS:
        # Fixed where the credentials are typed: the fields kept, the password to be typed again.
        assert result["step_id"] == "user"
        assert _suggested(result, "account") == overrides.get("account", DEMO_EMAIL)
        assert _suggested(result, "region") == "custom"
        assert _suggested(result, "password") is None
    else:
        assert result["step_id"] == "custom_endpoint"
        assert _suggested(result, "base_url") == simulator.url
    if error == "account_locked":
        assert result["description_placeholders"]["wait"] == "20"
    # One login per attempt: no retry storm.
    assert len(simulator.requests_to("emailPwdLogin")) == 1
    # Back to the user step to fix the credentials: the typed values are kept there too.
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_errors_on_the_user_step_keep_input(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    with known_hosts({Region.EUROPE: (simulator.url,)}):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(region="europe", password="wrong-pass")
        )
        assert result["errors"] == {"base": "invalid_auth"}
        assert _suggested(result, "account") == DEMO_EMAIL
        assert _suggested(result, "user_domain") == DEMO_DOMAIN
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(region="europe"))
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("account", ["not an account", "a@b", "12", "+86-abc"])
async def test_malformed_account(hass: HomeAssistant, simulator: CloudSimulator, account: str) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(account=account))
    assert result["errors"] == {"account": "invalid_account"}
    assert simulator.requests == []


async def test_malformed_international_code(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input(account=DEMO_PHONE, international_code="86x")
    )
    assert result["errors"] == {"account": "invalid_account"}


@pytest.mark.parametrize("url", ["ftp://example.com", "not a url", "http://", "127.0.0.1:8910", "http://[::1"])
async def test_invalid_base_url(hass: HomeAssistant, simulator: CloudSimulator, url: str) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": url})
    assert result["errors"] == {"base_url": "invalid_base_url"}
    assert simulator.requests == []


async def test_unexpected_error(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    with patch("custom_components.quectel_iot.api.QuecCloudClient.login", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["errors"] == {"base": "unknown"}


async def test_uid_from_user_info_when_token_is_opaque(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    with patch.object(TokenPair, "uid", ""):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == "c.dm.90001.1:c1001"
    assert len(simulator.requests_to("userInfo")) >= 1


async def test_duplicate_account_aborts(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    await setup_demo_entry(hass, simulator)
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(account=DEMO_PHONE))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reauth(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator, password="old-password")
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["account"] == DEMO_EMAIL
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": "wrong-pass"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": DEMO_PASSWORD})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["password"] == DEMO_PASSWORD
    await hass.async_block_till_done()
    assert entry.runtime_data.client.tokens == TokenPair.from_dict(entry.data[CONF_TOKENS])


async def test_reauth_wrong_account(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="someone",
        data=entry_data(simulator.url, account=FRIEND_EMAIL),
        unique_id="c.dm.90001.1:c1001",
    )
    entry.add_to_hass(hass)
    result = await entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": FRIEND_PASSWORD})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert entry.data["password"] == DEMO_PASSWORD


async def test_reconfigure(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator, user_domain_secret="stale-secret")
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert _suggested(result, "base_url") == simulator.url
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "custom", "user_domain_secret": DEMO_SECRET}
    )
    assert result["errors"] == {"base_url": "invalid_base_url"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "custom", "base_url": simulator.url, "user_domain_secret": "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_user_domain"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "custom", "base_url": simulator.url + "/", "user_domain_secret": DEMO_SECRET}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["user_domain_secret"] == DEMO_SECRET
    assert entry.data["base_url"] == simulator.url


async def test_reconfigure_to_a_region_and_wrong_account(hass: HomeAssistant, simulator: CloudSimulator) -> None:
    entry = await setup_demo_entry(hass, simulator)
    result = await entry.start_reconfigure_flow(hass)
    with known_hosts({Region.CHINA: (simulator.url,)}):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"region": "china", "user_domain_secret": DEMO_SECRET}
        )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["region"] == "china"
    # The host found in the new region is kept (it was None before region auto: the region's documented host).
    assert (entry.data["base_url"], entry.data["data_center"]) == (simulator.url, "china")

    other = MockConfigEntry(
        domain=DOMAIN, title="x", data=entry_data(simulator.url, account=FRIEND_EMAIL, password=FRIEND_PASSWORD),
        unique_id="c.dm.90001.1:c1001-old",
    )  # fmt: skip
    other.add_to_hass(hass)
    result = await other.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "custom", "base_url": simulator.url, "user_domain_secret": DEMO_SECRET}
    )
    assert result["reason"] == "wrong_account"


async def test_password_stays_out_of_the_log(
    hass: HomeAssistant, simulator: CloudSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(password="Sekr3tPass"))
    await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert "emailPwdLogin" in caplog.text
    for secret in ("Sekr3tPass", DEMO_SECRET):
        assert secret not in caplog.text


async def test_wrong_password_on_custom_url_goes_back_to_the_sign_in_step(
    hass: HomeAssistant, simulator: CloudSimulator
) -> None:
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(password="wrong-pass"))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert (result["step_id"], result["errors"]) == ("user", {"base": "invalid_auth"})
    assert _suggested(result, "user_domain") == DEMO_DOMAIN
    assert _suggested(result, "password") is None
    # The password fixed in the same flow; the base URL typed before is offered again.
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    assert result["step_id"] == "custom_endpoint"
    assert _suggested(result, "base_url") == simulator.url
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["password"] == DEMO_PASSWORD
    assert len(simulator.requests_to("emailPwdLogin")) == 2


@pytest.mark.parametrize(
    "template",
    [
        "http://user:Hunter2x@{host}",
        "http://user@{host}",
        "http://@{host}",
        "{url}/?token=Hunter2x",
        "{url}?",
        "{url}#frag",
    ],
)
async def test_base_url_with_credentials_or_query_is_refused(
    hass: HomeAssistant, simulator: CloudSimulator, template: str
) -> None:
    url = template.format(url=simulator.url, host=simulator.url.removeprefix("http://"))
    result = await _start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input())
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": url})
    assert (result["step_id"], result["errors"]) == ("custom_endpoint", {"base_url": "invalid_base_url"})
    assert simulator.requests == []
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": simulator.url})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["base_url"] == simulator.url
    assert "Hunter2x" not in str(result["data"])
