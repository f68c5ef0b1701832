"""The alarm thresholds of a controller's or a panel's options form: fields, checks, storage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import probatio as vol
from homeassistant.helpers.selector import NumberSelector

from .alarms import AlarmSettings
from .selectors import number_box

MIN_WINDOW_POLLS = 6
"""The wrong-direction window needs this many poll intervals: five readings over 3/4 of it."""
MIN_PERIOD_POLLS = 2


def alarm_fields(unit: str) -> dict[str, NumberSelector]:
    """The fields, by option key; degrees in `unit` ("C" or "F")."""
    degrees = f"°{unit.upper()}"
    return {
        "direction_minutes": number_box(10, 720, 1, "min"),
        "direction_margin": number_box(0.1, 20, 0.1, degrees),
        "direction_slope": number_box(0.05, 10, 0.05, f"{degrees}/h"),
        "off_target_degrees": number_box(0.1, 20, 0.1, degrees),
        "off_target_minutes": number_box(1, 1440, 1, "min"),
        "settle_hours": number_box(0, 168, 0.5, "h"),
        "cooling_minutes": number_box(5, 720, 1, "min"),
        "cooling_drop": number_box(0.1, 10, 0.1, degrees),
    }


def alarm_schema(unit: str) -> dict[vol.Required, NumberSelector]:
    """The fields as schema markers (all required: the form suggests the current values)."""
    return {vol.Required(key): selector for key, selector in alarm_fields(unit).items()}


def alarm_suggestions(unit: str, options: Mapping[str, Any] | None) -> dict[str, float]:
    """What the form shows: the stored thresholds over the unit's defaults."""
    return AlarmSettings.for_unit(unit, options).as_options()


def alarm_input(
    user_input: Mapping[str, Any], poll_seconds: float
) -> tuple[dict[str, float], dict[str, str]]:
    """The thresholds to store from a form, and what is wrong with them (field -> error key)."""
    values = {key: float(user_input[key]) for key in alarm_fields("C")}
    errors: dict[str, str] = {}
    if values["direction_minutes"] * 60 < MIN_WINDOW_POLLS * poll_seconds:
        errors["direction_minutes"] = "alarm_window_too_short"
    if values["cooling_minutes"] * 60 < MIN_PERIOD_POLLS * poll_seconds:
        errors["cooling_minutes"] = "alarm_period_too_short"
    if values["cooling_drop"] >= values["off_target_degrees"]:
        errors["cooling_drop"] = "alarm_drop_too_large"
    return values, errors
