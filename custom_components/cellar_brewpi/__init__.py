"""Cellar BrewPi: BrewPi controllers, Alpha glycol cellar panels, cellar services, profiles."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .areas import async_place_devices
from .cellar.actions import async_setup_actions
from .const import DOMAIN
from .fermentation import async_setup_runner
from .fermenters import async_setup_book, get_book
from .fermenters.actions import async_setup_batch_actions
from .fermentrack_import import sweep_uploads
from .hub import get_hub
from .kinds import kind_of

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CLIMATE,
    Platform.SELECT,
    Platform.SENSOR,
]


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:  # noqa: ARG001
    """Register the actions; load the batch book; start the profile runner."""
    async_setup_actions(hass)
    async_setup_batch_actions(hass)
    await async_setup_book(hass)
    hass.async_add_executor_job(sweep_uploads)
    await async_setup_runner(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Set up a controller, a panel or the cellar services, by the entry's kind."""
    kind = kind_of(entry)
    await kind.async_setup_entry(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    if kind.in_area:
        async_place_devices(hass, entry)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Unload the entities; each kind's own unload callbacks close what it opened."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)


async def async_remove_entry(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """A removed controller or panel no longer counts for the master alarm; its batches retire."""
    get_hub(hass).async_forget(entry.entry_id)
    await get_book(hass).async_retire(entry.unique_id)
