"""The durable queue: transactions, order, bounds, dead letters, crashes and damaged files."""

from __future__ import annotations

import logging
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from custom_components.cellar_brewpi.recording import DurableQueue, QueueClosedError
from custom_components.cellar_brewpi.recording.queue_file import ROW_OVERHEAD, line_time_ns
from tests.recording.standalone import LOAD_RECORDING


def cycle(number: int, points: int = 19, pad: int = 0) -> list[str]:
    """The lines of one poll cycle: `points` series, one timestamp 60 s after the last cycle."""
    stamp = 1_700_000_000_000_000_000 + number * 60_000_000_000
    text = f',pad="{"p" * pad}"' if pad else ""
    return [f"m,series=s{i} v={10_000 + number}i{text} {stamp}" for i in range(points)]


def size(lines: list[str]) -> int:
    return sum(len(line.encode()) + ROW_OVERHEAD for line in lines)


def all_lines(queue: DurableQueue) -> list[str]:
    return [line for _, line in queue.peek(10**9)]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "recording.db"


def test_enqueue_peek_ack_in_order(path: Path) -> None:
    queue = DurableQueue(path)
    assert queue.stats().queued == 0
    assert queue.stats().oldest_time_ns is None
    queue.enqueue(cycle(0, 3))
    queue.enqueue(cycle(1, 3))
    queue.enqueue([])
    batch = queue.peek(4)
    assert [line for _, line in batch] == [*cycle(0, 3), *cycle(1, 3)[:1]]
    ids = [point_id for point_id, _ in batch]
    assert ids == sorted(ids)
    stats = queue.stats()
    assert (stats.queued, stats.oldest_time_ns) == (6, line_time_ns(cycle(0)[0]))
    assert stats.size_bytes == size(cycle(0, 3) + cycle(1, 3))
    queue.ack(ids[1:3])  # any subset; unknown ids are ignored
    queue.ack([*ids[1:3], 10**6])
    assert all_lines(queue) == [cycle(0, 3)[0], *cycle(1, 3)[1:]][:1] + cycle(1, 3)
    queue.ack([point_id for point_id, _ in queue.peek(100)])
    stats = queue.stats()
    assert (stats.queued, stats.size_bytes, stats.oldest_time_ns) == (0, 0, None)
    queue.close()
    queue.close()  # idempotent
    with pytest.raises(QueueClosedError, match="closed"):
        queue.enqueue(["x v=1 1"])
    with pytest.raises(RuntimeError, match="closed"):  # also a RuntimeError, as it always was
        queue.peek(1)


def test_one_transaction_per_enqueue(path: Path) -> None:
    queue = DurableQueue(path)
    statements: list[str] = []
    assert queue._conn is not None
    queue._conn.set_trace_callback(statements.append)
    queue.enqueue(cycle(0))
    begins = [s for s in statements if s.startswith("BEGIN")]
    commits = [s for s in statements if s == "COMMIT"]
    assert (len(begins), len(commits)) == (1, 1)
    assert statements.index(begins[0]) < statements.index(commits[0])
    assert all("INSERT INTO points" not in s for s in statements[statements.index("COMMIT") :])
    queue._conn.set_trace_callback(None)
    journal = queue._conn.execute("PRAGMA journal_mode").fetchone()[0]
    synchronous = queue._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert (journal, synchronous) == ("wal", 2)  # 2 = FULL
    queue.close()


def test_file_shrinks_when_drained(path: Path) -> None:
    queue = DurableQueue(path)
    for number in range(200):
        queue.enqueue(cycle(number, pad=100))
    while batch := queue.peek(1000):
        queue.ack([point_id for point_id, _ in batch])
    assert queue._conn is not None
    assert queue._conn.execute("PRAGMA freelist_count").fetchone() == (0,)
    assert queue._conn.execute("PRAGMA page_count").fetchone()[0] < 10
    queue.close()


def test_line_time_ns() -> None:
    assert line_time_ns("m v=1 123") == 123
    assert line_time_ns('m s="a b" -5') == -5
    assert line_time_ns("m v=1") is None


def test_reopen_keeps_points_and_counters(path: Path) -> None:
    queue = DurableQueue(path, max_bytes=size(cycle(0)) * 3)
    for number in range(4):
        queue.enqueue(cycle(number))
    queue.dead_letter(queue.peek(1), "bad", 400)
    before = queue.stats()
    queue.close()
    reopened = DurableQueue(path, max_bytes=size(cycle(0)) * 3)
    assert reopened.stats() == before
    assert before.dropped == 19
    assert before.dead_letters == 1
    assert all_lines(reopened) == [*cycle(1)[1:], *cycle(2), *cycle(3)]
    reopened.close()


def test_disk_bound_drops_oldest_and_counts(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    bound = size(cycle(0)) * 10
    queue = DurableQueue(path, max_bytes=bound)
    with caplog.at_level(logging.DEBUG):
        for number in range(25):
            queue.enqueue(cycle(number))
            assert queue.stats().size_bytes <= bound
    stats = queue.stats()
    assert stats.dropped == 15 * 19
    assert stats.queued == 10 * 19
    assert all_lines(queue) == [line for number in range(15, 25) for line in cycle(number)]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # when dropping starts; then DEBUG
    assert "dropped the 19 oldest" in warnings[0].getMessage()
    # a single enqueue larger than the bound keeps only its newest lines
    queue.enqueue([f"big v={i}i {i}" for i in range(2000)])
    assert queue.stats().size_bytes <= bound
    assert all_lines(queue)[-1] == "big v=1999i 1999"
    queue.close()


def test_dead_letters(path: Path) -> None:
    queue = DurableQueue(path, max_dead_letters=3)
    queue.enqueue(cycle(0, 6))
    batch = queue.peek(6)
    queue.dead_letter([], "nothing", 400)
    queue.dead_letter(batch[1:2], "field type conflict", 422)
    queue.dead_letter(batch[2:5], "unable to parse", 400)
    stats = queue.stats()
    assert (stats.queued, stats.dead_letters) == (2, 4)
    assert all_lines(queue) == [batch[0][1], batch[5][1]]
    letters = queue.dead_letters()
    assert [(line, reason, status) for line, reason, status, _ in letters] == [
        (batch[4][1], "unable to parse", 400),
        (batch[3][1], "unable to parse", 400),
        (batch[2][1], "unable to parse", 400),
    ]  # newest first; only the newest 3 are kept, all 4 are counted
    queue.close()


CHILD = (
    LOAD_RECORDING
    + """
import pathlib
queue = recording.DurableQueue(pathlib.Path(sys.argv[1]))
number = int(sys.argv[2])
while True:
    stamp = 1_700_000_000_000_000_000 + number * 60_000_000_000
    queue.enqueue([f"m,series=s{i} v={10_000 + number}i {stamp}" for i in range(19)])
    print(number, flush=True)
    number += 1
"""
)


def test_sigkill_keeps_every_committed_enqueue(path: Path) -> None:
    """A child enqueues in a loop and reports each commit; SIGKILL it mid-write, reopen; 3 times."""
    rng = random.Random(5)
    first = 0
    for _ in range(3):
        child = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", CHILD, str(path), str(first)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert child.stdout is not None
        reported = first - 1
        target = first + rng.randint(50, 200)
        while reported < target:
            reported = int(child.stdout.readline())
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()

        queue = DurableQueue(path)
        lines = all_lines(queue)
        queue.close()
        committed = [line for number in range(reported + 1) for line in cycle(number)]
        assert lines[: len(committed)] == committed  # every reported commit, in order
        # Committed, but killed before the report was read: whole transactions only, in order
        # (the child may commit several between the last report read and the kill).
        extra = lines[len(committed) :]
        assert len(extra) % 19 == 0
        after = len(extra) // 19
        assert extra == [
            line for n in range(reported + 1, reported + 1 + after) for line in cycle(n)
        ]
        first = reported + 1 + after
    assert not list(path.parent.glob("*.corrupt-*"))


def test_garbage_file_is_moved_aside(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path.write_bytes(b"this is not a database" * 1000)
    with caplog.at_level(logging.ERROR):
        queue = DurableQueue(path)
    assert queue.stats().queued == 0
    aside = list(path.parent.glob("recording.db.corrupt-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes().startswith(b"this is not a database")
    assert "damaged" in caplog.text
    queue.enqueue(cycle(0))
    assert queue.stats().queued == 19
    queue.close()


def test_torn_file_never_prevents_start(path: Path, tmp_path: Path) -> None:
    """Truncate a queue file at random offsets: it always starts, and keeps only real lines."""
    queue = DurableQueue(path)
    for number in range(200):
        queue.enqueue(cycle(number))
    original = all_lines(queue)
    queue.close()
    whole = path.stat().st_size
    rng = random.Random(11)
    recovered: list[int] = []
    for offset in [0, 100, 4096, *sorted(rng.sample(range(whole), 20))]:
        work = tmp_path / f"torn{offset}"
        work.mkdir()
        torn = work / "recording.db"
        shutil.copy(path, torn)
        os.truncate(torn, offset)
        reopened = DurableQueue(torn)
        lines = all_lines(reopened)
        positions = [original.index(line) for line in lines]
        assert positions == sorted(set(positions))  # nothing invented, no duplicates, in order
        reopened.enqueue(cycle(999, 1))  # and it works
        reopened.close()
        recovered.append(len(lines))
        if offset:
            assert list(work.glob("recording.db.corrupt-*"))
    assert max(recovered) > len(original) // 2  # torn late: most points recovered


def test_damaged_page_found_at_open(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A page overwritten in the middle: the quick check fails, the rest is recovered."""
    queue = DurableQueue(path)
    for number in range(300):
        queue.enqueue(cycle(number))
    original = all_lines(queue)
    queue.close()
    with path.open("r+b") as handle:
        handle.seek(4096 * 40 + 1500)
        handle.write(b"\xff" * 600)
    with caplog.at_level(logging.WARNING):
        queue = DurableQueue(path)
    lines = all_lines(queue)
    positions = [original.index(line) for line in lines]
    assert positions == sorted(set(positions))
    assert len(original) // 2 < len(lines) < len(original)
    assert "damaged" in caplog.text
    assert f"Recovered {len(lines)} points" in caplog.text
    queue.close()


@pytest.mark.parametrize("first", ["enqueue", "peek", "stats"])
def test_corruption_while_running_recovers(path: Path, first: str) -> None:
    queue = DurableQueue(path)
    for number in range(300):
        queue.enqueue(cycle(number))
    queue.close()
    queue = DurableQueue(path)
    assert queue._conn is not None
    queue._conn.execute("PRAGMA cache_size=1")  # read pages from the file, not the cache
    with path.open("r+b") as handle:
        handle.seek(4096 * 2)
        handle.write(os.urandom(4096 * 20))
    if first == "enqueue":
        queue.enqueue(cycle(300))  # into the new file, after what was recovered
    elif first == "stats":
        assert queue.stats().queued == 300 * 19  # counts are kept in memory
    lines = all_lines(queue)
    assert list(path.parent.glob("recording.db.corrupt-*"))
    valid = {line for number in range(301) for line in cycle(number)}
    assert set(lines) <= valid
    assert len(lines) < 300 * 19
    if first == "enqueue":
        assert lines[-19:] == cycle(300)
    queue.enqueue(cycle(301))
    assert all_lines(queue)[-19:] == cycle(301)
    queue.close()


def test_disk_full_keeps_points_in_memory(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """SQLITE_FULL (here from max_page_count): points wait in memory and move to disk later."""

    def padded(number: int) -> list[str]:
        return cycle(number, pad=300)  # every cycle needs new pages

    big = [f'm,series=big{i} v="{"x" * 500}" {i}' for i in range(3)]
    queue = DurableQueue(path, max_memory_bytes=size(padded(0)) * 3)
    queue.enqueue(padded(0))
    conn = queue._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    with caplog.at_level(logging.INFO):
        queue.enqueue(big)
        queue.enqueue(padded(1))
    stats = queue.stats()
    assert stats.degraded
    assert (stats.queued, stats.memory_queued) == (19 + 3 + 19, 22)
    assert stats.oldest_time_ns == line_time_ns(padded(0)[0])
    assert "Cannot write the recording queue" in caplog.text
    batch = queue.peek(100)
    assert [line for _, line in batch] == [*padded(0), *big, *padded(1)]
    assert [line for _, line in queue.peek(20)] == [*padded(0), big[0]]
    memory_ids = [point_id for point_id, _ in batch if point_id < 0]
    assert len(memory_ids) == 22
    queue.ack(memory_ids[:3])  # the server took the big ones
    queue.enqueue(padded(2))  # still full
    queue.enqueue(padded(3))
    queue.enqueue(padded(4))  # over the memory bound: the oldest in memory go
    stats = queue.stats()
    assert stats.dropped == 19
    assert stats.memory_queued == 3 * 19
    conn.execute("PRAGMA max_page_count=1000000")  # space is back
    queue.enqueue(padded(5))
    stats = queue.stats()
    assert not stats.degraded
    assert stats.memory_queued == 0
    assert all_lines(queue) == [*padded(0), *padded(2), *padded(3), *padded(4), *padded(5)]
    assert "can be written again" in caplog.text
    queue.close()
    reopened = DurableQueue(path)
    assert reopened.stats().dropped == 19
    assert reopened.stats().queued == 5 * 19
    reopened.close()


def test_unopenable_path_starts_in_memory(tmp_path: Path) -> None:
    """A queue whose directory is missing still starts, degraded, and keeps points in memory."""
    path = tmp_path / "missing" / "recording.db"
    queue = DurableQueue(path)
    queue.enqueue(cycle(0))
    assert queue.stats().degraded
    assert queue.dead_letters() == []
    batch = queue.peek(5)
    queue.dead_letter(batch[:1], "bad", 400)
    queue.ack([point_id for point_id, _ in batch[1:]])
    assert queue.stats().queued == 14
    assert queue.stats().oldest_time_ns == line_time_ns(cycle(0)[0])
    path.parent.mkdir()
    queue.close()  # the memory backlog reaches the disk on close
    reopened = DurableQueue(path)
    assert all_lines(reopened) == cycle(0)[5:]
    assert reopened.stats().dead_letters == 1
    reopened.close()


def test_close_without_disk_logs_the_lost_points(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    queue = DurableQueue(tmp_path / "missing" / "recording.db")
    queue.enqueue(cycle(0))
    with caplog.at_level(logging.ERROR):
        queue.close()
    assert "Lost 19 recording points" in caplog.text


def test_sqlite_errors_are_not_mistaken_for_corruption(path: Path) -> None:
    queue = DurableQueue(path)
    queue.enqueue(cycle(0))
    conn = queue._conn
    assert conn is not None
    conn.execute("PRAGMA query_only=ON")  # every write fails with SQLITE_READONLY
    queue.ack([1])
    queue.dead_letter(queue.peek(1), "bad", 400)
    stats = queue.stats()
    assert stats.degraded
    assert stats.queued == 19
    assert not list(path.parent.glob("*.corrupt-*"))
    conn.execute("PRAGMA query_only=OFF")
    queue.close()
    assert isinstance(sqlite3.sqlite_version, str)
