"""Base entities of controllers, panels and their vessels, and the cellar services."""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .alpha_panel import Slot, SlotReading
from .batches import Batch
from .brewpi.client import BrewPiError
from .cellar import CellarServices
from .const import DOMAIN
from .coordinator import BrewPiCoordinator
from .hub import get_hub
from .panel_coordinator import PanelCoordinator


class BrewPiEntity(CoordinatorEntity[BrewPiCoordinator]):
    """An entity of one controller, on that controller's device."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: BrewPiCoordinator, key: str) -> None:
        """Name the entity by its translation key and tie it to the controller's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.unique_id}-{key}"
        version = coordinator.version
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, str(entry.unique_id))},
            name=entry.title,
            manufacturer="BrewPi",
            model=version.model if version else "BrewPi",
            hw_version=version.board_name if version else None,
            sw_version=version.firmware_version if version else None,
        )

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


def panel_device_info(entry: ConfigEntry) -> DeviceInfo:
    """The panel's own device, the hub of its vessels."""
    return DeviceInfo(
        identifiers={(DOMAIN, str(entry.unique_id))},
        name=entry.title,
        manufacturer="Alpha",
        model="Glycol cellar panel",
    )


def vessel_identifier(entry: ConfigEntry, number: int) -> tuple[str, str]:
    """The device identifier of the vessel in slot `number`."""
    return (DOMAIN, f"{entry.unique_id}-slot-{number}")


class PanelEntity(CoordinatorEntity[PanelCoordinator]):
    """An entity of the panel itself."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: PanelCoordinator, key: str) -> None:
        """Name the entity by its translation key, on the panel's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.unique_id}-{key}"
        self._attr_device_info = panel_device_info(entry)


class VesselEntity(CoordinatorEntity[PanelCoordinator]):
    """An entity of one vessel (a panel slot), on the vessel's own device under the panel."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: PanelCoordinator, slot: Slot, key: str) -> None:
        """Name the entity by its translation key, on the vessel's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.slot = slot
        self._shown: tuple[SlotReading | None, bool] | None = None
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.unique_id}-slot-{slot.number}-{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={vessel_identifier(entry, slot.number)},
            name=slot.label,
            manufacturer="Alpha",
            model="Glycol-cooled vessel",
            via_device_id=coordinator.panel_device_id,
        )

    @property
    def reading(self) -> SlotReading | None:
        """The slot's last reading."""
        return self.coordinator.data.slots.get(self.slot.number)

    @callback
    def _handle_coordinator_update(self) -> None:
        """
        Write the state only when this slot's reading or the panel's availability changed.

        A poll of a large panel otherwise rewrites every vessel's unchanged state.
        """
        shown = (self.reading, self.coordinator.last_update_success)
        if shown != self._shown:
            self._shown = shown
            super()._handle_coordinator_update()


class CellarEntity(Entity):
    """An entity of the cellar services, on the cellar's own device."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, services: CellarServices, key: str) -> None:
        """Name the entity by its translation key, on the cellar's device."""
        self.services = services
        entry = services.entry
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.entry_id}-{key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer="Cellar BrewPi",
            model="Cellar services",
            entry_type=DeviceEntryType.SERVICE,
        )

    async def async_added_to_hass(self) -> None:
        """Follow the services' changes."""
        await super().async_added_to_hass()
        self.async_on_remove(self.services.async_add_listener(self.async_write_ha_state))


class BatchEntity(VesselEntity):
    """A vessel's batch from the production Sheet, on the vessel's device."""

    async def async_added_to_hass(self) -> None:
        """Follow the Sheet's batches as well as the panel."""
        await super().async_added_to_hass()
        hub = get_hub(self.hass)
        self.async_on_remove(hub.async_listen_batches(self.async_write_ha_state))

    @property
    def batch(self) -> Batch | None:
        """The first Sheet row whose Vessel is this vessel's label."""
        batches = get_hub(self.hass).batches
        return batches.get(self.slot.label.strip()) if batches else None

    @property
    def available(self) -> bool:
        """Available once the Sheet has been read (the last good data stays)."""
        return get_hub(self.hass).batches is not None

    @callback
    def _handle_coordinator_update(self) -> None:
        """Panel polls do not change the batch."""
