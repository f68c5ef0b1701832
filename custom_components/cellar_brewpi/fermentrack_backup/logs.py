"""
Fermentrack's beer and gravity logs, read row by row (a year at 30 s is a million rows).

A beer's `_full.csv` has, per row: `log_time, beer_temp, beer_set, beer_ann, fridge_temp,
fridge_set, fridge_ann, room_temp, state, temp_format, associated_beer_id` and, with gravity,
`gravity, grav_temp`. Its `_graph.csv` has `log_time, beer_temp, beer_set, fridge_temp,
fridge_set, room_temp`, then `gravity, grav_temp` with gravity, then `state` for model version 2;
it does not say its unit. `log_time` is UTC, `2024/03/01 12:00:30Z`. Fermentrack writes a missing
value as `0`: a temperature of 0 is kept only where that column read near 0 just before (a cold
crash), a gravity of 0 never. A row that does not parse is skipped and counted.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

FULL_COLUMNS = (
    "log_time",
    "beer_temp",
    "beer_set",
    "beer_ann",
    "fridge_temp",
    "fridge_set",
    "fridge_ann",
    "room_temp",
    "state",
    "temp_format",
    "associated_beer_id",
)
GRAPH_COLUMNS = ("log_time", "beer_temp", "beer_set", "fridge_temp", "fridge_set", "room_temp")
GRAVITY_COLUMNS = ("gravity", "grav_temp")
TEMPERATURES = ("beer_temp", "beer_set", "fridge_temp", "fridge_set", "room_temp")
NEAR_ZERO = 1.5
"""A 0 is a reading when its column read within this of 0 just before."""
MAX_EXAMPLES = 5


def graph_columns(*, gravity: bool, model_version: int) -> tuple[str, ...]:
    """The columns of a beer's `_graph.csv`."""
    return (
        GRAPH_COLUMNS
        + (GRAVITY_COLUMNS if gravity else ())
        + (("state",) if model_version >= 2 else ())  # noqa: PLR2004
    )


def full_columns(*, gravity: bool) -> tuple[str, ...]:
    """The columns of a beer's `_full.csv`."""
    return FULL_COLUMNS + (GRAVITY_COLUMNS if gravity else ())


@dataclass(frozen=True, slots=True)
class LogRow:
    """One row of a beer's log, missing values `None`."""

    at: datetime
    beer_temp: float | None = None
    beer_set: float | None = None
    fridge_temp: float | None = None
    fridge_set: float | None = None
    room_temp: float | None = None
    state: int | None = None
    temp_format: str | None = None
    """`C` or `F` as the row says; `None` where the file does not say (`_graph.csv`)."""
    gravity: float | None = None


@dataclass(slots=True)
class Skipped:
    """Rows that did not parse: how many, and the first few (line number, text)."""

    count: int = 0
    examples: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, text: str) -> None:
        """One more bad row."""
        self.count += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append((line, text[:120]))


def parse_time(text: str) -> datetime:
    """`2024/03/01 12:00:30Z` (UTC); a `ValueError` for anything else."""
    text = text.strip()
    if len(text) != 20 or text[4] != "/" or text[7] != "/" or text[19] != "Z":  # noqa: PLR2004
        raise ValueError(text)
    return datetime(
        int(text[0:4]),
        int(text[5:7]),
        int(text[8:10]),
        int(text[11:13]),
        int(text[14:16]),
        int(text[17:19]),
        tzinfo=UTC,
    )


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        if text.strip().casefold() in {"", "none", "null"}:
            return None
        raise
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise ValueError(text)
    return value


def read_log(
    lines: Iterable[str], columns: tuple[str, ...], skipped: Skipped | None = None
) -> Iterator[LogRow]:
    """
    The rows of a log with `columns`, in file order; bad rows counted in `skipped`.

    A header row (starting `log_time`) is passed over. A row with fewer cells than the columns
    is bad, one with more is read (later versions added columns at the end).
    """
    skipped = skipped if skipped is not None else Skipped()
    last: dict[str, float] = {}
    index = {name: columns.index(name) for name in columns}
    needed = len(columns)
    for number, cells in enumerate(csv.reader(lines), 1):
        if not cells or (number == 1 and cells[0].strip() == "log_time"):
            continue
        if len(cells) < needed:
            skipped.add(number, ",".join(cells))
            continue
        try:
            row = _row(cells, index, last)
        except ValueError:
            skipped.add(number, ",".join(cells))
            continue
        yield row


def _row(cells: list[str], index: dict[str, int], last: dict[str, float]) -> LogRow:
    values: dict[str, float | None] = {}
    for name in TEMPERATURES:
        value = _number(cells[index[name]])
        if value == 0 and abs(last.get(name, math.inf)) > NEAR_ZERO:
            value = None  # Fermentrack's "no reading"
        if value is not None:
            last[name] = value
        values[name] = value
    state = _number(cells[index["state"]]) if "state" in index else None
    unit = cells[index["temp_format"]].strip().upper() if "temp_format" in index else None
    if unit not in {None, "C", "F"}:
        raise ValueError(unit)
    gravity = _number(cells[index["gravity"]]) if "gravity" in index else None
    return LogRow(
        at=parse_time(cells[index["log_time"]]),
        state=None if state is None else int(state),
        temp_format=unit,
        gravity=gravity or None,
        **values,
    )
