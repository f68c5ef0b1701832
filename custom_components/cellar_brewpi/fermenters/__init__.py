"""
Chambers and vessels as fermenters: the batch in each and the gravity sensor linked to it.

A controller's chamber and each of a panel's vessels is a `Fermenter`. Its batch comes from the
production Sheet when the Sheet names it, else from the batch book (`book`), where the brewer
enters it in the entry's options (`form`) or with an action (`actions`). Each fermenter gets its
batch sensors (`entity`) from its kind, through `with_batches`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity import Entity

from ..const import DOMAIN
from ..kinds import Entities
from .book import BatchBook, Fermenter, async_setup_book, get_book, signal_fermenter
from .entity import batch_sensors

__all__ = [
    "BatchBook",
    "Fermenter",
    "async_setup_book",
    "fermenter_of",
    "get_book",
    "signal_fermenter",
    "with_batches",
]


def with_batches(
    platforms: Mapping[Platform, Entities], fermenters: Callable[[Any], Iterable[Fermenter]]
) -> dict[Platform, Entities]:
    """A kind's platforms, with each of its fermenters' batch sensors added."""
    own = platforms.get(Platform.SENSOR)

    def sensors(data: Any) -> list[Entity]:
        return [
            *(own(data) if own else ()),
            *(sensor for fermenter in fermenters(data) for sensor in batch_sensors(fermenter)),
        ]

    return {**platforms, Platform.SENSOR: sensors}


def fermenter_of(hass: HomeAssistant, entity_id: str) -> Fermenter | None:
    """The chamber or vessel whose entity (its thermostat) `entity_id` is; None: not ours."""
    entity = er.async_get(hass).async_get(entity_id)
    if entity is None or entity.platform != DOMAIN or entity.device_id is None:
        return None
    device = dr.async_get(hass).async_get(entity.device_id)
    if device is None:
        return None
    key = next((value for domain, value in device.identifiers if domain == DOMAIN), None)
    return None if key is None else Fermenter(key, device.name or key)
