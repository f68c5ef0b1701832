"""The cellar services' diagnostics; every secret and address redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from ..const import (
    CONF_ACCESS_KEY_ID,
    CONF_ENDPOINT_URL,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET_ID,
    CONF_TOKEN,
    CONF_URL,
)
from .runtime import CellarServices

TO_REDACT = {
    CONF_TOKEN,
    CONF_ACCESS_KEY_ID,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET_ID,
    CONF_URL,
    CONF_ENDPOINT_URL,
}


async def async_get_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: ConfigEntry,
) -> dict[str, Any]:
    """The parts' state, without their secrets."""
    services: CellarServices = entry.runtime_data
    recording, heartbeat = services.recording, services.heartbeat
    data = {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "queue": asdict(recording.stats) if recording and recording.stats else None,
        "last_write": recording.drainer.last_success if recording and recording.drainer else None,
        "last_heartbeat": heartbeat.last_heartbeat if heartbeat else None,
        "master_alarm": services.watch.alarm_on,
        "vessels_with_batch": sorted(services.hub.batches or ()),
    }
    return async_redact_data(data, TO_REDACT)
