"""
Fermentrack's profile export, a text table, read and written.

```
====================================
| Ale with diacetyl rest           |
| Standard Profile                 |
====================================
| 3d     | 18.00 C                 |
| 5d     | 21.00 C                 |
====================================
```

Written exactly as Fermentrack's `to_export` writes it (CRLF, its widths, two decimals), so that
Fermentrack imports it and exports the same text. Read more leniently than Fermentrack reads it
(negative temperatures, `°`, lower-case units, any spacing), but a row that is not a point is
refused with its line, where Fermentrack drops it without a word. Fermentrack cannot import a
temperature below zero (its pattern has no minus sign); such a profile is still written.
"""

from __future__ import annotations

import re

from .durations import format_duration, parse_duration
from .errors import ProfileError
from .models import Profile, Temperature, Unit
from .points import Point, points_from_steps, steps_from_points

STANDARD = "Standard Profile"
TYPES = (STANDARD, "Smart Profile")
_SEPARATOR = "=" * 10
_POINT = re.compile(
    r"\|\s*(?P<time>[0-9ywdhms. ]+?)\s*\|\s*(?P<temp>-?\d+(?:\.\d+)?)\s*°?\s*(?P<unit>[CFcf])\s*\|"
)
MAX_NAME = 128


def looks_like(text: str) -> bool:
    """Whether `text` is meant as a Fermentrack table (a row of ten or more `=`)."""
    return any(line.strip().startswith(_SEPARATOR) for line in text.splitlines())


def _cell(row: str) -> str:
    inner = row.strip()
    if not (inner.startswith("|") and inner.endswith("|")):
        return inner
    return inner[1:-1].strip()


def read(text: str) -> Profile:
    """The profile of a Fermentrack table; a `ProfileError` with the line for a bad one."""
    rows = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    starts = [i for i, (_, line) in enumerate(rows) if line.strip().startswith(_SEPARATOR)]
    if not starts:
        raise ProfileError("no row of ===== found: not a Fermentrack profile")
    rows = rows[starts[0] + 1 :]
    if len(rows) < len(("name", "type", "=====")):
        raise ProfileError("the name, the type and the points are missing after the first =====")
    (name_line, name_row), (type_line, type_row), (divider_line, divider) = rows[:3]
    name = _cell(name_row)
    if not name or len(name) > MAX_NAME:
        raise ProfileError(f"the name must be 1 to {MAX_NAME} characters", name_line)
    if _cell(type_row) not in TYPES:
        raise ProfileError(f"the second row must say {STANDARD!r}", type_line)
    if not divider.strip().startswith(_SEPARATOR):
        raise ProfileError("a row of ===== must follow the type", divider_line)
    points: list[Point] = []
    for number, row in rows[3:]:
        if row.strip().startswith(_SEPARATOR):
            break
        match = _POINT.fullmatch(row.strip())
        if match is None:
            raise ProfileError(f"{row.strip()!r} is not a point like '| 3d | 18.00 C |'", number)
        time = parse_duration(match["time"], number)
        points.append((time, Temperature(float(match["temp"]), Unit(match["unit"].upper()))))
    else:
        raise ProfileError("the table has no closing row of =====", rows[-1][0])
    if not points:
        raise ProfileError("the table has no points", divider_line)
    points.sort(key=lambda point: point[0])  # Fermentrack orders its points by time
    return Profile(name, steps_from_points(points)).validate()


def write(profile: Profile) -> str:
    """The profile as Fermentrack exports one; a `ProfileError` if it turns control off."""
    points = points_from_steps(profile)
    rows: list[tuple[str, str]] = []
    for time, temperature in points:
        if temperature is None:
            raise ProfileError("Fermentrack cannot turn control off in a profile")
        rows.append((format_duration(time), f"{temperature.value:.2f} {temperature.unit}"))
    time_width = max(len(time) for time, _ in rows)
    width = max(len(STANDARD), len(profile.name), time_width + len(" | -100.00 C"), 32)
    separator = "=" * (width + 4)
    lines = [separator, _row(profile.name, width), _row(STANDARD, width), separator]
    lines += [_row(f"{time.ljust(time_width)} | {temp}", width) for time, temp in rows]
    lines.append(separator)
    return "".join(f"{line}\r\n" for line in lines)


def _row(text: str, width: int) -> str:
    return f"| {text.ljust(width)} |"
