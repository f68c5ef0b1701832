"""A controller's sensors: its temperatures and settings, its state and mode, display, firmware."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory

from ..brewpi import ControlMode, ControlState
from .coordinator import BrewPiCoordinator, BrewPiData
from .entity import ControllerEntity

CONTROL_STATES = [state.name.lower() for state in ControlState]
CONTROL_MODES = {
    ControlMode.BEER_CONSTANT: "beer_constant",
    ControlMode.FRIDGE_CONSTANT: "fridge_constant",
    ControlMode.BEER_PROFILE: "beer_profile",
    ControlMode.OFF: "off",
    ControlMode.TEST: "test",
}


@dataclass(frozen=True, kw_only=True)
class ControllerSensorDescription(SensorEntityDescription):
    """A sensor and how it reads the coordinator's data."""

    value_fn: Callable[[BrewPiData], str | float | None]
    temperature: bool = False


def _temperature(
    key: str, value_fn: Callable[[BrewPiData], float | None]
) -> ControllerSensorDescription:
    return ControllerSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TEMPERATURE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=value_fn,
        temperature=True,
    )


def _state(data: BrewPiData) -> str | None:
    state = data.temperatures.state
    return None if state is None else state.name.lower()


SENSORS: tuple[ControllerSensorDescription, ...] = (
    _temperature("beer_temperature", lambda data: data.temperatures.beer_temp),
    _temperature("fridge_temperature", lambda data: data.temperatures.fridge_temp),
    _temperature("room_temperature", lambda data: data.temperatures.room_temp),
    _temperature("beer_setting", lambda data: data.settings.beer_set),
    _temperature("fridge_setting", lambda data: data.settings.fridge_set),
    ControllerSensorDescription(
        key="control_state",
        translation_key="control_state",
        device_class=SensorDeviceClass.ENUM,
        options=CONTROL_STATES,
        value_fn=_state,
    ),
    ControllerSensorDescription(
        key="control_mode",
        translation_key="control_mode",
        device_class=SensorDeviceClass.ENUM,
        options=list(CONTROL_MODES.values()),
        value_fn=lambda data: CONTROL_MODES.get(data.settings.mode),
    ),
)
DISPLAY_LINES = 4


def entities(coordinator: BrewPiCoordinator) -> list[SensorEntity]:
    """The controller's sensors."""
    return [
        *(ControllerSensor(coordinator, description) for description in SENSORS),
        *(DisplayLine(coordinator, index) for index in range(DISPLAY_LINES)),
        FirmwareVersionSensor(coordinator),
    ]


class ControllerSensor(ControllerEntity, SensorEntity):
    """A value from the controller's last replies."""

    entity_description: ControllerSensorDescription

    def __init__(
        self, coordinator: BrewPiCoordinator, description: ControllerSensorDescription
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
        return self.unit if self.entity_description.temperature else None

    @override
    def shown(self) -> tuple[str | float | None, str | None]:
        return self.native_value, self.native_unit_of_measurement


class DisplayLine(ControllerEntity, SensorEntity):
    """
    A line of the controller's display (diagnostic, disabled by default).

    The display is read only while one of its lines is enabled.
    """

    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_entity_registry_enabled_default = False

    def __init__(self, coordinator: BrewPiCoordinator, index: int) -> None:
        """Create the sensor of line `index` (0-based)."""
        super().__init__(coordinator, f"lcd_line_{index + 1}")
        self._index = index

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.async_want_display())

    @property
    def native_value(self) -> str | None:
        """The line's text, or unknown until the display answered."""
        lcd = self.coordinator.data.lcd
        return lcd.lines[self._index] if lcd and self._index < len(lcd.lines) else None

    @override
    def shown(self) -> str | None:
        return self.native_value


class FirmwareVersionSensor(ControllerEntity, SensorEntity):
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

    @override
    def shown(self) -> str | None:
        return self.native_value
