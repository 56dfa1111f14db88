"""Region ``auto`` and the explicit regions over real HTTP: which host signs the account in, and the entry keeps it.

The ``cloud_hosts`` fixture (conftest.py) puts the cloud's known hosts on loopback: Europe's documented host is the
simulator's primary listener (the demo domain), its alternate ``EU_ALT_HOST`` alone serves ``E.DM.90002.1``, and North
America's host serves nothing. Every other host answers 5015 ("user domain does not exist") to a domain it does not
serve, as the real cloud's data centers do.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, SOURCE_USER, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.quectel_iot.api import TokenPair
from custom_components.quectel_iot.const import CONF_TOKENS, DOMAIN
from quectel_simulator import CloudSimulator, Fault
from tests.common import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SECRET,
    DEMO_UID,
    EU_ALT_HOST,
    NA_HOST,
    OTHER_DOMAIN,
    OTHER_EMAIL,
    OTHER_PASSWORD,
    OTHER_SECRET,
    OTHER_UID,
    TRANSLATIONS,
    entry_data,
    user_input,
)

PRIMARY = "primary"
HOSTS = (PRIMARY, EU_ALT_HOST, NA_HOST)


def other_input(**overrides: Any) -> dict[str, Any]:
    """The user step for the account of the domain only the second host serves (region auto, the default)."""
    fields = {
        "region": "auto",
        "user_domain": OTHER_DOMAIN,
        "user_domain_secret": OTHER_SECRET,
        "account": OTHER_EMAIL,
        "password": OTHER_PASSWORD,
    }
    return user_input(**{**fields, **overrides})


def logins(sim: CloudSimulator) -> dict[str, list[int | None]]:
    """The cloud code each host answered each email login with."""
    return {host: [r.response_code for r in sim.requests_to("emailPwdLogin", host=host)] for host in HOSTS}


async def sign_in(hass: HomeAssistant, data: dict[str, Any]) -> Any:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    return await hass.config_entries.flow.async_configure(result["flow_id"], data)


async def start(hass: HomeAssistant, source: str, entry: Any) -> Any:
    return await hass.config_entries.flow.async_init(DOMAIN, context={"source": source, "entry_id": entry.entry_id})


async def add_other_account(hass: HomeAssistant, sim: CloudSimulator) -> Any:
    """The account of the second host's domain, through the flow with region auto, set up; the log cleared."""
    result = await sign_in(hass, other_input())
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entry = result["result"]
    assert entry.state is ConfigEntryState.LOADED
    sim.clear_requests()
    return entry


async def test_auto_is_the_default_and_finds_the_domain_on_the_second_host(
    hass: HomeAssistant, cloud_hosts: CloudSimulator
) -> None:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    (region,) = (key for key in result["data_schema"].schema if key == "region")
    assert region.default() == "auto"
    with patch("custom_components.quectel_iot.async_setup_entry", return_value=True):
        result = await hass.config_entries.flow.async_configure(result["flow_id"], other_input())
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # Europe first (an "E." domain): its documented host does not know the domain, its alternate does; North
    # America is never asked.
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [200], NA_HOST: []}
    alt = cloud_hosts.host_url(EU_ALT_HOST)
    data = result["data"]
    assert (data["region"], data["base_url"], data["data_center"]) == ("auto", alt, "europe")
    assert result["result"].unique_id == f"{OTHER_DOMAIN}:{OTHER_UID}".lower()
    assert TokenPair.from_dict(data[CONF_TOKENS]).uid == OTHER_UID
    # The uid came from the access token: the flow asked no userInfo.
    assert cloud_hosts.requests_to("userInfo") == []
    # The success text names the data center and the host.
    assert result["description"] == "europe"
    host = alt.removeprefix("http://")
    assert result["description_placeholders"] == {"host": host}
    text = TRANSLATIONS["config"]["create_entry"]["europe"].format(**result["description_placeholders"])
    assert f"European data center (Frankfurt), host {host}." in text


async def test_an_explicit_region_tries_its_alternate_host(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    result = await sign_in(hass, other_input(region="europe"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [200], NA_HOST: []}
    assert (result["data"]["region"], result["data"]["base_url"]) == ("europe", cloud_hosts.host_url(EU_ALT_HOST))
    # North America alone: its one host does not know the domain.
    result = await sign_in(hass, other_input(region="north_america"))
    assert result["errors"] == {"base": "invalid_user_domain"}
    assert logins(cloud_hosts)[NA_HOST] == [5015]


async def test_custom_tries_its_url_alone(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    result = await sign_in(hass, other_input(region="custom"))
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"base_url": cloud_hosts.url})
    assert result["errors"] == {"base": "invalid_user_domain"}
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [], NA_HOST: []}
    # A credential error goes back to the sign-in step; the base URL is asked again from there.
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], other_input(region="custom"))
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"base_url": cloud_hosts.host_url(EU_ALT_HOST)}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert (result["description"], result["data"]["data_center"]) == ("custom", "custom")
    assert TRANSLATIONS["config"]["create_entry"]["custom"].format(**result["description_placeholders"]) == (
        f"Signed in at the custom address {cloud_hosts.host_url(EU_ALT_HOST).removeprefix('http://')}."
    )


async def test_wrong_password_stops_at_the_first_host_that_knows_the_domain(
    hass: HomeAssistant, cloud_hosts: CloudSimulator
) -> None:
    result = await sign_in(hass, other_input(password="wrong-pass"))
    assert result["errors"] == {"base": "invalid_auth"}
    # Never tried on another host: every wrong password counts towards the account's lockout.
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [5586], NA_HOST: []}


async def test_lockout_stops_at_the_first_host_that_knows_the_domain(
    hass: HomeAssistant, cloud_hosts: CloudSimulator
) -> None:
    cloud_hosts.faults.add(Fault(kind="code", code=5147, path="emailPwdLogin", host=EU_ALT_HOST))
    result = await sign_in(hass, other_input())
    assert result["errors"] == {"base": "account_locked"}
    assert result["description_placeholders"]["wait"] == "20"
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [5147], NA_HOST: []}


async def test_a_user_domain_no_host_knows(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    result = await sign_in(hass, other_input(user_domain="E.DM.99999.9"))
    assert result["errors"] == {"base": "invalid_user_domain"}
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [5015], NA_HOST: [5015]}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_an_unreachable_host_is_passed_over(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    cloud_hosts.faults.add(Fault(kind="drop", path="emailPwdLogin", host=PRIMARY))
    result = await sign_in(hass, other_input())
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["base_url"] == cloud_hosts.host_url(EU_ALT_HOST)


async def test_the_stored_host_is_used_after_a_restart(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    entry = await add_other_account(hass, cloud_hosts)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # The stored tokens at the stored host: no login, and nothing asked of another host.
    assert cloud_hosts.requests_to("emailPwdLogin") == []
    assert {request.host for request in cloud_hosts.requests} == {EU_ALT_HOST}
    assert [request.path.rsplit("/", 1)[-1] for request in cloud_hosts.requests] == ["userInfo", "userDeviceList"]


async def test_reauth_signs_in_at_the_stored_host(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    entry = await add_other_account(hass, cloud_hosts)
    result = await start(hass, SOURCE_REAUTH, entry)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": "wrong-pass"})
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": OTHER_PASSWORD})
    assert result["reason"] == "reauth_successful"
    assert logins(cloud_hosts) == {PRIMARY: [], EU_ALT_HOST: [5586, 200], NA_HOST: []}
    assert entry.data["base_url"] == cloud_hosts.host_url(EU_ALT_HOST)


async def test_reconfigure_keeps_the_host_or_looks_again(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> None:
    entry = await add_other_account(hass, cloud_hosts)
    alt = cloud_hosts.host_url(EU_ALT_HOST)
    # The same region: the stored host alone.
    result = await start(hass, SOURCE_RECONFIGURE, entry)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "auto", "user_domain_secret": OTHER_SECRET}
    )
    assert result["reason"] == "reconfigure_successful"
    assert logins(cloud_hosts) == {PRIMARY: [], EU_ALT_HOST: [200], NA_HOST: []}
    await hass.async_block_till_done()
    # Another region: looked for anew, in that region only.
    cloud_hosts.clear_requests()
    result = await start(hass, SOURCE_RECONFIGURE, entry)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "north_america", "user_domain_secret": OTHER_SECRET}
    )
    assert result["errors"] == {"base": "invalid_user_domain"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"region": "europe", "user_domain_secret": OTHER_SECRET}
    )
    assert result["reason"] == "reconfigure_successful"
    assert logins(cloud_hosts) == {PRIMARY: [5015], EU_ALT_HOST: [200], NA_HOST: [5015]}
    assert (entry.data["region"], entry.data["base_url"], entry.data["data_center"]) == ("europe", alt, "europe")
    assert entry.unique_id == f"{OTHER_DOMAIN}:{OTHER_UID}".lower()


@pytest.fixture
async def old_entry(hass: HomeAssistant, cloud_hosts: CloudSimulator) -> MockConfigEntry:
    """An entry made before region auto: region europe, no base_url or data center, valid stored tokens."""
    data = entry_data(cloud_hosts.url, region="europe")
    del data["base_url"]
    data[CONF_TOKENS] = TokenPair.from_api(cloud_hosts.issue_tokens(DEMO_UID)).as_dict()
    entry = MockConfigEntry(domain=DOMAIN, title=DEMO_EMAIL, data=data, unique_id=f"c.dm.90001.1:{DEMO_UID.lower()}")
    entry.add_to_hass(hass)
    return entry


async def test_an_entry_made_before_keeps_its_documented_host(
    hass: HomeAssistant, cloud_hosts: CloudSimulator, old_entry: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_setup(old_entry.entry_id)
    await hass.async_block_till_done()
    assert old_entry.state is ConfigEntryState.LOADED
    assert cloud_hosts.requests_to("emailPwdLogin") == []
    assert {request.host for request in cloud_hosts.requests} == {PRIMARY}
    assert old_entry.runtime_data.client.base_url == cloud_hosts.url
    # Reauth signs in there too, and the account is still the same one.
    cloud_hosts.clear_requests()
    result = await old_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {"password": DEMO_PASSWORD})
    assert result["reason"] == "reauth_successful"
    assert logins(cloud_hosts) == {PRIMARY: [200], EU_ALT_HOST: [], NA_HOST: []}
    assert old_entry.unique_id == "c.dm.90001.1:c1001"
    assert "base_url" not in old_entry.data
    assert old_entry.data["user_domain_secret"] == DEMO_SECRET
