"""Reboot a BrewPi controller."""

from __future__ import annotations

from typing import TYPE_CHECKING

from homeassistant.components.button import ButtonDeviceClass, ButtonEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import BrewPiCoordinator
from .entity import BrewPiEntity

if TYPE_CHECKING:
    from . import CellarConfigEntry

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: CellarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a controller's reboot button (a panel has none)."""
    if isinstance(coordinator := entry.runtime_data, BrewPiCoordinator):
        async_add_entities([RebootButton(coordinator)])


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
