"""Development only: factory-new Quectel Wi-Fi devices near a simulated Bluetooth proxy, in a real Home Assistant.

``scripts/develop`` and the end-to-end stage link this component into their Home Assistant's ``custom_components/``
(``scripts/dev_support/ha_config.py``) and configure it in ``configuration.yaml``::

    quectel_iot_sim_ble:
      repository: /path/to/the/repository     # where quectel_simulator is (imported from there)
      simulator_url: http://127.0.0.1:8910    # the cloud simulator, another process
      devices:
        - product_key: p11wifi
          device_key: a0b1c2d3e4f7
          wifi_networks: {Workshop: "its password"}   # optional; without it, any network and password join
          reply_delay: 1                              # optional, seconds before the device answers 0x7011
          join_delay: 4                               # optional, seconds it takes to join and reach the cloud

It registers ``quectel_simulator.ble_scanner.SimulatedBluetoothProxy`` with Home Assistant's Bluetooth stack, as a
Bluetooth proxy registers itself (``bluetooth.async_register_scanner``), and passes on each device's advertisement
every few seconds (a remote scanner's devices expire when unheard). Home Assistant then discovers the devices by our
integration's manifest and connects to them through its own client wrapper, nothing patched. Each device reaches the
cloud simulator over its loopback control routes (``quectel_simulator.remote_cloud.RemoteCloud``): it reports its
binding code once on "Wi-Fi", and advertises "bound" once the cloud says so.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import probatio as vol
from homeassistant.components.bluetooth import async_register_scanner
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_track_time_interval

if TYPE_CHECKING:
    from datetime import datetime
    from types import ModuleType

    from homeassistant.core import Event, HomeAssistant
    from homeassistant.helpers.typing import ConfigType

    from quectel_simulator.ble_device import SimulatedWifiDevice
    from quectel_simulator.remote_cloud import RemoteCloud

_LOGGER = logging.getLogger(__name__)

DOMAIN: Final = "quectel_iot_sim_ble"
ADVERTISE_INTERVAL: Final = timedelta(seconds=5)

_DELAY = vol.All(vol.Coerce(float), vol.Range(min=0, max=120))
DEVICE_SCHEMA: Final = vol.Schema(
    {
        vol.Required("product_key"): cv.string,
        vol.Required("device_key"): vol.All(cv.string, vol.Match(r"^[0-9a-f]{12}$")),
        vol.Optional("wifi_networks", default={}): {cv.string: cv.string},
        vol.Optional("reply_delay", default=1.0): _DELAY,
        vol.Optional("join_delay", default=3.0): _DELAY,
    }
)
CONFIG_SCHEMA: Final = vol.Schema(
    {
        DOMAIN: {
            vol.Required("repository"): cv.string,
            vol.Required("simulator_url"): cv.url,
            vol.Optional("devices", default=[]): [DEVICE_SCHEMA],
        }
    },
    extra=vol.ALLOW_EXTRA,
)


def _import_simulator(repository: str) -> dict[str, ModuleType]:
    """Import ``quectel_simulator`` from the repository, and the modules of it this component uses.

    Not by adding the repository to ``sys.path``: ``custom_components`` is a namespace package whose path Python
    recomputes when ``sys.path`` changes, and the repository's ``custom_components/`` would then replace the
    configuration folder's (Home Assistant takes the folder off ``sys.path`` once it has imported the package).
    """
    if "quectel_simulator" not in sys.modules:
        init = Path(repository) / "quectel_simulator" / "__init__.py"
        if not init.is_file():
            msg = f"no quectel_simulator package in {repository}"
            raise FileNotFoundError(msg)
        spec = importlib.util.spec_from_file_location(
            "quectel_simulator", init, submodule_search_locations=[str(init.parent)]
        )
        if spec is None or spec.loader is None:
            msg = f"cannot import {init}"
            raise ImportError(msg)
        module = importlib.util.module_from_spec(spec)
        sys.modules["quectel_simulator"] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules["quectel_simulator"]
            raise
    names = ("ble_device", "ble_scanner", "remote_cloud")
    return {name: importlib.import_module(f"quectel_simulator.{name}") for name in names}


async def _async_refresh(cloud: RemoteCloud, device: SimulatedWifiDevice) -> None:
    """What the cloud knows of the device now (for its advertisement's "bound" flag); quiet while unreachable."""
    try:
        await cloud.refresh(device.product_key, device.device_key)
    except Exception as err:  # noqa: BLE001 - RemoteCloudError or KeyError: the advertisement keeps its last state
        _LOGGER.debug("Simulator not asked about %s: %s", device.local_name, err)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the proxy, add the devices, and keep them advertising until Home Assistant stops."""
    conf: dict[str, Any] = config[DOMAIN]
    try:
        modules = await hass.async_add_executor_job(_import_simulator, conf["repository"])
    except (OSError, ImportError) as err:
        _LOGGER.error("Cannot load the Quectel simulator from %s: %s", conf["repository"], err)  # noqa: TRY400
        return False
    remote_cloud = modules["remote_cloud"]
    cloud: RemoteCloud = remote_cloud.RemoteCloud(async_get_clientsession(hass), conf["simulator_url"])
    proxy = modules["ble_scanner"].SimulatedBluetoothProxy()
    devices: list[SimulatedWifiDevice] = []
    for item in conf["devices"]:
        device: SimulatedWifiDevice = modules["ble_device"].SimulatedWifiDevice(
            item["product_key"],
            item["device_key"],
            cloud=cloud,
            networks=item["wifi_networks"],
            reply_delay=item["reply_delay"],
            join_delay=item["join_delay"],
        )
        try:
            await cloud.refresh(device.product_key, device.device_key)
        except KeyError:
            _LOGGER.error("The simulator at %s has no device %s / %s", conf["simulator_url"], *device_keys(device))  # noqa: TRY400
            continue
        except remote_cloud.RemoteCloudError as err:
            _LOGGER.warning("%s (the device advertises anyway)", err)
        devices.append(device)

    unregister = async_register_scanner(hass, proxy)
    unsetup = proxy.async_setup()
    for device in devices:
        proxy.add_device(device)
        _LOGGER.info(
            "Simulated factory-new device %s (%s / %s) is advertising", device.local_name, *device_keys(device)
        )

    async def _async_advertise(_now: datetime) -> None:
        for device in devices:
            await _async_refresh(cloud, device)
        proxy.advertise()

    cancel = async_track_time_interval(hass, _async_advertise, ADVERTISE_INTERVAL, name=f"{DOMAIN} advertisements")

    async def _async_stop(_event: Event) -> None:
        cancel()
        for device in devices:
            proxy.remove_device(device)
            await device.close()
        unsetup()
        unregister()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, _async_stop)
    return True


def device_keys(device: SimulatedWifiDevice) -> tuple[str, str]:
    """Its product key and device key."""
    return device.product_key, device.device_key
