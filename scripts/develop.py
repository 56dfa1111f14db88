"""The launcher behind ``scripts/develop``: the cloud simulator and a real Home Assistant with this integration.

``python scripts/develop.py [--ha-port 8123] [--simulator-port 8910] [--reset]`` (run by ``scripts/develop`` inside
the toolchain), with the harness it shares with the end-to-end stage (``scripts/dev_support``). Home
Assistant's configuration lives in ``.dev/config`` (git-ignored) and survives restarts; the simulator starts from its
demo data every time. A factory-new Wi-Fi device (the demo data's ``p11wifi`` / ``a0b1c2d3e4f7``) advertises near a
simulated Bluetooth proxy in Home Assistant (the development-only ``quectel_iot_sim_ble`` component), so the Wi-Fi
set-up can be tried in the UI. Ctrl-C (or SIGTERM) stops Home Assistant, then the simulator.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: quectel_simulator, scripts.dev_support

from homeassistant.const import RESTART_EXIT_CODE

from scripts.dev_support.demo import DemoAccount
from scripts.dev_support.ha_client import DEV_USER, HaApi, onboard
from scripts.dev_support.ha_config import SimulatedBluetooth, SimulatedWifiDevice, write_config
from scripts.dev_support.processes import (
    LOOPBACK,
    REPO,
    E2EError,
    ManagedProcess,
    port_is_free,
    start_home_assistant,
    start_simulator,
)

if TYPE_CHECKING:
    from types import FrameType

DEV_DIR = REPO / ".dev"
CONFIG_DIR = DEV_DIR / "config"
# Joins any network with any password (it has no radio), slowly enough to watch both progress steps.
WIFI_DEVICE = SimulatedWifiDevice(reply_delay=1.0, join_delay=4.0)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/develop",
        description="Run the Quectel cloud simulator and a real Home Assistant with this integration (Ctrl-C stops).",
    )
    parser.add_argument("--ha-port", type=int, default=8123, help="Home Assistant's port (default: %(default)s)")
    parser.add_argument("--simulator-port", type=int, default=8910, help="the simulator's port (default: %(default)s)")
    parser.add_argument(
        "--reset", action="store_true", help="delete .dev/ first: a new Home Assistant (new user, no entries)"
    )
    return parser.parse_args(argv)


def say(text: str) -> None:
    """A line on stdout, at once (it shares the terminal with both processes' output)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def _banner(ha_url: str, simulator_url: str, *, user_created: bool) -> str:
    demo = DemoAccount.load()
    user_note = "created now" if user_created else "from an earlier run"
    rel = CONFIG_DIR.relative_to(REPO)
    label = f"{WIFI_DEVICE.local_name} ({WIFI_DEVICE.product_key} / {WIFI_DEVICE.device_key})"
    return f"""
==========================================================================================
Home Assistant:  {ha_url}
  login:         {DEV_USER.username} / {DEV_USER.password}   ({user_note}; `scripts/develop --reset` starts afresh)
  configuration: {rel}/ (git-ignored), its log: {rel}/home-assistant.log
                 debug logging for custom_components.quectel_iot is on (shown here as "homeassistant | ...")
Simulator:       {simulator_url} (demo data; every start begins from it again)

Add the integration: Settings -> Devices & services -> Add integration -> Quectel IoT
  Region:             Custom URL
  User domain:        {demo.user_domain}
  User domain secret: {demo.user_domain_secret}
  Email or phone:     {demo.email}
  Password:           {demo.password}
  then Base URL:      {simulator_url}
Then call an action: Settings -> Tools -> Actions -> "Quectel IoT: ..." (e.g. bind_by_dk with product key
{demo.cellular_product}, device key c0ffee000002; the simulator's banner above lists every demo device and code).

Set up a new Wi-Fi device, once the account is added (a simulated factory-new plug near a simulated Bluetooth
proxy): Settings -> Devices & services -> Discovered: "{label}" -> Add -> Submit
  -> any network name and password (it joins any) -> Submit; a few seconds later it is bound to the account.

Ctrl-C stops Home Assistant and the simulator.
==========================================================================================
"""


def main(argv: list[str] | None = None) -> int:
    """Run until Ctrl-C; returns the exit status."""
    args = _parse(argv)
    for name, port in (("--ha-port", args.ha_port), ("--simulator-port", args.simulator_port)):
        if not port_is_free(port):
            sys.stderr.write(f"port {port} on {LOOPBACK} is in use (another scripts/develop?): choose {name} N\n")
            return 1
    if args.reset and DEV_DIR.exists():
        shutil.rmtree(DEV_DIR)
        say(f"deleted {DEV_DIR.relative_to(REPO)}/")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGHUP, _stop_on_sigterm)

    processes: list[ManagedProcess] = []
    status = 0
    try:
        simulator = start_simulator(args.simulator_port, DEV_DIR / "simulator.log", echo=True)
        processes.append(simulator)
        simulator_url = f"http://{LOOPBACK}:{args.simulator_port}"
        write_config(
            CONFIG_DIR,
            args.ha_port,
            writer="scripts/develop",
            default_level="warning",
            bluetooth=SimulatedBluetooth(simulator_url, (WIFI_DEVICE,)),
        )
        ha_url = f"http://{LOOPBACK}:{args.ha_port}"
        say(f"starting Home Assistant on {ha_url} (the first start takes a little longer) ...")
        homeassistant = start_home_assistant(CONFIG_DIR, args.ha_port, DEV_DIR / "homeassistant.log", echo=True)
        processes.append(homeassistant)
        created, token = onboard(ha_url, DEV_USER)
        HaApi(ha_url, token).wait_running()
        say(_banner(ha_url, simulator_url, user_created=created))
        while True:
            time.sleep(0.5)
            simulator.check_running()
            if homeassistant.process is not None and homeassistant.process.poll() == RESTART_EXIT_CODE:
                # Settings -> Restart (or a YAML change that needs one): HA exits and expects to be started again.
                say("Home Assistant asked for a restart: starting it again ...")
                homeassistant.stop()
                processes.remove(homeassistant)
                homeassistant = start_home_assistant(
                    CONFIG_DIR, args.ha_port, DEV_DIR / "homeassistant.log", echo=True, append=True
                )
                processes.append(homeassistant)
            homeassistant.check_running()
    except KeyboardInterrupt:
        say("\nstopping ...")
    except E2EError as err:
        sys.stderr.write(f"scripts/develop: {err}\n")
        status = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the shutdown short
        for process in reversed(processes):
            process.stop()
    if status == 0:
        say("Home Assistant and the simulator stopped.")
    return status


if __name__ == "__main__":
    sys.exit(main())
