"""
The thermostats a profile runs on, behind one face.

This integration's own thermostats (a BrewPi chamber, a panel vessel) are driven through their
entity objects in their native unit: the chamber goes to mode `p`, a vessel's setpoint is
rounded to its step. Any other `climate` entity is driven through Home Assistant's climate
actions, in the unit system's unit, rounded to its `target_temp_step`.
"""

from __future__ import annotations

import math
from typing import Any, Protocol, runtime_checkable

from homeassistant.components.climate import (
    ATTR_HVAC_MODE,
    ATTR_MAX_TEMP,
    ATTR_MIN_TEMP,
    ATTR_TARGET_TEMP_STEP,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_TEMPERATURE,
    HVACMode,
)
from homeassistant.components.climate import (
    DOMAIN as CLIMATE_DOMAIN,
)
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import Context, HomeAssistant, State
from homeassistant.helpers.entity_platform import async_get_platforms

from ..const import DOMAIN
from ..profiles import Unit


@runtime_checkable
class ProfileThermostat(Protocol):
    """What this integration's thermostats do for a profile (in their native unit)."""

    entity_id: str

    @property
    def profile_unit(self) -> Unit:
        """The unit the thermostat is driven in."""

    @property
    def profile_limits(self) -> tuple[float, float]:
        """The lowest and highest target it takes."""

    @property
    def profile_step(self) -> float:
        """The step its target moves by."""

    @property
    def profile_target(self) -> float | None:
        """Its target now (None: unknown or control off)."""

    @property
    def profile_followed(self) -> bool:
        """Whether it is in the mode a profile runs it in (a BrewPi chamber: mode `p`)."""

    @property
    def can_turn_off(self) -> bool:
        """Whether a profile may turn its control off."""

    async def async_follow_profile(self, target: float | None) -> None:
        """Take `target` (None: control off) as a profile's."""

    async def async_leave_profile(self, target: float | None) -> None:
        """Hold `target` on its own: the profile ended, was stopped or paused."""

    def async_show_profile(self, running: bool) -> None:  # noqa: FBT001
        """Show whether a profile runs on it (its preset)."""


def own_thermostat(hass: HomeAssistant, entity_id: str) -> ProfileThermostat | None:
    """The entity object of `entity_id` if it is one of this integration's thermostats."""
    for platform in async_get_platforms(hass, DOMAIN):
        if platform.domain == CLIMATE_DOMAIN and (entity := platform.entities.get(entity_id)):
            return entity if isinstance(entity, ProfileThermostat) else None
    return None


class Target:
    """A thermostat as a run sees it: its unit, limits, step, target and how to set it."""

    def __init__(self, hass: HomeAssistant, entity_id: str, context: Context) -> None:
        """`context` marks the run's own writes."""
        self.hass = hass
        self.entity_id = entity_id
        self.context = context
        self._off_mode: str | None = None
        self._found: ProfileThermostat | None = None

    @property
    def _own(self) -> ProfileThermostat | None:
        """The entity object, if one of this integration's: found once, again once reloaded."""
        found = self._found
        if (
            found is None
            or getattr(found, "hass", None) is None
            or found.entity_id != self.entity_id
        ):
            found = self._found = own_thermostat(self.hass, self.entity_id)
        return found

    @property
    def _state(self) -> State | None:
        return self.hass.states.get(self.entity_id)

    @property
    def exists(self) -> bool:
        """Whether Home Assistant knows the thermostat."""
        return self._state is not None

    @property
    def available(self) -> bool:
        """Whether it can take a target now."""
        state = self._state
        return state is not None and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN)

    @property
    def unit(self) -> Unit:
        """The unit targets are given in."""
        if (own := self._own) is not None:
            return own.profile_unit
        return Unit(self.hass.config.units.temperature_unit.removeprefix("°"))

    @property
    def limits(self) -> tuple[float, float] | None:
        """Its lowest and highest target; None while not known."""
        if (own := self._own) is not None:
            return own.profile_limits
        state = self._state
        if state is None or ATTR_MIN_TEMP not in state.attributes:
            return None
        return float(state.attributes[ATTR_MIN_TEMP]), float(state.attributes[ATTR_MAX_TEMP])

    @property
    def step(self) -> float:
        """What its target is rounded to."""
        if (own := self._own) is not None:
            return own.profile_step
        state = self._state
        return float((state.attributes if state else {}).get(ATTR_TARGET_TEMP_STEP) or 0.1)

    @property
    def can_turn_off(self) -> bool:
        """Whether control off can be set."""
        if (own := self._own) is not None:
            return own.can_turn_off
        state = self._state
        return state is not None and HVACMode.OFF in state.attributes.get("hvac_modes", ())

    def rounded(self, value: float | None) -> float | None:
        """`value` rounded to the thermostat's step, a half step up (50.5 °F to 51)."""
        if value is None:
            return None
        step = self.step
        return round(math.floor(value / step + 0.5 + 1e-9) * step, 2)

    @property
    def shown(self) -> float | None:
        """Its target now, in `unit` (None: unknown or off)."""
        if (own := self._own) is not None:
            return own.profile_target
        state = self._state
        if state is None or state.state == HVACMode.OFF:
            return None
        value = state.attributes.get(ATTR_TEMPERATURE)
        return None if value is None else float(value)

    @property
    def followed(self) -> bool:
        """Whether it is still in the mode the run put it in."""
        if (own := self._own) is not None:
            return own.profile_followed
        return True

    async def async_follow(self, target: float | None) -> None:
        """Set the run's target (None: control off)."""
        if (own := self._own) is not None:
            await own.async_follow_profile(target)
            return
        state = self._state
        if target is None:
            if state is not None and state.state != HVACMode.OFF:
                self._off_mode = state.state
            await self._call(SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: HVACMode.OFF})
            return
        data: dict[str, Any] = {ATTR_TEMPERATURE: target}
        if state is not None and state.state != HVACMode.OFF:
            self._off_mode = state.state  # the mode it runs in
        elif state is not None and self._off_mode:
            data[ATTR_HVAC_MODE] = self._off_mode  # back on after control off (a step's, a hand's)
        await self._call(SERVICE_SET_TEMPERATURE, data)

    async def async_leave(self, target: float | None) -> None:
        """Hold `target` without the profile."""
        if (own := self._own) is not None:
            await own.async_leave_profile(target)
        elif target is not None:
            await self.async_follow(target)

    def show(self, running: bool) -> None:  # noqa: FBT001
        """Let this integration's thermostat show the profile's preset."""
        if (own := self._own) is not None:
            own.async_show_profile(running)

    async def _call(self, service: str, data: dict[str, Any]) -> None:
        await self.hass.services.async_call(
            CLIMATE_DOMAIN,
            service,
            {ATTR_ENTITY_ID: self.entity_id, **data},
            blocking=True,
            context=self.context,
        )
