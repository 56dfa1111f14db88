"""A real Home Assistant process: the config flow over HA's HTTP API, then ``bind_by_dk`` through /api/services."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from yarl import URL

from scripts.dev_support.processes import wait_for
from tests.common import (
    CELL_DK_FREE,
    CELL_PK,
    DEMO_EMAIL,
    OTHER_DOMAIN,
    OTHER_EMAIL,
    OTHER_PASSWORD,
    OTHER_SECRET,
    user_input,
)

from .releases import running_release

if TYPE_CHECKING:
    from .conftest import Stack

DOMAIN = "quectel_iot"
# The frontend, the components HA sets up on its own, the Bluetooth stack our manifest depends on (with hassio, which
# usb imports) and the network scanner of the discovery test: their requirements, pinned in each requirements file.
REAL_HA_COMPONENTS = (
    "bluetooth",
    "usb",
    "hassio",
    "ruuvi_gateway",
    "frontend",
    "ffmpeg",
    "infrared",
    "radio_frequency",
    "tts",
    "conversation",
    "camera",
    "assist_pipeline",
    "assist_satellite",
)


def test_config_flow_bind_by_dk_and_device_registry(stack: Stack) -> None:
    api = stack.api

    # The integration is found and its flow starts at the account form.
    form = api.post("/api/config/config_entries/flow", {"handler": DOMAIN, "show_advanced_options": False})
    assert form["type"] == "form", form
    assert form["step_id"] == "user"
    assert {field["name"] for field in form["data_schema"]} == {
        "region",
        "user_domain",
        "user_domain_secret",
        "account",
        "international_code",
        "password",
    }

    # Region custom asks for the base URL next.
    endpoint = api.post(f"/api/config/config_entries/flow/{form['flow_id']}", user_input())
    assert endpoint["type"] == "form", endpoint
    assert endpoint["step_id"] == "custom_endpoint"
    assert endpoint["errors"] in (None, {})

    created = api.post(f"/api/config/config_entries/flow/{form['flow_id']}", {"base_url": stack.simulator_url})
    assert created["type"] == "create_entry", created
    assert created["title"] == DEMO_EMAIL
    entry_id = created["result"]["entry_id"]

    entries = api.get(f"/api/config/config_entries/entry?domain={DOMAIN}")
    assert [(e["entry_id"], e["state"]) for e in entries] == [(entry_id, "loaded")]

    # bind_by_dk with a response, through the REST API (what Developer Tools → Actions does over the websocket).
    called = api.post(
        f"/api/services/{DOMAIN}/bind_by_dk?return_response",
        {"config_entry_id": entry_id, "product_key": CELL_PK, "device_key": CELL_DK_FREE, "device_name": "E2E tracker"},
    )
    response = called["service_response"]
    assert response["product_key"] == CELL_PK
    assert response["device_key"] == CELL_DK_FREE
    assert isinstance(response["auth_key"], str)
    assert response["auth_key"]

    # The bound device is in HA's device registry under the new entry.
    devices = api.ws({"type": "config/device_registry/list"})
    ours = [d for d in devices if [DOMAIN, f"{CELL_PK}_{CELL_DK_FREE}"] in d["identifiers"]]
    assert len(ours) == 1, [d["identifiers"] for d in devices]
    assert ours[0]["config_entries"] == [entry_id]
    assert ours[0]["name"] == "E2E tracker"

    stack.stop_and_check_logs()

    # The simulator saw one login and exactly one bind (binds are never retried), both answered with success.
    binds = [line for line in stack.simulator.output.splitlines() if "bindDeviceDk" in line]
    assert len(binds) == 1, binds
    assert "HTTP 200, code 200" in binds[0]
    # Debug logging of the integration is on, and it logs no secret.
    ha_log = stack.homeassistant.output
    assert "[custom_components.quectel_iot" in ha_log
    assert user_input()["user_domain_secret"] not in ha_log
    assert user_input()["password"] not in ha_log
    assert response["auth_key"] not in ha_log


def test_region_automatic_finds_the_host_that_knows_the_user_domain(stack: Stack) -> None:
    """Region *Automatic*, left at its default: the European data center's first host (the simulator's main listener)
    does not know the second demo user domain (5015), its second host does; the entry keeps that host."""
    api = stack.api
    form = api.post("/api/config/config_entries/flow", {"handler": DOMAIN, "show_advanced_options": False})
    (region,) = [field for field in form["data_schema"] if field["name"] == "region"]
    assert region["default"] == "auto"
    typed = {
        "user_domain": OTHER_DOMAIN,
        "user_domain_secret": OTHER_SECRET,
        "account": OTHER_EMAIL,
        "password": OTHER_PASSWORD,
    }
    created = api.post(f"/api/config/config_entries/flow/{form['flow_id']}", typed)
    assert created["type"] == "create_entry", created
    assert created["title"] == OTHER_EMAIL
    # The success text's key is the data center; its placeholder the host that signed the account in.
    other_host = URL(stack.other_host_url)
    assert created["description"] == "europe"
    assert created["description_placeholders"] == {"host": f"{other_host.host}:{other_host.port}"}
    entry_id = created["result"]["entry_id"]
    entries = api.get(f"/api/config/config_entries/entry?domain={DOMAIN}")
    assert [(e["entry_id"], e["state"]) for e in entries] == [(entry_id, "loaded")]

    diagnostics = api.get(f"/api/diagnostics/config_entry/{entry_id}")["data"]
    assert diagnostics["entry"]["data"]["region"] == "auto"
    assert diagnostics["entry"]["data"]["data_center"] == "europe"
    assert diagnostics["entry"]["data"]["base_url"] == stack.other_host_url
    assert diagnostics["session"]["base_url"] == stack.other_host_url

    stack.stop_and_check_logs()
    logins = [line for line in stack.simulator.output.splitlines() if "emailPwdLogin" in line]
    assert len(logins) == 2, logins  # the main listener's refusal, then the second listener's sign-in
    assert "code 5015" in logins[0]
    assert "code 200" in logins[1]
    assert OTHER_PASSWORD not in stack.homeassistant.output


def test_options_reload_and_diagnostics(stack: Stack) -> None:
    """The options flow over HA's HTTP API saves and reloads the entry; the diagnostics download holds no secret."""
    api = stack.api
    entry_id = stack.add_demo_entry()

    menu = api.post("/api/config/config_entries/options/flow", {"handler": entry_id})
    assert (menu["type"], menu["step_id"]) == ("menu", "init"), menu
    polling = api.post(f"/api/config/config_entries/options/flow/{menu['flow_id']}", {"next_step_id": "polling"})
    assert (polling["type"], polling["step_id"]) == ("form", "polling"), polling
    saved = api.post(f"/api/config/config_entries/options/flow/{menu['flow_id']}", {"scan_interval": 600})
    assert saved["type"] == "create_entry", saved

    # Saving options reloads the entry (unload, then set up again with the stored tokens: its platform a second time).
    def reloaded() -> bool:
        entries = api.get(f"/api/config/config_entries/entry?domain={DOMAIN}")
        platform_setups = stack.homeassistant.output.count(f"Setting up {DOMAIN}.binary_sensor")
        return [e["state"] for e in entries] == ["loaded"] and platform_setups == 2

    wait_for("the entry to be reloaded", reloaded, timeout=60)

    diagnostics = api.get(f"/api/diagnostics/config_entry/{entry_id}")
    assert diagnostics["data"]["entry"]["options"]["scan_interval"] == 600
    assert diagnostics["data"]["entry"]["data"]["user_domain"] == user_input()["user_domain"]
    text = json.dumps(diagnostics)
    for secret in (user_input()["password"], user_input()["user_domain_secret"]):
        assert secret not in text

    stack.stop_and_check_logs()


def test_installed_requirements_match_ha_manifests() -> None:
    """What the real HA needs (its frontend, components it sets up on its own) is pinned at that release's versions.

    Bumping a release's pin: this test names every requirement its file must change.
    """
    import homeassistant  # noqa: PLC0415 - only this test needs HA's package path

    release = running_release()
    pins = release.pins
    assert metadata.version("homeassistant") == release.version
    components = Path(homeassistant.__file__).parent / "components"
    wrong = []
    for domain in REAL_HA_COMPONENTS:
        manifest = json.loads((components / domain / "manifest.json").read_text(encoding="utf-8"))
        for requirement in manifest["requirements"]:
            name, _, version = requirement.partition("==")
            if pins.get(name.lower()) != version:
                wrong.append(f"{requirement} ({domain}; the file has {pins.get(name.lower())})")
            elif metadata.version(name) != version:
                wrong.append(f"{requirement} ({domain}; installed {metadata.version(name)}: run scripts/setup)")
    assert not wrong, f"{release.requirements.name} must pin, for Home Assistant {release.version}:\n" + "\n".join(
        wrong
    )
