"""
The cellar services as an entry.

InfluxDB recording, the CloudWatch heartbeat, the master alarm, the production Sheet's batches.
The parts talk to the clouds through HA-free libraries (`recording`, `heartbeat`, `batches`); boto3
and gspread are loaded only when their part is configured.
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant

from ..const import KIND_CELLAR_SERVICES
from ..kinds import Kind
from . import sensor
from .binary_sensor import MasterAlarm
from .diagnostics import async_get_diagnostics
from .flow import ServicesFlow
from .options import CellarOptionsFlow
from .runtime import CellarConfigEntry, CellarServices

__all__ = ["KIND", "ServicesFlow"]


async def async_setup_entry(hass: HomeAssistant, entry: CellarConfigEntry) -> None:
    """Start the parts the options configure."""
    services = CellarServices(hass, entry)
    await services.async_start()
    entry.runtime_data = services
    sensor.remove_stale_sensors(hass, entry)


KIND = Kind(
    key=KIND_CELLAR_SERVICES,
    async_setup_entry=async_setup_entry,
    platforms={
        Platform.BINARY_SENSOR: lambda services: [MasterAlarm(services)],
        Platform.SENSOR: sensor.entities,
    },
    options_flow=CellarOptionsFlow,
    async_get_diagnostics=async_get_diagnostics,
    reconfigure_step="reconfigure_services",
)
