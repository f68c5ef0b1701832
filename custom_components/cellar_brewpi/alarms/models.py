"""What the alarm rules read: a thermostat's samples, and their settings (no Home Assistant)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """What the thermostat does at a sample."""

    COOLING = "cooling"
    HEATING = "heating"
    IDLE = "idle"
    OFF = "off"


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """
    One reading of a thermostat (a chamber or a vessel), in the thermostat's own unit.

    `temperature` is the one controlled (a chamber's beer, or its air in fridge constant);
    `cooled` what the cooling acts on first when that is another probe (a chamber's air), for the
    cooling-failure rule; `probes` every probe by name (None: no reading), for the probe-lost rule;
    `ramping` while a profile moves the target on purpose.
    """

    at: datetime
    temperature: float | None
    target: float | None = None
    action: Action | None = None
    cooled: float | None = None
    probes: Mapping[str, float | None] = field(default_factory=dict)
    ramping: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class AlarmSettings:
    """
    The rules' thresholds; degrees in the thermostat's unit (the defaults are for °C).

    `max_gap_minutes` is how long without a sample the rules take as a hole in their history
    (Home Assistant stopped): a period or a window that spans one starts over.
    """

    direction_minutes: float = 60.0
    direction_margin: float = 1.0
    direction_slope: float = 0.2  # degrees per hour
    off_target_degrees: float = 2.0
    off_target_minutes: float = 60.0
    settle_hours: float = 24.0
    cooling_minutes: float = 60.0
    cooling_drop: float = 0.3
    max_gap_minutes: float = 15.0

    @classmethod
    def for_unit(cls, unit: str, options: Mapping[str, Any] | None = None) -> AlarmSettings:
        """The defaults for a unit ("C" or "F"), with what `options` sets over them."""
        settings = FAHRENHEIT_DEFAULTS if unit.upper() == "F" else CELSIUS_DEFAULTS
        known = {f.name for f in fields(cls)}
        return replace(settings, **{k: float(v) for k, v in (options or {}).items() if k in known})

    def as_options(self) -> dict[str, float]:
        """The settings a form shows and the options store (the gap is not one)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "max_gap_minutes"}


CELSIUS_DEFAULTS = AlarmSettings()
FAHRENHEIT_DEFAULTS = AlarmSettings(
    direction_margin=2.0,
    direction_slope=0.4,
    off_target_degrees=3.5,
    cooling_drop=0.5,
)
