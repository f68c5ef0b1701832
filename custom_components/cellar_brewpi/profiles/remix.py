"""
BrewPi Remix's profile CSV (`settings/tempProfile.csv`), read and written.

```
date,temperature,days,Ale
2026-01-01T14:00:00,18,0
2026-01-04T14:00:00,18,3
2026-01-06T14:00:00,21,5
```

Absolute local dates; the temperatures are in the controller's unit (the file does not say
which); an empty temperature turns control off for the spans it begins or ends; `days` (the
offset from the first date, which brewpi-www's editor writes) is not needed to read it. The
first date is the profile's start; the fourth header field, when there is one, its name.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from .errors import ProfileError
from .models import Profile, Temperature, Unit
from .points import Point, points_from_steps, steps_from_points

HEADER = ("date", "temperature", "days")
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"


def looks_like(text: str) -> bool:
    """Whether `text` is meant as a BrewPi Remix CSV (its header)."""
    first = text.lstrip().split("\n", 1)[0].strip().lower()
    return first.startswith("date,temperature")


def read(text: str, unit: Unit, name: str | None = None) -> Profile:
    """The profile of a Remix CSV with temperatures in `unit`; `name` if the file has none."""
    rows = list(csv.reader(io.StringIO(text.strip())))
    blank = text[: len(text) - len(text.lstrip())].count("\n")  # lines before the header
    header = [cell.strip() for cell in rows[0]] if rows else []
    if tuple(cell.lower() for cell in header[:2]) != HEADER[:2]:
        raise ProfileError("the first row must be 'date,temperature,days'", 1 + blank)
    title = (header[3] if len(header) > len(HEADER) else "") or name or ""
    points: list[Point] = []
    start: datetime | None = None
    for number, row in enumerate(rows[1:], 2 + blank):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(("date", "temperature")):
            raise ProfileError("a row needs a date and a temperature", number)
        try:
            at = datetime.fromisoformat(row[0].strip())
        except ValueError:
            raise ProfileError(
                f"{row[0].strip()!r} is not a date like 2026-01-01T14:00:00", number
            ) from None
        start = start or at
        if points and at - start < points[-1][0]:
            raise ProfileError("the dates must not go back", number)
        cell = row[1].strip()
        try:
            temperature = Temperature(float(cell), unit) if cell else None
        except ValueError:
            raise ProfileError(
                f"{cell!r} is not a temperature (empty: control off)", number
            ) from None
        points.append((at - start, temperature))
    if not points:
        raise ProfileError("the file has no rows after its header")
    return Profile(title or "BrewPi Remix profile", steps_from_points(points)).validate()


def write(profile: Profile, start: datetime, unit: Unit) -> str:
    """The profile as a Remix CSV starting at `start` (local, naive), in `unit`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*HEADER, profile.name])
    points = points_from_steps(profile)
    if points[0][0]:
        points.insert(0, (timedelta(0), points[0][1]))  # the first date is the start
    for time, temperature in points:
        value = "" if temperature is None else f"{round(temperature.to(unit), 2):g}"
        days = time / timedelta(days=1)
        writer.writerow([(start + time).strftime(DATE_FORMAT), value, f"{days:g}"])
    return out.getvalue()
