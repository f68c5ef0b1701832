"""
A profile running on one thermostat: its own copy of the profile and its clock.

The run's clock is the time since its start less the time it was paused; the steps ended so far
are remembered on that clock. That, the start and the pauses are all a run stores: where it is at
any later time follows from them, also after the host was down in the middle of a ramp.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from .errors import ProfileError
from .gravity import GravityHistory
from .models import Profile, Unit
from .plain import from_dict, to_dict
from .schedule import Position, position


@dataclass(frozen=True, slots=True)
class Run:
    """One run of a profile. Immutable: every change returns a new run."""

    profile: Profile
    started_at: datetime
    ended: tuple[timedelta, ...] = ()
    paused_at: datetime | None = None
    paused_for: timedelta = timedelta(0)
    pause_reason: str | None = None
    original_gravity: float | None = None
    gravity_source: str | None = None  # where the gravity readings come from (an entity id)
    history: GravityHistory = field(default_factory=GravityHistory, compare=False)

    def __post_init__(self) -> None:
        """The gravity history judges attenuation against this run's original gravity."""
        self.history.original_gravity = self.original_gravity

    @classmethod
    def start(
        cls,
        profile: Profile,
        now: datetime,
        *,
        step: int = 0,
        elapsed: timedelta = timedelta(0),
        original_gravity: float | None = None,
        gravity_source: str | None = None,
    ) -> Run:
        """A run started `now`, part-way: at step `step` (0-based), then `elapsed` further on."""
        if not 0 <= step < len(profile.steps):
            raise ProfileError(f"the profile has no step {step + 1}")
        ends: list[timedelta] = []
        for before in profile.steps[:step]:
            ends.append((ends[-1] if ends else timedelta(0)) + (before.duration or timedelta(0)))
        offset = (ends[-1] if ends else timedelta(0)) + elapsed
        return cls(
            profile,
            now - offset,
            tuple(ends),
            original_gravity=original_gravity,
            gravity_source=gravity_source,
        )

    @property
    def paused(self) -> bool:
        """Whether the run is paused (its clock stands still)."""
        return self.paused_at is not None

    def clock(self, now: datetime) -> timedelta:
        """The run's clock `now`: the time since the start, less the time paused."""
        stopped = now - self.paused_at if self.paused_at is not None else timedelta(0)
        return max(timedelta(0), now - self.started_at - self.paused_for - stopped)

    def wall_time(self, clock: timedelta, now: datetime) -> datetime:
        """When the run's clock shows `clock`, if it runs on from `now`."""
        return now + (clock - self.clock(now))

    def position(self, now: datetime, unit: Unit) -> Position:
        """Where the run is `now`, its temperatures in `unit`."""
        return position(
            self.profile,
            self.clock(now),
            unit,
            self.ended,
            lambda gravity: self.history.met(gravity, now),
        )

    def remember(self, where: Position) -> Run:
        """The run with the step ends `where` found remembered."""
        return self if where.ended == self.ended else replace(self, ended=where.ended)

    def pause(self, now: datetime, reason: str | None = None) -> Run:
        """The run paused `now` (its clock stops), with why."""
        if self.paused_at is not None:
            return replace(self, pause_reason=reason or self.pause_reason)
        return replace(self, paused_at=now, pause_reason=reason)

    def resume(self, now: datetime) -> Run:
        """The run going on from where it was paused."""
        if self.paused_at is None:
            return self
        return replace(
            self,
            paused_at=None,
            paused_for=self.paused_for + (now - self.paused_at),
            pause_reason=None,
        )

    def next_step(self, now: datetime, unit: Unit) -> Run:
        """The run with its current step ended `now`."""
        where = self.position(now, unit)
        if where.finished:
            return self.remember(where)
        return replace(self, ended=(*where.ended, self.clock(now)))

    def to_dict(self) -> dict[str, Any]:
        """The run as plain data (JSON-safe), for storing."""
        return {
            "profile": to_dict(self.profile),
            "started_at": self.started_at.isoformat(),
            "ended": [end.total_seconds() for end in self.ended],
            "paused_at": None if self.paused_at is None else self.paused_at.isoformat(),
            "paused_for": self.paused_for.total_seconds(),
            "pause_reason": self.pause_reason,
            "original_gravity": self.original_gravity,
            "gravity_source": self.gravity_source,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        """A run stored with `to_dict`."""
        paused_at = data.get("paused_at")
        original_gravity = data.get("original_gravity")
        return cls(
            from_dict(data["profile"]),
            datetime.fromisoformat(data["started_at"]),
            tuple(timedelta(seconds=s) for s in data.get("ended", ())),
            None if paused_at is None else datetime.fromisoformat(paused_at),
            timedelta(seconds=data.get("paused_for", 0)),
            data.get("pause_reason"),
            original_gravity,
            data.get("gravity_source"),
        )
