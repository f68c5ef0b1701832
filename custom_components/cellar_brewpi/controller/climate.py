"""
A controller's chamber as a thermostat.

Heat/cool with the presets beer constant and fridge constant (and beer profile while the controller
runs one). Each constant mode keeps its own setpoint; turning off remembers the mode, and turning
on restores it, also after a restart of Home Assistant.
"""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.restore_state import RestoreEntity

from ..audit import fire_setpoint_changed
from ..brewpi import ControlMode, ControlSettings, ControlState
from ..const import DOMAIN, PRESET_BEER_CONSTANT, PRESET_BEER_PROFILE, PRESET_FRIDGE_CONSTANT
from ..entity import Thermostat, requested_temperature
from ..profiles import Unit
from .coordinator import BrewPiCoordinator
from .entity import ControllerEntity
from .last_control import CONSTANT_MODES, LastControl, constant_set_point, holds

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


class ChamberThermostat(ControllerEntity, Thermostat, RestoreEntity):
    """The chamber's thermostat; what it shows always comes from the controller's replies."""

    _attr_name = None
    _attr_hvac_modes = [HVACMode.HEAT_COOL, HVACMode.OFF]  # noqa: RUF012 - HA's attribute
    _attr_target_temperature_step = 0.1
    _attr_precision = 0.1

    def __init__(self, coordinator: BrewPiCoordinator) -> None:
        """Create the thermostat of the coordinator's controller."""
        super().__init__(coordinator, "chamber")
        self._last_control = LastControl(ControlMode.BEER_CONSTANT)

    @override
    async def async_added_to_hass(self) -> None:
        await super().async_added_to_hass()
        stored = await self.async_get_last_extra_data()
        if stored is not None and (last := LastControl.from_dict(stored.as_dict())) is not None:
            self._last_control = last
        self._remember_control()

    @property
    @override
    def extra_restore_state_data(self) -> LastControl:
        return self._last_control

    def _remember_control(self) -> None:
        """Keep the running constant mode's setpoint for the next turn on or preset change."""
        settings = self.coordinator.data.settings
        if (
            settings.mode in CONSTANT_MODES
            and (set_point := constant_set_point(settings)) is not None
        ):
            self._last_control = self._last_control.with_set_point(settings.mode, set_point)

    @override
    def _handle_coordinator_update(self) -> None:
        self._remember_control()
        super()._handle_coordinator_update()

    @override
    def shown(self) -> tuple[object, ...]:
        return (
            self._mode,
            self.native_current_temperature,
            self.native_target_temperature,
            self.hvac_action,
            self.coordinator.data.constants,  # the unit and the limits
        )

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
        return self.unit

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
    @override
    def native_current_temperature(self) -> float | None:
        """The probe being controlled: the chamber in fridge constant, else the beer."""
        temperatures = self.coordinator.data.temperatures
        if self._mode is ControlMode.FRIDGE_CONSTANT:
            return temperatures.fridge_temp
        return temperatures.beer_temp

    @property
    @override
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

    def _audited(self) -> tuple[str, float | None]:
        """The mode (a preset, or `off`) and the setpoint it has (or restores when turned on)."""
        mode = self._mode
        if mode is ControlMode.OFF:
            return MODE_KEYS[mode], self._last_control.set_point(self._last_control.mode)
        return MODE_KEYS[mode], self.native_target_temperature

    def _fire_audit(self, before: tuple[str, float | None]) -> None:
        """The setpoint or the preset changed by a service call: the call's context made it."""
        mode, set_point = self._audited()
        fire_setpoint_changed(
            self.hass,
            self.entity_id,
            before=before[1],
            after=set_point,
            unit=self.unit,
            context=self._context,
            mode=mode,
            from_mode=before[0],
        )

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        before = self._audited()
        await self._async_set_temperature(**kwargs)
        self._fire_audit(before)

    async def _async_set_temperature(self, **kwargs: Any) -> None:
        temperature = requested_temperature(kwargs)
        if (hvac_mode := kwargs.get(ATTR_HVAC_MODE)) == HVACMode.OFF:
            await self.async_turn_off()
            return
        mode = self._mode
        if mode is ControlMode.OFF:
            restored = self._last_control.mode
            self._last_control = self._last_control.with_set_point(restored, temperature)
            if hvac_mode is None:
                # Remembered for the next turn on; the chamber stays off.
                self.async_write_ha_state()
                return
            mode = restored
        elif mode is not ControlMode.FRIDGE_CONSTANT:
            mode = ControlMode.BEER_CONSTANT
        await self._set_constant(mode, temperature)

    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        if hvac_mode is HVACMode.OFF:
            await self.async_turn_off()
        else:
            await self.async_turn_on()

    @override
    async def async_turn_off(self) -> None:
        self._remember_control()
        settings = await self._command(self.coordinator.client.async_set_off())
        self._show(settings, ControlMode.OFF, None)

    @override
    async def async_turn_on(self) -> None:
        if self._mode is not ControlMode.OFF:
            return
        mode = self._last_control.mode
        await self._set_constant(mode, self._set_point_for(mode))

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        before = self._audited()
        await self._async_set_preset_mode(preset_mode)
        self._fire_audit(before)

    async def _async_set_preset_mode(self, preset_mode: str) -> None:
        if preset_mode == PRESET_BEER_CONSTANT:
            mode = ControlMode.BEER_CONSTANT
        elif preset_mode == PRESET_FRIDGE_CONSTANT:
            mode = ControlMode.FRIDGE_CONSTANT
        else:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="profile_not_settable",
            )
        await self._set_constant(mode, self._set_point_for(mode))

    # What a fermentation profile drives (fermentation.targets.ProfileThermostat)

    @property
    def profile_unit(self) -> Unit:
        """The controller's own unit."""
        return Unit(self.coordinator.data.constants.temp_format)

    @property
    def profile_limits(self) -> tuple[float, float]:
        """The controller's limits."""
        return self.min_temp, self.max_temp

    @property
    def profile_step(self) -> float:
        """The setpoint's step."""
        return self.target_temperature_step or 0.1

    @property
    def profile_target(self) -> float | None:
        """The beer setting (what a profile sets); None while control is off."""
        if self._mode is ControlMode.OFF:
            return None
        return self.coordinator.data.settings.beer_set

    @property
    def profile_followed(self) -> bool:
        """In mode `p`."""
        return self._mode is ControlMode.BEER_PROFILE

    @property
    def can_turn_off(self) -> bool:
        """A chamber can turn control off."""
        return True

    async def async_follow_profile(self, target: float | None) -> None:
        """Mode `p` at `target` (as Fermentrack's script runs a profile); None: control off."""
        if target is None:
            if self._mode is not ControlMode.OFF:
                await self.async_turn_off()
            return
        settings = await self._command(self.coordinator.client.async_set_beer_profile(target))
        self._show(settings, ControlMode.BEER_PROFILE, target)

    async def async_leave_profile(self, target: float | None) -> None:
        """
        Beer constant at `target`: how a profile ends (Fermentrack's).

        Nothing is written when the controller holds that already: a write that arrived as its
        link dropped (and so was reported failed) is not sent again once it is back.
        """
        settings = self.coordinator.data.settings
        if target is not None and not holds(settings, ControlMode.BEER_CONSTANT, target):
            await self._set_constant(ControlMode.BEER_CONSTANT, target)

    def async_show_profile(self, running: bool) -> None:  # noqa: FBT001
        """The controller's mode `p` shows it."""

    def _set_point_for(self, mode: ControlMode) -> float:
        """
        The setpoint a constant mode starts with, within the limits.

        Its own last setpoint; else the controller's current setting for it (the fridge target
        the beer's control computed); else what its probe reads; else the lowest limit.
        """
        settings = self.coordinator.data.settings
        temperatures = self.coordinator.data.temperatures
        if mode is ControlMode.FRIDGE_CONSTANT:
            candidates = (
                self._last_control.fridge_set,
                settings.fridge_set,
                temperatures.fridge_temp,
            )
        else:
            candidates = (self._last_control.beer_set, settings.beer_set, temperatures.beer_temp)
        value = next((c for c in candidates if c is not None), self.min_temp)
        return min(max(value, self.min_temp), self.max_temp)

    async def _set_constant(self, mode: ControlMode, set_point: float) -> None:
        client = self.coordinator.client
        if mode is ControlMode.FRIDGE_CONSTANT:
            settings = await self._command(client.async_set_fridge_constant(set_point))
        else:
            settings = await self._command(client.async_set_beer_constant(set_point))
        self._show(settings, mode, set_point)

    def _show(self, settings: ControlSettings, mode: ControlMode, set_point: float | None) -> None:
        """
        Show the settings the controller replied with; refuse the call if it did not apply them.

        A controller that ignores a write still answers with its (old) settings.
        """
        self.coordinator.async_apply_settings(settings)
        if holds(settings, mode, set_point):
            return
        shown = constant_set_point(settings)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="not_applied",
            translation_placeholders={
                "name": self.coordinator.config_entry.title,
                "asked": _describe(mode, set_point),
                "shown": _describe(settings.mode, shown),
            },
        )


MODE_KEYS: dict[ControlMode, str] = {**PRESETS, ControlMode.OFF: "off", ControlMode.TEST: "test"}
"""The modes in the audit trail's events: the presets' keys, `off` and `test`."""

MODE_WORDS = {
    ControlMode.BEER_CONSTANT: "beer constant",
    ControlMode.FRIDGE_CONSTANT: "fridge constant",
    ControlMode.BEER_PROFILE: "beer profile",
    ControlMode.OFF: "off",
    ControlMode.TEST: "test",
}


def _describe(mode: ControlMode, set_point: float | None) -> str:
    """A mode and setpoint for a message, e.g. "beer constant at 18.5"."""
    return MODE_WORDS[mode] if set_point is None else f"{MODE_WORDS[mode]} at {set_point:g}"
