"""Sensors of a BrewPi controller: temperatures, settings, control state and mode, LCD, firmware."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .alpha_panel import Slot, SlotReading
from .brewpi.models import ControlMode, ControlState
from .coordinator import BrewPiCoordinator, BrewPiData
from .entity import BrewPiEntity, VesselEntity
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
    hass: HomeAssistant,  # noqa: ARG001
    entry: CellarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a controller's sensors, or each panel vessel's temperature and setpoint."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, PanelCoordinator):
        async_add_entities(
            VesselSensor(coordinator, slot, description)
            for slot in coordinator.slots
            for description in VESSEL_SENSORS
        )
        return
    entities: list[SensorEntity] = [BrewPiSensor(coordinator, d) for d in SENSORS]
    entities.append(FirmwareVersionSensor(coordinator))
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
        if version is None:
            return None
        return (
            f"{version.version} ({version.firmware_revision})"
            if version.firmware_revision
            else version.version
        )


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
