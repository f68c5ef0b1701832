"""A panel vessel as a thermostat: cool only, the target is the panel's setpoint, in °F."""

from __future__ import annotations

from typing import Any, override

from homeassistant.components.climate import (
    ClimateEntityFeature,
    HVACAction,
    HVACMode,
)
from homeassistant.const import UnitOfTemperature
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ..alpha_panel import UI_SET_POINT_MAX_F, UI_SET_POINT_MIN_F, AlphaPanelError, Slot
from ..audit import fire_setpoint_changed
from ..const import (
    CONF_MAX_SET_POINT,
    CONF_MIN_SET_POINT,
    CONF_SET_POINT_STEP,
    DEFAULT_SET_POINT_STEP,
    DOMAIN,
    PRESET_BEER_PROFILE,
)
from ..entity import Thermostat, requested_temperature
from ..profiles import Unit
from .coordinator import PanelCoordinator
from .entity import VesselEntity


class VesselThermostat(VesselEntity, Thermostat):
    """A glycol-cooled vessel: cool only, the target is the panel's setpoint, in °F."""

    _attr_name = None
    _attr_hvac_modes = [HVACMode.COOL]  # noqa: RUF012 - HA's attribute
    _attr_hvac_mode = HVACMode.COOL
    _attr_native_temperature_unit = UnitOfTemperature.FAHRENHEIT
    _attr_temperature_unit = UnitOfTemperature.FAHRENHEIT
    _attr_precision = 0.1

    def __init__(self, coordinator: PanelCoordinator, slot: Slot) -> None:
        """Create the thermostat of the vessel in `slot`; limits and step from the options."""
        super().__init__(coordinator, slot, "vessel")
        options = coordinator.config_entry.options
        self._attr_min_temp = options.get(CONF_MIN_SET_POINT, UI_SET_POINT_MIN_F)
        self._attr_max_temp = options.get(CONF_MAX_SET_POINT, UI_SET_POINT_MAX_F)
        self._attr_target_temperature_step = options.get(
            CONF_SET_POINT_STEP, DEFAULT_SET_POINT_STEP
        )

    @property
    @override
    def available(self) -> bool:
        """A slot the panel reports as unused (1000 °F) cannot be controlled."""
        return super().available and not (self.reading and self.reading.unused)

    @property
    @override
    def native_current_temperature(self) -> float | None:
        """The vessel's temperature."""
        return self.reading.temperature if self.reading else None

    @property
    @override
    def native_target_temperature(self) -> float | None:
        """The panel's setpoint for the vessel."""
        return self.reading.set_point if self.reading else None

    @property
    @override
    def hvac_action(self) -> HVACAction | None:
        if self.reading is None or self.reading.valve_open is None:
            return None
        return HVACAction.COOLING if self.reading.valve_open else HVACAction.IDLE

    # What a fermentation profile drives (fermentation.targets.ProfileThermostat)

    _profile_running = False
    profile_unit = Unit.FAHRENHEIT
    profile_followed = True
    can_turn_off = False

    @override
    def shown(self) -> tuple[object, ...]:
        return (self.reading, self._profile_running)

    @property
    @override
    def supported_features(self) -> ClimateEntityFeature:
        if self._profile_running:
            return ClimateEntityFeature.TARGET_TEMPERATURE | ClimateEntityFeature.PRESET_MODE
        return ClimateEntityFeature.TARGET_TEMPERATURE

    @property
    @override
    def preset_modes(self) -> list[str] | None:
        return [PRESET_BEER_PROFILE] if self._profile_running else None

    @property
    @override
    def preset_mode(self) -> str | None:
        return PRESET_BEER_PROFILE if self._profile_running else None

    @override
    async def async_set_preset_mode(self, preset_mode: str) -> None:
        """A profile is started with its select or `start_profile`, not with the preset."""
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="profile_not_settable"
        )

    @property
    def profile_limits(self) -> tuple[float, float]:
        """The vessel's setpoint limits."""
        return self.min_temp, self.max_temp

    @property
    def profile_step(self) -> float:
        """The vessel's setpoint step."""
        return self.target_temperature_step or 1.0

    @property
    def profile_target(self) -> float | None:
        """The panel's setpoint."""
        return self.native_target_temperature

    async def async_follow_profile(self, target: float | None) -> None:
        """Write the setpoint, unless the panel has it already (it is slow and shared)."""
        if target is not None and target != self.native_target_temperature:
            await self._async_write_set_point(target)

    async def async_leave_profile(self, target: float | None) -> None:
        """The setpoint stays where the profile left it."""

    def async_show_profile(self, running: bool) -> None:  # noqa: FBT001
        """Show the preset while a profile runs."""
        if running != self._profile_running:
            self._profile_running = running
            self._last_shown = (self.available, self.shown())
            self.async_write_ha_state()

    @override
    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        """Cooling is the only mode; nothing to change."""

    @override
    async def async_set_temperature(self, **kwargs: Any) -> None:
        """Write the setpoint; show what the panel then reports; the audit trail's event."""
        temperature = requested_temperature(kwargs)
        before = self.native_target_temperature
        await self._async_write_set_point(temperature)
        fire_setpoint_changed(
            self.hass,
            self.entity_id,
            before=before,
            after=self.native_target_temperature,
            unit=self.temperature_unit,
            context=self._context,
        )

    async def _async_write_set_point(self, temperature: float) -> None:
        """Write the setpoint; show what the panel then reports."""
        try:
            reading = await self.coordinator.panel.async_set_setpoint(self.slot, temperature)
        except AlphaPanelError as err:
            await self.coordinator.async_request_refresh()
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="set_point_not_applied",
                translation_placeholders={"vessel": self.slot.label, "error": str(err)},
            ) from err
        self.coordinator.async_apply_reading(reading)
