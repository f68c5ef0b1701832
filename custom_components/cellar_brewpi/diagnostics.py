"""Diagnostics of an entry, by its kind; addresses and secrets redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .kinds import kind_of


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ConfigEntry
) -> dict[str, Any]:
    """What support needs to see, without addresses or secrets."""
    return await kind_of(entry).async_get_diagnostics(hass, entry)
