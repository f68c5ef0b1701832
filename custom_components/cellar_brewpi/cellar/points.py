"""
The InfluxDB points of the cellar's readings, in the old cellar service's schema.

`cellar_panel_read`: one point per vessel per panel read, tagged with the vessel's batch;
`brewpi`: one point per controller reading, with Fermentrack's column names. Every point carries
the time of its read, so a point sent again overwrites itself instead of making a duplicate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from homeassistant.util import dt as dt_util

from ..alpha_panel import PanelReading
from ..brewpi import ControlSettings, Temperatures
from ..hub import FreshReadings
from ..recording import FieldValue, Reading, time_ns

if TYPE_CHECKING:
    from ..batches import Batch

PANEL_MEASUREMENT = "cellar_panel_read"
"""The measurement of the old cellar service, one point per slot per read."""

CONTROLLER_MEASUREMENT = "brewpi"
"""The measurement of BrewPi controllers, one point per controller per read."""

NO_BATCH = "0"
"""The `batch_number` tag of a vessel without a batch, as the old service wrote it."""


type Contents = Callable[[int | None, str], tuple[Batch | None, float | None]]
"""What a reading's chamber (slot None) or vessel (its slot and label) holds: batch, gravity."""


@dataclass(frozen=True, slots=True)
class Held:
    """What a vessel holds, as its points carry it."""

    batch_number: str = NO_BATCH
    days_in_vessel: int = 0
    gravity: float | None = None


def points(fresh: FreshReadings, contents: Contents) -> list[Reading]:
    """The points of a read; a vessel's carry its batch as of the read's local day."""
    reading = fresh.reading
    if isinstance(reading, PanelReading):
        day = dt_util.as_local(fresh.read_at).date()
        held: dict[int, Held] = {}
        for number, slot_reading in reading.slots.items():
            batch, gravity = contents(number, slot_reading.slot.label)
            held[number] = (
                Held(batch.batch_number or NO_BATCH, batch.days_in_vessel(day) or 0, gravity)
                if batch
                else Held(gravity=gravity)
            )
        return panel_readings(reading, held)
    _, gravity = contents(None, reading.device)
    return controller_readings(
        reading.device,
        reading.temperatures,
        reading.settings,
        fresh.read_at,
        reading.temp_format,
        gravity=gravity,
    )


def _float(value: float | None) -> float | None:
    """Return a finite float, or `None` for an unknown or non-finite value."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def panel_readings(reading: PanelReading, held: Mapping[int, Held] | None = None) -> list[Reading]:
    """
    Return one `cellar_panel_read` point per slot, in slot order, as the old cellar service wrote.

    Tags: `slot` (the number), `vessel` (the label), `batch_number` (`"0"` without a batch).
    Fields: `temp` and `set_point` (float °F, left out when unknown), `valve_open` (int 0/1, left
    out when unknown), `days_in_vessel` (int, 0 without a batch), and the one field the old
    service did not have, `gravity` (float, specific gravity, when a gravity sensor is linked and
    reads). `held` maps a slot number to what its vessel holds. Every point carries the read's
    one timestamp.
    """
    stamp = time_ns(reading.read_at)
    held = held or {}
    readings: list[Reading] = []
    for number in sorted(reading.slots):
        slot_reading = reading.slots[number]
        label = slot_reading.slot.label
        holds = held.get(number, Held())
        fields: dict[str, FieldValue] = {}
        if (temp := _float(slot_reading.temperature)) is not None:
            fields["temp"] = temp
        if (set_point := _float(slot_reading.set_point)) is not None:
            fields["set_point"] = set_point
        if slot_reading.valve_open is not None:
            fields["valve_open"] = int(slot_reading.valve_open)
        fields["days_in_vessel"] = int(holds.days_in_vessel)
        if (gravity := _float(holds.gravity)) is not None:
            fields["gravity"] = gravity
        readings.append(
            Reading(
                measurement=PANEL_MEASUREMENT,
                tags={
                    "slot": str(number),
                    "vessel": label,
                    "batch_number": str(holds.batch_number) or NO_BATCH,
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
    *,
    gravity: float | None = None,
) -> list[Reading]:
    """
    Return the `brewpi` point of one controller read (an empty list when nothing is known).

    Tags: `device` (the controller's name) and `temp_format` (`C` or `F`). Fields, named as
    Fermentrack's log columns: `beer_temp`, `beer_set`, `fridge_temp`, `fridge_set`, `room_temp`
    (floats in the controller's unit, left out when unknown), `state` (int), `mode` (the mode
    letter, from `settings`) and `gravity` (specific gravity, from the chamber's linked sensor).
    """
    fields: dict[str, FieldValue] = {}
    for key, value in (
        ("beer_temp", temperatures.beer_temp),
        ("beer_set", temperatures.beer_set),
        ("fridge_temp", temperatures.fridge_temp),
        ("fridge_set", temperatures.fridge_set),
        ("room_temp", temperatures.room_temp),
        ("gravity", gravity),
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
