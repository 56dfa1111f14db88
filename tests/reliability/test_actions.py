"""The bind and share actions under every fault: translated, never resent, recovered after it; 5032 renews."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr

from custom_components.quectel_iot.const import DOMAIN
from quectel_simulator import CloudSimulator, Fault
from tests.reliability.cases import (
    ALL_FAULTS,
    SERVICES,
    TRANSPORT_MESSAGES,
    acted_on,
    assert_no_traceback,
    assert_translated,
    assert_wait,
    call,
    expected_call_error,
    fault,
    settle,
)


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
