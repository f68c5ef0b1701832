"""
Fermentation profiles: hold and ramp steps, where a run is now, and the peers' formats.

No Home Assistant in here: a profile, its schedule (Fermentrack's semantics), gravity conditions
(BrewPiLess's), runs that survive restarts, and reading and writing Fermentrack's table,
BrewPi Remix's CSV, YAML/JSON and the step language a brewer types.
"""

from __future__ import annotations

from . import fermentrack, plain, remix, text
from .durations import describe_duration, format_duration, parse_duration
from .errors import ProfileError
from .gravity import GravityHistory, Reading
from .models import Combine, Gravity, Hold, Profile, Ramp, Step, Temperature, Unit, convert
from .runs import Run
from .schedule import Position, position
from .words import describe


def read_any(source: str, unit: Unit, name: str | None = None) -> Profile:
    """A profile in any format it reads, told apart by its look; `unit` for a Remix CSV."""
    if fermentrack.looks_like(source):
        return fermentrack.read(source)
    if remix.looks_like(source):
        return remix.read(source, unit, name)
    stripped = source.lstrip()
    if stripped.startswith(("{", "name:", "steps:", "---")):
        return plain.read(source)
    if name is None:
        raise ProfileError("steps typed one a line need a name for the profile")
    return text.read(name, source)


__all__ = [
    "Combine",
    "Gravity",
    "GravityHistory",
    "Hold",
    "Position",
    "Profile",
    "ProfileError",
    "Ramp",
    "Reading",
    "Run",
    "Step",
    "Temperature",
    "Unit",
    "convert",
    "describe",
    "describe_duration",
    "fermentrack",
    "format_duration",
    "parse_duration",
    "plain",
    "position",
    "read_any",
    "remix",
    "text",
]
