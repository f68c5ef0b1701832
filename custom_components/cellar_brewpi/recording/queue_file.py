"""
The queue's SQLite file: its tables and their statements, opening it, and damaged files.

Durability:
- WAL journal with `synchronous=FULL`. A committed `enqueue` survives a process kill (SIGKILL) and
  also power loss or an OS crash: the WAL is fsynced at every commit. The cost is one fsync per
  transaction, i.e. one per poll cycle plus one per drained batch, which is nothing at one cycle a
  minute. (`NORMAL` keeps WAL databases consistent too, but the last commits before a power cut
  may vanish; on Home Assistant's SD-card and mini-PC hosts power cuts are the likely crash.)
- A torn WAL tail (a kill or power cut during a commit) is ignored by SQLite itself: WAL frames
  carry checksums, and only whole committed transactions are replayed.
- A file that SQLite reports as corrupt, or that is no database at all, never prevents start: it
  is renamed aside with a timestamp (its `-wal`/`-shm` too) and logged (`move_aside`), a new queue
  starts, and the points still readable in the damaged file (`salvage`) are copied into it (best
  effort, oldest first).
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .errors import CorruptDatabaseError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_LOGGER = logging.getLogger(__name__)

SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26
_CORRUPT_CODES = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})

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

type Row = tuple[str, int | None, int]
"""A point as stored: its line, its timestamp (`None` without one) and its size in bytes."""


@dataclass(frozen=True, slots=True)
class FileTotals:
    """What an opened file holds: points, their bytes, and its persistent counters."""

    queued: int
    size: int
    dropped: int
    dead_letters: int


def line_time_ns(line: str) -> int | None:
    """Return the timestamp at the end of a line-protocol line, or `None` when it has none."""
    _, _, last = line.rstrip().rpartition(" ")
    try:
        return int(last)
    except ValueError:
        return None


def to_row(line: str) -> Row:
    """The stored form of one line."""
    return line, line_time_ns(line), len(line.encode()) + ROW_OVERHEAD


def _plausible(line: object, stamp: object) -> bool:
    """Whether a row read from a damaged file looks like a point we stored."""
    return (
        isinstance(line, str)
        and bool(line.strip())
        and "\x00" not in line
        and (stamp is None or isinstance(stamp, int))
        and line_time_ns(line) == stamp
    )


def is_corrupt(err: sqlite3.Error) -> bool:
    """Whether SQLite says the file is damaged or no database at all."""
    code = getattr(err, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in _CORRUPT_CODES


def _quick_check(conn: sqlite3.Connection) -> None:
    """Raise `CorruptDatabaseError` unless SQLite's quick check passes."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if rows != [("ok",)]:
        raise CorruptDatabaseError("; ".join(str(row[0]) for row in rows[:5]))


def open_file(path: Path) -> tuple[sqlite3.Connection, FileTotals]:
    """
    Open (or create) the queue file; return the connection and what the file holds.

    Raises `CorruptDatabaseError` or `sqlite3.Error` (see `is_corrupt`); nothing stays open then.
    """
    conn = sqlite3.connect(path, autocommit=True, check_same_thread=False, timeout=30)
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
    totals = FileTotals(
        queued=int(queued),
        size=int(size),
        dropped=int(counters.get("dropped", 0)),
        dead_letters=int(counters.get("dead_letters", 0)),
    )
    return conn, totals


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (taken at once): committed at the end, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def insert_points(conn: sqlite3.Connection, rows: list[Row]) -> None:
    """Append points, in order."""
    conn.executemany("INSERT INTO points (line, time_ns, size) VALUES (?, ?, ?)", rows)


def drop_oldest(conn: sqlite3.Connection, excess: int) -> tuple[int, int]:
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


def delete_points(conn: sqlite3.Connection, ids: list[int]) -> tuple[int, int]:
    """Delete points by id; return (count, bytes) actually deleted."""
    sizes = conn.execute(
        "DELETE FROM points WHERE id IN (SELECT value FROM json_each(?)) RETURNING size",
        (f"[{','.join(str(i) for i in ids)}]",),
    ).fetchall()
    return len(sizes), sum(size for (size,) in sizes)


def save_counter(conn: sqlite3.Connection, **values: int) -> None:
    """Write persistent counters (`dropped`, `dead_letters`)."""
    conn.executemany("INSERT OR REPLACE INTO counters (name, value) VALUES (?, ?)", values.items())


def insert_dead_letters(
    conn: sqlite3.Connection, lines: list[str], reason: str, status: int, keep: int
) -> None:
    """Add dead letters (timestamped now), then delete all but the newest `keep`."""
    at = datetime.now(UTC).isoformat()
    conn.executemany(
        "INSERT INTO dead_letters (line, reason, status, at) VALUES (?, ?, ?, ?)",
        [(line, reason, status, at) for line in lines],
    )
    conn.execute(
        "DELETE FROM dead_letters WHERE id <= (SELECT MAX(id) FROM dead_letters) - ?", (keep,)
    )


def move_aside(path: Path, reason: str) -> Path:
    """Rename a damaged (closed) file, its WAL and shared-memory files with a timestamp."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = path.with_name(path.name + suffix)
        try:
            source.rename(target.with_name(target.name + suffix))
        except FileNotFoundError:
            pass
        except OSError as err:
            _LOGGER.error("Cannot move %s aside: %s", source, err)  # noqa: TRY400
    _LOGGER.error(
        "The recording queue %s is damaged (%s); moved it to %s and started a new queue",
        path,
        reason,
        target,
    )
    return target


def salvage(source: Path) -> list[Row]:
    """
    Return the points still readable in a damaged file, oldest first.

    Reading in id order stops at a damaged page; the next attempt seeks past it (1, 2, 4 ...
    ids further). A row is kept only when its timestamp column matches its line's, which
    rejects the zeros and garbage of a torn page.
    """
    rows: list[Row] = []
    after, step, probes = 0, 1, 0
    try:
        old = sqlite3.connect(source, autocommit=True)
        # writable_schema makes SQLite read a file shorter than its header says (truncated).
        old.execute("PRAGMA writable_schema=ON")
        old.execute("PRAGMA query_only=ON")
    except sqlite3.Error:
        return rows
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
                        rows.append(to_row(line))
            except sqlite3.Error:
                after, step, probes = after + step, step * 2, probes + 1
            else:
                break
    finally:
        old.close()
    return rows
