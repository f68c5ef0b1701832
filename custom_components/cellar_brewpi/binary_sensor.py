"""Links to controllers and panels, the vessels' glycol valves, and the master alarm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .alpha_panel import Slot
from .cellar import CellarServices
from .coordinator import BrewPiCoordinator
from .entity import BrewPiEntity, CellarEntity, PanelEntity, VesselEntity
from .panel_coordinator import PanelCoordinator

if TYPE_CHECKING:
    from . import CellarConfigEntry

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: CellarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the link sensor of a controller or panel, and each panel vessel's valve."""
    runtime = entry.runtime_data
    if isinstance(runtime, CellarServices):
        async_add_entities([MasterAlarm(runtime)])
    elif isinstance(runtime, PanelCoordinator):
        entities: list[BinarySensorEntity] = [PanelConnectivity(runtime)]
        entities.extend(GlycolValve(runtime, slot) for slot in runtime.slots)
        async_add_entities(entities)
    else:
        async_add_entities([ControllerConnectivity(runtime)])


class LinkSensor(BinarySensorEntity):
    """A device's link: stays available when the link is down, since that is what it reports."""

    _attr_device_class = BinarySensorDeviceClass.CONNECTIVITY
    _attr_entity_category = EntityCategory.DIAGNOSTIC

    @property
    def available(self) -> bool:
        """Always available."""
        return True


class ControllerConnectivity(LinkSensor, BrewPiEntity):
    """On while the controller is connected and answers."""

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the controller's link sensor."""
        super().__init__(coordinator, "connectivity")

    @property
    def is_on(self) -> bool:
        """Connected, and the last poll succeeded."""
        return self.coordinator.client.connected and self.coordinator.last_update_success


class PanelConnectivity(LinkSensor, PanelEntity):
    """On while the panel's pages read."""

    def __init__(self, coordinator: PanelCoordinator) -> None:
        """Create the panel's link sensor."""
        super().__init__(coordinator, "connectivity")

    @property
    def is_on(self) -> bool:
        """The last read succeeded."""
        return self.coordinator.last_update_success


class GlycolValve(VesselEntity, BinarySensorEntity):
    """The vessel's glycol valve: on while open (cooling)."""

    _attr_device_class = BinarySensorDeviceClass.OPENING

    def __init__(self, coordinator: PanelCoordinator, slot: Slot) -> None:
        """Create the valve sensor of the vessel in `slot`."""
        super().__init__(coordinator, slot, "glycol_valve")

    @property
    def is_on(self) -> bool | None:
        """Open, closed, or unknown when the panel shows neither."""
        return self.reading.valve_open if self.reading else None


class MasterAlarm(CellarEntity, BinarySensorEntity):
    """On when any controller or panel has read no fresh data for the alarm's minutes."""

    _attr_device_class = BinarySensorDeviceClass.PROBLEM

    def __init__(self, services: CellarServices) -> None:
        """Create the cellar's master alarm."""
        super().__init__(services, "master_alarm")

    @property
    def is_on(self) -> bool:
        """A device silent for too long (power cut, network down, a controller or panel dead)."""
        return self.services.alarm_on

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Which devices are silent, when the last fresh reading arrived, the alarm's minutes."""
        last = self.services.last_fresh_reading
        return {
            "silent": self.services.silent_sources,
            "last_fresh_reading": last.isoformat() if last else None,
            "minutes": self.services.alarm_minutes,
        }
