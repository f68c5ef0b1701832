"""Reboot the controller."""

from __future__ import annotations

from homeassistant.components.button import ButtonDeviceClass, ButtonEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .brewpi.client import BrewPiError
from .const import DOMAIN
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
        try:
            await self.coordinator.client.async_reboot()
        except BrewPiError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_failed",
                translation_placeholders={
                    "name": self.coordinator.config_entry.title,
                    "error": str(err) or type(err).__name__,
                },
            ) from err
