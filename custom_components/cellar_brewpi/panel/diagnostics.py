"""A panel's diagnostics: its options and last read; its address redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

# A vessel's `address` is its write register on the panel, not a network address: keep it.
TO_REDACT = {CONF_HOST}


async def async_get_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: ConfigEntry,
) -> dict[str, Any]:
    """What support needs to see, without the panel's address."""
    coordinator = entry.runtime_data
    data = {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "last_update_success": coordinator.last_update_success,
        "reading": asdict(coordinator.data) if coordinator.data else None,
    }
    return async_redact_data(data, TO_REDACT)
