"""The panel's entities: the panel's own device, and each vessel's device under it."""

from __future__ import annotations

from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.helpers.device_registry import DeviceInfo

from ..alpha_panel import Slot, SlotReading
from ..const import DOMAIN
from ..entity import ChangesOnly
from ..fermenters.book import fermenter_key
from .coordinator import PanelCoordinator


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
    return (DOMAIN, fermenter_key(entry.unique_id, number))


class PanelEntity(ChangesOnly[PanelCoordinator]):
    """An entity of the panel itself."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: PanelCoordinator, key: str) -> None:
        """Name the entity by its translation key, on the panel's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.unique_id}-{key}"
        self._attr_device_info = panel_device_info(entry)


def vessel_device_info(coordinator: PanelCoordinator, slot: Slot) -> DeviceInfo:
    """The device of the vessel in `slot`, under the panel."""
    return DeviceInfo(
        identifiers={vessel_identifier(coordinator.config_entry, slot.number)},
        name=slot.label,
        manufacturer="Alpha",
        model="Glycol-cooled vessel",
        via_device_id=coordinator.panel_device_id,
    )


class VesselEntity(ChangesOnly[PanelCoordinator]):
    """An entity of one vessel (a panel slot), on the vessel's own device under the panel."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: PanelCoordinator, slot: Slot, key: str) -> None:
        """Name the entity by its translation key, on the vessel's device."""
        super().__init__(coordinator)
        entry = coordinator.config_entry
        self.slot = slot
        self._attr_translation_key = key
        self._attr_unique_id = f"{entry.unique_id}-slot-{slot.number}-{key}"
        self._attr_device_info = vessel_device_info(coordinator, slot)

    @property
    def reading(self) -> SlotReading | None:
        """The slot's last reading."""
        return self.coordinator.data.slots.get(self.slot.number)

    @override
    def shown(self) -> object:
        """The slot's reading is all a vessel's entities show."""
        return self.reading
