"""The configuration folder of a Home Assistant the harness starts (``scripts/develop`` and the end-to-end stage).

``configuration.yaml``, the stores that skip what needs a person (onboarding's first step, the HTTP address), and the
custom components, linked rather than copied so that they follow the repository: the integration always, and each of
the two components that exist only in such a folder only when it is configured (a link left from an earlier run is
removed when it is not):

- ``quectel_iot_sim_ble`` (``scripts/dev_support/components/``; development and tests): factory-new Wi-Fi devices
  near a simulated Bluetooth proxy;
- ``quectel_iot_test_hosts`` (``tests/e2e/components/``; end-to-end tests only): the cloud's known hosts replaced by
  the simulator's listeners, so that region *Automatic* is tried over real HTTP. ``scripts/develop`` never links it.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .processes import LOOPBACK, REPO

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

INTEGRATION_DIR: Final = REPO / "custom_components" / "quectel_iot"
TEST_HOSTS: Final = "quectel_iot_test_hosts"
SIM_BLE: Final = "quectel_iot_sim_ble"
COMPONENT_DIRS: Final = {
    SIM_BLE: Path(__file__).resolve().parent / "components" / SIM_BLE,
    TEST_HOSTS: REPO / "tests" / "e2e" / "components" / TEST_HOSTS,
}
"""Where each development component lives (the test-only one with the tests)."""
NEW_WIFI_DEVICE: Final = ("p11wifi", "a0b1c2d3e4f7")
"""The demo data's factory-new Wi-Fi plug (it never reported a binding code)."""


@dataclass(frozen=True, slots=True)
class SimulatedWifiDevice:
    """A factory-new Wi-Fi device of ``quectel_iot_sim_ble`` (its YAML; see that component)."""

    product_key: str = NEW_WIFI_DEVICE[0]
    device_key: str = NEW_WIFI_DEVICE[1]
    wifi_networks: dict[str, str] = field(default_factory=dict, repr=False)
    """The networks it can join, SSID -> password; empty: any network and password."""
    reply_delay: float = 1.0
    join_delay: float = 3.0

    @property
    def address(self) -> str:
        """Its Bluetooth address (the simulated device makes it from the device key)."""
        return ":".join(self.device_key[i : i + 2] for i in range(0, 12, 2)).upper()

    @property
    def local_name(self) -> str:
        """Its advertised name."""
        return f"QUEC_BLE_{self.device_key[-4:].upper()}"


@dataclass(frozen=True, slots=True)
class SimulatedBluetooth:
    """``quectel_iot_sim_ble``'s configuration: the simulator its devices report to, and the devices."""

    simulator_url: str
    devices: Sequence[SimulatedWifiDevice] = (SimulatedWifiDevice(),)


CONFIGURATION_YAML = """\
# Written by {writer}; rewritten at every start (edit {writer} instead).
homeassistant:
  name: Quectel IoT dev
  latitude: 52.52
  longitude: 13.405
  elevation: 34
  unit_system: metric
  time_zone: Europe/Berlin
  country: DE
  currency: EUR
  language: en

# A minimal set: the web UI and its APIs. HA sets up its base integrations on its own. The HTTP server's address
# (127.0.0.1:{port}) is in .storage/http: HA 2026.10 ignores `http:` here after a first import.
frontend:
config:
api:
websocket_api:

logger:
  default: {default_level}
  logs:
    custom_components.quectel_iot: debug
    custom_components.quectel_iot_sim_ble: info
{components}"""

# Onboarding's "core config" step sets up integrations that need the internet (weather, radio, translation): mark
# it done up front. The other steps (user, analytics, integration) go through HA's onboarding API.
ONBOARDING_STORE = {"version": 4, "minor_version": 1, "key": "onboarding", "data": {"done": ["core_config"]}}


def http_store(port: int) -> dict[str, Any]:
    """HA's stored HTTP configuration: listen on 127.0.0.1:port, confirmed (nothing pending, no YAML to import).

    HA 2026.10 imports ``http:`` from YAML once, as a *pending* setting that it reverts (to 0.0.0.0:8123) unless it
    is confirmed in the UI within five minutes; writing the store before every start avoids both.
    """
    from homeassistant.components.http.config import (  # noqa: PLC0415 - HA's own schema and defaults
        HTTP_STORAGE_SCHEMA,
        STORAGE_KEY,
        STORAGE_MINOR_VERSION,
        STORAGE_VERSION,
    )
    from homeassistant.util import dt as dt_util  # noqa: PLC0415

    stable = {
        **HTTP_STORAGE_SCHEMA({"server_host": [LOOPBACK], "server_port": port}),
        "created_at": dt_util.utcnow().isoformat(),
        "error": None,
        "error_message": None,
    }
    return {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": STORAGE_KEY,
        "data": {"stable": stable, "pending": None, "yaml_migration_done": True},
    }


def _components_yaml(test_hosts: Mapping[str, Sequence[str]] | None, bluetooth: SimulatedBluetooth | None) -> str:
    # JSON is YAML too: no quoting rules to get wrong.
    text = ""
    if test_hosts is not None:
        hosts = {data_center: list(urls) for data_center, urls in test_hosts.items()}
        text += "\n# End-to-end tests only: the cloud's known hosts are the simulator's.\n"
        text += f"{TEST_HOSTS}: {json.dumps(hosts)}\n"
    if bluetooth is not None:
        config = {
            "repository": str(REPO),
            "simulator_url": bluetooth.simulator_url,
            "devices": [asdict(device) for device in bluetooth.devices],
        }
        text += f"\n# Factory-new Wi-Fi devices near a simulated Bluetooth proxy.\n{SIM_BLE}: {json.dumps(config)}\n"
    return text


def _link(link: Path, target_dir: Path) -> None:
    """``link`` -> ``target_dir``, relative: it resolves both on the host and inside the toolchain's chroot."""
    target = Path(os.path.relpath(target_dir, link.parent))
    if link.is_symlink():
        if link.readlink() != target:
            link.unlink()
    elif link.is_dir():
        shutil.rmtree(link)  # a copy from an older layout: the link keeps the folder in step with the repository
    elif link.exists():
        link.unlink()
    if not link.is_symlink():
        link.symlink_to(target, target_is_directory=True)


def write_config(
    config_dir: Path,
    port: int,
    *,
    writer: str,
    default_level: str = "info",
    test_hosts: Mapping[str, Sequence[str]] | None = None,
    bluetooth: SimulatedBluetooth | None = None,
) -> None:
    """Write configuration.yaml and the HTTP store, link the components it configures, pre-seed a new onboarding.

    Args:
        config_dir: The configuration folder (made when missing).
        port: Home Assistant's HTTP port on 127.0.0.1.
        writer: Who writes it (named in the file's first line).
        default_level: The log level of everything but this integration (debug) and the simulated proxy (info).
        test_hosts: Configure ``quectel_iot_test_hosts``: data center (``europe``, ...) -> its URLs, first one first.
        bluetooth: Configure ``quectel_iot_sim_ble``.
    """
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(
            writer=writer, port=port, default_level=default_level, components=_components_yaml(test_hosts, bluetooth)
        ),
        encoding="utf-8",
    )
    components = config_dir / "custom_components"
    components.mkdir(exist_ok=True)
    _link(components / "quectel_iot", INTEGRATION_DIR)
    for name, configured in ((TEST_HOSTS, test_hosts is not None), (SIM_BLE, bluetooth is not None)):
        if configured:
            _link(components / name, COMPONENT_DIRS[name])
        elif components.joinpath(name).is_symlink():
            components.joinpath(name).unlink()
    storage = config_dir / ".storage"
    storage.mkdir(exist_ok=True)
    onboarding = storage / "onboarding"
    if not onboarding.exists():
        onboarding.write_text(json.dumps(ONBOARDING_STORE), encoding="utf-8")
    (storage / "http").write_text(json.dumps(http_store(port), indent=2), encoding="utf-8")
