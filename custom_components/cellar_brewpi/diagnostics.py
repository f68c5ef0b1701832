"""Diagnostics, addresses redacted: a controller's replies and link state, or a panel's reading."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .const import CONF_SERIAL_PORT
from .coordinator import BrewPiCoordinator
from .panel_coordinator import PanelCoordinator

if TYPE_CHECKING:
    from . import CellarConfigEntry

TO_REDACT = {CONF_HOST, CONF_SERIAL_PORT, "address", "ssid"}
# A vessel's `address` is its write register on the panel, not a network address: keep it.
PANEL_TO_REDACT = {CONF_HOST}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: CellarConfigEntry,
) -> dict[str, Any]:
    """What support needs to see, without addresses."""
    coordinator = entry.runtime_data
    data: dict[str, Any] = {
        "entry": {"data": dict(entry.data), "options": dict(entry.options)},
        "last_update_success": coordinator.last_update_success,
    }
    redact = TO_REDACT
    if isinstance(coordinator, PanelCoordinator):
        data["reading"] = asdict(coordinator.data) if coordinator.data else None
        redact = PANEL_TO_REDACT
    elif isinstance(coordinator, BrewPiCoordinator):
        client = coordinator.client
        data |= {
            "connected": client.connected,
            "version": asdict(client.version) if client.version else None,
            "data": asdict(coordinator.data) if coordinator.data else None,
            # A list, not the model's tuple: redaction only descends into lists.
            "devices": [asdict(d) for d in client.devices.devices] if client.devices else None,
            "link": asdict(client.stats),
        }
    return async_redact_data(data, redact)
