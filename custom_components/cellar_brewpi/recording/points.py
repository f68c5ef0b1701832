"""
InfluxDB points of the cellar: one schema for the Alpha panel, one for BrewPi controllers.

A `Reading` is a point before it is written; `to_line` renders it as one line of InfluxDB line
protocol at nanosecond precision. Every timestamp is the time the value was read, kept with the
reading, so a point sent again after a failure overwrites itself in InfluxDB instead of making a
duplicate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from custom_components.cellar_brewpi.alpha_panel.models import PanelReading
    from custom_components.cellar_brewpi.brewpi.models import ControlSettings, Temperatures

PANEL_MEASUREMENT = "cellar_panel_read"
"""The measurement of the old cellar service, one point per slot per read."""

CONTROLLER_MEASUREMENT = "brewpi"
"""The measurement of BrewPi controllers, one point per controller per read."""

NO_BATCH = "0"
"""The `batch_number` tag of a vessel without a batch, as the old service wrote it."""

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


def _float(value: float | None) -> float | None:
    """Return a finite float, or `None` for an unknown or non-finite value."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def panel_readings(
    reading: PanelReading, batches: Mapping[str, tuple[str, int]] | None = None
) -> list[Reading]:
    """
    Return one `cellar_panel_read` point per slot, in slot order, as the old cellar service wrote.

    Tags: `slot` (the number), `vessel` (the label), `batch_number` (`"0"` without a batch).
    Fields: `temp` and `set_point` (float °F, left out when unknown), `valve_open` (int 0/1, left
    out when unknown), `days_in_vessel` (int, 0 without a batch). `batches` maps a vessel label to
    its `(batch_number, days_in_vessel)`. Every point carries the read's one timestamp.
    """
    stamp = time_ns(reading.read_at)
    batches = batches or {}
    readings: list[Reading] = []
    for number in sorted(reading.slots):
        slot_reading = reading.slots[number]
        label = slot_reading.slot.label
        batch_number, days_in_vessel = batches.get(label, (NO_BATCH, 0))
        fields: dict[str, FieldValue] = {}
        if (temp := _float(slot_reading.temperature)) is not None:
            fields["temp"] = temp
        if (set_point := _float(slot_reading.set_point)) is not None:
            fields["set_point"] = set_point
        if slot_reading.valve_open is not None:
            fields["valve_open"] = int(slot_reading.valve_open)
        fields["days_in_vessel"] = int(days_in_vessel)
        readings.append(
            Reading(
                measurement=PANEL_MEASUREMENT,
                tags={
                    "slot": str(number),
                    "vessel": label,
                    "batch_number": str(batch_number) or NO_BATCH,
                },
                fields=fields,
                time_ns=stamp,
            )
        )
    return readings


def controller_readings(
    name: str,
    temperatures: Temperatures,
    settings: ControlSettings | None,
    read_at: datetime,
    temp_format: str,
) -> list[Reading]:
    """
    Return the `brewpi` point of one controller read (an empty list when nothing is known).

    Tags: `device` (the controller's name) and `temp_format` (`C` or `F`). Fields, named as
    Fermentrack's log columns: `beer_temp`, `beer_set`, `fridge_temp`, `fridge_set`, `room_temp`
    (floats in the controller's unit, left out when unknown), `state` (int) and `mode` (the mode
    letter, from `settings`).
    """
    fields: dict[str, FieldValue] = {}
    for key, value in (
        ("beer_temp", temperatures.beer_temp),
        ("beer_set", temperatures.beer_set),
        ("fridge_temp", temperatures.fridge_temp),
        ("fridge_set", temperatures.fridge_set),
        ("room_temp", temperatures.room_temp),
    ):
        if (number := _float(value)) is not None:
            fields[key] = number
    if temperatures.state is not None:
        fields["state"] = int(temperatures.state)
    if settings is not None:
        fields["mode"] = str(settings.mode.value)
    if not fields:
        return []
    return [
        Reading(
            measurement=CONTROLLER_MEASUREMENT,
            tags={"device": name, "temp_format": temp_format},
            fields=fields,
            time_ns=time_ns(read_at),
        )
    ]
