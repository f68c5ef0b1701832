"""
The profile runs of every thermostat: started, ticked, stored, and watched.

One runner per Home Assistant (set up with the integration, not with an entry). Every 30 s, and
when a thermostat or a gravity sensor changes (`watch`), each run works out its target and writes
it to its thermostat only when it changed (rounded to the thermostat's step), at most every 30 s,
as Fermentrack does. Runs are stored after every change, with their start, step ends and pauses
only: after a restart each run applies the target for now at once and logs the steps it missed.
A setpoint changed by hand pauses the run and raises a repair issue that says so. With no run
(and no thermostat left to release), the runner neither ticks nor listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from ..audit import fire_setpoint_changed
from ..const import DOMAIN
from ..profiles import Position, Run, describe
from .active import Active
from .targets import Target
from .watch import Watch

_LOGGER = logging.getLogger(__name__)

DATA_RUNNER: HassKey[ProfileRunner] = HassKey(f"{DOMAIN}_profile_runner")
STORE_KEY = f"{DOMAIN}.profile_runs"
STORE_VERSION = 1
TICK = timedelta(seconds=30)
MIN_WRITE_INTERVAL = timedelta(seconds=30)  # Fermentrack's: at most one beerSet every 30 s
EVENT_STEP = f"{DOMAIN}_profile_step"
EVENT_FINISHED = f"{DOMAIN}_profile_finished"
EVENT_PAUSED = f"{DOMAIN}_profile_paused"


def signal_run(entity_id: str) -> str:
    """The dispatcher signal a thermostat's run changed on."""
    return f"{DOMAIN}_profile_run_{entity_id}"


SIGNAL_PROFILES = f"{DOMAIN}_profiles_changed"


class ProfileRunner:
    """Every run, by its thermostat's entity id."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing loaded yet."""
        self.hass = hass
        self.runs: dict[str, Active] = {}
        self._store: Store[dict[str, Any]] = Store(hass, STORE_VERSION, STORE_KEY)
        self._following: list[Callable[[], None]] = []  # the timer and the listeners, while any
        self.leaving: dict[str, tuple[Target, float | None]] = {}  # thermostats to release
        self.context = Context()

    async def async_setup(self) -> None:
        """Load the stored runs and apply each one's target for now."""
        stored = await self._store.async_load() or {}
        now = dt_util.utcnow()
        for entity_id, data in stored.get("runs", {}).items():
            try:
                run = Run.from_dict(data)
            except (KeyError, TypeError, ValueError) as err:
                _LOGGER.warning("A stored profile run of %s could not be read: %s", entity_id, err)
                continue
            active = Active(run, Target(self.hass, entity_id, self.context))
            self.runs[entity_id] = active
            active.log_resumed(now)
        self._follow()
        for entity_id in list(self.runs):
            await self.async_update(entity_id, now)

    @property
    def following(self) -> bool:
        """Whether the runner ticks and listens: only while a run or a thermostat to release is."""
        return bool(self._following)

    def _follow(self) -> None:
        """Tick and listen while there is a run or a thermostat to release; else cost nothing."""
        if (self.runs or self.leaving) and not self._following:
            self._following = [
                async_track_time_interval(self.hass, self.async_tick, TICK, name="profile runs"),
                *Watch(self).listen(),
            ]
        elif not (self.runs or self.leaving):
            self.async_shutdown()

    def async_shutdown(self) -> None:
        """Stop ticking and listening."""
        while self._following:
            self._following.pop()()

    # What the actions do

    async def async_start(self, entity_id: str, run: Run) -> None:
        """Run `run` on the thermostat (replacing any run there)."""
        target = Target(self.hass, entity_id, self.context)
        self.leaving.pop(entity_id, None)  # the new run takes it over
        self.runs[entity_id] = Active(run, target)
        self._follow()
        self._clear_issue(entity_id)
        await self._async_save()
        await self.async_update(entity_id, dt_util.utcnow(), force=True)

    async def async_stop(self, entity_id: str) -> None:
        """End the run; the thermostat holds the target it has."""
        active = self.runs.pop(entity_id)
        self._clear_issue(entity_id)
        await self._async_save()
        await self._async_leave(active)
        self._follow()
        self._notify(entity_id)

    async def async_pause(self, entity_id: str, reason: str | None = None) -> None:
        """Stop the run's clock; the thermostat holds its target on its own."""
        active = self.runs[entity_id]
        active.run = active.run.pause(dt_util.utcnow(), reason)
        await self._async_save()
        if reason is None:
            await self._async_leave(active)
        else:
            self._raise_issue(entity_id, active, reason)
        self.hass.bus.async_fire(
            EVENT_PAUSED,
            {"entity_id": entity_id, "profile": active.run.profile.name, "reason": reason},
        )
        self._notify(entity_id)

    async def async_resume(self, entity_id: str) -> None:
        """Go on from where the run was paused."""
        active = self.runs[entity_id]
        active.run = active.run.resume(dt_util.utcnow())
        active.applied = active.applied_at = None  # what it was set to by hand is not the run's
        self._clear_issue(entity_id)
        await self._async_save()
        await self.async_update(entity_id, dt_util.utcnow(), force=True)

    async def async_next_step(self, entity_id: str) -> None:
        """End the current step now."""
        active = self.runs[entity_id]
        now = dt_util.utcnow()
        before, unit = active.run, active.target.unit
        where = before.next_step(now, unit).position(now, unit)
        active.run = before.remember(where)
        await self._async_save()
        self._fire_steps(entity_id, before, where)
        await self.async_update(entity_id, now, force=True)

    # The runs' work

    async def async_tick(self, now: datetime) -> None:
        """What the timer runs every 30 s: every run works out its target for `now`."""
        for entity_id in list(self.runs):
            await self.async_update(entity_id, now)

    async def async_update(self, entity_id: str, now: datetime, *, force: bool = False) -> None:
        """Work out the run's position; record ended steps; write the target if it changed."""
        if (active := self.runs.get(entity_id)) is None:
            return
        run, target = active.run, active.target
        where = run.position(now, target.unit)
        if where.ended != run.ended:
            active.run = run.remember(where)
            await self._async_save()
            self._fire_steps(entity_id, run, where)
        active.position = where
        if where.finished:
            await self._async_finish(entity_id, active)
            return
        if (view := active.view()) != active.shown:
            active.shown = view
            self._notify(entity_id)
        if active.run.paused or not target.available:
            return
        value = target.rounded(where.target)
        if not (
            active.waiting or value != active.applied or (value is not None and not target.followed)
        ):
            return
        if (
            not force
            and not active.waiting
            and active.applied_at is not None
            and now - active.applied_at < MIN_WRITE_INTERVAL
        ):
            return
        if value is not None and target.followed and target.rounded(target.shown) == value:
            # It has the target already: a write that arrived as its link dropped (and so was
            # reported failed), or one made before a restart. Writing again is no change.
            _LOGGER.debug("Profile %s: %s has %s already", run.profile.name, entity_id, value)
            active.accepted = {value} if active.applied_at is None else {active.applied, value}
            active.applied, active.waiting = value, False
            target.show(True)  # noqa: FBT003
            return
        await self._async_write(entity_id, active, value, now)

    async def _async_write(
        self, entity_id: str, active: Active, value: float | None, now: datetime
    ) -> None:
        active.writing = True
        before = active.target.shown
        try:
            await active.target.async_follow(value)
        except HomeAssistantError as err:
            if not active.waiting:
                _LOGGER.warning(
                    "Profile %s: %s did not take %s (%s); it gets it once it answers",
                    active.run.profile.name,
                    entity_id,
                    value,
                    err,
                )
            active.waiting = True
            return
        finally:
            active.writing = False
        # The target before it too (a state still on its way); none before the run's first write.
        _LOGGER.debug("Profile %s: %s took %s", active.run.profile.name, entity_id, value)
        self._fire_written(active, before, value)
        active.accepted = {value} if active.applied_at is None else {active.applied, value}
        active.applied, active.applied_at, active.waiting = value, now, False
        active.target.show(True)  # noqa: FBT003

    def _fire_written(self, active: Active, before: float | None, value: float | None) -> None:
        """The audit trail's event for a target the run wrote, with its context and name."""
        target = active.target
        fire_setpoint_changed(
            self.hass,
            target.entity_id,
            before=before,
            after=value,
            unit=f"°{target.unit}",
            context=self.context,
            profile=active.run.profile.name,
        )

    def _fire_steps(self, entity_id: str, before: Run, where: Position) -> None:
        """An event for each step that began since `before`."""
        profile = before.profile
        for number in range(len(before.ended) + 1, len(where.ended) + 1):
            if number < len(profile.steps):
                self.hass.bus.async_fire(
                    EVENT_STEP,
                    {
                        "entity_id": entity_id,
                        "profile": profile.name,
                        "step": number + 1,
                        "steps": len(profile.steps),
                        "description": describe(profile, number),
                    },
                )

    async def _async_finish(self, entity_id: str, active: Active) -> None:
        """
        Past the last step: hold its temperature on the thermostat's own, forget the run.

        A thermostat that cannot take it now (offline as the profile ended) keeps the run until
        it answers: forgotten, it would hold the last target the ramp gave it.
        """
        if active.writing:
            return
        last = active.position.target if active.position else None
        if not active.target.available:
            active.waiting = True
            return
        active.writing = True
        value = active.target.rounded(last)
        before = active.target.shown
        try:
            await active.target.async_leave(value)
            if value is not None and active.target.rounded(active.target.shown) != value:
                # A vessel holds what it has: after a jump past the end (or a restart), not
                # the last temperature yet.
                await active.target.async_follow(value)
        except HomeAssistantError as err:
            if not active.waiting:
                _LOGGER.warning(
                    "Profile %s ended, but %s did not take its last temperature (%s); "
                    "it gets it once it answers",
                    active.run.profile.name,
                    entity_id,
                    err,
                )
            active.waiting = True
            return
        finally:
            active.writing = False
        self._fire_written(active, before, value)
        if self.runs.get(entity_id) is active:
            del self.runs[entity_id]
            self._follow()
            await self._async_save()
        active.target.show(False)  # noqa: FBT003
        self.hass.bus.async_fire(
            EVENT_FINISHED, {"entity_id": entity_id, "profile": active.run.profile.name}
        )
        self._notify(entity_id)

    async def _async_leave(self, active: Active) -> None:
        """
        The thermostat holds the run's target of now on its own (a BrewPi: beer constant).

        One that cannot be reached now gets it once it is back (`leaving`): a BrewPi left in
        mode `p` would hold the profile's last target with no profile running.
        """
        where = active.position
        value = active.target.rounded(where.target) if where else None
        value = value if value is not None else active.applied
        entity_id = active.target.entity_id
        self.leaving.pop(entity_id, None)
        if not active.target.available:
            self.leaving[entity_id] = (active.target, value)
        else:
            try:
                await active.target.async_leave(value)
            except HomeAssistantError as err:
                _LOGGER.warning("%s did not hold its target: %s", entity_id, err)
                self.leaving[entity_id] = (active.target, value)
        active.target.show(False)  # noqa: FBT003

    async def async_leave_late(self, entity_id: str) -> None:
        """A thermostat that was away as its run stopped or paused, back: it holds that target."""
        leaving = self.leaving.pop(entity_id, None)
        self._follow()
        active = self.runs.get(entity_id)
        if leaving is None or (active is not None and not active.run.paused):
            return
        target, value = leaving
        try:
            await target.async_leave(value)
        except HomeAssistantError as err:
            _LOGGER.warning("%s did not hold its target: %s", entity_id, err)

    # Storing, telling

    async def _async_save(self) -> None:
        await self._store.async_save(
            {"runs": {entity_id: a.run.to_dict() for entity_id, a in self.runs.items()}}
        )

    def _notify(self, entity_id: str) -> None:
        async_dispatcher_send(self.hass, signal_run(entity_id))

    def _raise_issue(self, entity_id: str, active: Active, reason: str) -> None:
        state = self.hass.states.get(entity_id)
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"profile_paused_{entity_id}",
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="profile_paused",
            translation_placeholders={
                "thermostat": state.name if state else entity_id,
                "entity_id": entity_id,
                "profile": active.run.profile.name,
                "reason": reason,
            },
        )

    def _clear_issue(self, entity_id: str) -> None:
        ir.async_delete_issue(self.hass, DOMAIN, f"profile_paused_{entity_id}")


def get_runner(hass: HomeAssistant) -> ProfileRunner:
    """The runner (set up with the integration)."""
    return hass.data[DATA_RUNNER]
