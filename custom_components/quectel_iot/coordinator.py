"""The account's device list, polled from the cloud, and the device registry kept in step with it.

One coordinator per account polls ``userDeviceList`` (every page: own and shared devices) every ``scan_interval``
seconds of the options (default 300, never below 60: the cloud has a per-account quota). Every listed device is a
device in Home Assistant under its account; a device that leaves the list (unbound or unshared anywhere) leaves Home
Assistant at the next poll. A device the user removes by hand stays hidden for as long as the cloud keeps listing it
(the hidden set is kept in a Store, so a restart does not bring it back); once the cloud stops listing it, it is
forgotten, so binding it again later shows it again.

The account's actions that change the list (binds, unbind, accept, revoke and leave share) tell the coordinator directly
(``async_device_bound`` / ``async_request_refresh``); the refresh waits a moment so that a burst of changes costs one
poll. A device bound again after the user hid it shows again.

Setup errors have one place: ``_async_setup`` reads the account once, and whatever it raises, the first refresh turns
into "not ready" (retried later) or "authentication failed" (reauth).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .api import Device, QuecError
from .const import DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER, MIN_SCAN_INTERVAL, OPT_SCAN_INTERVAL
from .devices import device_key_of, register_device
from .errors import setup_error, update_error

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from homeassistant.config_entries import ConfigEntry
    from homeassistant.core import HomeAssistant

    from .api import QuecCloudClient, UserInfo

STORAGE_VERSION: Final = 1
# Seconds between an action and the refresh it asks for; actions within this window share one poll.
REFRESH_COOLDOWN: Final = 2.0


def scan_interval(options: Mapping[str, Any]) -> timedelta:
    """The poll interval of the options, never below the minimum (a bad value falls back to the default)."""
    try:
        seconds = int(options.get(OPT_SCAN_INTERVAL, DEFAULT_SCAN_INTERVAL))
    except TypeError, ValueError:
        seconds = DEFAULT_SCAN_INTERVAL
    return timedelta(seconds=max(MIN_SCAN_INTERVAL, seconds))


class HiddenDevices:
    """Identifiers of the devices the user removed from Home Assistant while the cloud still lists them."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the entry's store (nothing is read yet)."""
        self._store: Store[list[str]] = Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.hidden_devices")
        self.keys: set[str] = set()

    async def async_load(self) -> None:
        """Read the stored set."""
        stored = await self._store.async_load()
        self.keys = {str(key) for key in stored} if isinstance(stored, list) else set()

    async def async_update(self, *, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        """Change the set, writing it only when it changed."""
        keys = (self.keys | set(add)) - set(remove)
        if keys != self.keys:
            self.keys = keys
            await self._store.async_save(sorted(keys))

    async def async_remove(self) -> None:
        """Delete the store (the entry is being deleted)."""
        await self._store.async_remove()


class QuecDeviceCoordinator(DataUpdateCoordinator[dict[str, Device]]):
    """Polls the account's device list; ``data`` maps ``f"{pk}_{dk}"`` to the devices shown in Home Assistant."""

    # The entry's runtime data is the account that owns this coordinator; typed loosely here so that the account
    # module can import this one and not the other way round.
    config_entry: ConfigEntry

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry, client: QuecCloudClient) -> None:
        """Poll at the entry's interval; requested refreshes wait ``REFRESH_COOLDOWN`` and are merged."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} device list",
            update_interval=scan_interval(entry.options),
            request_refresh_debouncer=Debouncer(hass, LOGGER, cooldown=REFRESH_COOLDOWN, immediate=False),
            always_update=False,
        )
        self.client = client
        self.hidden = HiddenDevices(hass, entry.entry_id)
        self.user_info: UserInfo | None = None
        # Everything the cloud listed at the last successful poll, hidden devices included.
        self.cloud_devices: dict[str, Device] = {}

    async def _async_setup(self) -> None:
        """Once, before the first poll: the hidden devices, and the account (reusing stored tokens: no login)."""
        await self.hidden.async_load()
        try:
            self.user_info = await self.client.get_user_info()
        except QuecError as err:
            raise setup_error(err, self.client.base_url) from err

    async def _async_update_data(self) -> dict[str, Device]:
        """One request burst: every page of ``userDeviceList``; then the device registry follows the list."""
        try:
            devices = await self.client.get_devices()
        except QuecError as err:
            raise update_error(err) from err
        listed: dict[str, Device] = {}
        for device in devices:
            # A device both own and shared cannot happen (6040); if the cloud ever says so, the own entry wins.
            listed.setdefault(device_key_of(device.product_key, device.device_key), device)
        self.cloud_devices = listed
        await self.hidden.async_update(remove=self.hidden.keys - listed.keys())
        visible = {key: device for key, device in listed.items() if key not in self.hidden.keys}
        self._sync_device_registry(visible)
        return visible

    def _sync_device_registry(self, visible: dict[str, Device]) -> None:
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        for device in visible.values():
            register_device(
                registry,
                entry_id,
                device.product_key,
                device.device_key,
                device_name=device.device_name,
                product_name=device.product_name,
            )
        for entry_device in dr.async_entries_for_config_entry(registry, entry_id):
            keys = {value for domain, value in entry_device.identifiers if domain == DOMAIN}
            if keys.isdisjoint(visible):
                LOGGER.info("Removing %s: the account's cloud device list no longer has it", entry_device.name)
                registry.async_remove_device(entry_device.id)

    async def async_device_bound(self, key: str) -> None:
        """A bind (by any path) succeeded: show the device even if the user hid it before, and read the list soon."""
        await self.hidden.async_update(remove={key})
        await self.async_request_refresh()

    async def async_hide(self, keys: set[str]) -> None:
        """Hide devices removed by hand from Home Assistant (the cloud keeps them bound)."""
        await self.hidden.async_update(add=keys)
        if self.data is not None and not keys.isdisjoint(self.data):
            self.data = {key: device for key, device in self.data.items() if key not in keys}
            self.async_update_listeners()
