"""
A thermostat's profile entities: a select to start one, and sensors of the run.

Every thermostat of this integration has them on its own device (a controller's, a vessel's);
any other thermostat added under the profiles entry has them on a device of its own. They show
the runner's run for their thermostat and write their state only when what they show changed.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, override

from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN
from homeassistant.components.select import SelectEntity
from homeassistant.components.sensor import SensorDeviceClass, SensorEntity
from homeassistant.const import UnitOfRatio, UnitOfTemperature
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..profiles import Profile, Unit, describe
from .actions import async_start, profiles_by_name
from .active import Active
from .runner import SIGNAL_PROFILES, get_runner, signal_run

NO_PROFILE = "none"


@lru_cache(maxsize=256)
def schedule(profile: Profile) -> list[str]:
    """Every step of `profile` in words."""
    return [describe(profile, index) for index in range(len(profile.steps))]


UNITS = {Unit.CELSIUS: UnitOfTemperature.CELSIUS, Unit.FAHRENHEIT: UnitOfTemperature.FAHRENHEIT}


class ProfileEntity(Entity):
    """One of a thermostat's profile entities."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _shown: object = None

    def __init__(
        self,
        key: str,
        device_info: DeviceInfo,
        *,
        climate_unique_id: str | None = None,
        thermostat: str | None = None,
        unique_id: str,
    ) -> None:
        """The thermostat by its unique id (this integration's) or its entity id (any other)."""
        self._attr_translation_key = key
        self._attr_unique_id = f"{unique_id}-{key}"
        self._attr_device_info = device_info
        self._climate_unique_id = climate_unique_id
        self.thermostat = thermostat or ""

    @override
    async def async_added_to_hass(self) -> None:
        if self._climate_unique_id is not None:
            registry = er.async_get(self.hass)
            found = registry.async_get_entity_id(CLIMATE_DOMAIN, DOMAIN, self._climate_unique_id)
            self.thermostat = found or ""
        self._shown = self.shown()
        for signal in (signal_run(self.thermostat), SIGNAL_PROFILES):
            self.async_on_remove(async_dispatcher_connect(self.hass, signal, self._refresh))

    @property
    def active(self) -> Active | None:
        """The run on the thermostat, if one runs."""
        return get_runner(self.hass).runs.get(self.thermostat)

    def shown(self) -> object:
        """What the state is made of."""
        raise NotImplementedError

    @callback
    def _refresh(self) -> None:
        if (shown := self.shown()) != self._shown:
            self._shown = shown
            self.async_write_ha_state()


class ProfileSelect(ProfileEntity, SelectEntity):
    """Start a profile from the dashboard (`none` stops the one running)."""

    def __init__(self, device_info: DeviceInfo, **kwargs: Any) -> None:
        """The select of a thermostat's profile."""
        super().__init__("profile", device_info, **kwargs)

    @property
    @override
    def options(self) -> list[str]:
        names = sorted(profiles_by_name(self.hass))
        if (active := self.active) is not None and active.run.profile.name not in names:
            names.append(active.run.profile.name)
        return [NO_PROFILE, *names]

    @property
    @override
    def current_option(self) -> str:
        active = self.active
        return NO_PROFILE if active is None else active.run.profile.name

    @override
    def shown(self) -> object:
        return (self.current_option, tuple(self.options))

    @override
    async def async_select_option(self, option: str) -> None:
        runner = get_runner(self.hass)
        if option == NO_PROFILE:
            if self.thermostat in runner.runs:
                await runner.async_stop(self.thermostat)
            return
        await async_start(self.hass, self.thermostat, option)


class ProfileSensor(ProfileEntity, SensorEntity):
    """A sensor of the run on a thermostat."""

    @override
    def shown(self) -> object:
        return (self.native_value, self.extra_state_attributes)


class ProfileTarget(ProfileSensor):
    """The temperature the profile asks for now, in the thermostat's unit."""

    _attr_device_class = SensorDeviceClass.TEMPERATURE
    _attr_suggested_display_precision = 1

    def __init__(self, device_info: DeviceInfo, **kwargs: Any) -> None:
        """The profile target of a thermostat."""
        super().__init__("profile_target", device_info, **kwargs)

    @property
    @override
    def native_unit_of_measurement(self) -> str:
        active = self.active
        if active is not None:
            return UNITS[active.target.unit]
        return self.hass.config.units.temperature_unit

    @property
    @override
    def native_value(self) -> float | None:
        active = self.active
        return None if active is None or active.position is None else active.position.target

    @property
    @override
    def extra_state_attributes(self) -> None:
        return None


class ProfileStep(ProfileSensor):
    """The current step in words; the whole schedule and the run's state as attributes."""

    def __init__(self, device_info: DeviceInfo, **kwargs: Any) -> None:
        """The profile step of a thermostat."""
        super().__init__("profile_step", device_info, **kwargs)

    @property
    @override
    def native_value(self) -> str | None:
        active = self.active
        if active is None or active.position is None or active.position.step is None:
            return None
        text = describe(active.run.profile, active.position.step)
        return text[:255]

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        active = self.active
        if active is None or active.position is None:
            return None
        run, where = active.run, active.position
        profile = run.profile
        return {
            "profile": profile.name,
            "step": None if where.step is None else where.step + 1,
            "steps": len(profile.steps),
            "schedule": schedule(profile),
            "paused": run.paused,
            "pause_reason": run.pause_reason,
            "started": run.started_at.isoformat(),
            "gravity_sensor": run.gravity_source,
        }


class ProfileProgress(ProfileSensor):
    """How far through its planned durations the profile is."""

    _attr_native_unit_of_measurement = UnitOfRatio.PERCENTAGE
    _attr_suggested_display_precision = 0

    def __init__(self, device_info: DeviceInfo, **kwargs: Any) -> None:
        """The profile progress of a thermostat."""
        super().__init__("profile_progress", device_info, **kwargs)

    @property
    @override
    def native_value(self) -> float | None:
        active = self.active
        if active is None or active.position is None:
            return None
        return round(active.position.progress * 100, 1)

    @property
    @override
    def extra_state_attributes(self) -> None:
        return None


class ProfileNextChange(ProfileSensor):
    """When the current step ends (unknown while paused or ended by gravity)."""

    _attr_device_class = SensorDeviceClass.TIMESTAMP

    def __init__(self, device_info: DeviceInfo, **kwargs: Any) -> None:
        """The next profile change of a thermostat."""
        super().__init__("profile_next_change", device_info, **kwargs)

    @property
    @override
    def native_value(self) -> datetime | None:
        active = self.active
        if active is None or active.position is None or active.run.paused:
            return None
        ends = active.position.step_ends
        if ends is None:
            return None
        return active.run.wall_time(ends, dt_util.utcnow()).replace(microsecond=0)

    @property
    @override
    def extra_state_attributes(self) -> None:
        return None


def select_entities(device_info: DeviceInfo, **kwargs: Any) -> list[Entity]:
    """A thermostat's profile select."""
    return [ProfileSelect(device_info, **kwargs)]


def sensor_entities(device_info: DeviceInfo, **kwargs: Any) -> list[Entity]:
    """A thermostat's profile sensors."""
    return [
        ProfileTarget(device_info, **kwargs),
        ProfileStep(device_info, **kwargs),
        ProfileProgress(device_info, **kwargs),
        ProfileNextChange(device_info, **kwargs),
    ]
