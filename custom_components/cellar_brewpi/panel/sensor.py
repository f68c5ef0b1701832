"""A vessel's sensors: its temperature and setpoint (its batch sensors are `fermenters`')."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTemperature

from ..alpha_panel import Slot, SlotReading
from .coordinator import PanelCoordinator
from .entity import VesselEntity


def entities(coordinator: PanelCoordinator) -> list[SensorEntity]:
    """Each vessel's temperature and setpoint sensors."""
    return [
        VesselSensor(coordinator, slot, description)
        for slot in coordinator.slots
        for description in VESSEL_SENSORS
    ]


@dataclass(frozen=True, kw_only=True)
class VesselSensorDescription(SensorEntityDescription):
    """A vessel's sensor and how it reads the slot."""

    value_fn: Callable[[SlotReading], float | None]


VESSEL_SENSORS: tuple[VesselSensorDescription, ...] = tuple(
    VesselSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfTemperature.FAHRENHEIT,
        suggested_display_precision=1,
        value_fn=value_fn,
    )
    for key, value_fn in (
        ("vessel_temperature", lambda reading: reading.temperature),
        ("vessel_set_point", lambda reading: reading.set_point),
    )
)


class VesselSensor(VesselEntity, SensorEntity):
    """A vessel's temperature or setpoint, in °F as the panel reports it."""

    entity_description: VesselSensorDescription

    def __init__(
        self, coordinator: PanelCoordinator, slot: Slot, description: VesselSensorDescription
    ) -> None:
        """Create the sensor described for the vessel in `slot`."""
        super().__init__(coordinator, slot, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | None:
        """The value; unknown when the panel shows none for the slot."""
        return self.entity_description.value_fn(self.reading) if self.reading else None
