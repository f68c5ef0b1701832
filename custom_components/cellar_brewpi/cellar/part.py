"""What every part of the cellar services works with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from .repairs import Repairs


@dataclass(eq=False, kw_only=True)
class Part:
    """A part of the services entry: its repairs, and how it tells the entities of a change."""

    hass: HomeAssistant
    entry: ConfigEntry
    repairs: Repairs
    notify: Callable[[], None]
