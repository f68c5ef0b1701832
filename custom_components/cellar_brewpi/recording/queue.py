"""
A durable, bounded queue of line-protocol points in one SQLite file.

Every method blocks (disk I/O and fsync): Home Assistant calls them in its executor. One lock
serialises the poller's `enqueue` and the drainer's `peek`/`ack` on one connection.

Durability:
- WAL journal with `synchronous=FULL`. A committed `enqueue` survives a process kill (SIGKILL) and
  also power loss or an OS crash: the WAL is fsynced at every commit. The cost is one fsync per
  transaction, i.e. one per poll cycle plus one per drained batch, which is nothing at one cycle a
  minute. (`NORMAL` keeps WAL databases consistent too, but the last commits before a power cut
  may vanish; on Home Assistant's SD-card and mini-PC hosts power cuts are the likely crash.)
- A torn WAL tail (a kill or power cut during a commit) is ignored by SQLite itself: WAL frames
  carry checksums, and only whole committed transactions are replayed.
- A file that SQLite reports as corrupt, or that is no database at all, never prevents start: it
  is renamed aside with a timestamp (its `-wal`/`-shm` too) and logged, a new queue starts, and
  the points still readable in the damaged file are copied into it (best effort, oldest first).
- Disk full, read-only or I/O errors: points go to a bounded memory queue (`max_memory_bytes`)
  that `peek` serves too, and are moved to disk as soon as a write succeeds again (`degraded`).

Bounds: after each `enqueue` the oldest points are deleted until the points' bytes (line plus
`ROW_OVERHEAD`) fit in `max_bytes`, and counted in the persistent `dropped` counter. Dead letters
keep the newest `max_dead_letters` rows; the `dead_letters` counter counts all of them.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

_LOGGER = logging.getLogger(__name__)

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
_CORRUPT_CODES = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})

DEFAULT_MAX_BYTES = 500_000_000
DEFAULT_MAX_MEMORY_BYTES = 10_000_000
DEFAULT_MAX_DEAD_LETTERS = 10_000
_SALVAGE_PROBES = 64  # seeks past damaged pages before giving up on a damaged file
ROW_OVERHEAD = 32
"""Bytes a point takes on disk beyond its line (SQLite row, id, timestamp; measured ~28)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    id INTEGER PRIMARY KEY,
    line TEXT NOT NULL,
    time_ns INTEGER,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
    id INTEGER PRIMARY KEY,
    line TEXT NOT NULL,
    reason TEXT NOT NULL,
    status INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


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


def line_time_ns(line: str) -> int | None:
    """Return the timestamp at the end of a line-protocol line, or `None` when it has none."""
    _, _, last = line.rstrip().rpartition(" ")
    try:
        return int(last)
    except ValueError:
        return None


def _plausible(line: object, stamp: object) -> bool:
    """Whether a row read from a damaged file looks like a point we stored."""
    return (
        isinstance(line, str)
        and bool(line.strip())
        and "\x00" not in line
        and (stamp is None or isinstance(stamp, int))
        and line_time_ns(line) == stamp
    )


def _is_corrupt(err: sqlite3.Error) -> bool:
    code = getattr(err, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _CORRUPT_CODES


class CorruptDatabaseError(Exception):
    """The queue file is damaged (a failed quick check)."""


def _quick_check(conn: sqlite3.Connection) -> None:
    """Raise `CorruptDatabaseError` unless SQLite's quick check passes."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise CorruptDatabaseError("; ".join(str(row[0]) for row in rows[:5]))


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
        # Points that could not be written to disk: negative id -> (line, time_ns, size).
        self._memory: OrderedDict[int, tuple[str, int | None, int]] = OrderedDict()
        self._memory_bytes = 0
        self._next_memory_id = -1
        self._disk_error: str | None = None
        with self._lock:
            self._open()

    # --- opening, corruption and degraded mode ---------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, autocommit=True, check_same_thread=False, timeout=30)
        try:
            conn.execute("PRAGMA auto_vacuum=INCREMENTAL")  # only takes effect on a new file
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA journal_size_limit=8388608")
            _quick_check(conn)
            conn.executescript(_SCHEMA)
            counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
            queued, size = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM points"
            ).fetchone()
        except BaseException:
            conn.close()
            raise
        self._dropped = max(self._dropped, int(counters.get("dropped", 0)))
        self._dead_letters = max(self._dead_letters, int(counters.get("dead_letters", 0)))
        self._queued = int(queued)
        self._bytes = int(size)
        return conn

    def _open(self) -> None:
        """Open the file; recover from a damaged one; on other errors stay in memory (degraded)."""
        try:
            self._conn = self._connect()
        except CorruptDatabaseError as err:
            self._recover(str(err))
        except sqlite3.Error as err:
            if _is_corrupt(err):
                self._recover(str(err))
            else:
                self._set_disk_error(err)
        else:
            self._set_disk_ok()

    def _recover(self, reason: str) -> None:
        """Move the damaged file aside, start a new one, and copy what can still be read."""
        aside = self._move_aside(reason)
        try:
            self._conn = self._connect()
        except (sqlite3.Error, CorruptDatabaseError) as err:  # e.g. it could not be moved
            self._set_disk_error(err)
            return
        self._set_disk_ok()
        self._salvage(aside)

    def _move_aside(self, reason: str) -> Path:
        """Rename the damaged file (and its WAL and shared-memory files) with a timestamp."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        self._queued = 0
        self._bytes = 0
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        target = self._path.with_name(f"{self._path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = self._path.with_name(self._path.name + suffix)
            try:
                source.rename(target.with_name(target.name + suffix))
            except FileNotFoundError:
                pass
            except OSError as err:
                _LOGGER.error("Cannot move %s aside: %s", source, err)  # noqa: TRY400
        _LOGGER.error(
            "The recording queue %s is damaged (%s); moved it to %s and started a new queue",
            self._path,
            reason,
            target,
        )
        return target

    def _salvage(self, source: Path) -> None:
        """
        Copy the points still readable in a damaged file into the new queue, oldest first.

        Reading in id order stops at a damaged page; the next attempt seeks past it (1, 2, 4 ...
        ids further). A row is kept only when its timestamp column matches its line's, which
        rejects the zeros and garbage of a torn page.
        """
        if self._conn is None or not source.exists():
            return
        rows: list[tuple[str, int | None, int]] = []
        after, step, probes = 0, 1, 0
        try:
            old = sqlite3.connect(source, autocommit=True)
            # writable_schema makes SQLite read a file shorter than its header says (truncated).
            old.execute("PRAGMA writable_schema=ON")
            old.execute("PRAGMA query_only=ON")
        except sqlite3.Error:
            return
        try:
            while probes < _SALVAGE_PROBES:
                try:
                    for row_id, line, stamp in old.execute(
                        "SELECT id, line, time_ns FROM points WHERE id > ? ORDER BY id", (after,)
                    ):
                        if row_id <= after:  # a damaged tree can lead back: seek on
                            raise sqlite3.DatabaseError("ids out of order")
                        after, step = row_id, 1
                        if _plausible(line, stamp):
                            rows.append((line, stamp, len(line.encode()) + ROW_OVERHEAD))
                except sqlite3.Error:
                    after, step, probes = after + step, step * 2, probes + 1
                else:
                    break
        finally:
            old.close()
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
        if _is_corrupt(err):
            self._recover(str(err))
        else:
            self._set_disk_error(err)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn
        if conn is None:
            raise sqlite3.OperationalError("the queue file is not open")
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _ensure_open(self) -> None:
        if self._closed:
            raise RuntimeError("the queue is closed")
        if self._conn is None:
            self._open()

    def _save_counters(self, conn: sqlite3.Connection, dropped: int) -> None:
        conn.executemany(
            "INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)",
            (("dropped", dropped), ("dead_letters", self._dead_letters)),
        )

    # --- writing ---------------------------------------------------------------------------

    def enqueue(self, lines: Sequence[str]) -> None:
        """
        Store the lines of one poll cycle in one transaction, then enforce the disk bound.

        When the call returns the points are on disk (or, degraded, in memory). It never raises
        for disk errors.
        """
        rows = [(line, line_time_ns(line), len(line.encode()) + ROW_OVERHEAD) for line in lines]
        with self._lock:
            self._ensure_open()
            for attempt in range(2):
                try:
                    self._store(rows)
                except sqlite3.Error as err:
                    corrupt = _is_corrupt(err)
                    self._handle_error(err)
                    if corrupt and attempt == 0:
                        continue  # once more, into the new file
                    self._remember(rows)
                else:
                    self._set_disk_ok()
                return

    def _store(self, rows: list[tuple[str, int | None, int]]) -> None:
        """Insert the memory backlog (older) and `rows`, drop the oldest over the bound; commit."""
        backlog = list(self._memory.values())
        queued, size, dropped = self._queued, self._bytes, self._dropped
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO points (line, time_ns, size) VALUES (?, ?, ?)", [*backlog, *rows]
            )
            queued += len(backlog) + len(rows)
            size += sum(row[2] for row in backlog) + sum(row[2] for row in rows)
            removed, removed_bytes = self._drop_oldest(conn, size - self._max_bytes)
            queued -= removed
            size -= removed_bytes
            dropped += removed
            self._save_counters(conn, dropped)
        # Committed: only now does the in-memory view change (the memory backlog is on disk).
        self._memory.clear()
        self._memory_bytes = 0
        self._queued, self._bytes = queued, size
        self._dropped = dropped
        self._log_drop(removed)

    def _drop_oldest(self, conn: sqlite3.Connection, excess: int) -> tuple[int, int]:
        """Delete the oldest points until `excess` bytes are freed; return (count, bytes)."""
        if excess <= 0:
            return 0, 0
        freed = 0
        last_id = 0
        cursor = conn.execute("SELECT id, size FROM points ORDER BY id")  # read lazily
        try:
            for last_id, size in cursor:  # noqa: B007
                freed += size
                if freed >= excess:
                    break
        finally:
            cursor.close()
        count = conn.execute("DELETE FROM points WHERE id <= ?", (last_id,)).rowcount
        return count, freed

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

    def _remember(self, rows: list[tuple[str, int | None, int]]) -> None:
        """Keep points in memory while the disk fails, dropping the oldest over the bound."""
        for row in rows:
            self._memory[self._next_memory_id] = row
            self._next_memory_id -= 1
            self._memory_bytes += row[2]
        removed = 0
        while self._memory_bytes > self._max_memory_bytes and self._memory:
            _, (_, _, size) = self._memory.popitem(last=False)
            self._memory_bytes -= size
            removed += 1
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
            for memory_id, (line, _, _) in self._memory.items():
                if len(result) >= limit:
                    break
                result.append((memory_id, line))
            return result

    def _delete(self, conn: sqlite3.Connection, ids: list[int]) -> tuple[int, int]:
        """Delete points by id; return (count, bytes) actually deleted."""
        sizes = conn.execute(
            "DELETE FROM points WHERE id IN (SELECT value FROM json_each(?)) RETURNING size",
            (f"[{','.join(str(i) for i in ids)}]",),
        ).fetchall()
        return len(sizes), sum(size for (size,) in sizes)

    def _forget(self, ids: Sequence[int]) -> None:
        for memory_id in ids:
            row = self._memory.pop(memory_id, None)
            if row is not None:
                self._memory_bytes -= row[2]

    def ack(self, ids: Sequence[int]) -> None:
        """Delete points the server has accepted (call only after it answered with success)."""
        disk_ids = [i for i in ids if i > 0]
        with self._lock:
            self._ensure_open()
            self._forget([i for i in ids if i < 0])
            if not disk_ids or self._conn is None:
                return
            try:
                with self._transaction() as conn:
                    count, size = self._delete(conn, disk_ids)
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
        at = datetime.now(UTC).isoformat()
        with self._lock:
            self._ensure_open()
            self._forget([i for i, _ in ids_and_lines if i < 0])
            disk_ids = [i for i, _ in ids_and_lines if i > 0]
            dead = self._dead_letters + len(ids_and_lines)
            try:
                with self._transaction() as conn:
                    conn.executemany(
                        "INSERT INTO dead_letters (line, reason, status, at) VALUES (?, ?, ?, ?)",
                        [(line, reason, status, at) for _, line in ids_and_lines],
                    )
                    count, size = self._delete(conn, disk_ids) if disk_ids else (0, 0)
                    conn.execute(
                        "DELETE FROM dead_letters WHERE id <= "
                        "(SELECT MAX(id) FROM dead_letters) - ?",
                        (self._max_dead_letters,),
                    )
                    conn.execute(
                        "INSERT OR REPLACE INTO counters (name, value) VALUES ('dead_letters', ?)",
                        (dead,),
                    )
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
            if oldest is None and self._memory:
                oldest = next(iter(self._memory.values()))[1]
            return QueueStats(
                queued=self._queued + len(self._memory),
                oldest_time_ns=oldest,
                dropped=self._dropped,
                dead_letters=self._dead_letters,
                size_bytes=self._bytes + self._memory_bytes,
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
