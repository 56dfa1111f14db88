"""Bluetooth discovery in a real Home Assistant: an advertisement from a scanner on the network starts our discovery
flow, and confirming it over HA's HTTP API binds the device at the simulator (ble_gateway.py says how it gets in)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scripts.dev_support.processes import wait_for
from tests.common import BLE_CODE, BLE_DK, BLE_PK, BLE_PS

from .ble_gateway import GATEWAY_TOKEN, FakeRuuviGateway, advertisement_bytes, quectel_payload

if TYPE_CHECKING:
    from scripts.dev_support.ha_client import HaApi

    from .conftest import Stack

DOMAIN = "quectel_iot"
ADDRESS = "AA:BB:CC:DD:D4:D5"
NAME = f"QUEC_BLE_{BLE_DK[-4:].upper()}"
STATUS_BINDING_ALLOWED = 0x08  # deviceStatus bit 3
CAPABILITY_BLE = 0x04  # flags bits 0-3


def _our_discovery(api: HaApi) -> dict[str, Any] | None:
    flows = api.ws({"type": "config_entries/flow/progress"})
    return next((flow for flow in flows if flow["handler"] == DOMAIN), None)


def test_an_advertisement_from_a_network_scanner_is_discovered_and_bound(stack: Stack) -> None:
    api = stack.api
    entry_id = stack.add_demo_entry()
    advertisement = advertisement_bytes(
        local_name=NAME,
        manufacturer_id=0x5551,
        manufacturer_data=quectel_payload(BLE_PK, BLE_DK, status=STATUS_BINDING_ALLOWED, flags=CAPABILITY_BLE),
    )
    with FakeRuuviGateway(tags={ADDRESS: advertisement}) as gateway:
        flow = api.post("/api/config/config_entries/flow", {"handler": "ruuvi_gateway", "show_advanced_options": False})
        scanner = api.post(
            f"/api/config/config_entries/flow/{flow['flow_id']}", {"host": gateway.host, "token": GATEWAY_TOKEN}
        )
        assert scanner["type"] == "create_entry", scanner

        # HA polls the gateway, its Bluetooth manager matches our manifest, and our discovery flow waits for the user.
        wait_for("the discovery flow of quectel_iot", lambda: _our_discovery(api) is not None, timeout=60)
        assert gateway.polls >= 1
    discovered = _our_discovery(api)
    assert discovered is not None
    assert discovered["context"]["source"] == "bluetooth"
    assert discovered["context"]["unique_id"] == f"{BLE_PK}_{BLE_DK}"
    assert discovered["context"]["title_placeholders"] == {"name": f"{NAME} ({BLE_PK} / {BLE_DK})"}
    assert discovered["step_id"] == "bluetooth_confirm"

    # Confirm it as the user would in the dialog: the device is bound at the simulator and registered under the entry.
    result = api.post(
        f"/api/config/config_entries/flow/{discovered['flow_id']}",
        {
            "binding_code": BLE_CODE,
            "binding_secret": "handed-over",
            "product_secret": BLE_PS,
            "save_product_secret": True,
            "device_name": "E2E thermometer",
        },
    )
    assert (result["type"], result["reason"]) == ("abort", "bind_successful"), result
    devices = api.ws({"type": "config/device_registry/list"})
    ours = [d for d in devices if [DOMAIN, f"{BLE_PK}_{BLE_DK}"] in d["identifiers"]]
    assert [(d["config_entries"], d["name"]) for d in ours] == [([entry_id], "E2E thermometer")]
    entry = next(e for e in api.get(f"/api/config/config_entries/entry?domain={DOMAIN}") if e["entry_id"] == entry_id)
    assert entry["state"] == "loaded"

    stack.stop_and_check_logs()
    binds = [line for line in stack.simulator.output.splitlines() if "deviceBindingByPureBt" in line]
    assert len(binds) == 1, binds
    assert "HTTP 200, code 200" in binds[0]
    ha_log = stack.homeassistant.output
    for secret in (BLE_PS, "handed-over", GATEWAY_TOKEN):
        assert secret not in ha_log
