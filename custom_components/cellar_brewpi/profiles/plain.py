"""
A profile as plain data (a dict, YAML or JSON), the form it is stored and exported in.

```yaml
name: Ale with diacetyl rest
steps:
  - {type: hold, temperature: 18, unit: C, duration: 3d}
  - {type: ramp, temperature: 21, unit: C, duration: 2d}
  - {type: hold, temperature: 21, unit: C, duration: 7d, combine: or,
     gravity: {at_most: 1.012, stable_points: 1, stable_hours: 48}}
  - {type: hold, temperature: null, duration: 1d}    # control off
```
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import yaml

from .durations import format_duration, parse_duration
from .errors import ProfileError
from .models import Combine, Gravity, Hold, Profile, Ramp, Step, Temperature, Unit

_GRAVITY_KEYS = ("at_most", "attenuation", "stable_points", "stable_hours")


def to_dict(profile: Profile) -> dict[str, Any]:
    """The profile as plain data (JSON-safe)."""
    return {"name": profile.name, "steps": [_step_dict(step) for step in profile.steps]}


def _step_dict(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "ramp" if isinstance(step, Ramp) else "hold"}
    temperature = step.temperature
    out["temperature"] = None if temperature is None else temperature.value
    if temperature is not None:
        out["unit"] = str(temperature.unit)
    out["duration"] = None if step.duration is None else format_duration(step.duration)
    if isinstance(step, Hold) and step.gravity:
        out["gravity"] = {k: v for k, v in asdict(step.gravity).items() if v is not None}
        out["combine"] = str(step.combine)
    return out


def from_dict(data: Any) -> Profile:
    """The profile of plain data; a `ProfileError` naming the step for bad data."""
    if not isinstance(data, Mapping) or not isinstance(data.get("steps"), list):
        raise ProfileError("a profile is a mapping with a name and a list of steps")
    steps = tuple(_step(raw, number) for number, raw in enumerate(data["steps"], 1))
    return Profile(str(data.get("name") or ""), steps).validate()


def _step(raw: Any, number: int) -> Step:
    where = f"step {number}"
    if not isinstance(raw, Mapping):
        raise ProfileError(f"{where}: a step is a mapping with a type")
    try:
        return _parse_step(raw)
    except ProfileError as err:
        raise ProfileError(f"{where}: {err.reason}") from None
    except (TypeError, ValueError, OverflowError) as err:
        raise ProfileError(f"{where}: {err}") from None


def _parse_step(raw: Mapping[str, Any]) -> Step:
    kind = raw.get("type")
    duration = raw.get("duration")
    duration = None if duration is None else parse_duration(str(duration))
    temperature = _temperature(raw)
    if kind == "ramp":
        if temperature is None or duration is None:
            raise ProfileError("a ramp needs a temperature and a duration")
        return Ramp(temperature, duration)
    if kind != "hold":
        raise ProfileError(f"the type {kind!r} is neither hold nor ramp")
    gravity = raw.get("gravity") or {}
    if not isinstance(gravity, Mapping) or set(gravity) - set(_GRAVITY_KEYS):
        raise ProfileError(f"gravity takes only {', '.join(_GRAVITY_KEYS)}")
    values = {k: float(v) for k, v in gravity.items() if v is not None}
    return Hold(temperature, duration, Gravity(**values), Combine(raw.get("combine", "or")))


def _temperature(raw: Mapping[str, Any]) -> Temperature | None:
    value = raw.get("temperature")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(f"the temperature {value!r} is not a number")
    return Temperature(float(value), Unit(str(raw.get("unit", "C")).upper()))


def read(text: str) -> Profile:
    """A profile written as YAML or JSON; a `ProfileError` with the line for bad syntax."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = None if mark is None else mark.line + 1
        raise ProfileError(
            f"not valid YAML or JSON: {getattr(err, 'problem', err)}", line
        ) from None
    return from_dict(data)


def write_yaml(profile: Profile) -> str:
    """The profile as YAML."""
    return str(yaml.safe_dump(to_dict(profile), sort_keys=False, allow_unicode=True))


def write_json(profile: Profile) -> str:
    """The profile as JSON."""
    return json.dumps(to_dict(profile), indent=2, ensure_ascii=False) + "\n"
