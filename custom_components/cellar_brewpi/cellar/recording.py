"""
Recording to InfluxDB: each read's points on disk in one transaction, drained in the background.

Nothing is lost: points are deleted only once InfluxDB stored them (204), enqueues are not
cancelled by an unload but waited for, and an unload lets the write in flight finish first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeassistant.core import callback

from ..const import CONF_INFLUXDB, CONF_QUEUE_LIMIT_MB, DEFAULT_QUEUE_LIMIT_MB, DOMAIN
from ..recording import (
    Drainer,
    DrainResult,
    DurableQueue,
    InfluxAuthError,
    InfluxNotFoundError,
    InfluxWrongServerError,
    QueueStats,
)
from .clients import influx_writer
from .part import Part
from .repairs import ERROR, WARNING

_LOGGER = logging.getLogger(__name__)

QUEUE_FILE = "influxdb_queue.sqlite3"
MB = 1_000_000


@dataclass(eq=False, kw_only=True)
class Recording(Part):
    """The durable queue and its drainer; nothing is open before `async_start`."""

    queue: DurableQueue | None = None
    drainer: Drainer | None = None
    stats: QueueStats | None = None
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _enqueues: set[asyncio.Task[None]] = field(default_factory=set, init=False)

    async def async_start(self, options: Mapping[str, Any]) -> None:
        """Open the queue (a damaged file is moved aside, never fatal) and start draining."""
        path = Path(self.hass.config.path(DOMAIN, QUEUE_FILE))
        limit = options.get(CONF_QUEUE_LIMIT_MB, DEFAULT_QUEUE_LIMIT_MB) * MB
        self.queue = queue = await self.hass.async_add_executor_job(_open_queue, path, limit)
        self.drainer = Drainer(
            queue, influx_writer(self.hass, options), self.hass.async_add_executor_job
        )
        await self._async_refresh_stats()
        self.entry.async_create_background_task(
            self.hass, self._async_drain(self.drainer), "cellar_brewpi InfluxDB drainer"
        )

    async def async_close(self) -> None:
        """Let the write in flight finish and every handed-over point reach the disk; close."""
        if self.drainer is not None:
            await self.drainer.async_stop()
        if self._enqueues:
            await asyncio.gather(*self._enqueues)
        if self.queue is not None:
            async with self._lock:
                await self.hass.async_add_executor_job(self.queue.close)

    @callback
    def async_record(self, lines: list[str]) -> None:
        """Queue one read's lines (one transaction, in the executor), then wake the drainer."""
        # Not a task of the entry: an unload does not cancel it, it waits for it.
        task = self.hass.async_create_task(
            self._async_enqueue(lines), "cellar_brewpi enqueue", eager_start=True
        )
        self._enqueues.add(task)
        task.add_done_callback(self._enqueues.discard)

    async def async_import[T](self, produce: Callable[[Callable[[Sequence[str]], None]], T]) -> T:
        """
        Queue a backlog of old points: `produce` runs in the executor, handing them to `enqueue`.

        It hands them chunk by chunk; then the drainer is woken. Returns what `produce` returns.
        """
        assert self.queue is not None  # noqa: S101 - only imported into once started
        async with self._lock:
            result = await self.hass.async_add_executor_job(produce, self.queue.enqueue)
        self._wake.set()
        await self._async_refresh_stats()
        return result

    async def _async_enqueue(self, lines: list[str]) -> None:
        assert self.queue is not None  # noqa: S101 - only recorded once started
        async with self._lock:
            await self.hass.async_add_executor_job(self.queue.enqueue, lines)
        self._wake.set()
        await self._async_refresh_stats()

    async def _async_refresh_stats(self) -> None:
        assert self.queue is not None  # noqa: S101 - only after the queue is open
        stats = await self.hass.async_add_executor_job(self.queue.stats)
        previous, self.stats = self.stats, stats
        if previous is not None and stats.dropped > previous.dropped:
            self.repairs.issue("influxdb_queue_full", ERROR, dropped=str(stats.dropped))
        if previous is not None and stats.dead_letters > previous.dead_letters:
            self.repairs.issue("influxdb_points_rejected", WARNING, count=str(stats.dead_letters))
        self.notify()

    async def _async_drain(self, drainer: Drainer) -> None:
        """Drain until cancelled; stop and ask the user when InfluxDB refuses the settings."""
        try:
            await drainer.run(self._wake, on_result=self._async_drained)
        except InfluxAuthError:
            self.repairs.auth_failed(CONF_INFLUXDB)
        except InfluxNotFoundError as err:
            self.repairs.issue("influxdb_not_found", ERROR, error=str(err))

    async def _async_drained(self, result: DrainResult) -> None:
        if result.written or result.dead_lettered:
            await self._async_refresh_stats()
        if result.written:
            self.repairs.resolved("influxdb_auth", "influxdb_not_found", "influxdb_wrong_server")
        if isinstance(result.error, InfluxWrongServerError):
            # Not InfluxDB (any web server's 200 page): nothing was stored, the points wait.
            self.repairs.issue("influxdb_wrong_server", ERROR, error=str(result.error))


def _open_queue(path: Path, limit: int) -> DurableQueue:
    path.parent.mkdir(parents=True, exist_ok=True)
    return DurableQueue(path, max_bytes=limit)
