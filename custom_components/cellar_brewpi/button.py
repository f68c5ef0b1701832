"""Reboot the controller."""

from __future__ import annotations

from homeassistant.components.button import ButtonDeviceClass, ButtonEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BrewPiConfigEntry, BrewPiCoordinator
from .entity import BrewPiEntity

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BrewPiConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the reboot button."""
    async_add_entities([RebootButton(entry.runtime_data)])


class RebootButton(BrewPiEntity, ButtonEntity):
    """Restart the controller (its settings are kept; it reconnects by itself)."""

    _attr_device_class = ButtonDeviceClass.RESTART
    _attr_entity_category = EntityCategory.CONFIG

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the reboot button."""
        super().__init__(coordinator, "reboot")

    async def async_press(self) -> None:
        """Send the reboot command."""
        await self._command(self.coordinator.client.async_reboot())
