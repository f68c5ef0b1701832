"""The panel's entities: the panel's own device, and each vessel's device under it."""

from __future__ import annotations

from typing import override

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect

from ..alpha_panel import Slot, SlotReading
from ..batches import Batch
from ..const import DOMAIN
from ..entity import ChangesOnly
from ..hub import SIGNAL_BATCHES, get_hub
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
    return (DOMAIN, f"{entry.unique_id}-slot-{number}")


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


class BatchEntity(VesselEntity):
    """A vessel's batch from the production Sheet, on the vessel's device."""

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the Sheet's batches as well as the panel."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, SIGNAL_BATCHES, self.async_write_ha_state)
        )

    @property
    def batch(self) -> Batch | None:
        """The first Sheet row whose Vessel is this vessel's label."""
        batches = get_hub(self.hass).batches
        return batches.get(self.slot.label.strip()) if batches else None

    @property
    @override
    def available(self) -> bool:
        """Available once the Sheet has been read (the last good data stays)."""
        return get_hub(self.hass).batches is not None

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Panel polls do not change the batch."""
