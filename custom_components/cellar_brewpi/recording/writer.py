"""
Writing queued points to InfluxDB 2 (or anything serving its `/api/v2/write`).

`InfluxWriter` sends one batch per request and classifies the answer into exceptions; `Drainer`
moves points from the `DurableQueue` to the writer: it deletes them only after the server accepted
them (at-least-once; a re-sent point overwrites itself because its timestamp is the read time),
backs off on retryable errors, honours `Retry-After`, and isolates lines the server rejects by
bisecting the batch so that one bad point never blocks the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from typing import TYPE_CHECKING, Protocol

import aiohttp

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    from .queue import DurableQueue

_LOGGER = logging.getLogger(__name__)

WRITE_PATH = "/api/v2/write"
GZIP_LEVEL = 1
"""Fast compression: 5 000 points (about 1 MB) take a millisecond or two in the event loop."""

NO_CONTENT = 204
"""How InfluxDB's write API answers a write it stored; no other status counts as stored."""

MAX_ERROR_BODY = 65536
"""Bytes of an error answer read (InfluxDB's are small JSON; a proxy's HTML page may not be)."""

MAX_RETRY_AFTER = 3600.0
"""The longest `Retry-After` obeyed; a longer one is treated as this (sanity bound)."""

POINT_STATUSES = frozenset({400, 413, 422})
"""4xx answers about the points in the batch (bad line, too large, type conflict, retention):
the drainer bisects the batch. Any other 4xx is about the request itself (a proxy, a redirect, a
wrong URL) and keeps the points, with backoff, instead of dead-lettering a whole healthy queue."""

INFLUX_HEADERS = ("X-Influxdb-Version", "X-Influxdb-Build")
"""Headers InfluxDB (and VictoriaMetrics' InfluxDB API) put on every answer."""


class RunBlocking(Protocol):
    """Runs a blocking call off the event loop, like `hass.async_add_executor_job`."""

    def __call__[T](self, func: Callable[[], T], /) -> Awaitable[T]:
        """Return an awaitable of `func()`, run in a worker thread."""
        ...


class InfluxError(Exception):
    """Writing to InfluxDB failed."""


class InfluxAuthError(InfluxError):
    """The token was refused (HTTP 401 or 403): needs reauthentication."""


class InfluxNotFoundError(InfluxError):
    """The org or bucket does not exist (HTTP 404)."""


class InfluxRetryableError(InfluxError):
    """A temporary failure (429, 5xx, connection error, timeout): try again later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        """Carry the server's `Retry-After` in seconds, when it sent one."""
        super().__init__(message)
        self.retry_after = retry_after


class InfluxWrongServerError(InfluxRetryableError):
    """
    The URL does not answer as InfluxDB's write API (for example any web server's 200 page).

    InfluxDB (1.8, 2, 3 and Cloud) and VictoriaMetrics answer an accepted write with 204 No
    Content; anything else stored nothing. The points stay queued and are retried with backoff.
    """


class InfluxRejectedError(InfluxError):
    """The server refused the request for another 4xx reason (e.g. 400: a malformed point)."""

    def __init__(self, status: int, message: str) -> None:
        """Carry the HTTP status and the server's message."""
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return `Retry-After` (delta seconds or an HTTP date) as seconds from now, or `None`."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except TypeError, ValueError, IndexError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _is_influx_answer(headers: Mapping[str, str], text: str) -> bool:
    """Whether an error answer comes from an InfluxDB API: its headers or its JSON error shape."""
    if any(name in headers for name in INFLUX_HEADERS):
        return True
    with contextlib.suppress(ValueError):
        body = json.loads(text)
        return isinstance(body, dict) and isinstance(body.get("message"), str) and "code" in body
    return False


def _message(text: str) -> str:
    """Return InfluxDB's JSON `message`, or the body text, shortened."""
    with contextlib.suppress(ValueError, AttributeError):
        message = json.loads(text).get("message")
        if isinstance(message, str):
            text = message
    return text.strip()[:500]


class InfluxWriter:
    """Sends line protocol to `{url}/api/v2/write`; the caller owns `session`."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        url: str,
        token: str,
        org: str,
        bucket: str,
        *,
        timeout: float = 10.0,
    ) -> None:
        """Keep the settings; nothing is sent until `write` or `check`."""
        self._session = session
        self._url = url.rstrip("/") + WRITE_PATH
        self._params = {"org": org, "bucket": bucket, "precision": "ns"}
        self._headers = {"Content-Type": "text/plain; charset=utf-8"}
        if token:
            self._headers["Authorization"] = f"Token {token}"
        self._timeout = timeout

    @property
    def url(self) -> str:
        """The write endpoint (without the query)."""
        return self._url

    async def write(self, lines: Sequence[str]) -> None:
        """
        Write the lines in one gzip request; return when the server stored them (204).

        Raises `InfluxAuthError` (401/403), `InfluxNotFoundError` (404), `InfluxWrongServerError`
        (any other 2xx: not InfluxDB's write API, nothing was stored), `InfluxRetryableError`
        (429, 408, 5xx, 3xx, connection errors, timeouts) or `InfluxRejectedError` (other 4xx).
        """
        if not lines:
            return
        body = gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=GZIP_LEVEL)
        await self._post(body, {**self._headers, "Content-Encoding": "gzip"}, check=False)

    async def check(self) -> None:
        """
        Check that the URL is InfluxDB's write API and the token, org and bucket work.

        It POSTs an empty body, so nothing is written. VictoriaMetrics and InfluxDB 1.8 answer
        204. InfluxDB 2 and Cloud check the token (401), the org and bucket (404) and the write
        permission (403) before they read the body, and only then answer 400 "writing requires
        points": a 400 from InfluxDB (its headers or its JSON error) means the settings work.
        An answer that does not come from InfluxDB (a web server's 200 page, its 404, a login
        redirect) raises `InfluxWrongServerError`; otherwise this raises as `write` does.
        `GET /health` would check none of token, org and bucket, and a test point would stay in
        the user's data.
        """
        await self._post(b"", self._headers, check=True)

    async def _post(self, body: bytes, headers: dict[str, str], *, check: bool) -> None:
        try:
            async with (
                asyncio.timeout(self._timeout),
                self._session.post(
                    self._url,
                    params=self._params,
                    data=body,
                    headers=headers,
                    allow_redirects=False,
                ) as response,
            ):
                status = response.status
                if status == NO_CONTENT:
                    return
                text = (await response.content.read(MAX_ERROR_BODY)).decode(errors="replace")
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                influx = _is_influx_answer(response.headers, text)
        except TimeoutError as err:
            raise InfluxRetryableError(
                f"{self._url} did not answer within {self._timeout:g} s"
            ) from err
        except aiohttp.ClientError as err:
            raise InfluxRetryableError(f"{self._url} failed: {err!r}") from err
        message = _message(text)
        if check and status == 400 and influx:  # noqa: PLR2004
            return
        if 200 <= status < 300 or (check and not influx and not _retryable(status)):  # noqa: PLR2004
            raise InfluxWrongServerError(
                f"{self._url} answered HTTP {status}, not as InfluxDB's write API does "
                f"(204 No Content){f': {message[:100]}' if message else ''}"
            )
        raise _error(status, message, retry_after)


def _retryable(status: int) -> bool:
    """A status that says "try again later" (timeout, rate limit, server error)."""
    return status in {408, 429} or status >= 500  # noqa: PLR2004


def _error(status: int, message: str, retry_after: float | None) -> InfluxError:
    """Map a non-2xx status to the exception the drainer acts on."""
    if status in {401, 403}:
        return InfluxAuthError(f"HTTP {status}: {message}")
    if status == 404:  # noqa: PLR2004
        return InfluxNotFoundError(f"HTTP {status}: {message}")
    if _retryable(status) or status < 400:  # noqa: PLR2004
        return InfluxRetryableError(f"HTTP {status}: {message}", retry_after)
    return InfluxRejectedError(status, message)


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

    async def run(self, wake: asyncio.Event) -> None:
        """
        Drain forever: drain, then wait for `wake` (new points) or sleep the backoff.

        During a backoff `wake` is not watched, so `Retry-After` is obeyed. Cancel the task to
        stop: points are deleted only after the server accepted them, so nothing is lost.
        `InfluxAuthError` and `InfluxNotFoundError` end the loop (the caller asks the user).
        """
        while True:
            wake.clear()
            result = await self.drain_once()
            if result.backoff is None:
                await wake.wait()
            else:
                await self._sleep(result.backoff)
