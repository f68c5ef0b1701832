"""Diagnostics: the entry (addresses redacted), version, last replies and link counters."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .const import CONF_SERIAL_PORT
from .coordinator import BrewPiConfigEntry

TO_REDACT = {CONF_HOST, CONF_SERIAL_PORT, "address", "ssid"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: BrewPiConfigEntry,
) -> dict[str, Any]:
    """What support needs to see, without addresses."""
    coordinator = entry.runtime_data
    client = coordinator.client
    return async_redact_data(
        {
            "entry": {"data": dict(entry.data), "options": dict(entry.options)},
            "connected": client.connected,
            "version": asdict(client.version) if client.version else None,
            "data": asdict(coordinator.data) if coordinator.data else None,
            # A list, not the model's tuple: redaction only descends into lists.
            "devices": [asdict(d) for d in client.devices.devices] if client.devices else None,
            "link": asdict(client.stats),
            "last_update_success": coordinator.last_update_success,
        },
        TO_REDACT,
    )
