"""
The cellar hub: where every controller and panel reports its fresh readings.

Controllers and panels are separate config entries; the cellar services entry (InfluxDB recording,
the CloudWatch heartbeat, the master alarm) and the vessels' batch sensors need their readings and
the Sheet's batches across entries. One hub per Home Assistant instance carries them.

Home Assistant loads entries in any order and reloads the services entry after an options change,
so readings can arrive while no services entry listens. While a services entry is configured, the
hub keeps those readings (bounded) and hands them over when the services subscribe: none is lost.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util.hass_dict import HassKey

from .alpha_panel import PanelReading
from .brewpi import ControlSettings, Temperatures
from .const import CONF_KIND, DOMAIN, KIND_ALPHA_PANEL, KIND_CELLAR_SERVICES

if TYPE_CHECKING:
    from .batches import Batch

DATA_HUB: HassKey[CellarHub] = HassKey(DOMAIN)
SIGNAL_BATCHES = f"{DOMAIN}_batches"
"""Sent when the Sheet's batches changed."""

MAX_PENDING = 100_000
"""Readings kept while no services entry listens (about a day of 60 controllers at 60 s)."""


@dataclass(frozen=True, slots=True)
class ControllerReading:
    """One read of a BrewPi controller: what the services record."""

    device: str  # the stable `device` tag (see `device_tag`)
    temperatures: Temperatures
    settings: ControlSettings | None
    temp_format: str


@dataclass(frozen=True, slots=True)
class FreshReadings:
    """One poll cycle's (or one pushed update's) readings of one controller or panel."""

    source: str  # the config entry id of the controller or panel
    read_at: datetime
    reading: ControllerReading | PanelReading

    @property
    def from_panel(self) -> bool:
        """Whether a panel read these (the heartbeat follows the panels' reads)."""
        return isinstance(self.reading, PanelReading)


type ReadingsSink = Callable[[FreshReadings], None]


def is_source(entry: ConfigEntry) -> bool:
    """Whether an entry of the domain reads data: a controller or a panel, and not disabled."""
    return entry.data.get(CONF_KIND) != KIND_CELLAR_SERVICES and entry.disabled_by is None


def is_panel(entry: ConfigEntry) -> bool:
    """Whether an entry is an Alpha panel."""
    return entry.data.get(CONF_KIND) == KIND_ALPHA_PANEL


def device_tag(entry: ConfigEntry) -> str:
    """
    The controller's stable name in InfluxDB's `device` tag.

    It is the controller's identity, which renaming the entry or the device does not change: its
    mDNS name (`fermenter1`), `host:port` for an IP address, or the serial port's by-id name.
    """
    return str(entry.unique_id).rsplit("/", 1)[-1]


class CellarHub:
    """Carries readings to the cellar services and batches to the vessels."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nothing is connected yet."""
        self._hass = hass
        self._sink: ReadingsSink | None = None
        self._pending: deque[FreshReadings] = deque(maxlen=MAX_PENDING)
        self.batches: dict[str, Batch] | None = None  # by vessel label; None: no Sheet data
        self.sheet_configured = False  # a services entry reads the Sheet (maybe not yet)
        self.last_fresh: dict[str, datetime] = {}

    @callback
    def async_publish(self, fresh: FreshReadings) -> None:
        """A controller or panel read fresh data (once per read time)."""
        if self.last_fresh.get(fresh.source) == fresh.read_at:
            return
        self.last_fresh[fresh.source] = fresh.read_at
        if self._sink is not None:
            self._sink(fresh)
        elif self._services_configured():
            self._pending.append(fresh)

    def _services_configured(self) -> bool:
        return any(
            entry.data.get(CONF_KIND) == KIND_CELLAR_SERVICES and entry.disabled_by is None
            for entry in self._hass.config_entries.async_entries(DOMAIN)
        )

    @callback
    def async_forget(self, source: str) -> None:
        """A controller or panel was removed: forget when it last read."""
        self.last_fresh.pop(source, None)

    @callback
    def async_attach(self, sink: ReadingsSink) -> CALLBACK_TYPE:
        """
        The services (one entry) receive every fresh set of readings; returns the detach.

        Readings published while they were not attached are delivered first, oldest first.
        """
        self._sink = sink
        while self._pending:
            sink(self._pending.popleft())

        @callback
        def detach() -> None:
            self._sink = None

        return detach

    @callback
    def async_set_batches(self, batches: dict[str, Batch] | None) -> None:
        """New batch data from the Sheet (None when no Sheet is configured)."""
        self.batches = batches
        async_dispatcher_send(self._hass, SIGNAL_BATCHES)


def get_hub(hass: HomeAssistant) -> CellarHub:
    """The instance's hub, created on first use."""
    if (hub := hass.data.get(DATA_HUB)) is None:
        hub = hass.data[DATA_HUB] = CellarHub(hass)
    return hub
