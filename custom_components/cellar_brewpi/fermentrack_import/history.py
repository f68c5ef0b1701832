"""
A beer's log, imported: its rows as points, its temperatures as hourly statistics.

The points are the `brewpi` points the live readings make. Runs in the executor, streaming: the
log is read row by row and handed to the queue in chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..brewpi import ControlState, Temperatures
from ..cellar.points import controller_readings
from ..fermentrack_backup import Skipped, open_installation, read_log
from ..recording import to_line

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


def import_log(  # noqa: PLR0917 - what the rows need; `partial` gives them
    backup: Path,
    data_zip: Path | None,
    beer_key: str,
    device: str,
    unit: str,
    enqueue: Callable[[Sequence[str]], None] | None,
) -> LogImport:
    """
    Read the log of the beer `beer_key`; hand its points (tagged `device`) to `enqueue`.

    They go in chunks, each row in its own unit (its `temp_format` tag); the statistics are in
    `unit`.
    """
    result = LogImport()
    with open_installation(backup, data_zip) as installation:
        beer = next(b for b in installation.inventory.beers if b.key == beer_key)
        chunk: list[str] = []
        with installation.log_lines(beer) as (lines, columns):
            for row in read_log(lines, columns, result.skipped):
                result.rows += 1
                result.first = result.first or row.at
                result.last = row.at
                row_unit = row.temp_format or beer.temp_format
                temperatures = Temperatures(
                    beer_temp=row.beer_temp,
                    beer_set=row.beer_set,
                    fridge_temp=row.fridge_temp,
                    fridge_set=row.fridge_set,
                    room_temp=row.room_temp,
                    state=None if row.state is None else _state(row.state),
                )
                hour = row.at.replace(minute=0, second=0, microsecond=0)
                for series in STATISTICS:
                    if (value := getattr(row, series)) is not None:
                        hours = result.hours[series]
                        (hours.get(hour) or hours.setdefault(hour, _Hour())).add(
                            convert(value, row_unit, unit)
                        )
                if enqueue is None:
                    continue
                points = controller_readings(
                    device, temperatures, None, row.at, row_unit, gravity=row.gravity
                )
                chunk.extend(to_line(point) for point in points)
                if len(chunk) >= CHUNK:
                    enqueue(chunk)
                    result.points += len(chunk)
                    chunk = []
        if chunk and enqueue is not None:
            enqueue(chunk)
            result.points += len(chunk)
    return result


def _state(value: int) -> ControlState | None:
    try:
        return ControlState(value)
    except ValueError:
        return None
