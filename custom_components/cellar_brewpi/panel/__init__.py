"""
An Alpha glycol cellar panel as an entry: a hub device, a thermostat and sensors per vessel.

The panel is read with the HA-free `alpha_panel` library on Home Assistant's HTTP session; every
read goes to the cellar hub (for the cellar services).
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from ..const import KIND_ALPHA_PANEL
from ..fermentation import with_profiles
from ..fermenters import Fermenter, get_book, with_batches
from ..hub import FreshReadings, get_hub
from ..kinds import Kind
from . import binary_sensor, sensor
from .climate import VesselThermostat
from .coordinator import PanelConfigEntry, PanelCoordinator
from .diagnostics import async_get_diagnostics
from .entity import panel_device_info, vessel_device_info, vessel_identifier
from .flow import PanelFlow
from .options import PanelOptionsFlow

__all__ = ["KIND", "PanelFlow"]


async def async_setup_entry(hass: HomeAssistant, entry: PanelConfigEntry) -> None:
    """Read the panel once; register it as the hub of its vessels; drop vessels no longer set."""
    registry = dr.async_get(hass)
    panel = registry.async_get_or_create(config_entry_id=entry.entry_id, **panel_device_info(entry))
    coordinator = PanelCoordinator(hass, entry, panel.id)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    hub = get_hub(hass)

    @callback
    def publish() -> None:
        """Every read of the panel goes to the cellar services."""
        if coordinator.last_update_success and (reading := coordinator.data) is not None:
            hub.async_publish(FreshReadings(entry.entry_id, reading.read_at, reading))

    entry.async_on_unload(coordinator.async_add_listener(publish))
    publish()
    wanted = {vessel_identifier(entry, slot.number) for slot in coordinator.slots}
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if any(i[1].startswith(f"{entry.unique_id}-slot-") for i in device.identifiers) and not (
            device.identifiers & wanted
        ):
            registry.async_remove_device(device.id)
    await get_book(hass).async_retire(entry.unique_id, {slot.number for slot in coordinator.slots})


KIND = Kind(
    key=KIND_ALPHA_PANEL,
    async_setup_entry=async_setup_entry,
    platforms=with_batches(
        with_profiles(
            {
                Platform.BINARY_SENSOR: binary_sensor.entities,
                Platform.CLIMATE: lambda panel: [
                    VesselThermostat(panel, slot) for slot in panel.slots
                ],
                Platform.SENSOR: sensor.entities,
            },
            lambda panel: [
                (
                    vessel_device_info(panel, slot),
                    f"{panel.config_entry.unique_id}-slot-{slot.number}-vessel",
                )
                for slot in panel.slots
            ],
        ),
        lambda panel: [
            Fermenter(
                vessel_identifier(panel.config_entry, slot.number)[1],
                slot.label,
                vessel_device_info(panel, slot),
            )
            for slot in panel.slots
        ],
    ),
    options_flow=PanelOptionsFlow,
    async_get_diagnostics=async_get_diagnostics,
    reconfigure_step="reconfigure_panel",
    in_area=True,
)
