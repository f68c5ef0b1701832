"""Reboot a controller."""

from __future__ import annotations

from typing import override

from homeassistant.components.button import ButtonDeviceClass, ButtonEntity
from homeassistant.const import EntityCategory

from .coordinator import BrewPiCoordinator
from .entity import ControllerEntity


class RebootButton(ControllerEntity, ButtonEntity):
    """Restart the controller (its settings are kept; it reconnects by itself)."""

    _attr_device_class = ButtonDeviceClass.RESTART
    _attr_entity_category = EntityCategory.CONFIG

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the reboot button."""
        super().__init__(coordinator, "reboot")

    @override
    def shown(self) -> None:
        """Nothing but its availability."""

    async def async_press(self) -> None:
        """Send the reboot command."""
        await self._command(self.coordinator.client.async_reboot())
