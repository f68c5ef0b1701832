"""
The logbook's words for the integration's events.

A profile's step begins, a profile ends or pauses; a setpoint or preset changed (the audit trail:
the logbook adds who made it from the event's context: a user, an automation or a script; a
profile's writes name the profile).

The logbook takes its descriptions as plain text (no translation keys), as Home Assistant's own
integrations give them: in English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.components.logbook import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .audit import (
    ATTR_FROM,
    ATTR_FROM_MODE,
    ATTR_MODE,
    ATTR_PROFILE,
    ATTR_TO,
    ATTR_UNIT,
    EVENT_SETPOINT_CHANGED,
)
from .const import DOMAIN
from .fermentation.runner import EVENT_FINISHED, EVENT_PAUSED, EVENT_STEP

MODE_WORDS = {
    "beer_constant": "beer constant",
    "fridge_constant": "fridge constant",
    "beer_profile": "beer profile",
    "off": "off",
    "test": "test",
}


def _temperature(value: float | None, unit: str) -> str:
    """A setpoint as the logbook shows it: "38 °F"; none is "off"."""
    return "off" if value is None else f"{value:g} {unit}"


def describe_setpoint_change(data: Mapping[str, Any]) -> str:
    """
    What a `cellar_brewpi_setpoint_changed` event says.

    "setpoint 40 °F → 38 °F", "preset beer constant, setpoint 18 °C → 19 °C", with "by profile
    Ale" for a profile's write.
    """
    unit = data.get(ATTR_UNIT, "")
    before, after = data.get(ATTR_FROM), data.get(ATTR_TO)
    mode = data.get(ATTR_MODE)
    parts: list[str] = []
    if mode is not None and mode != data.get(ATTR_FROM_MODE):
        parts.append(f"preset {MODE_WORDS.get(mode, mode)}")
    if before != after:
        parts.append(f"setpoint {_temperature(before, unit)} → {_temperature(after, unit)}")
    elif not parts:
        parts.append(f"setpoint {_temperature(after, unit)}")
    message = ", ".join(parts)
    if profile := data.get(ATTR_PROFILE):
        message = f"{message} by profile {profile}"
    return message


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the profile events and the setpoint changes."""

    @callback
    def step(event: Event) -> dict[str, Any]:
        data = event.data
        return {
            LOGBOOK_ENTRY_NAME: data["profile"],
            LOGBOOK_ENTRY_MESSAGE: f"step {data['step']} of {data['steps']}: {data['description']}",
            LOGBOOK_ENTRY_ENTITY_ID: data["entity_id"],
        }

    @callback
    def finished(event: Event) -> dict[str, Any]:
        return {
            LOGBOOK_ENTRY_NAME: event.data["profile"],
            LOGBOOK_ENTRY_MESSAGE: "finished; the thermostat holds the last temperature",
            LOGBOOK_ENTRY_ENTITY_ID: event.data["entity_id"],
        }

    @callback
    def paused(event: Event) -> dict[str, Any]:
        reason = event.data.get("reason")
        return {
            LOGBOOK_ENTRY_NAME: event.data["profile"],
            LOGBOOK_ENTRY_MESSAGE: f"paused: {reason}" if reason else "paused",
            LOGBOOK_ENTRY_ENTITY_ID: event.data["entity_id"],
        }

    @callback
    def setpoint_changed(event: Event) -> dict[str, Any]:
        entity_id = event.data["entity_id"]
        state = hass.states.get(entity_id)
        return {
            LOGBOOK_ENTRY_NAME: state.name if state else entity_id,
            LOGBOOK_ENTRY_MESSAGE: describe_setpoint_change(event.data),
            LOGBOOK_ENTRY_ENTITY_ID: entity_id,
        }

    async_describe_event(DOMAIN, EVENT_STEP, step)
    async_describe_event(DOMAIN, EVENT_SETPOINT_CHANGED, setpoint_changed)
    async_describe_event(DOMAIN, EVENT_FINISHED, finished)
    async_describe_event(DOMAIN, EVENT_PAUSED, paused)
