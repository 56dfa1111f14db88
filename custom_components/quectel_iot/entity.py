"""The base of the entities of a cloud device: one device per bound or shared device, fed by the coordinator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import QuecDeviceCoordinator
from .devices import listed_device_info

if TYPE_CHECKING:
    from homeassistant.helpers.entity import EntityDescription

    from .api import Device


class QuecDeviceEntity(CoordinatorEntity[QuecDeviceCoordinator]):
    """An entity of one device of the account's device list.

    The unique id is scoped by the account (``f"{entry.unique_id}_{pk}_{dk}_{key}"``): two accounts set up in Home
    Assistant may both list the same device (its owner and someone it is shared with), and each gets its own entities.
    """

    _attr_has_entity_name = True

    def __init__(self, coordinator: QuecDeviceCoordinator, key: str, description: EntityDescription) -> None:
        """Attach to the device listed under ``key`` (``f"{pk}_{dk}"``)."""
        super().__init__(coordinator)
        self.entity_description = description
        self._key = key
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.unique_id or entry.entry_id}_{key}_{description.key}"
        self._attr_device_info = listed_device_info(coordinator.data[key])

    @property
    def cloud_device(self) -> Device | None:
        """The device as the last successful poll listed it (``None`` once it left the list)."""
        return self.coordinator.data.get(self._key)

    @property
    def available(self) -> bool:
        """Unavailable when the poll fails or the device left the list."""
        return super().available and self._key in self.coordinator.data
