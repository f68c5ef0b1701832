"""
The problem sensors of a thermostat (a chamber, a vessel): one per rule of the `alarms` library.

Each is fed by its coordinator's updates (no polling of its own), writes its state only when it
or its reason changes, and keeps its rule's state (recent readings, since-when stamps) through a
restart of Home Assistant, so that a restart neither fires nor clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.binary_sensor import BinarySensorDeviceClass, BinarySensorEntity
from homeassistant.const import Platform
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from .alarms import Rule, Sample
from .const import DOMAIN
from .entity import ChangesOnly
from .fermentation.runner import DATA_RUNNER
from .profiles.models import Ramp


@dataclass(frozen=True, slots=True)
class StoredRule(ExtraStoredData):
    """A rule's state as `Rule.to_dict` gave it."""

    data: dict[str, Any]

    @override
    def as_dict(self) -> dict[str, Any]:
        return self.data


class ThermostatAlarm[C: DataUpdateCoordinator[Any]](
    ChangesOnly[C], BinarySensorEntity, RestoreEntity
):
    """
    One rule's problem sensor on a thermostat's device.

    A kind's subclass gives the thermostat's `sample` of its coordinator's data (None: nothing to
    judge now), the rule, and the thermostat's climate unique id (to ask the profile runner).
    """

    _attr_device_class = BinarySensorDeviceClass.PROBLEM
    rule: Rule
    thermostat_unique_id: str

    def sample(self) -> Sample | None:
        """What the coordinator's data says of the thermostat now."""
        raise NotImplementedError

    @property
    def ramping(self) -> bool:
        """A profile runs on the thermostat and its step is a ramp (the target moves on purpose)."""
        if (runner := self.hass.data.get(DATA_RUNNER)) is None:
            return False
        entity_id = er.async_get(self.hass).async_get_entity_id(
            Platform.CLIMATE, DOMAIN, self.thermostat_unique_id
        )
        active = runner.runs.get(entity_id) if entity_id else None
        if active is None or active.position is None or active.run.paused:
            return False
        step = active.position.step
        steps = active.run.profile.steps
        return step is not None and 0 <= step < len(steps) and isinstance(steps[step], Ramp)

    @property
    @override
    def is_on(self) -> bool:
        return self.rule.on

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        return self.rule.attributes

    @property
    @override
    def extra_restore_state_data(self) -> StoredRule:
        return StoredRule(self.rule.to_dict())

    @override
    def shown(self) -> object:
        return (self.rule.on, self.rule.attributes)

    @override
    async def async_added_to_hass(self) -> None:
        """Take back the rule's state from before the restart, then judge the reading of now."""
        await super().async_added_to_hass()
        if (stored := await self.async_get_last_extra_data()) is not None:
            fresh = type(self.rule)(self.rule.settings)
            try:
                self.rule.restore(stored.as_dict())
            except KeyError, TypeError, ValueError:
                self.rule = fresh
        self._feed()
        self._last_shown = (self.available, self.shown())

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        self._feed()
        super()._handle_coordinator_update()

    def _feed(self) -> None:
        if self.available and (sample := self.sample()) is not None:
            self.rule.update(sample)
