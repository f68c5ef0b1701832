"""
The cellar hub: where every controller and panel reports its fresh readings.

Controllers and panels are separate config entries; the cellar services entry (InfluxDB recording,
the CloudWatch heartbeat, the master alarm) and the vessels' batch sensors need their readings and
the Sheet's batches across entries. One hub per Home Assistant instance carries them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.util.hass_dict import HassKey

from .batches import Batch
from .const import DOMAIN
from .recording import Reading

DATA_HUB: HassKey[CellarHub] = HassKey(DOMAIN)


@dataclass(frozen=True, slots=True)
class FreshReadings:
    """One poll cycle's (or one pushed update's) readings of one controller or panel."""

    source: str  # the config entry id of the controller or panel
    readings: list[Reading]
    read_at: datetime


type ReadingsSink = Callable[[FreshReadings], None]


class CellarHub:
    """Fans readings out to the cellar services and batches out to the vessels."""

    def __init__(self) -> None:
        """Nothing is connected yet."""
        self._sinks: list[ReadingsSink] = []
        self._batch_listeners: list[CALLBACK_TYPE] = []
        self.batches: dict[str, Batch] | None = None  # by vessel label; None: no Sheet data
        self.last_fresh: dict[str, datetime] = {}

    @callback
    def async_publish(self, fresh: FreshReadings) -> None:
        """A controller or panel read fresh data (once per read time)."""
        if self.last_fresh.get(fresh.source) == fresh.read_at:
            return
        self.last_fresh[fresh.source] = fresh.read_at
        for sink in list(self._sinks):
            sink(fresh)

    @callback
    def async_forget(self, source: str) -> None:
        """A controller or panel was unloaded: it no longer counts for the master alarm."""
        self.last_fresh.pop(source, None)

    @callback
    def async_subscribe(self, sink: ReadingsSink) -> CALLBACK_TYPE:
        """Receive every fresh set of readings; returns the unsubscribe function."""
        self._sinks.append(sink)
        return lambda: self._sinks.remove(sink)

    @callback
    def async_set_batches(self, batches: dict[str, Batch] | None) -> None:
        """New batch data from the Sheet (None when no Sheet is configured)."""
        self.batches = batches
        for listener in list(self._batch_listeners):
            listener()

    @callback
    def async_listen_batches(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Be told when batch data changes; returns the unsubscribe function."""
        self._batch_listeners.append(listener)
        return lambda: self._batch_listeners.remove(listener)

    def batch_tags(self, today: datetime) -> dict[str, tuple[str, int]]:
        """Per vessel label: (batch number, days in vessel), as the old service tagged points."""
        if not self.batches:
            return {}
        return {
            label: (batch.batch_number or "0", batch.days_in_vessel(today.date()) or 0)
            for label, batch in self.batches.items()
        }


def get_hub(hass: HomeAssistant) -> CellarHub:
    """The instance's hub, created on first use."""
    if (hub := hass.data.get(DATA_HUB)) is None:
        hub = hass.data[DATA_HUB] = CellarHub()
    return hub
