"""A chamber's constant modes: what its thermostat remembers through a turn off and a restart."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, override

from homeassistant.helpers.restore_state import ExtraStoredData

from ..brewpi import ControlMode, ControlSettings

CONSTANT_MODES = (ControlMode.BEER_CONSTANT, ControlMode.FRIDGE_CONSTANT)
SET_POINT_TOLERANCE = 0.06
"""How far the setpoint a controller reports may be from the one written (rounding)."""


def constant_set_point(settings: ControlSettings) -> float | None:
    """The setpoint the settings' mode holds: the fridge's in fridge constant, else the beer's."""
    return (
        settings.fridge_set if settings.mode is ControlMode.FRIDGE_CONSTANT else settings.beer_set
    )


def holds(settings: ControlSettings, mode: ControlMode, set_point: float | None) -> bool:
    """Whether the settings are `mode` at `set_point` (None: at any setpoint)."""
    if settings.mode is not mode:
        return False
    shown = constant_set_point(settings)
    return set_point is None or (
        shown is not None and abs(shown - round(set_point, 2)) <= SET_POINT_TOLERANCE
    )


@dataclass(frozen=True, slots=True)
class LastControl(ExtraStoredData):
    """
    The mode turning on restores, and the last setpoint of each constant mode.

    Beer constant and fridge constant each keep their own setpoint: leaving fridge constant for
    beer constant goes back to the beer's last setpoint, never to the fridge's.
    """

    mode: ControlMode
    beer_set: float | None = None
    fridge_set: float | None = None

    @override
    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode.value, "beer_set": self.beer_set, "fridge_set": self.fridge_set}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LastControl | None:
        """Read what as_dict stored (or the older `set_point` of the mode); None if unusable."""
        try:
            mode = ControlMode(data["mode"])
            values = {key: _finite(data.get(key)) for key in ("beer_set", "fridge_set")}
            if (old := _finite(data.get("set_point"))) is not None:
                values["fridge_set" if mode is ControlMode.FRIDGE_CONSTANT else "beer_set"] = old
        except KeyError, TypeError, ValueError:
            return None
        if mode not in CONSTANT_MODES:
            return None
        return cls(mode, **values)

    def set_point(self, mode: ControlMode) -> float | None:
        """The last setpoint of a constant mode."""
        return self.fridge_set if mode is ControlMode.FRIDGE_CONSTANT else self.beer_set

    def with_set_point(self, mode: ControlMode, set_point: float) -> LastControl:
        """Remember `set_point` for `mode`, and `mode` as the one to restore."""
        if mode is ControlMode.FRIDGE_CONSTANT:
            return LastControl(mode, self.beer_set, set_point)
        return LastControl(mode, set_point, self.fridge_set)


def _finite(value: Any) -> float | None:
    """A stored number, or None; raises ValueError for something that is not one."""
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number
