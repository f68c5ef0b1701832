"""
The cellar services' runtime: the parts an entry has, fed by the hub.

Every controller and panel publishes its fresh readings on the hub. The services turn each into
points (tagged with the vessel's batch) for the recording, send the heartbeat when the master
alarm's rule says one is due, and tell their entities; the Sheet keeps the hub's batches.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval

from ..const import (
    CONF_CELLAR_NAME,
    CONF_CLOUDWATCH,
    CONF_INFLUXDB,
    CONF_MASTER_ALARM_MINUTES,
    CONF_SHEET,
    DEFAULT_MASTER_ALARM_MINUTES,
    DOMAIN,
)
from ..fermenters import get_book
from ..hub import FreshReadings, get_hub
from ..recording import to_line
from .alarm import SourceWatch
from .batches import SheetCoordinator, async_start_sheet
from .heartbeat import HeartbeatSender
from .points import Contents, points
from .recording import Recording
from .repairs import Repairs

type CellarConfigEntry = ConfigEntry[CellarServices]

ALARM_CHECK_INTERVAL = timedelta(seconds=30)


def signal_updated(entry: ConfigEntry) -> str:
    """The dispatcher signal the services' entities follow."""
    return f"{DOMAIN}_{entry.entry_id}_updated"


class CellarServices:
    """The runtime of the cellar services entry: the parts its options configure."""

    def __init__(self, hass: HomeAssistant, entry: CellarConfigEntry) -> None:
        """Set up from the entry's options; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.cellar_name: str = entry.data[CONF_CELLAR_NAME]
        self.hub = get_hub(hass)
        self.repairs = Repairs(hass, entry)
        self.watch = SourceWatch(
            hass,
            self.hub,
            entry.options.get(CONF_MASTER_ALARM_MINUTES, DEFAULT_MASTER_ALARM_MINUTES),
        )
        self.recording: Recording | None = None
        self.heartbeat: HeartbeatSender | None = None
        self.sheet: SheetCoordinator | None = None

    @property
    def _part(self) -> dict[str, Any]:
        """What each part is made with."""
        return {
            "hass": self.hass,
            "entry": self.entry,
            "repairs": self.repairs,
            "notify": self.async_notify,
        }

    async def async_start(self) -> None:
        """Start each configured part, then take the hub's readings (those kept meanwhile too)."""
        options = self.entry.options
        if (influx := options.get(CONF_INFLUXDB)) is not None:
            self.recording = Recording(**self._part)
            self.entry.async_on_unload(self.recording.async_close)
            await self.recording.async_start(influx)
        if (cloudwatch := options.get(CONF_CLOUDWATCH)) is not None:
            self.heartbeat = HeartbeatSender(**self._part)
            self.entry.async_on_unload(self.heartbeat.async_close)
            await self.heartbeat.async_start(cloudwatch, self.cellar_name)
        if (sheet := options.get(CONF_SHEET)) is not None:
            self.sheet = await async_start_sheet(
                self.hass, self.entry, sheet, self.hub, self.repairs
            )
        self.entry.async_on_unload(self.hub.async_attach(self._async_fresh))
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._async_tick, ALARM_CHECK_INTERVAL, cancel_on_shutdown=True
            )
        )

    @callback
    def async_notify(self) -> None:
        """Tell the entities that what they show may have changed."""
        async_dispatcher_send(self.hass, signal_updated(self.entry))

    @callback
    def _async_fresh(self, fresh: FreshReadings) -> None:
        """Record the read (disk first), then send a heartbeat if one is due."""
        if self.recording is not None:
            self.recording.async_record(
                [to_line(point) for point in points(fresh, self._contents(fresh.source))]
            )
        if self.heartbeat is not None and self.watch.drives_heartbeat(fresh.source):
            self.heartbeat.async_beat()
        self.async_notify()

    def _contents(self, source: str) -> Contents:
        """What the chamber or the vessels of the entry `source` hold."""
        entry = self.hass.config_entries.async_get_entry(source)
        unique_id = entry.unique_id if entry else source
        book = get_book(self.hass)
        return lambda slot, name: book.contents(unique_id, slot, name)

    @callback
    def _async_tick(self, _now: datetime) -> None:
        """The master alarm depends on the time too."""
        self.async_notify()
