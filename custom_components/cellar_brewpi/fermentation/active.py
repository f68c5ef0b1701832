"""A profile run on its thermostat, with what it has done to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from homeassistant.util import dt as dt_util

from ..profiles import Position, Run
from .targets import Target

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class Active:
    """A run and what it has done to its thermostat."""

    run: Run
    target: Target
    position: Position | None = None
    applied: float | None = None  # the last target written, rounded; None: none yet
    applied_at: datetime | None = None
    accepted: set[float | None] = field(default_factory=set)  # targets the run wrote
    waiting: bool = True  # the thermostat still has to get the target for now
    writing: bool = False
    shown: object = None  # what the profile entities were last told

    def view(self) -> object:
        """What the profile entities show of the run (they are told when it changes)."""
        where = self.position
        if where is None:
            return None
        return (
            where.step,
            where.target,
            round(where.progress, 3),
            where.step_ends,
            self.run.paused,
            self.run.pause_reason,
        )

    def log_resumed(self, now: datetime) -> None:
        """Log where a stored run goes on after a restart, and the steps that ended meanwhile."""
        run, entity_id = self.run, self.target.entity_id
        where = run.position(now, self.target.unit)
        missed = len(where.ended) - len(run.ended)
        if missed > 0:
            first = len(run.ended) + 1
            ends = ", ".join(
                f"step {number} at {dt_util.as_local(run.wall_time(end, now)):%Y-%m-%d %H:%M}"
                for number, end in enumerate(where.ended[len(run.ended) :], first)
            )
            _LOGGER.info(
                "Profile %s on %s: while Home Assistant was not running, %s ended",
                run.profile.name,
                entity_id,
                ends,
            )
        _LOGGER.info(
            "Profile %s on %s goes on at %s: %s",
            run.profile.name,
            entity_id,
            "the end" if where.step is None else f"step {where.step + 1}",
            "paused" if run.paused else f"target {where.target}",
        )
