"""
A durable, bounded queue of line-protocol points in one SQLite file.

Every method blocks (disk I/O and fsync): Home Assistant calls them in its executor. One lock
serialises the poller's `enqueue` and the drainer's `peek`/`ack` on one connection.

Durability (the file's, see `queue_file`): a committed `enqueue` survives a process kill, power
loss or an OS crash, and a damaged file never prevents start. Disk full, read-only or I/O errors:
points go to a bounded memory queue (`max_memory_bytes`, `queue_memory`) that `peek` serves too,
and are moved to disk as soon as a write succeeds again (`degraded`).

Bounds: after each `enqueue` the oldest points are deleted until the points' bytes (line plus
`ROW_OVERHEAD`) fit in `max_bytes`, and counted in the persistent `dropped` counter. Dead letters
keep the newest `max_dead_letters` rows; the `dead_letters` counter counts all of them.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import CorruptDatabaseError, QueueClosedError
from .queue_file import (
    Row,
    delete_points,
    drop_oldest,
    insert_dead_letters,
    insert_points,
    is_corrupt,
    move_aside,
    open_file,
    salvage,
    save_counter,
    to_row,
    transaction,
)
from .queue_memory import MemoryBacklog

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 500_000_000
DEFAULT_MAX_MEMORY_BYTES = 10_000_000
DEFAULT_MAX_DEAD_LETTERS = 10_000


@dataclass(frozen=True, slots=True)
class QueueStats:
    """
    The queue's state.

    `queued` and `size_bytes` count points not yet accepted by the server (on disk and, when
    degraded, in memory); `size_bytes` is their line-protocol bytes plus `ROW_OVERHEAD` each, close
    to the file's size. `dropped` and `dead_letters` are totals since the file was created.
    """

    queued: int
    oldest_time_ns: int | None
    dropped: int
    dead_letters: int
    size_bytes: int
    degraded: bool = False
    memory_queued: int = 0


class DurableQueue:
    """Points waiting for InfluxDB, oldest first, kept until the server has accepted them."""

    def __init__(
        self,
        path: Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_memory_bytes: int = DEFAULT_MAX_MEMORY_BYTES,
        max_dead_letters: int = DEFAULT_MAX_DEAD_LETTERS,
    ) -> None:
        """Open (or create) the queue at `path`; a damaged file is moved aside, never fatal."""
        self._path = path
        self._max_bytes = max_bytes
        self._max_memory_bytes = max_memory_bytes
        self._max_dead_letters = max_dead_letters
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        # Totals, loaded from the file and written back in every transaction that changes them.
        self._queued = 0
        self._bytes = 0
        self._dropped = 0
        self._dead_letters = 0
        self._dropping = False
        self._memory = MemoryBacklog(max_memory_bytes)  # what could not be written to disk
        self._disk_error: str | None = None
        with self._lock:
            self._open()

    # --- opening, corruption and degraded mode ---------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn, totals = open_file(self._path)
        self._dropped = max(self._dropped, totals.dropped)
        self._dead_letters = max(self._dead_letters, totals.dead_letters)
        self._queued = totals.queued
        self._bytes = totals.size
        return conn

    def _open(self) -> None:
        """Open the file; recover from a damaged one; on other errors stay in memory (degraded)."""
        try:
            self._conn = self._connect()
        except CorruptDatabaseError as err:
            self._recover(str(err))
        except sqlite3.Error as err:
            if is_corrupt(err):
                self._recover(str(err))
            else:
                self._set_disk_error(err)
        else:
            self._set_disk_ok()

    def _recover(self, reason: str) -> None:
        """Move the damaged file aside, start a new one, and copy what can still be read."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        self._queued = 0
        self._bytes = 0
        aside = move_aside(self._path, reason)
        try:
            self._conn = self._connect()
        except (sqlite3.Error, CorruptDatabaseError) as err:  # e.g. it could not be moved
            self._set_disk_error(err)
            return
        self._set_disk_ok()
        self._salvage(aside)

    def _salvage(self, source: Path) -> None:
        """Copy the points still readable in a damaged file into the new queue, oldest first."""
        if self._conn is None or not source.exists():
            return
        rows = salvage(source)
        if not rows:
            return
        try:
            self._store(rows)
        except sqlite3.Error as err:
            self._set_disk_error(err)
            self._remember(rows)
        _LOGGER.warning("Recovered %d points from the damaged recording queue", len(rows))

    def _set_disk_error(self, err: Exception) -> None:
        if self._disk_error is None:
            _LOGGER.error(
                "Cannot write the recording queue %s (%s); keeping up to %d bytes of points in "
                "memory until it can be written again",
                self._path,
                err,
                self._max_memory_bytes,
            )
        self._disk_error = str(err)

    def _set_disk_ok(self) -> None:
        if self._disk_error is not None:
            _LOGGER.info("The recording queue %s can be written again", self._path)
        self._disk_error = None

    def _handle_error(self, err: sqlite3.Error) -> None:
        """Corruption found while running: move the file aside and start a new one."""
        if is_corrupt(err):
            self._recover(str(err))
        else:
            self._set_disk_error(err)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self._conn is None:
            raise sqlite3.OperationalError("the queue file is not open")
        with transaction(self._conn) as conn:
            yield conn

    def _ensure_open(self) -> None:
        if self._closed:
            raise QueueClosedError("the queue is closed")
        if self._conn is None:
            self._open()

    # --- writing ---------------------------------------------------------------------------

    @property
    def room_bytes(self) -> int:
        """How many more bytes the queue holds before it drops its oldest points."""
        with self._lock:
            return self._max_bytes - self._bytes

    def enqueue(self, lines: Sequence[str]) -> None:
        """
        Store the lines of one poll cycle in one transaction, then enforce the disk bound.

        When the call returns the points are on disk (or, degraded, in memory). It never raises
        for disk errors.
        """
        rows = [to_row(line) for line in lines]
        with self._lock:
            self._ensure_open()
            for attempt in range(2):
                try:
                    self._store(rows)
                except sqlite3.Error as err:
                    corrupt = is_corrupt(err)
                    self._handle_error(err)
                    if corrupt and attempt == 0:
                        continue  # once more, into the new file
                    self._remember(rows)
                else:
                    self._set_disk_ok()
                return

    def _store(self, rows: list[Row]) -> None:
        """Insert the memory backlog (older) and `rows`, drop the oldest over the bound; commit."""
        rows = [*self._memory.rows(), *rows]  # the memory backlog is older
        queued, size, dropped = self._queued, self._bytes, self._dropped
        with self._transaction() as conn:
            insert_points(conn, rows)
            queued += len(rows)
            size += sum(row[2] for row in rows)
            removed, removed_bytes = drop_oldest(conn, size - self._max_bytes)
            queued -= removed
            size -= removed_bytes
            dropped += removed
            save_counter(conn, dropped=dropped, dead_letters=self._dead_letters)
        # Committed: only now does the in-memory view change (the memory backlog is on disk).
        self._memory.clear()
        self._queued, self._bytes = queued, size
        self._dropped = dropped
        self._log_drop(removed)

    def _log_drop(self, removed: int) -> None:
        if removed and not self._dropping:
            _LOGGER.warning(
                "The recording queue reached its limit of %d bytes: dropped the %d oldest "
                "points (%d dropped in total)",
                self._max_bytes,
                removed,
                self._dropped,
            )
        elif removed:
            _LOGGER.debug("Dropped the %d oldest points (%d in total)", removed, self._dropped)
        self._dropping = bool(removed)

    def _remember(self, rows: list[Row]) -> None:
        """Keep points in memory while the disk fails, dropping the oldest over the bound."""
        removed = self._memory.add(rows)
        self._dropped += removed
        if removed:
            _LOGGER.warning(
                "The in-memory recording queue is full: dropped the %d oldest points", removed
            )

    # --- reading and acknowledging ---------------------------------------------------------

    def peek(self, limit: int) -> list[tuple[int, str]]:
        """Return up to `limit` (id, line) pairs, oldest first (disk first, then memory)."""
        with self._lock:
            self._ensure_open()
            result: list[tuple[int, str]] = []
            for _ in range(2):  # once more after recovering from a damaged file
                if self._conn is None:
                    break
                try:
                    result = self._conn.execute(
                        "SELECT id, line FROM points ORDER BY id LIMIT ?", (limit,)
                    ).fetchall()
                except sqlite3.Error as err:
                    self._handle_error(err)
                else:
                    break
            for point in self._memory.lines():
                if len(result) >= limit:
                    break
                result.append(point)
            return result

    def ack(self, ids: Sequence[int]) -> None:
        """Delete points the server has accepted (call only after it answered with success)."""
        disk_ids = [i for i in ids if i > 0]
        with self._lock:
            self._ensure_open()
            self._memory.discard(i for i in ids if i < 0)
            if not disk_ids or self._conn is None:
                return
            try:
                with self._transaction() as conn:
                    count, size = delete_points(conn, disk_ids)
                self._queued -= count
                self._bytes -= size
                if self._queued == 0:
                    # each step frees one page: run it to the end, so the file shrinks
                    self._conn.execute("PRAGMA incremental_vacuum").fetchall()
            except sqlite3.Error as err:
                # Not deleted: the points are sent again later, which overwrites them.
                self._handle_error(err)

    def dead_letter(
        self, ids_and_lines: Sequence[tuple[int, str]], reason: str, status: int
    ) -> None:
        """Move points the server rejected to `dead_letters`, with the reason and HTTP status."""
        if not ids_and_lines:
            return
        lines = [line for _, line in ids_and_lines]
        with self._lock:
            self._ensure_open()
            self._memory.discard(i for i, _ in ids_and_lines if i < 0)
            disk_ids = [i for i, _ in ids_and_lines if i > 0]
            dead = self._dead_letters + len(ids_and_lines)
            try:
                with self._transaction() as conn:
                    insert_dead_letters(conn, lines, reason, status, self._max_dead_letters)
                    count, size = delete_points(conn, disk_ids) if disk_ids else (0, 0)
                    save_counter(conn, dead_letters=dead)
            except sqlite3.Error as err:
                self._handle_error(err)
                self._dead_letters = dead  # counted; the lines are in the log below
            else:
                self._queued -= count
                self._bytes -= size
                self._dead_letters = dead
        _LOGGER.debug(
            "Dead-lettered %d point(s) (HTTP %d: %s), first: %s",
            len(ids_and_lines),
            status,
            reason,
            ids_and_lines[0][1][:200],
        )

    def dead_letters(self, limit: int = 100) -> list[tuple[str, str, int, str]]:
        """Return the newest dead letters as (line, reason, status, ISO time), newest first."""
        with self._lock:
            self._ensure_open()
            if self._conn is None:
                return []
            rows: list[tuple[str, str, int, str]] = self._conn.execute(
                "SELECT line, reason, status, at FROM dead_letters ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
            return rows

    # --- state -----------------------------------------------------------------------------

    def stats(self) -> QueueStats:
        """Return the queue's counts (cheap: one indexed query for the oldest timestamp)."""
        with self._lock:
            oldest: int | None = None
            if self._conn is not None and self._queued:
                try:
                    row = self._conn.execute(
                        "SELECT time_ns FROM points ORDER BY id LIMIT 1"
                    ).fetchone()
                except sqlite3.Error:
                    row = None
                oldest = None if row is None else row[0]
            if oldest is None:
                oldest = self._memory.oldest_time_ns()
            return QueueStats(
                queued=self._queued + len(self._memory),
                oldest_time_ns=oldest,
                dropped=self._dropped,
                dead_letters=self._dead_letters,
                size_bytes=self._bytes + self._memory.size,
                degraded=self._disk_error is not None,
                memory_queued=len(self._memory),
            )

    def close(self) -> None:
        """Write any memory backlog to disk if possible, then close the file (idempotent)."""
        with self._lock:
            if self._closed:
                return
            if self._memory:
                try:
                    if self._conn is None:
                        self._open()
                    self._store([])
                except sqlite3.Error:
                    _LOGGER.exception(
                        "Lost %d recording points held in memory: the queue %s cannot be written",
                        len(self._memory),
                        self._path,
                    )
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None
