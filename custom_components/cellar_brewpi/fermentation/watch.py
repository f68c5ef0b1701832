"""
What the runs listen to: their thermostats and gravity sensors.

A thermostat's setpoint or mode changed by hand pauses its run; a thermostat back from being
unreachable gets what it was left with (or the target for now); a gravity reading, changed or the
same again, goes into its run's history (a `stable` step needs the readings that repeat).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import Event, EventStateChangedData, EventStateReportedData, State, callback
from homeassistant.util import dt as dt_util

from ..batches.gravity import specific_gravity
from ..profiles import Reading

if TYPE_CHECKING:
    from .active import Active
    from .runner import ProfileRunner

_LOGGER = logging.getLogger(__name__)


class Watch:
    """The runner's listeners on the state machine."""

    def __init__(self, runner: ProfileRunner) -> None:
        """Not listening yet."""
        self.runner = runner
        self.hass = runner.hass

    def listen(self) -> list[Callable[[], None]]:
        """Start listening; the callables stop it."""
        bus = self.hass.bus
        return [
            bus.async_listen(EVENT_STATE_CHANGED, self._async_state_changed),
            bus.async_listen(
                EVENT_STATE_REPORTED,
                self._async_state_reported,
                event_filter=self._is_gravity_source,
            ),
        ]

    @callback
    def _async_state_changed(self, event: Event[EventStateChangedData]) -> None:
        entity_id = event.data["entity_id"]
        new = event.data["new_state"]
        if new is None or new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        runner = self.runner
        if entity_id in runner.leaving:
            self.hass.async_create_task(runner.async_leave_late(entity_id))
        if (active := runner.runs.get(entity_id)) is not None:
            self._thermostat_changed(entity_id, active)
        for thermostat, gravity in list(runner.runs.items()):
            if gravity.run.gravity_source == entity_id:
                self._gravity_changed(thermostat, gravity, new, new.last_updated)

    @callback
    def _is_gravity_source(self, data: EventStateReportedData) -> bool:
        return any(a.run.gravity_source == data["entity_id"] for a in self.runner.runs.values())

    @callback
    def _async_state_reported(self, event: Event[EventStateReportedData]) -> None:
        """
        A gravity sensor read the same again: a reading as well.

        A stable gravity sends no state change, only reports: `stable` needs them.
        """
        new = event.data["new_state"]
        if new.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return
        for thermostat, active in list(self.runner.runs.items()):
            if active.run.gravity_source == event.data["entity_id"]:
                self._gravity_changed(thermostat, active, new, event.data["last_reported"])

    def _thermostat_changed(self, entity_id: str, active: Active) -> None:
        if active.writing or active.run.paused:
            return
        runner = self.runner
        if active.waiting:
            self.hass.async_create_task(runner.async_update(entity_id, dt_util.utcnow()))
            return
        target = active.target
        shown = target.shown
        tolerance = target.step / 2 + 0.06
        ours = any(
            (shown is None and value is None)
            or (shown is not None and value is not None and abs(shown - value) <= tolerance)
            for value in active.accepted
        )
        if active.applied is not None and not target.followed:
            reason = "its mode was changed on the thermostat"
        elif ours:
            return
        elif shown is None:
            reason = "it was turned off by hand"
        else:
            reason = f"its setpoint was changed to {shown:g} by hand"
        _LOGGER.info("Profile %s on %s paused: %s", active.run.profile.name, entity_id, reason)
        self.hass.async_create_task(runner.async_pause(entity_id, reason))

    def _gravity_changed(self, entity_id: str, active: Active, state: State, at: datetime) -> None:
        try:
            value = float(state.state)
        except ValueError:
            return
        if (sg := specific_gravity(value, state.attributes.get(ATTR_UNIT_OF_MEASUREMENT))) is None:
            return
        active.run.history.add(Reading(at, sg))
        self.hass.async_create_task(self.runner.async_update(entity_id, dt_util.utcnow()))
