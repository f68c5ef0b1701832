"""
The benchmark's Fermentrack rows: importing a year-long beer log at 30 s.

A 2.0.0 backup with one beer of a year at 30 s (1,051,200 rows, with gravity) is written by
Fermentrack's rules (`scripts.fermentrack_backups`). A child process of its own (so that its
peak memory is the import's) then does what the import flow does with it, without Home Assistant
around it: the survey (the records, and one pass over the log for its span) and the import of the
log (`fermentrack_import.history.import_logs`: rows parsed, points built and handed in chunks to a
real `DurableQueue` on disk, hourly statistics). It reports its wall and CPU time and its peak
resident memory above what it had before it started. Beside them, in the same child, the floor:
decompressing the archive and reading the log's lines, nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scripts.benchmark_recording import Figure

from scripts.fermentrack_backups import Beer, Controller, Installation, fermentation, write_backup

YEAR_ROWS = 365 * 24 * 120
TIME_GOAL_S = 60.0
MEMORY_GOAL_MB = 100.0


def _status_mb(key: str) -> float:
    """`VmRSS` (now) or `VmHWM` (the peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    raise KeyError(key)


def _reset_peak() -> None:
    """Start `VmHWM` over from the current size (Linux: `5` to `clear_refs`)."""
    Path("/proc/self/clear_refs").write_text("5")


def child(backup: Path, folder: Path) -> dict[str, float]:
    """Survey and import `backup` into a queue in `folder`; the figures."""
    from custom_components.cellar_brewpi.fermentrack_backup import open_installation  # noqa: PLC0415
    from custom_components.cellar_brewpi.fermentrack_import.history import (  # noqa: PLC0415
        LogJob,
        import_logs,
    )
    from custom_components.cellar_brewpi.fermentrack_import.survey import survey  # noqa: PLC0415
    from custom_components.cellar_brewpi.recording import DurableQueue  # noqa: PLC0415

    _reset_peak()
    before = _status_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    with open_installation(backup) as installation:
        beer = installation.inventory.beers[0]
        with installation.log_lines(beer) as (lines, _):
            floor_lines = sum(1 for _ in lines)
    floor = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = survey(backup, None)
    surveyed = time.perf_counter() - started
    queue = DurableQueue(folder / "queue.sqlite3", max_bytes=2_000_000_000)
    job = LogJob(beer.key, "fermenter1", "C", queue=True)
    result = import_logs(backup, None, [job], queue.enqueue)[beer.key]
    assert not isinstance(result, str), result  # noqa: S101 - the benchmark's own check
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    stats = queue.stats()
    queue.close()
    return {
        "floor_s": floor,
        "floor_lines": floor_lines,
        "survey_s": surveyed,
        "rows_surveyed": found.logs[beer.key].rows,
        "wall_s": wall,
        "cpu_s": cpu,
        "rows": result.rows,
        "points": result.points,
        "queued": stats.queued,
        "queue_mb": stats.size_bytes / 1e6,
        "hours": len(result.statistics("beer_temp")),
        "peak_mb": _status_mb("VmHWM") - before,
        "base_mb": before,
    }


def bench_fermentrack(rows: int = YEAR_ROWS) -> list[Figure]:
    """Write the backup, import it in a child process; the rows of the table."""
    from scripts.benchmark_recording import Figure  # noqa: PLC0415 - not in the child

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        start = datetime(2023, 3, 1, tzinfo=UTC)
        installation = Installation(
            controllers=[Controller(1, "c0000000-0000-4000-8000-000000000001", "fermenter1")],
            beers=[
                Beer(1, "b0000000-0000-4000-8000-000000000001", "A year of ale", 1,
                     gravity_enabled=True, rows=fermentation(start, rows, gravity=True))
            ],
        )  # fmt: skip
        written = time.perf_counter()
        backup = write_backup(installation, folder / "backup.tar.xz", preset=1)
        written = time.perf_counter() - written
        size_mb = backup.stat().st_size / 1e6
        out = subprocess.run(  # noqa: S603 - this very script, as the child
            [sys.executable, "-m", "scripts.benchmark_fermentrack", str(backup), str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
    how = (
        f"a 2.0.0 backup of {rows:,} rows at 30 s ({rows * 30 / 86400:.0f} days, gravity), "
        f"{size_mb:.1f} MB .tar.xz (xz level 1, written by Fermentrack's rules in "
        f"{written:.0f} s), "
        f"in a child process: the survey (records, one pass over the log: "
        f"{figures['survey_s']:.1f} s) then import_logs into a DurableQueue on disk "
        f"({figures['points']:,} points queued, {figures['queue_mb']:.0f} MB, "
        f"{figures['hours']:,} hourly statistics). Floor in the same child: decompress and read "
        f"the log's {figures['floor_lines']:,} lines, {figures['floor_s']:.1f} s"
    )
    return [
        Figure(
            "Fermentrack import: a year-long 30 s log, survey + import",
            f"<= {TIME_GOAL_S:.0f} s",
            f"{figures['wall_s']:.1f} s wall, {figures['cpu_s']:.1f} s CPU "
            f"({figures['rows'] / figures['wall_s']:,.0f} rows/s); "
            f"floor {figures['floor_s']:.1f} s",
            how,
        ),
        Figure(
            "Fermentrack import: peak memory",
            f"<= {MEMORY_GOAL_MB:.0f} MB",
            f"{figures['peak_mb']:.0f} MB above the process's {figures['base_mb']:.0f} MB",
            "peak resident set of the child (VmHWM, reset as the import starts) above its size "
            "then (VmRSS), the log streamed row by row and queued in chunks of 10,000 points",
        ),
    ]


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(json.dumps(child(Path(sys.argv[1]), Path(sys.argv[2]))))
    else:
        for figure in bench_fermentrack(int(sys.argv[1]) if len(sys.argv) > 1 else YEAR_ROWS):
            print(figure)
