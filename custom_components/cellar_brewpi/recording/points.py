"""
InfluxDB points, and their line protocol.

A `Reading` is a point before it is written; `to_line` renders it as one line of line protocol at
nanosecond precision. Every timestamp is the time the value was read, kept with the reading, so a
point sent again after a failure overwrites itself in InfluxDB instead of making a duplicate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

type FieldValue = float | int | bool | str

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Line protocol's escapes. A newline, tab or carriage return in a name or tag would end or split
# the line: they are written as `\n`, `\t` and `\r` (two characters), as influxdb-client does.
_CONTROL_ESCAPES = {"\n": r"\n", "\t": r"\t", "\r": r"\r"}
_MEASUREMENT_ESCAPES = str.maketrans({",": r"\,", " ": r"\ ", **_CONTROL_ESCAPES})
_KEY_ESCAPES = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ ", **_CONTROL_ESCAPES})
_STRING_ESCAPES = str.maketrans({'"': r"\"", "\\": r"\\"})


@dataclass(frozen=True, slots=True)
class Reading:
    """One point: measurement, tags, fields and the read time in nanoseconds since the epoch."""

    measurement: str
    tags: dict[str, str]
    fields: dict[str, FieldValue]
    time_ns: int


def time_ns(moment: datetime) -> int:
    """Return an aware datetime as integer nanoseconds since the epoch (exact integer maths)."""
    if moment.tzinfo is None:
        raise ValueError("read times must be timezone-aware")
    return (moment - _EPOCH) // timedelta(microseconds=1) * 1000


def _tag_value(value: str) -> str:
    """
    Escape a tag value; one that ends in a backslash gets a space after it.

    Otherwise that backslash would escape the comma or space that ends the tag (influxdb-client's
    remedy: the value then ends in an escaped space instead of the backslash).
    """
    escaped = value.translate(_KEY_ESCAPES)
    return f"{escaped} " if escaped.endswith("\\") else escaped


def _field_value(key: str, value: object) -> str | None:
    r"""
    The field's value in line protocol, or `None` for a field left out (`None`, NaN, infinite).

    Floats are written as Python's shortest repr that reads back to the same float (`.0` left off,
    `1e+16` kept as it is), integers with the `i` suffix, booleans as `true`/`false`, strings
    double-quoted with `"` and `\` escaped.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = float.__repr__(value)
        return text.removesuffix(".0")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{int.__repr__(value)}i"
    if isinstance(value, str):
        return f'"{value.translate(_STRING_ESCAPES)}"'
    if value is None:
        return None
    raise ValueError(f"field {key!r}: {type(value).__name__} values cannot be written")


def to_line(reading: Reading) -> str:
    """
    Return the reading as one line of line protocol at nanosecond precision.

    Measurement, then the tags sorted by key, the fields sorted by key, and the timestamp. The
    measurement escapes commas and spaces; tag keys, tag values and field keys escape commas,
    equals signs and spaces. A tag with an empty key or value is left out; `None` and non-finite
    float fields are left out (InfluxDB cannot store them), and a reading left without any field
    cannot be written and raises `ValueError`. The output is the same as influxdb-client's
    `Point.to_line_protocol` (checked by the tests).
    """
    parts = [reading.measurement.translate(_MEASUREMENT_ESCAPES)]
    for key in sorted(reading.tags):
        tag_key = key.translate(_KEY_ESCAPES)
        tag_value = _tag_value(reading.tags[key])
        if tag_key and tag_value:
            parts.append(f",{tag_key}={tag_value}")
    fields = []
    for key in sorted(reading.fields):
        value = _field_value(key, reading.fields[key])
        if value is not None:
            fields.append(f"{key.translate(_KEY_ESCAPES)}={value}")
    if not fields:
        raise ValueError(f"{reading.measurement} point {reading.tags} has no field to write")
    parts.append(f" {','.join(fields)} {int(reading.time_ns)}")
    return "".join(parts)
