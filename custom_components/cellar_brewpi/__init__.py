"""Cellar BrewPi: BrewPi fermentation controllers and Alpha glycol cellar panels."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr

from . import const
from .brewpi.client import BrewPiClient, BrewPiError
from .brewpi.transport import describe
from .const import CONF_KIND, DOMAIN, KIND_ALPHA_PANEL, STALE_POLL_INTERVALS
from .coordinator import BrewPiConfigEntry, BrewPiCoordinator, poll_interval
from .entity import panel_device_info, vessel_identifier
from .helpers import target_from_data
from .panel_coordinator import PanelConfigEntry, PanelCoordinator

PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.CLIMATE, Platform.SENSOR]

type CellarConfigEntry = BrewPiConfigEntry | PanelConfigEntry


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up a BrewPi controller or an Alpha panel, by the entry's kind."""
    if entry.data.get(CONF_KIND) == KIND_ALPHA_PANEL:
        await _async_setup_panel(hass, entry)
    else:
        await _async_setup_brewpi(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def _async_setup_brewpi(hass: HomeAssistant, entry: BrewPiConfigEntry) -> None:
    """Connect to the controller, then poll it and take its pushed updates."""
    target = target_from_data(entry.data)
    client = BrewPiClient(
        target,
        request_timeout=const.REQUEST_TIMEOUT,
        stale_after=STALE_POLL_INTERVALS * poll_interval(entry).total_seconds(),
    )
    try:
        await client.async_connect()
    except BrewPiError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="cannot_connect",
            translation_placeholders={"target": describe(target), "error": str(err)},
        ) from err
    entry.async_on_unload(client.async_close)
    coordinator = BrewPiCoordinator(hass, entry, client)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator


async def _async_setup_panel(hass: HomeAssistant, entry: PanelConfigEntry) -> None:
    """Read the panel once; register it as the hub of its vessels; drop vessels no longer set."""
    registry = dr.async_get(hass)
    panel = registry.async_get_or_create(config_entry_id=entry.entry_id, **panel_device_info(entry))
    coordinator = PanelCoordinator(hass, entry, panel.id)
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
    wanted = {vessel_identifier(entry, slot.number) for slot in coordinator.slots}
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if any(i[1].startswith(f"{entry.unique_id}-slot-") for i in device.identifiers) and not (
            device.identifiers & wanted
        ):
            registry.async_remove_device(device.id)


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload the entities; a controller's link is closed by its unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
