"""Sensors: a controller's temperatures and state, a vessel's readings and batch, the queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfTemperature, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .alpha_panel import Slot, SlotReading
from .batches import Batch
from .brewpi.models import ControlMode, ControlState
from .cellar import CellarServices
from .const import CONF_CLOUDWATCH, CONF_INFLUXDB, DOMAIN
from .coordinator import BrewPiCoordinator, BrewPiData
from .entity import BatchEntity, BrewPiEntity, CellarEntity, VesselEntity
from .panel_coordinator import PanelCoordinator

if TYPE_CHECKING:
    from . import CellarConfigEntry

PARALLEL_UPDATES = 0

CONTROL_STATES = [state.name.lower() for state in ControlState]
CONTROL_MODES = {
    ControlMode.BEER_CONSTANT: "beer_constant",
    ControlMode.FRIDGE_CONSTANT: "fridge_constant",
    ControlMode.BEER_PROFILE: "beer_profile",
    ControlMode.OFF: "off",
    ControlMode.TEST: "test",
}
UNITS = {"C": UnitOfTemperature.CELSIUS, "F": UnitOfTemperature.FAHRENHEIT}


@dataclass(frozen=True, kw_only=True)
class BrewPiSensorDescription(SensorEntityDescription):
    """A sensor and how it reads the coordinator's data."""

    value_fn: Callable[[BrewPiData], str | float | None]
    temperature: bool = False


def _temperature(
    key: str, value_fn: Callable[[BrewPiData], float | None]
) -> BrewPiSensorDescription:
    return BrewPiSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=value_fn,
        temperature=True,
    )


def _lcd_line(index: int) -> BrewPiSensorDescription:
    def value(data: BrewPiData) -> str | None:
        lines = data.lcd.lines if data.lcd else ()
        return lines[index] if index < len(lines) else None

    return BrewPiSensorDescription(
        key=f"lcd_line_{index + 1}",
        translation_key=f"lcd_line_{index + 1}",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=value,
    )


def _state(data: BrewPiData) -> str | None:
    state = data.temperatures.state
    return None if state is None else state.name.lower()


SENSORS: tuple[BrewPiSensorDescription, ...] = (
    _temperature("beer_temperature", lambda data: data.temperatures.beer_temp),
    _temperature("fridge_temperature", lambda data: data.temperatures.fridge_temp),
    _temperature("room_temperature", lambda data: data.temperatures.room_temp),
    _temperature("beer_setting", lambda data: data.settings.beer_set),
    _temperature("fridge_setting", lambda data: data.settings.fridge_set),
    BrewPiSensorDescription(
        key="control_state",
        translation_key="control_state",
        device_class=SensorDeviceClass.ENUM,
        options=CONTROL_STATES,
        value_fn=_state,
    ),
    BrewPiSensorDescription(
        key="control_mode",
        translation_key="control_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(CONTROL_MODES.values()),
        value_fn=lambda data: CONTROL_MODES.get(data.settings.mode),
    ),
    *(_lcd_line(index) for index in range(4)),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CellarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a controller's sensors, or each panel vessel's temperature and setpoint."""
    runtime = entry.runtime_data
    entities: list[SensorEntity]
    if isinstance(runtime, CellarServices):
        entities = [
            CellarSensor(runtime, description)
            for description in CELLAR_SENSORS
            if description.part in runtime.entry.options
        ]
        # A removed part's sensors go with it, rather than stay behind unavailable.
        registry = er.async_get(hass)
        for description in CELLAR_SENSORS:
            if description.part not in runtime.entry.options and (
                entity_id := registry.async_get_entity_id(
                    "sensor", DOMAIN, f"{entry.entry_id}-{description.key}"
                )
            ):
                registry.async_remove(entity_id)
    elif isinstance(runtime, PanelCoordinator):
        entities = [
            VesselSensor(runtime, slot, description)
            for slot in runtime.slots
            for description in VESSEL_SENSORS
        ]
        entities.extend(
            BatchSensor(runtime, slot, description)
            for slot in runtime.slots
            for description in BATCH_SENSORS
        )
    else:
        entities = [BrewPiSensor(runtime, d) for d in SENSORS]
        entities.append(FirmwareVersionSensor(runtime))
    async_add_entities(entities)


class BrewPiSensor(BrewPiEntity, SensorEntity):
    """A value from the controller's last replies."""

    entity_description: BrewPiSensorDescription

    def __init__(
        self, coordinator: BrewPiCoordinator, description: BrewPiSensorDescription
    ) -> None:
        """Create the sensor described."""
        super().__init__(coordinator, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> str | float | None:
        """The value, read from the coordinator's data."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def native_unit_of_measurement(self) -> str | None:
        """Temperatures are in the controller's own unit."""
        if not self.entity_description.temperature:
            return None
        return UNITS.get(self.coordinator.data.constants.temp_format, UnitOfTemperature.CELSIUS)


class FirmwareVersionSensor(BrewPiEntity, SensorEntity):
    """The firmware's version, from the handshake."""

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the firmware version sensor."""
        super().__init__(coordinator, "firmware_version")

    @property
    def native_value(self) -> str | None:
        """E.g. "0.2.4 (0.15)"."""
        version = self.coordinator.version
        return version.firmware_version if version else None


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


@dataclass(frozen=True, kw_only=True)
class CellarSensorDescription(SensorEntityDescription):
    """A cellar services figure and the part it belongs to."""

    part: str
    value_fn: Callable[[CellarServices], float | int | datetime | None]


def _oldest_age(services: CellarServices) -> float | None:
    stats = services.queue_stats
    if stats is None or stats.oldest_time_ns is None:
        return None
    return round(max(0.0, dt_util.utcnow().timestamp() - stats.oldest_time_ns / 1e9))


CELLAR_SENSORS: tuple[CellarSensorDescription, ...] = (
    CellarSensorDescription(
        key="queued_points",
        translation_key="queued_points",
        part=CONF_INFLUXDB,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.queue_stats.queued if s.queue_stats else None,
    ),
    CellarSensorDescription(
        key="oldest_queued_age",
        translation_key="oldest_queued_age",
        part=CONF_INFLUXDB,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_oldest_age,
    ),
    CellarSensorDescription(
        key="last_write",
        translation_key="last_write",
        part=CONF_INFLUXDB,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.drainer.last_success if s.drainer else None,
    ),
    CellarSensorDescription(
        key="dropped_points",
        translation_key="dropped_points",
        part=CONF_INFLUXDB,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.queue_stats.dropped if s.queue_stats else None,
    ),
    CellarSensorDescription(
        key="rejected_points",
        translation_key="rejected_points",
        part=CONF_INFLUXDB,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.queue_stats.dead_letters if s.queue_stats else None,
    ),
    CellarSensorDescription(
        key="last_heartbeat",
        translation_key="last_heartbeat",
        part=CONF_CLOUDWATCH,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.last_heartbeat,
    ),
)


class CellarSensor(CellarEntity, SensorEntity):
    """A figure of the recording queue or the heartbeat."""

    entity_description: CellarSensorDescription

    def __init__(self, services: CellarServices, description: CellarSensorDescription) -> None:
        """Create the sensor described."""
        super().__init__(services, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | int | datetime | None:
        """The figure."""
        return self.entity_description.value_fn(self.services)
