"""The cellar services' figures: the recording queue's and the heartbeat's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EntityCategory, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from ..const import CONF_CLOUDWATCH, CONF_INFLUXDB, DOMAIN
from ..recording import QueueStats
from .entity import CellarEntity
from .runtime import CellarServices


def entities(services: CellarServices) -> list[SensorEntity]:
    """The sensors of the parts configured."""
    options = services.entry.options
    return [CellarSensor(services, d) for d in CELLAR_SENSORS if d.part in options]


def remove_stale_sensors(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """A removed part's sensors go with it, rather than stay behind unavailable."""
    registry = er.async_get(hass)
    for description in CELLAR_SENSORS:
        if description.part not in entry.options and (
            entity_id := registry.async_get_entity_id(
                "sensor", DOMAIN, f"{entry.entry_id}-{description.key}"
            )
        ):
            registry.async_remove(entity_id)


@dataclass(frozen=True, kw_only=True)
class CellarSensorDescription(SensorEntityDescription):
    """A cellar services figure and the part it belongs to."""

    part: str
    value_fn: Callable[[CellarServices], float | int | datetime | None]


def _stats(services: CellarServices) -> QueueStats | None:
    return services.recording.stats if services.recording else None


def _queue(figure: str) -> Callable[[CellarServices], int | None]:
    """A figure of the queue's stats, unknown before the queue was read."""

    def value(services: CellarServices) -> int | None:
        stats = _stats(services)
        return None if stats is None else int(getattr(stats, figure))

    return value


def _last_write(services: CellarServices) -> datetime | None:
    recording = services.recording
    return recording.drainer.last_success if recording and recording.drainer else None


def _oldest_age(services: CellarServices) -> float | None:
    stats = _stats(services)
    if stats is None or stats.oldest_time_ns is None:
        return None
    return round(max(0.0, dt_util.utcnow().timestamp() - stats.oldest_time_ns / 1e9))


CELLAR_SENSORS: tuple[CellarSensorDescription, ...] = (
    CellarSensorDescription(
        key="queued_points",
        translation_key="queued_points",
        part=CONF_INFLUXDB,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_queue("queued"),
    ),
    CellarSensorDescription(
        key="oldest_queued_age",
        translation_key="oldest_queued_age",
        part=CONF_INFLUXDB,
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_oldest_age,
    ),
    CellarSensorDescription(
        key="last_write",
        translation_key="last_write",
        part=CONF_INFLUXDB,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_last_write,
    ),
    CellarSensorDescription(
        key="dropped_points",
        translation_key="dropped_points",
        part=CONF_INFLUXDB,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_queue("dropped"),
    ),
    CellarSensorDescription(
        key="rejected_points",
        translation_key="rejected_points",
        part=CONF_INFLUXDB,
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_queue("dead_letters"),
    ),
    CellarSensorDescription(
        key="last_heartbeat",
        translation_key="last_heartbeat",
        part=CONF_CLOUDWATCH,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.heartbeat.last_heartbeat if s.heartbeat else None,
    ),
)


class CellarSensor(CellarEntity, SensorEntity):
    """A figure of the recording queue or the heartbeat."""

    entity_description: CellarSensorDescription

    def __init__(self, services: CellarServices, description: CellarSensorDescription) -> None:
        """Create the sensor described."""
        super().__init__(services, description.key)
        self.entity_description = description

    @property
    def native_value(self) -> float | int | datetime | None:
        """The figure."""
        return self.entity_description.value_fn(self.services)
