"""
The fermentation chamber as a thermostat.

Heat/cool with the presets beer constant and fridge constant (and beer profile while the controller
runs one). Turning off remembers the mode and setpoint, and turning on restores them, also after
a restart of Home Assistant.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, override

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ClimateEntity,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import ATTR_TEMPERATURE, UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity

from .alpha_panel import AlphaPanelError, Slot
from .brewpi.models import ControlMode, ControlSettings, ControlState
from .const import (
    CONF_MAX_SET_POINT,
    CONF_MIN_SET_POINT,
    CONF_SET_POINT_STEP,
    DEFAULT_MAX_SET_POINT,
    DEFAULT_MIN_SET_POINT,
    DEFAULT_SET_POINT_STEP,
    DOMAIN,
    PRESET_BEER_CONSTANT,
    PRESET_BEER_PROFILE,
    PRESET_FRIDGE_CONSTANT,
)
from .coordinator import BrewPiCoordinator
from .entity import BrewPiEntity, VesselEntity
from .panel_coordinator import PanelCoordinator

if TYPE_CHECKING:
    from . import CellarConfigEntry

PARALLEL_UPDATES = 1

HVAC_ACTIONS: dict[ControlState, HVACAction] = {
    ControlState.IDLE: HVACAction.IDLE,
    ControlState.OFF: HVACAction.OFF,
    ControlState.DOOR_OPEN: HVACAction.IDLE,
    ControlState.HEATING: HVACAction.HEATING,
    ControlState.COOLING: HVACAction.COOLING,
    ControlState.WAITING_TO_COOL: HVACAction.IDLE,
    ControlState.WAITING_TO_HEAT: HVACAction.IDLE,
    ControlState.WAITING_FOR_PEAK_DETECT: HVACAction.IDLE,
    ControlState.COOLING_MIN_TIME: HVACAction.COOLING,
    ControlState.HEATING_MIN_TIME: HVACAction.HEATING,
}
PRESETS: dict[ControlMode, str] = {
    ControlMode.BEER_CONSTANT: PRESET_BEER_CONSTANT,
    ControlMode.FRIDGE_CONSTANT: PRESET_FRIDGE_CONSTANT,
    ControlMode.BEER_PROFILE: PRESET_BEER_PROFILE,
}
UNITS = {"C": UnitOfTemperature.CELSIUS, "F": UnitOfTemperature.FAHRENHEIT}


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: CellarConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a controller's chamber thermostat, or a thermostat per panel vessel."""
    runtime = entry.runtime_data
    if isinstance(runtime, PanelCoordinator):
        async_add_entities(VesselThermostat(runtime, slot) for slot in runtime.slots)
    elif isinstance(runtime, BrewPiCoordinator):
        async_add_entities([ChamberThermostat(runtime)])


@dataclass(frozen=True, slots=True)
class LastControl(ExtraStoredData):
    """The mode and setpoint that turning on restores."""

    mode: ControlMode
    set_point: float

    @override
    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode.value, "set_point": self.set_point}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LastControl | None:
        """Read what as_dict stored; None when it is not usable."""
        try:
            mode = ControlMode(data["mode"])
            set_point = float(data["set_point"])
        except KeyError, TypeError, ValueError:
            return None
        return cls(mode, set_point) if mode in CONSTANT_MODES else None


CONSTANT_MODES = (ControlMode.BEER_CONSTANT, ControlMode.FRIDGE_CONSTANT)


class ChamberThermostat(BrewPiEntity, ClimateEntity, RestoreEntity):
    """The chamber's thermostat; what it shows always comes from the controller's replies."""

    _attr_name = None
    _attr_hvac_modes = [HVACMode.HEAT_COOL, HVACMode.OFF]  # noqa: RUF012 - HA's attribute
    _attr_target_temperature_step = 0.1
    _attr_precision = 0.1

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the thermostat of the coordinator's controller."""
        super().__init__(coordinator, "chamber")
        self._last_control: LastControl | None = None

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        if (stored := await self.async_get_last_extra_data()) is not None:
            self._last_control = LastControl.from_dict(stored.as_dict())
        self._remember_control()

    @property
    @override
    def extra_restore_state_data(self) -> LastControl | None:
        return self._last_control

    def _remember_control(self) -> None:
        """Keep the running constant mode and its setpoint for the next turn on."""
        settings = self.coordinator.data.settings
        if settings.mode is ControlMode.BEER_CONSTANT and settings.beer_set is not None:
            self._last_control = LastControl(settings.mode, settings.beer_set)
        elif settings.mode is ControlMode.FRIDGE_CONSTANT and settings.fridge_set is not None:
            self._last_control = LastControl(settings.mode, settings.fridge_set)

    @override
    def _handle_coordinator_update(self) -> None:
        self._remember_control()
        super()._handle_coordinator_update()

    @property
    def _mode(self) -> ControlMode:
        return self.coordinator.data.settings.mode

    @property
    @override
    def supported_features(self) -> ClimateEntityFeature:
        return (
            ClimateEntityFeature.TARGET_TEMPERATURE
            | ClimateEntityFeature.PRESET_MODE
            | ClimateEntityFeature.TURN_ON
            | ClimateEntityFeature.TURN_OFF
        )

    @property
    def native_temperature_unit(self) -> str:
        """The controller's own unit (`C:` tempFormat)."""
        return UNITS.get(self.coordinator.data.constants.temp_format, UnitOfTemperature.CELSIUS)

    @property
    @override
    def temperature_unit(self) -> str:
        return self.native_temperature_unit

    @property
    @override
    def min_temp(self) -> float:
        return self.coordinator.data.constants.temp_set_min

    @property
    @override
    def max_temp(self) -> float:
        return self.coordinator.data.constants.temp_set_max

    @property
    @override
    def hvac_mode(self) -> HVACMode:
        return HVACMode.OFF if self._mode is ControlMode.OFF else HVACMode.HEAT_COOL

    @property
    @override
    def hvac_action(self) -> HVACAction | None:
        state = self.coordinator.data.temperatures.state
        return None if state is None else HVAC_ACTIONS.get(state)

    @property
    @override
    def preset_modes(self) -> list[str]:
        presets = [PRESET_BEER_CONSTANT, PRESET_FRIDGE_CONSTANT]
        if self._mode is ControlMode.BEER_PROFILE:
            presets.append(PRESET_BEER_PROFILE)
        return presets

    @property
    @override
    def preset_mode(self) -> str | None:
        return PRESETS.get(self._mode)

    @property
    def native_current_temperature(self) -> float | None:
        """The probe being controlled: the chamber in fridge constant, else the beer."""
        temperatures = self.coordinator.data.temperatures
        if self._mode is ControlMode.FRIDGE_CONSTANT:
            return temperatures.fridge_temp
        return temperatures.beer_temp

    @property
    @override
    def current_temperature(self) -> float | None:
        return self.native_current_temperature

    @property
    def native_target_temperature(self) -> float | None:
        """The beer setting in beer modes, the fridge setting in fridge constant."""
        settings = self.coordinator.data.settings
        match self._mode:
            case ControlMode.BEER_CONSTANT | ControlMode.BEER_PROFILE:
                return settings.beer_set
            case ControlMode.FRIDGE_CONSTANT:
                return settings.fridge_set
            case _:
                return None

    @property
    @override
    def target_temperature(self) -> float | None:
        return self.native_target_temperature

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        temperature = float(kwargs[ATTR_TEMPERATURE])
        mode = self._mode
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) == HVACMode.OFF:
            await self.async_turn_off()
            return
        if mode is ControlMode.OFF and hvac_mode is None:
            # Remember the new setpoint for the next turn on; the chamber stays off.
            last = self._last_control.mode if self._last_control else ControlMode.BEER_CONSTANT
            self._last_control = LastControl(last, temperature)
            self.async_write_ha_state()
            return
        if mode is ControlMode.FRIDGE_CONSTANT or (
            mode is ControlMode.OFF
            and self._last_control is not None
            and self._last_control.mode is ControlMode.FRIDGE_CONSTANT
        ):
            await self._write(self.coordinator.client.async_set_fridge_constant(temperature))
        else:
            await self._write(self.coordinator.client.async_set_beer_constant(temperature))

    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        if hvac_mode is HVACMode.OFF:
            await self.async_turn_off()
        else:
            await self.async_turn_on()

    @override
    async def async_turn_off(self) -> None:
        self._remember_control()
        await self._write(self.coordinator.client.async_set_off())

    @override
    async def async_turn_on(self) -> None:
        if self._mode is not ControlMode.OFF:
            return
        last = self._last_control
        if last is None:
            settings = self.coordinator.data.settings
            fallback = settings.beer_set or self.coordinator.data.temperatures.beer_temp
            last = LastControl(ControlMode.BEER_CONSTANT, fallback or self.min_temp)
        await self._set_constant(last.mode, last.set_point)

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        settings = self.coordinator.data.settings
        if preset_mode == PRESET_BEER_CONSTANT:
            target = settings.beer_set or self._fallback_set_point(ControlMode.BEER_CONSTANT)
            await self._set_constant(ControlMode.BEER_CONSTANT, target)
        elif preset_mode == PRESET_FRIDGE_CONSTANT:
            target = settings.fridge_set or self._fallback_set_point(ControlMode.FRIDGE_CONSTANT)
            await self._set_constant(ControlMode.FRIDGE_CONSTANT, target)
        else:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="profile_not_settable",
            )

    def _fallback_set_point(self, mode: ControlMode) -> float:
        """A setpoint for a mode that has none: the last one, else the probe's reading."""
        if self._last_control is not None:
            return self._last_control.set_point
        temperatures = self.coordinator.data.temperatures
        reading = (
            temperatures.fridge_temp
            if mode is ControlMode.FRIDGE_CONSTANT
            else temperatures.beer_temp
        )
        return min(
            max(reading if reading is not None else self.min_temp, self.min_temp), self.max_temp
        )

    async def _set_constant(self, mode: ControlMode, set_point: float) -> None:
        client = self.coordinator.client
        if mode is ControlMode.FRIDGE_CONSTANT:
            await self._write(client.async_set_fridge_constant(set_point))
        else:
            await self._write(client.async_set_beer_constant(set_point))

    async def _write(self, command: Awaitable[ControlSettings]) -> None:
        """Send a write; show the settings the controller replied with."""
        self.coordinator.async_apply_settings(await self._command(command))


class VesselThermostat(VesselEntity, ClimateEntity):
    """A glycol-cooled vessel: cool only, the target is the panel's setpoint, in °F."""

    _attr_name = None
    _attr_hvac_modes = [HVACMode.COOL]  # noqa: RUF012 - HA's attribute
    _attr_hvac_mode = HVACMode.COOL
    _attr_supported_features = ClimateEntityFeature.TARGET_TEMPERATURE
    _attr_native_temperature_unit = UnitOfTemperature.FAHRENHEIT
    _attr_temperature_unit = UnitOfTemperature.FAHRENHEIT
    _attr_precision = 0.1

    def __init__(self, coordinator: PanelCoordinator, slot: Slot) -> None:
        """Create the thermostat of the vessel in `slot`; limits and step from the options."""
        super().__init__(coordinator, slot, "vessel")
        options = coordinator.config_entry.options
        self._attr_min_temp = options.get(CONF_MIN_SET_POINT, DEFAULT_MIN_SET_POINT)
        self._attr_max_temp = options.get(CONF_MAX_SET_POINT, DEFAULT_MAX_SET_POINT)
        self._attr_target_temperature_step = options.get(
            CONF_SET_POINT_STEP, DEFAULT_SET_POINT_STEP
        )

    @property
    def native_current_temperature(self) -> float | None:
        """The vessel's temperature."""
        return self.reading.temperature if self.reading else None

    @property
    @override
    def current_temperature(self) -> float | None:
        return self.native_current_temperature

    @property
    def native_target_temperature(self) -> float | None:
        """The panel's setpoint for the vessel."""
        return self.reading.set_point if self.reading else None

    @property
    @override
    def target_temperature(self) -> float | None:
        return self.native_target_temperature

    @property
    @override
    def hvac_action(self) -> HVACAction | None:
        if self.reading is None or self.reading.valve_open is None:
            return None
        return HVACAction.COOLING if self.reading.valve_open else HVACAction.IDLE

    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Cooling is the only mode; nothing to change."""

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the setpoint; show what the panel then reports."""
        try:
            reading = await self.coordinator.panel.async_set_setpoint(
                self.slot, float(kwargs[ATTR_TEMPERATURE])
            )
        except AlphaPanelError as err:
            await self.coordinator.async_request_refresh()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="set_point_not_applied",
                translation_placeholders={"vessel": self.slot.label, "error": str(err)},
            ) from err
        self.coordinator.async_apply_reading(reading)
