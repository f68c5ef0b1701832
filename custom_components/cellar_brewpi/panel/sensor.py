"""A vessel's sensors: its temperature and setpoint, and its batch from the production Sheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import UnitOfTemperature, UnitOfTime
from homeassistant.util import dt as dt_util

from ..alpha_panel import Slot, SlotReading
from ..batches import Batch
from .coordinator import PanelCoordinator
from .entity import BatchEntity, VesselEntity


def entities(coordinator: PanelCoordinator) -> list[SensorEntity]:
    """Each vessel's temperature, setpoint and batch sensors."""
    return [
        *(
            VesselSensor(coordinator, slot, description)
            for slot in coordinator.slots
            for description in VESSEL_SENSORS
        ),
        *(
            BatchSensor(coordinator, slot, description)
            for slot in coordinator.slots
            for description in BATCH_SENSORS
        ),
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


@dataclass(frozen=True, kw_only=True)
class BatchSensorDescription(SensorEntityDescription):
    """A vessel's batch field."""

    value_fn: Callable[[Batch], str | int | None]


BATCH_SENSORS: tuple[BatchSensorDescription, ...] = (
    BatchSensorDescription(key="beer", translation_key="beer", value_fn=lambda b: b.beer),
    BatchSensorDescription(
        key="batch_number", translation_key="batch_number", value_fn=lambda b: b.batch_number
    ),
    BatchSensorDescription(
        key="days_in_vessel",
        translation_key="days_in_vessel",
        native_unit_of_measurement=UnitOfTime.DAYS,
        value_fn=lambda b: b.days_in_vessel(dt_util.now().date()),
    ),
)


class BatchSensor(BatchEntity, SensorEntity):
    """A vessel's batch, from the first Sheet row whose Vessel is the vessel's name."""

    entity_description: BatchSensorDescription

    def __init__(
        self, coordinator: PanelCoordinator, slot: Slot, description: BatchSensorDescription
    ) -> None:
        """Create the batch sensor described for the vessel in `slot`."""
        super().__init__(coordinator, slot, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> str | int | None:
        """The field; unknown when no Sheet row names this vessel."""
        return self.entity_description.value_fn(self.batch) if self.batch else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The batch's other columns, on the beer sensor."""
        if self.entity_description.key != "beer" or (batch := self.batch) is None:
            return None
        return {
            "og": batch.og,
            "fg": batch.fg,
            "actual_volume": batch.actual_volume,
            "batch_size": batch.batch_size,
            "date_brewed": batch.date_brewed.isoformat() if batch.date_brewed else None,
            "notes": batch.notes,
            "sheet_row": batch.row,
        }
