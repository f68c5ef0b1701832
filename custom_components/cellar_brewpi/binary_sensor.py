"""Binary sensors: links, glycol valves, the master alarm (each kind adds its own: `kinds`)."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .kinds import async_setup_platform

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,  # noqa: ARG001
    entry: ConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities the entry's kind has on this platform."""
    await async_setup_platform(Platform.BINARY_SENSOR, entry, async_add_entities)
