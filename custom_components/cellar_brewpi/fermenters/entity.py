"""
Each chamber's and vessel's batch sensors.

The beer, its batch number, its days in the vessel, and, from the linked gravity sensor and the
batch's OG, the apparent attenuation and the ABV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfTime
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_change
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from ..batches import Batch
from ..batches.gravity import alcohol_by_volume, apparent_attenuation
from ..hub import SIGNAL_BATCHES
from .book import Fermenter, Source, get_book, signal_fermenter


@dataclass(frozen=True, slots=True)
class Contents:
    """What a chamber or vessel holds now, as its batch sensors show it."""

    batch: Batch | None
    source: Source | None
    gravity: float | None
    gravity_sensor: str | None
    today: date

    @property
    def original_gravity(self) -> float | None:
        """The batch's OG as specific gravity."""
        return self.batch.original_gravity if self.batch else None

    def from_og(self, formula: Callable[[float, float], float | None]) -> float | None:
        """A figure of the OG and the gravity now, to a tenth; None without both."""
        if self.original_gravity is None or self.gravity is None:
            return None
        value = formula(self.original_gravity, self.gravity)
        return None if value is None else round(value, 1)


@dataclass(frozen=True, kw_only=True)
class BatchSensorDescription(SensorEntityDescription):
    """A batch sensor: its value, and what it follows besides the batch."""

    value_fn: Callable[[Contents], StateType]
    follows_gravity: bool = False
    daily: bool = False


DESCRIPTIONS: tuple[BatchSensorDescription, ...] = (
    BatchSensorDescription(
        key="beer", translation_key="beer", value_fn=lambda c: c.batch.beer if c.batch else None
    ),
    BatchSensorDescription(
        key="batch_number",
        translation_key="batch_number",
        value_fn=lambda c: c.batch.batch_number if c.batch else None,
    ),
    BatchSensorDescription(
        key="days_in_vessel",
        translation_key="days_in_vessel",
        native_unit_of_measurement=UnitOfTime.DAYS,
        value_fn=lambda c: c.batch.days_in_vessel(c.today) if c.batch else None,
        daily=True,
    ),
    BatchSensorDescription(
        key="apparent_attenuation",
        translation_key="apparent_attenuation",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda c: c.from_og(apparent_attenuation),
        follows_gravity=True,
    ),
    BatchSensorDescription(
        key="abv",
        translation_key="abv",
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=1,
        value_fn=lambda c: c.from_og(alcohol_by_volume),
        follows_gravity=True,
    ),
)


def batch_sensors(fermenter: Fermenter) -> list[BatchSensor]:
    """A chamber's or vessel's batch sensors."""
    return [BatchSensor(fermenter, description) for description in DESCRIPTIONS]


def _attributes(contents: Contents, key: str) -> dict[str, Any] | None:
    batch = contents.batch
    if key == "beer" and batch is not None:
        return {
            "source": contents.source,
            "og": batch.og,
            "fg": batch.fg,
            "actual_volume": batch.actual_volume,
            "batch_size": batch.batch_size,
            "date_brewed": batch.date_brewed.isoformat() if batch.date_brewed else None,
            "notes": batch.notes,
            "sheet_row": batch.row,
        }
    if key in {"apparent_attenuation", "abv"}:
        return {
            "original_gravity": contents.original_gravity,
            "gravity": contents.gravity,
            "gravity_sensor": contents.gravity_sensor,
        }
    return None


class BatchSensor(SensorEntity):
    """
    One figure of what a chamber or vessel holds; unknown while it holds no batch.

    Unavailable while the production Sheet, configured but not read yet, may name it.
    """

    _attr_has_entity_name = True
    _attr_should_poll = False
    entity_description: BatchSensorDescription

    def __init__(self, fermenter: Fermenter, description: BatchSensorDescription) -> None:
        """The sensor `description` of `fermenter`, on its device."""
        self.fermenter = fermenter
        self.entity_description = description
        self._attr_unique_id = f"{fermenter.key}-{description.key}"
        self._attr_device_info = fermenter.device
        self._unfollow_gravity: CALLBACK_TYPE | None = None
        self._shown: tuple[bool, StateType, dict[str, Any] | None] | None = None

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the Sheet, the book and, as the sensor needs, the gravity and the date."""
        self.async_on_remove(async_dispatcher_connect(self.hass, SIGNAL_BATCHES, self._refresh))
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, signal_fermenter(self.fermenter.key), self._book_changed
            )
        )
        if self.entity_description.daily:
            self.async_on_remove(
                async_track_time_change(self.hass, self._new_day, hour=0, minute=0, second=0)
            )
        self.async_on_remove(self._stop_following)
        self._follow_gravity()
        self._update()

    def _contents(self) -> Contents:
        book = get_book(self.hass)
        batch, source = book.batch(self.fermenter)
        return Contents(
            batch=batch,
            source=source,
            gravity=book.gravity(self.fermenter.key),
            gravity_sensor=book.gravity_sensor(self.fermenter.key),
            today=dt_util.now().date(),
        )

    def _update(self) -> bool:
        """Work out what the sensor shows; whether that changed."""
        contents = self._contents()
        key = self.entity_description.key
        self._attr_available = not get_book(self.hass).waits_for_sheet(self.fermenter)
        shown = (
            self._attr_available,
            self.entity_description.value_fn(contents),
            _attributes(contents, key),
        )
        if shown == self._shown:
            return False
        self._shown = shown
        self._attr_native_value = shown[1]
        self._attr_extra_state_attributes = shown[2] or {}
        return True

    @callback
    def _refresh(self) -> None:
        if self._update():
            self.async_write_ha_state()

    @callback
    def _book_changed(self) -> None:
        self._follow_gravity()
        self._refresh()

    @callback
    def _gravity_changed(self, _event: Event[EventStateChangedData]) -> None:
        self._refresh()

    @callback
    def _new_day(self, _now: datetime) -> None:
        self._refresh()

    def _follow_gravity(self) -> None:
        if not self.entity_description.follows_gravity:
            return
        self._stop_following()
        if (entity_id := get_book(self.hass).gravity_sensor(self.fermenter.key)) is not None:
            self._unfollow_gravity = async_track_state_change_event(
                self.hass, entity_id, self._gravity_changed
            )

    @callback
    def _stop_following(self) -> None:
        if self._unfollow_gravity is not None:
            self._unfollow_gravity()
            self._unfollow_gravity = None
