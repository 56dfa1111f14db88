"""The Quectel IoT integration: a Quectel / Acceleronix cloud account, and binding and sharing its devices."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from homeassistant.components.bluetooth import async_rediscover_address
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv

from .account import QuecAccount
from .const import CONF_TOKENS, DOMAIN
from .coordinator import HiddenDevices
from .login import build_client
from .nearby import nearby_devices
from .services import async_setup_services

if TYPE_CHECKING:
    from homeassistant.helpers.device_registry import DeviceEntry
    from homeassistant.helpers.typing import ConfigType

    from .api import TokenPair
    from .data import QuecConfigEntry

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)
PLATFORMS: Final = [Platform.BINARY_SENSOR]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions once, so automations validate even before an account is loaded."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: QuecConfigEntry) -> bool:
    """Connect the account (reusing its stored tokens: no login while they are valid), then list its devices."""

    @callback
    def _save_tokens(tokens: TokenPair) -> None:
        hass.config_entries.async_update_entry(entry, data={**entry.data, CONF_TOKENS: tokens.as_dict()})

    account = QuecAccount(hass, entry, build_client(hass, entry.data, on_tokens_updated=_save_tokens))
    # Setup errors (not ready, credentials rejected) come from the coordinator's setup step: one place for them.
    await account.coordinator.async_config_entry_first_refresh()
    entry.runtime_data = account
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)

    @callback
    def _offer_devices_in_range() -> None:
        # Discovery with no loaded account ends at once (account_required), and Home Assistant never matches the same
        # advertisement twice: offer the devices in range again once this account is loaded (a flow already open for
        # one, or a device ignored, aborts as usual).
        if entry.state is ConfigEntryState.LOADED:
            for device in nearby_devices(hass, connectable=False):
                async_rediscover_address(hass, device.address)

    entry.async_on_unload(entry.async_on_state_change(_offer_devices_in_range))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: QuecConfigEntry) -> bool:
    """Unload the platforms; the coordinator stops with the entry, the client holds no connection of its own."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: QuecConfigEntry) -> None:
    """Forget the account's hidden devices with the account."""
    await HiddenDevices(hass, entry.entry_id).async_remove()


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: QuecConfigEntry, device_entry: DeviceEntry
) -> bool:
    """Removing a device in Home Assistant only hides it there; the cloud binding stays.

    The device stays hidden for as long as the cloud lists it (across restarts); it shows again once it is bound again
    through an action, or after it left the cloud's list and came back. Unbinding in the cloud is the explicit
    ``unbind_device`` action.
    """
    keys = {value for domain, value in device_entry.identifiers if domain == DOMAIN}
    if entry.state is ConfigEntryState.LOADED:
        await entry.runtime_data.coordinator.async_hide(keys)
    else:
        hidden = HiddenDevices(hass, entry.entry_id)
        await hidden.async_load()
        await hidden.async_update(add=keys)
    return True
