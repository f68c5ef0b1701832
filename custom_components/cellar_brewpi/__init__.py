"""Cellar BrewPi: BrewPi fermentation controllers and Alpha glycol cellar panels."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from . import const
from .brewpi.client import BrewPiClient, BrewPiError
from .brewpi.transport import describe
from .cellar import CellarConfigEntry as ServicesConfigEntry
from .cellar import CellarServices
from .const import (
    CONF_KIND,
    DOMAIN,
    KIND_ALPHA_PANEL,
    KIND_CELLAR_SERVICES,
    STALE_POLL_INTERVALS,
)
from .coordinator import BrewPiConfigEntry, BrewPiCoordinator, poll_interval
from .entity import panel_device_info, vessel_identifier
from .helpers import target_from_data
from .hub import ControllerReading, FreshReadings, device_tag, get_hub
from .panel_coordinator import PanelConfigEntry, PanelCoordinator
from .services import async_setup_services

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.CLIMATE, Platform.SENSOR]

type CellarConfigEntry = BrewPiConfigEntry | PanelConfigEntry | ServicesConfigEntry


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the actions."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up a BrewPi controller, an Alpha panel or the cellar services, by the entry's kind."""
    kind = entry.data.get(CONF_KIND)
    if kind == KIND_CELLAR_SERVICES:
        services = CellarServices(hass, entry)
        await services.async_start()
        entry.runtime_data = services
    elif kind == KIND_ALPHA_PANEL:
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
    hub = get_hub(hass)

    @callback
    def publish() -> None:
        """Every fresh reading (poll or pushed T:) goes to the cellar services."""
        if coordinator.last_update_success and (data := coordinator.data) is not None:
            reading = ControllerReading(
                device_tag(entry), data.temperatures, data.settings, data.constants.temp_format
            )
            hub.async_publish(FreshReadings(entry.entry_id, data.read_at, reading))

    entry.async_on_unload(coordinator.async_add_listener(publish))
    publish()


async def _async_setup_panel(hass: HomeAssistant, entry: PanelConfigEntry) -> None:
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


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload the entities; a controller's link is closed by its unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """A removed controller or panel no longer counts for the master alarm."""
    get_hub(hass).async_forget(entry.entry_id)
