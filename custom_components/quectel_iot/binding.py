"""One code path per binding kind (and for sharing), used by the actions, the options flow and Bluetooth discovery.

Each function calls the cloud once (binds are not idempotent: never retried here), turns a failure into a translated
``HomeAssistantError`` (starting reauth when the credentials no longer work) and puts a newly bound device into the
device registry under the account, so it appears at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr

from .api import (
    BindByDkRequest,
    BindOptions,
    BindResult,
    PureBleBindRequest,
    PureBleBindResult,
    QuecError,
    ShareRequest,
    ShareResult,
    WifiBindRequest,
    WifiBindResult,
)
from .const import DOMAIN, LOGGER, MANUFACTURER, OPT_CAPABILITIES, OPT_COMMON_DEVICE, OPT_FAMILY_ID, OPT_ROOM_ID
from .errors import is_credential_error, to_home_assistant_error

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from homeassistant.core import HomeAssistant

    from .data import QuecConfigEntry


def device_identifier(product_key: str, device_key: str) -> tuple[str, str]:
    """The device registry identifier of a cloud device."""
    return (DOMAIN, f"{product_key}_{device_key}")


def resolve_bind_options(
    entry: QuecConfigEntry,
    *,
    device_name: str | None = None,
    capabilities: int | None = None,
    family_id: str | None = None,
    room_id: str | None = None,
    common_device: bool | None = None,
) -> BindOptions:
    """What the caller gave, completed with the account's binding defaults from the options."""
    options = entry.options
    if family_id is None:
        family_id = options.get(OPT_FAMILY_ID)
        # The default room belongs to the default home only.
        if room_id is None:
            room_id = options.get(OPT_ROOM_ID)
    return BindOptions(
        device_name=device_name,
        capabilities=capabilities if capabilities is not None else options.get(OPT_CAPABILITIES),
        family_id=family_id or None,
        room_id=room_id or None,
        common_device=common_device if common_device is not None else options.get(OPT_COMMON_DEVICE),
    )


async def _call_cloud[T](hass: HomeAssistant, entry: QuecConfigEntry, call: Callable[[], Awaitable[T]]) -> T:
    try:
        return await call()
    except QuecError as err:
        if is_credential_error(err):
            LOGGER.warning("The cloud rejected the credentials of %s; asking to sign in again", entry.title)
            entry.async_start_reauth(hass)
        raise to_home_assistant_error(err) from err


def _register_device(
    hass: HomeAssistant,
    entry: QuecConfigEntry,
    product_key: str,
    device_key: str,
    *,
    device_name: str | None,
    product_name: str = "",
) -> None:
    if device_name:
        name = device_name
    elif product_name:
        name = f"{product_name} {device_key[-4:].upper()}"
    else:
        name = device_key
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={device_identifier(product_key, device_key)},
        manufacturer=MANUFACTURER,
        model=product_name or None,
        name=name,
    )


async def async_bind_by_dk(hass: HomeAssistant, entry: QuecConfigEntry, request: BindByDkRequest) -> BindResult:
    """Bind a pre-registered (e.g. cellular) device by its product and device keys."""
    client = entry.runtime_data.client
    result = await _call_cloud(hass, entry, lambda: client.bind_by_dk(request))
    _register_device(hass, entry, request.product_key, request.device_key, device_name=request.options.device_name)
    return result


async def async_bind_wifi(hass: HomeAssistant, entry: QuecConfigEntry, request: WifiBindRequest) -> WifiBindResult:
    """Bind a Wi-Fi device with the binding code it reported to the cloud."""
    client = entry.runtime_data.client
    result = await _call_cloud(hass, entry, lambda: client.bind_by_wifi(request))
    _register_device(
        hass,
        entry,
        request.product_key,
        request.device_key,
        device_name=request.options.device_name,
        product_name=result.product_name,
    )
    return result


async def async_bind_ble(hass: HomeAssistant, entry: QuecConfigEntry, request: PureBleBindRequest) -> PureBleBindResult:
    """Bind a Bluetooth-only device (binding secret encrypted with the product secret)."""
    client = entry.runtime_data.client
    result = await _call_cloud(hass, entry, lambda: client.bind_by_pure_ble(request))
    _register_device(hass, entry, request.product_key, request.device_key, device_name=request.options.device_name)
    return result


async def async_share_device(hass: HomeAssistant, entry: QuecConfigEntry, request: ShareRequest) -> ShareResult:
    """Invite one user to a device the account owns."""
    client = entry.runtime_data.client
    return await _call_cloud(hass, entry, lambda: client.share_device(request))
