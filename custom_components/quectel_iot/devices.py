"""How a cloud device appears in Home Assistant: its registry identifier, its name and its device info.

One rule for both ways a device enters the registry: a bind (at once) and the device-list poll (afterwards).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .const import DOMAIN, MANUFACTURER

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .api import Device


def device_key_of(product_key: str, device_key: str) -> str:
    """The key of a device in the coordinator's data and in its registry identifier."""
    return f"{product_key}_{device_key}"


def device_identifier(product_key: str, device_key: str) -> tuple[str, str]:
    """The device registry identifier of a cloud device."""
    return (DOMAIN, device_key_of(product_key, device_key))


def display_name(device_key: str, device_name: str | None = None, product_name: str | None = None) -> str:
    """The name the user or the cloud gave, else the product's name and the key's end, else the device key."""
    if device_name:
        return device_name
    if product_name:
        return f"{product_name} {device_key[-4:].upper()}"
    return device_key


def device_info(
    product_key: str, device_key: str, *, device_name: str | None = None, product_name: str | None = None
) -> DeviceInfo:
    """The device registry entry of a cloud device."""
    return DeviceInfo(
        identifiers={device_identifier(product_key, device_key)},
        manufacturer=MANUFACTURER,
        model=product_name or None,
        model_id=product_key,
        name=display_name(device_key, device_name, product_name),
    )


def listed_device_info(device: Device) -> DeviceInfo:
    """The device registry entry of a device the cloud lists."""
    return device_info(
        device.product_key, device.device_key, device_name=device.device_name, product_name=device.product_name
    )


def register_device(
    registry: dr.DeviceRegistry,
    entry_id: str,
    product_key: str,
    device_key: str,
    *,
    device_name: str | None = None,
    product_name: str | None = None,
) -> dr.DeviceEntry:
    """Put a cloud device in the registry under its account.

    Keyword arguments, not ``**DeviceInfo``: its dict form is on its way out from Home Assistant 2026.11 on, and
    ``async_get_or_create_from_info`` does not exist in 2026.10.
    """
    return registry.async_get_or_create(
        config_entry_id=entry_id,
        identifiers={device_identifier(product_key, device_key)},
        manufacturer=MANUFACTURER,
        model=product_name or None,
        model_id=product_key,
        name=display_name(device_key, device_name, product_name),
    )


def is_in_registry(hass: HomeAssistant, product_key: str, device_key: str) -> bool:
    """Whether any account already has this device in Home Assistant."""
    registry = dr.async_get(hass)
    identifier = device_identifier(product_key, device_key)
    return any(
        registry.async_get_device_by_identifier(identifier, entry.entry_id) is not None
        for entry in hass.config_entries.async_entries(DOMAIN, include_ignore=False)
    )
