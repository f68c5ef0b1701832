"""Steps in words, as Fermentrack's `to_english` puts them: "Heat to 21 °C over the next 2 days"."""

from __future__ import annotations

from .durations import describe_duration
from .models import Combine, Hold, Profile, Ramp, Temperature, Unit


def _conditions(step: Hold) -> str:
    gravity = step.gravity
    parts = []
    if gravity.at_most is not None:
        parts.append(f"the gravity is at most {gravity.at_most:.3f}")
    if gravity.attenuation is not None:
        parts.append(f"the attenuation reaches {gravity.attenuation:g} %")
    if gravity.stable_points is not None:
        parts.append(
            f"the gravity has moved at most {gravity.stable_points:g} point(s)"
            f" in {gravity.stable_hours:g} hours"
        )
    return " and ".join(parts)


def describe(profile: Profile, index: int) -> str:
    """What the step at `index` does, in a sentence."""
    step = profile.steps[index]
    last = index == len(profile.steps) - 1
    if isinstance(step, Ramp):
        start = profile.start_temperature(index)
        direction = "Heat" if start is None or _warmer(step.temperature, start) else "Cool"
        if not step.duration:
            return f"{direction} to {step.temperature} at once"
        return f"{direction} to {step.temperature} over the next {describe_duration(step.duration)}"
    what = (
        "Turn temperature control off" if step.temperature is None else f"Hold {step.temperature}"
    )
    if step.duration is None:
        return f"{what} for good" if last else what
    sentence = f"{what} for {describe_duration(step.duration)}"
    if step.gravity:
        joint = "or until" if step.combine is Combine.EITHER else "and then until"
        sentence += f", {joint} {_conditions(step)}"
    if last:
        sentence += f"; then hold {step.temperature} for good" if step.temperature else ""
    return sentence


def _warmer(a: Temperature, b: Temperature) -> bool:
    return a.to(Unit.CELSIUS) > b.to(Unit.CELSIUS)
