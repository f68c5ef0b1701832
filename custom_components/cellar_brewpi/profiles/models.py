"""
A fermentation profile: a name and an ordered list of steps.

A step is a `Hold` (a temperature held for a duration, optionally ended by gravity instead) or a
`Ramp` (to a temperature, linearly over a duration, from where the step before it ended).
Temperatures carry their unit; `None` as a hold's temperature turns control off for that span
(BrewPi Remix's empty cell). The first step is always a hold: the temperature to pitch at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum


class Unit(StrEnum):
    """A temperature unit."""

    CELSIUS = "C"
    FAHRENHEIT = "F"


def convert(value: float, unit: Unit, to: Unit) -> float:
    """`value` in `unit`, converted to `to`."""
    if unit is to:
        return value
    if to is Unit.CELSIUS:
        return (value - 32) * 5 / 9
    return value * 9 / 5 + 32


@dataclass(frozen=True, slots=True)
class Temperature:
    """A temperature with its unit."""

    value: float
    unit: Unit

    def to(self, unit: Unit) -> float:
        """The value in `unit`."""
        return convert(self.value, self.unit, unit)

    def __str__(self) -> str:
        """As a brewer writes it: `18 °C`."""
        return f"{self.value:g} °{self.unit}"


class Combine(StrEnum):
    """How a hold's duration and its gravity conditions end it together."""

    EITHER = "or"  # the duration is the longest it is held: gravity may end it earlier
    BOTH = "and"  # the duration is the shortest: it ends once gravity is there too


@dataclass(frozen=True, slots=True)
class Gravity:
    """
    Gravity conditions of a hold; each one given must hold (they are combined with "and").

    - `at_most`: the specific gravity is at or below this (e.g. 1.012);
    - `attenuation`: the apparent attenuation of the batch's original gravity is at least this
      many percent (e.g. 75);
    - `stable_points` / `stable_hours`: the gravity changed by at most so many points
      (0.001 each) over the last so many hours. Combine it with another condition: in the lag
      after pitching the gravity is stable too.
    """

    at_most: float | None = None
    attenuation: float | None = None
    stable_points: float | None = None
    stable_hours: float | None = None

    def __bool__(self) -> bool:
        """Whether there is any condition."""
        return any(
            value is not None for value in (self.at_most, self.attenuation, self.stable_points)
        )


@dataclass(frozen=True, slots=True)
class Hold:
    """Hold a temperature (`None`: control off) for `duration` (`None`: for good, last only)."""

    temperature: Temperature | None
    duration: timedelta | None
    gravity: Gravity = field(default_factory=Gravity)
    combine: Combine = Combine.EITHER


@dataclass(frozen=True, slots=True)
class Ramp:
    """Move linearly to `temperature` over `duration` (zero: at once)."""

    temperature: Temperature
    duration: timedelta


type Step = Hold | Ramp

MAX_DURATION = timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class Profile:
    """A named, ordered list of steps; `validate` says whether it can run."""

    name: str
    steps: tuple[Step, ...]

    def validate(self) -> Profile:
        """The profile itself; a `ProfileError` naming the step when it cannot run."""
        from .errors import ProfileError  # noqa: PLC0415 - errors imports nothing of this

        if not self.name.strip():
            raise ProfileError("a profile needs a name")
        if not self.steps:
            raise ProfileError("a profile needs at least one step")
        if not isinstance(self.steps[0], Hold):
            raise ProfileError("step 1: a profile starts with a hold (the temperature to pitch at)")
        for number, step in enumerate(self.steps, 1):
            last = number == len(self.steps)
            if step.duration is None and not last:
                raise ProfileError(f"step {number}: only the last step may have no duration")
            if step.duration is not None and not (timedelta(0) <= step.duration <= MAX_DURATION):
                raise ProfileError(f"step {number}: the duration must be 0 to 10 years")
            if step.temperature is not None and not math.isfinite(step.temperature.value):
                raise ProfileError(f"step {number}: the temperature is not a number")
            if isinstance(step, Ramp) and self._before(number - 1) is None:
                raise ProfileError(f"step {number}: a ramp cannot start from control off")
            if isinstance(step, Hold) and step.gravity and step.duration is None:
                raise ProfileError(
                    f"step {number}: a hold with gravity conditions needs a duration"
                )
            if (
                isinstance(step, Hold)
                and step.gravity.stable_points is not None
                and not step.gravity.stable_hours
            ):
                raise ProfileError(f"step {number}: a stable gravity needs its hours")
        return self

    def _before(self, index: int) -> Temperature | None:
        """The temperature the step at `index` starts from: where the step before it ended."""
        return self.steps[index - 1].temperature if index > 0 else None

    def start_temperature(self, index: int) -> Temperature | None:
        """Where the step at `index` starts (a ramp starts where the step before it ended)."""
        step = self.steps[index]
        return self._before(index) if isinstance(step, Ramp) else step.temperature

    def temperatures(self, unit: Unit) -> list[float]:
        """Every temperature the profile names, in `unit` (control off left out)."""
        return [s.temperature.to(unit) for s in self.steps if s.temperature is not None]

    def planned_duration(self) -> timedelta:
        """The steps' durations added up (the last one's, when it has none, counts as zero)."""
        return sum((s.duration or timedelta(0) for s in self.steps), timedelta(0))
