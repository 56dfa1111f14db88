"""Quectel devices Home Assistant's Bluetooth stack sees now, and what each can be offered.

Only a device that positively advertises itself bound is left out. Of the others, a Wi-Fi-capable one is offered the
Wi-Fi set-up (``provision_wifi``, see ``api.needs_wifi``), a Bluetooth-only one the pure-BLE binding form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.bluetooth import async_discovered_service_info

from .api import parse_advertisement
from .devices import is_in_registry

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant

    from .api import QuecAdvertisement


@dataclass(frozen=True, slots=True)
class NearbyDevice:
    """A device in range: its Bluetooth address, its local name and what it advertises (with both keys)."""

    address: str
    name: str | None
    advertisement: QuecAdvertisement

    @property
    def key(self) -> str:
        """``f"{pk}_{dk}"``, as the device registry and the forms name it."""
        assert self.advertisement.identity is not None
        return "_".join(self.advertisement.identity)

    @property
    def label(self) -> str:
        """How a form names the device."""
        return device_label(self.advertisement, self.name)


def device_label(advertisement: QuecAdvertisement, local_name: str | None) -> str:
    """How the forms name a discovered device."""
    product_key, device_key = advertisement.identity or ("?", "?")
    return f"{local_name or 'Quectel BLE'} ({product_key} / {device_key})"


def nearby_devices(hass: HomeAssistant, *, connectable: bool) -> list[NearbyDevice]:
    """Unbound Quectel devices with both keys that no account here has yet, sorted by key."""
    found: dict[str, NearbyDevice] = {}
    for info in async_discovered_service_info(hass, connectable=connectable):
        advertisement = parse_advertisement(info.manufacturer_data, info.name)
        if advertisement is None or advertisement.identity is None or advertisement.bound:
            continue
        if is_in_registry(hass, *advertisement.identity):
            continue
        device = NearbyDevice(info.address, info.name, advertisement)
        found.setdefault(device.key, device)
    return [found[key] for key in sorted(found)]


def find_nearby(hass: HomeAssistant, product_key: str, device_key: str) -> NearbyDevice | None:
    """The connectable device advertising these keys, if Home Assistant sees it now."""
    wanted = f"{product_key}_{device_key}".lower()
    return next((device for device in nearby_devices(hass, connectable=True) if device.key.lower() == wanted), None)
