"""
The step language a brewer types: one step per line.

```
hold 18 C for 3d
hold 19 C for 10d or gravity 1.012
hold 19 C for 2d and stable 1@48
hold 20 C for 14d or attenuation 75% and stable 1@24
ramp to 21 C over 2d
off for 1d
hold 2 C
```

A hold's conditions: `gravity 1.012` (at or below), `attenuation 75%` (of the original gravity),
`stable 1@48` (at most 1 point of change over 48 hours, BrewPiLess's notation); joined by `and`,
after the duration with `or` (whichever comes first) or `and` (both). The last step may have no
duration: it is held for good.
"""

from __future__ import annotations

import re
from datetime import timedelta

from .durations import format_duration, parse_duration
from .errors import ProfileError
from .models import Combine, Gravity, Hold, Profile, Ramp, Step, Temperature, Unit

_TEMP = r"(?P<temp>-?\d+(?:\.\d+)?)\s*°?\s*(?P<unit>[CFcf])"
_HOLD = re.compile(
    rf"hold\s+{_TEMP}(?:\s+for\s+(?P<duration>\S+)(?:\s+(?P<combine>or|and)\s+(?P<conds>.+))?)?",
    re.IGNORECASE,
)
_RAMP = re.compile(rf"ramp\s+(?:to\s+)?{_TEMP}\s+over\s+(?P<duration>\S+)", re.IGNORECASE)
_OFF = re.compile(r"off(?:\s+for\s+(?P<duration>\S+))?", re.IGNORECASE)
_GRAVITY = re.compile(r"gravity\s+(?:<=\s*)?(?P<sg>\d(?:\.\d+)?)", re.IGNORECASE)
_ATTENUATION = re.compile(r"attenuation\s+(?:>=\s*)?(?P<pct>\d+(?:\.\d+)?)\s*%", re.IGNORECASE)
_STABLE = re.compile(
    r"stable\s+(?P<points>\d+(?:\.\d+)?)\s*@\s*(?P<hours>\d+(?:\.\d+)?)\s*h?", re.IGNORECASE
)
EXAMPLE = "hold 18 C for 3d, ramp to 21 C over 2d, off for 1d"


def read(name: str, text: str) -> Profile:
    """The profile named `name` with the steps of `text`; a `ProfileError` with the line."""
    steps: list[Step] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            steps.append(_step(line, number))
    try:
        return Profile(name.strip(), tuple(steps)).validate()
    except ProfileError as err:
        raise ProfileError(err.reason, _line_of(text, err.reason)) from None


def _line_of(text: str, reason: str) -> int | None:
    """The line of the step a validation reason names ("step 3: ...")."""
    match = re.match(r"step (\d+):", reason)
    if match is None:
        return None
    wanted, seen = int(match[1]), 0
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.split("#", 1)[0].strip():
            seen += 1
            if seen == wanted:
                return number
    return None


def _temperature(match: re.Match[str]) -> Temperature:
    return Temperature(float(match["temp"]), Unit(match["unit"].upper()))


def _step(line: str, number: int) -> Step:
    if match := _HOLD.fullmatch(line):
        duration = _duration(match["duration"], number)
        gravity = _conditions(match["conds"], number) if match["conds"] else Gravity()
        combine = Combine(match["combine"].lower()) if match["combine"] else Combine.EITHER
        return Hold(_temperature(match), duration, gravity, combine)
    if match := _RAMP.fullmatch(line):
        duration = parse_duration(match["duration"], number)
        return Ramp(_temperature(match), duration)
    if match := _OFF.fullmatch(line):
        return Hold(None, _duration(match["duration"], number))
    raise ProfileError(f"{line!r} is not a step like {EXAMPLE}", number)


def _duration(text: str | None, number: int) -> timedelta | None:
    return None if text is None else parse_duration(text, number)


def _conditions(text: str, number: int) -> Gravity:
    values: dict[str, float] = {}
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        if match := _GRAVITY.fullmatch(part):
            values["at_most"] = float(match["sg"])
        elif match := _ATTENUATION.fullmatch(part):
            values["attenuation"] = float(match["pct"])
        elif match := _STABLE.fullmatch(part):
            values["stable_points"] = float(match["points"])
            values["stable_hours"] = float(match["hours"])
        else:
            raise ProfileError(
                f"{part!r} is not a condition like gravity 1.012, attenuation 75%, stable 1@48",
                number,
            )
    return Gravity(**values)


def write(profile: Profile) -> str:
    """The steps of `profile`, one a line, as `read` reads them."""
    return "\n".join(_line(step) for step in profile.steps) + "\n"


def _temp(temperature: Temperature) -> str:
    return f"{_number(temperature.value)} {temperature.unit}"


def _number(value: float) -> str:
    """`value` as short as it reads back exactly."""
    return repr(value).removesuffix(".0")


def _line(step: Step) -> str:
    if isinstance(step, Ramp):
        return f"ramp to {_temp(step.temperature)} over {format_duration(step.duration)}"
    duration = "" if step.duration is None else f" for {format_duration(step.duration)}"
    if step.temperature is None:
        return f"off{duration}"
    line = f"hold {_temp(step.temperature)}{duration}"
    conditions = []
    if step.gravity.at_most is not None:
        conditions.append(f"gravity {_number(step.gravity.at_most)}")
    if step.gravity.attenuation is not None:
        conditions.append(f"attenuation {_number(step.gravity.attenuation)}%")
    if (points := step.gravity.stable_points) is not None:
        hours = step.gravity.stable_hours or 0
        conditions.append(f"stable {_number(points)}@{_number(hours)}")
    if conditions:
        line += f" {step.combine} " + " and ".join(conditions)
    return line
