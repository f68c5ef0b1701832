"""Cellar BrewPi: BrewPi fermentation controllers in Home Assistant."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady

from . import const
from .brewpi.client import BrewPiClient, BrewPiError
from .brewpi.transport import describe
from .const import DOMAIN, STALE_POLL_INTERVALS
from .coordinator import BrewPiConfigEntry, BrewPiCoordinator, poll_interval
from .helpers import target_from_data

PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.CLIMATE, Platform.SENSOR]


async def async_setup_entry(hass: HomeAssistant, entry: BrewPiConfigEntry) -> bool:
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
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BrewPiConfigEntry) -> bool:
    """Unload the entities; the link is closed by the unload callback."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
