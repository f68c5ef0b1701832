"""Diagnostics with addresses and secrets redacted: a controller, a panel or the cellar services."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .cellar import CellarServices
from .const import (
    CONF_ACCESS_KEY_ID,
    CONF_ENDPOINT_URL,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERIAL_PORT,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET_ID,
    CONF_TOKEN,
    CONF_URL,
)
from .panel_coordinator import PanelCoordinator

if TYPE_CHECKING:
    from . import CellarConfigEntry

BREWPI_REDACT = {CONF_HOST, CONF_SERIAL_PORT, "address", "ssid"}
# A vessel's `address` is its write register on the panel, not a network address: keep it.
PANEL_REDACT = {CONF_HOST}
SERVICES_REDACT = {
    CONF_TOKEN,
    CONF_ACCESS_KEY_ID,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET_ID,
    CONF_URL,
    CONF_ENDPOINT_URL,
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant,  # noqa: ARG001
    entry: CellarConfigEntry,
) -> dict[str, Any]:
    """What support needs to see, without addresses or secrets."""
    runtime = entry.runtime_data
    data: dict[str, Any] = {"entry": {"data": dict(entry.data), "options": dict(entry.options)}}
    if isinstance(runtime, CellarServices):
        data |= {
            "queue": asdict(runtime.queue_stats) if runtime.queue_stats else None,
            "last_write": runtime.drainer.last_success if runtime.drainer else None,
            "last_heartbeat": runtime.last_heartbeat,
            "master_alarm": runtime.alarm_on,
            "vessels_with_batch": sorted(runtime.hub.batches or ()),
        }
        return async_redact_data(data, SERVICES_REDACT)
    data["last_update_success"] = runtime.last_update_success
    if isinstance(runtime, PanelCoordinator):
        data["reading"] = asdict(runtime.data) if runtime.data else None
        return async_redact_data(data, PANEL_REDACT)
    client = runtime.client
    data |= {
        "connected": client.connected,
        "version": asdict(client.version) if client.version else None,
        "data": asdict(runtime.data) if runtime.data else None,
        # A list, not the model's tuple: redaction only descends into lists.
        "devices": [asdict(d) for d in client.devices.devices] if client.devices else None,
        "link": asdict(client.stats),
    }
    return async_redact_data(data, BREWPI_REDACT)
