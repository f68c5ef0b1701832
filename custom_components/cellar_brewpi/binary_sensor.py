"""Whether the link to the controller is up."""

from __future__ import annotations

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BrewPiConfigEntry, BrewPiCoordinator
from .entity import BrewPiEntity

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BrewPiConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the connectivity sensor."""
    async_add_entities([ControllerConnectivity(entry.runtime_data)])


class ControllerConnectivity(BrewPiEntity, BinarySensorEntity):
    """On while the controller answers; stays available when the link is down."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the connectivity sensor."""
        super().__init__(coordinator, "connectivity")

    @property
    def available(self) -> bool:
        """Always available: it reports the link state itself."""
        return True

    @property
    def is_on(self) -> bool:
        """Connected, and the last poll succeeded."""
        return self.coordinator.client.connected and self.coordinator.last_update_success
