"""Entities of cloud devices: their base, and the one place that keeps every platform's entities in step with the list.

Every platform's ``async_setup_entry`` calls ``async_add_device_entities`` with its factory (``(coordinator, device) ->
list[Entity]``); new devices get their entities, and entities come and go by unique id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .coordinator import QuecDeviceCoordinator
from .devices import device_key_of, listed_device_info

if TYPE_CHECKING:
    from collections.abc import Callable

    from homeassistant.helpers.entity import Entity, EntityDescription
    from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

    from .api import Device
    from .data import QuecConfigEntry

# What a platform gives: the entities one listed device has on it (each with a unique id), built afresh on every call.
type EntityFactory = Callable[[QuecDeviceCoordinator, Device], list[Entity]]


class QuecDeviceEntity(CoordinatorEntity[QuecDeviceCoordinator]):
    """An entity of one device of the account's device list.

    The unique id is scoped by the account (``f"{entry.unique_id}_{pk}_{dk}_{key}"``): two accounts set up in Home
    Assistant may both list the same device (its owner and someone it is shared with), and each gets its own entities.
    """

    _attr_has_entity_name = True

    def __init__(self, coordinator: QuecDeviceCoordinator, device: Device, description: EntityDescription) -> None:
        """Attach to a listed device (found again under ``f"{pk}_{dk}"`` at every poll)."""
        super().__init__(coordinator)
        self.entity_description = description
        self._key = device_key_of(device.product_key, device.device_key)
        entry = coordinator.config_entry
        self._attr_unique_id = f"{entry.unique_id or entry.entry_id}_{self._key}_{description.key}"
        self._attr_device_info = listed_device_info(device)

    @property
    def cloud_device(self) -> Device | None:
        """The device as the last successful poll listed it (``None`` once it left the list)."""
        return self.coordinator.data.get(self._key)

    @property
    def available(self) -> bool:
        """Unavailable when the poll fails or the device left the list."""
        return super().available and self._key in self.coordinator.data


@callback
def async_add_device_entities(
    entry: QuecConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback, factory: EntityFactory
) -> None:
    """Give every listed device the platform's entities now and whenever the list changes, until the entry unloads.

    Entities are keyed by unique id: each is added once; one the factory no longer gives for a device still listed
    (e.g. its product's model changed) leaves the entity registry. A device that leaves the list loses its entities with
    its device registry entry (the coordinator removes it); if it comes back, it gets new ones.
    """
    coordinator = entry.runtime_data.coordinator
    registry = er.async_get(coordinator.hass)
    # Per listed device key: its entities on this platform by unique id.
    added: dict[str, dict[str | None, Entity]] = {}

    @callback
    def _sync() -> None:
        listed = coordinator.data
        for key in added.keys() - listed.keys():
            del added[key]
        new: list[Entity] = []
        for key in sorted(listed):
            known = added.setdefault(key, {})
            wanted = {entity.unique_id: entity for entity in factory(coordinator, listed[key])}
            for unique_id in known.keys() - wanted.keys():
                if (entity_id := known.pop(unique_id).entity_id) is not None:
                    registry.async_remove(entity_id)
            for unique_id in wanted.keys() - known.keys():
                known[unique_id] = wanted[unique_id]
                new.append(wanted[unique_id])
        if new:
            async_add_entities(new)

    _sync()
    entry.async_on_unload(coordinator.async_add_listener(_sync))
