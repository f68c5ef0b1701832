"""The panel's link, and each vessel's glycol valve and problem sensors."""

from __future__ import annotations

from typing import override

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity

from ..alpha_panel import Slot
from ..entity import LinkSensor
from . import alarms
from .coordinator import PanelCoordinator
from .entity import PanelEntity, VesselEntity


def entities(coordinator: PanelCoordinator) -> list[BinarySensorEntity]:
    """The panel's link sensor, each vessel's valve and its alarms (`alarms`)."""
    return [
        PanelConnectivity(coordinator),
        *(GlycolValve(coordinator, s) for s in coordinator.slots),
        *alarms.entities(coordinator),
    ]


class PanelConnectivity(LinkSensor, PanelEntity):
    """On while the panel's pages read."""

    def __init__(self, coordinator: PanelCoordinator) -> None:
        """Create the panel's link sensor."""
        super().__init__(coordinator, "connectivity")

    @property
    def is_on(self) -> bool:
        """The last read succeeded."""
        return self.coordinator.last_update_success

    @override
    def shown(self) -> bool:
        """The link's state."""
        return self.is_on


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
