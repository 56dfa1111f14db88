"""The connectivity sensor "Online" of every bound or shared device."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from homeassistant.components.binary_sensor import BinarySensorEntity, BinarySensorEntityDescription
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory

from .api import DeviceType
from .entity import QuecDeviceEntity, async_add_device_entities

if TYPE_CHECKING:
    from homeassistant.core import HomeAssistant
    from homeassistant.helpers.entity import Entity
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import Device
    from .coordinator import QuecDeviceCoordinator
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
    """An Online sensor for every listed device, and for every device that appears later."""
    async_add_device_entities(entry, async_add_entities, online_sensors)


def online_sensors(coordinator: QuecDeviceCoordinator, device: Device) -> list[Entity]:
    """The binary sensors of one device: its Online sensor."""
    return [QuecOnlineSensor(coordinator, device, ONLINE)]


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
        attributes: dict[str, Any] = {
            "ownership": "shared" if device.device_type is DeviceType.SHARED else "own",
            "binding_kind": BINDING_KINDS.get(device.binding_type or 0),
        }
        # Only a share that ends has an end: an own device, or a share with none, has no such attribute.
        if expires := device.sharing_expires_at:
            attributes["shared_until"] = datetime.fromtimestamp(expires / 1000, UTC).isoformat()
        return attributes
