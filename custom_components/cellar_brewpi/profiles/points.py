"""
Steps as Fermentrack's and BrewPi Remix's points, and back.

A point is a time since the start and the temperature reached then (`None`: control off). The
first point's temperature is held until its time; between two points the temperature moves
linearly (equal temperatures: a hold; the same time twice: a jump); a span that begins or ends at
control off is off (BrewPi Remix).
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from .models import Hold, Profile, Ramp, Step, Temperature

type Point = tuple[timedelta, Temperature | None]


def steps_from_points(points: list[Point]) -> tuple[Step, ...]:
    """The steps that go through `points` (in time order)."""
    first_time, first = points[0]
    steps: list[Step] = [Hold(first, first_time)]
    for (before_time, before), (time, temperature) in pairwise(points):
        span = time - before_time
        if before is None or temperature is None:
            steps.append(Hold(None, span))
            if temperature is not None:
                steps.append(Hold(temperature, timedelta(0)))  # where the next span starts
        elif temperature == before:
            steps.append(Hold(temperature, span))
        else:
            steps.append(Ramp(temperature, span))
    return tuple(steps)


def points_from_steps(profile: Profile) -> list[Point]:
    """The points of a profile's steps (gravity conditions are left out: points have none)."""
    points: list[Point] = []
    time = timedelta(0)
    end: Temperature | None = None
    for index, step in enumerate(profile.steps):
        duration = step.duration or timedelta(0)
        if isinstance(step, Ramp):
            time += duration
            points.append((time, step.temperature))
        elif index == 0:
            time = duration
            points.append((time, step.temperature))
        elif step.temperature is None:
            time += duration
            if end is not None or duration:
                points.append((time, None))
        elif step.temperature == end:
            time += duration
            points.append((time, step.temperature))
        else:  # a jump at the hold's start
            points.append((time, step.temperature))
            if duration:
                time += duration
                points.append((time, step.temperature))
        end = step.temperature
    return points
