"""The base of a controller's entities: on the controller's device, commands translated."""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.const import UnitOfTemperature
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceInfo

from ..brewpi import BrewPiError
from ..const import DOMAIN
from ..entity import ChangesOnly
from .coordinator import BrewPiCoordinator

UNITS = {"C": UnitOfTemperature.CELSIUS, "F": UnitOfTemperature.FAHRENHEIT}
"""The controller's `tempFormat` as Home Assistant's unit."""


def controller_device_info(coordinator: BrewPiCoordinator) -> DeviceInfo:
    """The controller's device."""
    entry = coordinator.config_entry
    version = coordinator.version
    return DeviceInfo(
        identifiers={(DOMAIN, str(entry.unique_id))},
        name=entry.title,
        manufacturer="BrewPi",
        model=version.model if version else "BrewPi",
        hw_version=version.board_name if version else None,
        sw_version=version.firmware_version if version else None,
    )


class ControllerEntity(ChangesOnly[BrewPiCoordinator]):
    """An entity of one controller, on that controller's device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: BrewPiCoordinator, key: str) -> None:
        """Name the entity by its translation key and tie it to the controller's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.unique_id}-{key}"
        self._attr_device_info = controller_device_info(coordinator)

    @property
    def unit(self) -> UnitOfTemperature:
        """The controller's own unit."""
        return UNITS[self.coordinator.data.constants.temp_format]

    async def _command[T](self, command: Awaitable[T]) -> T:
        """Await a command to the controller; a failure is a translated error to the caller."""
        try:
            return await command
        except BrewPiError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="write_failed",
                translation_placeholders={
                    "name": self.coordinator.config_entry.title,
                    "error": str(err) or type(err).__name__,
                },
            ) from err
