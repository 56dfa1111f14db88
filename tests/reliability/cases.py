"""The faults the reliability tests inject, what each must read as, the actions they call, and shared checks."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError

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
    DEMO_UID,
    FRIEND_EMAIL,
    TRANSLATIONS,
    WIFI_CODE,
    WIFI_DK,
    WIFI_PK,
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
