"""Setting up a factory-new Wi-Fi device in a real Home Assistant, over HA's HTTP flow API, on both releases.

The device is the demo data's ``p11wifi`` / ``a0b1c2d3e4f7`` near a simulated Bluetooth proxy (the
``quectel_iot_sim_ble`` component in the test HA, ``tests/e2e/components/``): Home Assistant's own Bluetooth stack
discovers it by our manifest and connects to it through its client wrapper; once on "Wi-Fi" the device reports its
binding code to the simulator (another process) over the simulator's loopback control routes. The account is added
after Home Assistant has started, as a user does, so the device was first seen with no account.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Final

import pytest

from scripts.dev_support.ha_config import NEW_WIFI_DEVICE, SimulatedWifiDevice
from scripts.dev_support.processes import E2EError, wait_for
from tests.common import DEMO_EMAIL

if TYPE_CHECKING:
    from scripts.dev_support.ha_client import HaApi

    from .conftest import Stack

DOMAIN: Final = "quectel_iot"
PK, DK = NEW_WIFI_DEVICE
SSID: Final = "Workshop"
WIFI_PASSWORD: Final = "wifi-pass-1234"
DEVICE: Final = SimulatedWifiDevice(wifi_networks={SSID: WIFI_PASSWORD})
PROGRESS: Final = ("progress", "progress_done")


def discovered_setup(api: HaApi) -> dict[str, Any] | None:
    """Our discovery flow of the new device, when Home Assistant has started one."""
    flows = api.ws({"type": "config_entries/flow/progress"})
    unique_id = f"{PK}_{DK}"
    return next((f for f in flows if f["handler"] == DOMAIN and f["context"].get("unique_id") == unique_id), None)


def finish_progress(api: HaApi, result: dict[str, Any], timeout: float = 60) -> tuple[dict[str, Any], list[str]]:
    """Follow progress steps as the frontend does (ask again until the flow moves on); the result and the steps."""
    flow_id = result["flow_id"]
    steps: list[str] = []
    deadline = time.monotonic() + timeout
    while result["type"] in PROGRESS:
        if result["type"] == "progress":
            steps.append(f"{result['step_id']}:{result['progress_action']}")
        if time.monotonic() > deadline:
            raise E2EError(f"the flow stayed in progress for {timeout:.0f} s: {result}")
        time.sleep(0.3)
        result = api.get(f"/api/config/config_entries/flow/{flow_id}")
    return result, steps


@pytest.mark.wifi_device(wifi_networks={SSID: WIFI_PASSWORD}, reply_delay=0.2, join_delay=1.0)
def test_a_new_wifi_device_is_set_up_over_bluetooth_and_bound(stack: Stack) -> None:
    api = stack.api
    entry_id = stack.add_demo_entry()
    wait_for("the new device under Discovered", lambda: discovered_setup(api) is not None, timeout=60)
    flow = discovered_setup(api)
    assert flow is not None
    assert flow["context"]["source"] == "bluetooth"
    assert flow["context"]["title_placeholders"] == {"name": f"{DEVICE.local_name} ({PK} / {DK})"}
    assert flow["step_id"] == "provision_confirm"
    path = f"/api/config/config_entries/flow/{flow['flow_id']}"

    form = api.post(path, {})
    assert (form["type"], form["step_id"]) == ("form", "provision_wifi"), form
    assert [field["name"] for field in form["data_schema"]] == ["ssid", "wifi_password", "device_name"]

    # A wrong password: the device refuses it, and the form comes back with the reason and the network name.
    result, steps = finish_progress(api, api.post(path, {"ssid": SSID, "wifi_password": "not-the-password"}))
    assert steps[:1] == ["provision_send:send_wifi"]
    assert (result["type"], result["step_id"], result["errors"]) == (
        "form",
        "provision_wifi",
        {"base": "wifi_rejected"},
    )
    assert "refused the Wi-Fi settings" in result["description_placeholders"]["error"]

    result, steps = finish_progress(
        api, api.post(path, {"ssid": SSID, "wifi_password": WIFI_PASSWORD, "device_name": "E2E plug"})
    )
    assert steps[0] == "provision_send:send_wifi"
    assert steps[-1] == "provision_wait:wait_for_cloud"
    assert (result["type"], result["reason"]) == ("abort", "provision_successful"), result
    assert result["description_placeholders"] == {"name": f"{DEVICE.local_name} ({PK} / {DK})", "account": DEMO_EMAIL}

    devices = api.ws({"type": "config/device_registry/list"})
    ours = [d for d in devices if [DOMAIN, f"{PK}_{DK}"] in d["identifiers"]]
    assert [(d["config_entries"], d["name"]) for d in ours] == [([entry_id], "E2E plug")]
    # Once bound it advertises so, and is not offered again.
    assert discovered_setup(api) is None

    stack.stop_and_check_logs()
    sim_log = stack.simulator.output
    binds = [line for line in sim_log.splitlines() if "deviceBindingByWifi" in line]
    assert binds, sim_log
    assert "HTTP 200, code 200" in binds[-1]
    assert all("code 5460" in line for line in binds[:-1])  # asked while the device was still joining
    assert "Device p11wifi/a0b1c2d3e4f7 reported its binding code and is online" in sim_log
    ha_log = stack.homeassistant.output
    assert "Simulated factory-new device QUEC_BLE_E4F7 (p11wifi / a0b1c2d3e4f7) is advertising" in ha_log
    for secret in (WIFI_PASSWORD, "not-the-password"):
        assert secret not in ha_log
