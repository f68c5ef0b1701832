"""
The batch actions: enter a chamber's or vessel's batch, end it, link a gravity sensor.

Each takes the chamber's or vessel's thermostat. A chamber or vessel the production Sheet names
has the Sheet's batch: entering another is refused, with the Sheet row that wins.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import probatio as vol
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util

from ..batches import Batch
from ..const import DOMAIN
from . import fermenter_of
from .book import Fermenter, get_book

ATTR_BEER = "beer"
ATTR_BATCH_NUMBER = "batch_number"
ATTR_DATE_BREWED = "date_brewed"
ATTR_ORIGINAL_GRAVITY = "original_gravity"
ATTR_VOLUME = "volume"
ATTR_NOTES = "notes"
ATTR_GRAVITY_SENSOR = "gravity_sensor"

SERVICE_SET_BATCH = "set_batch"
SERVICE_END_BATCH = "end_batch"
SERVICE_LINK_GRAVITY = "link_gravity_sensor"

OG_RANGE = (0.99, 1.2)

_THERMOSTAT = {vol.Required(ATTR_ENTITY_ID): cv.entity_domain("climate")}
SET_BATCH_SCHEMA = vol.Schema(
    {
        **_THERMOSTAT,
        vol.Required(ATTR_BEER): vol.All(cv.string, vol.Strip, vol.Length(min=1)),
        vol.Optional(ATTR_BATCH_NUMBER): cv.string,
        vol.Optional(ATTR_DATE_BREWED): cv.date,
        vol.Optional(ATTR_ORIGINAL_GRAVITY): vol.All(vol.Coerce(float), vol.Range(*OG_RANGE)),
        vol.Optional(ATTR_VOLUME): cv.string,
        vol.Optional(ATTR_NOTES): cv.string,
    }
)
LINK_SCHEMA = vol.Schema({**_THERMOSTAT, vol.Optional(ATTR_GRAVITY_SENSOR): cv.entity_id})


def entered_batch(fermenter: Fermenter, fields: dict[str, Any]) -> Batch:
    """A batch from the action's or the form's fields (the beer's name given)."""

    def text(key: str) -> str | None:
        value = fields.get(key)
        return None if value is None else str(value).strip() or None

    og = fields.get(ATTR_ORIGINAL_GRAVITY)
    brewed = fields.get(ATTR_DATE_BREWED)
    return Batch(
        vessel=fermenter.name,
        beer=text(ATTR_BEER),
        batch_number=text(ATTR_BATCH_NUMBER),
        date_brewed=date.fromisoformat(brewed) if isinstance(brewed, str) else brewed,
        og=None if og is None else f"{float(og):.3f}",
        fg=None,
        actual_volume=text(ATTR_VOLUME),
        batch_size=None,
        notes=text(ATTR_NOTES),
        split=None,
    )


def _fermenter(hass: HomeAssistant, entity_id: str) -> Fermenter:
    if (fermenter := fermenter_of(hass, entity_id)) is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="not_a_fermenter",
            translation_placeholders={"thermostat": entity_id},
        )
    return fermenter


def refuse_if_from_sheet(hass: HomeAssistant, fermenter: Fermenter) -> None:
    """A chamber or vessel the Sheet names keeps the Sheet's batch."""
    if (batch := get_book(hass).sheet_batch(fermenter.name)) is not None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="batch_from_sheet",
            translation_placeholders={
                "name": fermenter.name,
                "row": str(batch.row),
                "beer": batch.beer or "?",
            },
        )


async def _async_set_batch(call: ServiceCall) -> None:
    fermenter = _fermenter(call.hass, call.data[ATTR_ENTITY_ID])
    refuse_if_from_sheet(call.hass, fermenter)
    await get_book(call.hass).async_enter(
        fermenter, entered_batch(fermenter, dict(call.data)), dt_util.utcnow()
    )


async def _async_end_batch(call: ServiceCall) -> None:
    fermenter = _fermenter(call.hass, call.data[ATTR_ENTITY_ID])
    refuse_if_from_sheet(call.hass, fermenter)
    await get_book(call.hass).async_enter(fermenter, None, dt_util.utcnow())


async def _async_link(call: ServiceCall) -> None:
    fermenter = _fermenter(call.hass, call.data[ATTR_ENTITY_ID])
    await get_book(call.hass).async_link(fermenter.key, call.data.get(ATTR_GRAVITY_SENSOR))


def async_setup_batch_actions(hass: HomeAssistant) -> None:
    """Register the batch actions."""
    for service, handler, schema in (
        (SERVICE_SET_BATCH, _async_set_batch, SET_BATCH_SCHEMA),
        (SERVICE_END_BATCH, _async_end_batch, vol.Schema(_THERMOSTAT)),
        (SERVICE_LINK_GRAVITY, _async_link, LINK_SCHEMA),
    ):
        hass.services.async_register(DOMAIN, service, handler, schema=schema)
