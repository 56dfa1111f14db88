"""The account's device list, polled from the cloud, and the device registry kept in step with it.

One coordinator per account polls ``userDeviceList`` (every page: own and shared devices) every ``scan_interval``
seconds of the options (default 300, never below 60: the cloud has a per-account quota). Every listed device is a
device in Home Assistant under its account; a device that leaves the list (unbound or unshared anywhere) leaves Home
Assistant at the next poll. A device the user removes by hand stays hidden for as long as the cloud keeps listing it
(the hidden set is kept in a Store, so a restart does not bring it back); once the cloud stops listing it, it is
forgotten, so binding it again later shows it again.

The actions that change the list (unbind, accept and revoke share) ask for a refresh afterwards, and so does a bind
(any of them: an action, Bluetooth discovery, the options), seen as a device it puts in the registry; the refresh waits
a moment so that a burst of changes costs one poll. A device bound again after the user hid it shows again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import Event, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.storage import Store
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import Device, QuecError, QuecRateLimitError
from .binding import device_identifier
from .const import DEFAULT_SCAN_INTERVAL, DOMAIN, LOGGER, MANUFACTURER, MIN_SCAN_INTERVAL, OPT_SCAN_INTERVAL
from .errors import is_credential_error, to_home_assistant_error

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable, Mapping

    from homeassistant.core import HomeAssistant

    from .api import QuecCloudClient
    from .api.models import DeviceShare, UnbindRequest, UnbindResult
    from .data import QuecConfigEntry

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


def device_name(device: Device) -> str:
    """The name the cloud gives the device, else the product's name and the key's end, else the device key."""
    if device.device_name:
        return device.device_name
    if device.product_name:
        return f"{device.product_name} {device.device_key[-4:].upper()}"
    return device.device_key


def device_info(device: Device) -> DeviceInfo:
    """The device registry entry of a listed device (the identifier binding.py uses too)."""
    return DeviceInfo(
        identifiers={device_identifier(device.product_key, device.device_key)},
        manufacturer=MANUFACTURER,
        model=device.product_name or None,
        model_id=device.product_key,
        name=device_name(device),
    )


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

    config_entry: QuecConfigEntry

    def __init__(self, hass: HomeAssistant, entry: QuecConfigEntry, client: QuecCloudClient) -> None:
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
        # Everything the cloud listed at the last successful poll, hidden devices included.
        self.cloud_devices: dict[str, Device] = {}

    async def _async_setup(self) -> None:
        """Read the hidden devices once, before the first poll; watch for devices a bind puts in the registry."""
        await self.hidden.async_load()
        self.config_entry.async_on_unload(
            self.hass.bus.async_listen(
                dr.EVENT_DEVICE_REGISTRY_UPDATED, self._async_device_created, event_filter=_is_creation
            )
        )

    async def _async_device_created(self, event: Event[dr.EventDeviceRegistryUpdatedData]) -> None:
        """A bind (an action, Bluetooth discovery, the options) registered a device the list does not show yet."""
        device = dr.async_get(self.hass).async_get(event.data["device_id"])
        if device is None or device.config_entry_id != self.config_entry.entry_id:
            return
        keys = {value for domain, value in device.identifiers if domain == DOMAIN}
        # The poll's own registry entries are of listed, shown devices: nothing to do for them.
        if keys and (keys.isdisjoint(self.cloud_devices) or not keys.isdisjoint(self.hidden.keys)):
            await self.hidden.async_update(remove=keys)
            await self.async_request_refresh()

    async def _async_update_data(self) -> dict[str, Device]:
        """One request burst: every page of ``userDeviceList``; then the device registry follows the list."""
        try:
            devices = await self.client.get_devices()
        except QuecError as err:
            raise _update_error(err) from err
        listed: dict[str, Device] = {}
        for device in devices:
            # A device both own and shared cannot happen (6040); if the cloud ever says so, the own entry wins.
            listed.setdefault(device_identifier(device.product_key, device.device_key)[1], device)
        self.cloud_devices = listed
        await self.hidden.async_update(remove=self.hidden.keys - listed.keys())
        visible = {key: device for key, device in listed.items() if key not in self.hidden.keys}
        self._sync_device_registry(visible)
        return visible

    def _sync_device_registry(self, visible: dict[str, Device]) -> None:
        registry = dr.async_get(self.hass)
        entry_id = self.config_entry.entry_id
        for device in visible.values():
            registry.async_get_or_create(config_entry_id=entry_id, **device_info(device))
        for entry_device in dr.async_entries_for_config_entry(registry, entry_id):
            keys = {value for domain, value in entry_device.identifiers if domain == DOMAIN}
            if keys.isdisjoint(visible):
                LOGGER.info("Removing %s: the account's cloud device list no longer has it", entry_device.name)
                registry.async_remove_device(entry_device.id)

    @property
    def title(self) -> str:
        """The account, for logs."""
        return self.config_entry.title

    # --- changes made by the user -----------------------------------------------------------------------------------

    async def async_hide(self, keys: set[str]) -> None:
        """Hide devices removed by hand from Home Assistant (the cloud keeps them bound)."""
        await self.hidden.async_update(add=keys)
        if self.data is not None and not keys.isdisjoint(self.data):
            self.data = {key: device for key, device in self.data.items() if key not in keys}
            self.async_update_listeners()

    async def async_unbind(self, request: UnbindRequest) -> UnbindResult:
        """Unbind a device in the cloud (never retried); it leaves Home Assistant with the refresh that follows."""
        result = await self._call_cloud(lambda: self.client.unbind_device(request))
        await self.async_request_refresh()
        return result

    async def async_accept_share(self, share_code: str, device_name: str | None) -> None:
        """Accept a share; the device joins Home Assistant with the refresh that follows."""
        await self._call_cloud(lambda: self.client.accept_share(share_code, device_name))
        await self.async_request_refresh()

    async def async_revoke_share(self, share_code: str) -> None:
        """End a share this account made (the recipient loses the device)."""
        await self._call_cloud(lambda: self.client.revoke_share(share_code))
        await self.async_request_refresh()

    async def async_list_shares(self, product_key: str, device_key: str) -> list[DeviceShare]:
        """The shares of a device this account owns."""
        return await self._call_cloud(lambda: self.client.get_device_shares(product_key, device_key))

    async def _call_cloud[T](self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except QuecError as err:
            if is_credential_error(err):
                LOGGER.warning("The cloud rejected the credentials of %s; asking to sign in again", self.title)
                self.config_entry.async_start_reauth(self.hass)
            raise to_home_assistant_error(err) from err


@callback
def _is_creation(event_data: dr.EventDeviceRegistryUpdatedData) -> bool:
    return event_data["action"] == "create"


def _update_error(err: QuecError) -> HomeAssistantError:
    """A failed poll: reauth for rejected credentials, else a translated UpdateFailed (waiting out lockouts)."""
    if is_credential_error(err):
        return ConfigEntryAuthFailed(translation_domain=DOMAIN, translation_key="auth_failed")
    translated = to_home_assistant_error(err)
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key=translated.translation_key,
        translation_placeholders=translated.translation_placeholders,
        retry_after=err.retry_after if isinstance(err, QuecRateLimitError) else None,
    )
