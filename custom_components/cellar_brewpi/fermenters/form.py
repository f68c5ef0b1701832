"""
The batch step of a controller's and a panel's options.

The batch in a chamber or vessel and its gravity sensor. Saving it changes the batch book, not
the entry's options (nothing reloads).

While the production Sheet names the chamber or vessel, the step says so (`sheet_batch`) and
offers only the gravity sensor.
"""

from __future__ import annotations

from typing import Any

import probatio as vol
from homeassistant.config_entries import ConfigFlowResult, OptionsFlow
from homeassistant.helpers.selector import (
    DateSelector,
    EntitySelector,
    EntitySelectorConfig,
    TextSelector,
    TextSelectorConfig,
)
from homeassistant.util import dt as dt_util

from ..selectors import number_box
from .actions import (
    ATTR_BATCH_NUMBER,
    ATTR_BEER,
    ATTR_DATE_BREWED,
    ATTR_GRAVITY_SENSOR,
    ATTR_NOTES,
    ATTR_ORIGINAL_GRAVITY,
    ATTR_VOLUME,
    OG_RANGE,
    entered_batch,
)
from .book import Fermenter, get_book

GRAVITY_SENSOR = EntitySelector(EntitySelectorConfig(domain=["sensor", "input_number", "number"]))
BATCH_FIELDS: dict[Any, Any] = {
    vol.Optional(ATTR_BEER): TextSelector(),
    vol.Optional(ATTR_BATCH_NUMBER): TextSelector(),
    vol.Optional(ATTR_DATE_BREWED): DateSelector(),
    vol.Optional(ATTR_ORIGINAL_GRAVITY): number_box(*OG_RANGE, 0.001),
    vol.Optional(ATTR_VOLUME): TextSelector(),
    vol.Optional(ATTR_NOTES): TextSelector(TextSelectorConfig(multiline=True)),
}


class BatchOptions(OptionsFlow):
    """The `batch` step of an options flow, for the chamber or vessel `_fermenter` gives."""

    def _fermenter(self) -> Fermenter:
        """The chamber or vessel whose batch the step edits."""
        raise NotImplementedError

    async def async_step_batch(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Enter the batch (an empty beer: no batch) and link the gravity sensor."""
        book = get_book(self.hass)
        fermenter = self._fermenter()
        sheet = book.sheet_batch(fermenter.name)
        errors: dict[str, str] = {}
        if user_input is not None:
            beer = str(user_input.get(ATTR_BEER) or "").strip()
            if sheet is None and not beer and any(user_input.get(k) for k in BATCH_FIELDS):
                errors[ATTR_BEER] = "beer_required"
            else:
                if sheet is None:
                    batch = entered_batch(fermenter, user_input) if beer else None
                    await book.async_enter(fermenter, batch, dt_util.utcnow())
                await book.async_link(fermenter.key, user_input.get(ATTR_GRAVITY_SENSOR))
                return self.async_create_entry(data=dict(self.config_entry.options))
        fields = {} if sheet else dict(BATCH_FIELDS)
        fields[vol.Optional(ATTR_GRAVITY_SENSOR)] = GRAVITY_SENSOR
        suggested: dict[str, Any] = {ATTR_GRAVITY_SENSOR: book.gravity_sensor(fermenter.key)}
        if (batch := book.entered(fermenter.key)) is not None and sheet is None:
            suggested |= {
                ATTR_BEER: batch.beer,
                ATTR_BATCH_NUMBER: batch.batch_number,
                ATTR_DATE_BREWED: batch.date_brewed.isoformat() if batch.date_brewed else None,
                ATTR_ORIGINAL_GRAVITY: batch.original_gravity,
                ATTR_VOLUME: batch.actual_volume,
                ATTR_NOTES: batch.notes,
            }
        return self.async_show_form(
            step_id="sheet_batch" if sheet else "batch",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(fields),
                user_input or {k: v for k, v in suggested.items() if v is not None},
            ),
            description_placeholders={
                "name": fermenter.name,
                "row": str(sheet.row) if sheet else "",
                "beer": (sheet.beer or "?") if sheet else "",
            },
            errors=errors,
        )

    async_step_sheet_batch = async_step_batch
