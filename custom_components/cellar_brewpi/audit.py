"""
The audit trail of setpoints: an event for every setpoint or preset change a thermostat applied.

A thermostat's hvac mode is its state, so the logbook shows it (and who changed it) already; its
setpoint and preset are attributes, which the logbook does not show. The chamber's and the
vessels' service handlers fire `cellar_brewpi_setpoint_changed` with the call's context (the
user, the automation or the script that made it); the profile runner fires it for its own writes
with its own context and the profile's name. `logbook.py` describes it.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.core import Context, HomeAssistant

from .const import DOMAIN

EVENT_SETPOINT_CHANGED: Final = f"{DOMAIN}_setpoint_changed"
ATTR_FROM: Final = "from"
ATTR_TO: Final = "to"
ATTR_UNIT: Final = "unit"
ATTR_MODE: Final = "mode"
ATTR_FROM_MODE: Final = "from_mode"
ATTR_PROFILE: Final = "profile"


def fire_setpoint_changed(
    hass: HomeAssistant,
    entity_id: str,
    *,
    before: float | None,
    after: float | None,
    unit: str,
    context: Context | None,
    mode: str | None = None,
    from_mode: str | None = None,
    profile: str | None = None,
) -> bool:
    """
    Fire the event when the setpoint or the mode changed; whether it did.

    `mode` and `from_mode` are the chamber's (a preset, or `off`); `profile` the name of the
    profile that wrote the setpoint.
    """
    if before == after and mode == from_mode:
        return False
    data: dict[str, Any] = {
        "entity_id": entity_id,
        ATTR_FROM: before,
        ATTR_TO: after,
        ATTR_UNIT: unit,
    }
    if mode is not None:
        data[ATTR_MODE] = mode
        data[ATTR_FROM_MODE] = from_mode
    if profile is not None:
        data[ATTR_PROFILE] = profile
    hass.bus.async_fire(EVENT_SETPOINT_CHANGED, data, context=context)
    return True
