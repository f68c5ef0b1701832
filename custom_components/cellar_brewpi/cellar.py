"""
The cellar services: lossless InfluxDB recording, a CloudWatch heartbeat, the master alarm, batches.

Every controller and panel publishes its fresh readings on the hub (`hub.py`). The services
enqueue each one's poll cycle (or pushed update) on disk in one transaction before any network
I/O; a background task drains the queue to InfluxDB; a heartbeat goes to CloudWatch at most once
a minute while readings arrive; the master alarm turns on when none has arrived for a while.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .alpha_panel import PanelReading
from .batches import (
    Batch,
    BatchSheet,
    SheetAuthError,
    SheetError,
    SheetNotFoundError,
    SheetSettings,
)
from .const import (
    CONF_ACCESS_KEY_ID,
    CONF_BUCKET,
    CONF_CELLAR_NAME,
    CONF_CLOUDWATCH,
    CONF_ENDPOINT_URL,
    CONF_INFLUXDB,
    CONF_MASTER_ALARM_MINUTES,
    CONF_NAMESPACE,
    CONF_ORG,
    CONF_QUEUE_LIMIT_MB,
    CONF_REGION,
    CONF_SECRET_ACCESS_KEY,
    CONF_SERVICE_ACCOUNT,
    CONF_SHEET,
    CONF_SHEET_ID,
    CONF_SYNC_INTERVAL,
    CONF_TAB,
    CONF_TOKEN,
    CONF_URL,
    DEFAULT_MASTER_ALARM_MINUTES,
    DEFAULT_NAMESPACE,
    DEFAULT_QUEUE_LIMIT_MB,
    DEFAULT_SYNC_INTERVAL,
    DOMAIN,
    HEARTBEAT_MIN_INTERVAL,
)
from .heartbeat import CloudWatchSettings, Heartbeat, HeartbeatAuthError, HeartbeatError
from .hub import FreshReadings, get_hub, is_panel, is_source
from .recording import (
    Drainer,
    DurableQueue,
    InfluxAuthError,
    InfluxError,
    InfluxNotFoundError,
    InfluxWriter,
    InfluxWrongServerError,
    QueueStats,
    Reading,
    controller_readings,
    panel_readings,
    to_line,
)
from .recording.points import NO_BATCH

_LOGGER = logging.getLogger(__name__)

type CellarConfigEntry = ConfigEntry[CellarServices]

QUEUE_FILE = "influxdb_queue.sqlite3"
ALARM_CHECK_INTERVAL = timedelta(seconds=30)
MB = 1_000_000


def influx_writer(hass: HomeAssistant, options: dict[str, Any]) -> InfluxWriter:
    """An InfluxDB writer on Home Assistant's shared HTTP session."""
    return InfluxWriter(
        async_get_clientsession(hass),
        options[CONF_URL],
        options[CONF_TOKEN],
        options[CONF_ORG],
        options[CONF_BUCKET],
    )


def heartbeat_client(options: dict[str, Any], cellar_name: str) -> Heartbeat:
    """A CloudWatch heartbeat client (its calls block: run them in the executor)."""
    return Heartbeat(
        CloudWatchSettings(
            region=options[CONF_REGION],
            access_key_id=options[CONF_ACCESS_KEY_ID],
            secret_access_key=options[CONF_SECRET_ACCESS_KEY],
            namespace=options.get(CONF_NAMESPACE) or DEFAULT_NAMESPACE,
            endpoint_url=options.get(CONF_ENDPOINT_URL) or None,
        ),
        cellar_name,
    )


def sheet_client(options: dict[str, Any]) -> BatchSheet:
    """A client of the production Sheet (its calls block: run them in the executor)."""
    return BatchSheet(
        SheetSettings(options[CONF_SERVICE_ACCOUNT], options[CONF_SHEET_ID], options[CONF_TAB])
    )


class SheetCoordinator(DataUpdateCoordinator[dict[str, Batch]]):
    """Reads the production tab every sync interval; the last good data stays on failure."""

    config_entry: CellarConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CellarConfigEntry,
        sheet: BatchSheet,
        on_auth_failed: Callable[[str], None],
    ) -> None:
        """Create the Sheet coordinator; `on_auth_failed(part)` asks the user for a new key."""
        minutes = entry.options[CONF_SHEET].get(CONF_SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL)
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{entry.title} production sheet",
            update_interval=timedelta(minutes=minutes),
        )
        self.sheet = sheet
        self._on_auth_failed = on_auth_failed

    async def _async_update_data(self) -> dict[str, Batch]:
        try:
            return await self.hass.async_add_executor_job(self.sheet.read)
        except SheetAuthError as err:
            # Stops polling and asks the user for a new key: never a loop of failing calls.
            # The reauth flow must know the part: the coordinator's own one would not.
            self._on_auth_failed(CONF_SHEET)
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="sheet_auth"
            ) from err
        except (SheetNotFoundError, SheetError) as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="sheet_error",
                translation_placeholders={"error": str(err)},
            ) from err


class CellarServices:
    """The runtime of the cellar services entry."""

    def __init__(self, hass: HomeAssistant, entry: CellarConfigEntry) -> None:
        """Set up from the entry's options; nothing runs until `async_start`."""
        self.hass = hass
        self.entry = entry
        self.cellar_name: str = entry.data[CONF_CELLAR_NAME]
        self.hub = get_hub(hass)
        self.queue: DurableQueue | None = None
        self.drainer: Drainer | None = None
        self.queue_stats: QueueStats | None = None
        self.heartbeat: Heartbeat | None = None
        self.last_heartbeat: datetime | None = None
        self.sheet: SheetCoordinator | None = None
        self.alarm_minutes: int = entry.options.get(
            CONF_MASTER_ALARM_MINUTES, DEFAULT_MASTER_ALARM_MINUTES
        )
        self._started = dt_util.utcnow()
        self._wake = asyncio.Event()
        self._queue_lock = asyncio.Lock()
        self._heartbeat_at = -HEARTBEAT_MIN_INTERVAL
        self._heartbeat_task: asyncio.Task[None] | None = None
        self._heartbeat_failing = False
        self._enqueues: set[asyncio.Task[None]] = set()
        self._listeners: list[CALLBACK_TYPE] = []

    # --- lifecycle ------------------------------------------------------------------------

    async def async_start(self) -> None:
        """Open the queue, start the drainer, prepare the heartbeat, read the Sheet once."""
        options = self.entry.options
        if (influx := options.get(CONF_INFLUXDB)) is not None:
            path = Path(self.hass.config.path(DOMAIN, QUEUE_FILE))
            limit = influx.get(CONF_QUEUE_LIMIT_MB, DEFAULT_QUEUE_LIMIT_MB) * MB
            self.queue = await self.hass.async_add_executor_job(self._open_queue, path, limit)
            self.entry.async_on_unload(self._async_close_queue)
            self.drainer = Drainer(
                self.queue, influx_writer(self.hass, influx), self.hass.async_add_executor_job
            )
            await self._async_refresh_stats()
            self.entry.async_create_background_task(
                self.hass, self._async_drain(), "cellar_brewpi InfluxDB drainer"
            )
        if (cloudwatch := options.get(CONF_CLOUDWATCH)) is not None:
            self.heartbeat = heartbeat_client(cloudwatch, self.cellar_name)
            self.entry.async_on_unload(self._async_close_heartbeat)
        if (sheet := options.get(CONF_SHEET)) is not None:
            client = sheet_client(sheet)
            self.entry.async_on_unload(partial(self._async_close_sheet, client))
            self.sheet = SheetCoordinator(self.hass, self.entry, client, self._async_auth_failed)
            # Not a first refresh: a Sheet outage must not keep the recording from starting.
            await self.sheet.async_refresh()
            self.entry.async_on_unload(self.sheet.async_add_listener(self._async_batches_changed))
            self._async_batches_changed()
        self.entry.async_on_unload(self.hub.async_subscribe(self._async_fresh))
        self.entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._async_check_alarm, ALARM_CHECK_INTERVAL, cancel_on_shutdown=True
            )
        )
        self.entry.async_on_unload(lambda: self.hub.async_set_batches(None))

    @staticmethod
    def _open_queue(path: Path, limit: int) -> DurableQueue:
        path.parent.mkdir(parents=True, exist_ok=True)
        return DurableQueue(path, max_bytes=limit)

    async def _async_close_queue(self) -> None:
        """
        Let the write in flight finish and every reading handed over reach the disk, then close.

        An unload or reload loses nothing and sends nothing twice.
        """
        if self.drainer is not None:
            await self.drainer.async_stop()
        if self._enqueues:
            await asyncio.gather(*self._enqueues)
        if self.queue is not None:
            async with self._queue_lock:
                await self.hass.async_add_executor_job(self.queue.close)

    async def _async_close_sheet(self, client: BatchSheet) -> None:
        await self.hass.async_add_executor_job(client.close)

    async def _async_close_heartbeat(self) -> None:
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
        if self.heartbeat is not None:
            await self.hass.async_add_executor_job(self.heartbeat.close)

    # --- listeners of the entities ----------------------------------------------------------

    @callback
    def async_add_listener(self, listener: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Be told when anything the entities show changed."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _async_notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    # --- fresh readings ----------------------------------------------------------------------

    @callback
    def _async_fresh(self, fresh: FreshReadings) -> None:
        """Record the readings (disk first), then send a heartbeat if one is due."""
        if self.queue is not None:
            lines = [to_line(reading) for reading in self._points(fresh)]
            # Not a task of the entry: an unload does not cancel it, it waits for it.
            task = self.hass.async_create_task(
                self._async_enqueue(lines), "cellar_brewpi enqueue", eager_start=True
            )
            self._enqueues.add(task)
            task.add_done_callback(self._enqueues.discard)
        if self._drives_heartbeat(fresh.source):
            self._async_maybe_heartbeat()
        self._async_notify()

    def _points(self, fresh: FreshReadings) -> list[Reading]:
        """The InfluxDB points of a read; a vessel's carry its batch as of the read's local day."""
        reading = fresh.reading
        if isinstance(reading, PanelReading):
            day = dt_util.as_local(fresh.read_at).date()
            tags = {
                label: (batch.batch_number or NO_BATCH, batch.days_in_vessel(day) or 0)
                for label, batch in (self.hub.batches or {}).items()
            }
            return panel_readings(reading, tags)
        return controller_readings(
            reading.device,
            reading.temperatures,
            reading.settings,
            fresh.read_at,
            reading.temp_format,
        )

    # --- which sources count ------------------------------------------------------------------

    def _sources(self) -> list[ConfigEntry]:
        """Every controller and panel configured (loaded or not: an absent one is silent)."""
        return [e for e in self.hass.config_entries.async_entries(DOMAIN) if is_source(e)]

    def _silent(self, entries: list[ConfigEntry]) -> list[ConfigEntry]:
        """The entries that have read nothing fresh for the master alarm's minutes."""
        now = dt_util.utcnow()
        limit = timedelta(minutes=self.alarm_minutes)
        return [
            entry
            for entry in entries
            if now - self.hub.last_fresh.get(entry.entry_id, self._started) > limit
        ]

    def _drives_heartbeat(self, source: str) -> bool:
        """
        Whether a fresh read from `source` sends `PANEL_READ`.

        As the old cellar service sent it, the heartbeat follows the panels' reads (the
        controllers' when there is no panel), and only while none of those is silent: a live
        controller never keeps the heartbeat going for a dead panel.
        """
        sources = self._sources()
        drivers = [entry for entry in sources if is_panel(entry)] or sources
        return any(e.entry_id == source for e in drivers) and not self._silent(drivers)

    async def _async_enqueue(self, lines: list[str]) -> None:
        """One transaction for the poll cycle's readings, then wake the drainer."""
        assert self.queue is not None  # noqa: S101 - only called with a queue
        async with self._queue_lock:
            await self.hass.async_add_executor_job(self.queue.enqueue, lines)
        self._wake.set()
        await self._async_refresh_stats()

    async def _async_refresh_stats(self) -> None:
        if self.queue is None:
            return
        stats = await self.hass.async_add_executor_job(self.queue.stats)
        previous, self.queue_stats = self.queue_stats, stats
        if previous is not None and stats.dropped > previous.dropped:
            self._async_issue(
                "influxdb_queue_full",
                {"dropped": str(stats.dropped)},
                severity=ir.IssueSeverity.ERROR,
            )
        if previous is not None and stats.dead_letters > previous.dead_letters:
            self._async_issue(
                "influxdb_points_rejected",
                {"count": str(stats.dead_letters)},
                severity=ir.IssueSeverity.WARNING,
            )
        self._async_notify()

    async def _async_drain(self) -> None:
        """Drain until cancelled; stop and ask the user when InfluxDB refuses the token."""
        assert self.drainer is not None  # noqa: S101 - only started with a drainer
        drainer = self.drainer
        while True:
            self._wake.clear()
            try:
                result = await drainer.drain_once()
            except InfluxAuthError:
                self._async_auth_failed(CONF_INFLUXDB)
                return
            except InfluxNotFoundError as err:
                self._async_issue(
                    "influxdb_not_found", {"error": str(err)}, severity=ir.IssueSeverity.ERROR
                )
                return
            except InfluxError:  # pragma: no cover - drain_once returns the others as results
                _LOGGER.exception("InfluxDB drain stopped")
                return
            if result.written or result.dead_lettered:
                await self._async_refresh_stats()
            if result.written:
                self._async_resolved("influxdb_auth", "influxdb_not_found", "influxdb_wrong_server")
            if isinstance(result.error, InfluxWrongServerError):
                # Not InfluxDB (any web server's 200 page): nothing was stored, the points wait.
                self._async_issue(
                    "influxdb_wrong_server",
                    {"error": str(result.error)},
                    severity=ir.IssueSeverity.ERROR,
                )
            if result.backoff is None:
                await self._wake.wait()
            else:
                await asyncio.sleep(result.backoff)

    # --- heartbeat -----------------------------------------------------------------------

    @callback
    def _async_maybe_heartbeat(self) -> None:
        """At most one heartbeat in flight and one a minute; never queued, never replayed."""
        if self.heartbeat is None or self._heartbeat_task is not None:
            return
        now = time.monotonic()
        if now - self._heartbeat_at < HEARTBEAT_MIN_INTERVAL:
            return
        self._heartbeat_at = now
        self._heartbeat_task = self.entry.async_create_background_task(
            self.hass, self._async_send_heartbeat(), "cellar_brewpi heartbeat"
        )

    async def _async_send_heartbeat(self) -> None:
        assert self.heartbeat is not None  # noqa: S101 - only started with a heartbeat
        sent_at = dt_util.utcnow()
        try:
            await self.hass.async_add_executor_job(self.heartbeat.send, sent_at)
        except HeartbeatAuthError:
            self._async_auth_failed(CONF_CLOUDWATCH)
            heartbeat, self.heartbeat = self.heartbeat, None
            await self.hass.async_add_executor_job(heartbeat.close)
        except HeartbeatError as err:
            if self._heartbeat_failing:
                _LOGGER.debug("CloudWatch heartbeat not sent: %s", err)
            else:
                _LOGGER.warning("CloudWatch heartbeats are failing: %s", err)
            self._heartbeat_failing = True
        else:
            if self._heartbeat_failing:
                _LOGGER.info("CloudWatch heartbeats are sent again")
            self._heartbeat_failing = False
            self.last_heartbeat = sent_at
            self._async_resolved("cloudwatch_auth")
            self._async_notify()
        finally:
            self._heartbeat_task = None

    # --- master alarm ----------------------------------------------------------------------

    @property
    def last_fresh_reading(self) -> datetime | None:
        """When any controller or panel last read fresh data."""
        return max(self.hub.last_fresh.values(), default=None)

    @property
    def silent_sources(self) -> list[str]:
        """The names of the controllers and panels silent for the alarm's minutes."""
        return [entry.title for entry in self._silent(self._sources())]

    @property
    def alarm_on(self) -> bool:
        """
        A controller or panel has read nothing fresh for the alarm's minutes.

        With no controller or panel configured, on when nothing has read for that long.
        """
        if sources := self._sources():
            return bool(self._silent(sources))
        since = self.last_fresh_reading or self._started
        return dt_util.utcnow() - since > timedelta(minutes=self.alarm_minutes)

    @callback
    def _async_check_alarm(self, _now: datetime) -> None:
        self._async_notify()

    # --- batches ---------------------------------------------------------------------------

    @callback
    def _async_batches_changed(self) -> None:
        if self.sheet is not None and self.sheet.data is not None:
            self.hub.async_set_batches(self.sheet.data)
            if self.sheet.last_update_success:
                self._async_resolved("sheet_auth")

    # --- problems the user can act on -----------------------------------------------------

    @callback
    def _async_auth_failed(self, part: str) -> None:
        """Credentials were refused: a repair issue and a reauth flow, no more calls."""
        self._async_issue(f"{part}_auth", {}, severity=ir.IssueSeverity.ERROR)
        self.entry.async_start_reauth(self.hass, data={"part": part})

    @callback
    def _async_resolved(self, *keys: str) -> None:
        """The part works (again): its problems are gone."""
        for key in keys:
            ir.async_delete_issue(self.hass, DOMAIN, f"{self.entry.entry_id}_{key}")

    @callback
    def _async_issue(
        self, key: str, placeholders: dict[str, str], *, severity: ir.IssueSeverity
    ) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            f"{self.entry.entry_id}_{key}",
            is_fixable=False,
            severity=severity,
            translation_key=key,
            translation_placeholders={"cellar": self.cellar_name, **placeholders},
        )
