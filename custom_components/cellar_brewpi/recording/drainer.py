"""
Draining the durable queue into InfluxDB.

The `Drainer` moves points from the `DurableQueue` to the `InfluxWriter`: it deletes them only
after the server accepted them (at-least-once; a re-sent point overwrites itself because its
timestamp is the read time), backs off on retryable errors, honours `Retry-After`, and isolates
lines the server rejects by bisecting the batch so that one bad point never blocks the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Protocol

from .errors import InfluxError, InfluxRejectedError, InfluxRetryableError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .queue import DurableQueue
    from .writer import InfluxWriter

_LOGGER = logging.getLogger(__name__)

POINT_STATUSES = frozenset({400, 413, 422})
"""4xx answers about the points in the batch (bad line, too large, type conflict, retention):
the drainer bisects the batch. Any other 4xx is about the request itself (a proxy, a redirect, a
wrong URL) and keeps the points, with backoff, instead of dead-lettering a whole healthy queue."""


class RunBlocking(Protocol):
    """Runs a blocking call off the event loop, like `hass.async_add_executor_job`."""

    def __call__[T](self, func: Callable[[], T], /) -> Awaitable[T]:
        """Return an awaitable of `func()`, run in a worker thread."""
        ...


@dataclass(frozen=True, slots=True)
class DrainResult:
    """
    What one `drain_once` did.

    `backoff` is `None` when the queue was emptied, else the seconds to wait before the next
    attempt (after `error`).
    """

    written: int = 0
    dead_lettered: int = 0
    backoff: float | None = None
    error: InfluxError | None = None


@dataclass(slots=True)
class _Tally:
    """What a drain did so far."""

    written: int = 0
    dead_lettered: int = 0
    first_status: int = 0
    first_reason: str = ""

    def dead(self, err: InfluxRejectedError) -> None:
        if not self.dead_lettered:
            self.first_status, self.first_reason = err.status, err.message
        self.dead_lettered += 1


class Drainer:
    """Sends the queue to InfluxDB, oldest first, until it is empty; one per queue."""

    def __init__(
        self,
        queue: DurableQueue,
        writer: InfluxWriter,
        run_blocking: RunBlocking,
        *,
        batch_size: int = 5000,
        initial_backoff: float = 1.0,
        max_backoff: float = 20.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """
        Set up the drainer.

        `run_blocking(fn)` runs a blocking queue call off the event loop (Home Assistant's
        `hass.async_add_executor_job`); `sleep` waits the backoff (injectable for tests).
        """
        self._queue = queue
        self._writer = writer
        self._run_blocking = run_blocking
        self._batch_size = batch_size
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._next_backoff = initial_backoff
        self._lock = asyncio.Lock()
        self.last_success: datetime | None = None
        self.last_error: InfluxError | None = None
        self.consecutive_failures = 0
        self._stopping = False
        self._in_flight: asyncio.Future[None] | None = None

    async def drain_once(self) -> DrainResult:
        """
        Send batches until the queue is empty or a request fails.

        Retryable failures return a `DrainResult` with the backoff (`Retry-After` when the server
        sent one, else `initial_backoff` doubling up to `max_backoff`, reset by a success).
        `InfluxAuthError` and `InfluxNotFoundError` are raised; the points stay queued.
        """
        async with self._lock:
            tally = _Tally()
            try:
                while not self._stopping:
                    batch = await self._run_blocking(partial(self._queue.peek, self._batch_size))
                    if not batch:
                        return DrainResult(tally.written, tally.dead_lettered)
                    try:
                        await self._send(batch, tally)
                    except InfluxRetryableError as err:
                        backoff = self._failed(err, err.retry_after)
                        return DrainResult(tally.written, tally.dead_lettered, backoff, err)
                    except InfluxRejectedError as err:
                        # A 4xx about the request, not the points: keep them and retry later.
                        backoff = self._failed(err, None)
                        return DrainResult(tally.written, tally.dead_lettered, backoff, err)
                    except InfluxError as err:
                        self._failed(err, None)
                        raise
                    self._succeeded()
                return DrainResult(tally.written, tally.dead_lettered)
            finally:
                if tally.dead_lettered:
                    _LOGGER.warning(
                        "InfluxDB rejected %d point(s); they are kept in the dead letters of the "
                        "queue. First: HTTP %d %s",
                        tally.dead_lettered,
                        tally.first_status,
                        tally.first_reason,
                    )

    async def _send(self, batch: list[tuple[int, str]], tally: _Tally) -> None:
        """
        Write `batch`; on a point-level rejection bisect it down to the rejected lines.

        Every part the server accepts is acknowledged at once (and counted in `tally`), so a
        retryable error in the middle loses nothing and re-sends only what was not yet accepted.
        """
        parts = [batch]
        while parts and not self._stopping:
            part = parts.pop()
            try:
                await self._write_and_ack(part)
            except InfluxRejectedError as err:
                if err.status not in POINT_STATUSES:
                    raise
                if len(part) == 1:
                    await self._run_blocking(
                        partial(self._queue.dead_letter, part, err.message, err.status)
                    )
                    tally.dead(err)
                    continue
                middle = len(part) // 2
                parts.extend((part[middle:], part[:middle]))  # the older half goes first
                continue
            tally.written += len(part)

    async def _write_and_ack(self, part: list[tuple[int, str]]) -> None:
        """
        Write a part and delete it from the queue, as one step that cancelling does not split.

        A cancelled drain (an unload, a reload) lets the write in flight finish and its points be
        deleted: otherwise the server would have them and the queue too, and send them twice.
        """

        async def step() -> None:
            await self._writer.write([line for _, line in part])
            await self._run_blocking(partial(self._queue.ack, [point_id for point_id, _ in part]))

        self._in_flight = asyncio.ensure_future(step())
        try:
            await asyncio.shield(self._in_flight)
        finally:
            if self._in_flight.done():
                self._in_flight = None

    async def async_stop(self) -> None:
        """Start no new write, and wait for the one in flight (its points are then deleted)."""
        self._stopping = True
        if (in_flight := self._in_flight) is not None:
            with contextlib.suppress(Exception):
                await in_flight

    def _succeeded(self) -> None:
        if self.consecutive_failures:
            _LOGGER.info(
                "Writing to InfluxDB works again after %d failed attempt(s)",
                self.consecutive_failures,
            )
        self.consecutive_failures = 0
        self.last_error = None
        self.last_success = datetime.now(UTC)
        self._next_backoff = self._initial_backoff

    def _failed(self, err: InfluxError, retry_after: float | None) -> float:
        """Count a failure, log the first one, and return the backoff before the next attempt."""
        if not self.consecutive_failures:
            _LOGGER.warning("Writing to InfluxDB failed, points stay queued: %s", err)
        else:
            _LOGGER.debug("Writing to InfluxDB failed again: %s", err)
        self.consecutive_failures += 1
        self.last_error = err
        backoff = self._next_backoff
        self._next_backoff = min(self._next_backoff * 2, self._max_backoff)
        return backoff if retry_after is None else retry_after

    async def run(
        self,
        wake: asyncio.Event,
        on_result: Callable[[DrainResult], Awaitable[None]] | None = None,
    ) -> None:
        """
        Drain forever: drain, then wait for `wake` (new points) or sleep the backoff.

        `on_result` hears each drain's result. During a backoff `wake` is not watched, so
        `Retry-After` is obeyed. Cancel the task to stop: points are deleted only after the
        server accepted them, so nothing is lost. `InfluxAuthError` and `InfluxNotFoundError`
        end the loop (the caller asks the user).
        """
        while True:
            wake.clear()
            result = await self.drain_once()
            if on_result is not None:
                await on_result(result)
            if result.backoff is None:
                await wake.wait()
            else:
                await self._sleep(result.backoff)
