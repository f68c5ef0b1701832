"""
A beer's log, imported: its rows as points, its temperatures as hourly statistics.

The points are the `brewpi` points the live readings make. Runs in the executor, streaming: the
log is read row by row and handed to the queue in chunks.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..brewpi import ControlState
from ..cellar.points import CONTROLLER_MEASUREMENT
from ..fermentrack_backup import (
    BackupError,
    Beer,
    Installation,
    LogRow,
    Skipped,
    open_installation,
    read_log,
)
from ..fermentrack_backup.archive import READ_ERRORS
from ..recording import Reading, to_line

CHUNK = 10_000
STATISTICS = ("beer_temp", "fridge_temp")


def convert(value: float, unit: str, to: str) -> float:
    """A temperature from °C or °F to the other (or as it is)."""
    if unit == to:
        return value
    return value * 9 / 5 + 32 if to == "F" else (value - 32) * 5 / 9


@dataclass(slots=True)
class _Hour:
    total: float = 0.0
    count: int = 0
    low: float = float("inf")
    high: float = float("-inf")

    def add(self, value: float) -> None:
        self.total += value
        self.count += 1
        self.low = min(self.low, value)
        self.high = max(self.high, value)


@dataclass
class LogImport:
    """What importing one beer's log did."""

    rows: int = 0
    points: int = 0
    skipped: Skipped = field(default_factory=Skipped)
    first: datetime | None = None
    last: datetime | None = None
    hours: dict[str, dict[datetime, _Hour]] = field(
        default_factory=lambda: {name: {} for name in STATISTICS}
    )

    def statistics(self, series: str) -> list[dict[str, Any]]:
        """The hourly mean, min and max of `beer_temp` or `fridge_temp`, oldest first."""
        return [
            {"start": hour, "mean": h.total / h.count, "min": h.low, "max": h.high}
            for hour, h in sorted(self.hours[series].items())
        ]


FIELDS = ("beer_set", "beer_temp", "fridge_set", "fridge_temp", "gravity", "room_temp")
"""A row's float fields, in the order `to_line` sorts them (`state` comes after them)."""
STATES = frozenset(state.value for state in ControlState)


def line_prefix(device: str, unit: str) -> str:
    """The measurement and tags of a `brewpi` point, escaped exactly as `to_line` does."""
    probe = Reading(CONTROLLER_MEASUREMENT, {"device": device, "temp_format": unit}, {"x": 1.0}, 0)
    line = to_line(probe)
    return line[: line.rindex(" x=1 0")]


def row_line(prefix: str, row: LogRow) -> str | None:
    """
    A log row as the line `to_line(controller_readings(...))` makes of it (a test checks).

    At the speed a year of rows needs; None for a row without a value.
    """
    fields = [
        f"{name}={float.__repr__(value).removesuffix('.0')}"
        for name in FIELDS
        if (value := getattr(row, name)) is not None
    ]
    if row.state in STATES:
        fields.append(f"state={row.state}i")
    if not fields:
        return None
    return f"{prefix} {','.join(fields)} {int(row.at.timestamp()) * 1_000_000_000}"


@dataclass(frozen=True, slots=True)
class LogJob:
    """One beer's log to import: points tagged `device` (queued if `queue`), stats in `unit`."""

    beer_key: str
    device: str
    unit: str
    queue: bool


def import_logs(
    backup: Path,
    data_zip: Path | None,
    jobs: Sequence[LogJob],
    enqueue: Callable[[Sequence[str]], None] | None,
) -> dict[str, LogImport | str]:
    """
    Import the logs of `jobs`; each beer's result, or why its log cannot be read.

    The archive is opened once for them all: an xz archive is read from its start at every opening.
    """
    results: dict[str, LogImport | str] = {}
    with open_installation(backup, data_zip) as installation:
        beers = {beer.key: beer for beer in installation.inventory.beers}
        for job in jobs:
            try:
                results[job.beer_key] = _import_log(
                    installation, beers[job.beer_key], job, enqueue if job.queue else None
                )
            except (BackupError, csv.Error, *READ_ERRORS) as err:
                results[job.beer_key] = str(err) or type(err).__name__
    return results


def _import_log(
    installation: Installation,
    beer: Beer,
    job: LogJob,
    enqueue: Callable[[Sequence[str]], None] | None,
) -> LogImport:
    """
    One beer's log: its points handed to `enqueue` in chunks, the statistics in the job's unit.

    Each row keeps its own unit (its `temp_format` tag).
    """
    result = LogImport()
    chunk: list[str] = []
    prefixes = {unit: line_prefix(job.device, unit) for unit in ("C", "F")}
    with installation.log_lines(beer) as (lines, columns):
        for row in read_log(lines, columns, result.skipped):
            result.rows += 1
            result.first = result.first or row.at
            result.last = row.at
            row_unit = row.temp_format or beer.temp_format
            hour = row.at.replace(minute=0, second=0, microsecond=0)
            for series in STATISTICS:
                if (value := getattr(row, series)) is not None:
                    hours = result.hours[series]
                    (hours.get(hour) or hours.setdefault(hour, _Hour())).add(
                        convert(value, row_unit, job.unit)
                    )
            if enqueue is None or (line := row_line(prefixes[row_unit], row)) is None:
                continue
            chunk.append(line)
            if len(chunk) >= CHUNK:
                enqueue(chunk)
                result.points += len(chunk)
                chunk = []
    if chunk and enqueue is not None:
        enqueue(chunk)
        result.points += len(chunk)
    return result
