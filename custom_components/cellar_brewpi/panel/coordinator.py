"""The coordinator of one Alpha glycol cellar panel: reads every vessel's slot on an interval."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import UpdateFailed

from ..alpha_panel import (
    DEFAULT_PAGES,
    DEFAULT_SLOTS,
    AlphaPanel,
    AlphaPanelError,
    PanelReading,
    Slot,
    SlotReading,
)
from ..const import (
    CONF_ADDRESS,
    CONF_LABEL,
    CONF_NUMBER,
    CONF_PAGES,
    CONF_POLL_INTERVAL,
    CONF_POSITION,
    CONF_VESSELS,
    DEFAULT_PANEL_PORT,
    DEFAULT_POLL_INTERVAL,
    DOMAIN,
)
from ..polling import GridCoordinator

_LOGGER = logging.getLogger(__name__)

type PanelConfigEntry = ConfigEntry[PanelCoordinator]

# The pause the panel needs between two page reads, and how long a write may take to show.
PANEL_PAGE_PAUSE = 1.0
PANEL_REQUEST_TIMEOUT = 10.0
PANEL_WRITE_VERIFY_TIMEOUT = 5.0


def slots_from_options(options: Mapping[str, Any]) -> tuple[Slot, ...]:
    """The vessel table of an entry's options (the panel's default 9 slots when unset)."""
    if CONF_VESSELS not in options:
        return DEFAULT_SLOTS
    return tuple(
        Slot(v[CONF_NUMBER], v[CONF_ADDRESS], v[CONF_LABEL], v[CONF_POSITION])
        for v in options[CONF_VESSELS]
    )


def slot_to_option(slot: Slot) -> dict[str, Any]:
    """A slot as stored in the options."""
    return {
        CONF_NUMBER: slot.number,
        CONF_LABEL: slot.label,
        CONF_ADDRESS: slot.address,
        CONF_POSITION: slot.position,
    }


def make_panel(
    hass: HomeAssistant, data: Mapping[str, Any], pages: int = len(DEFAULT_PAGES)
) -> AlphaPanel:
    """A panel client on Home Assistant's shared HTTP session."""
    return AlphaPanel(
        async_get_clientsession(hass),
        data[CONF_HOST],
        port=data.get(CONF_PORT, DEFAULT_PANEL_PORT),
        pages=range(1, pages + 1),
        page_pause=PANEL_PAGE_PAUSE,
        timeout=PANEL_REQUEST_TIMEOUT,
        write_verify_timeout=PANEL_WRITE_VERIFY_TIMEOUT,
    )


def panel_error(err: AlphaPanelError) -> UpdateFailed:
    """The translated poll failure for a panel library error."""
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="panel_error",
        translation_placeholders={"error": str(err) or type(err).__name__},
    )


class PanelCoordinator(GridCoordinator[PanelReading]):
    """Reads the configured vessel slots of one panel."""

    config_entry: PanelConfigEntry

    def __init__(self, hass: HomeAssistant, entry: PanelConfigEntry, panel_device_id: str) -> None:
        """Create the coordinator from the entry's data and options, under the panel's device."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=entry.title,
            update_interval=timedelta(
                seconds=entry.options.get(CONF_POLL_INTERVAL, DEFAULT_POLL_INTERVAL)
            ),
        )
        self.slots = slots_from_options(entry.options)
        self.panel_device_id = panel_device_id  # the hub device of the vessels
        self.panel = make_panel(hass, entry.data, entry.options.get(CONF_PAGES, len(DEFAULT_PAGES)))

    async def _async_update_data(self) -> PanelReading:
        """Read every configured slot."""
        try:
            return await self.panel.async_read(self.slots)
        except AlphaPanelError as err:
            raise panel_error(err) from err

    @callback
    def async_apply_reading(self, reading: SlotReading) -> None:
        """Show a slot as the panel confirmed it after a write."""
        slots = {**self.data.slots, reading.slot.number: reading}
        self.async_set_updated_data(replace(self.data, slots=slots))
