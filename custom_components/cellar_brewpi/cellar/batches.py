"""The production Sheet: which batch is in which vessel, read every sync interval."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import UpdateFailed

from ..batches import SheetAuthError, SheetError
from ..const import CONF_SHEET, CONF_SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL, DOMAIN
from ..hub import CellarHub
from ..polling import GridCoordinator
from .clients import async_sheet_client
from .repairs import Repairs

if TYPE_CHECKING:
    from ..batches import Batch
    from ..batches.client import BatchSheet

_LOGGER = logging.getLogger(__name__)


class SheetCoordinator(GridCoordinator[dict[str, "Batch"]]):
    """Reads the production tab every sync interval; the last good data stays on failure."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        sheet: BatchSheet,
        options: Mapping[str, Any],
        repairs: Repairs,
    ) -> None:
        """Create the Sheet coordinator of the services entry."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{entry.title} production sheet",
            update_interval=timedelta(
                minutes=options.get(CONF_SYNC_INTERVAL, DEFAULT_SYNC_INTERVAL)
            ),
        )
        self.sheet = sheet
        self._repairs = repairs

    async def _async_update_data(self) -> dict[str, Batch]:
        try:
            return await self.hass.async_add_executor_job(self.sheet.read)
        except SheetAuthError as err:
            # Stops polling and asks the user for a new key: never a loop of failing calls.
            # The reauth flow must know the part: the coordinator's own one would not.
            self._repairs.auth_failed(CONF_SHEET)
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="sheet_auth"
            ) from err
        except SheetError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="sheet_error",
                translation_placeholders={"error": str(err)},
            ) from err


async def async_start_sheet(
    hass: HomeAssistant,
    entry: ConfigEntry,
    options: Mapping[str, Any],
    hub: CellarHub,
    repairs: Repairs,
) -> SheetCoordinator:
    """Read the Sheet once and keep the hub's batches up to date; undone with the entry."""
    sheet = await async_sheet_client(hass, options)

    async def close() -> None:
        await hass.async_add_executor_job(sheet.close)

    entry.async_on_unload(close)
    coordinator = SheetCoordinator(hass, entry, sheet, options, repairs)
    hub.sheet_configured = True

    @callback
    def forget() -> None:
        hub.sheet_configured = False
        hub.async_set_batches(None)

    # Not a first refresh: a Sheet outage must not keep the recording from starting.
    await coordinator.async_refresh()

    @callback
    def changed() -> None:
        if coordinator.data is not None:
            hub.async_set_batches(coordinator.data)
            if coordinator.last_update_success:
                repairs.resolved("sheet_auth")

    entry.async_on_unload(coordinator.async_add_listener(changed))
    entry.async_on_unload(forget)
    changed()
    return coordinator
