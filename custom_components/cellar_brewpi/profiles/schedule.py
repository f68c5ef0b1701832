"""
Where a running profile is: the target now, the step, its progress, the next change.

Fermentrack's semantics, step by step: a hold gives its temperature as it is; a ramp moves from
where the step before it ended to its temperature, linearly, rounded to 0.1 degree (a ramp to the
same temperature is a hold); each step starts where the one before it ended; past the last step
its temperature is held. A step ends when its duration has run, and a hold with gravity
conditions when those are met (before its duration, or only after it: `Combine`).

Time is the run's own clock: the time since the start, less the time paused. Steps a gravity
condition ended are remembered by the run (`ended`), so the position needs no gravity history
for the past: what happened while nothing was watching is whatever the durations say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from .models import Combine, Gravity, Hold, Profile, Ramp, Unit

type GravityMet = Callable[[Gravity], bool]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a profile is on its run's clock."""

    step: int | None  # the current step's index; None once finished
    target: float | None  # in the unit asked for; None: control off
    step_started: timedelta
    step_ends: timedelta | None  # None: not known yet (gravity), or the last step held for good
    ended: tuple[timedelta, ...]  # when each step before the current one ended
    progress: float  # 0 to 1, of the planned durations
    finished: bool


def _never(_: Gravity) -> bool:
    return False


def _planned_end(step: Hold | Ramp, started: timedelta) -> timedelta | None:
    return None if step.duration is None else started + step.duration


def position(
    profile: Profile,
    elapsed: timedelta,
    unit: Unit,
    ended: Sequence[timedelta] = (),
    gravity_met: GravityMet = _never,
) -> Position:
    """
    The position `elapsed` into the run (its clock), in `unit`.

    `ended` are the ends of the steps that have ended so far, as remembered; the steps after them
    end by their durations, and a hold with gravity conditions also when `gravity_met` says so
    now. The ends found here are in `Position.ended`, for the run to remember.
    """
    steps = profile.steps
    ends = list(ended[: len(steps)])
    started = ends[-1] if ends else timedelta(0)
    while len(ends) < len(steps):
        step = steps[len(ends)]
        end = _planned_end(step, started)
        if isinstance(step, Hold) and step.gravity:
            met = gravity_met(step.gravity)
            if step.combine is Combine.EITHER:
                end = elapsed if met and (end is None or elapsed < end) else end
            elif end is not None and elapsed >= end:
                end = elapsed if met else None
        if end is None or elapsed < end:
            break
        ends.append(end)
        started = end
    index = len(ends)
    if index == len(steps):
        return Position(
            step=None,
            target=_temperature(profile, len(steps) - 1, unit),
            step_started=started,
            step_ends=None,
            ended=tuple(ends),
            progress=1.0,
            finished=True,
        )
    step = steps[index]
    end = _planned_end(step, started)
    if isinstance(step, Hold) and step.gravity and step.combine is Combine.BOTH:
        end = end if end is not None and elapsed < end else None
    return Position(
        step=index,
        target=_target(profile, index, elapsed - started, unit),
        step_started=started,
        step_ends=end,
        ended=tuple(ends),
        progress=_progress(profile, index, elapsed - started),
        finished=False,
    )


def _temperature(profile: Profile, index: int, unit: Unit) -> float | None:
    temperature = profile.steps[index].temperature
    return None if temperature is None else temperature.to(unit)


def _target(profile: Profile, index: int, into: timedelta, unit: Unit) -> float | None:
    step = profile.steps[index]
    if isinstance(step, Hold):
        return _temperature(profile, index, unit)
    start = profile.start_temperature(index)
    assert start is not None  # noqa: S101 - validate() refuses a ramp out of control off
    low, high = start.to(unit), step.temperature.to(unit)
    if low == high:
        return high
    seconds = step.duration.total_seconds()
    if seconds <= 0:
        return high
    slope = (high - low) / seconds  # slope first, as Fermentrack: the same rounding at x.x5
    return round(into.total_seconds() * slope + low, 1)


def _progress(profile: Profile, index: int, into: timedelta) -> float:
    total = profile.planned_duration().total_seconds()
    if total <= 0:
        return 0.0
    done = sum((s.duration or timedelta(0)).total_seconds() for s in profile.steps[:index])
    current = (profile.steps[index].duration or timedelta(0)).total_seconds()
    return min(1.0, (done + min(into.total_seconds(), current)) / total)
