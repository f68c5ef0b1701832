"""A controller's diagnostics: its replies, its devices, its link; addresses redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from ..const import CONF_SERIAL_PORT

TO_REDACT = {CONF_HOST, CONF_SERIAL_PORT, "address", "ssid"}


async def async_get_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: ConfigEntry,
) -> dict[str, Any]:
    """What support needs to see, without the controller's address."""
    coordinator = entry.runtime_data
    client = coordinator.client
    data = {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "last_update_success": coordinator.last_update_success,
        "connected": client.connected,
        "version": asdict(client.version) if client.version else None,
        "data": asdict(coordinator.data) if coordinator.data else None,
        # A list, not the model's tuple: redaction only descends into lists.
        "devices": [asdict(d) for d in client.devices.devices] if client.devices else None,
        "link": asdict(client.stats),
    }
    return async_redact_data(data, TO_REDACT)
