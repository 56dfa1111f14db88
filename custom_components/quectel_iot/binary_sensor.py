"""The connectivity sensor "Online" of every bound or shared device."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback

from .api import DeviceType
from .entity import QuecDeviceEntity

if TYPE_CHECKING:
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .data import QuecConfigEntry

# The coordinator fetches for every entity at once.
PARALLEL_UPDATES = 0

ONLINE: Final = BinarySensorEntityDescription(
    key="online",
    translation_key="online",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)
# bindingType of the device list: how the device was bound.
BINDING_KINDS: Final = {1: "serial_number", 2: "wifi", 3: "device_key", 4: "bluetooth"}


async def async_setup_entry(
    hass: HomeAssistant, entry: QuecConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add an Online sensor for every listed device, and for every device that appears later."""
    coordinator = entry.runtime_data.coordinator
    known: set[str] = set()

    @callback
    def _add_new_devices() -> None:
        listed = set(coordinator.data)
        # A device that left the list lost its entity with its registry entry; if it comes back, it gets a new one.
        known.intersection_update(listed)
        if new := listed - known:
            known.update(new)
            async_add_entities(QuecOnlineSensor(coordinator, key, ONLINE) for key in sorted(new))

    _add_new_devices()
    entry.async_on_unload(coordinator.async_add_listener(_add_new_devices))


class QuecOnlineSensor(QuecDeviceEntity, BinarySensorEntity):
    """Whether the cloud sees the device connected (``onlineStatus``), with how the account holds it."""

    @property
    def is_on(self) -> bool | None:
        """Online according to the last poll."""
        device = self.cloud_device
        return device.online if device is not None else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Own or shared, how it was bound, and when a share ends (no secret: no keys or codes)."""
        device = self.cloud_device
        if device is None:
            return None
        expires = device.sharing_expires_at
        return {
            "ownership": "shared" if device.device_type is DeviceType.SHARED else "own",
            "binding_kind": BINDING_KINDS.get(device.binding_type or 0),
            "shared_until": datetime.fromtimestamp(expires / 1000, UTC).isoformat() if expires else None,
        }
