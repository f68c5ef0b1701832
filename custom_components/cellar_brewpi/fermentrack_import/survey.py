"""What an uploaded Fermentrack installation holds, shown before anything is imported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..fermentrack_backup import BackupError, Inventory, open_installation
from ..fermentrack_backup.archive import READ_ERRORS
from ..fermentrack_backup.logs import parse_time


@dataclass(frozen=True, slots=True)
class LogSpan:
    """A beer log's rows (its lines that start with a date) and its first and last time."""

    rows: int
    first: datetime | None
    last: datetime | None


@dataclass
class Survey:
    """The inventory, and each beer's log span (by beer key; none: no log)."""

    inventory: Inventory
    logs: dict[str, LogSpan] = field(default_factory=dict)


def _time(line: str) -> datetime | None:
    try:
        return parse_time(line[:20])
    except ValueError:
        return None


def survey(backup: Path, data_zip: Path | None) -> Survey:
    """Read the records and scan each log once for its span (blocking; a `BackupError`)."""
    with open_installation(backup, data_zip) as installation:
        result = Survey(installation.inventory)
        for beer in installation.inventory.beers:
            if not (beer.full_log or beer.graph_log):
                continue
            rows, first, last_line = 0, None, ""
            try:
                with installation.log_lines(beer) as (lines, _):
                    for line in lines:
                        if not line[:1].isdigit():  # the header, a blank line
                            continue
                        rows += 1
                        last_line = line
                        if first is None:
                            first = _time(line)
            except (BackupError, *READ_ERRORS) as err:
                installation.inventory.skipped.append((f"beer {beer.name}", str(err)))
                continue
            result.logs[beer.key] = LogSpan(rows, first, _time(last_line))
        return result
