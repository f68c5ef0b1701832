"""
Which controllers and panels count, which are silent, and which drive the heartbeat.

Every configured controller and panel counts (loaded or not: one that could not be set up is
silent); a disabled or deleted one does not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..hub import CellarHub, is_panel, is_source


class SourceWatch:
    """The master alarm's view of the controllers and panels."""

    def __init__(self, hass: HomeAssistant, hub: CellarHub, minutes: int) -> None:
        """Silent means: no fresh reading for `minutes` (counted from now for a new one)."""
        self._hass = hass
        self._hub = hub
        self.minutes = minutes
        self._started = dt_util.utcnow()

    def sources(self) -> list[ConfigEntry]:
        """Every controller and panel configured."""
        return [e for e in self._hass.config_entries.async_entries(DOMAIN) if is_source(e)]

    def silent(self, entries: list[ConfigEntry]) -> list[ConfigEntry]:
        """The entries that have read nothing fresh for the minutes."""
        now = dt_util.utcnow()
        limit = timedelta(minutes=self.minutes)
        last = self._hub.last_fresh
        return [e for e in entries if now - last.get(e.entry_id, self._started) > limit]

    @property
    def last_fresh_reading(self) -> datetime | None:
        """When any controller or panel last read fresh data."""
        return max(self._hub.last_fresh.values(), default=None)

    @property
    def silent_names(self) -> list[str]:
        """The names of the silent controllers and panels."""
        return [entry.title for entry in self.silent(self.sources())]

    @property
    def alarm_on(self) -> bool:
        """
        A controller or panel has read nothing fresh for the minutes.

        With no controller or panel configured, on when nothing has read for that long.
        """
        if sources := self.sources():
            return bool(self.silent(sources))
        since = self.last_fresh_reading or self._started
        return dt_util.utcnow() - since > timedelta(minutes=self.minutes)

    def drives_heartbeat(self, source: str) -> bool:
        """
        Whether a fresh read from `source` sends `PANEL_READ`.

        As the old cellar service sent it, the heartbeat follows the panels' reads (the
        controllers' when there is no panel), and only while none of those is silent: a live
        controller never keeps the heartbeat going for a dead panel.
        """
        sources = self.sources()
        drivers = [entry for entry in sources if is_panel(entry)] or sources
        return any(e.entry_id == source for e in drivers) and not self.silent(drivers)
