"""The logbook's words for the profile events: a step begins, a profile ends or pauses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback

from .const import DOMAIN
from .fermentation.runner import EVENT_FINISHED, EVENT_PAUSED, EVENT_STEP


@callback
def async_describe_events(
    hass: HomeAssistant,  # noqa: ARG001
    async_describe_event: Callable[[str, str, Callable[[Event], dict[str, Any]]], None],
) -> None:
    """Describe the profile events."""

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

    async_describe_event(DOMAIN, EVENT_STEP, step)
    async_describe_event(DOMAIN, EVENT_FINISHED, finished)
    async_describe_event(DOMAIN, EVENT_PAUSED, paused)
