"""Fixtures of the end-to-end stage: the simulator and a real, onboarded Home Assistant on free loopback ports.

Each test gets its own pair of processes and its own folder ``artifacts/e2e/<run>/<test>/`` (git-ignored) with the
HA configuration, both processes' logs and, for the browser test, the screenshots.

The simulator has a second listener (another host name of the cloud) that alone serves the second demo user domain,
and the test Home Assistant knows the two listeners as the European data center's hosts (``quectel_iot_test_hosts``),
so region *Automatic* is tried over real HTTP. A test marked ``@pytest.mark.wifi_device(**options)`` also has a
factory-new Wi-Fi device near a simulated Bluetooth proxy in its Home Assistant (``quectel_iot_sim_ble``; the options
are those of ``ha_config.SimulatedWifiDevice``).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from scripts.dev_support.ha_client import DEV_USER, HaApi, onboard
from scripts.dev_support.ha_config import SimulatedBluetooth, SimulatedWifiDevice, write_config
from scripts.dev_support.processes import (
    LOOPBACK,
    REPO,
    ManagedProcess,
    free_port,
    host_path,
    start_home_assistant,
    start_simulator,
)
from tests.common import OTHER_DOMAIN, user_input

from .log_scan import scan_log
from .releases import PINNED, running_release

if TYPE_CHECKING:
    from collections.abc import Iterator

DOMAIN = "quectel_iot"


def pytest_configure(config: pytest.Config) -> None:
    """The stage's marker (here, not in pytest.ini: a plain ``pytest`` from the repository root collects it too)."""
    config.addinivalue_line(
        "markers",
        "wifi_device(**options): a factory-new Wi-Fi device near a simulated Bluetooth proxy in the test's HA",
    )


def pytest_report_header() -> str:
    """Which Home Assistant this run starts (the stage runs once per release)."""
    release = running_release()
    note = "" if release is PINNED else "; the browser walk runs on the pinned release only"
    return f"Home Assistant {release.version}: the {release.name} release ({release.requirements.name}){note}"


# The browser walk (and the README's screenshots) and the check of its screenshot gate: the pinned release's venv has
# Playwright, the newest one's does not.
BROWSER_TESTS = frozenset({"test_browser.py", "test_settle.py"})


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """On the newest release, the stage leaves the browser tests out."""
    if collection_path.name in BROWSER_TESTS and running_release() is not PINNED:
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under phcc (a plain ``pytest`` from the repository root) these tests cannot run: skip them with the command."""
    if not config.pluginmanager.has_plugin("homeassistant"):
        return
    skip = pytest.mark.skip(reason="end-to-end stage: run `python -m pytest -c tests/e2e/pytest.ini tests/e2e`")
    e2e_dir = REPO / "tests" / "e2e"
    for item in items:
        if item.path.is_relative_to(e2e_dir):
            item.add_marker(skip)


@dataclass
class Stack:
    """The running simulator and Home Assistant of one test."""

    simulator: ManagedProcess
    homeassistant: ManagedProcess
    simulator_url: str
    other_host_url: str
    """The simulator's second listener: it alone serves the second demo user domain (OTHER_DOMAIN)."""
    base_url: str
    api: HaApi
    config_dir: Path
    artifacts: Path

    def add_demo_entry(self) -> str:
        """Add the simulator's demo account through HA's config flow API; returns the entry's id."""
        form = self.api.post("/api/config/config_entries/flow", {"handler": DOMAIN, "show_advanced_options": False})
        self.api.post(f"/api/config/config_entries/flow/{form['flow_id']}", user_input())
        created = self.api.post(f"/api/config/config_entries/flow/{form['flow_id']}", {"base_url": self.simulator_url})
        assert created["type"] == "create_entry", created
        return str(created["result"]["entry_id"])

    def stop(self) -> None:
        """Stop Home Assistant, then the simulator (idempotent)."""
        self.homeassistant.stop()
        self.simulator.stop()

    def stop_and_check_logs(self) -> None:
        """Stop both processes; fail when either logged a traceback, a blocking call or a deprecation of ours."""
        self.stop()
        problems = [
            f"[{p.name}] {problem}" for p in (self.homeassistant, self.simulator) for problem in scan_log(p.output)
        ]
        logs = ", ".join(host_path(p.log_path) for p in (self.homeassistant, self.simulator))
        assert not problems, f"problems in the logs ({logs}):\n\n" + "\n\n".join(problems)


@pytest.fixture(scope="session")
def run_artifacts() -> Path:
    """``artifacts/e2e/<date>-<time>-<pid>/``: one folder per run, so runs in the same work tree never collide.

    Folders of runs older than a day are deleted.
    """
    root = REPO / "artifacts" / "e2e"
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - 86_400
    for old in root.iterdir():
        if old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    folder = root / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
    folder.mkdir()
    return folder


@pytest.fixture
def artifacts(run_artifacts: Path, request: pytest.FixtureRequest) -> Path:
    """This test's folder in the run's artifacts."""
    folder = run_artifacts / request.node.name
    folder.mkdir()
    return folder


@pytest.fixture
def stack(artifacts: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The simulator and an onboarded Home Assistant (user ``dev``) with this integration, on free ports."""
    simulator_port, other_port = free_port(), free_port()
    simulator = start_simulator(simulator_port, artifacts / "simulator.log", extra_hosts={other_port: [OTHER_DOMAIN]})
    simulator_url, other_host_url = f"http://{LOOPBACK}:{simulator_port}", f"http://{LOOPBACK}:{other_port}"
    homeassistant: ManagedProcess | None = None
    try:
        ha_port = free_port()
        config_dir = artifacts / "config"
        marker = request.node.get_closest_marker("wifi_device")
        write_config(
            config_dir,
            ha_port,
            writer="tests/e2e/conftest.py",
            test_hosts={"europe": [simulator_url, other_host_url]},
            bluetooth=SimulatedBluetooth(simulator_url, (SimulatedWifiDevice(**marker.kwargs),)) if marker else None,
        )
        homeassistant = start_home_assistant(config_dir, ha_port, artifacts / "homeassistant.log")
        base_url = f"http://{LOOPBACK}:{ha_port}"
        _created, token = onboard(base_url, DEV_USER)
        api = HaApi(base_url, token)
        api.wait_running()
        running = Stack(
            simulator=simulator,
            homeassistant=homeassistant,
            simulator_url=simulator_url,
            other_host_url=other_host_url,
            base_url=base_url,
            api=api,
            config_dir=config_dir,
            artifacts=artifacts,
        )
        yield running
    finally:
        if homeassistant is not None:
            homeassistant.stop()
        simulator.stop()
