"""The harness's own guarantees: it finds the log lines that fail a run, it always ends its processes, and the
developer launcher (scripts/develop.py) that shares it starts.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from scripts.dev_support.ha_config import (
    COMPONENT_DIRS,
    INTEGRATION_DIR,
    SimulatedBluetooth,
    SimulatedWifiDevice,
    write_config,
)
from scripts.dev_support.processes import LOOPBACK, REPO, ManagedProcess, wait_for

from .log_scan import scan_log

if TYPE_CHECKING:
    from pathlib import Path

NOISY = """
import logging, sys
logging.basicConfig(level=logging.INFO)
try:
    raise ValueError("boom")
except ValueError:
    logging.getLogger("x").exception("failed")
logging.getLogger("homeassistant.util.loop").warning("Detected blocking call to open with args ... inside the event loop")
print("clean line")
"""

STUBBORN = """
import signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(600)
"""


def test_tracebacks_and_blocking_calls_are_found(tmp_path: Path) -> None:
    process = ManagedProcess(name="noisy", args=[sys.executable, "-c", NOISY], log_path=tmp_path / "noisy.log")
    process.start()
    assert process.process is not None
    process.process.wait(30)
    process.stop()
    problems = scan_log(process.output)
    assert [problem.kind for problem in problems] == ["traceback", "blocking call"], problems
    assert "ValueError: boom" in str(problems[0])
    assert "Detected blocking call to open" in str(problems[1])
    assert "clean line" in (tmp_path / "noisy.log").read_text(encoding="utf-8")


def test_a_process_that_ignores_sigterm_is_killed(tmp_path: Path) -> None:
    process = ManagedProcess(name="stubborn", args=[sys.executable, "-c", STUBBORN], log_path=tmp_path / "s.log")
    process.start()
    wait_for("the child to start", lambda: "ready" in process.output, timeout=30)
    started = time.monotonic()
    status = process.stop(timeout=1)
    assert status is not None
    assert status < 0  # killed by a signal
    assert time.monotonic() - started < 15
    assert not process.running()


def test_the_developer_launcher_starts_and_refuses_a_busy_port() -> None:
    """scripts/develop runs ``python scripts/develop.py`` from the repository: its imports resolve from there."""
    launcher = REPO / "scripts" / "develop.py"
    shown = subprocess.run(  # noqa: S603 - our own argument list
        [sys.executable, str(launcher), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("usage: scripts/develop")
    with socket.socket() as busy:
        busy.bind((LOOPBACK, 0))
        busy.listen()
        port = busy.getsockname()[1]
        refused = subprocess.run(  # noqa: S603
            [sys.executable, str(launcher), "--ha-port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert refused.returncode == 1
    assert f"port {port} on {LOOPBACK} is in use" in refused.stderr


def test_the_configuration_folder(tmp_path: Path) -> None:
    """configuration.yaml as Home Assistant reads it, the components linked, and nothing extra unless asked."""
    from homeassistant.util.yaml import load_yaml_dict  # noqa: PLC0415 - HA's own YAML loader

    config_dir = tmp_path / "config"
    write_config(config_dir, 8123, writer="test")
    plain = load_yaml_dict(config_dir / "configuration.yaml")
    assert "quectel_iot_test_hosts" not in plain
    assert "quectel_iot_sim_ble" not in plain
    # Only what is configured is linked: scripts/develop's folder never has the test-only component.
    assert sorted(path.name for path in (config_dir / "custom_components").iterdir()) == ["quectel_iot"]

    device = SimulatedWifiDevice(wifi_networks={"Lab: 2.4 GHz": 'say "hi"'}, join_delay=2)
    write_config(
        config_dir,
        8123,
        writer="test",
        test_hosts={"europe": ["http://127.0.0.1:1", "http://127.0.0.1:2"]},
        bluetooth=SimulatedBluetooth("http://127.0.0.1:1", (device,)),
    )
    for name, target in (
        ("quectel_iot", INTEGRATION_DIR),
        ("quectel_iot_test_hosts", COMPONENT_DIRS["quectel_iot_test_hosts"]),
        ("quectel_iot_sim_ble", COMPONENT_DIRS["quectel_iot_sim_ble"]),
    ):
        link = config_dir / "custom_components" / name
        assert link.is_symlink()
        assert not link.readlink().is_absolute()
        assert link.resolve() == target.resolve()
    config = load_yaml_dict(config_dir / "configuration.yaml")
    assert config["quectel_iot_test_hosts"] == {"europe": ["http://127.0.0.1:1", "http://127.0.0.1:2"]}
    assert config["quectel_iot_sim_ble"] == {
        "repository": str(REPO),
        "simulator_url": "http://127.0.0.1:1",
        "devices": [
            {
                "product_key": "p11wifi",
                "device_key": "a0b1c2d3e4f7",
                "wifi_networks": {"Lab: 2.4 GHz": 'say "hi"'},
                "reply_delay": 1.0,
                "join_delay": 2,
            }
        ],
    }
    assert (device.address, device.local_name) == ("A0:B1:C2:D3:E4:F7", "QUEC_BLE_E4F7")
    assert "say" not in repr(device)

    # scripts/develop's configuration over a folder an end-to-end run wrote: the test-only link goes.
    write_config(config_dir, 8123, writer="test", bluetooth=SimulatedBluetooth("http://127.0.0.1:1"))
    linked = sorted(path.name for path in (config_dir / "custom_components").iterdir())
    assert linked == ["quectel_iot", "quectel_iot_sim_ble"]
